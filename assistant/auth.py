"""API keys and the workspaces each may use, shared by every face (API, UI, MCP over HTTP).

`ASSISTANT_API_KEYS_FILE` names a JSON file mapping each key to its workspaces, e.g.
`{"key-a": ["team-a"], "key-b": ["team-b", "shared"]}`. With no file configured there are no
keys: every workspace is open, and servers refuse to bind anything but loopback.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
from dataclasses import dataclass
from pathlib import Path

from assistant.config import DEFAULT_WORKSPACE, get_settings
from assistant.errors import AuthError, ConfigError, ForbiddenError
from assistant.workspaces import check_workspace

__all__ = ["OPEN", "AuthError", "ForbiddenError", "Principal", "authenticate", "check_bind",
           "is_loopback", "load_keys"]


@dataclass(frozen=True)
class Principal:
    """Who is calling: a key (or nobody when no keys are configured) and its workspaces."""

    key_id: str | None
    workspaces: frozenset[str] | None  # None: every workspace (no keys configured)

    def workspace(self, requested: str | None) -> str:
        """The workspace to use for a request; refuses ones the key may not use."""
        if requested is None:
            if self.workspaces is None or DEFAULT_WORKSPACE in self.workspaces:
                return DEFAULT_WORKSPACE
            return sorted(self.workspaces)[0]
        name = check_workspace(requested)
        if self.workspaces is not None and name not in self.workspaces:
            raise ForbiddenError(f"this key may not use workspace '{name}'")
        return name

    def visible(self) -> set[str] | None:
        return None if self.workspaces is None else set(self.workspaces)


OPEN = Principal(None, None)


MIN_KEY_CHARS = 16  # shorter keys are guessable; the rate limit alone does not make them safe


def load_keys(path: Path | None = None) -> dict[str, frozenset[str]] | None:
    """The configured keys, or None when no keys file is set."""
    path = path or get_settings().api_keys_file
    if path is None:
        return None
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ConfigError(f"ASSISTANT_API_KEYS_FILE {path}: cannot be read as JSON ({exc})") from exc
    if not isinstance(data, dict) or not data:
        raise ConfigError(f"ASSISTANT_API_KEYS_FILE {path}: must map each key to a list of workspaces")
    keys = {}
    for key, workspaces in data.items():
        if not isinstance(key, str) or len(key) < MIN_KEY_CHARS:
            raise ConfigError(f"ASSISTANT_API_KEYS_FILE {path}: every key needs at least "
                              f"{MIN_KEY_CHARS} characters (one has {len(str(key))}); "
                              "generate one with: python -c 'import secrets; print(secrets.token_urlsafe(24))'")
        if not isinstance(workspaces, list) or not workspaces:
            raise ConfigError(f"ASSISTANT_API_KEYS_FILE {path}: each key needs a non-empty list of workspaces")
        keys[key] = frozenset(check_workspace(w) for w in workspaces)
    return keys


def authenticate(token: str | None, keys: dict[str, frozenset[str]] | None) -> Principal:
    """The principal for a bearer token (constant-time comparison)."""
    if keys is None:
        return OPEN
    if not token:
        raise AuthError("missing API key: send Authorization: Bearer <key>")
    for key, workspaces in keys.items():
        if hmac.compare_digest(token.encode(), key.encode()):
            return Principal(f"key-{hashlib.sha256(key.encode()).hexdigest()[:16]}", workspaces)
    raise AuthError("unknown API key")


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and localhost."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_bind(host: str, keys: dict[str, frozenset[str]] | None) -> None:
    """Refuse to bind anything but loopback when no API keys are configured."""
    if keys is None and not is_loopback(host):
        raise ConfigError(
            f"refusing to listen on {host} without API keys: set ASSISTANT_API_KEYS_FILE, "
            "or bind 127.0.0.1"
        )
