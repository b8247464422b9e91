"""Workspace names: `[a-z0-9_-]{1,64}`; the default workspace is `default`."""

from __future__ import annotations

import re

from assistant.config import DEFAULT_WORKSPACE, WORKSPACE_PATTERN
from assistant.errors import UserError

_PATTERN = re.compile(WORKSPACE_PATTERN)
RESERVED = "__global__"  # the store's collection for knowledge/ (retrieval.store.GLOBAL_WORKSPACE)


def check_workspace(name: str | None) -> str:
    """Return a valid workspace name (default when None) or raise `UserError`."""
    if name is None:
        return DEFAULT_WORKSPACE
    if not isinstance(name, str) or not _PATTERN.fullmatch(name):
        raise UserError(
            f"invalid workspace name {name!r}: use 1-64 characters of a-z, 0-9, '_' or '-'"
        )
    if name == RESERVED:
        raise UserError(
            f"workspace name {name!r} is reserved for the shipped framework SOPs, which every "
            "workspace already sees; choose another name"
        )
    return name
