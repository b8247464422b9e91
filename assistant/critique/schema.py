"""The shapes a plan critique is returned in (an external contract: keep the names)."""

from __future__ import annotations

import math
from typing import Literal

from pydantic import BaseModel, Field, field_validator

from assistant.critique.rubric import RUBRIC_IDS
from assistant.schema import Citation  # one Citation model for every result

Status = Literal["pass", "partial", "fail", "n/a"]
CheckId = Literal[
    "choices",
    "exclusions",
    "priorities",
    "owners",
    "milestones",
    "dependencies",
    "outcome_metrics",
    "baseline_target",
    "leading_indicators",
    "scorecard_size",
    "cadence",
    "decision_rights",
    "capacity",
    "risks",
]
STATUS_POINTS: dict[str, float] = {"pass": 1.0, "partial": 0.5, "fail": 0.0}


class Evidence(BaseModel):
    """A line of the plan that decided a check, quoted exactly."""

    line: int = Field(ge=1, description="1-based line number in the plan text.")
    quote: str = Field(min_length=1, description="An exact substring of that line, stripped.")

    @field_validator("quote")
    @classmethod
    def _stripped(cls, value: str) -> str:
        if value != value.strip():
            raise ValueError("quote must be stripped of surrounding whitespace")
        return value


class CheckResult(BaseModel):
    """The verdict on one rubric check."""

    id: CheckId
    status: Status
    evidence: list[Evidence] = Field(default_factory=list)
    finding: str
    suggestion: str
    citations: list[Citation] = Field(default_factory=list)


class FailureMode(BaseModel):
    """The way the plan is most likely to fail, and why in one sentence."""

    category: Literal["strategy", "execution", "culture", "interpersonal"]
    why: str


class Comparison(BaseModel):
    """What changed against an earlier version of the plan (check ids in rubric order)."""

    resolved: list[str] = Field(default_factory=list, description="Not passing before, pass now.")
    remaining: list[str] = Field(default_factory=list, description="Still not passing.")
    new: list[str] = Field(default_factory=list, description="Passed before, not now.")


class PlanCritique(BaseModel):
    """A plan judged against the fixed rubric: one CheckResult per rubric id, in order."""

    critique_id: str
    schema_version: Literal["1"] = "1"
    checks: list[CheckResult]
    score: int = Field(ge=0, le=100)
    strengths: list[str] = Field(default_factory=list)
    top_fixes: list[str] = Field(default_factory=list)
    likely_failure_mode: FailureMode
    engine: Literal["local", "llm", "local-fallback"] = "local"
    warnings: list[str] = Field(default_factory=list)
    against: Comparison | None = None

    @field_validator("checks")
    @classmethod
    def _one_per_rubric_id(cls, checks: list[CheckResult]) -> list[CheckResult]:
        ids = tuple(c.id for c in checks)
        if ids != RUBRIC_IDS:
            raise ValueError(f"checks must be exactly one per rubric id, in order {RUBRIC_IDS}")
        return checks

    def check(self, check_id: str) -> CheckResult:
        """The result of one check by id."""
        for result in self.checks:
            if result.id == check_id:
                return result
        raise KeyError(check_id)

    def statuses(self) -> dict[str, str]:
        """Check id -> status, in rubric order."""
        return {c.id: c.status for c in self.checks}


def score_of(statuses: list[str]) -> int:
    """100 x mean(pass 1, partial 0.5, fail 0), n/a left out, halves rounded up; 0 if none."""
    points = [STATUS_POINTS[s] for s in statuses if s in STATUS_POINTS]
    if not points:
        return 0
    return math.floor(100 * sum(points) / len(points) + 0.5)
