"""Ingest into a real on-disk Chroma store: idempotence, replacement, workspaces, file types,
bad files, the single-writer lock."""

from __future__ import annotations

import zipfile

import pytest

from assistant.errors import StoreError, UserError
from assistant.retrieval.ingest import delete_document, ingest_paths, ingest_text, list_documents
from assistant.retrieval.search import search
from assistant.retrieval.store import get_store
from tests.files import write_docx, write_pdf

PLAN = """# Q3 operating plan

## Priorities
1. Cut checkout latency below 300 ms (owner: Priya Nair)
2. Launch the partner API for logistics customers (owner: Tom Berg)

## Risks
If the payments vendor slips past August we move the launch to October.
"""


def test_reingest_is_idempotent_and_change_replaces(tmp_path):
    plan = tmp_path / "q3.md"
    plan.write_text(PLAN)
    first = ingest_paths([plan], workspace="team-a")
    count = get_store().count()
    assert first.added > 0 and not first.errors
    again = ingest_paths([plan], workspace="team-a")
    assert again.added == 0 and again.unchanged == first.added
    assert get_store().count() == count

    plan.write_text(PLAN.replace("300 ms", "250 ms") + "\n## Extra\nA new section about hiring.\n")
    changed = ingest_paths([plan], workspace="team-a")
    assert changed.added >= 1 and changed.removed >= 1
    texts = get_store().get(where={"workspace": "team-a"}, include=["documents"])["documents"]
    assert any("250 ms" in t for t in texts)
    assert not any("300 ms" in t for t in texts)
    assert len(list_documents("team-a")) == 1


def test_workspace_isolation():
    ingest_text("Zanzibar migration plan: move billing to the new ledger by May.", source="zb.md",
                workspace="team-a")
    hits_b = search("Zanzibar billing ledger migration", workspace="team-b", k=10)
    assert all(h.workspace != "team-a" for h in hits_b)
    hits_a = search("Zanzibar billing ledger migration", workspace="team-a", k=10)
    assert hits_a[0].workspace == "team-a" and hits_a[0].kind == "plan"
    assert list_documents("team-b") == []
    doc_id = list_documents("team-a")[0]["doc_id"]
    with pytest.raises(UserError):
        delete_document(doc_id, "team-b")
    assert delete_document(doc_id, "team-a") >= 1
    assert list_documents("team-a") == []


def test_same_paragraph_in_two_workspaces_is_two_chunks():
    ingest_text("A shared paragraph about quarterly planning.", source="p.md", workspace="team-a")
    ingest_text("A shared paragraph about quarterly planning.", source="p.md", workspace="team-b")
    ids_a = get_store().get(where={"workspace": "team-a"}, include=[])["ids"]
    ids_b = get_store().get(where={"workspace": "team-b"}, include=[])["ids"]
    assert ids_a and ids_b and not set(ids_a) & set(ids_b)


def test_pdf_and_docx_plans(tmp_path):
    pdf = write_pdf(tmp_path / "brief.pdf", ["Strategy brief for Orion payments",
                                            "We will win mid-market retailers in Iberia."])
    docx = write_docx(tmp_path / "okrs.docx", "Helios OKRs",
                      ["O1: Merchants activate within a week", "KR1: activation from 20% to 35% by June"])
    report = ingest_paths([pdf, docx], workspace="team-a")
    assert not report.errors and len(report.documents) == 2
    assert search("Orion mid-market retailers Iberia", workspace="team-a")[0].source == "brief.pdf"
    top = search("Helios merchant activation", workspace="team-a")[0]
    assert top.source == "okrs.docx" and "activation" in top.snippet


def test_bad_files_are_reported_by_name_and_the_rest_ingests(tmp_path):
    good = tmp_path / "good.md"
    good.write_text(PLAN)
    binary = tmp_path / "binary.md"
    binary.write_bytes(b"\x00\x01\x02PK\x03\x04" * 50)
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Caf\xe9 r\xe9sum\xe9 plan".encode("latin-1"))
    fake_pdf = tmp_path / "fake.pdf"
    fake_pdf.write_text("not a pdf")
    fake_docx = tmp_path / "fake.docx"
    fake_docx.write_text("not a zip")
    exe = tmp_path / "tool.exe"
    exe.write_bytes(b"MZ")
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"0" * 60_000_000)
    before = ingest_paths([good], workspace="team-a")
    count = get_store().count()
    report = ingest_paths([good, binary, empty, latin, fake_pdf, fake_docx, exe, bomb,
                           tmp_path / "missing.md"], workspace="team-a")
    failed = {e["file"].rsplit("/", 1)[-1]: e["error"] for e in report.errors}
    assert set(failed) == {"binary.md", "empty.txt", "latin.txt", "fake.pdf", "fake.docx",
                           "tool.exe", "bomb.docx", "missing.md"}
    assert "UTF-8" in failed["latin.txt"] and "zip bomb" in failed["bomb.docx"]
    assert report.unchanged == before.added
    assert get_store().count() == count


def test_oversized_file_is_refused(tmp_path, monkeypatch):
    from assistant.config import reset_settings

    monkeypatch.setenv("ASSISTANT_MAX_FILE_BYTES", "100")
    reset_settings()
    big = tmp_path / "big.md"
    big.write_text("x " * 500)
    report = ingest_paths([big])
    assert "limit" in report.errors[0]["error"]


def test_second_writer_gets_a_clear_message():
    import subprocess
    import sys
    import time

    store = get_store()
    lock = store.settings.chroma_dir / ".writer.lock"
    holder = subprocess.Popen([sys.executable, "-c", (
        "import fcntl, sys, time\n"
        f"h = open({str(lock)!r}, 'w'); fcntl.flock(h, fcntl.LOCK_EX); print('locked', flush=True); time.sleep(30)"
    )], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(StoreError, match="another process is writing"):
            ingest_text("plan text", source="x.md", workspace="team-a")
    finally:
        holder.kill()
        holder.wait()
    time.sleep(0.1)
    assert ingest_text("plan text", source="x.md", workspace="team-a").added >= 1


def test_bad_workspace_name():
    with pytest.raises(UserError, match="invalid workspace"):
        ingest_text("plan", source="x.md", workspace="Team A!")


@pytest.mark.parametrize("kind", ["pdf", "docx"])
@pytest.mark.parametrize("cut", [0.3, 0.6, 0.9])
def test_truncated_documents_fail_cleanly(tmp_path, kind, cut):
    good = write_pdf(tmp_path / "g.pdf", ["A plan line"]) if kind == "pdf" else write_docx(
        tmp_path / "g.docx", "Plan", ["A plan line"])
    data = good.read_bytes()
    broken = tmp_path / f"broken.{kind}"
    broken.write_bytes(data[: int(len(data) * cut)])
    ok = tmp_path / "ok.md"
    ok.write_text("# OK plan\nOwner: Ana. Ship by May.")
    report = ingest_paths([broken, ok], workspace="team-a")
    sources = [d["source"] for d in report.documents]
    assert "ok.md" in sources
    if report.errors:  # a clear per-file error, and the rest of the batch still ingests
        assert sources == ["ok.md"] and report.errors[0]["file"].endswith(f"broken.{kind}")
        assert "Traceback" not in report.errors[0]["error"]
    else:  # a PDF cut late may still yield its text
        assert kind == "pdf" and sorted(sources) == ["broken.pdf", "ok.md"]
