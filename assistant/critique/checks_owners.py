"""Owners check: one named owner for each initiative."""

from __future__ import annotations

import re
from dataclasses import replace

from assistant.critique.base import (
    Verdict,
    evidence,
    in_topics,
    is_conditional,
    line_refs,
    per_plan,
    short,
)
from assistant.critique.checks_direction import PLACEHOLDER_RE
from assistant.critique.parse import Line, Plan
from assistant.critique.patterns import (
    IC,
    NON_NAME_WORDS,
    ORG_WORDS,
    PERSON_RE,
    ROLE_RE,
    TEAM_HEAD_RE,
    TEAM_RE,
    person_names,
)

# --- owners ----------------------------------------------------------------------------------
_OWNER_MARKER = re.compile(
    r"\b(?:(?:owners?|dri|accountable|responsible|driver|captain|poc|point of contact)\b(?:\s*\([^)]*\))?\s*"
    r"(?:[:=\-–—]|is\b|will be\b)?|(?:owned|led|run|driven) by\b|lead\s*[:=\-–—])\s*",
    IC,
)
_OWNS_VERB = re.compile(
    r"\b(?:owns|leads|will own|will lead|drives|is accountable for|is responsible for|runs)\b",
    IC,
)
_TEAM_OWNERSHIP = re.compile(
    r"\b(?:collectively|jointly|shared ownership|together|will (?:own|lead|deliver|drive)|"
    r"(?:is|are|will be) responsible for|owner for all|owners?\s*:)\b",
    IC,
)
_PLAN_LEVEL = re.compile(
    r"^(?:plan owner|owner of (?:the )?plan|author|sponsor|executive sponsor|prepared by|"
    r"programme lead|program lead|reviewed by|country director|from|to)\b",
    IC,
)
_UNIT_TOPICS = ("initiatives", "owners")
_NOT_UNIT_TOPICS = ("dependencies", "risks", "capacity", "metrics", "cadence", "decisions")
_OWNER_COLUMN = re.compile(
    r"\bowners?\b|\bdri\b|\bleads?\b|\baccountable\b|\bwho\b|\bresponsible\b|\bdriver\b", IC
)
_NAME_THEN_ROLE = re.compile(r"\s*\((?:owner|dri|lead|accountable)\)", IC)
# fields of a delimited item ('Work — Name (role) — date', 'Work / Name / date')
_FIELD_SEP = re.compile(r"\s+[—–/|]\s+")
_HANDLE = re.compile(r"@[a-z][\w.-]*[a-z0-9]", IC)
# a named person given a task: 'Rosa to draft the brief', 'Ines will run it'
_ASSIGNED = re.compile(
    r"\b([A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ'’-]+) (?:to|will) (?:do|draft|lead|own|drive|write|run|take)\b"
)
# a reserved-capacity row or item ('Buffer', 'Unplanned', 'Slack'): not an initiative
_RESERVE = re.compile(
    r"^\W*(?:buffer|slack|unplanned|unallocated|unassigned|reserve|contingency|headroom)\b", IC
)
# measure labels under an objective ('Leading indicators:', 'Metrics:'): not initiatives
_MEASURE_LABEL = re.compile(
    r"^(?:leading|lagging|indicators?|metrics?|measures?|kpis?|signals?|guardrails?)\b", IC
)


# a field of a list item that only names who does it: 'Mira', 'jdoe', 'jdoe, mtan'
_FIELD_SPLIT = re.compile(r"\s+[—–-]\s+|\s+[/|]\s+")
_WHO_TOKEN = re.compile(r"@?[a-z][a-z0-9_.-]{2,19}|[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ'’-]{1,19}")
_NOT_WHO = re.compile(
    r"^(?:done|wip|tbd|tbc|n/?a|blocked|high|medium|low|green|amber|red|yes|no|ongoing|planned|"
    r"started|complete|completed|late|dropped|open|closed|draft|new|later|soon|asap|none|"
    r"beta|alpha|stable|canary|dev|trunk)$",
    IC,
)


def _who_field(field_text: str) -> list[str]:
    """The names or handles a field holds when that is all it holds (up to three)."""
    tokens = [t.strip() for t in re.split(r",\s*|\s+(?:and|&)\s+", field_text.strip(" .;*_"))]
    if not 1 <= len(tokens) <= 3:
        return []
    for token in tokens:
        if not _WHO_TOKEN.fullmatch(token) or _NOT_WHO.match(token):
            return []
        if token.lower() in ORG_WORDS or token.lower() in NON_NAME_WORDS:
            return []
    return tokens


@per_plan
def _field_owners(plan: Plan) -> dict[int, list[str]]:
    """List items whose second (or later) field names who does the work ('Ship X — leviw —
    0.6', 'Export wizard - Mira'), when at least two items of the same list do so: a list with an
    owner column written as text."""
    by_list: dict[tuple[int, str], dict[int, list[str]]] = {}
    for ln in plan.body_lines():
        if ln.kind != "item":
            continue
        fields = _FIELD_SPLIT.split(ln.plain)
        who = next((w for f in fields[1:] if (w := _who_field(f))), [])
        if not who and ln.label and not _PLAN_LEVEL.match(ln.label):
            # a roster: 'Windows installers: Steve Dower', 'Docs: @mei.lin'
            who = [p for p in [_field_person(ln.body, plan.known_first)] if p]
        if who:
            by_list.setdefault((ln.section, ln.marker), {})[ln.number] = who
    return {n: w for owners in by_list.values() if len(owners) >= 2 for n, w in owners.items()}


# an executive's title as a label ('CRO:', 'CMO:', 'VPE:', 'SVP:'): the role that owns the item
_EXEC_LABEL = re.compile(
    r"^(?:ceo|cfo|coo|cto|cio|ciso|cpo|cmo|chro|cro|cso|cdo|cco|cxo|vpe|vpp|vp|svp|evp|gm)$", IC
)


def _owner_label(label: str) -> bool:
    """True for a label naming one role or team ('CMO', 'Content Marketing', 'Security')."""
    words = label.split()
    if not 1 <= len(words) <= 3 or _PLAN_LEVEL.match(label) or _OWNER_LABEL.match(label):
        return False
    # a team by its function needs two words ('Content Marketing', 'Field Ops'): one word alone
    # ('Security:', 'Finance:') is as often the item's topic as its owner
    return bool(_EXEC_LABEL.match(label) or ROLE_RE.fullmatch(label)) or (
        len(words) >= 2 and words[-1] in ORG_WORDS)


@per_plan
def _label_owners(plan: Plan) -> dict[int, list[str]]:
    """Work items led by the role or team that owns them ('CRO: IACV from higher tiers ...',
    'Digital Marketing: inbound leads +15%'): in lists where at least half the labels name a
    role or team (three or more such items in the plan), each labelled item is owned by its
    label."""
    lists: dict[tuple[int, str], list[Line]] = {}
    for ln in plan.body_lines():
        if ln.kind == "item" and ln.label and len(ln.body.split()) >= 3:
            lists.setdefault((ln.section, ln.marker), []).append(ln)
    found: dict[int, list[str]] = {}
    for items in lists.values():
        hits = [ln for ln in items if _owner_label(ln.label)]
        if len(hits) >= 2 and 2 * len(hits) >= len(items):
            found |= {ln.number: [ln.plain.split(":", 1)[0].strip()] for ln in items}
    hits_in_plan = sum(_owner_label(label.lower()) for [label] in found.values())
    return found if hits_in_plan >= 3 else {}


def _field_person(fragment: str, known: frozenset[str]) -> str | None:
    """The person a whole field names ('Maya Okonkwo (PM)', 'Grace Liu.', '@mei.lin')."""
    core = re.split(r"[.;,(:]\s|[(;]|$", fragment.strip(" *_"), maxsplit=1)[0].strip(" *_.")
    if _HANDLE.fullmatch(core) and not TEAM_RE.search(core.replace(".", " ")):
        return core
    names = person_names(core, known)
    if len(names) == 1 and names[0] == core:
        return core
    return None


def _single_person(fragment: str) -> str | None:
    """A first name alone right after an explicit owner marker ('Owner: Priya')."""
    match = re.match(r"\s*([A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ'’-]+)\b", fragment)
    if not match:
        return None
    word = match.group(1)
    if word.lower() in ORG_WORDS or word.lower() in NON_NAME_WORDS:
        return None
    following = fragment[match.end() :].split()[:2]
    if any(w.strip(".,;:()").lower() in ORG_WORDS for w in following) or re.match(
        r"\s*[+&/]", fragment[match.end() :]
    ):
        return None
    return word


# a chat handle names one person as well as a name does ('owner: @daniel', an Owner cell '@mei.c')
_HANDLE = re.compile(r"^\W{0,3}(@[a-z][\w.-]{1,30})\b", re.I)


def _owner_cells(line: Line, known: frozenset[str]) -> list[str]:
    """Names in the line's owner-column cells ('Maria Lopez, Ops Director' is one person)."""
    found: list[str] = []
    for cell_name, cell in line.cells.items():
        if _OWNER_COLUMN.search(cell_name) and (handle := _HANDLE.match(cell)):
            found.append(handle.group(1))
        elif _OWNER_COLUMN.search(cell_name):
            if person := _field_person(re.split(r"[,(]", cell, maxsplit=1)[0], known):
                found.append(person)
                continue
            found += (
                person_names(cell, known)
                or [p for p in [_single_person(cell)] if p]
                # a login alone in the cell ('mawilkie', 'jdoe, mtan'): the people who own it
                or _who_field(re.sub(r"\s*\([^)]*\)", "", cell))
            )
    return found


def _marked_owners(text: str, known: frozenset[str]) -> list[str]:
    """People the text marks as owners: 'Owner: X', 'led by X', 'X owns', 'X (DRI)'."""
    found: list[str] = []
    for match in _OWNER_MARKER.finditer(text):
        after = text[match.end() : match.end() + 60]
        names = person_names(after, known)
        if handle := _HANDLE.match(after):
            found.append(handle.group(1))
        elif names and after.find(names[0]) <= 3:
            found += names[:2] if re.search(r"\b(?:and|&)\b|/", after[:40]) else names[:1]
        elif re.search(r"(?:[:=\-–—]|\bby)\s*$", match.group(0)) and (
            single := _single_person(after)
        ):
            found.append(single)
    for match in _INLINE_ROLE_OWNER.finditer(text):
        if single := _single_person(text[match.end() : match.end() + 40]):
            found.append(single)
    for pattern in (_OWNS_VERB, _NAME_THEN_ROLE):
        for match in pattern.finditer(text):
            names = person_names(text[max(0, match.start() - 40) : match.start()], known)
            if names:
                found.append(names[-1])
    return found


# the code or number an objective or item starts with ('O2.', 'KR 1.1:', '3)'), not a sentence
_ITEM_CODE = re.compile(r"^\W*(?:(?:o|kr|g|p)\s?\d{1,2}(?:\.\d{1,2})?|\d{1,2})\W*$", IC)


def _trailing_owner(text: str, known: frozenset[str]) -> list[str]:
    """An initiative's owner written after it: '... (Priya)', '... — Grace Liu', 'X. Mira.'"""
    found: list[str] = []
    paren = re.search(r"\(([^()]{2,30})\)\s*\.?$", text)
    if paren and (single := _single_person(paren.group(1))) and paren.group(1).strip() == single:
        found.append(single)
    tail = re.search(r"[—–-]\s*([^—–-]{2,60})$|\(([^()]{2,40})\)\s*\.?$", text)
    segment = next((g for g in (tail.groups() if tail else ()) if g), "")
    lead = re.match(r"^[^.:]{2,80}[.:]\s+(.{2,60})", text)
    if lead and _ITEM_CODE.match(text[: lead.start(1)]):
        lead = None  # 'O2. Celebrate Contributions': the code of an objective, then its title
    for fragment in (segment, lead.group(1) if lead else ""):
        names = person_names(fragment, known)
        if names and re.match(rf"\s*{re.escape(names[0])}\s*(?:[,(.;]|$)", fragment):
            found.append(names[0])
    return found


def _owner_people(line: Line, plan: Plan) -> list[str]:
    """Person names this line names as owner (empty if none, or only teams)."""
    known = plan.known_first
    text = line.plain
    found = _owner_cells(line, known) + _marked_owners(text, known)
    fields = _FIELD_SEP.split(text) if line.kind == "item" else []
    if not found and len(fields) >= 2:
        found += [p for f in fields[1:] if (p := _field_person(f, known))][:2]
    if not found:
        found += _field_owners(plan).get(line.number, [])
        found += _label_owners(plan).get(line.number, [])
        found += [m.group(1) for m in _ASSIGNED.finditer(text) if _single_person(m.group(1))]
    if line.okr == "O" and not found and (below := _block_owner_line(plan, line)):
        found += _owner_people(below, plan)
    if in_topics(line, *_UNIT_TOPICS) or line.okr:
        found += _trailing_owner(text, known)
    return list(dict.fromkeys(found))


_OWNER_LABEL = re.compile(
    r"^(?:owners?|dri|lead|led by|accountable|responsible|champions?|poc|point of contact|"
    r"(?:tracking|goal|okr|objective|project|programme|program) (?:manager|lead|owner))$",
    IC,
)
# a heading over the plan's owner ('Champion', 'Owners', 'Who leads this')
_OWNER_HEAD = re.compile(
    r"^\W*(?:champions?|owners?|ownership|dri|(?:[\w-]+\s+){0,3}?(?:leads?|lead\(s\)|co-?chairs?)|"
    r"leadership|accountab\w+|who (?:owns|leads)\b.*)\W*$",
    IC,
)
# owners promised but not named: 'name a champion accountable for each strategy'
_OWNERS_TO_NAME = re.compile(
    r"\b(?:name|appoint|assign|identify|nominate)\w*\b[^.;]{0,40}\b(?:champions?|owners?|"
    r"leads?|leaders?|dris?)\b|\b(?:champions?|owners?|leads?|leaders?|dris?)\b[^.;]{0,30}"
    r"\b(?:named|appointed|assigned|nominated)\b",
    IC,
)
# ownership stated as a rule, with no one named: 'each programme is assigned to one division',
# 'every goal has a nominated executive lead'
_OWNERSHIP_RULE = re.compile(
    r"\b(?:each|every)\b[^.;]{0,60}\b(?:is|are|has|have|gets?)\b[^.;]{0,60}\b(?:assigned to|"
    r"owned by|led by|(?:an? |one )?(?:named|nominated|single|specific|designated)\b[^.;]{0,30}"
    r"\b(?:owners?|leads?|leaders?|division|team|department|sponsor|dri))",
    IC,
)
_INLINE_ROLE_OWNER = re.compile(
    r"\b(?i:tracking|goal|okr|objective|project|programme|program) (?i:manager|lead|owner)\s*:?\s+"
    r"(?=[A-ZÀ-ÖØ-Þ])"
)


def _block_owner_line(plan: Plan, objective: Line) -> Line | None:
    """The 'Owner: <name>' line given under an objective, before its next objective."""
    for ln in plan.lines[objective.index + 1 :]:
        if ln.kind in ("header", "title") or ln.okr == "O":
            return None
        if _OWNER_LABEL.match(ln.label or ""):
            return ln
    return None


def _owner_of_block(plan: Plan, line: Line) -> bool:
    """True for an 'Owner: <name>' line that names the owner of the objective above it."""
    if not _OWNER_LABEL.match(line.label or ""):
        return False
    above = [ln for ln in plan.lines[: line.index] if ln.okr == "O" or ln.kind == "header"]
    return bool(above) and above[-1].okr == "O" and _block_owner_line(plan, above[-1]) is line


def _is_unit(ln: Line) -> bool:
    if ln.okr == "O":
        return True
    if ln.kind == "table":
        return bool(ln.cells) and any(_OWNER_COLUMN.search(c) for c in ln.cells)
    return (
        ln.kind == "item" and in_topics(ln, *_UNIT_TOPICS) and not in_topics(ln, *_NOT_UNIT_TOPICS)
    )


def _siblings_of_owned(plan: Plan, units: list[Line]) -> list[Line]:
    """Items in the same list as an item with an owner: they are initiatives too."""
    lists: set[tuple[int, str]] = set()  # (section, marker) of each list holding an owned item
    for owned in plan.body_lines():
        if (
            owned.kind != "item"
            or (owned.section, owned.marker) in lists
            or not _owner_people(owned, plan)
        ):
            continue
        if in_topics(owned, *_NOT_UNIT_TOPICS) and not in_topics(owned, *_UNIT_TOPICS):
            continue
        if in_topics(owned, "dependencies", "risks"):
            continue
        if _OWNER_LABEL.match(owned.label or ""):
            # an 'Owner: X' / 'POC: X' field of the goal above: its siblings are more fields
            # of that goal ('GitHub: ...', 'Status: ...'), not initiatives
            continue
        lists.add((owned.section, owned.marker))
    taken = {id(u) for u in units}
    return [
        sib
        for sib in plan.lines
        if sib.kind == "item"
        and (sib.section, sib.marker) in lists
        and not sib.okr
        and not _MEASURE_LABEL.match(sib.label or "")
        and id(sib) not in taken
    ]


def _units(plan: Plan) -> list[Line]:
    """Initiatives that need an owner: items under initiative/owner headings, objectives,
    rows of an initiative table, sibling items of any owned item; else the priority list."""
    units = [
        ln
        for ln in plan.body_lines()
        if not _PLAN_LEVEL.match(ln.label or "")
        and not PLACEHOLDER_RE.match(ln.body)
        and not _RESERVE.match(ln.plain)
        and _is_unit(ln)
    ]
    key_results = [ln for ln in plan.body_lines() if ln.okr == "KR"]
    if any(_owner_people(ln, plan) for ln in key_results):
        # one owner per key result: the key results are the units, not their objectives
        units = [ln for ln in units if ln.okr != "O"] + key_results
    for ln in plan.body_lines():
        if ln in units or _PLAN_LEVEL.match(ln.label or "") or _owner_of_block(plan, ln):
            continue
        if not in_topics(ln, *_NOT_UNIT_TOPICS) and _owner_people(ln, plan):
            units.append(ln)
    units += [ln for ln in _siblings_of_owned(plan, units) if not _RESERVE.match(ln.plain)]
    units += [ln for ln in plan.body_lines() if ln.number in _field_owners(plan)]
    units += [ln for ln in plan.body_lines() if ln.number in _label_owners(plan)]
    if not units:
        for head in plan.headers("priorities"):
            units += [
                ln
                for ln in plan.lines[head.index + 1 :]
                if ln.section == head.section and ln.kind == "item"
            ]
    return sorted(set(units), key=lambda ln: ln.number)


def _one_per_sentence(line: Line, plan: Plan) -> bool:
    """True for prose that gives each initiative its own sentence with one owner
    ('Mira owns the campaign. Elin Berg owns performance.')."""
    sentences = re.split(r"(?<=[.;!?])\s+(?=[A-Z])", line.plain)
    counts = [
        len(_owner_people(replace(line, plain=s, cells={}, okr="", memo={}), plan))
        for s in sentences
    ]
    return max(counts) == 1 and counts.count(1) >= 2


def _plan_owner(plan: Plan) -> tuple[list[Line], list[str]]:
    """The lines of the plan's owner sections ('## Champion') and the people they name."""
    lines = [
        ln
        for section in plan.sections
        if section.header is not None and _OWNER_HEAD.match(section.header.plain)
        for ln in section.lines
        if ln.kind in ("text", "item")
    ]
    people = [p for ln in lines for p in person_names(ln.plain, plan.known_first)]
    return lines, list(dict.fromkeys(people))


# a role that leads a whole group or plan, not one initiative: 'Chair', 'Co-chairs', 'Team
# lead', 'Section Lead', 'Facilitators', 'Programme Manager', 'Release Manager', 'Director'
_LEAD_ROLE = (
    r"(?:(?:co-?)?chair(?:s|person)?|(?:[\w-]+\s+){0,2}?(?:leads?|lead\(s\)|co-?leads?|"
    r"facilitators?|coordinators?|convenors?|conveners?|manager|director))"
)
_LEAD_LABEL = re.compile(rf"^(?:[\w.-]+\s+){{0,2}}?{_LEAD_ROLE}$", IC)
# 'Ana Ruiz (Team Lead)', 'Ana Ruiz (@aruiz), team lead', 'Ana Ruiz, Chair of the board'
_LEAD_AFTER_NAME = re.compile(
    rf"^\s*(?:\(@[\w.-]+\))?\s*[(,–—-]\s*(?:the\s+|our\s+)?{_LEAD_ROLE}\b", IC
)
_ROLE_COLUMN = re.compile(r"\b(?:role|title|position|function)s?\b", IC)


def _group_leads(plan: Plan) -> list[Line]:
    """Lines naming the one person who leads the group or plan as a whole ('Chairs: Ana
    Ruiz', 'Ana Ruiz (Team Lead)', a membership table with a 'Chair' row): one lead for the
    whole plan, not an owner for each initiative."""
    known = plan.known_first
    found: list[Line] = []
    for ln in plan.body_lines():
        if _PLAN_LEVEL.match(ln.label or "") or is_conditional(ln):
            continue
        if _LEAD_LABEL.match(ln.label or "") and _field_value_owners(ln, plan):
            found.append(ln)
            continue
        if ln.kind == "table" and any(
            _ROLE_COLUMN.search(col) and re.fullmatch(rf"\W*{_LEAD_ROLE}\W*", cell, IC)
            for col, cell in ln.cells.items()
        ):
            if any(person_names(cell, known) for cell in ln.cells.values()):
                found.append(ln)
            continue
        for match in PERSON_RE.finditer(ln.plain):
            if match.group(0) in person_names(match.group(0), known) and _LEAD_AFTER_NAME.match(
                ln.plain[match.end() : match.end() + 60]
            ):
                found.append(ln)
                break
    return found


def _role_owner(line: Line) -> bool:
    """True if the line's owner marker names a team or a role, not a person; or, in a table,
    its owner column does ('| Leads | Department of Health; vendors |')."""
    for match in _OWNER_MARKER.finditer(line.plain):
        after = " ".join(line.plain[match.end() :].split()[:4])
        if after and (TEAM_RE.search(after) or ROLE_RE.search(after)):
            return True
    return any(
        _OWNER_COLUMN.search(name) and (TEAM_RE.search(cell) or ROLE_RE.search(cell))
        for name, cell in line.cells.items()
    )


def _field_value_owners(line: Line, plan: Plan) -> list[str]:
    """Who an owner field names ('Lead: moranegg | Priority: high', 'POC: Greg Haynes (IBM)',
    'Lead: Ana & Tom'); none for a blank or placeholder ('Lead: (blank)', 'Owner: TBD')."""
    value = re.split(r"\s+\|\s+|;\s|\.\s", line.body or "", maxsplit=1)[0].strip(" *_.")
    if (
        not value
        or PLACEHOLDER_RE.match(value)
        or re.match(r"^\W*(?:blank|empty|none|-+)\W*$", value, IC)
    ):
        return []
    if who := _who_field(re.sub(r"\s*\([^)]*\)", "", value)):
        return who
    if person := _field_person(value, plan.known_first):
        return [person]
    return person_names(value, plan.known_first)[:3]


@per_plan
def _block_owners(plan: Plan) -> dict[int, tuple[Line, list[str]]]:
    """Goals written as headings, each with its own owner field below it ('### Launch the
    training' then '- Lead: Sabrina | Priority: high', or '- POC: Greg Haynes'), when at least two
    headings have one: the headings are the initiatives and the fields name their owners."""
    blocks: dict[int, tuple[Line, list[str]]] = {}
    for section in plan.sections:
        if section.header is None or section.header.kind == "title":
            continue
        fields = [
            ln
            for ln in section.lines
            if ln.kind in ("item", "text") and _OWNER_LABEL.match(ln.label or "")
        ]
        if fields:
            blocks[section.header.number] = (section.header, _field_value_owners(fields[0], plan))
    return blocks if len(blocks) >= 2 else {}


@per_plan
def initiative_owners(plan: Plan) -> list[tuple[Line, list[str]]]:
    """The plan's initiatives, each with the people named as its owner (none, one or more)."""
    units = _units(plan)
    owners = {ln.number: _owner_people(ln, plan) for ln in units}
    if blocks := _block_owners(plan):
        # the headings with an owner field are the initiatives; their fields are not
        in_blocks = {ln.section for ln, _ in blocks.values()}
        units = [ln for ln in units if ln.section not in in_blocks and ln.number not in blocks]
        units = sorted(units + [ln for ln, _ in blocks.values()], key=lambda ln: ln.number)
        owners |= {number: people for number, (_, people) in blocks.items()}
    for ln in units:
        if ln.okr == "KR" and not owners[ln.number]:
            # a key result with no owner of its own is owned by its objective's one owner
            above = [o for o in plan.lines[: ln.index] if o.okr == "O" or o.kind == "header"]
            if above and above[-1].okr == "O" and len(mine := _owner_people(above[-1], plan)) == 1:
                owners[ln.number] = mine
        elif ln.kind == "text" and len(owners[ln.number]) > 1 and _one_per_sentence(ln, plan):
            owners[ln.number] = owners[ln.number][:1]
    heads, named = _plan_owner(plan)
    if named and not any(owners.values()):
        # the plan's own owner section: its one person owns the plan's work (two share it)
        units = units or heads
        owners = {ln.number: named for ln in units}
    return [(ln, owners[ln.number]) for ln in units]


def _team_sections(plan: Plan) -> list[Line]:
    """Headings that each name one team, over that team's own goals or work, when the plan is
    laid out that way (two or more): every item under one is owned by the team it names."""
    heads = [
        sec.header
        for sec in plan.sections
        if sec.header is not None
        and sec.header.kind == "header"
        and TEAM_HEAD_RE.match(sec.header.plain)
        and any(ln.kind in ("item", "text", "table") for ln in sec.lines)
    ]
    return heads if len(heads) >= 2 else []


def check_owners(plan: Plan) -> Verdict:
    """Pass: every initiative has exactly one named person as owner (or one named team)."""
    found = initiative_owners(plan)
    teams = _team_sections(plan)
    if teams and not any(people for _, people in found):
        return Verdict(
            "pass",
            evidence(teams),
            f"Each team's goals sit under that team's own heading ({line_refs(teams)}): "
            "every item has one named team as owner.",
            "Name the one person in each team who answers for each goal, so follow-up has "
            "an address.",
        )
    units = [ln for ln, _ in found]
    owners = {ln.number: people for ln, people in found}
    owned = [ln for ln in units if len(owners[ln.number]) == 1]
    shared = [ln for ln in units if len(owners[ln.number]) > 1]
    unowned = [ln for ln in units if not owners[ln.number]]
    team_lines = [
        ln
        for ln in plan.body_lines()
        if _TEAM_OWNERSHIP.search(ln.plain)
        and TEAM_RE.search(ln.plain)
        and not _owner_people(ln, plan)
        and not in_topics(ln, "dependencies", "risks")
        and not is_conditional(ln)
    ]
    if owned and not unowned and not shared:
        return Verdict(
            "pass",
            evidence(owned),
            f"Each of the {len(owned)} initiatives has one named owner ({line_refs(owned)}).",
            "Keep one name per initiative; list helpers as contributors, not co-owners.",
        )
    if owned or shared:
        gap = (unowned or shared)[0]
        who = owners[gap.number][0] if owners[gap.number] else "<one person's name>"
        return Verdict(
            "partial",
            evidence(owned[:2] + unowned[:2] + shared[:1]),
            f"{len(owned)} of {len(units)} initiatives have one named owner; "
            f"{len(unowned)} have none and {len(shared)} have several.",
            f"Give '{short(gap.plain, 50)}' (line {gap.number}) one owner: '... — Owner: {who}'.",
        )
    by_role = [ln for ln in units if _role_owner(ln)]
    promised = [
        ln
        for ln in plan.body_lines()
        if _OWNERS_TO_NAME.search(ln.plain) or _OWNERSHIP_RULE.search(ln.plain)
    ]
    if leads := _group_leads(plan):
        return Verdict(
            "partial",
            evidence(leads),
            f"The plan names who leads the group as a whole ({line_refs(leads)}), but no "
            "initiative has its own named owner.",
            "Put one person's name against each initiative: '<initiative> — Owner: <person>'.",
        )
    if by_role or promised:
        return Verdict(
            "partial",
            evidence(by_role or promised),
            (
                f"Initiatives are owned by teams or roles, not named people ({line_refs(by_role)})."
                if by_role
                else f"Owners are promised or given by rule ({line_refs(promised)}), but no "
                "initiative has one named."
            ),
            "Put one person's name against each initiative: '<initiative> — Owner: <person>'.",
        )
    shown = team_lines or units
    work = units or [ln for ln in plan.body_lines() if ln.kind == "item" and not ln.okr]
    example = (
        f"{short(work[0].plain, 40)} — Owner: <person>"
        if work
        else "<initiative> — Owner: <person>"
    )
    return Verdict(
        "fail",
        evidence(shown),
        "No initiative has a named person as owner"
        + (f"; ownership is given to teams ({line_refs(team_lines)})." if team_lines else "."),
        f"Put one name against each initiative: '{example}' (a team or 'collectively' is not "
        "an owner).",
    )
