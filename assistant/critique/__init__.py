"""Plan critique: judge a strategy brief, operating plan or OKR set against a fixed rubric.

The embedded engine is deterministic and offline (no LLM, no network)::

    from assistant.critique import critique_plan, render_markdown

    critique = critique_plan(plan_text, against=earlier_text)
    print(render_markdown(critique))
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

# Loaded on first use (PEP 562): a diagnosis needs only the injection guard
# (assistant.critique.guard), and importing the checker cost the CLI about 0.1 s at every start.
_WHERE = {"DEFAULT_MAX_CHARS": "engine", "critique_plan": "engine", "render_markdown": "render",
          "RUBRIC": "rubric", "RUBRIC_IDS": "rubric", "CheckResult": "schema", "Citation": "schema",
          "Comparison": "schema", "Evidence": "schema", "FailureMode": "schema",
          "PlanCritique": "schema", "score_of": "schema"}


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"assistant.critique.{_WHERE[name]}"), name)
    globals()[name] = value
    return value


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
