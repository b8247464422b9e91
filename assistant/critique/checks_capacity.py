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
_ALLOC_ANYWHERE = re.compile(
    rf"\b(?:\d+(?:\.\d+)?|{COUNT_WORD}|half an?|a)\s*(?:x\s*)?(?:full-time\s+|part-time\s+)?{_PEOPLE}\b[^.;]{{0,40}}?\b(?:on|for|to|in|at)\b|"
    r"(?:about\s+|~)?\b\d+(?:\.\d+)?\s+on\s+(?:the\s+)?[A-Za-z]|"
    r"\b\d{1,3}\s?%\s+of\s+(?:their|our|the team's|team|engineering|his|her)\s+"
    r"(?:time|capacity)|\b\d{1,3}\s?%\s+of\s+(?:our\s+|the\s+)?(?:capacity|engineering|sprint)",
    IC,
)
_ALLOC_IN_CAPACITY = re.compile(
    rf"(?:^|[:;,(]\s*|\band\s+)[A-Za-z][\w /&+.-]{{1,40}}?:?\s+(?:~|≈|about\s+)?\d+(?:\.\d+)?"
    rf"\s*(?:%|{_PEOPLE})?\b|\b\d{{1,3}}\s?%\s+(?:on\s+|to\s+|for\s+)?[a-z]",
    IC,
)
_BUFFER = re.compile(
    r"\b(?:buffer|reserve|reserved|flex(?:ible)?(?: pool| capacity| time)?|float|slack|"
    r"contingency|unplanned|unallocated|unassigned|held back|ring-?fenced?|kept free|"
    r"spare capacity|headroom|protected time)\b",
    IC,
)


_CAPACITY_WORDS = re.compile(
    rf"\bcapacity\b|\b{_PEOPLE}\b|\bsprints?\b|\bpoints\b|\btime\b|\bhours\b|\bdays\b",
    IC,
)


_TOTAL_LABEL = re.compile(
    r"^(?:the )?(?:team|people|capacity|headcount|staff|resources?|resourcing|team size|size|"
    r"ftes?|total|squad)$",
    IC,
)


def _allocations(line: Line) -> int:
    """How many pieces of work the line gives people or time to ('checkout 4, fraud 2' -> 2);
    a bare total ('Team: 12 people') allocates nothing."""
    anywhere = len(_ALLOC_ANYWHERE.findall(line.plain))
    if not in_topics(line, "capacity"):
        return anywhere
    in_capacity = len(_ALLOC_IN_CAPACITY.findall(line.plain))
    if in_capacity >= 2:
        return max(anywhere, in_capacity)
    labelled = (
        bool(line.label) and not _TOTAL_LABEL.match(line.label) and re.search(r"\d", line.body)
    )
    return max(anywhere, int(bool(labelled)))


def check_capacity(plan: Plan) -> Verdict:
    """Pass: people (and time) allocated across the initiatives; a 10-15% buffer is ideal."""
    allocations: list[tuple[Line, int]] = []
    for ln in plan.body_lines():
        if in_topics(ln, "dependencies", "risks") or is_conditional(ln) or ln.okr:
            continue
        count = _allocations(ln)
        if count:
            allocations.append((ln, count))
    buffers = [
        ln
        for ln in plan.body_lines()
        if _BUFFER.search(ln.plain)
        and re.search(r"\d", ln.plain)
        and not is_conditional(ln)
        and not in_topics(ln, "risks")
        and (in_topics(ln, "capacity") or _CAPACITY_WORDS.search(ln.plain))
    ]
    total = sum(n for _, n in allocations)
    alloc_lines = [ln for ln, _ in allocations]
    if total >= 2:
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
    if total == 1 or buffers:
        return Verdict(
            "partial",
            evidence(alloc_lines + buffers),
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
