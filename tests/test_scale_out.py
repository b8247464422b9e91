"""Scale-out on one Chroma server: two workers of one `serve --workers 2`, and two separate
`serve --no-ui` processes (as on two machines) that also share a PostgreSQL database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT, chroma_binary, free_port, stop, wait_for

pytestmark = pytest.mark.server
KEY = "scale-key-0123456789"


@pytest.fixture(scope="module")
def chroma(tmp_path_factory):
    """A Chroma server with the SOPs indexed once; yields the environment that points at it."""
    root = tmp_path_factory.mktemp("scale-out")
    port = free_port()
    server = subprocess.Popen([chroma_binary(), "run", "--path", str(root / "chroma"), "--host",
                               "127.0.0.1", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    keys = root / "keys.json"
    keys.write_text(json.dumps({KEY: [f"team-{i}" for i in range(8)] + ["default"]}))
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(root / "data"), "ASSISTANT_CHROMA_HOST": "127.0.0.1",
           "ASSISTANT_CHROMA_PORT": str(port), "ASSISTANT_API_KEYS_FILE": str(keys),
           "ASSISTANT_RATE_LIMIT": "100000"}
    try:
        wait_for(f"http://127.0.0.1:{port}/api/v2/heartbeat")
        # index the SOPs once before the workers start (each would otherwise do it on first use)
        subprocess.run([sys.executable, "-m", "assistant", "ingest", "knowledge"], env=env, cwd=ROOT,
                       check=True, capture_output=True, timeout=300)
        yield env
    finally:
        stop(server)


def test_two_workers_on_a_chroma_server(chroma):
    api_port = free_port()
    api = None
    try:
        api = subprocess.Popen([sys.executable, "-m", "assistant", "serve", "--workers", "2", "--no-ui",
                                "--port", str(api_port)], env=chroma, cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{api_port}"
        wait_for(f"{url}/healthz")
        headers = {"Authorization": f"Bearer {KEY}"}

        def work(i: int) -> list[int]:
            with httpx.Client(base_url=url, headers=headers, timeout=120) as c:
                codes = [c.post("/v1/documents", json={"text": f"Plan {i}: the Heron{i} squad ships billing v{i} by June.",
                                                       "title": f"heron-{i}", "workspace": f"team-{i}"}).status_code]
                codes.append(c.post("/v1/diagnose", json={"text": "Our two leads refuse to talk since the reorg.",
                                                          "workspace": f"team-{i}"}).status_code)
                hits = c.get("/v1/search", params={"q": f"Heron{i} billing", "workspace": f"team-{i}"}).json()
                codes.append(200 if hits and hits[0]["source"] == f"heron-{i}.md" else 0)
                return codes

        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(work, range(8)))
        assert all(code in (200, 201) for codes in results for code in codes), results
        with httpx.Client(base_url=url, headers=headers, timeout=60) as c:
            for i in range(8):
                docs = c.get("/v1/documents", params={"workspace": f"team-{i}"}).json()
                assert [d["source"] for d in docs] == [f"heron-{i}.md"]
    finally:
        stop(api)


TEXTS = [
    "Since Ana and Rob fell out they refuse to talk, and every release between their teams stalls.",
    "Every team is bonused on its own OKRs, so nobody helps anyone; it happens whoever leads.",
    "The CEO and CTO give the teams opposite goals and never decided which wins.",
    "We have 14 projects in parallel, approvals take three weeks and the build takes 40 minutes.",
]


@pytest.mark.postgres
def test_api_processes_on_two_machines_share_chroma_and_postgres(chroma, pg_server, tmp_path,
                                                                 monkeypatch):
    """Two `serve --no-ui` processes, each with its own data dir (as on two machines), one Chroma
    server and one PostgreSQL database, started together on a database nobody has migrated yet.
    30 diagnoses spread over both, then 60 concurrent requests that each go to the *other*
    process: feedback on the diagnosis and fetching it. All succeed, no write is lost."""
    env = {**chroma, "ASSISTANT_DATABASE_URL": pg_server.create_database()}
    procs: list[subprocess.Popen] = []
    logs: list[Path] = []
    try:
        urls = []
        for n in range(2):  # started together: both find an empty database and migrate it
            port, log = free_port(), tmp_path / f"worker-{n}.log"
            with open(log, "wb") as out:
                procs.append(subprocess.Popen(
                    [sys.executable, "-m", "assistant", "serve", "--no-ui", "--port", str(port)],
                    env={**env, "ASSISTANT_DATA_DIR": str(tmp_path / f"machine-{n}")}, cwd=ROOT,
                    stdout=out, stderr=subprocess.STDOUT))
            urls.append(f"http://127.0.0.1:{port}")
            logs.append(log)
        for url in urls:
            wait_for(f"{url}/healthz")
        clients = [httpx.Client(base_url=url, headers={"Authorization": f"Bearer {KEY}"}, timeout=120)
                   for url in urls]

        def diagnose(i: int) -> tuple[int, int, dict]:
            r = clients[i % 2].post("/v1/diagnose", json={"text": f"{TEXTS[i % 4]} ({i})",
                                                          "workspace": f"team-{i % 4}"})
            return i % 2, r.status_code, r.json()

        def from_the_other(item: tuple[int, dict, str]) -> int:
            made_by, diagnosis, what = item
            other = clients[1 - made_by]
            if what == "feedback":
                return other.post("/v1/feedback", json={"diagnosis_id": diagnosis["diagnosis_id"],
                                                        "rating": 1, "comment": diagnosis["diagnosis_id"]}).status_code
            fetched = other.get(f"/v1/diagnoses/{diagnosis['diagnosis_id']}")
            return fetched.status_code if fetched.json() == diagnosis else 0

        with ThreadPoolExecutor(8) as pool:
            made = list(pool.map(diagnose, range(30)))
            assert [code for _n, code, _d in made] == [200] * 30, _tails(logs)
            crossed = [(n, d, what) for n, _c, d in made for what in ("feedback", "fetch")]
            codes = list(pool.map(from_the_other, crossed))
        assert codes.count(201) == 30 and codes.count(200) == 30, (codes, _tails(logs))
        for c in clients:
            c.close()
    finally:
        for proc in procs:
            stop(proc)
    from assistant import db
    from tests.conftest import _reset

    monkeypatch.setenv("ASSISTANT_DATABASE_URL", env["ASSISTANT_DATABASE_URL"])
    _reset()
    stored = db.list_feedback()
    assert sorted(f["comment"] for f in stored) == sorted(d["diagnosis_id"] for _n, _c, d in made)
    assert {f["workspace"] for f in stored} == {f"team-{i}" for i in range(4)}


def _tails(logs: list[Path]) -> str:
    return "\n".join(f"--- {log.name}\n{log.read_text(errors='replace')[-1500:]}" for log in logs)
