"""A bounded load test: `assistant serve` driven by 16 concurrent clients from a second process
on 127.0.0.1, on SQLite and on PostgreSQL. Zero 5xx, zero lost feedback writes, memory roughly
flat."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import httpx
import pytest

from tests.conftest import DATABASES, ROOT, start_serve, stop

pytestmark = pytest.mark.server
KEY = "load-key-0123456789"
SECONDS = float(os.environ.get("ASSISTANT_LOAD_SECONDS", "20"))


def rss_mb(pid: int) -> float:
    from pathlib import Path

    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


@pytest.mark.parametrize("database", DATABASES, indirect=True)
def test_sixteen_clients(tmp_path, shared_data_dir, database):
    data = tmp_path / "load-data"
    shutil.copytree(shared_data_dir, data)
    keys = data / "keys.json"
    keys.write_text(json.dumps({KEY: ["default"]}))
    # on PostgreSQL the server inherits this test's ASSISTANT_DATABASE_URL (a fresh database)
    proc, url = start_serve({"ASSISTANT_DATA_DIR": str(data), "ASSISTANT_API_KEYS_FILE": str(keys),
                             "ASSISTANT_RATE_LIMIT": "1000000"}, "--no-ui")
    try:
        headers = {"Authorization": f"Bearer {KEY}"}
        seed = httpx.post(f"{url}/v1/diagnose", headers=headers, timeout=60,
                          json={"text": "Two leads refuse to cooperate on the launch."}).json()
        rss_start = rss_mb(proc.pid)
        out = subprocess.run([sys.executable, str(ROOT / "tests" / "tools" / "load_client.py"), url, KEY,
                              "16", str(SECONDS), seed["diagnosis_id"]],
                             capture_output=True, text=True, timeout=SECONDS + 300)
        rss_end = rss_mb(proc.pid)
        report = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"load ({database}): {report}, RSS {rss_start:.0f} -> {rss_end:.0f} MB")
        assert not [s for s in report["statuses"] if int(s) >= 500], report
        assert set(report["statuses"]) <= {"200", "201"}, report
        stored = [f for f in _feedback(data) if f["target_id"] == seed["diagnosis_id"]]
        assert len(stored) == report["feedback_ok"] > 0
        assert rss_end < rss_start * 1.5 + 50, (rss_start, rss_end)
    finally:
        stop(proc)


def _feedback(data) -> list[dict]:
    from assistant import db
    from tests.conftest import _reset

    os.environ["ASSISTANT_DATA_DIR"] = str(data)
    _reset()
    return db.list_feedback()
