"""`assistant serve` serves the API and the Gradio UI from one process and one port."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time

import httpx
import pytest

from tests.conftest import ROOT, free_port

pytestmark = pytest.mark.server
KEY = "serve-ui-key-0123456789"


def test_api_and_ui_on_one_port_behind_the_same_keys(tmp_path, shared_data_dir):
    data = tmp_path / "d"
    shutil.copytree(shared_data_dir, data)
    keys = data / "keys.json"
    keys.write_text(json.dumps({KEY: ["team-a"]}))
    port = free_port()
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(data), "ASSISTANT_API_KEYS_FILE": str(keys)}
    proc = subprocess.Popen([sys.executable, "-m", "assistant", "serve", "--port", str(port)],
                            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        page = httpx.get(f"{url}/", timeout=30)
        assert page.status_code == 200 and "<html" in page.text.lower()
        assert httpx.get(f"{url}/gradio_api/info", timeout=30).status_code == 401
        assert httpx.get(f"{url}/v1/info", timeout=30).status_code == 401
        info = httpx.get(f"{url}/v1/info", headers={"Authorization": f"Bearer {KEY}"}, timeout=30)
        assert info.status_code == 200 and info.json()["workspaces"] == ["team-a"]
        from gradio_client import Client

        client = Client(f"{url}/", auth=("lead", KEY), verbose=False)
        result = client.predict(text="Since Ana and Rob fell out they refuse to talk; releases stall.",
                                workspace="team-a", api_name="/diagnose")
        data_out = result if isinstance(result, dict) else json.loads(result)
        assert data_out["category"] == "interpersonal"
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
