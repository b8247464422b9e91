"""Only files the caller uploaded are ever read by a UI event.

Gradio moves every file named in an event's payload into its cache before the handler runs,
and its check that the file was uploaded by a user runs only when the Blocks were started with
`launch()`. Mounted into FastAPI (`assistant serve`) the check was skipped, so a logged-in user
could name any server path (`/proc/self/environ`, the keys file, the database) in a chat
message, a plan upload or a knowledge upload and read it back.

`UploadGuard` is our own check, in front of Gradio on every face: it records the paths that
Gradio's upload route hands back to each login session, and refuses (403) any event whose
payload names a file (a dict with a `path`) that this session did not upload.
It does not import gradio.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

from assistant.limits import (
    ASGIApp,
    Message,
    Receive,
    Scope,
    Send,
    header,
    read_body,
    refuse,
    replaying,
)
from assistant.ui.access import access_token_cookies

# every Gradio route that takes event data: the queue, the direct calls, and /stream/{event},
# which replaces a queued event's data (it must name only this session's files as well)
_EVENT_ROUTES = ("/gradio_api/queue/join", "/gradio_api/run/", "/gradio_api/call/",
                 "/gradio_api/api/", "/gradio_api/predict", "/gradio_api/process_recording",
                 "/gradio_api/stream/", "/gradio_api/cancel", "/gradio_api/reset")
_UPLOAD_ROUTE = "/gradio_api/upload"
_MAX_EVENT_BYTES = 1024 * 1024  # an event body carries text (within the text limit) and file references
_MAX_UPLOAD_RESPONSE = 1024 * 1024


class UploadRegistry:
    """Which files each login session uploaded (bounded: oldest sessions and files drop out)."""

    def __init__(self, max_sessions: int = 10_000, max_files: int = 1_000,
                 ttl_seconds: float = 24 * 3600) -> None:
        self.max_sessions = max_sessions
        self.max_files = max_files
        self.ttl = ttl_seconds
        self._files: OrderedDict[str, OrderedDict[str, float]] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, session: str, paths: list[str]) -> None:
        """Remember `paths` as uploaded by `session`."""
        now = time.monotonic()
        with self._lock:
            files = self._files.setdefault(session, OrderedDict())
            self._files.move_to_end(session)
            for path in paths:
                files[_canonical(path)] = now
                files.move_to_end(_canonical(path))
            while len(files) > self.max_files:
                files.popitem(last=False)
            while len(self._files) > self.max_sessions:
                self._files.popitem(last=False)

    def owns(self, session: str, path: str) -> bool:
        """True when `session` uploaded `path` (and not too long ago)."""
        with self._lock:
            stamp = self._files.get(session, {}).get(_canonical(path))
        return stamp is not None and time.monotonic() - stamp < self.ttl


def _canonical(path: str) -> str:
    return os.path.realpath(os.path.abspath(path))


def session_of(scope: Scope) -> str:
    """The caller's login session: Gradio's access-token cookies ("" when there is no login)."""
    cookies = access_token_cookies(header(scope, b"cookie"))
    return "|".join(sorted(f"{name}={value}" for name, value in cookies))


def file_refs(value: Any, depth: int = 0) -> Iterator[str]:
    """Every file reference in an event payload: the `path` of any dict holding one.

    Gradio reads a file (or fetches a URL) from `path`; its `url` is only a display link.
    """
    if depth > 64:
        yield "<too deep>"
        return
    if isinstance(value, dict):
        if "path" in value:
            ref = value["path"]
            yield ref if isinstance(ref, str) else repr(ref)
        for item in value.values():
            yield from file_refs(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            yield from file_refs(item, depth + 1)


def _is_gradio_route(path: str, routes: tuple[str, ...]) -> bool:
    return any(route in path for route in routes)


class UploadGuard:
    """ASGI middleware: record each session's uploads; refuse events naming any other file."""

    def __init__(self, app: ASGIApp, registry: UploadRegistry | None = None) -> None:
        self.app = app
        self.registry = registry or UploadRegistry()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") != "POST":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        if path.endswith(_UPLOAD_ROUTE) or path.endswith(_UPLOAD_ROUTE + "/"):
            await self._upload(scope, receive, send)
        elif _is_gradio_route(path, _EVENT_ROUTES):
            await self._event(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def _upload(self, scope: Scope, receive: Receive, send: Send) -> None:
        session = session_of(scope)
        status = 0
        body = bytearray()

        async def capture(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body" and status == 200:
                if len(body) < _MAX_UPLOAD_RESPONSE:
                    body.extend(message.get("body", b""))
                if not message.get("more_body"):
                    self._record(session, bytes(body))
            await send(message)

        await self.app(scope, receive, capture)

    def _record(self, session: str, body: bytes) -> None:
        try:
            paths = json.loads(body)
        except ValueError:
            return
        if isinstance(paths, list):
            self.registry.add(session, [p for p in paths if isinstance(p, str)])

    async def _event(self, scope: Scope, receive: Receive, send: Send) -> None:
        read = await read_body(receive, _MAX_EVENT_BYTES)
        if read is None:
            return
        body, whole = read
        if not whole:
            await refuse(send, 413, "request_too_large",
                         f"an event body may hold at most {_MAX_EVENT_BYTES} bytes")
            return
        problem = self._check(session_of(scope), body)
        if problem:
            await refuse(send, 403, "file_not_uploaded", problem)
            return
        await self.app(scope, replaying(body, receive), send)

    def _check(self, session: str, body: bytes) -> str | None:
        try:
            payload = json.loads(body) if body else None
        except (ValueError, RecursionError):
            return None  # not JSON: Gradio refuses it itself, and names no file
        # the whole payload: /call/v2 takes named arguments beside (not inside) "data"
        for ref in file_refs(payload):
            if not self.registry.owns(session, ref):
                return "a file in this request was not uploaded in this session: upload it first"
        return None
