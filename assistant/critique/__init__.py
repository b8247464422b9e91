"""Plan critique: judge a strategy brief, operating plan or OKR set against a fixed rubric.

The embedded engine is deterministic and offline (no LLM, no network)::

    from assistant.critique import critique_plan, render_markdown

    critique = critique_plan(plan_text, against=earlier_text)
    print(render_markdown(critique))
"""

from __future__ import annotations

from assistant.critique.engine import DEFAULT_MAX_CHARS, critique_plan
from assistant.critique.render import render_markdown
from assistant.critique.rubric import RUBRIC, RUBRIC_IDS
from assistant.critique.schema import (
    CheckResult,
    Citation,
    Comparison,
    Evidence,
    FailureMode,
    PlanCritique,
    score_of,
)

__all__ = [
    "DEFAULT_MAX_CHARS",
    "RUBRIC",
    "RUBRIC_IDS",
    "CheckResult",
    "Citation",
    "Comparison",
    "Evidence",
    "FailureMode",
    "PlanCritique",
    "critique_plan",
    "render_markdown",
    "score_of",
]
