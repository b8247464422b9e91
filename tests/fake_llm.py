"""A real local OpenAI-compatible HTTP server that plays scripted replies (the one fake the
tests allow, since no model can be reached here)."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class ScriptedLLM:
    """Scripts: ("json", dict), ("raw", str), ("status", code), ("hang", seconds),
    ("truncated", dict): a valid reply whose body is cut off halfway and the connection closed."""

    def __init__(self) -> None:
        self.script: deque[tuple[str, object]] = deque()
        self.requests: list[dict] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                return

            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                owner.requests.append(body)
                kind, value = owner.script.popleft() if owner.script else ("status", 500)
                if kind == "hang":
                    time.sleep(float(value))
                    kind, value = "status", 504
                if kind == "status":
                    self._send(int(value), {"error": {"message": f"scripted {value}", "type": "server_error"}})
                    return
                content = json.dumps(value) if kind in ("json", "truncated") else str(value)
                message: dict = {"role": "assistant", "content": content}
                if body.get("tools"):
                    name = body["tools"][0]["function"]["name"]
                    message = {"role": "assistant", "content": None, "tool_calls": [{
                        "id": "call_1", "type": "function",
                        "function": {"name": name, "arguments": content}}]}
                self._send(200, cut=kind == "truncated", payload={
                    "id": "chatcmpl-1", "object": "chat.completion", "created": int(time.time()),
                    "model": body.get("model", "x"),
                    "choices": [{"index": 0, "message": message,
                                 "finish_reason": "tool_calls" if body.get("tools") else "stop"}],
                    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                })

            def _send(self, status: int, payload: dict, cut: bool = False) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError):
                    self.wfile.write(data[: len(data) // 2] if cut else data)
                if cut:  # the peer dies mid-body
                    self.close_connection = True
                    self.wfile.flush()
                    self.connection.shutdown(2)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@contextlib.contextmanager
def scripted_endpoint(monkeypatch, timeout: str = "2"):
    """A ScriptedLLM configured as the LLM endpoint (OPENAI_BASE_URL) for one test."""
    from tests.conftest import _reset

    server = ScriptedLLM()
    monkeypatch.setenv("OPENAI_BASE_URL", server.url)
    monkeypatch.setenv("ASSISTANT_LLM_TIMEOUT", timeout)
    _reset()
    try:
        yield server
    finally:
        server.close()
