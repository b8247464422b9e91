"""Milestones check: dated milestones, the schedule a plan can be checked against.

A date counts when it schedules the plan's own work: a line under a schedule heading, a dated
deliverable, a deadline given to a goal, a phase with its deadline, or a heading that puts a set
of goals in a quarter or month. Dates that record the document (``Date:``, ``Last updated``),
tell its history (``adopted on 3 May 2022``, ``as of June 2026``) or sit in its background
section are not milestones. Goals placed only in a year, a fiscal year or a season are placed
loosely in time: partial.
"""

from __future__ import annotations

import re

from assistant.critique.base import (
    Verdict,
    evidence,
    heading_level,
    in_topics,
    is_conditional,
    line_refs,
    titled,
)
from assistant.critique.parse import Line, Plan, topics_of
from assistant.critique.patterns import (
    IC,
    OKR_TITLE,
    SPECIFIC_DATE_RE,
    has_specific_date,
    specific_dates,
)
from assistant.critique.targets import is_target_line

_MILESTONE_WORD = re.compile(
    r"\b(?:beta|ga|alpha|launch\w*|live|pilot\w*|go-live|cutover|complete\w*|ready|sign\w*|"
    r"freeze|kick-?off|release\w*|ship\w*|roll-?out|rolled out|deliver\w*|lock|submission|"
    r"submitted|gold master|milestones?|deadline|due|done|start\w*|begin\w*|finish\w*|"
    r"handover|decommission\w*|migrat\w*|install\w*|trained|certified|stocked|fitted|exit|"
    r"build|mvp|v\d[\w.]*|phase|go/no-go|announce\w*|test\w*|uat|deploy\w*|available|open\w*|"
    r"contract|selection|configured|cutover|evt|dvt|pvt|retire\w*|wave|rollout|onboard\w*|"
    r"implement\w*)\b",
    IC,
)
_MILESTONE_COLUMN = re.compile(
    r"milestone|\bdue\b|deadline|go-?live|launch|delivery date|timing|timeline|\bwhen\b|"
    r"\bplanned\b|\b(?:release|target|ship|completion|end) date\b|\bwindow\b|"
    r"\b(?:expected|target|planned) (?:completion|delivery|release)\b|^\W*completion\W*$",
    IC,
)
_YEAR = r"(?:(?:19|20)\d\d(?:\s?[-–/]\s?(?:19|20)?\d\d)?|fy\s?'?\d{2,4}(?:\s?[-–/]\s?'?\d{2,4})?)"
# loose timing in prose: seasons, halves, 'early 2027', 'later in the year', 'before Christmas',
# a bare year or fiscal year the work is placed in ('in FY26', 'by the end of 2027')
_VAGUE_WHEN = re.compile(
    r"\b(?:in|by|during|over|before|after|until|from)\s+(?:the\s+)?(?:early\s+|late\s+|mid-?\s*)?"
    r"(?:spring|summer|autumn|fall|winter)\b|"
    r"\b(?:first|second|latter|back|front)\s+half\s+of\s+(?:the\s+year|next year|\d{4})\b|"
    r"\b(?:early|mid|late|later|earlier)\s*(?:-|\s)?(?:in\s+)?(?:\d{4}\b|the\s+year\b|next year\b|"
    r"(?:the\s+)?(?:strategy|plan|programme|program)\s+period\b)|"
    r"\b(?:next|this|the coming)\s+(?:year|spring|summer|autumn|winter)\b|"
    r"\b(?:before|by|around|after)\s+(?:christmas|easter|the (?:summer|winter|holiday)s?\b)|"
    rf"\b(?:in|by|during|for|until|through|before|within)\s+(?:the\s+)?(?:end\s+of\s+(?:the\s+)?)?"
    rf"{_YEAR}\b|"
    r"\bfy\s?'?\d{2,4}\b|"
    # timing tied to an event: 'two weeks after launch', 'when the new network is live'
    r"\b(?:\d{1,3}|a|one|two|three|four|six)\s+(?:days?|weeks?|months?)\s+(?:after|before)\s+"
    r"(?:the\s+)?(?:[\w-]+\s+){0,2}(?:launch|release|go-?live|cutover|kick-?off|opening|rollout|"
    r"deadline|milestone)\b|"
    r"\b(?:when|once)\s+(?:the\s+)?(?:[\w-]+\s+){0,5}(?:is|are|goes|go|gets?)\s+(?:live|out|"
    r"released|launched|ready)\b",
    IC,
)
_DELIVERY_KR = re.compile(
    r"\b(?:launch(?:es|ed|ing)?|ship(?:s|ped|ping)?|releas(?:e|es|ed|ing)|go-?live|goes live|"
    r"roll(?:s|ed)? out|rollout|deploy(?:s|ed)?|migrat(?:e|es|ed|ion)|introduc(?:e|es|ed))\b",
    IC,
)
# the document's own record ('Date: 2026-01-12', 'Last updated: 3 May', 'Status: draft')
_RECORD_LABEL = re.compile(
    r"^(?:date[ds]?|last (?:updated|revised|reviewed|edited|modified)|updated|revised|created|"
    r"published|status|version|author|adopted|effective(?: date)?|revision)\b",
    IC,
)
# a clause that reports what happened or how things stand, not one that schedules work
_HISTORY = re.compile(
    r"\b(?:was|were|had|did|came|took place|happened|reaffirmed|adopted|ratified|founded)\b|"
    r"\bas (?:of|at)\b|\bsince\b|\bago\b",
    IC,
)
_SCHEDULING = re.compile(
    r"\b(?:will|shall|due|deadline|target\w*|planned|schedul\w+|expect\w*|aim\w*|going to|"
    r"to be|next|until)\b",
    IC,
)
_CLAUSE = re.compile(r"(?<=[.;])\s+")
# a deadline given to a goal: 'by 2027-03-15', 'timeframe: end of May 2027', 'due 3 March'
_DEADLINE = re.compile(
    r"\b(?:by|due(?:\s+(?:on|by))?|deadline|time-?frame|until|before|no later than)\s*:?\s*"
    rf"(?:the\s+)?(?:end\s+of\s+)?(?:{SPECIFIC_DATE_RE.pattern})",
    IC,
)
# a phase or step of a schedule given its own deadline or milestone, even a release's name
_PHASE_DEADLINE = re.compile(
    r"\b(?:deadline|due|by|milestone|end of|until)\b|^\W*(?:phase|stage|step|wave)\b", IC
)
_UNSETTLED = re.compile(r"\b(?:tbc|tbd|to be (?:confirmed|decided|agreed))\b|\?\?", IC)
# a quarter or a month of a given year ('2026 Q1', 'Q4 2027', '2026-q1', 'March 2026')
_SHORT_PERIOD = re.compile(
    r"\b(?:q[1-4][\s-]*(?:19|20)\d\d|(?:19|20)\d\d[\s-]*q[1-4]|(?:jan|feb|mar|apr|may|jun|jul|"
    r"aug|sep|oct|nov|dec)[a-z]*\.?\s+(?:19|20)\d\d)\b",
    IC,
)
# a deadline of a year or fiscal year ('By the end of 2027:', 'due by FY28'): a set of goals
# due so is placed in time, loosely (a heading that only names the year is the plan's period)
_YEAR_DEADLINE = re.compile(
    rf"\b(?:by|due|until|before|within)\s+(?:the\s+)?(?:end\s+of\s+(?:the\s+)?)?{_YEAR}(?![\w.-])",
    IC,
)
_YEAR_COLUMN = re.compile(
    rf"^\W*(?:{_YEAR}\s+(?:target|goal)s?|(?:target|goal)s?\s+(?:for\s+)?{_YEAR})\W*$", IC
)
# a title that names a set of goals: objectives, OKRs or goals
_GOALS_TITLE = re.compile(rf"{OKR_TITLE.pattern}|\bgoals\b", IC)
# topics of another kind: a heading about them does not date a set of goals
_OTHER_TOPICS = frozenset(
    {"risks", "cadence", "decisions", "dependencies", "exclusions", "context"}
)


# a column that only says when ('Month', 'Date', 'Quarter'): a date there is a milestone's when
# the table is a schedule (another column names the milestone)
_WHEN_COLUMN = re.compile(r"^\W*(?:date|month|quarter|week|period)s?\W*$", IC)


def _table_milestone(line: Line) -> bool:
    """A table row whose milestone/due/timing column holds a date, or a schedule row ('| Month |
    Milestone |') whose when-column does."""
    if line.kind != "table":
        return False
    schedule = any(_MILESTONE_COLUMN.search(name) for name in line.cells)
    return any(
        (_MILESTONE_COLUMN.search(name) or (schedule and _WHEN_COLUMN.match(name)))
        and has_specific_date(cell)
        for name, cell in line.cells.items()
    )


def _scheduled_dates(text: str) -> list[str]:
    """The dates of the clauses that schedule (a clause telling history gives none)."""
    found: list[str] = []
    for clause in _CLAUSE.split(text):
        if _HISTORY.search(clause) and not _SCHEDULING.search(clause):
            continue
        found += specific_dates(clause)
    return found


def _is_record(line: Line) -> bool:
    return bool(_RECORD_LABEL.match(line.label)) or (
        in_topics(line, "context") and not in_topics(line, "milestones")
    )


# a milestone set out as a bold line of its own ('**Feature freeze: 15 August 2026**'): parsed
# as a heading, but a label and its date, not a section
_DATED_HEAD = re.compile(rf"^[^:]{{2,60}}:\s*(?:{SPECIFIC_DATE_RE.pattern})", IC)


def _dated_heads(plan: Plan) -> list[Line]:
    """Bold or heading lines that give a milestone its date ('Code freeze: 1 June 2026')."""
    return [
        ln
        for ln in plan.lines
        if ln.kind == "header"
        and _DATED_HEAD.match(ln.plain)
        and _MILESTONE_WORD.search(ln.plain.split(":")[0])
        and not _RECORD_LABEL.match(ln.plain)
    ]


def _milestone_lines(plan: Plan) -> list[Line]:
    found = _dated_heads(plan)
    for ln in plan.body_lines():
        if _table_milestone(ln):
            found.append(ln)
            continue
        if ln.okr == "KR" or is_conditional(ln) or _is_record(ln):
            continue
        if not _scheduled_dates(ln.plain):
            continue
        scheduled = in_topics(ln, "milestones", "initiatives", "owners") or (
            ln.kind == "item" and in_topics(ln, "priorities")
        )
        if in_topics(ln, "risks", "dependencies", "cadence", "decisions", "exclusions") and not (
            in_topics(ln, "milestones")
        ):
            continue
        # a target is no milestone, unless it is given a deadline of its own ('six sessions by
        # June 2022')
        if is_target_line(ln) and not in_topics(ln, "milestones"):
            continue
        if in_topics(ln, "metrics") and not scheduled and not _DEADLINE.search(ln.plain):
            continue
        if scheduled or _MILESTONE_WORD.search(ln.plain) or _DEADLINE.search(ln.plain):
            found.append(ln)
    return found


def _vague_milestone_lines(plan: Plan) -> list[Line]:
    """Lines that schedule work with loose timing only ('opens in the autumn', 'in FY26')."""
    return [
        ln
        for ln in plan.body_lines()
        if ln.okr != "KR"
        and not is_conditional(ln)
        and not _is_record(ln)
        and not in_topics(ln, "risks", "cadence", "decisions", "exclusions")
        and not (in_topics(ln, "metrics") and is_target_line(ln))
        and _VAGUE_WHEN.search(ln.plain)
        and (in_topics(ln, "milestones") or _MILESTONE_WORD.search(ln.plain))
    ]


def _due_by_year(plan: Plan) -> list[Line]:
    """Goals given only a year to be met by: 'within 2027, reach ...', a row under a
    '2027 Target' column."""
    return [
        ln
        for ln in plan.body_lines()
        if is_target_line(ln)
        and not is_conditional(ln)
        and (
            # work to be done by then ('within 2022, start a business that reaches ...'); a
            # metric's own deadline is no milestone
            (_YEAR_DEADLINE.search(ln.plain) and _MILESTONE_WORD.search(ln.plain))
            or any(
                _YEAR_COLUMN.match(name) and cell.strip(" -—") for name, cell in ln.cells.items()
            )
        )
    ]


def _phase_schedules(plan: Plan) -> list[Line]:
    """Items of a schedule section ('Schedule', 'Completion dates') that each give a phase its
    deadline, with at least one calendar date among them: phases dated by the plan's own
    release names or milestones still make a schedule to check progress against."""
    out: list[Line] = []
    for section in plan.sections:
        if "milestones" not in section.topics or section.topics & _OTHER_TOPICS:
            continue
        items = [ln for ln in section.lines if ln.kind == "item" and ln.marker != "sub"]
        timed = [
            ln
            for ln in items
            if (ln.label or _PHASE_DEADLINE.search(ln.plain))
            and not _VAGUE_WHEN.search(ln.plain)
            and not _UNSETTLED.search(ln.plain)
        ]
        if len(timed) >= 2 and any(_scheduled_dates(ln.plain) for ln in timed):
            out += timed
    return out


def _goals_under(plan: Plan, head: Line, okr_set: bool) -> list[Line]:
    """The goals or results a heading (or a lead-in line ending in ':') stands over."""
    if head.kind == "header":
        scope = []
        for ln in plan.lines[head.index + 1 :]:
            if ln.kind in ("header", "title") and heading_level(ln) <= heading_level(head):
                break
            if ln.kind in ("item", "table") and not in_topics(ln, "risks", "cadence", "context"):
                scope.append(ln)
        return [ln for ln in scope if ln.okr or in_topics(ln, "metrics", "priorities") or okr_set]
    run: list[Line] = []  # a lead-in: the list right after it
    for ln in plan.lines[head.index + 1 :]:
        if ln.kind != "item":
            if run or not ln.is_blank:
                break
            continue
        run.append(ln)
    return run


# a quarter or month named without its year ('Early Q4 (October)', '### Q2'), and a heading
# that is only a year ('### 2022'): the year heading above dates the quarter below
_PERIOD_NO_YEAR = re.compile(
    r"\b(?:q[1-4]|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*)\b", IC
)
_YEAR_HEAD = re.compile(r"^\W*(?:19|20)\d\d\W*$")


def _under_year(plan: Plan, head: Line) -> bool:
    """True when the nearest higher heading above a period heading is a bare year."""
    level = heading_level(head)
    for ln in reversed(plan.lines[: head.index]):
        if ln.kind in ("header", "title") and heading_level(ln) < level:
            return bool(_YEAR_HEAD.match(ln.plain))
    return False


def _nested_periods(plan: Plan) -> list[Line]:
    """Quarter or month headings under a year heading ('### 2022' > '#### Q4'), with the work
    they schedule: two or more items under them in all."""
    heads = [
        ln
        for ln in plan.lines
        if ln.kind == "header"
        and len(ln.plain) <= 40
        and _PERIOD_NO_YEAR.search(ln.plain)
        and not topics_of(ln.plain) & _OTHER_TOPICS
        and _under_year(plan, ln)
    ]
    scheduled = [h for h in heads if _goals_under(plan, h, True)]
    return scheduled if sum(len(_goals_under(plan, h, True)) for h in scheduled) >= 2 else []


# a heading in the body that puts a set of goals in a year ('## 2019 Goals', 'Objectives for
# 2025', 'Key results in 2025', 'Priorities — FY 2021-22'): due within the year, loosely
_ONE_YEAR = r"(?:(?:19|20)\d\d(?:\s?[-–/]\s?\d\d)?|fy\s?'?\d{2,4}(?:\s?[-–/]\s?'?\d\d)?)(?![\w.–-])"
_YEAR_SET_HEAD = re.compile(
    rf"^\W*{_ONE_YEAR}\s+(?:[\w-]+\s+)?(?:goals|objectives|okrs|priorities|key results|targets)\b|"
    rf"\b(?:goals|objectives|okrs|priorities|key results|key projects|targets)\b[^.:]{{0,20}}?"
    rf"(?:\bfor\b|\bin\b|(?<![\d\s])\s*[—–-])\s*(?:the\s+)?{_ONE_YEAR}",
    IC,
)


# a set of goals given a month or quarter in words, its year the plan's own ('these goals for
# December:', '## Anticipated Q2 output')
_MONTH = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december)"
)
_PERIOD_SET = re.compile(
    rf"\b(?:goals?|objectives|okrs|priorities|outputs?|deliverables|targets)\b[^.:]{{0,20}}?\bfor\s+"
    rf"(?:the\s+month\s+of\s+)?(?:{_MONTH}|q[1-4])\b|"
    rf"\b(?:{_MONTH}|q[1-4])\s+(?:[\w-]+\s+){{0,3}}?(?:goals|objectives|okrs|priorities|outputs?|"
    rf"deliverables|targets)\b",
    IC,
)


def _timeboxed_sets(plan: Plan) -> tuple[list[Line], list[Line]]:
    """Headings that put a set of goals in a period: (in a quarter or month, by a year).

    A set under '## 2026 Q1' is due by the end of that quarter; one under 'By the end of 2027:'
    only by the end of a year. The title's period is the plan's own, not a milestone."""
    short: list[Line] = []
    long: list[Line] = []
    okr_set = titled(plan, _GOALS_TITLE)  # the plan is a set of goals
    for head in plan.content():
        # a lead-in: the last sentence of a line that ends in ':' ('By the end of 2027:')
        lead_in = head.kind == "text" and head.plain.endswith(":")
        text = _CLAUSE.split(head.plain)[-1] if lead_in else head.plain
        if (head.kind != "header" and not lead_in) or len(text) > 80:
            continue
        if topics_of(text) & _OTHER_TOPICS:
            continue
        is_short = bool(_SHORT_PERIOD.search(text) or _PERIOD_SET.search(text))
        is_long = not is_short and bool(
            _YEAR_DEADLINE.search(text) or (head.kind == "header" and _YEAR_SET_HEAD.search(text))
        )
        # a deadline heading ('By the end of 2027') dates whatever list it stands over
        if (is_short or is_long) and len(_goals_under(plan, head, okr_set or is_long)) >= 2:
            (short if is_short else long).append(head)
    return short, long


# a result scored when its period closed: '... — 0.6', '... — 1.00', 'score 0.75'
_SCORED = re.compile(
    r"[—–-]\s*(?:0?\.\d{1,2}|[01](?:\.0{1,2})?)\s*(?:[;,]|$)|\bscore[ds]?\b\W*\d", IC
)


def _scored_period(plan: Plan) -> list[Line]:
    """Key results scored at the close of the quarter or month the title names: each was due
    by that date and checked against it. (A forward plan's title period alone dates nothing.)"""
    title = plan.title()
    if title is None or not _SHORT_PERIOD.search(title.plain):
        return []
    scored = [
        ln
        for ln in plan.body_lines()
        if ln.kind in ("item", "table") and _SCORED.search(ln.plain) and not is_target_line(ln)
    ]
    return [title, *scored] if len(scored) >= 2 else []


def check_milestones(plan: Plan) -> Verdict:
    """Pass: at least two dated milestones (or goals dated by quarter or month)."""
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
    dates = sum(len(_scheduled_dates(ln.plain)) for ln in lines)
    if dates >= 2:
        return Verdict(
            "pass",
            evidence(lines),
            f"Has {dates} dated milestones ({line_refs(lines)}).",
            "Review them in the weekly meeting; any milestone stuck for over a week gets a "
            "named decision owner or is cut.",
        )
    phases = _phase_schedules(plan)
    if phases:
        return Verdict(
            "pass",
            evidence(phases),
            f"Gives each phase of its schedule a deadline ({line_refs(phases)}).",
            "Put a calendar date beside every phase deadline so progress can be checked "
            "against it.",
        )
    boxed, yearly = _timeboxed_sets(plan)
    boxed = boxed or _nested_periods(plan) or _scored_period(plan)
    if boxed:
        return Verdict(
            "pass",
            evidence(boxed),
            f"Dates its goals by period: each set of results is due by the end of its "
            f"period ({line_refs(boxed)}).",
            "Add the intermediate dates inside each period: '<result>: by <day month>'.",
        )
    if dates == 1:
        return Verdict(
            "partial",
            evidence(lines),
            f"Only one dated milestone ({line_refs(lines)}); the path to it is undated.",
            "Add the intermediate dates: '<initiative>: beta <date>; GA <date>'.",
        )
    vague = _vague_milestone_lines(plan)
    yearly += _due_by_year(plan)
    if yearly or sum(len(_VAGUE_WHEN.findall(ln.plain)) for ln in vague) >= 2:
        shown = yearly + vague
        return Verdict(
            "partial",
            evidence(shown),
            f"Milestones are placed only loosely in time ({line_refs(shown)}), by year or "
            "season, with no date to check progress against.",
            "Replace each loose time with a date: '<milestone>: by <day month>'.",
        )
    return Verdict(
        "fail",
        finding="No dated milestones: the plan has no dates to check progress against.",
        suggestion="Add a milestone line per initiative: '<initiative>: pilot by 15 Mar; GA by "
        "30 Apr; owner <name>'.",
    )
