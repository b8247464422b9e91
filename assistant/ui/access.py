"""Who is using the UI: the Gradio login (the API key is the password) and its workspaces.

Gradio's login keeps only the user name of a session. Tying a name to the first key that used
it let anyone squat another team's user name, so sessions are tied to keys instead:
`LoginBinder` watches Gradio's /login route and records which key each login's access-token
cookie was issued for; `KeyLogin.principal` reads that cookie back on every event. Any user name
works, and two people with different keys may use the same one. With no keys configured
everyone is the open principal.

This module does not import gradio.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping

from assistant.auth import OPEN, AuthError, Principal, authenticate, load_keys
from assistant.config import DEFAULT_WORKSPACE
from assistant.limits import header, read_body, refuse, replaying

Keys = Mapping[str, frozenset[str]]


class KeyLogin:
    """The `auth` callable for Gradio (user name + API key) and the session -> key lookup."""

    def __init__(self, keys: Keys | None, max_sessions: int = 100_000) -> None:
        self.keys = dict(keys) if keys is not None else None
        self._sessions: OrderedDict[str, str] = OrderedDict()  # access token -> key
        self._ended: OrderedDict[str, None] = OrderedDict()  # tokens of logged-out sessions
        self._max_sessions = max_sessions
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls) -> KeyLogin:
        """A login for the keys in ASSISTANT_API_KEYS_FILE (none configured: open access)."""
        return cls(load_keys())

    @property
    def required(self) -> bool:
        """True when keys are configured, so the UI needs a login."""
        return self.keys is not None

    def __call__(self, username: str, password: str) -> bool:
        """Gradio's auth check: is `password` a configured key (any user name)?"""
        if self.keys is None:
            return True
        if not (username or "").strip() or not password:
            return False
        try:
            authenticate(password, self.keys)
        except AuthError:
            return False
        return True

    def bind_session(self, token: str, key: str) -> None:
        """Record that the login holding access token `token` was made with `key`."""
        if self.keys is None or not token:
            return
        try:
            authenticate(key, self.keys)
        except AuthError:
            return
        with self._lock:
            self._sessions[token] = key
            self._sessions.move_to_end(token)
            while len(self._sessions) > self._max_sessions:
                self._sessions.popitem(last=False)

    def principal(self, request: object | None) -> Principal:
        """The principal of a Gradio request: the key its login cookie was issued for.

        Raises:
            AuthError: keys are configured and the request carries no known login.
        """
        if self.keys is None:
            return OPEN
        headers = getattr(request, "headers", None) if request is not None else None
        key = self.key_for(headers.get("cookie", "") if headers is not None else "")
        if key is None:
            raise AuthError("log in with your API key first")
        return authenticate(key, self.keys)

    def end_sessions(self, cookie_header: str) -> None:
        """Forget the logins a request's cookies hold (its own logout); those tokens stay ended
        (Gradio's own logout forgets only the secure cookie's token, not the one it sets over
        plain HTTP)."""
        with self._lock:
            for token in login_tokens(cookie_header):
                self._sessions.pop(token, None)
                self._ended[token] = None
            while len(self._ended) > self._max_sessions:
                self._ended.popitem(last=False)

    def ended(self, cookie_header: str) -> set[str]:
        """The logged-out login tokens a request carries."""
        with self._lock:
            return {t for t in login_tokens(cookie_header) if t in self._ended}

    def key_for(self, cookie_header: str) -> str | None:
        """The key a request's login cookie was issued for (None: no bound login)."""
        with self._lock:
            return next((self._sessions[t] for t in login_tokens(cookie_header)
                         if t in self._sessions), None)


def access_token_cookies(cookie_header: str) -> list[tuple[str, str]]:
    """(name, value) of Gradio's access-token cookies in a Cookie header."""
    return [(name, value) for name, value in _cookies(cookie_header) if name.startswith("access-token") and value]


def _cookies(cookie_header: str) -> list[tuple[str, str]]:
    """(name, value) of every cookie in a Cookie header."""
    out = []
    for part in cookie_header.split(";"):
        name, _, value = part.strip().partition("=")
        if name:
            out.append((name, value))
    return out


def login_tokens(cookie_header: str) -> list[str]:
    """The values of Gradio's access-token cookies in a Cookie header."""
    return [value for _, value in access_token_cookies(cookie_header)]


class LoginBinder:
    """ASGI middleware: tie each successful Gradio login's access-token cookie to its key."""

    def __init__(self, app, login: KeyLogin, limiter=None) -> None:
        self.app = app
        self.login = login
        self.limiter = limiter  # per key on UI events (limits.RateLimiter), when given

    async def __call__(self, scope, receive, send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if scope.get("method") == "GET" and self.login.required and path.rstrip("/").endswith("/logout"):
            # Gradio's logout ends every session of the caller's user name by default, and user
            # names are free text: another key's holder could log in under the same name and end
            # those sessions. A logout ends only the caller's own session.
            self.login.end_sessions(header(scope, b"cookie"))
            scope = {**scope, "query_string": b"all_session=false"}
            await self.app(scope, receive, send)
            return
        cookies = header(scope, b"cookie") if scope["type"] == "http" and self.login.required else ""
        if cookies and (gone := self.login.ended(cookies)):
            # a logged-out token opens nothing: its cookies are taken off before Gradio reads them
            kept = [(k, v) for k, v in scope.get("headers") or [] if k.lower() != b"cookie"]
            cookie = "; ".join(f"{n}={v}" for n, v in _cookies(cookies)
                               if not (n.startswith("access-token") and v in gone))
            scope = {**scope, "headers": kept + ([(b"cookie", cookie.encode("latin-1"))] if cookie else [])}
        if scope.get("method") != "POST" or not self.login.required:
            await self.app(scope, receive, send)
            return
        if "/gradio_api/" in path:
            await self._event(scope, receive, send)
            return
        if not path.rstrip("/").endswith("/login"):
            await self.app(scope, receive, send)
            return
        read = await read_body(receive, _MAX_LOGIN_BYTES)
        if read is None:
            return
        body = read[0]  # a login form past the cap is cut there: nobody's password is that long
        key = await _password(scope, body)

        async def watch(message) -> None:
            if message["type"] == "http.response.start" and message["status"] in (200, 302, 303):
                for name, value in message.get("headers") or []:
                    if name.lower() == b"set-cookie":
                        for token in login_tokens(value.decode("latin-1").split(";")[0]):
                            self.login.bind_session(token, key)
            await send(message)

        await self.app(scope, replaying(body, receive), watch)


    async def _event(self, scope, receive, send) -> None:
        """Every POST to Gradio's routes needs a login bound to a key, before its body is read
        (Gradio leaves some, such as /gradio_api/stream, /cancel and /reset, open), and is
        rate-limited per key: a junk cookie buys neither a session nor a fresh bucket."""
        key = self.login.key_for(header(scope, b"cookie"))
        if key is None:
            await refuse(send, 401, "unauthorized", "log in with your API key first")
            return
        if self.limiter is not None:
            wait = self.limiter.check(f"ui:{authenticate(key, self.login.keys).key_id}")
            if wait:
                await refuse(send, 429, "rate_limited", "rate limit exceeded: slow down", wait)
                return
        await self.app(scope, receive, send)


_MAX_LOGIN_BYTES = 64 * 1024


async def _password(scope, body: bytes) -> str:
    """The password field of a login form (urlencoded, as scripts send it, or multipart, as
    Gradio's login page does)."""
    from starlette.requests import Request

    async def once():
        return {"type": "http.request", "body": body, "more_body": False}

    try:
        form = await Request(scope, once).form()
    except Exception:  # a malformed form logs nobody in; Gradio answers it itself
        return ""
    value = form.get("password")
    return value if isinstance(value, str) else ""


def workspace_choices(principal: Principal) -> tuple[list[str], str, bool]:
    """(choices, default, may type a new name) for the workspace picker of a principal."""
    visible = principal.visible()
    if visible is None:  # open access: every workspace that exists, and a new name may be typed
        return sorted({DEFAULT_WORKSPACE, *_existing_workspaces()}), DEFAULT_WORKSPACE, True
    choices = sorted(visible)
    return choices, principal.workspace(None), False


def _existing_workspaces() -> list[str]:
    from assistant.errors import AssistantError
    from assistant.retrieval.store import get_store

    try:
        return get_store().workspaces()
    except AssistantError:  # a store that cannot be listed offers the default only
        return []


def who(principal: Principal) -> str:
    """A short line saying who is signed in and what they may see."""
    visible = principal.visible()
    if visible is None:
        return "Open access: no API keys configured, so this UI listens on loopback only."
    names = ", ".join(sorted(visible))
    return f"Signed in with key {principal.key_id}: workspaces {names}."
