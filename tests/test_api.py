"""The HTTP API on a real server (uvicorn on 127.0.0.1), called with httpx, the official openai
client and schemathesis; keys and workspaces through every endpoint."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import httpx
import pytest

from tests.conftest import DATABASES, database_env, free_port, start_serve, stop
from tests.files import write_docx

pytestmark = pytest.mark.server
# the tests that store something also run on PostgreSQL (the rest on SQLite only)
ON_BOTH = pytest.mark.parametrize("server", DATABASES, indirect=True)

KEY_A, KEY_B = "key-a-0123456789", "key-b-0123456789"
PAIR = "Since Ana and Rob fell out they refuse to talk, and every release between their teams stalls."
PLAN = """# Q3 plan
## Top priorities (in order)
1. Merchant activation from 22% to 30% by 30 September (owner: Priya Nair)
2. Cut checkout errors from 3% to 1% by 31 August (owner: Tom Berg)
## Not doing
- The consumer app redesign
"""


@pytest.fixture(scope="module", params=["sqlite"])
def server(request, tmp_path_factory, shared_data_dir):
    data = tmp_path_factory.mktemp("api-data")
    shutil.copytree(shared_data_dir, data, dirs_exist_ok=True)
    keys = data / "keys.json"
    keys.write_text(json.dumps({KEY_A: ["team-a", "default"], KEY_B: ["team-b"]}))
    proc, url = start_serve({"ASSISTANT_DATA_DIR": str(data), "ASSISTANT_API_KEYS_FILE": str(keys),
                             "ASSISTANT_RATE_LIMIT": "100000", **database_env(request)}, "--no-ui")
    yield url
    stop(proc)


def client(url: str, key: str | None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return httpx.Client(base_url=url, headers=headers, timeout=60)


def assert_error(response: httpx.Response, status: int) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and body["error"]["code"] and body["error"]["message"]
    assert "Traceback" not in response.text
    return body["error"]


def test_health_info_and_auth(server):
    assert httpx.get(f"{server}/healthz").json() == {"status": "ok", "store": "embedded"}
    assert_error(httpx.get(f"{server}/v1/info"), 401)
    assert_error(client(server, "wrong-key-000").get("/v1/info"), 401)
    info = client(server, KEY_A).get("/v1/info").json()
    assert info["engine"] == "local" and info["index_chunks"] > 50 and info["workspaces"] == ["default", "team-a"]
    spec = httpx.get(f"{server}/openapi.json").json()
    for path in ("/v1/diagnose", "/v1/critique", "/v1/documents", "/v1/search", "/v1/feedback",
                 "/v1/chat/completions", "/v1/diagnoses/{diagnosis_id}"):
        assert path in spec["paths"]


@ON_BOTH
def test_diagnose_fetch_and_feedback_across_keys(server):
    a, b = client(server, KEY_A), client(server, KEY_B)
    d = a.post("/v1/diagnose", json={"text": PAIR, "workspace": "team-a"}).json()
    assert d["category"] == "interpersonal" and d["workspace"] == "team-a"
    assert a.get(f"/v1/diagnoses/{d['diagnosis_id']}").json()["diagnosis_id"] == d["diagnosis_id"]
    assert_error(b.get(f"/v1/diagnoses/{d['diagnosis_id']}"), 404)
    assert_error(b.post("/v1/diagnose", json={"text": PAIR, "workspace": "team-a"}), 403)
    assert_error(b.post("/v1/feedback", json={"diagnosis_id": d["diagnosis_id"], "rating": 1}), 404)
    assert a.post("/v1/feedback", json={"diagnosis_id": d["diagnosis_id"], "rating": 1}).status_code == 201
    # NUL characters: PostgreSQL text cannot hold them (they are dropped), and no id has one
    assert a.post("/v1/feedback", json={"diagnosis_id": d["diagnosis_id"], "rating": -1,
                                        "comment": "wrong\u0000 label"}).status_code == 201
    assert_error(a.get("/v1/diagnoses/%00"), 404)
    assert_error(a.post("/v1/feedback", json={"diagnosis_id": "\u0000", "rating": 1}), 404)
    assert_error(a.post("/v1/feedback", json={"diagnosis_id": d["diagnosis_id"], "rating": 3}), 422)
    assert_error(a.post("/v1/diagnose", json={"text": "   "}), 422)
    assert_error(a.post("/v1/diagnose", json={"text": "x " * 15000}), 413)
    assert_error(a.post("/v1/diagnose", json={"text": PAIR, "workspace": "Bad Name"}), 400)
    assert_error(a.post("/v1/diagnose", content=b"not json", headers={"content-type": "application/json"}), 422)


@ON_BOTH
def test_documents_search_and_isolation(server, tmp_path):
    a, b = client(server, KEY_A), client(server, KEY_B)
    docx = write_docx(tmp_path / "kestrel.docx", "Kestrel plan", ["The Kestrel squad migrates billing by June."])
    up = a.post("/v1/documents", files={"file": ("kestrel.docx", docx.read_bytes())}, data={"workspace": "team-a"})
    assert up.status_code == 201, up.text
    doc_id = up.json()["doc_id"]
    pasted = a.post("/v1/documents", json={"text": "Falcon OKRs: activation to 30%.", "title": "fal\u0000con", "workspace": "team-a"})
    assert pasted.status_code == 201
    assert {d["doc_id"] for d in a.get("/v1/documents", params={"workspace": "team-a"}).json()} >= {doc_id}
    assert b.get("/v1/documents").json() == []
    assert_error(b.get("/v1/documents", params={"workspace": "team-a"}), 403)
    hits = a.get("/v1/search", params={"q": "Kestrel billing migration", "workspace": "team-a"}).json()
    assert hits[0]["doc_id"] == doc_id and hits[0]["kind"] == "plan"
    b_hits = b.get("/v1/search", params={"q": "Kestrel billing migration", "k": 20}).json()
    assert all(h["workspace"] != "team-a" for h in b_hits)
    d = b.post("/v1/diagnose", json={"text": "Kestrel billing migration keeps slipping, nobody owns it."}).json()
    assert all(c["kind"] == "framework" or c.get("source") != "kestrel.docx" for c in d["citations"])
    assert_error(b.delete(f"/v1/documents/{doc_id}", params={"workspace": "team-a"}), 403)
    assert_error(b.delete(f"/v1/documents/{doc_id}"), 404)
    assert a.delete(f"/v1/documents/{doc_id}", params={"workspace": "team-a"}).json()["deleted_chunks"] >= 1
    assert_error(a.post("/v1/documents", files={"file": ("x.exe", b"MZ\x00\x00")}, data={"workspace": "team-a"}), 415)
    assert_error(a.post("/v1/documents", content=b"abc", headers={"content-type": "text/csv"}), 415)


@ON_BOTH
def test_critique_json_upload_and_errors(server, tmp_path):
    a = client(server, KEY_A)
    c = a.post("/v1/critique", json={"text": PLAN, "workspace": "team-a"}).json()
    assert len(c["checks"]) == 14 and 0 <= c["score"] <= 100
    assert a.get(f"/v1/critiques/{c['critique_id']}").json()["score"] == c["score"]
    v1 = a.post("/v1/critique", json={"text": PLAN, "against": "# Q3 plan\nEverything is a priority.\n- ship stuff\n- more stuff"}).json()
    assert "exclusions" in v1["against"]["resolved"]
    docx = write_docx(tmp_path / "plan.docx", "Q3 plan", PLAN.split("\n")[1:])
    up = a.post("/v1/critique", files={"file": ("plan.docx", docx.read_bytes())}, data={"save": "true", "workspace": "team-a"})
    assert up.status_code == 200 and len(up.json()["checks"]) == 14
    assert any(d["source"] == "plan.docx" for d in a.get("/v1/documents", params={"workspace": "team-a"}).json())
    assert_error(a.post("/v1/critique", json={"text": "Mix flour and sugar. Bake 40 minutes at 180C."}), 422)
    assert_error(a.post("/v1/critique", json={"text": ""}), 422)
    assert_error(a.post("/v1/critique", json={"text": "- goal\n" * 5000}), 413)
    assert_error(a.post("/v1/critique", files={"file": ("plan.pdf", b"not a pdf")}), 415)


def test_chat_completions_with_the_openai_client(server):
    from openai import OpenAI

    oa = OpenAI(base_url=f"{server}/v1", api_key=KEY_A, max_retries=0)
    reply = oa.chat.completions.create(model="assistant", messages=[{"role": "user", "content": PAIR}])
    assert "Root cause: interpersonal" in reply.choices[0].message.content
    raw = reply.model_dump()
    assert raw.get("diagnosis", reply.model_extra.get("diagnosis"))["category"] == "interpersonal"
    usage = reply.usage  # counted by the model's tokenizer, not zeros
    assert len(PAIR.split()) <= usage.prompt_tokens <= 3 * len(PAIR.split())
    assert usage.completion_tokens > 50
    assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens
    chunks = list(oa.chat.completions.create(model="assistant", stream=True, messages=[
        {"role": "user", "content": "launches slip"},
        {"role": "assistant", "content": "Is it two specific people?"},
        {"role": "user", "content": PAIR}]))
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert "interpersonal" in text and chunks[-1].choices[0].finish_reason == "stop"
    assert chunks[-1].model_extra["diagnosis"]["category"] == "interpersonal"
    with pytest.raises(Exception) as err:
        OpenAI(base_url=f"{server}/v1", api_key="nope-nope-nope", max_retries=0).chat.completions.create(
            model="assistant", messages=[{"role": "user", "content": PAIR}])
    assert "401" in str(err.value)


def test_schemathesis_finds_no_server_errors(server, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "schemathesis.cli", "run", f"{server}/openapi.json", "--checks", "not_a_server_error", "-H",
         f"Authorization: Bearer {KEY_A}", "--max-examples", "15", "--seed", "1",
         "--request-timeout", "30"],
        capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert result.returncode == 0, result.stdout[-4000:]
    assert "passed" in result.stdout.lower() or "no issues found" in result.stdout.lower(), result.stdout[-2000:]
    print(result.stdout[-1500:])


def test_rate_limit_and_body_limit_in_process(monkeypatch):
    from fastapi.testclient import TestClient

    from assistant.api import create_app
    from tests.conftest import _reset

    monkeypatch.setenv("ASSISTANT_RATE_LIMIT", "3")
    monkeypatch.setenv("ASSISTANT_MAX_REQUEST_BYTES", "1000")
    _reset()
    app = TestClient(create_app())
    codes = [app.get("/v1/models").status_code for _ in range(5)]
    assert codes[:3] == [200, 200, 200] and codes[-1] == 429
    big = app.post("/v1/diagnose", content=b"x" * 5000, headers={"content-type": "application/json"})
    assert big.status_code == 413 and big.json()["error"]["code"] == "request_too_large"


def test_serve_refuses_unsafe_setups(tmp_path):
    from tests.conftest import run_cli

    open_bind = run_cli("serve", "--host", "0.0.0.0", "--port", str(free_port()))
    assert open_bind.returncode == 2 and "without API keys" in open_bind.stderr
    workers = run_cli("serve", "--workers", "2", "--port", str(free_port()))
    assert workers.returncode == 2 and "chroma run" in workers.stderr
