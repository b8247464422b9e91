"""Workspace isolation: every API endpoint and CLI path tried with another workspace's name and
with guessed ids. Nothing of team A's may reach team B, and B's attempts must leave A intact."""

from __future__ import annotations

import json
import shutil
import uuid

import httpx
import pytest

from tests.conftest import DATABASES, database_env, run_cli, start_serve, stop

KEY_A, KEY_B = "iso-key-a-0123456", "iso-key-b-0123456"
OSPREY = ("# Osprey plan\n\n## Goal\nThe Osprey squad moves the ledger service to the new region by "
          "October; owner: Osprey lead. Weekly review on Thursdays.\n")
PROBLEM = "The Osprey ledger move keeps slipping and nobody owns the region cut-over."


@pytest.fixture(scope="module", params=DATABASES)
def api(request, tmp_path_factory, shared_data_dir):
    data = tmp_path_factory.mktemp("iso-data")
    shutil.copytree(shared_data_dir, data, dirs_exist_ok=True)
    keys = data / "keys.json"
    keys.write_text(json.dumps({KEY_A: ["iso-a"], KEY_B: ["iso-b"]}))
    proc, url = start_serve({"ASSISTANT_DATA_DIR": str(data), "ASSISTANT_API_KEYS_FILE": str(keys),
                             "ASSISTANT_RATE_LIMIT": "100000", **database_env(request)}, "--no-ui")
    a = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {KEY_A}"}, timeout=60)
    b = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {KEY_B}"}, timeout=60)
    yield a, b
    stop(proc)


def refused(response: httpx.Response, *statuses: int) -> None:
    assert response.status_code in statuses, (response.request.method, response.request.url, response.text)
    assert "osprey" not in response.text.lower()


@pytest.mark.server
def test_every_endpoint_keeps_team_a_from_team_b(api):
    a, b = api
    doc = a.post("/v1/documents", json={"text": OSPREY, "title": "osprey", "workspace": "iso-a"}).json()
    diag = a.post("/v1/diagnose", json={"text": PROBLEM, "workspace": "iso-a"}).json()
    crit = a.post("/v1/critique", json={"text": OSPREY, "workspace": "iso-a"}).json()
    assert any(c.get("source") == "osprey.md" for c in diag["citations"])  # A does see its own plan

    # naming A's workspace: forbidden, whatever the endpoint
    for method, path, kwargs in [
        ("POST", "/v1/diagnose", {"json": {"text": PROBLEM, "workspace": "iso-a"}}),
        ("POST", "/v1/critique", {"json": {"text": OSPREY, "workspace": "iso-a"}}),
        ("POST", "/v1/critique", {"files": {"file": ("p.md", OSPREY.encode())}, "data": {"workspace": "iso-a", "save": "true"}}),
        ("POST", "/v1/documents", {"json": {"text": "B writes here", "title": "x", "workspace": "iso-a"}}),
        ("POST", "/v1/documents", {"files": {"file": ("x.md", b"# x\nB writes here")}, "data": {"workspace": "iso-a"}}),
        ("GET", "/v1/documents", {"params": {"workspace": "iso-a"}}),
        ("DELETE", f"/v1/documents/{doc['doc_id']}", {"params": {"workspace": "iso-a"}}),
        ("DELETE", "/v1/workspaces/iso-a", {}),
        ("GET", "/v1/search", {"params": {"q": "Osprey ledger", "workspace": "iso-a"}}),
        ("POST", "/v1/chat/completions", {"json": {"model": "assistant", "workspace": "iso-a",
                                                    "messages": [{"role": "user", "content": PROBLEM}]}}),
    ]:
        refused(b.request(method, path, **kwargs), 403)

    # A's ids, and guessed ones: not found (never "forbidden", which would confirm they exist)
    guessed = str(uuid.uuid4())
    for path in (f"/v1/diagnoses/{diag['diagnosis_id']}", f"/v1/critiques/{crit['critique_id']}",
                 f"/v1/diagnoses/{guessed}", f"/v1/critiques/{guessed}", "/v1/diagnoses/1", "/v1/diagnoses/..%2F..%2Fetc"):
        refused(b.get(path), 404)
    for body in ({"diagnosis_id": diag["diagnosis_id"], "rating": -1}, {"critique_id": crit["critique_id"], "rating": 1},
                 {"diagnosis_id": guessed, "rating": 1}):
        refused(b.post("/v1/feedback", json=body), 404)
    refused(b.delete(f"/v1/documents/{doc['doc_id']}"), 404)  # A's doc id in B's own workspace

    # names that are not A's but try to reach it or everybody: invalid or reserved
    for name in ("ISO-A", "iso-a ", "iso-a/../iso-b", "__global__", "*", ""):
        response = b.get("/v1/search", params={"q": "Osprey ledger", "workspace": name})
        refused(response, 400, 403, 422)

    # what B can do in its own workspace shows nothing of A's
    hits = b.get("/v1/search", params={"q": "Osprey ledger region cut-over", "k": 50}).json()
    assert hits and all(h["workspace"] in ("iso-b", "__global__") or h["kind"] == "framework" for h in hits)
    assert "osprey" not in json.dumps(hits).lower()
    assert b.get("/v1/documents").json() == []
    mine = b.post("/v1/diagnose", json={"text": PROBLEM}).json()
    assert all(c["kind"] == "framework" for c in mine["citations"])
    b.delete("/v1/workspaces/iso-b").raise_for_status()  # purging its own workspace touches nothing of A's

    # and A is intact
    assert [d["doc_id"] for d in a.get("/v1/documents", params={"workspace": "iso-a"}).json()] == [doc["doc_id"]]
    assert a.get(f"/v1/diagnoses/{diag['diagnosis_id']}").status_code == 200
    assert a.get(f"/v1/critiques/{crit['critique_id']}").status_code == 200
    assert a.post("/v1/feedback", json={"diagnosis_id": diag["diagnosis_id"], "rating": 1}).status_code == 201
    assert a.get("/v1/search", params={"q": "Osprey ledger", "workspace": "iso-a"}).json()[0]["source"] == "osprey.md"


def test_cli_paths_keep_workspaces_apart(indexed, tmp_path):
    plan = tmp_path / "osprey.md"
    plan.write_text(OSPREY)
    assert run_cli("ingest", str(plan), "--workspace", "cli-iso-a").returncode == 0
    doc_id = json.loads(run_cli("documents", "list", "--workspace", "cli-iso-a", "--json").stdout)[0]["doc_id"]

    hits = json.loads(run_cli("search", "Osprey ledger region", "--workspace", "cli-iso-b", "--k", "50", "--json").stdout)
    assert hits and "osprey" not in json.dumps(hits).lower()
    assert json.loads(run_cli("documents", "list", "--workspace", "cli-iso-b", "--json").stdout) == []
    diag = json.loads(run_cli("diagnose", PROBLEM, "--workspace", "cli-iso-b", "--json").stdout)
    assert all(c["kind"] == "framework" for c in diag["citations"])
    gone = run_cli("documents", "delete", doc_id, "--workspace", "cli-iso-b")
    assert gone.returncode == 2 and "no document" in gone.stderr
    assert run_cli("data", "purge", "--workspace", "cli-iso-b").returncode == 0
    for args in (("search", "x", "--workspace", "__global__"), ("data", "purge", "--workspace", "__global__"),
                 ("ingest", str(plan), "--workspace", "__global__")):
        refused_run = run_cli(*args)
        assert refused_run.returncode == 2 and "reserved" in refused_run.stderr

    assert json.loads(run_cli("documents", "list", "--workspace", "cli-iso-a", "--json").stdout)[0]["doc_id"] == doc_id
    own = json.loads(run_cli("search", "Osprey ledger region", "--workspace", "cli-iso-a", "--json").stdout)
    assert own[0]["source"] == "osprey.md"
    run_cli("data", "purge", "--workspace", "cli-iso-a")  # the shared index is read-mostly
