"""Success criteria: which lines set numeric targets, with what baseline and date, and
whether a goal is phrased as an outcome (a change in a metric) or an output ('ship X')."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.critique.base import in_topics, is_conditional, per_line
from assistant.critique.parse import Line, Plan
from assistant.critique.patterns import (
    IC,
    METRIC_WORDS_RE,
    OUTPUT_DONE_RE,
    OUTPUT_START_RE,
    YEAR_RE,
    has_number,
    has_specific_date,
)

_NUM = (
    r"[<>~≈≤≥+-]?\s?[$£€]?\d[\d,]*(?:\.\d+)?(?::\d{2})?\s?(?:%|k|m|bn|x|bps|pts|points?|days?|"
    r"hours?|h|minutes?|mins?|stars?|seconds?|s)?"
)
CHANGE_RE = re.compile(
    rf"{_NUM}(?:\s*\([^)]{{0,45}}\))?\s*(?:→|->|=>|➝|⟶|to)\s*(?:a\s+)?{_NUM}(?=\W|$)", IC
)
_BARE_INTEGERS = re.compile(r"\d{1,3}\s*(?:→|->|=>|➝|⟶|to)\s*\d{1,3}", IC)
_ARROW_CHANGE = re.compile(rf"{_NUM}(?:\s*\([^)]{{0,45}}\))?\s*(?:→|->|=>|➝|⟶)\s*{_NUM}", IC)
_TARGET_VERB = re.compile(
    r"\b(?:raise|raising|reduce|reducing|increase|increasing|grow|growing|cut|cutting|lift|"
    r"lifting|improve|improving|reach|reaching|drop|dropping|decrease|lower|lowering|move|"
    r"moving|take|bring|double|halve|target|targets|targeting|aim|aiming|goal|get|hit|"
    r"achieve|shrink|boost|expand|keep|hold|maintain|rise|fall)\b",
    IC,
)
_TARGET_WORD = re.compile(
    r"\b(?:target|goal|aim(?:ing)? for|reach|hit|get to|at least|at most|under|below|above|"
    r"over|less than|more than|fewer than|no more than|zero|by|to)\b|[<>≤≥→]",
    IC,
)
_BASELINE = re.compile(
    r"\b(?:baseline|today|currently|current|now|as of|vs\.?|versus|up from|down from|was|"
    r"from)\b[^.;]{0,40}\d|\d[^.;]{0,10}\b(?:today|now|currently)\b",
    IC,
)
# "87% in FY25, target 98%", "4.6%, goal 2.0%": today's value stated before the target
_VALUE_THEN_TARGET = re.compile(
    r"\d[^.;:]{0,30}?[,;]\s*(?:target|goal|aim)(?:ed|ing|s)?\b[^.;]{0,25}?\d", IC
)
# "78% ..., up from 68% now": a target with the value it moves from
_FROM_CHANGE = re.compile(
    r"\d[^.;]{0,120}?\b(?:up|down|rising|falling|improving|dropping)\s+from\s+"
    r"(?:about\s+|around\s+|~)?[$£€]?\d",
    IC,
)
# a target that names the value it is measured from ('from a 2017 baseline', 'vs. 2019 levels')
_NAMED_BASE = re.compile(
    r"\b(?:from|on|over|against|vs\.?|versus|compared (?:to|with)|relative to)\s+"
    r"(?:an?\s+|the\s+|our\s+)?"
    r"(?:fy\s?)?(?:19|20)\d\d\s+(?:baseline|levels?|figures?|values?)\b",
    IC,
)
_PAST = re.compile(
    r"\b(?:grew|grown|has grown|slipped|fell|rose|dropped|declined|increased|decreased|went|"
    r"was|were|had|improved|moved|since|over the last|last year|earlier)\b",
    IC,
)
_GLOBAL_DATE = re.compile(
    r"\b(?:all|every|each)\b[^.\n]{0,60}\b(?:by|on|measured|due|at|as of|until)\b", IC
)
_COLUMNS = {
    # a progress or actuals column holds the value measured so far: the baseline of a target
    "baseline": re.compile(
        r"baseline|today|current|start|from|before|\bwas\b|^\W*(?:(?:19|20)\d\d\s+)?(?:progress|"
        r"actuals?)\W*$|"
        # the level measured at a point in time ('Level at announcement or first report')
        r"\blevel (?:at|in|when|on)\b|\blatest\b",
        IC,
    ),
    # 'end' as a word ('End value'), not inside 'Depends on'
    "target": re.compile(r"target|goal|to\b|aim|\bkr\b|desired|\bend\b", IC),
    "date": re.compile(r"\bby\b|date|deadline|when|due|timing|timeline|until", IC),
    "leading": re.compile(r"leading|early|input|signal", IC),
}


@dataclass
class Criterion:
    """One line that sets a numeric target, and what it gives with it."""

    line: Line
    baseline: bool
    target: bool
    date: bool

    @property
    def complete(self) -> bool:
        """Baseline, target and date all given."""
        return self.baseline and self.target and self.date


# a column named by a period ('2026', '2026-27', 'FY27', 'Q3 2026'): a row of them is a trajectory
_PERIOD_COLUMN = re.compile(
    r"^\W*(?:(?:fy\s?)?'?(?:19|20)?\d\d(?:\s?[-–/]\s?(?:19|20)?\d\d)?|q[1-4]\s?(?:19|20)?\d\d|"
    r"(?:19|20)\d\d\s?q[1-4])\W*$",
    IC,
)


def trajectory(line: Line) -> list[str]:
    """The cells of a table row under period columns ('| Retention | 71% | 73% | 75% |'), in
    order, when two or more hold a number: a value today, then targets by period."""
    cells = [c for name, c in line.cells.items() if _PERIOD_COLUMN.match(name)]
    return cells if sum(1 for c in cells if re.search(r"\d", c)) >= 2 else []


def column(line: Line, kind: str) -> str | None:
    """The cell of a table row whose header names `kind` (baseline, target, date, leading)."""
    for name, cell in line.cells.items():
        if _COLUMNS[kind].search(name):
            return cell
    return None


def _filled(line: Line, kind: str) -> bool:
    """True if any column of that kind holds a value: of 'Baseline 2019/20 | Baseline 2020/21',
    the later one may be the only one measured."""
    return any(
        _COLUMNS[kind].search(name) and cell.strip("- ") for name, cell in line.cells.items()
    )


# prose that frames what follows as the plan's success measures
SUCCESS_FRAME = re.compile(
    r"\b(?:measure|judge|track|assess|gauge)\w*\s+(?:our\s+|its\s+|the\s+)?(?:success|progress)\b|"
    # 'We will judge the year on outcomes', 'we grade the quarter by these results'
    r"\b(?:judge|grade|score|assess)\w*\s+(?:the|this|our)\s+(?:year|quarter|half|plan|season)\s+"
    r"(?:on|by|against)\b|"
    r"\bsuccess (?:means|looks like|will (?:be|mean))\b|"
    r"\bwe(?:'ll| will) know (?:it(?:'s| is)|we(?:'re| are)|this is) (?:working|succeeding)\b",
    IC,
)


# the goal itself after its field name ('Scope: all. Objective: hire ...' -> 'hire ...')
_GOAL_FIELD = re.compile(r"(?:^|[.;]\s+|^\W*)(?:objective|goal|aim)\s*:\s*(?:\*\*)?", IC)
# priority tags before a goal: '[P0] Store ...', '(P1) Ship ...'
_PRIORITY_TAGS = re.compile(r"^(?:\W*[\[(]p\d[\])])+\W*", IC)
# an outline number before a goal ('2.5 Improve retention'): a position, not a quantity
_OUTLINE_NUMBER = re.compile(r"^\s*\d{1,2}(?:\.\d{1,2})+\.?\s+")
# a key result's score when its period closed ('... — 0.95', '... - 1.0'): no target
SCORE_TAIL = re.compile(r"\s*[—–-]\s*(?:0?\.\d{1,2}|[01](?:\.0{1,2})?)\s*$")


# a table column naming the measures or their starting values ('Key Performance Indicator',
# 'Baseline 2020/21', 'Metric'): beside a target column, the table is a scorecard
_SCORECARD_COLUMN = re.compile(
    r"\b(?:kpis?|key performance indicators?|performance indicators?|indicators?|metrics?|"
    r"measures?|baselines?)\b",
    IC,
)


def scorecard_row(line: Line) -> bool:
    """A row of a table with a target column and a measure or baseline column: a scorecard,
    whatever heading it sits under ('People Management', 'Budget')."""
    return (
        line.kind == "table"
        and column(line, "target") is not None
        and any(_SCORECARD_COLUMN.search(name) for name in line.cells)
    )


# a key result coded with its objective ('O1KR2: ...', 'O2 KR1 - ...'), whatever the heading
_KR_CODE = re.compile(r"^o\d{1,2}\s?[-.]?\s?kr\s?\d{1,2}\b", IC)


def _goal_context(line: Line) -> bool:
    return (
        bool(line.okr)
        or in_topics(line, "metrics")
        or bool(SUCCESS_FRAME.search(line.plain))
        or bool(_KR_CODE.match(line.label or ""))
    )


def is_output(text: str) -> bool:
    """True if a goal names a deliverable ('Launch X', 'Portal launched on time')."""
    core = re.sub(
        r"^\W*(?:O\d+|KR\s?\d+(?:\.\d+)?|objective \d+(?:\.\d+)?|"
        r"key result \d+(?:\.\d+)?)\W*",
        "",
        text,
        flags=IC,
    )
    core = re.sub(r"^[^:]{0,30}:\s+(?=[A-Z])", "", core) if core[:1].isupper() else core
    field = _GOAL_FIELD.search(core)
    core = core[field.end() :] if field else _PRIORITY_TAGS.sub("", core)
    change = CHANGE_RE.search(core)
    if change and (
        METRIC_WORDS_RE.search(core) or not _BARE_INTEGERS.fullmatch(change.group(0).strip())
    ):
        return False  # a measured change; 'Upgrade Postgres 13 to 16' is a version, not a metric
    if _BETTER_METRIC.match(core):
        return False  # 'Improve profitability', 'Raise retention': a metric made better
    return bool(OUTPUT_START_RE.match(core) or OUTPUT_DONE_RE.search(core))


# a general verb of improvement whose object is a metric: an outcome, not a deliverable
_BETTER_METRIC = re.compile(
    r"^\W*(?:improve|strengthen|boost|lift)\s+(?:our\s+|the\s+)?(?:\w+\s+){0,2}?"
    r"(?:profitability|margins?|revenue|retention|satisfaction|conversion|adoption|"
    r"engagement|uptake|attendance|participation|ratings?|scores?|rates?)\b",
    IC,
)


@per_line
def is_target_line(line: Line) -> bool:
    """True if the line sets a numeric target for a metric (not a history line, not a plan)."""
    if line.kind not in ("item", "text", "table") or is_conditional(line):
        return False
    if in_topics(line, "risks", "cadence", "decisions", "capacity") and not _goal_context(line):
        return False
    text = _OUTLINE_NUMBER.sub("", SCORE_TAIL.sub("", line.plain))
    if line.kind == "table":
        named = column(line, "target") is not None or bool(trajectory(line))
        return bool(line.cells) and named and has_number(text)
    if is_output(text) and not METRIC_WORDS_RE.search(text):
        return False
    if _ARROW_CHANGE.search(text):
        return True
    if _goal_context(line) and _FROM_CHANGE.search(text):
        return True
    change = CHANGE_RE.search(text)
    if (
        change
        and (_goal_context(line) or _TARGET_VERB.search(text))
        and not (_PAST.search(text[: change.start()]) and not _goal_context(line))
    ):
        return True
    if not _goal_context(line) or not has_number(text):
        return False
    if is_output(text) and not METRIC_WORDS_RE.search(text):
        return False
    return bool(_TARGET_WORD.search(text) and METRIC_WORDS_RE.search(text))


def sets_target(line: Line) -> bool:
    """True for a target line, or a row of a scorecard table with a number in it (a
    success criterion even under a heading about people or money; not a milestone's date, so
    the milestones check keeps reading is_target_line)."""
    if is_target_line(line) or field_target(line):
        return True
    return scorecard_row(line) and not is_conditional(line) and has_number(line.plain)


# fields of an expected result: 'Baseline December 2020: 67% ...', 'Target 2021: at least 80%'
_TARGET_LABEL = re.compile(r"^(?:annual\s+|yearly\s+|interim\s+|final\s+|end\s+)?targets?\b", IC)
_BASELINE_LABEL = re.compile(r"^(?:baselines?|starting point|current (?:value|level))\b", IC)


def field_target(line: Line) -> bool:
    """A line labelled as a target with a quantity after the label ('Target 2022: at least
    90%'), whatever words it measures with."""
    return (
        line.kind in ("item", "text")
        and bool(line.label)
        and bool(_TARGET_LABEL.match(line.label))
        and not is_conditional(line)
        and has_number(_VERSION.sub(" ", line.body))
    )


def _field_baseline(plan: Plan, line: Line) -> bool:
    """True if a 'Baseline: <number>' field sits in the same block above a target field."""
    for ln in reversed(plan.lines[max(0, line.index - 6) : line.index]):
        if ln.kind in ("header", "title"):
            return False
        if ln.label and _BASELINE_LABEL.match(ln.label) and has_number(ln.body):
            return True
    return False


# a target year for a multi-year goal ('by 2025', 'to 61% in 2028', 'by the end of FY27')
_DUE_YEAR = re.compile(
    r"\b(?:by|before|until|through)\s+(?:the\s+end\s+of\s+)?(?:fy\s?)?(?:19|20)\d\d\b|"
    r"\bto\s+[$£€]?\d[\d,.]*\s?%?\s+in\s+(?:fy\s?)?(?:19|20)\d\d\b",
    IC,
)


def _dated(text: str) -> bool:
    """True if a target line says when: a day, month, quarter or week, or the year it is due."""
    return has_specific_date(text) or bool(_DUE_YEAR.search(text))


def _dated_columns(line: Line) -> bool:
    """True if the row's targets are under a column named by when they are due ('2027 Target',
    'H1 Key Results', 'Target (Q4)'), not a column of values already measured."""
    return any(
        (_COLUMNS["target"].search(name) or re.search(r"\bkey results?\b|\bkrs?\b", name, IC))
        and (has_specific_date(name) or YEAR_RE.search(name))
        for name in line.cells
    )


def _section_date(plan: Plan, line: Line) -> bool:
    section = plan.sections[line.section]
    return bool(section.header is not None and has_specific_date(section.header.plain))


# an aim stated in prose, outside any set of success criteria: 'Target: $120K revenue for 2026',
# 'the aim is a standard used by at least 3 tools', 'our ambitions include reaching 1 million'
_AIM_MARKER = re.compile(
    r"\btargets?\s*:|\b(?:the|our|its|their|a|one)\s+(?:main\s+|overall\s+|key\s+)?"
    r"(?:aims?|goals?|ambitions?|targets?)\s+(?:is|are|was|will be|of|include\w*)\b|"
    r"\baims?\s+(?:is|are)\b|\b(?:aims?|aiming|plans?|expects?|committed|commitment)\s+to\s+"
    r"(?:reach|raise|cut|reduce|increase|grow|add|double|halve|get|have|hit|lift|bring)\b|"
    # a change by a share: 'Reduce FOIA backlogs by 10%', 'cut waiting time by 20%'
    r"\b(?:reduc|cut|increas|rais|grow|lift|lower|decreas|improv|shorten)\w*\b[^.;:]{0,60}?"
    r"\bby\s+(?:about\s+|at least\s+)?\d+(?:\.\d+)?\s?%",
    IC,
)
_VERSION = re.compile(
    r"\b(?:v|version\s|release\s|edition\s)\s?\d+(?:\.\d+)*\b(?!-\d)|\b\d{4}-\d{2}-\d{2}\b", IC
)
# a quantity named in words ('one billion people', 'a million users')
_WORD_QUANTITY = re.compile(r"\b(?:\w+\s+)?(?:hundred|thousand|million|billion)s?\b", IC)
# when an aim is due, in words: 'over the next three years', 'by the end of the year', 'in the
# next financial year', 'for 2026'
_DUE_WORDS = re.compile(
    r"\b(?:over|within|in)\s+the\s+(?:next|coming)\s+\w+\s+(?:years?|months?|quarters?)\b|"
    r"\bby\s+(?:the\s+)?end\s+of\s+(?:the\s+|this\s+|next\s+)?(?:year|quarter|half)\b|"
    r"\b(?:next|this|coming)\s+(?:financial|fiscal|calendar)\s+year\b|"
    r"\b(?:for|in|by)\s+(?:fy\s?)?(?:19|20)\d\d\b",
    IC,
)


@per_line
def stated_aim(line: Line) -> bool:
    """True for a line stating an aim with a quantity and when it is due, in prose or a
    field ('Target: 2-3 clients by end of year'), wherever it sits: a target and a date with
    no baseline."""
    if line.kind not in ("item", "text", "table") or is_conditional(line):
        return False
    if in_topics(line, "risks", "context"):
        return False
    for sentence in re.split(r"(?<=[.;!?])\s+", line.plain):
        marker = _AIM_MARKER.search(sentence)
        if marker is None:
            continue
        # a version or a day is not a quantity ('Target: release 1.29, beta 2018-08-02')
        rest = _VERSION.sub(" ", sentence[marker.start() :])
        quantity = has_number(rest) or bool(_WORD_QUANTITY.search(rest))
        if quantity and (_dated(sentence) or _DUE_WORDS.search(sentence)):
            return True
    return False


def criteria(plan: Plan) -> list[Criterion]:
    """Every target line with whether it gives a baseline, a target and a date."""
    global_date = any(
        _GLOBAL_DATE.search(ln.plain)
        and has_specific_date(ln.plain)
        and re.search(
            r"\b(?:krs?|key results|targets?|measures?|metrics|goals|objectives)\b", ln.plain, IC
        )
        for ln in plan.content()
    )
    found: list[Criterion] = []
    for ln in plan.body_lines():
        if not sets_target(ln):
            continue
        if ln.kind == "table" and trajectory(ln) and column(ln, "target") is None:
            found.append(Criterion(ln, baseline=True, target=True, date=True))
            continue  # the first period's value is the baseline, each later one a dated target
        if ln.kind == "table":
            date = column(ln, "date")
            found.append(
                Criterion(
                    ln,
                    # a baseline column, or a goal cell that names its base ('from a 2017 baseline')
                    baseline=_filled(ln, "baseline") or bool(_NAMED_BASE.search(ln.plain)),
                    target=True,
                    date=bool(date and date.strip("- "))
                    or _dated(ln.plain)
                    or _dated_columns(ln)
                    or global_date
                    or _section_date(plan, ln),
                )
            )
            continue
        text = ln.plain
        found.append(
            Criterion(
                ln,
                baseline=bool(
                    CHANGE_RE.search(text)
                    or _BASELINE.search(text)
                    or _VALUE_THEN_TARGET.search(text)
                )
                or (field_target(ln) and _field_baseline(plan, ln)),
                target=True,
                # a target field names its year in its label ('Target 2022: ...')
                date=_dated(text)
                or global_date
                or _section_date(plan, ln)
                or (field_target(ln) and bool(YEAR_RE.search(ln.label))),
            )
        )
    return found


def goal_lines(plan: Plan) -> list[Line]:
    """Lines that state what the plan is for: objectives, key results, success criteria,
    items under goal or priority headings, and every target line."""
    out = []
    for ln in plan.body_lines():
        if is_conditional(ln) or in_topics(ln, "risks"):
            continue
        listed = ln.kind == "item" and in_topics(ln, "metrics", "priorities")
        if ln.okr or listed or sets_target(ln):
            out.append(ln)
    return out


def quantified_outcome(line: Line) -> bool:
    """A goal phrased as a measured change: a target line that is not an output."""
    return sets_target(line) and not is_output(line.plain)
