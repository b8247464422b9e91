"""Capacity check: people and time allocated to the initiatives, ideally with a buffer."""

from __future__ import annotations

import re

from assistant.critique.base import Verdict, evidence, in_topics, is_conditional, line_refs
from assistant.critique.parse import Line, Plan
from assistant.critique.patterns import COUNT_WORD, IC

# --- capacity --------------------------------------------------------------------------------
_PEOPLE = (
    r"(?:engineers?|devs?|developers?|ftes?|people|persons?|staff|designers?|analysts?|pms?|"
    r"product managers?|data scientists?|scientists?|squads?|heads?|associates?|mechanics?|"
    r"agents?|testers?|qa|headcount|contractors?|specialists?|nurses?|coordinators?|hires?|"
    r"researchers?|writers?|marketers?|sellers?|reps?|volunteers?|team leaders?|devops|sres?)"
)
# a number that is a year ('2021 staff report', 'most of 2022 on it') is no head count
# nor a part of a larger number ('1,23,708 people reached') or of a list of versions
# ('Python 2.4 or 2.5 on target hosts')
_NOT_YEAR = r"(?<![\d,.])(?<!\d or )(?<!\d and )(?!(?:19|20)\d\d\b)"
_ALLOC_ANYWHERE = re.compile(
    rf"\b(?:{_NOT_YEAR}\d+(?:\.\d+)?\s*|(?:{COUNT_WORD}|half an?|a)\s+)(?:x\s*)?"
    rf"(?:full-time\s+|part-time\s+)?{_PEOPLE}\b[^.;]{{0,40}}?"
    # 'two contractors had to be paid': a modal 'to', not work given to someone
    r"(?<!\bhad )(?<!\bhave )(?<!\bhas )(?<!\bneed )(?<!\bneeds )\b(?:on|for|to|in|at)\b|"
    rf"(?:about\s+|~)?\b{_NOT_YEAR}\d+(?:\.\d+)?\s+on\s+(?:the\s+)?[A-Za-z]|"
    r"\b\d{1,3}\s?%\s+of\s+(?:their|our|the team's|team|engineering|his|her)\s+"
    r"(?:time|capacity)|\b\d{1,3}\s?%\s+of\s+(?:our\s+|the\s+|its\s+)?(?:capacity|engineering|sprint|"
    # a share of the money or effort: '~90% of income on the hire', '60% of investments'
    r"income|budget|funds|funding|investments?|effort|resources|spend(?:ing)?)|"
    # a share of time in words: 'a small part of the team's time goes to reviews',
    # 'spends most of the year on it'
    r"\b(?:part|share|portion|fraction|most|half|all|much|some) of (?:the team['’]s|our|their|"
    r"his|her|its|the) (?:time|capacity|effort|year)\b",
    IC,
)
_ALLOC_IN_CAPACITY = re.compile(
    rf"(?:^|[:;,(]\s*|\band\s+)[A-Za-z][\w /&+.-]{{1,40}}?:?\s+(?:~|≈|about\s+)?"
    # not a year, nobody (0), nor a count in thousands ('1,500+ open issues')
    rf"{_NOT_YEAR}(?!0\b)\d+(?:\.\d+)?(?!,\d{{3}})"
    rf"\s*(?:%|{_PEOPLE})?\b|\b\d{{1,3}}\s?%\s+(?:on\s+|to\s+|for\s+)?[a-z]",
    IC,
)
# a numbered position, not a share of people: 'Action 08', 'Goal 2', 'Phase 3'
_POSITION_END = re.compile(
    r"\b(?:actions?|goals?|objectives?|phases?|stages?|steps?|items?|priorit(?:y|ies)|pillars?|"
    r"themes?|parts?|sections?|waves?|tiers?|levels?|krs?|okrs?|releases?|versions?|no\.?|"
    r"number)\s*#?\d+\W*$",
    IC,
)
# a clock time, not a product manager: '4 PM PT', '10:30 am'
_CLOCK = re.compile(
    r"\b\d{1,2}(?::\d\d)?(?:am|pm)\b|\b\d{1,2}\s+(?:am|pm)\s+(?-i:[A-Z]{1,3}T)\b|"
    r"\b\d{1,2}:\d\d\s*(?:am|pm)\b",
    IC,
)
# money in a cell: a budget row ('| Security audits | $25,000 |')
_MONEY = re.compile(
    r"[$€£¥]\s?\d|\d\s?(?:k|m|bn)?\s?(?:usd|eur|gbp|dai|usdc)\b|\b\d[\d,.]*\s?%", IC
)
_BUFFER = re.compile(
    # 'slack' in lower case: 'Slack' is the chat tool
    r"\b(?:buffer|reserve|reserved|flex(?:ible)?(?: pool| capacity| time)?|float|(?-i:slack)|"
    r"contingency|unplanned|unallocated|unassigned|held back|ring-?fenced?|kept free|"
    r"spare capacity|headroom|protected time)\b",
    IC,
)


_BUFFER_AMOUNT = re.compile(
    rf"\d\s?%|[$€£]\s?\d|\b\d+(?:\.\d+)?\s*(?:{_PEOPLE}|days?|hours?|weeks?|sprints?|points)\b", IC
)
_CAPACITY_WORDS = re.compile(
    rf"\bcapacity\b|\b{_PEOPLE}\b|\bsprints?\b|\bpoints\b|\btime\b|\bhours\b|\bdays\b|"
    # money kept back is a buffer too: 'the remaining 10% into buffer funds'
    r"\bfunds?\b|\bbudget\b|\bincome\b",
    IC,
)


_TOTAL_LABEL = re.compile(
    r"^(?:the )?(?:team|people|capacity|headcount|staff|resources?|resourcing|team size|size|"
    r"ftes?|total|squad)$",
    IC,
)


def _budget_row(line: Line) -> bool:
    """A row of a budget table under a capacity or budget heading: a named use and its money
    ('| Salaries (engineering) | $82,384 |'); the total row allocates nothing."""
    if line.kind != "table" or len(line.cells) < 2:
        return False
    names = list(line.cells)
    if _NOT_SPENDING.match(names[0]):
        return False  # money or shares coming in, or measures: nothing is given to the work
    first, *rest = list(line.cells.values())
    first = first.strip(" *")
    spent = [c for name, c in list(line.cells.items())[1:]
             if _CURRENCY.search(c) or (_MONEY.search(c) and _SPEND_COLUMN.search(name))]
    return bool(first) and not _TOTAL_LABEL.match(first) and bool(spent)


# a table whose rows are not uses of money or people: income, funders, measures, targets
_NOT_SPENDING = re.compile(
    r"^\W*(?:kpis?|metrics?|measures?|indicators?|targets?|goals?|sources?|income|revenue|"
    r"funders?|donors?|sponsors?)\b", IC)
_CURRENCY = re.compile(r"[$€£¥₹]\s?\d|\d\s?(?:k|m|bn)?\s?(?:usd|eur|gbp|inr|rs\.?)\b|\brs\.?\s?\d", IC)
# a column of shares that are spending ('Share of budget', 'Allocation', 'Cost'); a bare '%'
# elsewhere (a KPI, a growth rate) is no money given to the work
_SPEND_COLUMN = re.compile(r"budget|spend|cost|alloc|share|funds?|amount|expen|invest", IC)


# a table column that gives each row its people or money: 'Capacity' (0.25, 1.5 ...), 'People',
# 'FTE', 'Budget', 'Fund utilisation (Rs)', 'Share of EUR 55bn'; not a past 'Cost' or 'Expense'
_ALLOC_COLUMN = re.compile(
    r"^\W*(?:capacity|people|headcount|ftes?|staff(?:ing)?|person-?(?:days|months)|"
    r"(?:planned |monthly |annual |yearly )?budget|funds?|funding|fund utili[sz]ation|"
    r"allocation|allocated|resources?|share of)\b",
    IC,
)
# a column that sizes each piece of work without giving it people: 'Size: Large', 'Effort: M'
_SIZE_COLUMN = re.compile(r"^\W*(?:size|effort|t-?shirt(?: size)?|estimate)\W*$", IC)
_SIZE_VALUE = re.compile(r"^\W*(?:x{0,2}[sml]|x{1,2}l|small|medium|large|huge|tiny)\W*$", IC)


def _column_allocation(line: Line) -> bool:
    """A table row whose people/capacity/budget column holds a figure for the row's work."""
    if line.kind != "table" or not line.cells:
        return False
    first = next(iter(line.cells.values())).strip(" *")
    if _TOTAL_LABEL.match(first) or re.match(r"^\W*total\b", first, IC):
        return False
    return any(
        _ALLOC_COLUMN.match(name) and re.search(r"[1-9]", cell)
        for name, cell in list(line.cells.items())[1:]
    )


def _sized(line: Line) -> bool:
    """A table row that gives its work an effort size (S/M/L): an estimate, not an allocation."""
    return line.kind == "table" and any(
        _SIZE_COLUMN.match(name) and _SIZE_VALUE.match(cell) for name, cell in line.cells.items()
    )


# a number that stands alone ('Docs: 2'), not one inside a name ('bjorn3') or a thousands
# figure ('1,500+ open issues')
_COUNT = re.compile(r"(?<![\w.,])\d+(?:\.\d+)?(?!\w|,\d)")
# a grade, not a count: an OKR score ('Team velocity 0.3', '[1/3]')
_SCORE = re.compile(r"\[\d+/\d+\]|(?<![\w.])(?:0?\.\d+|1\.0+)(?![\w.])")
# a key result's code used as a label ('O3KR1', 'KR 2.1')
_OKR_CODE = re.compile(r"^\W*(?:o\d+\s*)?kr\s*\d", IC)


def _allocations(line: Line) -> int:
    """How many pieces of work the line gives people or time to ('checkout 4, fraud 2' -> 2);
    a bare total ('Team: 12 people') allocates nothing."""
    text = _CLOCK.sub(" ", line.plain)
    anywhere = len(_ALLOC_ANYWHERE.findall(text))
    if _column_allocation(line):
        return max(anywhere, 1)
    if not in_topics(line, "capacity"):
        return anywhere
    if _budget_row(line):
        return 1
    in_capacity = sum(
        1 for m in _ALLOC_IN_CAPACITY.finditer(text) if not _POSITION_END.search(m.group(0))
    )
    if in_capacity >= 2:
        return max(anywhere, in_capacity)
    labelled = (
        bool(line.label)
        and not _TOTAL_LABEL.match(line.label)
        and not _OKR_CODE.match(line.label)
        and _COUNT.search(_SCORE.sub(" ", line.body))
    )
    return max(anywhere, int(bool(labelled)))


def check_capacity(plan: Plan) -> Verdict:
    """Pass: people (and time) allocated across the initiatives; a 10-15% buffer is ideal."""
    allocations: list[tuple[Line, int]] = []
    for ln in plan.body_lines():
        if in_topics(ln, "dependencies", "risks") or is_conditional(ln) or ln.okr:
            continue
        count = _allocations(ln)
        if in_topics(ln, "context"):
            # shares of capacity told as history ('up to 50% of capacity went to triage') say
            # something about capacity, but allocate none of the plan's work
            count = min(count, 1)
        if count:
            allocations.append((ln, count))
    buffers = [
        ln
        for ln in plan.body_lines()
        if _BUFFER.search(ln.plain)
        # a share or an amount held back; a row number or a date is none
        and (in_topics(ln, "capacity") or _BUFFER_AMOUNT.search(ln.plain))
        and re.search(r"\d", ln.plain)
        and not is_conditional(ln)
        and not in_topics(ln, "risks")
        and (in_topics(ln, "capacity") or _CAPACITY_WORDS.search(ln.plain))
    ]
    total = sum(n for _, n in allocations)
    alloc_lines = [ln for ln, _ in allocations]
    # one piece of work and a buffer that share the capacity out ('~90% on the hire, the
    # remaining ~10% into a buffer') allocate all of it
    split = (
        total == 1
        and any(re.search(r"\d\s?%", ln.plain) for ln in buffers if ln not in alloc_lines)
        and any(re.search(r"\d\s?%", ln.plain) for ln in alloc_lines if ln not in buffers)
    )
    if total >= 2 or split:
        has_buffer = bool(buffers)
        return Verdict(
            "pass",
            evidence(alloc_lines + buffers),
            f"Allocates people across the work ({line_refs(alloc_lines)})"
            + (" and keeps a flexible buffer." if has_buffer else ", but keeps no buffer."),
            "Keep 10-15% of capacity unallocated as a flex pool, released only at a review."
            if not has_buffer
            else "Release the buffer only at a review, and say what people stop doing.",
        )
    sized = [ln for ln in plan.body_lines() if _sized(ln)] if not (total or buffers) else []
    if total == 1 or buffers or sized:
        return Verdict(
            "partial",
            evidence(alloc_lines + buffers + sized[:3]),
            "Says something about capacity but does not allocate people across the initiatives.",
            "Add: 'Capacity: <initiative A> N engineers, <initiative B> M; ~10-15% held as a "
            "flex buffer.'",
        )
    return Verdict(
        "fail",
        evidence(plan.with_topic("capacity")),
        "Does not allocate people or time to the initiatives (no per-initiative headcount, "
        "share of capacity or buffer).",
        "Add a 'Capacity' line: '<N> engineers: <initiative A> N, <initiative B> M, ~10-15% "
        "held as a flex buffer for incidents.'",
    )
