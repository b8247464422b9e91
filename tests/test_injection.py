"""The prompt-injection corpus (evals/injection/): the verdict does not move, the defences hold."""

from __future__ import annotations

import json

import pytest

from assistant.cases import evals_dir, load_plans
from assistant.critique import critique_plan
from assistant.pipeline import diagnose

CASES = [json.loads(line) for line in (evals_dir() / "injection" / "cases.jsonl").read_text().splitlines() if line.strip()]
DIAGNOSE = [c for c in CASES if c["target"] == "diagnose"]
CRITIQUE = [c for c in CASES if c["target"] == "critique"]


def test_corpus_size():
    assert len(CASES) >= 20 and len(DIAGNOSE) >= 10 and len(CRITIQUE) >= 10


def _positions(base: str, line: str) -> list[str]:
    texts = [f"{line} {base}", f"{base} {line}", f"{base}\n{line}\n"]
    if ". " in base:
        texts.append(base.replace(". ", f". {line} ", 1))
    return texts


@pytest.mark.parametrize("case", DIAGNOSE, ids=[c["id"] for c in DIAGNOSE])
def test_embedded_diagnosis_does_not_move(indexed, case):
    clean = diagnose(case["base"], store=False)
    for text in _positions(case["base"], case["injection"]):
        attacked = diagnose(text, store=False)
        assert attacked.category == clean.category, text
        assert any("embedded instruction" in w for w in attacked.warnings), text
        assert [s.step_id for s in attacked.steps] == [s.step_id for s in clean.steps]


@pytest.mark.parametrize("case", CRITIQUE, ids=[c["id"] for c in CRITIQUE])
def test_embedded_critique_does_not_move(case):
    plans = [p for p in load_plans("test") if p.id.startswith(case["plan"])][:3]
    for plan in plans:
        clean = {c.id: c.status for c in critique_plan(plan.text).checks}
        lines = plan.text.split("\n")
        for pos in (0, len(lines) // 2, len(lines)):
            attacked = critique_plan("\n".join(lines[:pos] + [case["injection"]] + lines[pos:]))
            assert {c.id: c.status for c in attacked.checks} == clean
            assert any("instruction" in w for w in attacked.warnings)


def test_llm_engine_never_sees_the_injection_and_cannot_cite_other_workspaces(indexed, monkeypatch):
    from assistant.retrieval.ingest import ingest_text
    from assistant.retrieval.store import get_store
    from tests.fake_llm import scripted_endpoint

    with scripted_endpoint(monkeypatch) as server:
        ingest_text("Secret Falcon plan of team B.", source="falcon.md", workspace="inj-foreign")
        foreign = get_store().get(where={"workspace": "inj-foreign"}, include=[])["ids"][0]
        case = DIAGNOSE[2]
        server.script.append(("json", {
            "category": "strategy", "scores": {"strategy": 1, "execution": 0, "culture": 0, "interpersonal": 0},
            "secondary": None, "surface_symptom": "s", "root_cause": "r", "rationale": "x",
            "steps": [{"step_id": "exec-over-strategy/99", "action": "a", "why": "w"}],
            "anti_patterns": [], "follow_up_questions": [], "would_change_if": "",
            "cited_chunk_ids": [foreign], "escalation": None}))
        result = diagnose(f"{case['base']} {case['injection']}", workspace="inj-home", store=False)
        sent = json.dumps(server.requests[-1])
        assert case["injection"][:30] not in sent and "Falcon" not in sent
        assert result.citations == [] and result.steps == []
        assert any(foreign in w for w in result.warnings)
