"""The structured results every face returns: Diagnosis (and its parts).

Field names are a contract other tools rely on: add, never rename. The JSON Schema is
exported by `assistant schema` and documented in docs/schema/.
"""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, Field, field_validator, model_validator

SCHEMA_VERSION = "1"
Category = Literal["strategy", "execution", "culture", "interpersonal"]
CATEGORIES: tuple[str, ...] = ("strategy", "execution", "culture", "interpersonal")


class Citation(BaseModel):
    """A retrieved chunk that supports a statement."""

    chunk_id: str | None = None
    source: str | None = None
    title: str | None = None
    snippet: str | None = ""
    kind: Literal["framework", "plan"] = "framework"
    sop_id: str | None = None
    step_id: str | None = None


class CueEvidence(BaseModel):
    """A typed cue found in the text: the kind of evidence and the sentence that carries it."""

    type: str = Field(description="The cue type (evals/roles/ROLES.md), e.g. no_owner, named_pair.")
    category: Category = Field(description="The root cause this kind of cue points to.")
    quote: str = Field(min_length=1, description="The sentence of the text that carries it.")


class PlanEvidence(BaseModel):
    """A finding from one of the workspace's plans that bears on the root cause, with its lines."""

    document: str = Field(description="The plan's title or file name.")
    source: str | None = Field(default=None, description="Where the plan came from; null for a plan pasted in the chat.")
    lines: list[int] = Field(min_length=2, max_length=2, description="[first, last] 1-based line numbers.")
    quote: str = Field(min_length=1, description="The first of those lines, exactly as the plan has it.")
    check_id: str = Field(description="The rubric check behind the finding, or `wording` for a line whose "
                                      "words the plan cause model weighs most.")
    category: Category = Field(description="The root cause the finding bears on.")
    direction: Literal["for", "against"] = Field(description="Whether it supports that root cause or argues against it.")
    finding: str = Field(default="", description="What the check found, in a sentence.")


class Step(BaseModel):
    """A recommended SOP step."""

    sop_id: str
    step_id: str
    title: str
    action: str = Field(description="What to do this week, concretely.")
    why: str
    category: Category
    citations: list[Citation] = Field(default_factory=list)
    plan_evidence: list[PlanEvidence] = Field(
        default_factory=list, description="The lines of the team's plans this step would change.")


class Scores(BaseModel):
    """A probability per category, summing to 1."""

    strategy: float = Field(ge=0, le=1)
    execution: float = Field(ge=0, le=1)
    culture: float = Field(ge=0, le=1)
    interpersonal: float = Field(ge=0, le=1)

    @model_validator(mode="after")
    def _sums_to_one(self) -> Scores:
        total = self.strategy + self.execution + self.culture + self.interpersonal
        if abs(total - 1.0) > 1e-3:
            raise ValueError(f"scores must sum to 1, got {total:.4f}")
        return self

    @classmethod
    def from_probs(cls, probs: dict[str, float]) -> Scores:
        """Renormalise non-negative values into probabilities (rounded, summing to 1)."""
        vals = {c: max(0.0, float(probs.get(c, 0.0))) for c in CATEGORIES}
        total = sum(vals.values()) or 1.0
        rounded = {c: round(v / total, 4) for c, v in vals.items()}
        top = max(rounded, key=lambda c: rounded[c])
        rounded[top] = round(rounded[top] + 1.0 - sum(rounded.values()), 4)
        return cls(**rounded)

    def ranked(self) -> list[tuple[str, float]]:
        """Categories from most to least likely."""
        return sorted(((c, getattr(self, c)) for c in CATEGORIES), key=lambda kv: -kv[1])


class Escalation(BaseModel):
    """Set when the description raises a safety matter that coaching must not handle."""

    kind: str
    message: str


class SafetyCheck(BaseModel):
    """The softer level: this may be a safety matter; check before acting on the advice."""

    kind: str
    message: str


class Diagnosis(BaseModel):
    """The root-cause diagnosis of a described organisational problem."""

    diagnosis_id: str = Field(default_factory=lambda: str(uuid.uuid4()))
    schema_version: str = SCHEMA_VERSION
    category: Category
    confidence: float = Field(ge=0, le=1)
    scores: Scores
    secondary: Category | None = None
    surface_symptom: str
    root_cause: str
    rationale: str
    steps: list[Step] = Field(default_factory=list)
    anti_patterns: list[str] = Field(default_factory=list)
    follow_up_questions: list[str] = Field(default_factory=list)
    would_change_if: str = ""
    citations: list[Citation] = Field(default_factory=list)
    cues: list[str] = Field(default_factory=list, description="Evidence phrases found in the text.")
    cue_evidence: list[CueEvidence] = Field(
        default_factory=list, description="Typed cues: what kind of evidence each quoted sentence gives.")
    in_scope: bool = True
    language: str | None = Field(
        default=None, description="When the description is not in English, the language it seems to "
        "be in ('German', 'Spanish', ... or 'another language'): the embedded engine reads English only, "
        "so it names no root cause (in_scope is false) and cannot screen the text for safety matters.")
    prediction_set: list[Category] = Field(
        default_factory=list, description="The causes that together hold the right one nine times in "
        "ten on real descriptions (a conformal set fitted on real dev; the embedded classifier's "
        "probabilities): one cause means an answer, several mean the follow-up questions should "
        "separate them. Empty when no set applies (an escalated or out-of-scope text).")
    new_thread: bool = Field(
        default=False, description="The new message read as a new problem, unrelated to the earlier "
        "turns of the conversation, so it was diagnosed on its own. The history may still be sent whole: "
        "the note in this answer's warnings tells the pipeline where the thread starts.")
    escalation: Escalation | None = None
    safety_check: SafetyCheck | None = None
    plan_evidence: list[PlanEvidence] = Field(
        default_factory=list, description="Findings from the workspace's plans that bear on the root cause.")
    engine: Literal["local", "llm", "local-fallback"] = "local"
    warnings: list[str] = Field(default_factory=list)
    workspace: str = "default"

    @field_validator("secondary")
    @classmethod
    def _secondary_differs(cls, value: str | None, info) -> str | None:
        if value is not None and value == info.data.get("category"):
            return None
        return value


class HistoryMessage(BaseModel):
    """One turn of a conversation."""

    role: Literal["user", "assistant"]
    content: str
