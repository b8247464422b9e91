"""Who is using the UI: the Gradio login (the API key is the password) and its workspaces.

Gradio's login keeps only the user name of a session, so the key a name logged in with is
remembered here: a name stays tied to the first key it used until the process restarts, and
a login with the same name but another key is refused (otherwise one key's login could widen
another session's workspaces). With no keys configured everyone is the open principal.

This module does not import gradio.
"""

from __future__ import annotations

import hmac
import threading
from collections.abc import Mapping

from assistant.auth import OPEN, AuthError, Principal, authenticate, load_keys
from assistant.config import DEFAULT_WORKSPACE

Keys = Mapping[str, frozenset[str]]


class KeyLogin:
    """The `auth` callable for Gradio (user name + API key) and the session -> key lookup."""

    def __init__(self, keys: Keys | None) -> None:
        self.keys = dict(keys) if keys is not None else None
        self._bound: dict[str, str] = {}
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
        """Gradio's auth check: is `password` a configured key, usable under `username`?"""
        if self.keys is None:
            return True
        name = (username or "").strip()
        if not name or not password:
            return False
        try:
            authenticate(password, self.keys)
        except AuthError:
            return False
        with self._lock:
            bound = self._bound.setdefault(name, password)
        return hmac.compare_digest(bound.encode(), password.encode())

    def principal(self, request: object | None) -> Principal:
        """The principal of a Gradio request (its `username` maps to the key it logged in with).

        Raises:
            AuthError: keys are configured and the request has no logged-in user.
        """
        if self.keys is None:
            return OPEN
        name = getattr(request, "username", None) if request is not None else None
        with self._lock:
            key = self._bound.get(name) if name else None
        if key is None:
            raise AuthError("log in with your API key first")
        return authenticate(key, self.keys)


def workspace_choices(principal: Principal) -> tuple[list[str], str, bool]:
    """(choices, default, may type a new name) for the workspace picker of a principal."""
    visible = principal.visible()
    if visible is None:
        return [DEFAULT_WORKSPACE], DEFAULT_WORKSPACE, True
    choices = sorted(visible)
    return choices, principal.workspace(None), False


def who(principal: Principal) -> str:
    """A short line saying who is signed in and what they may see."""
    visible = principal.visible()
    if visible is None:
        return "Open access: no API keys configured, so this UI listens on loopback only."
    names = ", ".join(sorted(visible))
    return f"Signed in with key {principal.key_id}: workspaces {names}."
