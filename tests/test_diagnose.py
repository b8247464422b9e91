"""The diagnosis pipeline with the embedded engine, through the function and the CLI."""

from __future__ import annotations

import json

import pytest

from assistant.errors import EmptyTextError, TextTooLongError
from assistant.pipeline import diagnose
from assistant.schema import Diagnosis
from tests.conftest import run_cli

PAIR = ("Two teams keep missing their OKRs and every sync turns into an argument. Then I noticed "
        "it is always Priya and Tom: when Priya is on holiday everything ships, and they have not "
        "spoken since the reorg.")
INCENTIVE = ("Platform engineers who help other teams get worse reviews, because only their own "
             "team's OKRs count for bonuses. We swapped the leads twice and the same thing happens.")


def test_diagnosis_shape_and_grounding(indexed):
    d = diagnose(PAIR)
    assert isinstance(d, Diagnosis)
    assert d.category == "interpersonal"
    total = sum(d.scores.model_dump().values())
    assert abs(total - 1) < 1e-3
    assert d.confidence == pytest.approx(max(d.scores.model_dump().values()), abs=1e-3)
    assert d.steps and d.steps[0].category == d.category
    for step in d.steps:
        assert step.citations and step.citations[0].step_id == step.step_id
        assert step.why and step.action
    from assistant.retrieval.store import get_store

    ids = {c.chunk_id for c in d.citations}
    assert ids and set(get_store().get(ids=sorted(ids), include=[])["ids"]) == ids
    assert d.anti_patterns and d.would_change_if
    assert d.engine == "local" and d.in_scope and d.escalation is None
    assert d.diagnosis_id and d.schema_version == "1"


def test_incentive_case_is_culture(indexed):
    assert diagnose(INCENTIVE).category == "culture"


def test_history_is_used(indexed):
    vague = "Things between product and engineering are not great and launches slip."
    follow = diagnose(vague, history=[
        {"role": "user", "content": vague},
        {"role": "assistant", "content": "Is the friction between two specific people?"},
    ])
    answered = diagnose("Yes: it is only Marta and Joe. They fell out last year and when Marta is "
                        "away everything flows.", history=[
        {"role": "user", "content": vague},
        {"role": "assistant", "content": "Is the friction between two specific people?"},
    ])
    assert answered.category == "interpersonal"
    assert answered.scores.interpersonal > follow.scores.interpersonal


def test_ambiguous_text_asks_questions_and_clear_text_does_not(indexed):
    unclear = diagnose("Things are not going well with the launch.")
    clear = diagnose(PAIR)
    assert unclear.follow_up_questions
    assert not clear.follow_up_questions


def test_out_of_scope_text(indexed):
    d = diagnose("Preheat the oven to 180C, mix flour, sugar and three ripe bananas, bake 50 minutes.")
    assert d.in_scope is False and d.confidence <= 0.2 and d.warnings and not d.steps


def test_safety_matter_escalates_without_mediation(indexed):
    d = diagnose("Our sprints keep slipping because two devs can't work together. Last week he "
                 "cornered her after standup and made comments about her body.")
    assert d.escalation is not None and "HR" in d.escalation.message
    assert all(s.category != "interpersonal" for s in d.steps)


def test_figure_of_speech_does_not_escalate(indexed):
    assert diagnose("This deadline is going to kill me; I would kill for a clear roadmap.").escalation is None


@pytest.mark.parametrize("text", ["", "   \n\t "])
def test_empty_text_is_refused(indexed, text):
    with pytest.raises(EmptyTextError):
        diagnose(text)


def test_too_long_text_is_refused_naming_the_limit(indexed):
    with pytest.raises(TextTooLongError, match="20000"):
        diagnose("word " * 5000)


def test_cli_diagnose_text_json_and_errors(indexed):
    out = run_cli("diagnose", PAIR)
    assert out.returncode == 0, out.stderr
    assert "Root cause: INTERPERSONAL" in out.stdout and "Recommended steps" in out.stdout
    js = run_cli("diagnose", "-", "--json", stdin=INCENTIVE)
    assert js.returncode == 0
    assert Diagnosis.model_validate_json(js.stdout).category == "culture"
    empty = run_cli("diagnose", "  ")
    assert empty.returncode == 2 and "empty" in empty.stderr and "Traceback" not in empty.stderr
    long = run_cli("diagnose", "-", stdin="x " * 15000)
    assert long.returncode == 2 and "limit" in long.stderr


def test_cli_jsonl_keeps_ids_and_reports_bad_lines(indexed, tmp_path):
    lines = "\n".join([json.dumps({"id": "a1", "text": PAIR}), "not json",
                       json.dumps({"id": "a2", "text": INCENTIVE}), json.dumps({"id": "a3", "text": ""})])
    out = run_cli("diagnose", "--jsonl", stdin=lines)
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r.get("id") for r in rows] == ["a1", None, "a2", "a3"]
    assert rows[0]["category"] == "interpersonal" and rows[2]["category"] == "culture"
    assert "error" in rows[1] and "error" in rows[3]
    assert out.returncode == 2


def test_cli_history_file(indexed, tmp_path):
    history = tmp_path / "h.json"
    history.write_text(json.dumps([{"role": "user", "content": "launches slip"},
                                   {"role": "assistant", "content": "Is it two people?"}]))
    out = run_cli("diagnose", "Yes, it is Ana and Rob; they fell out and refuse to talk.",
                  "--history", str(history), "--json")
    assert out.returncode == 0 and json.loads(out.stdout)["category"] == "interpersonal"
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    assert run_cli("diagnose", "x", "--history", str(bad)).returncode == 2


def test_an_escalated_case_is_not_coached_on_any_face(indexed):
    from assistant.cli import _render_diagnosis
    from assistant.mcp_tools import summarize_diagnosis
    from assistant.render import diagnosis_markdown
    from assistant.ui.html import chat_summary, diagnosis_card

    d = diagnose("Our sprints keep slipping. Also my lead keeps making comments about a junior "
                 "engineer's body in standup and has groped her at the offsite.", store=False)
    assert d.escalation is not None
    assert d.steps == [] and d.anti_patterns == [] and d.follow_up_questions == []
    assert d.root_cause.startswith("A safety matter")
    for text in (diagnosis_markdown(d), _render_diagnosis(d), summarize_diagnosis(d), chat_summary(d)):
        first = text.strip().splitlines()[0].lower()
        assert "safety matter" in first or "escalate" in first, first
        assert f"root cause: {d.category}" not in text.lower()
    assert "Recommended steps" not in diagnosis_card(d)


def test_an_out_of_scope_text_claims_no_root_cause(indexed):
    from assistant.cli import _render_diagnosis
    from assistant.render import diagnosis_markdown
    from assistant.ui.html import chat_summary, diagnosis_card

    d = diagnose("What is a good recipe for sourdough bread with a crispy crust?", store=False)
    assert d.in_scope is False
    assert set(d.scores.model_dump().values()) == {0.25} and d.confidence <= 0.25
    assert d.steps == [] and d.follow_up_questions == [] and d.secondary is None
    for text in (diagnosis_markdown(d), _render_diagnosis(d), chat_summary(d), diagnosis_card(d)):
        assert "not an organisational problem" in text.lower()
        assert f"root cause: {d.category}" not in text.lower()
