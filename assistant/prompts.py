"""Prompt templates are files in prompts/, rendered with named variables.

A missing or unused variable is an error, so a template and its caller cannot drift apart.
"""

from __future__ import annotations

import string
from functools import lru_cache
from pathlib import Path

from assistant.errors import ConfigError
from assistant.paths import data_folder


def prompts_dir() -> Path:
    """The prompts folder of the checkout or the installation."""
    return data_folder("prompts")


@lru_cache(maxsize=32)
def load(name: str) -> str:
    """The text of prompts/<name>."""
    path = prompts_dir() / name
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"prompt template {path} cannot be read: {exc}") from exc


def variables(template: str) -> set[str]:
    """The named variables a template uses."""
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


def render(name: str, **values: object) -> str:
    """Render prompts/<name> with exactly its variables."""
    template = load(name)
    needed = variables(template)
    missing, extra = needed - set(values), set(values) - needed
    if missing or extra:
        raise ConfigError(
            f"prompt {name}: missing variables {sorted(missing)}, unexpected {sorted(extra)}"
        )
    return template.format(**values)
