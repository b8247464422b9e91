"""Stored diagnoses and critiques, feedback and its export, purge and reindex: each on SQLite
and on a real PostgreSQL server."""

from __future__ import annotations

import json
import shutil

import pytest

from assistant import db
from assistant.errors import NotFoundError, UserError
from assistant.pipeline import critique, diagnose
from assistant.retrieval.ingest import ingest_text, list_documents, purge_workspace, reindex
from assistant.retrieval.search import search
from assistant.retrieval.store import get_store
from tests.conftest import DATABASES, _reset, run_cli

pytestmark = [pytest.mark.parametrize("database", DATABASES, indirect=True),
              pytest.mark.usefixtures("database")]
PAIR = "Since Ana and Rob fell out they refuse to talk, and every release between their teams stalls."


@pytest.fixture(autouse=True)
def sop_index(data_dir, shared_data_dir):
    """Start from a copy of the session's SOP index (indexing the SOPs again costs seconds a
    test); the database, SQLite or PostgreSQL, is still this test's own and empty."""
    shutil.copytree(shared_data_dir / "chroma", data_dir / "chroma")
    _reset()
    # only the SOPs: other tests of the session may have left plans in the shared index
    store = get_store()
    with store.writer():
        for workspace in store.workspaces():
            store.drop_workspace(workspace)
    _reset()


def test_diagnosis_is_stored_and_fetchable_per_workspace():
    d = diagnose(PAIR, workspace="team-a")
    assert db.get_diagnosis(d.diagnosis_id)["category"] == d.category
    assert db.get_diagnosis(d.diagnosis_id, {"team-a"})["diagnosis_id"] == d.diagnosis_id
    with pytest.raises(NotFoundError):
        db.get_diagnosis(d.diagnosis_id, {"team-b"})
    with pytest.raises(NotFoundError):
        db.get_diagnosis("00000000-0000-0000-0000-000000000000")


def test_feedback_and_export_as_eval_cases(tmp_path):
    up = diagnose(PAIR)
    down = diagnose("Our OKRs are a mess and nobody agrees on what matters this quarter.")
    db.record_feedback(diagnosis_id=up.diagnosis_id, rating=1)
    db.record_feedback(diagnosis_id=down.diagnosis_id, rating=-1, comment="it was culture")
    with pytest.raises(UserError):
        db.record_feedback(diagnosis_id=up.diagnosis_id, rating=5)
    with pytest.raises(UserError):
        db.record_feedback(rating=1)
    rows = db.export_feedback()
    assert [r["label"] for r in rows] == [up.category, None]
    assert rows[1]["needs_label"] is True and rows[1]["comment"] == "it was culture"
    out = tmp_path / "fb.jsonl"
    assert run_cli("feedback", "export", "--out", str(out)).returncode == 0
    up_only = tmp_path / "up.jsonl"
    up_only.write_text(out.read_text().splitlines()[0] + "\n")
    result = run_cli("eval", "--suite", "diagnosis", "--cases", str(up_only), "--out", str(tmp_path / "r"), "--quiet")
    assert result.returncode == 0, result.stderr
    assert json.loads((tmp_path / "r" / "results.json").read_text())["suites"]["diagnosis"]["n"] == 1


def test_critique_is_stored_and_feedback_on_it():
    plan = "# Plan\n## Priorities\n1. Activation from 20% to 30% by June (owner: Ana)\n2. Churn below 2% by May (owner: Rob)\n"
    c = critique(plan, workspace="team-a")
    assert db.get_critique(c.critique_id, {"team-a"})["score"] == c.score
    assert db.record_feedback(critique_id=c.critique_id, rating=1) > 0
    for empty in ({"diagnosis_id": ""}, {"diagnosis_id": "", "critique_id": ""}, {}):
        with pytest.raises(UserError, match="exactly one"):
            db.record_feedback(rating=1, **empty)


def test_purge_and_reindex():
    ingest_text("Falcon plan: migrate billing by June.", source="falcon.md", workspace="team-a")
    ingest_text("Osprey plan: new onboarding by May.", source="osprey.md", workspace="team-b")
    diagnose(PAIR, workspace="team-a")
    before = get_store().count()
    report = reindex()
    assert not report.errors and get_store().count() == before
    assert search("Falcon billing migration", workspace="team-a")[0].source == "falcon.md"
    counts = purge_workspace("team-a")
    assert counts["chunks"] >= 1 and counts["diagnoses"] == 1 and counts["documents"] == 1
    assert list_documents("team-a") == [] and list_documents("team-b")
    assert run_cli("data", "purge", "--workspace", "team-b").returncode == 0
    assert list_documents("team-b") == []
