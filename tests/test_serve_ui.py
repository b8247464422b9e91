"""`assistant serve` serves the API and the Gradio UI from one process and one port."""

from __future__ import annotations

import json
import shutil

import httpx
import pytest

from tests.conftest import start_serve, stop

pytestmark = pytest.mark.server
KEY = "serve-ui-key-0123456789"


def test_api_and_ui_on_one_port_behind_the_same_keys(tmp_path, shared_data_dir):
    data = tmp_path / "d"
    shutil.copytree(shared_data_dir, data)
    keys = data / "keys.json"
    keys.write_text(json.dumps({KEY: ["team-a"]}))
    proc, url = start_serve({"ASSISTANT_DATA_DIR": str(data), "ASSISTANT_API_KEYS_FILE": str(keys)})
    try:
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
        stop(proc)
