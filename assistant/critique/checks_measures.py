"""Measurement checks: baseline/target/date, leading indicators, and the size of the
scorecard."""

from __future__ import annotations

import re

from assistant.critique.base import (
    Verdict,
    evidence,
    heading_level,
    in_topics,
    is_conditional,
    line_refs,
    short,
    titled,
)
from assistant.critique.parse import Line, Plan
from assistant.critique.patterns import (
    COUNT_WORD,
    IC,
    METRIC_WORDS_RE,
    MONTH,
    OKR_TITLE,
    PERIOD_HEAD_NOTED,
    TEAM_HEAD_RE,
    count_value,
    has_number,
)
from assistant.critique.targets import (
    CHANGE_RE,
    column,
    criteria,
    goal_lines,
    is_output,
    is_target_line,
    scorecard_row,
    sets_target,
    stated_aim,
)

# --- baseline_target -------------------------------------------------------------------------


def check_baseline_target(plan: Plan) -> Verdict:
    """Pass: success criteria give a baseline, a target and a date."""
    found = criteria(plan)
    results = [c for c in found if not _is_leading(plan, c.line)]
    if len(results) >= 2 and any(c.complete for c in results):
        found = results  # success criteria are the results; leading inputs are judged apart
    complete = [c.line for c in found if c.complete]
    no_date = [c.line for c in found if c.baseline and not c.date]
    no_base = [c.line for c in found if not c.baseline]
    if complete and len(complete) * 3 >= len(found) * 2:
        return Verdict(
            "pass",
            evidence(complete),
            f"{len(complete)} of {len(found)} success criteria give a baseline, a target and a "
            f"date ({line_refs(complete)}).",
            "Keep the baseline's source and date next to each number.",
        )
    if complete or no_date:
        gap = (no_base or no_date)[0]
        missing = "a baseline" if gap in no_base else "a date"
        return Verdict(
            "partial",
            evidence(complete[:2] + no_date[:2] + no_base[:2]),
            f"Only {len(complete)} of {len(found)} success criteria have baseline, target and "
            f"date; {len(no_base)} lack a baseline and {len(no_date)} lack a date.",
            f"Add {missing} to '{short(gap.plain, 50)}' (line {gap.number}): '... <baseline> "
            "(<when measured>) -> <target> by <date>'.",
        )
    okr_doc = titled(plan, OKR_TITLE) or titled(plan, _GOALS_TITLE)
    relative = [
        ln
        for ln in plan.body_lines()
        if (ln in no_base or ln.okr or in_topics(ln, "metrics") or okr_doc)
        and not is_conditional(ln)
        and _RELATIVE_TARGET.search(ln.plain)
    ]
    unfilled = [ln for ln in plan.content() if _PLACEHOLDER_TARGET.search(ln.plain)]
    if unfilled and not relative:
        return Verdict(
            "partial",
            evidence(unfilled),
            f"Success criteria have the right form but placeholder numbers ({line_refs(unfilled)}).",
            f"Put the numbers in: '{short(unfilled[0].plain, 40)}' (line {unfilled[0].number})"
            " -> '... <baseline> (<month>) -> <target> by <date>'.",
        )
    if relative:
        first = relative[0]
        return Verdict(
            "partial",
            evidence(relative),
            f"Targets are relative changes ({line_refs(relative)}): the value they move from is "
            "never stated, so nobody can tell when one is met.",
            f"State the starting value beside '{short(first.plain, 40)}' (line {first.number}): "
            "'... <baseline> (<month>) -> <target> by <date>'.",
        )
    # targets with nothing to start from, each set of two or more half of the criteria: floors
    # ('at least 10') or targets with the date each is due ('Increase to 90% | 2025'); one such
    # number alone is still a stray
    floors = [ln for ln in no_base if _FLOOR_TARGET.search(ln.plain)]
    dated = [c.line for c in found if c.date and not c.baseline and not is_output(c.line.plain)]
    for shown, said in ((no_base if len(floors) >= 2 else []), "given"), (dated if len(dated) >= 2 else [], "dated"):
        if shown:
            return Verdict(
                "partial",
                evidence(shown),
                f"Targets are {said} ({line_refs(shown)}) but none has a baseline to measure it from.",
                f"Add today's value to '{short(shown[0].plain, 40)}' (line {shown[0].number}): "
                "'... <baseline> (<month>) -> <target> by <date>'.",
            )
    aims = [ln for ln in plan.body_lines() if stated_aim(ln)] if not found else []
    if aims:
        # an aim in prose with a number and a date ('by the end of 2019, the aim is at least
        # 3 tools'): a target outside any set of success criteria, with nothing to start from
        return Verdict(
            "partial",
            evidence(aims),
            f"Aims are stated with a number and a date ({line_refs(aims)}), but not as success "
            "criteria: none has a baseline to measure it from.",
            f"Turn '{short(aims[0].plain, 40)}' (line {aims[0].number}) into a criterion: "
            "'<metric> from <baseline> (<month>) to <target> by <date>'.",
        )
    if found:
        # one stray number is not a set of success criteria
        return Verdict(
            "fail",
            evidence(no_base),
            f"Targets are given ({line_refs(no_base)}) but no baseline to measure them from.",
            f"Add today's value to '{short(no_base[0].plain, 40)}' (line {no_base[0].number}): "
            "'... <baseline> (<month>) -> <target> by <date>'.",
        )
    return Verdict(
        "fail",
        finding="No success criteria with numbers: nothing says where a metric is today, "
        "where it should get to, or by when.",
        suggestion="Add: 'Success: <metric> from <baseline> to <target> by <date>' for each "
        "objective.",
    )


# a target stated as a floor or ceiling to hold ('at least 10 builders', '≥80% aware', 'no more
# than 2 incidents'): a level to keep, which needs no starting value to be judged
_FLOOR_TARGET = re.compile(
    r"\b(?:at least|no (?:more|fewer|less) than|at most|a minimum of|minimum)\s+[$£€]?\d|[≥≤]\s?\d|"
    r"(?<![\w.])>=?\s?\d",
    IC,
)


# a title naming the document as a set of goals ('Strategic Goals', 'Annual goals 2024'): every
# line of it may state a target
_GOALS_TITLE = re.compile(r"\bgoals\b|\btargets\b", IC)


# a target stated as a change from an unstated value: '+50%', 'cut errors by 30%', 'double X'
_RELATIVE_TARGET = re.compile(
    r"(?<![\w.])[+−–-]\s?\d+(?:\.\d+)?\s?%|\b(?:by|of)\s+\d+(?:\.\d+)?\s?%|"
    r"(?:^|[:;]\s*|\bto\s+)\W*(?:double|triple|halve)\b|\b(?:doubled|tripled|halved)\b|"
    r"\b\d+(?:\.\d+)?\s?x\s+(?:faster|more|fewer|less)\b",
    IC,
)


# a baseline-to-target form with its numbers left out: 'from X% to Y%', 'from N to M'
_PLACEHOLDER_TARGET = re.compile(
    r"\bfrom\s+(?-i:[XYZN])\s?(?:%|[a-z]{0,4})\s+to\s+(?-i:[XYZN])\s?(?:%|[a-z]{0,4})\b", IC
)


# --- leading_indicators ----------------------------------------------------------------------
LEADING_RE = re.compile(
    r"\b(?:leading|lead|early|input|predictive|upstream|forward-looking)\s+(?:indicators?|"
    r"signals?|metrics?|measures?|kpis?)\b|^\W*leading\s*:|\(\s*leading\b[^)]{0,40}\)|"
    # a result with its indicator after it: '61% -> 70% by June — leading: weekly sign-ups'
    r"[—–;|-]\s*leading\s*:|"
    r"\bearly[- ]warning (?:signs?|"
    r"signals?|indicators?)\b|\bearly signs?\b|\blead measures?\b",
    IC,
)
_RELATION = re.compile(
    r"\b(?:move|moves|moving|change|changes|react|reacts|respond|responds|shift|shifts)\s+"
    r"(?:first|earlier|early|before|ahead|sooner)\b|\bpredict\w*|\bahead of\b|\btrail\w*|"
    r"\blag\w*|\btell us\b[^.]{0,60}\b(?:early|whether|within|before|if)\b|"
    r"\bif (?:they|these|those|it|this|that) (?:don'?t|do not|doesn'?t|does not|fails? to)\b|"
    r"\bdrives?\b|\bdriven by\b|\bpaired (?:to|with)\b|→|\bfeeds? (?:into )?(?:the )?\b|"
    r"\bleads? to\b|\bbefore the (?:outcome|result|target|lagging)s?\b|\bsignal whether\b|"
    r"\bbefore\b[^.]{0,40}\b(?:does|do|moves?|shows?|changes?|lands?|registers?)\b|"
    r"\bmoves?\b[^.]{0,30}\b(?:first|earlier|ahead|sooner)\b|\bearly (?:read|view|warning)\b",
    IC,
)


def _in_objective_block(plan: Plan, line: Line) -> bool:
    before = [ln for ln in plan.lines[max(0, line.index - 6) : line.index] if not ln.is_blank]
    return any(ln.okr for ln in before[-4:])


# a Type cell holding only the kind ('Leading', 'lagging indicator', 'Leading (weekly)'), not a
# name that starts with the word ('Leading Catholic Institution')
_TYPE_CELL = re.compile(
    r"^\W*(leading|lagging)(?:\s+(?:indicators?|measures?|metrics?|kpis?|signals?))?\W*"
    r"(?:\([^)]*\)\W*)?(?:[-–—:,]\s.*)?$",
    IC,
)


def _typed_rows(plan: Plan) -> dict[str, list[Line]]:
    """Table rows whose cell says 'leading' or 'lagging' (a Type column in a scorecard)."""
    out: dict[str, list[Line]] = {"leading": [], "lagging": []}
    for ln in plan.body_lines():
        if ln.kind != "table":
            continue
        for cell in ln.cells.values():
            m = _TYPE_CELL.match(cell)
            if m and len(cell) <= 40:
                out[m.group(1).lower()].append(ln)
                break
    return out


def _is_leading(plan: Plan, line: Line) -> bool:
    """A measure marked as a leading indicator: by its own text, a Type cell, or its heading."""
    if LEADING_RE.search(line.plain) or line in _typed_rows(plan)["leading"]:
        return True
    section = plan.sections[line.section]
    return bool(section.header is not None and LEADING_RE.search(section.header.plain))


def _is_placeholder_item(line: Line) -> bool:
    return bool(
        re.match(
            r"^\W*(?:tbd|tbc|n/?a|none|to be (?:defined|decided|confirmed))\W*$", line.body, IC
        )
    )


def check_leading_indicators(plan: Plan) -> Verdict:
    """Pass: leading indicators are named and tied to the lagging results they predict."""
    tables = [ln for ln in plan.body_lines() if ln.kind == "table" and column(ln, "leading")]
    typed = _typed_rows(plan)
    leading = [ln for ln in plan.body_lines() if LEADING_RE.search(ln.plain)]
    has_lagging = bool(criteria(plan)) or any(
        re.search(r"\blagging\b|\boutcomes?\b", ln.plain, IC) for ln in plan.content()
    )
    paired = [ln for ln in tables if (column(ln, "leading") or "").strip("- ")]
    # a section of leading indicators ('## Leading indicators (weekly)'): its items are the
    # indicators, tagged or not; beside the plan's lagging results they are paired
    section = [
        ln
        for ln in plan.body_lines()
        if ln.kind in ("item", "table")
        and (head := plan.sections[ln.section].header) is not None
        and LEADING_RE.search(head.plain)
        and not _is_placeholder_item(ln)
    ]
    if len(section) >= 2 and has_lagging:
        paired += [ln for ln in section if ln not in paired]
    elif section:
        leading += [ln for ln in section if ln not in leading]
    if typed["leading"] and typed["lagging"]:
        paired += [ln for ln in typed["leading"] if ln not in paired]
    elif typed["leading"]:
        leading += [ln for ln in typed["leading"] if ln not in leading]
    for ln in leading:
        nxt = plan.next_content(ln, 1)
        if (
            _in_objective_block(plan, ln)
            or is_target_line(ln)
            or _RELATION.search(ln.plain)
            or (nxt and not LEADING_RE.search(nxt[0].plain) and _RELATION.search(nxt[0].plain))
        ):
            paired.append(ln)
    if paired and has_lagging:
        return Verdict(
            "pass",
            evidence(paired),
            f"Pairs leading indicators with the results they predict ({line_refs(paired)}).",
            "Review the leading indicators weekly; act when they stall, before the lagging "
            "result shows it.",
        )
    if leading or paired:
        shown = leading or paired
        return Verdict(
            "partial",
            evidence(shown),
            f"Names leading indicators ({line_refs(shown)}) but does not tie each to the "
            "lagging result it predicts.",
            "Pair them one to one: '<lagging result> <- leading: <indicator> (moves within "
            "<2 weeks>)'.",
        )
    return Verdict(
        "fail",
        finding="No leading indicators: progress is only visible in lagging results, too late "
        "to correct course.",
        suggestion="Under each outcome add: 'Leading: <weekly behaviour that predicts it, e.g. "
        "% of new accounts completing setup in 7 days>'.",
    )


# --- scorecard_size --------------------------------------------------------------------------
_EXPLICIT_COUNT = re.compile(
    r"\b(" + COUNT_WORD + r")\s+(?:measures|metrics|kpis|indicators)\b(?:\s+in total)?", IC
)
_LIST_INTRO = re.compile(
    r"(?::|\bincluding\b|\binclude\b|\bsuch as\b|\b(?:measure|judge|track|assess)\w*\s+"
    r"(?:our\s+|its\s+|the\s+)?(?:success|progress|performance)\s+(?:by|on|through|with)\b)\s+",
    IC,
)
_NOT_A_NAME = re.compile(
    rf"\b(?:to|by|from|until|target|baseline|in|of|at|{MONTH})\b|[\d%$£€.,()<>~+-]", IC
)
_SCORE_LABEL = re.compile(
    r"\b(?:kpis?|metrics?|measures?|indicators?|signals?|dashboard|"
    r"scorecard|leading)\b|"
    # 'What we'll look at: ...', 'What we track: ...'
    r"\bwhat we(?:'ll|’ll| will)?\s+(?:look at|watch|track|monitor|measure)\b",
    IC,
)


def _split_list(text: str) -> list[str]:
    depth, parts, current = 0, [], ""
    for i, ch in enumerate(text):
        depth += ch == "("
        depth -= ch == ")"
        # a thousands separator ('$2,000') joins a number, it does not end an item
        grouped = ch == "," and text[i - 1 : i].isdigit() and text[i + 1 : i + 2].isdigit()
        if depth <= 0 and ch in ",;·•" and not grouped:
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    out: list[str] = []
    for part in parts:
        out += re.split(r"\s+and\s+(?=[a-z%#])", part.strip(), flags=IC)
    return [p for p in (p.strip(" .") for p in out) if p and len(p.split()) <= 14]


def _listed_measures(line: Line) -> int:
    """Measures named in a list on the line ('KPIs: revenue, churn and NPS' -> 3)."""
    text = line.plain
    intro = None
    for match in _LIST_INTRO.finditer(text):
        intro = match
    # the words just before the list name what it lists ('KPIs: ...', 'three metrics, including
    # ...'); a measure named further back in a long sentence is not the list's label
    head = text[max(0, intro.start() - 50) : intro.start()] if intro else ""
    if intro is None and not in_topics(line, "metrics"):
        return 0
    if intro is not None and not (
        _SCORE_LABEL.search(head + intro.group(0)) or in_topics(line, "metrics")
    ):
        return 0
    body = text[intro.end() :] if intro else text
    body = re.split(r"(?<=[a-z)%])\.\s+[A-Z]", body)[0]
    # a measure is named by words: '88.5% (2026) to 93% by Jun 30' and '2027' are not names
    items = [i for i in _split_list(body) if re.search(r"[a-z]{3,}", _NOT_A_NAME.sub(" ", i), IC)]
    if intro is None or not _SCORE_LABEL.search(head + intro.group(0)):
        # a list in prose under a goals heading names measures only if they read as measures
        items = [i for i in items if METRIC_WORDS_RE.search(i) or re.search(r"\d", i)]
    if intro is None and not re.search(r"[,;·•]", body):
        return 0  # one goal with an 'and' in it ('admissions and readmissions'), not a list
    return len(items) if len(items) >= 2 else 0


def _count_measures(plan: Plan) -> tuple[int, list[Line]]:
    explicit = [
        (count_value(m.group(1)) or 0, ln)
        for ln in plan.content()
        for m in [_EXPLICIT_COUNT.search(ln.plain)]
        if m and not is_conditional(ln)
    ]
    if explicit:
        n, line = max(explicit, key=lambda pair: pair[0])
        return n, [line]
    okr_doc = titled(plan, OKR_TITLE)
    groups: dict[int, tuple[int, list[Line]]] = {}
    # the period and team headings in force: (level, heading line, is a period), outermost first
    scopes: list[tuple[int, Line, bool]] = []
    for ln in plan.content():
        if ln.kind in ("header", "title") or ln.heads:
            level = heading_level(ln)
            while scopes and scopes[-1][0] >= level:
                scopes.pop()
            period = PERIOD_HEAD_NOTED.match(ln.plain) is not None
            if period or TEAM_HEAD_RE.match(ln.plain):
                scopes.append((level, ln, period))  # a scorecard per period or per team
            if ln.kind == "header" and _ONE_MEASURE_LABEL.match(ln.label):
                key = scopes[-1][1].index if scopes else -1
                total, lines = groups.get(key, (0, []))
                groups[key] = (total + 1, [*lines, ln])  # '**Metric: X**' over its fields
            if not ln.heads:
                continue
        if ln.kind not in ("item", "table", "text"):
            continue
        # the innermost scope is the scorecard; a team's inside a period is the team's
        group = scopes[-1][1].index if scopes else -1
        header = plan.sections[ln.section].header
        in_period = any(p for _, _, p in scopes) and header is not None and header.index != group
        n = _measures_on(plan, ln, okr_doc, in_period)
        if n:
            total, lines = groups.get(group, (0, []))
            groups[group] = (total + n, [*lines, ln])
    if not groups:
        return 0, []
    if -1 in groups and len(groups) > 1:  # measures outside any period or team: everyone's
        shared, shared_lines = groups.pop(-1)
        groups = {k: (n + shared, [*shared_lines, *ls]) for k, (n, ls) in groups.items()}
    return max(groups.values(), key=lambda pair: pair[0])


# a section that explains the method (what an OKR is, how they are tracked), not the measures
_META_HEAD = re.compile(
    r"\bwhat (?:is|are) (?:an? )?(?:okrs?|kpis?)\b|\bprocess\b|\bguidelines?\b|\bids?\b|"
    r"\btransparency\b|\btracking\b|\bglossary\b|\bdefinitions?\b|\bformat\b|^\W*notes?\b|"
    r"\babout (?:this|the) (?:document|page|plan)\b|\bfaq\b",
    IC,
)
# a section reporting how the measures moved ('Early results', 'Results so far', 'Progress to
# date'): values of the measures set elsewhere, not more measures
_REPORT_HEAD = re.compile(
    r"\b(?:early|latest|recent|interim|first)\s+results\b|\bresults\s+(?:so far|to date)\b|"
    r"\bprogress\s+(?:so far|to date|report|update)\b|^\W*(?:status|progress)\s+(?:update|report)s?\W*$",
    IC,
)
# a field of one measure, under the line that names it ('Current: 2', 'Target: 85%',
# 'Plan to measure: ...'): part of that measure, not another one
_MEASURE_FIELD = re.compile(
    r"^(?:current(?: value)?|today|baseline|target|goal|plan to measure|how (?:to|we) measure|"
    r"measured? (?:by|as|how)|measurement|method|data source|source|frequency)$",
    IC,
)
# a line that names one measure ('Metric: response time to triage')
_ONE_MEASURE_LABEL = re.compile(r"^(?:metric|kpi|measure|indicator|key metric)\b(?!s)", IC)
# a table column that names the measures, one per row ('| Indicator | Lead |')
_MEASURE_COLUMN = re.compile(
    r"^\W*(?:(?:key |targeted |strategic |performance )?(?:metrics?|kpis?|measures?|"
    r"indicators?)|key results?|\w+ key results?)\W*$",
    IC,
)
# a tag on each key result in a list of them: '[P0] ...; [P1] ...' or '... — 0.7; ... — 1'
_KR_TAG = re.compile(r"\[p\d\]|[—–]\s*(?:0?\.\d+|[01](?:\.0+)?)\s*(?=;|$)", IC)
# a field of a goal that is not itself a measure
_FIELD_LABEL = re.compile(
    r"^(?:objectives?|goals?|aims?|scope|labels?|time-?frame|time frame|deadlines?|due|dates?|"
    r"timing|period|owners?|leads?|status|notes?|initiatives?|tracking|tracked|context|why|"
    r"caveats?|transparency|process|format|"
    r"description|summary|progress|scores?|updates?|active from)\b",
    IC,
)
# a heading over a schedule ('Timeline', 'Deadlines for Q3'): its lines are dates, not measures
_TIME_HEAD = re.compile(
    r"^\W*(?:time-?frames?|time frames?|deadlines?|due dates?|dates?|timing|timelines?|"
    r"schedules?|milestones?)\b",
    IC,
)
# sections whose items may be key results (not milestones, exclusions, risks...)
_KR_TOPICS = frozenset({"metrics", "priorities", "owners"})


def _measures_on(plan: Plan, ln: Line, okr_doc: bool, in_period: bool = False) -> int:
    """How many measures a body line names (0 when it names none)."""
    if ln.kind not in ("item", "table", "text"):
        return 0
    header = plan.sections[ln.section].header
    if header is not None and (
        _META_HEAD.search(header.plain) or _REPORT_HEAD.search(header.plain)
    ):
        return 0
    elsewhere = in_topics(ln, "risks", "cadence", "decisions", "capacity", "dependencies")
    # a line labelled as measures ('KPIs: ...') lists them under any heading
    labelled = bool(ln.label) and bool(_SCORE_LABEL.search(ln.label))
    if elsewhere and not (ln.okr or in_topics(ln, "metrics") or scorecard_row(ln) or labelled):
        return 0
    if ln.okr != "KR" and (
        in_topics(ln, "context") or (header is not None and _TIME_HEAD.match(header.plain))
    ):
        return 0  # a schedule or the history behind the plan is no scorecard
    if _ONE_MEASURE_LABEL.match(ln.label):
        return 1  # 'Metric: X. Current: 2. Target: 3.' is one measure with its fields
    if _is_field_label(ln.label):
        return 0  # 'Objective: ...', 'Scope: ...', 'Timeframe: ...' describe a goal, not a measure
    if _MEASURE_FIELD.match(ln.label) and _names_measure_above(plan, ln):
        return 0
    if ln.okr == "O" and not is_target_line(ln):
        return 0
    # the items under an objective (a heading naming one, or any heading inside a quarter)
    under_objective = header is not None and (
        in_period or header.okr == "O" or "metrics" in plan.sections[ln.section].topics
    )
    if (
        okr_doc
        and ln.kind == "item"
        and not ln.okr
        and ln.text[:1] not in (" ", "\t")
        and not _SCORE_LABEL.search(ln.label)
        and plan.sections[ln.section].topics <= _KR_TOPICS
        and not LEADING_RE.search(ln.plain)
        and (_KR_TAG.search(ln.plain) or under_objective)
    ):
        return max(1, len(_KR_TAG.findall(ln.plain)))  # a key result (or a tagged list of them)
    if ln.kind == "table" and (in_row := _row_measures(ln)):
        return in_row
    if listed := _listed_measures(ln):
        return listed
    if is_target_line(ln):
        return max(1, len(CHANGE_RE.findall(ln.plain)), _numbered_clauses(ln.plain))
    if ln.okr == "KR":
        return 1
    # an item under a goals heading is a measure when it reads as one (a number, a metric
    # word) or the heading names measures; 'All residents feel safe online' is a goal
    return int(
        ln.kind == "item"
        and in_topics(ln, "metrics")
        and (
            has_number(ln.plain)
            or bool(METRIC_WORDS_RE.search(ln.plain))
            or (header is not None and bool(_SCORE_LABEL.search(header.plain)))
        )
    )


def _row_measures(ln: Line) -> int:
    """How many measures a table row names: those listed in one cell, a target row (with its
    leading indicator), or a row of a table of measures."""
    if several := _cell_list(ln):
        return several
    if ln.cells and sets_target(ln):
        return 1 + bool((column(ln, "leading") or "").strip("- "))
    return int(
        any(_MEASURE_COLUMN.match(name) and cell.strip(" *-—") for name, cell in ln.cells.items())
    )


# a column of a table that holds the measures or their targets ('Targets', 'KPIs', 'Measures')
_MEASURES_CELL_COLUMN = re.compile(
    r"^\W*(?:targets?|kpis?|metrics?|measures?|indicators?|key results?|success measures?)\W*$", IC
)


def _cell_list(line: Line) -> int:
    """Measures listed in one cell of a row, one per semicolon ('| Grow membership | New
    members; New alliances; Articles published |'): each is a measure of its own."""
    for name, cell in line.cells.items():
        if _MEASURES_CELL_COLUMN.match(name):
            items = [
                i for i in re.split(r"\s*[;•]\s*|<br\s*/?>", cell) if re.search(r"[a-z]{3,}", i, IC)
            ]
            if len(items) >= 2:
                return len(items)
    return 0


def _is_field_label(label: str) -> bool:
    """'Objective 2', 'Owner (interim)', 'Goal for Q3': a field; 'Deadlines met' names a measure."""
    match = _FIELD_LABEL.match(label)
    rest = label[match.end() :].strip() if match else ""
    return match is not None and (
        not rest or re.match(r"[\d(&/#]|(?:and|or|for|of|in)\b", rest) is not None
    )


def _names_measure_above(plan: Plan, line: Line) -> bool:
    """True when a line just above (before any heading) names the measure a field belongs to."""
    for ln in reversed(plan.lines[max(0, line.index - 6) : line.index]):
        if _ONE_MEASURE_LABEL.match(ln.label):
            return True
        if ln.kind in ("header", "title"):
            return False
    return False


def _numbered_clauses(text: str) -> int:
    clauses = re.split(r"[.;]\s+|,\s+(?:and\s+)?|\s+and\s+", text)
    return sum(1 for c in clauses if has_number(c) and METRIC_WORDS_RE.search(c))


def _unmeasured_aims(plan: Plan) -> list[Line]:
    """The goals of a plan that states goals, objectives or key results but puts no number on
    them: headings about its goals and the goal lines under them."""
    heads = [
        ln
        for ln in plan.content()
        if ln.kind == "header" and in_topics(ln, "metrics") and not in_topics(ln, "risks")
    ]
    stated = [ln for ln in plan.body_lines() if _GOAL_LABEL.match(ln.label or "")]
    return heads + stated + [ln for ln in goal_lines(plan) if ln.kind in ("item", "table")]


# a line that states a goal by its label ('Goal: ...', 'Objectives: ...', 'Success criteria: ...')
_GOAL_LABEL = re.compile(
    r"^(?:our\s+)?(?:goals?|objectives?|aims?|key results?|success criteria|outcomes?)$", IC
)


def check_scorecard_size(plan: Plan) -> Verdict:
    """Pass: ten measures or fewer; n/a when the plan has no measures at all."""
    count, lines = _count_measures(plan)
    if count == 0:
        # aims stated in prose with a number ('Target: cut waiting time by 20% in 2023-24'):
        # the plan's only measures, one each
        lines = [ln for ln in plan.body_lines() if stated_aim(ln)]
        count = len(lines)
    aims = _unmeasured_aims(plan) if count == 0 else []
    if aims:
        return Verdict(
            "pass",
            evidence(aims),
            f"Names no numeric measures, only its goals ({line_refs(aims)}): nothing like a "
            "scorecard of more than ten per team.",
            "When you add success measures, keep them to ten or fewer per team.",
        )
    if count == 0:
        return Verdict(
            "n/a",
            finding="The plan names no measures, so there is no scorecard to size.",
            suggestion="When you add success measures, keep them to ten or fewer per team.",
        )
    if count <= 10:
        return Verdict(
            "pass",
            evidence(lines),
            f"Keeps to {count} measures, within the ten-per-team limit.",
            "Prune any measure that never changes a decision.",
        )
    return Verdict(
        "fail",
        evidence(lines),
        f"Tracks about {count} measures; past ten, none of them drives decisions.",
        f"Cut to the ten or fewer that decide something: keep the outcome measures and one "
        f"leading indicator each, and drop the other {count - 10} or more.",
    )
