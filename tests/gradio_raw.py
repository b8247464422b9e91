"""Drive the UI's Gradio events with raw HTTP, the way a key holder with a script would."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx


def login(url: str, user: str, key: str) -> httpx.Client:
    """A client holding the Gradio login cookie of `user` with `key` as the password."""
    client = httpx.Client(base_url=url, timeout=60)
    response = client.post("/login", data={"username": user, "password": key})
    assert response.status_code in (200, 303), (response.status_code, response.text[:200])
    return client


def dependencies(client: httpx.Client) -> list[tuple[int, dict, list[dict]]]:
    """(fn index, dependency, its input components) for every event of the page."""
    config = client.get("/config").json()
    components = {c["id"]: c for c in config["components"]}
    return [(dep.get("id", i), dep, [components[c] for c in dep["inputs"]])
            for i, dep in enumerate(config["dependencies"])]


def call(client: httpx.Client, fn_index: int, data: list[Any]) -> tuple[int, str]:
    """Join the queue with `data` and read the event stream to its end: (join status, all text)."""
    session = uuid.uuid4().hex[:12]
    joined = client.post("/gradio_api/queue/join", json={
        "data": data, "fn_index": fn_index, "session_hash": session, "event_data": None,
        "trigger_id": None})
    if joined.status_code != 200:
        return joined.status_code, joined.text
    text = []
    with client.stream("GET", f"/gradio_api/queue/data?session_hash={session}") as stream:
        for line in stream.iter_lines():
            text.append(line)
            if line.startswith("data:") and json.loads(line[5:]).get("msg") == "process_completed":
                break
    return 200, "\n".join(text)


def file_data(path: str, name: str = "plan.md") -> dict:
    """A Gradio file payload naming `path`."""
    return {"path": path, "meta": {"_type": "gradio.FileData"}, "orig_name": name}


def upload(client: httpx.Client, name: str, content: bytes) -> str:
    """Upload a file through Gradio's route; returns the server path it hands back."""
    response = client.post("/gradio_api/upload", files={"files": (name, content)})
    assert response.status_code == 200, response.text
    return response.json()[0]
