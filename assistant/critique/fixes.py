"""Fixes drawn from the plan itself: a suggested rewrite that uses the plan's own initiative
names, metrics, dates and people instead of a fill-in template.

`drawn_fix(check_id, plan)` returns the rewrite as a `Fix` (a lead-in and the lines to add or
change) or None when the plan does not supply the content. The engine applies the lines to the
plan, runs the check again and shows the fix only if the check then does better; otherwise the
check's own template stays. Facts the plan does not give (a baseline nobody measured, the owner
of an unowned initiative) stay placeholders for the author to fill in.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from assistant.critique.base import in_topics, is_conditional, per_plan, plan_period, short
from assistant.critique.checks_direction import EVERYTHING_RE, everything_lines
from assistant.critique.checks_owners import initiative_owners
from assistant.critique.parse import Line, Plan
from assistant.critique.patterns import IC, METRIC_WORDS_RE, specific_dates
from assistant.critique.rewrite import LIST_MARKER
from assistant.critique.targets import column, criteria, is_output

_TAG = re.compile(r"\[\s*p(\d)\s*\]|\(\s*p(\d)\s*\)|^\W*p(\d)\s*[:\-–—]", IC)
_TAGS_OUT = re.compile(r"\[\s*p\d\s*\]|\(\s*p\d\s*\)|^\W*p\d\s*[:\-–—]\s*|\[[A-Z]{3,}\]", IC)
_FIELD_SPLIT = re.compile(r"\s+[—–-]\s+|\s+[/|]\s+|:\s+")
_OUTLINE = re.compile(r"^\s*(?:\d{1,2}(?:\.\d{1,2})*\.?|[a-z][.)])\s+", IC)
_LATER_HEAD = re.compile(
    r"\b(?:later|future|next\s*\+\s*1|someday|backlog|to be considered|parking lot|ideas|"
    r"stretch|nice to have)\b",
    IC,
)
_OKR_ID = re.compile(
    r"^\W*(?:O\d{1,2}|KR\s?\d{1,2}(?:\.\d{1,2})?|KR|Objective(?:\s+\d{1,2})?|Key result"
    r"(?:\s+\d{1,2})?)\b\s*[:.\-–—)]?\s*",
    IC,
)
# a field name, not a metric: 'Objectives', 'Owner', 'Status'
_FIELD_WORD = re.compile(
    r"^\W*(?:objectives?|goals?|owners?|status|notes?|results?|kr|okr)\W*$", IC
)
_SCORE = re.compile(r"\s*[—–-]\s*(?:0?\.\d+|[01](?:\.0+)?)\s*$")
_TARGET_VALUE = re.compile(
    r"(?:→|->|\bto\b|\btarget\b:?|\bgoal\b:?|\breach\b|\bat least\b|\bunder\b|\bbelow\b|"
    r"\babove\b)\s*(?P<value>[<>~≈≤≥]?\s?[$£€]?\d[\d,]*(?:\.\d+)?\s?(?:%|k|m|x|pts|points?|"
    r"days?|hours?|minutes?|mins?|seconds?|s)?)",
    IC,
)


_SHOWN = 3  # lines quoted in the suggestion; the re-check applies them all


# the value a line ends on ('... <0.5%', '... 92%'): its target when no word introduces one
_LAST_VALUE = re.compile(r"(?P<value>[<>~≈≤≥]?\s?[$£€]?\d[\d,]*(?:\.\d+)?\s?%?)\s*$")


@dataclass
class Fix:
    """A rewrite drawn from the plan: what to tell the author, and the lines to add or change."""

    lead: str
    lines: list[str]
    drop: tuple[int, ...] = ()  # line numbers of the plan the rewrite replaces

    def suggestion(self) -> str:
        """The rewrite as one sentence: the lead-in, then each line quoted."""
        quoted = ", ".join(f"'{ln}'" for ln in self.lines[:_SHOWN])
        more = len(self.lines) - _SHOWN
        return f"{self.lead} {quoted}" + (f" (and {more} more like it)" if more > 0 else "")


@dataclass
class Item:
    """A piece of the plan's work: the line that names it, its short name and its rank tag."""

    line: Line
    name: str
    rank: int  # the P-level it is tagged with (P0 = 0), 9 when untagged


def _name(line: Line) -> str:
    """The short name of the work a line describes ('Ship X — Ana — 0.6' -> 'Ship X')."""
    text = _TAGS_OUT.sub("", _OUTLINE.sub("", _SCORE.sub("", line.plain))).strip(" *_")
    text = _OKR_ID.sub("", text)
    label = re.match(r"^([^:]{2,60}?):\s", text)
    if label and len(label.group(1).split()) <= 6:
        text = label.group(1)  # 'Docs: rewrite the guide' is the docs work
    text = _FIELD_SPLIT.split(text)[0]
    text = re.split(r"\s*[(;]", text)[0].strip(" .,:")
    return short(text[:1].upper() + text[1:], 50) if text else ""


def _rank(line: Line) -> int:
    tag = _TAG.search(line.plain)
    return int(next(g for g in tag.groups() if g is not None)) if tag else 9


@per_plan
def work_items(plan: Plan) -> list[Item]:
    """The plan's own pieces of work, highest priority first (P0 before P1, then in order):
    objectives, items of a priority or initiative list, else the first list of the plan."""
    # nothing under "Not doing" is the plan's work
    doing = [ln for ln in plan.body_lines() if not in_topics(ln, "exclusions")]
    chosen = [ln for ln in doing if ln.okr == "O"]
    if len(chosen) < 2:
        chosen = [ln for ln, _ in initiative_owners(plan)
                  if ln.kind in ("item", "table", "text") and not in_topics(ln, "exclusions")]
    if len(chosen) < 2:
        chosen = [
            ln
            for ln in doing
            if ln.kind in ("item", "table")
            and ln.okr != "KR"
            and ln.marker != "sub"
            and (ln.kind != "table" or ln.cells)
            and in_topics(ln, "priorities", "initiatives")
            and not in_topics(ln, "risks", "dependencies", "cadence", "decisions")
        ]
    if len(chosen) < 2:
        tagged = [ln for ln in doing if ln.kind == "item" and _rank(ln) < 9]
        chosen = tagged or [
            ln
            for ln in doing
            if ln.kind == "item" and ln.marker != "sub" and not in_topics(ln, "context", "risks", "dependencies")
        ]
    items = [
        Item(ln, name, _rank(ln))
        for ln in chosen
        if (name := _name(ln)) and not EVERYTHING_RE.search(ln.plain)
    ]
    unique = list({i.name.lower(): i for i in reversed(items)}.values())  # first of each name
    return sorted(unique, key=lambda i: (i.rank, i.line.number))


def _later_items(plan: Plan, top: list[Item]) -> list[Item]:
    """Work the plan itself ranks low: P2 and below, or under a 'Later' / 'Future' heading."""
    items = work_items(plan)
    low = [i for i in items if i.rank >= 2 and i.rank < 9]
    headed = [
        Item(ln, name, 9)
        for ln in plan.body_lines()
        if ln.kind == "item"
        and (header := plan.sections[ln.section].header) is not None
        and _LATER_HEAD.search(header.plain)
        and (name := _name(ln))
    ]
    chosen = low or headed  # never work the plan does not itself rank low
    return [i for i in chosen if i.name not in {t.name for t in top}][:3]


def _fix_priorities(plan: Plan) -> Fix | None:
    items = work_items(plan)
    if len(items) < 2:
        return None
    top = items[:3]
    ranked = " ".join(f"{n}. {i.name}" for n, i in enumerate(top, 1))
    lines = [f"Top priorities (in order): {ranked}"]
    later = [i.name for i in items[3:]][:4]
    if later:
        lines.append(f"Later / not doing this period: {', '.join(later)}")
    everything = everything_lines(plan)
    if everything:
        return Fix(
            f"Replace '{short(everything[0].plain, 50)}' (line {everything[0].number}) with a "
            "ranking of the plan's own work:",
            lines,
            tuple(ln.number for ln in everything),
        )
    return Fix("Rank the plan's own work and keep the top three:", lines)


def _fix_exclusions(plan: Plan) -> Fix | None:
    items = work_items(plan)
    later = _later_items(plan, items[:3])
    period = plan_period(plan)
    if later:
        names = ", ".join(i.name for i in later)
        return Fix(
            "Say what the plan will not do, starting with the work it ranks lowest:",
            [f"Not doing in {period}: {names} (parked until the next review)"],
        )
    if len(items) < 3:
        return None
    # the plan does not rank its work: the author picks, from the plan's own list
    names = "; ".join(i.name for i in items[:5])
    return Fix(
        "Say what the plan will not do:",
        [
            f"Not doing in {period}: <whichever of these matters least: {names}> (parked until "
            "the next review)"
        ],
    )


def _fix_choices(plan: Plan) -> Fix | None:
    items = work_items(plan)
    later = _later_items(plan, items[:1])
    if not items or not later:
        return None
    return Fix(
        "State the choice the ranking already implies:",
        [
            f"Choice: {items[0].name} over {later[0].name}. Trade-off: {later[0].name} waits "
            f"until {items[0].name} is done"
        ],
    )


def _owner_of(line: Line, plan: Plan) -> list[str]:
    return next((people for ln, people in initiative_owners(plan) if ln is line), [])


def _fix_owners(plan: Plan) -> Fix | None:
    found = initiative_owners(plan) or [(i.line, []) for i in work_items(plan)]
    gaps = [(ln, people) for ln, people in found if len(people) != 1 and ln.kind == "item"]
    if not gaps:
        return None
    lines, drop = [], []
    for line, people in gaps:
        # the line as analysed (hidden content blanked), never the raw line
        base = LIST_MARKER.sub("", re.sub(r"\s{2,}", " ", line.text.strip()))
        if not people:
            lines.append(f"{base} — Owner: <one person's name>")
            continue
        for other in people[1:]:  # the first named keeps it; the others help
            base = re.sub(rf"\s*(?:,|\band\b|&|/)\s*{re.escape(other)}", "", base)
        lines.append(f"{base} (helped by {', '.join(people[1:])})")
        drop.append(line.number)
    shared = bool(drop)
    lead = "Give each initiative one owner" + (
        " (where several are named, the first keeps it; the others help):" if shared else ":"
    )
    return Fix(lead, lines, tuple(drop))


def _fix_milestones(plan: Plan) -> Fix | None:
    items = work_items(plan)[:3]
    if not items:
        return None
    period = plan_period(plan)
    end = f"the end of {period}" if period != "this quarter" else "<date>"
    return Fix(
        "Date the plan's own work:",
        [f"{i.name}: <first milestone> by <date>; done by {end}" for i in items],
    )


def _fix_dependencies(plan: Plan) -> Fix | None:
    items = work_items(plan)[:2]
    if not items:
        return None
    return Fix(
        "Name who the plan's work depends on:",
        [f"Dependencies: {i.name} needs <team> to <deliver what> by <date>" for i in items],
    )


def _fix_capacity(plan: Plan) -> Fix | None:
    items = work_items(plan)[:4]
    if len(items) < 2:
        return None
    parts = ", ".join(f"{i.name} <N> people" for i in items)
    return Fix(
        "Put people against the plan's own work:",
        [f"Capacity: {parts}; ~10-15% held back as a flex buffer"],
    )


def _metric_target(line: Line) -> tuple[str, str, str]:
    """(metric, target, date) a target line gives: its name, the value it aims at, by when."""
    text = _OUTLINE.sub("", line.plain)
    if line.kind == "table" and line.cells:
        metric = next(iter(line.cells.values()))
        target = column(line, "target") or ""
    else:
        metric = re.split(r"\s*(?::|\bfrom\b|\bto\b|→|->|\(|[<>≤≥~]|\d)", text, maxsplit=1)[0]
        metric = re.sub(r"\s+(?:per|of|in|at|for|by|under|over|above|below)$", "", metric, flags=IC)
        value = _TARGET_VALUE.search(text) or _LAST_VALUE.search(text)
        target = value.group("value").strip() if value else ""
    dates = specific_dates(text)
    metric = _TAGS_OUT.sub("", _OKR_ID.sub("", metric))
    return short(metric.strip(" .,-–—*"), 50), target, dates[-1] if dates else ""


def _usable(metric: str, target: str) -> bool:
    """A metric named in words with a numeric target ('Repeat buyers', '4,500')."""
    return (
        bool(re.match(r"^[<>~≈≤≥]?\s?[$£€]?\d", target))
        and len(re.findall(r"[A-Za-z]{2,}", metric)) >= 2
        and bool(METRIC_WORDS_RE.search(metric) or "%" in metric)
        and not _FIELD_WORD.match(metric)
    )


def _measured(crits) -> list[tuple[Line, str, str, str]]:
    """Of these success criteria, the ones whose metric is named in words: (line, metric, target, date)."""
    out = []
    for crit in crits:
        metric, target, date = _metric_target(crit.line)
        if _usable(metric, target):
            out.append((crit.line, metric, target, date))
    return out


def measured_targets(plan: Plan) -> list[tuple[Line, str, str, str]]:
    """Target lines whose metric is named in words, with (line, metric, target, date)."""
    return _measured(criteria(plan))


def _fix_baseline_target(plan: Plan) -> Fix | None:
    gaps = [c for c in criteria(plan) if not c.complete]
    lines = [
        f"{metric}: <baseline> (<month measured>) -> {target} by {date or '<date>'}"
        for _, metric, target, date in _measured(gaps[:3])
    ]
    if not lines:
        return None
    return Fix("Give each target the value it moves from:", lines)


def _fix_leading(plan: Plan) -> Fix | None:
    measured = measured_targets(plan)[:2]
    if not measured:
        return None
    return Fix(
        "Pair each result with the weekly signal that moves first:",
        [
            f"Leading indicator for {metric} ({target}): <an early signal> — it predicts "
            f"{metric} and is reviewed every week"
            for _, metric, target, _ in measured
        ],
    )


def _fix_risks(plan: Plan) -> Fix | None:
    measured = measured_targets(plan)[:2]
    if not measured:
        return None
    lines = []
    for _, metric, target, date in measured:
        by = f" by {date}" if date else ""
        lines.append(
            f"If {metric} is not on track for {target}{by} at the mid-point review, we <what we "
            "then do>"
        )
    return Fix("Turn the plan's own targets into tripwires:", lines)


def _fix_outcome_metrics(plan: Plan) -> Fix | None:
    outputs = [
        ln
        for ln in plan.body_lines()
        if (ln.okr == "O" or in_topics(ln, "priorities", "metrics"))
        and ln.kind == "item"
        and is_output(ln.plain)
        and not is_conditional(ln)
    ][:2] or [i.line for i in work_items(plan)[:2]]
    if not outputs:
        return None
    return Fix(
        "Rewrite the plan's deliverables as the change each should cause:",
        [
            f"{_name(ln)}: raise <the customer behaviour it should change> from <baseline> to "
            "<target> by <date>"
            for ln in outputs
        ],
    )


def _fix_decision_rights(plan: Plan) -> Fix | None:
    owned: dict[str, list[str]] = {}
    for item in work_items(plan):
        if named := _owner_of(item.line, plan):
            owned.setdefault(named[0], []).append(item.name)
    if not owned:
        return None
    lanes = "; ".join(
        f"{who} decides scope and dates for {' and '.join(names[:2])}"
        + (" and the rest of that work" if len(names) > 2 else "")
        for who, names in list(owned.items())[:3]
    )
    return Fix(
        "Say who decides what, using the plan's own owners:",
        [f"Decision rights: {lanes}; changes across initiatives need <exec>'s sign-off"],
    )


def _fix_cadence(plan: Plan) -> Fix | None:
    measured = measured_targets(plan)[:3]
    if not measured:
        return None
    names = "; ".join(metric for _, metric, _, _ in measured)
    return Fix(
        "Review the plan's own measures on a rhythm:",
        [
            f"Weekly review every Monday, scorecard first ({names}); monthly business review; "
            "quarterly reset"
        ],
    )


DRAWN: dict[str, Callable[[Plan], Fix | None]] = {
    "choices": _fix_choices,
    "exclusions": _fix_exclusions,
    "priorities": _fix_priorities,
    "owners": _fix_owners,
    "milestones": _fix_milestones,
    "dependencies": _fix_dependencies,
    "outcome_metrics": _fix_outcome_metrics,
    "baseline_target": _fix_baseline_target,
    "leading_indicators": _fix_leading,
    "cadence": _fix_cadence,
    "decision_rights": _fix_decision_rights,
    "capacity": _fix_capacity,
    "risks": _fix_risks,
}


def drawn_fix(check_id: str, plan: Plan) -> Fix | None:
    """The rewrite for a check drawn from the plan's own content, or None."""
    make = DRAWN.get(check_id)
    return make(plan) if make is not None else None
