"""The fixed rubric: check ids (an external contract), their wording, SOP steps and groups."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RubricCheck:
    """One rubric line: what passing means, the SOP steps behind it and its failure category."""

    id: str
    title: str
    passes_when: str
    steps: tuple[str, ...]
    category: str


RUBRIC: tuple[RubricCheck, ...] = (
    RubricCheck(
        "choices",
        "Explicit choices",
        "states its direction as explicit choices, each with a consequence or trade-off",
        ("execution-excellence/1",),
        "strategy",
    ),
    RubricCheck(
        "exclusions",
        "What we will not do",
        "says what will NOT be done",
        ("execution-excellence/1", "okrs-and-alignment/1"),
        "strategy",
    ),
    RubricCheck(
        "priorities",
        "Short priority list",
        "names a short top-priority list (2 to 4 items) rather than making everything a priority",
        ("exec-over-strategy/2", "okrs-and-alignment/1"),
        "strategy",
    ),
    RubricCheck(
        "owners",
        "One named owner each",
        "gives each initiative one named owner",
        ("okrs-and-alignment/4", "product-execution-pillars/6"),
        "execution",
    ),
    RubricCheck(
        "milestones",
        "Dated milestones",
        "has dated milestones",
        ("execution-excellence/2",),
        "execution",
    ),
    RubricCheck(
        "dependencies",
        "Cross-team dependencies",
        "names cross-team dependencies",
        ("okrs-and-alignment/5", "execution-excellence/2"),
        "execution",
    ),
    RubricCheck(
        "outcome_metrics",
        "Outcomes, not outputs",
        "phrases objectives as outcomes (customer behaviour, business metric), not outputs",
        ("okrs-and-alignment/3", "product-execution-pillars/1"),
        "strategy",
    ),
    RubricCheck(
        "baseline_target",
        "Baseline, target and date",
        "gives success criteria with a baseline, a target and a date",
        ("strategy-execution-gap/8", "okrs-and-alignment/3"),
        "execution",
    ),
    RubricCheck(
        "leading_indicators",
        "Leading indicators",
        "pairs leading indicators with the lagging results",
        ("execution-excellence/3", "strategy-execution-gap/8"),
        "culture",
    ),
    RubricCheck(
        "scorecard_size",
        "Ten measures or fewer",
        "keeps to 10 measures or fewer per team",
        ("execution-excellence/3",),
        "execution",
    ),
    RubricCheck(
        "cadence",
        "Review rhythm",
        "sets a review rhythm (weekly / monthly / quarterly)",
        ("execution-excellence/7", "okrs-and-alignment/8"),
        "culture",
    ),
    RubricCheck(
        "decision_rights",
        "Decision rights",
        "says who decides what: approval lanes, or a named decision owner",
        ("execution-excellence/4", "okrs-and-alignment/6"),
        "culture",
    ),
    RubricCheck(
        "capacity",
        "Capacity and buffer",
        "allocates people and time, ideally with a flexible buffer (10-15%)",
        ("execution-excellence/6",),
        "execution",
    ),
    RubricCheck(
        "risks",
        "Risks with triggers",
        "names risks with trigger points or scenarios",
        ("execution-excellence/9",),
        "execution",
    ),
)

RUBRIC_IDS: tuple[str, ...] = tuple(c.id for c in RUBRIC)
RUBRIC_BY_ID: dict[str, RubricCheck] = {c.id: c for c in RUBRIC}

# Which gaps hurt most, first: the order `top_fixes` are picked in (fails before partials).
IMPORTANCE: tuple[str, ...] = (
    "priorities",
    "choices",
    "owners",
    "outcome_metrics",
    "baseline_target",
    "milestones",
    "exclusions",
    "decision_rights",
    "dependencies",
    "capacity",
    "cadence",
    "risks",
    "leading_indicators",
    "scorecard_size",
)
