"""What a request may cost: rate limits with Retry-After, and bodies counted as they stream.

`RequestGuard` sits in front of everything `assistant serve` answers (the JSON API, the UI and
Gradio's routes) and the MCP HTTP server:
- with keys configured, an API request's key is checked before a byte of its body is read, and
  failed authentication is rate-limited per client address;
- a body is counted as it arrives and refused (413) once it passes the limit, whatever its
  headers say (a chunked body has no Content-Length);
- logins and UI events are rate-limited like API calls (per login session or client).
It does not import FastAPI or gradio.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from assistant.auth import AuthError, authenticate
from assistant.errors import TextTooLongError

# Bounds that hold on every face (API, UI, MCP, CLI):
MAX_TITLE_CHARS = 200  # a document title is stored and embedded with every chunk of the document
MAX_QUERY_CHARS = 2000  # a search query
MAX_EVAL_CASES = 2000  # cases in one uploaded eval file


def check_title_length(title: str | None) -> None:
    """Refuse a document title over MAX_TITLE_CHARS (TextTooLongError)."""
    if title is not None and len(title) > MAX_TITLE_CHARS:
        raise TextTooLongError(f"the title has {len(title)} characters; the limit is {MAX_TITLE_CHARS}")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
Keys = dict[str, frozenset[str]] | None


class RateLimiter:
    """A token bucket per caller: `rate` requests per minute, bursts up to `rate`."""

    def __init__(self, rate: int, max_callers: int = 100_000) -> None:
        self.rate = max(1, rate)
        self.max_callers = max_callers
        self.buckets: dict[str, tuple[float, float]] = {}
        self.lock = threading.Lock()

    def check(self, who: str) -> int:
        """Take one token for `who`: 0 when allowed, else the seconds to wait (Retry-After)."""
        now = time.monotonic()
        with self.lock:
            tokens, last = self.buckets.get(who, (float(self.rate), now))
            tokens = min(float(self.rate), tokens + (now - last) * self.rate / 60.0)
            if tokens < 1:
                self.buckets[who] = (tokens, now)
                return max(1, math.ceil((1 - tokens) * 60.0 / self.rate))
            if len(self.buckets) >= self.max_callers and who not in self.buckets:
                self._forget_full(now)
            self.buckets[who] = (tokens - 1, now)
            return 0

    def _forget_full(self, now: float) -> None:
        """Drop callers whose buckets have refilled (they carry no state worth keeping)."""
        full = [w for w, (t, last) in self.buckets.items()
                if t + (now - last) * self.rate / 60.0 >= self.rate]
        for who in full or list(self.buckets)[: len(self.buckets) // 2]:
            del self.buckets[who]


def header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers") or []:
        if key.lower() == name:
            return value.decode("latin-1")
    return ""


async def read_body(receive: Receive, limit: int) -> tuple[bytes, bool] | None:
    """Read a request body up to `limit` bytes: (body, whole?), or None if the client left.

    Reading stops past the limit (`whole` is False): nothing larger is ever held.
    """
    body = bytearray()
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        body.extend(message.get("body", b""))
        if len(body) > limit:
            return bytes(body), False
        if not message.get("more_body", False):
            return bytes(body), True


def replaying(body: bytes, receive: Receive) -> Receive:
    """A `receive` that hands the app a body already read, then the client's own messages."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


def bearer(scope: Scope) -> str | None:
    """The bearer token of a request, if any."""
    value = header(scope, b"authorization")
    return value[7:].strip() if value.lower().startswith("bearer ") else None


def client_of(scope: Scope) -> str:
    """The client's address (the peer; no proxy header is trusted)."""
    client = scope.get("client")
    return str(client[0]) if client else "local"


async def refuse(send: Send, status: int, code: str, message: str,
                 retry_after: int | None = None) -> None:
    """Answer with the API's JSON error shape (and Retry-After for 429)."""
    body = json.dumps({"error": {"code": code, "message": message}}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if retry_after is not None:
        headers.append((b"retry-after", str(retry_after).encode()))
    if status == 401:
        headers.append((b"www-authenticate", b'Bearer realm="assistant"'))
    if status in (401, 413):
        headers.append((b"connection", b"close"))  # the unread body is not worth draining
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _bucket(scope: Scope, path: str, client: str, keys: Keys) -> str | None:
    """The rate-limit bucket of a POST outside the JSON API (which limits per key itself)."""
    if path.rstrip("/").endswith("/login"):
        return f"login:{client}"
    if path.rstrip("/").endswith("/mcp"):
        return f"mcp:{bearer(scope) or client}"
    if "/gradio_api/" in path and keys is None:
        # with keys, the UI's login binder limits per key (a cookie is no identity of its own)
        return f"ui:{client}"
    return None


class RequestGuard:
    """ASGI middleware: key before body, bodies counted as they stream, rate limits everywhere.

    Args:
        app: the wrapped application.
        keys: the configured keys (None: open access on loopback).
        limiter: the per-caller rate limiter shared with the API's key checks.
        max_bytes: the largest request body.
        protected: path prefixes whose requests need a valid key (checked before the body).
    """

    def __init__(self, app: ASGIApp, keys: Keys, limiter: RateLimiter, max_bytes: int,
                 protected: tuple[str, ...] = ("/v1/",)) -> None:
        self.app = app
        self.keys = keys
        self.limiter = limiter
        self.max_bytes = max_bytes
        self.protected = protected

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refused = self._refusal(scope)
        if refused is not None:
            await refuse(send, *refused)
            return
        await self._counted(scope, receive, send)

    def _refusal(self, scope: Scope) -> tuple | None:
        """Why this request is refused before its body is read (None: go on)."""
        path = scope.get("path", "")
        client = client_of(scope)
        if self.keys is not None and path.startswith(self.protected):
            try:
                authenticate(bearer(scope), self.keys)
            except AuthError as exc:
                wait = self.limiter.check(f"auth-fail:{client}")
                if wait:
                    return (429, "rate_limited", "too many failed authentications: retry later", wait)
                return (401, "unauthorized", str(exc), None)
        bucket = _bucket(scope, path, client, self.keys) if scope.get("method") == "POST" else None
        if bucket is not None:
            wait = self.limiter.check(bucket)
            if wait:
                return (429, "rate_limited", "rate limit exceeded: slow down and retry later", wait)
        length = header(scope, b"content-length")
        if length.isdigit() and int(length) > self.max_bytes:
            return (413, "request_too_large", f"request body over {self.max_bytes} bytes", None)
        return None

    async def _counted(self, scope: Scope, receive: Receive, send: Send) -> None:
        seen = 0
        answered = started = False

        async def counting_receive() -> Message:
            nonlocal seen, answered
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    if not answered and not started:
                        answered = True
                        await refuse(send, 413, "request_too_large",
                                     f"request body over {self.max_bytes} bytes")
                    # the app sees a client that went away: it stops reading and answers nothing
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if answered:
                return
            started = True
            await send(message)

        await self.app(scope, counting_receive, guarded_send)
