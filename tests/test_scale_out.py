"""Scale-out: two API workers (`serve --workers 2`) on one Chroma server, hit concurrently."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.conftest import ROOT, chroma_binary, free_port, stop, wait_for

pytestmark = pytest.mark.server
KEY = "scale-key-0123456789"


def test_two_workers_on_a_chroma_server(tmp_path):
    chroma_port, api_port = free_port(), free_port()
    chroma = subprocess.Popen([chroma_binary(), "run", "--path", str(tmp_path / "chroma"), "--host",
                               "127.0.0.1", "--port", str(chroma_port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    keys = tmp_path / "keys.json"
    keys.write_text(json.dumps({KEY: [f"team-{i}" for i in range(8)] + ["default"]}))
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(tmp_path / "data"), "ASSISTANT_CHROMA_HOST": "127.0.0.1",
           "ASSISTANT_CHROMA_PORT": str(chroma_port), "ASSISTANT_API_KEYS_FILE": str(keys),
           "ASSISTANT_RATE_LIMIT": "100000"}
    api = None
    try:
        wait_for(f"http://127.0.0.1:{chroma_port}/api/v2/heartbeat")
        # index the SOPs once before the workers start (both would otherwise do it on first use)
        subprocess.run([sys.executable, "-m", "assistant", "ingest", "knowledge"], env=env, cwd=ROOT,
                       check=True, capture_output=True, timeout=300)
        api = subprocess.Popen([sys.executable, "-m", "assistant", "serve", "--workers", "2", "--no-ui",
                                "--port", str(api_port)], env=env, cwd=ROOT,
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
        stop(chroma)
