"""The web UI without a browser: views, access, handlers on the real pipeline, API surface,
mounting in FastAPI with the key login, and app.py's bind check."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
from html import unescape
from pathlib import Path
from types import SimpleNamespace

import gradio as gr
import pytest

from assistant.auth import AuthError, ForbiddenError
from assistant.critique import critique_plan
from assistant.errors import NotFoundError, TextTooLongError, UnsupportedFileError
from assistant.schema import Citation, Diagnosis, Escalation, Scores, Step
from assistant.ui import access, critique_view, html
from assistant.ui.access import KeyLogin
from tests.conftest import ROOT, _reset, free_port

KEYS = {"key-team-a-0123456": frozenset({"team-a"}),
        "key-team-b-0456789": frozenset({"team-b", "shared"})}
EVIL = '<script>alert("x")</script><img src=x onerror=alert(1)>'
PLAN = "# Plan\n\n## Goals\n- Improve conversion\n\n## Initiatives\n- New page, by August\n"


def _request(token: str | None = None) -> SimpleNamespace:
    cookie = f"other=1; access-token-abc={token}" if token else "other=1"
    return SimpleNamespace(username="anyone", headers={"cookie": cookie})


def _diagnosis(**overrides) -> Diagnosis:
    step = Step(sop_id="s", step_id="s/1", title="Talk to both", action=f"Do {EVIL}", why="Because",
                category="interpersonal",
                citations=[Citation(chunk_id="c1", source="knowledge/s.md", title="SOP title",
                                    snippet=f"passage {EVIL}", sop_id="s", step_id="s/1")])
    data = dict(category="interpersonal", confidence=0.7,
                scores=Scores(strategy=0.1, execution=0.1, culture=0.1, interpersonal=0.7),
                secondary="execution", surface_symptom=f"symptom {EVIL}", root_cause="cause",
                rationale="why", steps=[step], anti_patterns=["More meetings"],
                follow_up_questions=["Is it two people?"], warnings=["the llm engine failed"])
    data.update(overrides)
    return Diagnosis(**data)


# --- access ---------------------------------------------------------------------------------

def test_open_access_without_keys():
    login = KeyLogin(None)
    assert not login.required and login("anyone", "anything")
    principal = login.principal(_request())
    assert principal.visible() is None
    choices, default, custom = access.workspace_choices(principal)
    assert "default" in choices and default == "default" and custom


def test_a_login_session_is_tied_to_the_key_it_was_made_with():
    login = KeyLogin(KEYS)
    assert login.required
    assert not login("sam", "wrong-key-000")
    assert not login("", "key-team-a-0123456")
    assert login("sam", "key-team-a-0123456")
    assert login("sam", "key-team-b-0456789"), "a user name cannot be squatted by another key"
    login.bind_session("tok-a", "key-team-a-0123456")
    login.bind_session("tok-b", "key-team-b-0456789")
    login.bind_session("tok-x", "not-a-configured-key")  # never bound
    assert login.principal(_request("tok-a")).visible() == {"team-a"}
    choices, default, custom = access.workspace_choices(login.principal(_request("tok-b")))
    assert (choices, default, custom) == (["shared", "team-b"], "shared", False)
    for unknown in (None, "tok-x", "nobody"):
        with pytest.raises(AuthError):
            login.principal(_request(unknown))


def test_every_call_goes_through_the_principal():
    from assistant.ui.common import resolve_workspace

    login = KeyLogin(KEYS)
    login.bind_session("tok-a", "key-team-a-0123456")
    assert resolve_workspace(login, _request("tok-a"), "team-a") == "team-a"
    assert resolve_workspace(login, _request("tok-a"), "") == "team-a"
    with pytest.raises(ForbiddenError):
        resolve_workspace(login, _request("tok-a"), "team-b")


# --- views ----------------------------------------------------------------------------------

def test_diagnosis_card_shows_everything_and_escapes_text():
    card = html.diagnosis_card(_diagnosis(escalation=Escalation(kind="harassment",
                                                                message="Involve HR now.")))
    assert "<script>" not in card and "<img src=x" not in card
    assert "&lt;script&gt;" in card
    assert card.count('class="oa-bar-row') == 0, "an escalated case shows no category scores"
    assert 'class="oa-escalation"' in card and "Involve HR now." in card
    assert card.count('class="oa-step"') == 1 and '<input type="checkbox">' in card
    assert '<details class="oa-cite">' in card and "passage &lt;script&gt;" in card
    assert "More meetings" in card and 'class="oa-warning"' in card
    assert 'data-category="none"' in card and "Safety matter" in card
    plain = html.diagnosis_card(_diagnosis(warnings=[]))
    assert "oa-escalation" not in plain and "oa-warning" not in plain
    assert plain.count('class="oa-bar-row') == 4 and 'data-category="interpersonal"' in plain


def test_chat_summary_carries_questions_and_escalation():
    text = html.chat_summary(_diagnosis(escalation=Escalation(kind="threat", message="Call HR.")))
    assert text.startswith("**Safety matter")
    assert "- Is it two people?" in text and "Root cause: interpersonal" not in text


def test_rubric_table_colours_quotes_and_fixes():
    result = critique_plan(PLAN.replace("Improve", f"Improve {EVIL}"), against=PLAN)
    table = critique_view.rubric_table(result)
    assert table.count("<tr class=\"oa-row-") == 14
    assert "oa-status-fail" in table and "<script>" not in table
    assert 'class="oa-line">L' in table
    full = critique_view.critique_html(result)
    assert "Against your previous version" in full
    assert full.count("<li>") >= min(3, len(result.top_fixes))
    assert critique_view.score_band(80) == "good" and critique_view.score_band(10) == "weak"


def test_answer_text_drops_the_quoted_question():
    from assistant.ui.diagnose_tab import answer_text, follow_up_prompt

    prompt = follow_up_prompt("Is it two people?")
    assert prompt == "> Is it two people?\n"
    assert answer_text(prompt + "Yes, Dana and Lee.") == "Yes, Dana and Lee."
    assert answer_text("no quote here") == "no quote here"
    assert answer_text(prompt) == ""


def test_errors_become_readable_messages():
    from assistant.ui.common import as_gr_error, engine_arg

    error = as_gr_error(UnsupportedFileError("<b>x.exe</b>: unsupported file type"))
    assert error.title == "Cannot read that file" and "&lt;b&gt;" in error.message
    raw = as_gr_error(ForbiddenError("may not use workspace 'b'"), for_html=False)
    assert raw.message == "may not use workspace 'b'"
    unexpected = as_gr_error(RuntimeError("secret internals"))
    assert "secret" not in unexpected.message and "server log" in unexpected.message
    assert engine_arg("auto") is None and engine_arg("local") == "local"
    with pytest.raises(Exception, match="unknown engine"):
        engine_arg("gpt")


# --- handlers on the real pipeline ----------------------------------------------------------

def _turns(generator) -> list[list]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        steps = list(generator)
    return steps, [unescape(str(w.message)) for w in caught]  # toasts carry escaped HTML


def test_chat_turns_pass_the_history_and_store_feedback(indexed):
    from assistant import db
    from assistant.ui.diagnose_tab import respond, save_feedback

    login = KeyLogin(None)
    steps, _ = _turns(respond(login, "Things are not going well on the team and deadlines slip.",
                              [], [], {}, "default", "local", None))
    pending, final = steps
    assert pending[0][-1]["metadata"]["status"] == "pending"
    chat, box, history, answers, card, diagnosis_id = final[:6]
    assert box == "" and len(chat) == 2 and "oa-card" in card
    assert chat[-1].get("options"), "follow-up questions are offered as options"
    question = chat[-1]["options"][0]["value"]
    steps, _ = _turns(respond(login, f"> {question}\nYes, always Dana and Lee.", chat, history,
                              answers, "default", "local", None))
    chat2, _, history2, answers2, _, second = steps[-1][:6]
    assert len(chat2) == 4 and len(history2) == 4 and set(answers2) == {"1", "3"}
    assert history2[2] == {"role": "user", "content": "Yes, always Dana and Lee."}
    stored = db.get_diagnosis(second)
    assert stored["diagnosis_id"] == second

    line = save_feedback(login, None, second, -1, "  wrong category  ")
    assert "saved" in line
    rows = db.list_feedback()
    assert (rows[0]["target_id"], rows[0]["rating"], rows[0]["comment"]) == \
        (second, -1, "wrong category")


def test_empty_and_oversized_text_change_nothing(indexed, monkeypatch):
    from assistant.ui.diagnose_tab import respond

    login = KeyLogin(None)
    steps, said = _turns(respond(login, "   ", [], [], {}, "default", "auto", None))
    assert len(steps) == 1 and all(isinstance(v, type(gr.skip())) for v in steps[0])
    assert any("empty" in s for s in said)
    monkeypatch.setenv("ASSISTANT_MAX_TEXT_CHARS", "50")
    _reset()
    steps, said = _turns(respond(login, "x" * 80, [], [], {}, "default", "auto", None))
    assert len(steps) == 1 and any("limit is 50" in s for s in said)


def test_dead_llm_endpoint_falls_back_with_a_note(indexed, monkeypatch):
    from assistant.ui.diagnose_tab import respond

    monkeypatch.setenv("OPENAI_BASE_URL", f"http://127.0.0.1:{free_port()}/v1")
    monkeypatch.setenv("ASSISTANT_LLM_TIMEOUT", "2")
    _reset()
    steps, said = _turns(respond(KeyLogin(None), "Two leads keep fighting in every meeting.", [],
                                 [], {}, "default", "llm", None))
    card = steps[-1][4]
    assert "local-fallback" in card and "oa-warning" in card
    assert any("LLM engine failed" in s for s in said)


def test_forbidden_workspace_is_refused_before_anything_runs(indexed):
    from assistant.ui.diagnose_tab import respond, save_feedback

    login = KeyLogin(KEYS)
    login.bind_session("tok-a", "key-team-a-0123456")
    steps, said = _turns(respond(login, "Two leads keep fighting.", [], [], {}, "team-b", "auto",
                                 _request("tok-a")))
    assert len(steps) == 1 and any("may not use workspace 'team-b'" in s for s in said)
    from assistant.pipeline import diagnose

    other = diagnose("Two leads keep fighting.", workspace="team-b")
    with pytest.raises(NotFoundError):
        save_feedback(login, _request("tok-a"), other.diagnosis_id, 1, None)


def test_critique_upload_limits_and_revision(indexed, tmp_path, monkeypatch):
    from assistant.ui.critique_tab import read_upload, run_critique, write_download

    plan_file = tmp_path / "plan.md"
    plan_file.write_text(PLAN, encoding="utf-8")
    assert read_upload(str(plan_file)) == (PLAN, "plan.md")
    program = tmp_path / "x.exe"
    program.write_bytes(b"MZ")
    with pytest.raises(UnsupportedFileError, match="unsupported file type"):
        read_upload(str(program))
    monkeypatch.setenv("ASSISTANT_MAX_FILE_BYTES", "10")
    _reset()
    with pytest.raises(UnsupportedFileError, match="over the 10-byte limit"):
        read_upload(str(plan_file))
    monkeypatch.delenv("ASSISTANT_MAX_FILE_BYTES")
    _reset()
    login = KeyLogin(None)
    first = run_critique(login, None, PLAN, None, False, False, None, "default", "auto")
    assert first.against is None
    better = PLAN.replace("- New page, by August", "- New page: owner Ana Silva; GA by 29 Aug")
    second = run_critique(login, None, better, PLAN, True, True, "plan-v2.md", "team-x", "local")
    assert second.against is not None
    assert Path(write_download(second)).read_text(encoding="utf-8").startswith("# Plan critique")
    from assistant.retrieval.ingest import list_documents

    assert [d["source"] for d in list_documents("team-x")] == ["plan-v2.md"]
    monkeypatch.setenv("ASSISTANT_MAX_TEXT_CHARS", "20")
    _reset()
    with pytest.raises(TextTooLongError):
        run_critique(login, None, PLAN, None, False, False, None, "default", "auto")


def test_knowledge_ingest_list_delete_and_search(indexed, tmp_path):
    from assistant.retrieval.ingest import delete_document
    from assistant.ui.knowledge_tab import (
        document_choices,
        document_rows,
        ingest_files,
        report_markdown,
        table_html,
    )

    good = tmp_path / "okr-plan.md"
    good.write_text("# OKR plan\n\nOwner: Rosa. Onboarding drops to 7 days.\n", encoding="utf-8")
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"not a pdf")
    seen = []
    report = ingest_files([str(good), str(bad)], "kb-test", "plan",
                          lambda value, **kw: seen.append((value, kw["desc"])))
    assert [s[0] for s in seen] == [(0, 2), (1, 2)]
    text = report_markdown(report, "kb-test")
    assert "`okr-plan.md`" in text and "**broken.pdf** skipped" in text
    rows = document_rows("kb-test")
    assert [r[0] for r in rows] == ["okr-plan.md"] and rows[0][3] == 1
    assert "okr-plan.md" in table_html(rows) and "<td>" in table_html(rows)
    (label, doc_id), = document_choices(rows)
    assert label == "okr-plan.md (1 chunks)"
    assert delete_document(doc_id, "kb-test") == 1
    assert document_rows("kb-test") == []
    assert "Nothing indexed" in table_html([])


def test_evals_view_and_comparison(indexed, tmp_path):
    from assistant.cases import load_scenarios
    from assistant.ui import evals_tab

    cases = tmp_path / "few.jsonl"
    cases.write_text("\n".join(json.dumps(c.model_dump()) for c in load_scenarios("dev")[:4]),
                     encoding="utf-8")
    assert evals_tab.past_runs() == []
    first = evals_tab.run_suite("diagnosis", "dev", str(cases), "local")
    second = evals_tab.run_suite("retrieval", "test", None, "auto")
    assert evals_tab.run_choices()[:2] in ([second.name, first.name], [first.name, second.name])
    summary, confusion, reliability, misses, compared, full = evals_tab.view_run(first)
    assert "Accuracy" in summary and "95% CI" in summary
    assert confusion["visible"] and Path(confusion["value"]).is_file()
    assert not str(confusion["value"]).startswith(str(indexed)), "plots are served from temp"
    assert "Misses (" in misses and "# Eval run" in full
    summary2, confusion2, _, _, compared2, _ = evals_tab.view_run(second)
    assert "hit@3" in summary2 and confusion2["visible"] is False
    # a retrieval run is not compared with a diagnosis run (every column would be empty)
    assert compared2.startswith("No earlier run") and evals_tab.previous_run(second) is None
    third = evals_tab.run_suite("retrieval", "test", None, "auto")
    assert evals_tab.previous_run(third) == second
    assert evals_tab.view_run(third)[4].startswith(f"A = {second.name}")
    safety_cases = tmp_path / "safety.jsonl"
    safety_cases.write_text("\n".join(json.dumps(c) for c in [
        {"id": "s1", "text": "He said he would hurt her if she paged him again at night.", "escalation": True,
         "kind": "violence"},
        {"id": "s2", "text": "The launch was a bloodbath and the two leads still argue about scope.",
         "escalation": True, "kind": "violence"}]), encoding="utf-8")
    summary3, _, _, misses3, *_ = evals_tab.view_run(evals_tab.run_suite("safety", "test", str(safety_cases), "local"))
    assert "Escalations caught" in summary3 and "0.5" in summary3  # one caught, one (mislabelled) missed
    assert "s2" in misses3 and "no escalation" in misses3


# --- the Blocks, its API surface and its mounting ---------------------------------------------

@pytest.fixture(scope="module")
def blocks_open():
    from assistant.ui import build_ui

    return build_ui(KeyLogin(None))


def test_only_the_documented_endpoints_are_public(blocks_open):
    info = blocks_open.get_api_info(all_endpoints=True)
    assert set(info["named_endpoints"]) == {"/diagnose", "/critique", "/search"}
    visibility = {fn.api_visibility for fn in blocks_open.fns.values()
                  if fn.api_name not in ("diagnose", "critique", "search")}
    assert visibility == {"private"}


def test_no_llm_engine_is_offered_without_an_llm_and_evals_open_on_diagnosis(blocks_open):
    radios = {c.elem_id: c for c in blocks_open.blocks.values() if getattr(c, "elem_id", None)}
    assert [value for value, _ in radios["oa-engine"].choices] == ["auto", "local"]
    assert radios["oa-ev-suite"].value == "diagnosis"


def test_open_access_offers_every_existing_workspace():
    from assistant.retrieval.ingest import ingest_text

    ingest_text("# Plan\n- Goal: cut churn to 3% by Q3", source="p.md", title="P", workspace="team-zeta")
    choices, default, custom = access.workspace_choices(KeyLogin(None).principal(_request()))
    assert "team-zeta" in choices and "default" in choices and default == "default" and custom


def test_launch_options_keep_everything_local():
    from assistant.ui import launch_kwargs

    options = launch_kwargs()
    assert options["footer_links"] == ["api"] and options["run_history"] is False
    assert "fonts.googleapis" not in json.dumps(options["theme"].to_dict())
    assert "show_error" not in launch_kwargs(mounted=True)


def test_mount_in_fastapi_with_the_key_login(tmp_path, monkeypatch):
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from assistant.ui import auth_callable, build_ui, launch_kwargs

    keys = tmp_path / "keys.json"
    keys.write_text(json.dumps({k: sorted(v) for k, v in KEYS.items()}), encoding="utf-8")
    monkeypatch.setenv("ASSISTANT_API_KEYS_FILE", str(keys))
    _reset()
    app = FastAPI()

    @app.get("/v1/ping")
    def ping() -> dict:
        return {"ok": True}

    blocks = build_ui()
    assert auth_callable(blocks) is blocks.key_login
    gr.mount_gradio_app(app, blocks, path="/", auth=auth_callable(blocks),
                        **launch_kwargs(mounted=True))
    with TestClient(app) as client:
        assert client.get("/v1/ping").json() == {"ok": True}
        assert client.get("/config").status_code == 401
        assert client.get("/gradio_api/info").status_code == 401
        assert client.post("/gradio_api/call/diagnose", json={"data": ["x"]}).status_code == 401
        assert client.post("/login", data={"username": "sam", "password": "nope-nope"}
                           ).status_code == 400
        assert client.post("/login", data={"username": "sam", "password": "key-team-a-0123456"}
                           ).status_code == 200
        assert client.get("/config").status_code == 200
        assert client.get("/gradio_api/info").status_code == 200
    assert auth_callable(build_ui(KeyLogin(None))) is None


def test_app_refuses_a_public_bind_without_keys():
    env = {**os.environ, "GRADIO_SERVER_NAME": "0.0.0.0", "GRADIO_SERVER_PORT": str(free_port())}
    env.pop("ASSISTANT_API_KEYS_FILE", None)
    done = subprocess.run([sys.executable, "app.py"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 2
    assert "refusing to listen on 0.0.0.0" in done.stderr
    bad_port = subprocess.run([sys.executable, "app.py"], cwd=ROOT, capture_output=True,
                              text=True, timeout=60,
                              env={**os.environ, "GRADIO_SERVER_PORT": "eighty"})
    assert bad_port.returncode == 2 and "GRADIO_SERVER_PORT" in bad_port.stderr


def test_eval_runs_of_uploaded_cases_belong_to_their_key(indexed, tmp_path):
    from assistant.auth import Principal
    from assistant.cases import load_scenarios
    from assistant.errors import NotFoundError, RateLimited
    from assistant.ui import evals_tab

    team_a, team_b = Principal("key-a", frozenset({"a"})), Principal("key-b", frozenset({"b"}))
    cases = tmp_path / "ours.jsonl"
    cases.write_text("\n".join(json.dumps(c.model_dump()) for c in load_scenarios("dev")[:3]),
                     encoding="utf-8")
    private = evals_tab.run_suite("diagnosis", "dev", str(cases), "local", team_a)
    shared = evals_tab.run_suite("retrieval", "test", None, "local", team_a)
    assert {private.name, shared.name} <= set(evals_tab.run_choices(team_a))
    assert shared.name in evals_tab.run_choices(team_b)
    assert private.name not in evals_tab.run_choices(team_b)
    with pytest.raises(NotFoundError):
        evals_tab.run_folder(private.name, team_b)
    assert evals_tab.run_folder(private.name, team_a) == private
    with pytest.raises(NotFoundError):
        evals_tab.run_folder("../" + private.name, team_b)

    quota = evals_tab.RunQuota(per_hour=2)
    # one run at a time per key
    with quota.slot("key-a"), pytest.raises(RateLimited), quota.slot("key-a"):
        pass
    with quota.slot("key-b"):
        pass
    with quota.slot("key-a"):  # the second of two an hour
        pass
    with pytest.raises(RateLimited, match="an hour"), quota.slot("key-a"):
        pass
