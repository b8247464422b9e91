"""What a check returns, and helpers shared by the checks (evidence quotes, conditions)."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar, cast

from assistant.critique.parse import Line, Plan
from assistant.critique.patterns import IC

T = TypeVar("T")

MAX_EVIDENCE = 5
_MAX_QUOTE = 220
_CONDITIONAL = re.compile(
    r"^\W*(?:if|should|in case|in the event|unless|when|whenever)\b|[,;:]\s*(?:if|unless|"
    r"should)\b|\b(?:if|unless)\b(?:[^.]|\.(?=\w)){3,120}?(?:,|\bthen\b|\bwe\b)",
    IC,
)
MD_LEVEL = re.compile(r"^\s*(#{1,6})\s")


def per_plan(fn: Callable[[Plan], T]) -> Callable[[Plan], T]:
    """Compute `fn(plan)` once per parsed plan (a plan is never changed after parsing);
    callers must not change what it returns."""

    @functools.wraps(fn)
    def once(plan: Plan) -> T:
        if fn not in plan.memo:
            plan.memo[fn] = fn(plan)
        return cast(T, plan.memo[fn])

    return once


def per_line(fn: Callable[[Line], bool]) -> Callable[[Line], bool]:
    """Compute `fn(line)` once per parsed line: checks ask the same question of a line often."""

    @functools.wraps(fn)
    def once(line: Line) -> bool:
        if fn not in line.memo:
            line.memo[fn] = fn(line)
        return line.memo[fn]

    return once


@dataclass
class Verdict:
    """A check's status, the lines that decided it, and what to tell the author."""

    status: str
    evidence: list[tuple[Line, str]] = field(default_factory=list)
    finding: str = ""
    suggestion: str = ""


def quote(line: Line, pattern: re.Pattern[str] | None = None) -> str:
    """An exact, stripped substring of the line to quote: the whole line when short, else the
    sentence holding the pattern's first match (never text from a removed comment)."""
    text = line.text
    if len(text.strip()) > _MAX_QUOTE:
        start, end = 0, len(text)
        match = pattern.search(text) if pattern is not None else None
        at = match.start() if match else len(text) - len(text.lstrip())
        for m in re.finditer(r"(?<=[.;!?])\s+|\s+\|\s+", text):
            if m.end() <= at:
                start = m.end()
            elif m.start() > at:
                end = m.start()
                break
        text = text[start:end]
        if len(text.strip()) > _MAX_QUOTE:
            text = text.strip()[:_MAX_QUOTE]
            text = text[: text.rfind(" ")] if " " in text else text
    pieces = [p.strip() for p in re.split(r"\s{3,}", text) if p.strip()] or [line.raw.strip()]
    candidate = text.strip()
    if candidate and candidate in line.raw:
        return candidate
    return max((p for p in pieces if p in line.raw), key=len, default=line.raw.strip())


def evidence(lines: list[Line], pattern: re.Pattern[str] | None = None) -> list[tuple[Line, str]]:
    """Up to MAX_EVIDENCE (line, quote) pairs, first occurrence of each line, in plan order."""
    seen: set[int] = set()
    out: list[tuple[Line, str]] = []
    for line in sorted(lines, key=lambda ln: ln.number):
        if line.number in seen or not line.raw.strip():
            continue
        seen.add(line.number)
        out.append((line, quote(line, pattern)))
        if len(out) >= MAX_EVIDENCE:
            break
    return out


@per_line
def is_conditional(line: Line) -> bool:
    """True for a contingency ('If X slips, we ...'): not a commitment of the plan itself."""
    return bool(_CONDITIONAL.search(line.plain))


def in_topics(line: Line, *topics: str) -> bool:
    """True if the line sits under (or is labelled with) any of the topics."""
    return any(t in line.topics for t in topics)


def heading_level(line: Line) -> int:
    """How deep a heading sits: '#' is 1, '######' 6; a bold or label heading 7; the title 0."""
    if line.kind == "title":
        return 0
    md = MD_LEVEL.match(line.text)
    return len(md.group(1)) if md else 7


def titled(plan: Plan, pattern: re.Pattern[str]) -> bool:
    """True if the plan has a title line and the pattern occurs in it."""
    title = plan.title()
    return title is not None and pattern.search(title.plain) is not None


def line_refs(lines: list[Line]) -> str:
    """'line 4', 'lines 4, 7 and 9' for messages."""
    numbers = sorted({ln.number for ln in lines})
    if not numbers:
        return ""
    if len(numbers) == 1:
        return f"line {numbers[0]}"
    shown = [str(n) for n in numbers[:6]]
    if len(numbers) > 6:
        return f"lines {', '.join(shown)} and others"
    return f"lines {', '.join(shown[:-1])} and {shown[-1]}"


def short(text: str, limit: int = 70) -> str:
    """The text cut at a word boundary to about `limit` characters."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit]
    return (cut[: cut.rfind(" ")] if " " in cut else cut).rstrip(",;:") + "..."


def plan_period(plan: Plan) -> str:
    """The plan's period from its title lines ('Q3 2026', 'H1', '2027'), or 'this quarter'."""
    head = " ".join(ln.plain for ln in plan.content()[:3])
    match = re.search(r"\b20\d{2}[\s-]?[QH][1-4]\b", head) or re.search(
        r"\b(?:[QH][1-4](?:[\s-]?(?:FY)?'?\d{2,4})?|FY\s?'?\d{2,4}|20\d{2})\b", head
    )
    return match.group(0) if match else "this quarter"
