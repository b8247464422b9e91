"""The LLM engine against a real local OpenAI-compatible server with scripted replies."""

from __future__ import annotations

import json
import time

import pytest

from assistant.errors import ConfigError
from assistant.pipeline import diagnose, retrieve
from tests.conftest import _reset
from tests.fake_llm import scripted_endpoint

TEXT = ("Our launches keep slipping and every planning meeting is a fight. Then I noticed it is "
        "always Priya and Tom; when Priya is on holiday everything ships.")


@pytest.fixture
def llm(indexed, monkeypatch):
    with scripted_endpoint(monkeypatch) as server:
        yield server


def reply(**overrides) -> dict:
    steps, _ = retrieve(TEXT, "default")
    step = next(h for h in steps if "interpersonal" in h.categories)
    base = {
        "category": "interpersonal",
        "scores": {"strategy": 0.05, "execution": 0.1, "culture": 0.05, "interpersonal": 0.8},
        "secondary": "execution",
        "surface_symptom": "Launches slip and planning turns into fights.",
        "root_cause": "Friction between PersonA and PersonB.",
        "rationale": "Work flows when PersonA is away.",
        "steps": [{"step_id": step.step_id, "action": "Talk to PersonA and PersonB separately this week.",
                   "why": "Hear both sides."}],
        "anti_patterns": ["Another recurring meeting"],
        "follow_up_questions": [],
        "would_change_if": "It recurs with other people.",
        "cited_chunk_ids": [step.chunk_id],
        "escalation": None,
    }
    base.update(overrides)
    return base


@pytest.mark.parametrize("method", ["json_schema", "function_calling"])
def test_valid_reply_both_methods(llm, monkeypatch, method):
    monkeypatch.setenv("ASSISTANT_LLM_METHOD", method)
    _reset()
    llm.script.append(("json", reply()))
    d = diagnose(TEXT)
    assert d.engine == "llm" and d.category == "interpersonal" and not d.warnings
    assert d.steps and d.steps[0].citations
    assert "Priya" in d.steps[0].action  # names restored after redaction
    sent = llm.requests[-1]
    prompt = " ".join(m["content"] for m in sent["messages"] if m.get("content"))
    assert "<description>" in prompt and "Priya" not in prompt  # fenced and redacted
    if method == "json_schema":
        assert sent["response_format"]["type"] == "json_schema"
    else:
        assert sent["tools"] and sent["tool_choice"]


def test_hallucinated_ids_are_dropped_and_scores_renormalised(llm):
    llm.script.append(("json", reply(
        steps=[{"step_id": "made-up/9", "action": "x", "why": "y"}],
        cited_chunk_ids=["deadbeef"],
        scores={"strategy": 1, "execution": 1, "culture": 1, "interpersonal": 5},
    )))
    d = diagnose(TEXT)
    assert d.engine == "llm" and d.steps == [] and d.citations == []
    assert any("made-up/9" in w for w in d.warnings) and any("deadbeef" in w for w in d.warnings)
    assert abs(sum(d.scores.model_dump().values()) - 1) < 1e-3 and d.scores.interpersonal == 0.625


def test_malformed_json_falls_back(llm):
    llm.script.append(("raw", "{not json"))
    d = diagnose(TEXT)
    assert d.engine == "local-fallback" and any("llm engine failed" in w for w in d.warnings)


def test_truncated_reply_is_retried_then_falls_back(llm):
    llm.script.extend([("truncated", reply())] * 2 + [("json", reply())])
    d = diagnose(TEXT)
    assert d.engine == "llm" and len(llm.requests) == 3  # a cut-off body is retried like a 5xx
    llm.script.extend([("truncated", reply())] * 5)
    started = time.time()
    d = diagnose(TEXT)
    assert d.engine == "local-fallback" and time.time() - started < 10
    assert any("llm engine failed" in w for w in d.warnings)


def test_429_then_success(llm):
    llm.script.extend([("status", 429), ("json", reply())])
    d = diagnose(TEXT)
    assert d.engine == "llm" and len(llm.requests) == 2


def test_500s_exhaust_retries_then_fall_back(llm):
    llm.script.extend([("status", 500)] * 5)
    started = time.time()
    d = diagnose(TEXT)
    assert d.engine == "local-fallback" and time.time() - started < 10
    assert len(llm.requests) == 3


def test_hang_past_timeout_falls_back_in_bounded_time(llm):
    llm.script.append(("hang", 5))
    started = time.time()
    d = diagnose(TEXT)
    assert d.engine == "local-fallback" and time.time() - started < 5


def test_refused_connection_falls_back(indexed, monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    _reset()
    d = diagnose(TEXT)
    assert d.engine == "local-fallback" and d.category


def test_llm_engine_without_configuration_is_a_clear_error(indexed):
    with pytest.raises(ConfigError, match="OPENAI"):
        diagnose(TEXT, engine="llm")


def test_eval_runs_with_the_llm_engine(llm, tmp_path):
    from assistant.evaluation import runner

    cases = tmp_path / "cases.jsonl"
    cases.write_text("\n".join(json.dumps({"id": f"c{i}", "text": TEXT, "label": "interpersonal"}) for i in range(2)))
    llm.script.extend([("json", reply()), ("raw", "{broken")])
    results, folder = runner.run("diagnosis", "llm", "test", cases, tmp_path / "run", progress=False)
    m = results["suites"]["diagnosis"]
    assert m["n"] == 2 and m["accuracy"] == 1.0
    engines = sorted(c["engine"] for c in m["cases"])
    assert engines == ["llm", "local-fallback"]
    assert (folder / "report.md").exists()
