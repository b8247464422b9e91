"""Search over the shipped SOPs, through the API function and the real CLI."""

from __future__ import annotations

import json

from tests.conftest import run_cli


def test_cli_ingest_then_search_interpersonal_first(tmp_path):
    env = {"ASSISTANT_DATA_DIR": str(tmp_path / "cli-data")}
    ingest = run_cli("ingest", "knowledge", env=env)
    assert ingest.returncode == 0, ingest.stderr
    assert "chunks added" in ingest.stdout
    result = run_cli("search", "two managers refuse to cooperate", "--json", env=env)
    assert result.returncode == 0, result.stderr
    hits = json.loads(result.stdout)
    assert hits[0]["sop_id"] == "interpersonal-root-causes"
    expected = {"chunk_id", "source", "title", "section", "kind", "sop_id", "step_id", "categories",
                "score", "snippet"}
    assert expected <= set(hits[0])
    assert all(0.0 <= h["score"] <= 1.0 for h in hits)
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)
    text = run_cli("search", "weekly rhythm and ruthless prioritisation", "--k", "3", env=env)
    assert text.returncode == 0 and text.stdout.count("\n1. ") + text.stdout.startswith("1. ") == 1


def test_search_errors(indexed):
    import pytest

    from assistant.errors import UserError
    from assistant.retrieval.search import search

    with pytest.raises(UserError):
        search("   ")
    with pytest.raises(UserError):
        search("x", k=0)
    assert run_cli("search", "x", "--workspace", "NOT OK").returncode == 2


def test_a_hit_never_repeats_its_document_title_in_the_section(indexed):
    from assistant.retrieval.ingest import ingest_text
    from assistant.retrieval.search import search

    plan = ("# Q3 Plan\n\n## Key initiatives\nMigrate billing to the new ledger; owner Dana.\n\n"
            "## Risks\nThe ledger vendor may slip its API release.\n")
    ingest_text(plan, source="q3-plan.md", title="Q3 Plan", workspace="titles")
    hits = [h for h in search("billing ledger migration owner", "titles", 5) if h.source == "q3-plan.md"]
    assert hits
    for hit in hits:
        assert hit.title == "Q3 Plan"
        assert not (hit.section or "").lower().startswith("q3 plan")
