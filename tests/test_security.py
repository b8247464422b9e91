"""Regression tests for the security review: request cost, rate limits, keys, odd input.

Each test names the finding it guards (see the README's Security section).
"""

from __future__ import annotations

import concurrent.futures
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from starlette.testclient import TestClient

from tests.conftest import ROOT, free_port, run_cli, start_keyed_serve, stop

KEY = "security-key-0123456789"
AUTH = {"Authorization": f"Bearer {KEY}"}


def _peak_rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise AssertionError("no VmHWM")


def _send_chunked(port: int, path: str, headers: dict, total: int, chunk: int = 1 << 20) -> str:
    """POST `total` bytes as a chunked body; returns the status line (or how the server hung up)."""
    block = b"x" * chunk
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        sock.sendall(f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                     f"Transfer-Encoding: chunked\r\n{head}\r\n".encode())
        sent = 0
        try:
            while sent < total:
                sock.sendall(f"{chunk:x}\r\n".encode() + block + b"\r\n")
                sent += chunk
            sock.sendall(b"0\r\n\r\n")
        except OSError as exc:  # the server answered and closed while we were still sending
            return f"closed after {sent} bytes ({type(exc).__name__})"
        return sock.recv(200).decode("latin-1").split("\r\n")[0]


@pytest.fixture(scope="module")
def server(tmp_path_factory, shared_data_dir):
    proc, url = start_keyed_serve(tmp_path_factory.mktemp("security"), shared_data_dir,
                                  {KEY: ["default", "team-a"]}, "--no-ui", ASSISTANT_SERVE_UI="0",
                                  ASSISTANT_RATE_LIMIT="100000")
    yield proc, url
    stop(proc)


@pytest.mark.server
@pytest.mark.slow
def test_a_gigabyte_chunked_body_costs_the_server_no_memory(server):
    """Finding 3: the size limit trusted Content-Length and the body was read before the key."""
    proc, url = server
    port = int(url.rsplit(":", 1)[1])
    httpx.post(f"{url}/v1/diagnose", json={"text": "Teams keep missing deadlines."}, headers=AUTH,
               timeout=60)  # warm: the models are loaded before the baseline
    before = _peak_rss_kb(proc.pid)
    started = time.monotonic()
    no_key = _send_chunked(port, "/v1/diagnose", {}, 1 << 30)
    assert "401" in no_key or no_key.startswith("closed"), no_key
    assert time.monotonic() - started < 60
    wrong_key = _send_chunked(port, "/v1/critique", {"Authorization": "Bearer not-a-key-000000000"},
                              1 << 30)
    assert "401" in wrong_key or wrong_key.startswith("closed"), wrong_key
    valid = _send_chunked(port, "/v1/documents", AUTH, 1 << 30)
    assert "413" in valid or valid.startswith("closed"), valid
    grown_mb = (_peak_rss_kb(proc.pid) - before) / 1024
    assert grown_mb < 50, f"peak memory grew by {grown_mb:.0f} MB"
    assert httpx.get(f"{url}/healthz", timeout=10).status_code == 200


@pytest.mark.server
def test_odd_input_is_a_clear_4xx_never_a_500(server):
    """Findings 6 and 7: lone surrogates, deep nesting, blank and invisible texts."""
    _, url = server
    post = lambda path, **kw: httpx.post(f"{url}{path}", headers={**AUTH, **kw.pop("headers", {})},  # noqa: E731
                                         timeout=60, **kw)
    for path in ("/v1/diagnose", "/v1/critique", "/v1/documents"):
        lone = post(path, content=b'{"text": "Teams miss deadlines \\ud800 every sprint."}',
                    headers={"Content-Type": "application/json"})
        assert lone.status_code in (400, 422), (path, lone.status_code, lone.text)
        deep = post(path, content=b'{"text": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
                    headers={"Content-Type": "application/json"})
        assert deep.status_code in (400, 422), (path, deep.status_code)
        for blank in (" \n\t ", "\u200b\u200c\u200d\ufeff", "\u202e \u2066"):
            response = post(path, json={"text": blank, "title": "t"})
            assert response.status_code == 422, (path, repr(blank), response.status_code)
    files = {"file": ("blank.md", "\u200b \n".encode())}
    upload = httpx.post(f"{url}/v1/documents", headers=AUTH, files=files, data={"workspace": "team-a"})
    assert upload.status_code == 422
    listed = httpx.get(f"{url}/v1/documents", params={"workspace": "team-a"}, headers=AUTH).json()
    assert not [d for d in listed if d["source"] == "blank.md"]


@pytest.mark.server
def test_history_and_messages_share_the_text_limit(server):
    """Finding 4: 3,000 chat messages bought minutes of CPU in one request."""
    _, url = server
    many = [{"role": "user", "content": "We keep slipping."}] * 3000
    chat = httpx.post(f"{url}/v1/chat/completions", headers=AUTH, timeout=60,
                      json={"messages": [*many, {"role": "user", "content": "Why?"}]})
    assert chat.status_code == 413 and "messages" in chat.json()["error"]["message"]
    long_turns = [{"role": "user", "content": "x " * 4000}] * 4  # 32k characters over 4 turns
    diagnose = httpx.post(f"{url}/v1/diagnose", headers=AUTH, timeout=60,
                          json={"text": "Why do we slip?", "history": long_turns})
    assert diagnose.status_code == 413 and "history" in diagnose.json()["error"]["message"]
    fine = httpx.post(f"{url}/v1/diagnose", headers=AUTH, timeout=60,
                      json={"text": "Why do we slip?", "history": long_turns[:1]})
    assert fine.status_code == 200


@pytest.mark.server
def test_docs_pages_fetch_nothing_from_outside(server):
    """Finding 7: /docs loaded Swagger from a CDN."""
    _, url = server
    assert httpx.get(f"{url}/docs").status_code == 404
    assert httpx.get(f"{url}/redoc").status_code == 404
    assert httpx.get(f"{url}/openapi.json", headers=AUTH).json()["info"]["title"]


def _guarded(rate: int):
    from assistant.limits import RateLimiter, RequestGuard

    async def app(scope, receive, send):
        while (await receive()).get("more_body"):
            pass
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    keys = {KEY: frozenset({"default"})}
    return TestClient(RequestGuard(app, keys, RateLimiter(rate), max_bytes=1000))


def test_rate_limits_cover_failed_auth_logins_ui_events_and_mcp_with_retry_after():
    """Finding 4: wrong keys, UI logins, Gradio calls and MCP calls were not rate-limited."""
    client = _guarded(rate=3)
    statuses = [client.post("/v1/diagnose", headers={"Authorization": "Bearer wrong-wrong-wrong"})
                for _ in range(4)]
    assert [r.status_code for r in statuses] == [401, 401, 401, 429]
    assert int(statuses[-1].headers["retry-after"]) >= 1
    assert statuses[0].headers["www-authenticate"].startswith("Bearer")
    for path in ("/login", "/mcp"):
        codes = [client.post(path, content=b"{}").status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429], (path, codes)
    big = client.post("/v1/diagnose", headers=AUTH, content=b"x" * 5000)
    assert big.status_code == 413


def test_api_rate_limit_answers_with_retry_after(tmp_path, monkeypatch, indexed):
    """Finding 4: 429s carried no Retry-After."""
    keys = tmp_path / "keys.json"
    keys.write_text(json.dumps({KEY: ["default"]}))
    monkeypatch.setenv("ASSISTANT_API_KEYS_FILE", str(keys))
    monkeypatch.setenv("ASSISTANT_RATE_LIMIT", "2")
    from assistant.api import create_app
    from assistant.config import reset_settings

    reset_settings()
    client = TestClient(create_app())
    codes = [client.get("/v1/models", headers=AUTH) for _ in range(3)]
    assert [c.status_code for c in codes] == [200, 200, 429]
    assert int(codes[-1].headers["retry-after"]) >= 1


def test_short_keys_are_refused_at_start_up(tmp_path):
    """Finding 4: keys of 8 characters were accepted."""
    keys = tmp_path / "keys.json"
    keys.write_text(json.dumps({"short-key-123": ["default"]}))
    done = run_cli("serve", "--port", str(free_port()), env={"ASSISTANT_API_KEYS_FILE": str(keys)})
    assert done.returncode == 2 and "at least 16 characters" in done.stderr


def test_healthz_reports_a_store_that_is_down(monkeypatch, tmp_path):
    """Finding 7: /healthz said ok while Chroma was down."""
    monkeypatch.setenv("ASSISTANT_CHROMA_HOST", "127.0.0.1")
    monkeypatch.setenv("ASSISTANT_CHROMA_PORT", str(free_port()))
    from assistant.api import create_app
    from assistant.config import reset_settings
    from assistant.retrieval.store import forget_stores

    reset_settings()
    forget_stores()
    response = TestClient(create_app()).get("/healthz")
    assert response.status_code == 503 and response.json()["status"] == "unavailable"
    forget_stores()


@pytest.mark.server
@pytest.mark.slow
def test_a_burst_on_a_fresh_server_gets_no_503(tmp_path, shared_data_dir):
    """Finding 6: 30 concurrent requests to a freshly started server all got 503."""
    data = tmp_path / "d"
    shutil.copytree(shared_data_dir, data)
    port = free_port()
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(data), "ASSISTANT_SERVE_UI": "0"}
    proc = subprocess.Popen([sys.executable, "-m", "assistant", "serve", "--port", str(port), "--no-ui"],
                            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:  # wait on a route that does not open the store
            try:
                if httpx.get(f"{url}/v1/models", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline and proc.poll() is None
            time.sleep(0.2)

        def one(i: int) -> int:
            return httpx.post(f"{url}/v1/diagnose", timeout=120,
                              json={"text": f"Two teams keep missing their OKRs, case {i}."}).status_code

        with concurrent.futures.ThreadPoolExecutor(30) as pool:
            codes = list(pool.map(one, range(30)))
        assert codes == [200] * 30, codes
    finally:
        stop(proc)


def test_every_gradio_post_needs_a_bound_login_and_is_limited_per_key():
    """Red-team findings: /gradio_api/stream, /cancel and /reset had no login check (one
    unauthenticated 12 MB body froze the server), and a junk cookie bought a fresh rate bucket."""
    from assistant.limits import RateLimiter
    from assistant.ui.access import KeyLogin, LoginBinder

    seen = []

    async def app(scope, receive, send):
        seen.append(scope["path"])
        while (await receive()).get("more_body"):
            pass
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    login = KeyLogin({KEY: frozenset({"default"})})
    login.bind_session("tok-1", KEY)
    client = TestClient(LoginBinder(app, login, RateLimiter(3)))
    for path in ("/gradio_api/stream/abc", "/gradio_api/cancel", "/gradio_api/reset",
                 "/gradio_api/queue/join", "/gradio_api/upload"):
        refused = client.post(path, content=b"x" * 100_000,
                              headers={"cookie": "access-token-junk=nope"})
        assert refused.status_code == 401, path
    assert seen == [], "nothing reached the app unauthenticated"
    codes = [client.post("/gradio_api/queue/join", content=b"{}",
                         headers={"cookie": f"access-token-a=tok-1; access-token-j{i}=x"}).status_code
             for i in range(4)]
    assert codes == [200, 200, 200, 429], "junk cookies do not buy a fresh bucket"
