"""The team's own plans inform the diagnosis (plan_evidence): exact quotes with their line
numbers, the readable output of every face, pasted plans, and isolation between workspaces."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import httpx
import pytest

from assistant.plan_evidence import PlanDoc, evidence, findings, split_pasted_plan
from tests.conftest import ROOT, run_cli, start_serve, stop

PLAN = """# Q3 plan, platform group

## Priorities (all P0)
- Launch the mobile app - P0
- Rebuild billing - P0
- Enter the EU market - P0
- SOC2 audit - P0
- New onboarding flow - P0
- AI assistant beta - P0
- Partner API - P0
- Data warehouse migration - P0
- Pricing experiment - P0

## Notes
Everything above is committed for the quarter.
"""
PLAN_LINES = [ln.strip() for ln in PLAN.split("\n")]
QUESTION = "Why do we keep missing our quarterly goals? Every team is busy and nothing lands."
KEY_A, KEY_B = "plan-key-a-0123456789", "plan-key-b-0123456789"


def _plans_of(path: Path) -> list[str]:
    return [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_every_quote_is_the_exact_line_it_names():
    """Over every real plan and every plan of the description + plan pairs."""
    texts = _plans_of(ROOT / "evals" / "plans_real" / "plans.jsonl")
    pairs = ROOT / "evals" / "plan_pairs" / "pairs.jsonl"
    if pairs.exists():
        texts += [json.loads(line)["plan"] for line in pairs.read_text(encoding="utf-8").splitlines() if line.strip()]
    quoted = 0
    for text in texts:
        lines = text.split("\n")
        for item in evidence([PlanDoc("plan.md", "plan.md", text)]):
            first, last = item.lines
            assert 1 <= first <= last <= len(lines)
            assert item.quote == lines[first - 1].strip() and item.quote
            quoted += 1
    assert quoted > len(texts)  # most plans give several findings with lines


def test_findings_are_cached_by_content(monkeypatch):
    import assistant.critique.engine as engine

    calls = []
    real = engine._analyse
    monkeypatch.setattr(engine, "_analyse", lambda *a, **k: calls.append(1) or real(*a, **k))
    text = PLAN + "\n<!-- cache probe -->\n"
    assert findings(text) == findings(text)
    assert len(calls) == 1
    assert findings(text + " ") is not None and len(calls) == 2


def test_a_plan_pasted_after_a_lead_in_is_split_from_the_question():
    message = f"{QUESTION}\nHere is our plan for the quarter:\n{PLAN}"
    description, plan = split_pasted_plan(message)
    assert description == f"{QUESTION}"
    assert plan is not None and plan.source is None and "Rebuild billing" in plan.text
    assert "Rebuild billing" not in description


def test_ordinary_descriptions_are_never_taken_for_plans():
    """No description of the written or real-world sets carries a pasted plan (bullets included)."""
    texts = [json.loads(line)["text"] for path in [ROOT / "evals" / "real" / "descriptions.jsonl",
                                                   *sorted((ROOT / "evals" / "scenarios").glob("*.jsonl"))]
             for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(texts) > 2000
    assert [t[:60] for t in texts if split_pasted_plan(t)[1] is not None] == []


def test_a_stored_plan_is_quoted_in_its_own_workspace_only(indexed):
    from assistant.pipeline import diagnose
    from assistant.retrieval.ingest import delete_document, ingest_text

    report = ingest_text(PLAN, source="q3-plan.md", workspace="plans-a", kind="plan")
    try:
        mine = diagnose(QUESTION, workspace="plans-a", store=False)
        other = diagnose(QUESTION, workspace="plans-b", store=False)
        # a description that already leans the way the plan's findings point
        leaning = diagnose(QUESTION.rstrip(".") + ", and every project is called top priority.",
                           workspace="plans-a", store=False)
    finally:
        delete_document(report.documents[0]["doc_id"], "plans-a")
    assert mine.plan_evidence and other.plan_evidence == []
    for item in mine.plan_evidence + leaning.plan_evidence:
        assert item.document == "q3-plan" and item.source == "q3-plan.md"
        assert item.quote == PLAN_LINES[item.lines[0] - 1]
    for result in (mine, leaning):  # findings bear on the causes still in play
        in_play = set(result.prediction_set) or set(dict(result.scores.ranked()[:2]))
        assert {item.category for item in result.plan_evidence} <= in_play
    assert "q3-plan" in mine.rationale and "q3-plan" not in other.rationale
    assert leaning.category in {i.category for i in leaning.plan_evidence if i.direction == "for"}
    assert any(s.plan_evidence for s in leaning.steps)  # a step points at the lines it would change


def test_a_pasted_plan_is_used_for_the_conversation_and_never_stored(tmp_path):
    from assistant import db
    from assistant.pipeline import diagnose

    message = f"{QUESTION}\nHere is our plan:\n{PLAN}"
    result = diagnose(message, workspace="pasted", store=False)
    assert result.plan_evidence
    assert {i.document for i in result.plan_evidence} == {"the plan pasted in this conversation"}
    assert all(i.source is None for i in result.plan_evidence)
    assert db.plan_documents("pasted") == []
    # later turns of the same conversation still read it
    later = diagnose("It happened again this month.", history=[{"role": "user", "content": message}],
                     workspace="pasted", store=False)
    assert later.plan_evidence


def test_the_cli_shows_the_plan_lines(indexed, tmp_path):
    data = tmp_path / "cli-data"
    shutil.copytree(indexed, data)
    env = {"ASSISTANT_DATA_DIR": str(data)}
    plan_file = tmp_path / "q3-plan.md"
    plan_file.write_text(PLAN, encoding="utf-8")
    added = run_cli("ingest", str(plan_file), "--workspace", "cli-a", "--kind", "plan", env=env)
    assert added.returncode == 0, added.stderr
    shown = run_cli("diagnose", QUESTION, "--workspace", "cli-a", env=env)
    assert shown.returncode == 0, shown.stderr
    assert "From your plans:" in shown.stdout
    assert any(f'"{line}"' in shown.stdout for line in PLAN_LINES if line)
    elsewhere = run_cli("diagnose", QUESTION, "--workspace", "cli-b", env=env)
    assert "From your plans" not in elsewhere.stdout and "Rebuild billing" not in elsewhere.stdout


@pytest.fixture(scope="module")
def api(tmp_path_factory, shared_data_dir):
    data = tmp_path_factory.mktemp("plan-data")
    shutil.copytree(shared_data_dir, data, dirs_exist_ok=True)
    keys = data / "keys.json"
    keys.write_text(json.dumps({KEY_A: ["team-a"], KEY_B: ["team-b"]}))
    proc, url = start_serve({"ASSISTANT_DATA_DIR": str(data), "ASSISTANT_API_KEYS_FILE": str(keys),
                             "ASSISTANT_RATE_LIMIT": "100000"}, "--no-ui")
    a = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {KEY_A}"}, timeout=60)
    b = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {KEY_B}"}, timeout=60)
    yield a, b
    stop(proc)


@pytest.mark.server
def test_api_and_openai_reply_quote_the_plan_for_its_workspace_only(api):
    a, b = api
    added = a.post("/v1/documents", json={"text": PLAN, "title": "q3-plan", "workspace": "team-a"})
    assert added.status_code == 201, added.text
    mine = a.post("/v1/diagnose", json={"text": QUESTION, "workspace": "team-a"}).json()
    assert mine["plan_evidence"] and all(e["quote"] in PLAN_LINES for e in mine["plan_evidence"])
    chat = a.post("/v1/chat/completions", json={"model": "assistant", "workspace": "team-a",
                                                 "messages": [{"role": "user", "content": QUESTION}]}).json()
    content = chat["choices"][0]["message"]["content"]
    assert "From your plans" in content and mine["plan_evidence"][0]["quote"] in content

    theirs = b.post("/v1/diagnose", json={"text": QUESTION, "workspace": "team-b"}).json()
    assert theirs["plan_evidence"] == []
    their_chat = b.post("/v1/chat/completions", json={"model": "assistant", "workspace": "team-b",
                                                       "messages": [{"role": "user", "content": QUESTION}]})
    for text in (json.dumps(theirs), their_chat.text):
        assert "Rebuild billing" not in text and "q3-plan" not in text
    assert b.post("/v1/diagnose", json={"text": QUESTION, "workspace": "team-a"}).status_code == 403


def test_mcp_diagnose_reads_the_asking_workspace_only(indexed, tmp_path):
    import asyncio

    from mcp import ClientSession, StdioServerParameters, stdio_client

    data = tmp_path / "mcp-data"
    shutil.copytree(indexed, data)
    params = StdioServerParameters(command=sys.executable, args=["-m", "assistant.mcp_server"],
                                   env={**os.environ, "ASSISTANT_DATA_DIR": str(data)}, cwd=ROOT)

    async def scenario() -> tuple[dict, dict, str]:
        async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            await session.call_tool("add_plan", {"text": PLAN, "title": "q3-plan", "workspace": "team-a"})
            mine = await session.call_tool("diagnose", {"text": QUESTION, "workspace": "team-a"})
            theirs = await session.call_tool("diagnose", {"text": QUESTION, "workspace": "team-b"})
            text = "".join(getattr(c, "text", "") for c in mine.content)
            return mine.structured_content, theirs.structured_content, text

    mine, theirs, text = asyncio.run(asyncio.wait_for(scenario(), 180))
    assert mine["plan_evidence"] and "From your plan" in text
    assert theirs["plan_evidence"] == [] and "Rebuild billing" not in json.dumps(theirs)


def test_the_ui_panel_quotes_the_plan_and_escapes_it(indexed):
    from assistant.pipeline import diagnose
    from assistant.retrieval.ingest import delete_document, ingest_text
    from assistant.ui.html import chat_summary, diagnosis_card

    hostile = PLAN.replace("Rebuild billing", "Rebuild <script>alert(1)</script> billing")
    report = ingest_text(hostile, source="q3-plan.md", workspace="ui-a", kind="plan")
    try:
        result = diagnose(QUESTION, workspace="ui-a", store=False)
    finally:
        delete_document(report.documents[0]["doc_id"], "ui-a")
    card = diagnosis_card(result)
    assert 'id="oa-plans"' in card and "From your plans" in card and "<script>" not in card
    assert "q3-plan" in card and "Critique a plan" in card
    assert "From your plans" in chat_summary(result)


# With the plan cause model (weight chosen on dev), on the holdout: 0.50 without the plan; 0.72
# with the first model (+0.22), then 0.62 (+0.12, paired 95% CI 0.04-0.22) once its reading was
# centred on real plans, names left out and its weight cut so an unrelated real plan barely
# moves a real diagnosis (tests/test_plan_cause.py). Ratchet less a noise margin of ~2 pairs;
# issue #17's target is +0.05.
PAIRS_WITH_PLAN_MIN = 0.58
PAIRS_GAIN_MIN = 0.05


def test_plans_raise_accuracy_on_the_held_out_pairs(indexed):
    """evals/plan_pairs/ holdout (50 description + plan pairs, labelled twice blind): the answer
    with the plan is right more often than without it, by at least the issue's +0.05."""
    from assistant.engines.base import DiagnoseRequest, get_engine

    rows = [json.loads(line) for line in (ROOT / "evals" / "plan_pairs" / "pairs.jsonl").read_text().splitlines()
            if line.strip()]
    holdout = [r for r in rows if r["split"] == "holdout"]
    assert len(holdout) >= 50 and len(rows) >= 100
    engine = get_engine("local")
    right = {"with": 0, "without": 0}
    for r in holdout:
        ok = {r["label"], *r["accept"]}
        plan = PlanDoc(r["plan_title"], r["plan_title"], r["plan"])
        right["without"] += engine.diagnose(DiagnoseRequest(text=r["description"])).category in ok
        right["with"] += engine.diagnose(DiagnoseRequest(text=r["description"], plans=[plan])).category in ok
    assert right["with"] / len(holdout) >= PAIRS_WITH_PLAN_MIN, right
    assert (right["with"] - right["without"]) / len(holdout) >= PAIRS_GAIN_MIN, right
