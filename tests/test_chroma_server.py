"""The Chroma server path: a real `chroma run` on 127.0.0.1, ingest and query through it."""

from __future__ import annotations

import subprocess
import time

import httpx
import pytest

from tests.conftest import _reset, chroma_binary, free_port

pytestmark = pytest.mark.server


@pytest.fixture
def chroma_server(tmp_path):
    binary = chroma_binary()
    assert binary, "the chroma CLI ships with chromadb and must be on PATH"
    port = free_port()
    proc = subprocess.Popen(
        [binary, "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("chroma run did not answer its heartbeat in 30 s")
    yield port
    proc.terminate()
    proc.wait(10)


def test_ingest_and_search_through_a_chroma_server(chroma_server, monkeypatch, tmp_path):
    monkeypatch.setenv("ASSISTANT_CHROMA_HOST", "127.0.0.1")
    monkeypatch.setenv("ASSISTANT_CHROMA_PORT", str(chroma_server))
    _reset()
    from assistant.retrieval.ingest import ensure_framework_indexed, ingest_text
    from assistant.retrieval.search import search
    from assistant.retrieval.store import get_store

    store = get_store()
    assert not store.embedded
    ensure_framework_indexed(store)
    ingest_text("Kestrel plan: the data team owns the warehouse migration.", source="k.md",
                workspace="team-a")
    assert search("two managers refuse to cooperate")[0].sop_id == "interpersonal-root-causes"
    assert search("Kestrel warehouse migration", workspace="team-a")[0].source == "k.md"
    assert all(h.workspace != "team-a" for h in search("Kestrel warehouse", workspace="team-b", k=10))
    # nothing was written to the embedded directory
    assert not (tmp_path / "data" / "chroma").exists()
