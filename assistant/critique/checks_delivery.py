"""Delivery checks: owners, dated milestones, cross-team dependencies and capacity."""

from __future__ import annotations

import re
from dataclasses import replace

from assistant.critique.base import Verdict, evidence, in_topics, is_conditional, line_refs, short
from assistant.critique.checks_direction import PLACEHOLDER_RE
from assistant.critique.parse import Line, Plan, topics_of
from assistant.critique.patterns import (
    IC,
    NON_NAME_WORDS,
    ORG_WORDS,
    TEAM_RE,
    has_specific_date,
    person_names,
    specific_dates,
)
from assistant.critique.targets import is_target_line

# --- owners ----------------------------------------------------------------------------------
_OWNER_MARKER = re.compile(
    r"\b(?:(?:owners?|dri|accountable|responsible|driver|captain)\b(?:\s*\([^)]*\))?\s*"
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
    r"\bowners?\b|\bdri\b|\blead\b|\baccountable\b|\bwho\b|\bresponsible\b|\bdriver\b", IC
)
_NAME_THEN_ROLE = re.compile(r"\s*\((?:owner|dri|lead|accountable)\)", IC)
# fields of a delimited item ('Work — Name (role) — date', 'Work / Name / date')
_FIELD_SEP = re.compile(r"\s+[—–/|]\s+")
_HANDLE = re.compile(r"@[a-z][\w.-]*[a-z0-9]", IC)
# a reserved-capacity row or item ('Buffer', 'Unplanned', 'Slack'): not an initiative
_RESERVE = re.compile(
    r"^\W*(?:buffer|slack|unplanned|unallocated|unassigned|reserve|contingency|headroom)\b", IC
)
# measure labels under an objective ('Leading indicators:', 'Metrics:'): not initiatives
_MEASURE_LABEL = re.compile(
    r"^(?:leading|lagging|indicators?|metrics?|measures?|kpis?|signals?|guardrails?)\b", IC
)


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


def _owner_cells(line: Line, known: frozenset[str]) -> list[str]:
    """Names in the line's owner-column cells ('Maria Lopez, Ops Director' is one person)."""
    found: list[str] = []
    for cell_name, cell in line.cells.items():
        if _OWNER_COLUMN.search(cell_name):
            if person := _field_person(re.split(r"[,(]", cell, maxsplit=1)[0], known):
                found.append(person)
                continue
            found += person_names(cell, known) or [p for p in [_single_person(cell)] if p]
    return found


def _owner_people(line: Line, plan: Plan) -> list[str]:
    """Person names this line names as owner (empty if none, or only teams)."""
    known = plan.known_first
    found = _owner_cells(line, known)
    text = line.plain
    for match in _OWNER_MARKER.finditer(text):
        after = text[match.end() : match.end() + 60]
        names = person_names(after, known)
        if names and after.find(names[0]) <= 3:
            found += names[:2] if re.search(r"\b(?:and|&)\b|/", after[:40]) else names[:1]
        elif re.search(r"(?:[:=\-–—]|\bby)\s*$", match.group(0)) and (
            single := _single_person(after)
        ):
            found.append(single)
    for match in _OWNS_VERB.finditer(text):
        names = person_names(text[max(0, match.start() - 40) : match.start()], known)
        if names:
            found.append(names[-1])
    for match in _NAME_THEN_ROLE.finditer(text):
        names = person_names(text[max(0, match.start() - 40) : match.start()], known)
        if names:
            found.append(names[-1])
    fields = _FIELD_SEP.split(text) if line.kind == "item" else []
    if not found and len(fields) >= 2:
        found += [p for f in fields[1:] if (p := _field_person(f, known))][:2]
    if line.okr == "O" and not found and (below := _block_owner_line(plan, line)):
        found += _owner_people(below, plan)
    if in_topics(line, *_UNIT_TOPICS) or line.okr:
        paren = re.search(r"\(([^()]{2,30})\)\s*\.?$", text)
        if (
            paren
            and (single := _single_person(paren.group(1)))
            and paren.group(1).strip() == single
        ):
            found.append(single)
        tail = re.search(r"[—–-]\s*([^—–-]{2,60})$|\(([^()]{2,40})\)\s*\.?$", text)
        segment = next((g for g in (tail.groups() if tail else ()) if g), "")
        lead = re.match(r"^[^.:]{2,80}[.:]\s+(.{2,60})", text)
        for fragment in (segment, lead.group(1) if lead else ""):
            names = person_names(fragment, known)
            if names and re.match(rf"\s*{re.escape(names[0])}\s*(?:[,(.;]|$)", fragment):
                found.append(names[0])
    return list(dict.fromkeys(found))


_OWNER_LABEL = re.compile(r"^(?:owners?|dri|lead|led by|accountable|responsible)$", IC)


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
    found: list[Line] = []
    for owned in plan.body_lines():
        if owned.kind != "item" or not _owner_people(owned, plan):
            continue
        if in_topics(owned, *_NOT_UNIT_TOPICS) and not in_topics(owned, *_UNIT_TOPICS):
            continue
        if in_topics(owned, "dependencies", "risks"):
            continue
        found += [
            sib
            for sib in plan.lines
            if sib.kind == "item"
            and sib.section == owned.section
            and sib.marker == owned.marker
            and not sib.okr
            and not _MEASURE_LABEL.match(sib.label or "")
            and sib not in units
            and sib not in found
        ]
    return found


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
    counts = [len(_owner_people(replace(line, plain=s, cells={}, okr=""), plan)) for s in sentences]
    return max(counts) == 1 and counts.count(1) >= 2


def check_owners(plan: Plan) -> Verdict:
    """Pass: every initiative has exactly one named person as owner."""
    units = _units(plan)
    owners = {ln.number: _owner_people(ln, plan) for ln in units}
    for ln in units:
        if ln.okr == "KR" and not owners[ln.number]:
            # a key result with no owner of its own is owned by its objective's one owner
            above = [o for o in plan.lines[: ln.index] if o.okr == "O" or o.kind == "header"]
            if above and above[-1].okr == "O" and len(mine := _owner_people(above[-1], plan)) == 1:
                owners[ln.number] = mine
        elif ln.kind == "text" and len(owners[ln.number]) > 1 and _one_per_sentence(ln, plan):
            owners[ln.number] = owners[ln.number][:1]
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
        what = "no named owner" if unowned else "more than one owner"
        return Verdict(
            "partial",
            evidence(owned[:2] + unowned[:2] + shared[:1]),
            f"{len(owned)} of {len(units)} initiatives have one named owner; "
            f"{len(unowned)} have none and {len(shared)} have several.",
            f"Give '{short(gap.plain, 50)}' (line {gap.number}) {what.replace('no', 'one')}"
            ": '... — Owner: <one person's name>'.",
        )
    shown = team_lines or units
    return Verdict(
        "fail",
        evidence(shown),
        "No initiative has a named person as owner"
        + (f"; ownership is given to teams ({line_refs(team_lines)})." if team_lines else "."),
        "Put one name against each initiative: '<initiative> — Owner: <person>' (a team or "
        "'collectively' is not an owner).",
    )


# --- milestones ------------------------------------------------------------------------------
_MILESTONE_WORD = re.compile(
    r"\b(?:beta|ga|alpha|launch\w*|live|pilot\w*|go-live|cutover|complete\w*|ready|sign\w*|"
    r"freeze|kick-?off|release\w*|ship\w*|roll-?out|rolled out|deliver\w*|lock|submission|"
    r"submitted|gold master|milestones?|deadline|due|done|start\w*|begin\w*|finish\w*|"
    r"handover|decommission\w*|migrat\w*|install\w*|trained|certified|stocked|fitted|exit|"
    r"build|mvp|v\d[\w.]*|phase|go/no-go|announce\w*|test\w*|uat|deploy\w*|available|open\w*|"
    r"contract|selection|configured|cutover|evt|dvt|pvt|retire\w*|wave|rollout|onboard\w*)\b",
    IC,
)


_MILESTONE_COLUMN = re.compile(
    r"milestone|\bdue\b|deadline|go-?live|launch|delivery date|timing|timeline|\bwhen\b|"
    r"\bplanned\b|\b(?:release|target|ship|completion|end) date\b|\bwindow\b",
    IC,
)
# loose timing in prose: seasons, halves, 'early 2027', 'later in the year', 'before Christmas'
_VAGUE_WHEN = re.compile(
    r"\b(?:in|by|during|over|before|after|until|from)\s+(?:the\s+)?(?:early\s+|late\s+|mid-?\s*)?"
    r"(?:spring|summer|autumn|fall|winter)\b|"
    r"\b(?:first|second|latter|back|front)\s+half\s+of\s+(?:the\s+year|next year|\d{4})\b|"
    r"\b(?:early|mid|late|later|earlier)\s*(?:-|\s)?(?:in\s+)?(?:\d{4}\b|the\s+year\b|next year\b|"
    r"(?:the\s+)?(?:strategy|plan|programme|program)\s+period\b)|"
    r"\b(?:next|this|the coming)\s+(?:year|spring|summer|autumn|winter)\b|"
    r"\b(?:before|by|around|after)\s+(?:christmas|easter|the (?:summer|winter|holiday)s?\b)",
    IC,
)


_DELIVERY_KR = re.compile(
    r"\b(?:launch(?:es|ed|ing)?|ship(?:s|ped|ping)?|releas(?:e|es|ed|ing)|go-?live|goes live|"
    r"roll(?:s|ed)? out|rollout|deploy(?:s|ed)?|migrat(?:e|es|ed|ion)|introduc(?:e|es|ed))\b",
    IC,
)


def _table_milestone(line: Line) -> bool:
    """A table row whose milestone/due/timing column holds a date."""
    return line.kind == "table" and any(
        _MILESTONE_COLUMN.search(name) and has_specific_date(cell)
        for name, cell in line.cells.items()
    )


def _vague_milestone_lines(plan: Plan) -> list[Line]:
    """Lines that schedule work with loose timing only ('opens in the autumn'); two or more
    such placements sketch a timeline that only lacks dates, one alone is no timeline."""
    return [
        ln
        for ln in plan.body_lines()
        if ln.okr != "KR"
        and not is_conditional(ln)
        and not in_topics(ln, "risks", "cadence", "decisions", "exclusions", "metrics")
        and _VAGUE_WHEN.search(ln.plain)
        and (in_topics(ln, "milestones") or _MILESTONE_WORD.search(ln.plain))
    ]


def _milestone_lines(plan: Plan) -> list[Line]:
    found = []
    for ln in plan.body_lines():
        if _table_milestone(ln):
            found.append(ln)
            continue
        if ln.okr == "KR" or is_conditional(ln) or not has_specific_date(ln.plain):
            continue
        scheduled = in_topics(ln, "milestones", "initiatives", "owners") or (
            ln.kind == "item" and in_topics(ln, "priorities")
        )
        if in_topics(ln, "risks", "dependencies", "cadence", "decisions", "exclusions") and not (
            in_topics(ln, "milestones")
        ):
            continue
        if is_target_line(ln) and not in_topics(ln, "milestones"):
            continue
        if in_topics(ln, "metrics") and not scheduled:
            continue
        if scheduled or _MILESTONE_WORD.search(ln.plain):
            found.append(ln)
    return found


# a quarter or a month of a given year ('2019 Q1', 'Q4 2021', '2020-q1', 'March 2024'); a half
# or a year is too long to check progress against
_SHORT_PERIOD = re.compile(
    r"\b(?:q[1-4][\s-]*(?:19|20)\d\d|(?:19|20)\d\d[\s-]*q[1-4]|(?:jan|feb|mar|apr|may|jun|jul|"
    r"aug|sep|oct|nov|dec)[a-z]*\.?\s+(?:19|20)\d\d)\b",
    IC,
)


def _timeboxed_sets(plan: Plan) -> list[Line]:
    """Headings that put a set of goals or key results in a quarter or month ('## 2019 Q1',
    '# Team OKRs, Q1 2021'): every result under them is due by the end of that period."""
    out = []
    okr_set = _okr_titled(plan)
    for head in plan.content():
        if head.kind not in ("header", "title") or not _SHORT_PERIOD.search(head.plain):
            continue
        if head.kind == "title" and not okr_set:
            continue
        if topics_of(head.plain) - {"metrics", "priorities", "milestones", "initiatives"}:
            continue
        scope = [
            ln
            for ln in plan.lines[head.index + 1 :]
            if ln.kind in ("item", "table") and not in_topics(ln, "risks", "cadence")
        ]
        if head.kind != "title":
            end = next(
                (
                    ln.index
                    for ln in plan.lines[head.index + 1 :]
                    if ln.kind in ("header", "title") and _heading_depth(ln) <= _heading_depth(head)
                ),
                len(plan.lines),
            )
            scope = [ln for ln in scope if ln.index < end]
        goals = [ln for ln in scope if ln.okr or in_topics(ln, "metrics") or okr_set]
        if len(goals) >= 2:
            out.append(head)
    return out


def _heading_depth(line: Line) -> int:
    md = re.match(r"^\s*(#{1,6})\s", line.text)
    return 0 if line.kind == "title" else len(md.group(1)) if md else 7


def _okr_titled(plan: Plan) -> bool:
    """The plan is a set of goals: its title names objectives, goals or OKRs."""
    title = next((ln for ln in plan.content() if ln.kind == "title"), None)
    return title is not None and bool(
        re.search(r"\bokrs?\b|\bobjectives\b|\bkey results\b|\bgoals\b", title.plain, IC)
    )


def check_milestones(plan: Plan) -> Verdict:
    """Pass: at least two dated milestones."""
    lines = _milestone_lines(plan)
    if not lines:  # no schedule of its own: dated key results that deliver something
        lines = [
            ln
            for ln in plan.body_lines()
            if ln.okr == "KR"
            and has_specific_date(ln.plain)
            and _DELIVERY_KR.search(ln.plain)
            and not is_conditional(ln)
        ]
    dates = sum(len(specific_dates(ln.plain)) for ln in lines)
    if dates < 2:
        boxed = _timeboxed_sets(plan)
        if boxed:
            return Verdict(
                "pass",
                evidence(boxed),
                f"Dates its goals by period: each set of results is due by the end of its "
                f"period ({line_refs(boxed)}).",
                "Add the intermediate dates inside each period: '<result>: by <day month>'.",
            )
    if dates >= 2:
        return Verdict(
            "pass",
            evidence(lines),
            f"Has {dates} dated milestones ({line_refs(lines)}).",
            "Review them in the weekly meeting; any milestone stuck for over a week gets a "
            "named decision owner or is cut.",
        )
    if dates == 1:
        return Verdict(
            "partial",
            evidence(lines),
            f"Only one dated milestone ({line_refs(lines)}); the path to it is undated.",
            "Add the intermediate dates: '<initiative>: beta <date>; GA <date>'.",
        )
    vague = _vague_milestone_lines(plan)
    if sum(len(_VAGUE_WHEN.findall(ln.plain)) for ln in vague) >= 2:
        return Verdict(
            "partial",
            evidence(vague),
            f"Milestones are placed only loosely in time ({line_refs(vague)}), with no date "
            "to check progress against.",
            "Replace each loose time with a date: '<milestone>: by <day month>'.",
        )
    return Verdict(
        "fail",
        finding="No dated milestones: the plan has no dates to check progress against.",
        suggestion="Add a milestone line per initiative: '<initiative>: pilot by 15 Mar; GA by "
        "30 Apr; owner <name>'.",
    )


# --- dependencies ----------------------------------------------------------------------------
_DEP_RELATION = re.compile(
    r"\b(?:depends? on|dependent on|dependency on|dependencies on|relies on|rely on|relying on|"
    r"reliant on|contingent on|blocked (?:by|on)|waiting (?:on|for)|needs? [^.;]{0,40}?\bfrom\b|"
    r"requires? [^.;]{0,50}?\bfrom\b|must (?:deliver|ship|provide|approve|sign|complete|"
    r"activate|co-sign|supply|give|build|open|install|expose|add|support|agree|confirm|freeze|"
    r"hold|finish)|has to|have to|handed (?:to|over to)|supplied by|provided by|co-sign\w*|"
    r"hand-?offs? (?:to|from)|hinges? on|counting on|count on|waits? (?:on|for))\b",
    IC,
)
_NEEDS_PARTY = re.compile(
    r"\b(?:needs?|requires?|needing)\s+(?:the\s+|our\s+)?(?:[A-Z][\w&'’.-]*)(?:\s+[A-Z&][\w&'’.-]*)"
    r"{0,4}(?:\s+\([^)]*\))?(?:['’]s)?\s+(?:(?:team|group|squad|department|dept|function|org)"
    r"\s+)?(?:\([^)]*\)\s+)?(?:to\b|sign-?off|approval|input|by\b)"
)
# involvement of another party: 'together with the data team', 'coordinating with third-party
# CI', 'as agreed with TripleO', 'work with the CNCF', 'needs the maintainers of X to review'
_INVOLVES = re.compile(
    r"\b(?:together with|jointly with|in (?:partnership|collaboration|cooperation|coordination|"
    r"consultation) with|(?:coordinat(?:e|es|ed|ing)|cooperat(?:e|es|ing|ion)|"
    r"collaborat(?:e|es|ing|ion)|partner(?:s|ing)?|agree[ds]?|as agreed|"
    r"co-?(?:written|design\w*|develop\w*|host\w*|own\w*))"
    r"\s+(?:[\w./-]+\s+){0,5}?with|with the [\w.&'’-]+(?: [\w.&'’-]+){0,3} (?:team|hub|group|"
    r"maintainers|working group|committee|office|vendor|partners?|community))\b|"
    r"\b(?:needs?|requires?|asks?|ask)\s+(?:the\s+)?(?:[\w.-]+\s+){0,3}?(?:maintainers|owners|"
    r"reviewers|team|group|committee|vendor)\b|\bask\s+(?:the\s+)?[A-Z][\w-]+",
)
_GENERIC_PARTY = re.compile(
    r"\b(?:other|various|relevant|all|some|any|several|multiple|external|colleagues)\s+"
    r"(?:teams?|departments?|partners?|groups?|functions?|vendors?|across)\b",
    IC,
)


_SELF_RELIANCE = re.compile(
    r"\b(?:rel(?:y|ies|ying)|depend(?:s|ing)?|build(?:ing)?) on (?:our|its|their|the) "
    r"(?:own|existing|current|in-house)\b[^.;,]*",
    IC,
)


def _names_party(line: Line, plan: Plan) -> bool:
    text = _GENERIC_PARTY.sub(" ", line.plain)
    if TEAM_RE.search(text) or person_names(text, plan.known_first):
        return True
    words = re.findall(r"(?<=[\s(])[A-Z][\w&'’-]+", text)
    return any(w.lower() not in NON_NAME_WORDS for w in words)


def check_dependencies(plan: Plan) -> Verdict:
    """Pass: names at least one dependency on another team, vendor or partner."""
    candidates = [
        ln
        for ln in plan.body_lines()
        if not PLACEHOLDER_RE.match(ln.body)
        and not in_topics(ln, "risks")
        and not is_conditional(ln)
        and (
            in_topics(ln, "dependencies")
            or _DEP_RELATION.search(_SELF_RELIANCE.sub(" ", ln.plain))
            or _NEEDS_PARTY.search(ln.plain)
            or _INVOLVES.search(ln.plain)
        )
    ]
    named = [ln for ln in candidates if _names_party(ln, plan)]
    if named:
        return Verdict(
            "pass",
            evidence(named),
            f"Names {len(named)} cross-team dependencies ({line_refs(named)}).",
            "Give each dependency a date and a giving and receiving owner, and check it monthly.",
        )
    if candidates:
        return Verdict(
            "partial",
            evidence(candidates),
            "Mentions dependencies but never says which team, vendor or partner they are on.",
            "Name the party and the date: '<our initiative> needs <team> to <deliver X> by "
            "<date>'.",
        )
    placeholders = [ln for ln in plan.with_topic("dependencies") if PLACEHOLDER_RE.match(ln.body)]
    return Verdict(
        "fail",
        evidence(placeholders),
        "No cross-team dependencies are named"
        + (" (the dependency list is empty or to be decided)." if placeholders else "."),
        "Add a 'Dependencies' list: '<initiative> needs <team> (<contact>) to <deliver X> by "
        "<date>'.",
    )
