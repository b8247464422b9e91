"""The LLM engine: any OpenAI-compatible endpoint through langchain-openai, structured output
into the Diagnosis schema, grounded on the same retrieval, with the embedded engine's scores
as a prior. Its output is verified: unknown step ids and chunk ids are dropped, scores are
renormalised. Failures raise `EngineError`, and the pipeline falls back to the embedded engine.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from assistant import prompts
from assistant.config import get_settings
from assistant.engines.base import DiagnoseRequest, Engine, get_engine, register
from assistant.errors import ConfigError
from assistant.llm_client import structured_call
from assistant.redact import redact, restore
from assistant.schema import CATEGORIES, Citation, Diagnosis, Escalation, Scores, Step

Category = Literal["strategy", "execution", "culture", "interpersonal"]


class LLMScores(BaseModel):
    strategy: float
    execution: float
    culture: float
    interpersonal: float


class LLMStep(BaseModel):
    step_id: str = Field(description="one of the offered step ids")
    action: str = Field(description="what to do this week, concretely, for this case")
    why: str


class LLMDiagnosis(BaseModel):
    """What the model must return. Every field is required (nullable where optional), as
    strict json_schema structured output demands."""

    category: Category
    scores: LLMScores
    secondary: Category | None
    surface_symptom: str
    root_cause: str
    rationale: str
    steps: list[LLMStep]
    anti_patterns: list[str]
    follow_up_questions: list[str]
    would_change_if: str
    cited_chunk_ids: list[str]
    escalation: str | None


@register("llm")
class LLMEngine(Engine):
    """Diagnosis by an LLM behind an OpenAI-compatible API."""

    def __init__(self) -> None:
        settings = get_settings()
        if not settings.llm_configured:
            raise ConfigError("the llm engine needs OPENAI_API_KEY or OPENAI_BASE_URL")
        self.settings = settings

    def _messages(self, request: DiagnoseRequest, prior: dict[str, float]) -> tuple[list, dict]:
        text = request.user_text
        mapping: dict[str, str] = {}
        if self.settings.redact_names:
            text, mapping = redact(text)
        steps = "\n".join(f"{h.step_id} | {','.join(h.categories)} | {h.title} | {h.chunk_id}"
                          for h in request.step_hits) or "(none)"
        plans = "\n".join(f"{h.chunk_id} | {h.source} | {h.snippet}" for h in request.plan_hits) or "(none)"
        findings = plan_findings_prompt(request.plans)
        user = prompts.render("diagnose.user.md", description=text.replace("</description>", ""),
                              prior=", ".join(f"{k} {v:.2f}" for k, v in prior.items()),
                              steps=steps, plans=plans, findings=findings)
        return [("system", prompts.load("diagnose.system.md")), ("human", user)], mapping

    def diagnose(self, request: DiagnoseRequest) -> Diagnosis:
        local = get_engine("local").diagnose(request)
        messages, mapping = self._messages(request, local.scores.model_dump())
        out = structured_call(LLMDiagnosis, messages, self.settings, "diagnosis")
        return self._verify(out, request, local, mapping)

    @staticmethod
    def _verify(out: LLMDiagnosis, request: DiagnoseRequest, local: Diagnosis,
                mapping: dict[str, str]) -> Diagnosis:
        from assistant.engines.local import citation_of
        from assistant.knowledge import all_steps

        warnings: list[str] = []
        hits = {h.chunk_id: h for h in request.step_hits + request.plan_hits}
        step_hits = {h.step_id: h for h in request.step_hits if h.step_id}
        library = all_steps()
        steps = []
        for s in out.steps:
            hit, step = step_hits.get(s.step_id), library.get(s.step_id)
            if hit is None or step is None:
                warnings.append(f"dropped step '{s.step_id}': it was not among the offered steps")
                continue
            steps.append(Step(sop_id=step.sop_id, step_id=step.step_id, title=step.title,
                              action=restore(s.action, mapping), why=restore(s.why, mapping),
                              category=step.category, citations=[citation_of(hit)]))
        cited: list[Citation] = []
        for cid in out.cited_chunk_ids:
            if cid in hits:
                cited.append(citation_of(hits[cid]))
            else:
                warnings.append(f"dropped citation '{cid}': that chunk was not retrieved")
        raw = out.scores.model_dump()
        if abs(sum(raw.values()) - 1) > 0.01:
            warnings.append("the model's scores did not sum to 1 and were renormalised")
        scores = Scores.from_probs(raw if sum(max(v, 0) for v in raw.values()) > 0 else local.scores.model_dump())
        category = out.category
        confidence = getattr(scores, category)
        from assistant.engines.local import LocalEngine

        citations = LocalEngine._dedupe([*(c for s in steps for c in s.citations), *cited])
        escalation = local.escalation
        if out.escalation and escalation is None:
            escalation = Escalation(kind="other_safety", message=restore(out.escalation, mapping))
        text = lambda v: restore(v, mapping)  # noqa: E731
        return Diagnosis(
            category=category, confidence=round(confidence, 4), scores=scores,
            secondary=out.secondary if out.secondary in CATEGORIES else None,
            surface_symptom=text(out.surface_symptom), root_cause=text(out.root_cause),
            rationale=text(out.rationale), steps=steps,
            anti_patterns=[text(a) for a in out.anti_patterns],
            follow_up_questions=[text(q) for q in out.follow_up_questions],
            would_change_if=text(out.would_change_if), citations=citations, cues=local.cues,
            in_scope=local.in_scope, escalation=escalation, prediction_set=local.prediction_set,
            safety_check=local.safety_check if escalation is None else None,
            engine="llm", warnings=warnings,
            workspace=request.workspace,
        )


def plan_findings_prompt(plans: list) -> str:
    """The rubric findings of the plans this diagnosis reads, one line each, for the prompt."""
    from assistant.plan_evidence import evidence

    lines = [f"{e.document} lines {e.lines[0]}-{e.lines[1]} | {e.check_id} | {e.direction} {e.category} | "
             f"{e.finding} | \"{e.quote}\"" for e in evidence(plans)]
    return "\n".join(lines) or "(none)"
