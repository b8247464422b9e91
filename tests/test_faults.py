"""Faults: the process killed mid-ingest, two writer processes at once."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time

from tests.conftest import ROOT


def _plans(folder, n):
    folder.mkdir()
    for i in range(n):
        body = "\n\n".join(
            f"## Section {j}\nPlan {i} part {j}: the squad owns billing milestone {j} by week {j + i % 7}. "
            + "Details about dependencies, owners and risks. " * 12 for j in range(3))
        (folder / f"plan-{i:03d}.md").write_text(f"# Plan {i}\n\n{body}\n")
    return folder


def _expected_ids(folder, workspace):
    from assistant.retrieval.ingest import _title_of, build_chunks

    ids = {}
    for path in sorted(folder.glob("*.md")):
        text = path.read_text()
        for c in build_chunks(text, source=path.name, title=_title_of(text, path), kind="plan",
                              workspace=workspace, markdown=True):
            ids[c.id] = hashlib.sha256(c.text.encode()).hexdigest()
    return ids


def test_sigkill_mid_ingest_then_rerun_completes(tmp_path, data_dir):
    folder = _plans(tmp_path / "plans", 200)
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(data_dir)}
    cmd = [sys.executable, "-m", "assistant", "ingest", str(folder), "--workspace", "crash"]
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    import sqlite3

    db_file = data_dir / "chroma" / "chroma.sqlite3"
    deadline = time.time() + 120
    written = 0
    while time.time() < deadline and proc.poll() is None and written == 0:
        time.sleep(0.2)
        if db_file.exists():
            try:  # a plain read of the store's own table: how many chunks have landed so far
                with sqlite3.connect(f"file:{db_file}?mode=ro", uri=True, timeout=1) as conn:
                    written = conn.execute("select count(*) from embeddings").fetchone()[0]
            except sqlite3.Error:
                written = 0
    assert proc.poll() is None, "ingest finished before it could be killed; make the batch larger"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert written > 0, "nothing was written before the kill"

    rerun = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    from assistant.retrieval.store import get_store

    got = get_store().get(where={"workspace": "crash"}, include=["documents"])
    expected = _expected_ids(folder, "crash")
    assert len(got["ids"]) == len(set(got["ids"])) == len(expected)
    assert {i: hashlib.sha256(t.encode()).hexdigest() for i, t in zip(got["ids"], got["documents"], strict=True)} == expected
    again = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert "0 chunks added" in again.stdout


def test_two_writer_processes_never_corrupt(tmp_path, data_dir):
    a = _plans(tmp_path / "a", 20)
    b = _plans(tmp_path / "b", 20)
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(data_dir)}
    procs = [subprocess.Popen([sys.executable, "-m", "assistant", "ingest", str(folder), "--workspace", ws],
                              env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for folder, ws in ((a, "wa"), (b, "wb"))]
    outs = [p.communicate(timeout=600) for p in procs]
    codes = [p.returncode for p in procs]
    refused = [err for (_, err), code in zip(outs, codes, strict=True) if code != 0]
    assert all("another process is writing" in err for err in refused), refused
    from assistant.retrieval.store import get_store

    store = get_store()
    for folder, ws, code in ((a, "wa", codes[0]), (b, "wb", codes[1])):
        ids = set(store.get(where={"workspace": ws}, include=[])["ids"])
        if code == 0:
            assert ids == set(_expected_ids(folder, ws))
    # the store is still usable for a later writer
    rerun = subprocess.run([sys.executable, "-m", "assistant", "ingest", str(b), "--workspace", "wb"],
                           env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0
