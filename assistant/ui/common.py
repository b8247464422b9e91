"""What every tab shares: readable errors, the caller's workspace and engine, the look."""

from __future__ import annotations

import atexit
import functools
import logging
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.auth import AuthError, ForbiddenError
from assistant.errors import (
    AssistantError,
    ConfigError,
    EmptyTextError,
    EngineError,
    NotAPlanError,
    NotFoundError,
    StoreError,
    TextTooLongError,
    UnsupportedFileError,
)
from assistant.ui.access import KeyLogin

log = logging.getLogger("assistant.ui")
ENGINE_CHOICES = ["auto", "local", "llm"]
PRIVATE: dict[str, Any] = {"api_visibility": "private"}
_TITLES: tuple[tuple[type[AssistantError], str], ...] = (
    (EmptyTextError, "Nothing to work on"),
    (TextTooLongError, "Too long"),
    (UnsupportedFileError, "Cannot read that file"),
    (NotAPlanError, "Not a plan"),
    (AuthError, "Please log in"),
    (ForbiddenError, "Not allowed"),
    (NotFoundError, "Not found"),
    (ConfigError, "Configuration"),
    (StoreError, "Store unavailable"),
    (EngineError, "Engine failed"),
)


def error_title(exc: AssistantError) -> str:
    """A short heading for an error's toast."""
    for cls, title in _TITLES:
        if isinstance(exc, cls):
            return title
    return "Cannot do that"


def as_gr_error(exc: Exception, for_html: bool = True) -> gr.Error:
    """The gr.Error for an exception: its message when it is ours, never a trace.

    Toasts render HTML, so the message is escaped for them; API clients get it as it is.
    """
    if isinstance(exc, gr.Error):
        return exc
    if isinstance(exc, AssistantError):
        message = escape(str(exc)) if for_html else str(exc)
        return gr.Error(message, title=error_title(exc), print_exception=False)
    log.exception("unexpected error in the UI")
    return gr.Error("Something unexpected went wrong; the server log has the details.",
                    title="Unexpected error", print_exception=False)


def friendly(fn: Callable) -> Callable:
    """Decorate an API endpoint so errors reach the client as gr.Error with our message."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except Exception as exc:  # every failure becomes a message, never a stack trace
            raise as_gr_error(exc, for_html=False) from None

    return wrapper


def warn(exc: Exception) -> None:
    """Show an error as a toast (the page keeps its state; outputs are not marked failed)."""
    error = as_gr_error(exc)
    gr.Warning(error.message, title=error.title)


def skip_all(count: int) -> Any:
    """Leave `count` outputs as they are."""
    return gr.skip() if count == 1 else tuple(gr.skip() for _ in range(count))


def guarded(fn: Callable, outputs: int) -> Callable:
    """Wrap an event handler: on an error, a readable toast and no change to its outputs."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except Exception as exc:  # every failure becomes a message, never a stack trace
            warn(exc)
            return skip_all(outputs)

    return wrapper


def listen(trigger: Callable, fn: Callable, inputs: Any, outputs: Any, **kwargs: Any) -> Any:
    """Attach a guarded handler to an event, private to the Gradio API."""
    count = len(outputs) if isinstance(outputs, list | tuple) else int(outputs is not None)
    return trigger(guarded(fn, count), inputs, outputs, **{**PRIVATE, **kwargs})


def resolve_workspace(login: KeyLogin, request: gr.Request | None, requested: str | None) -> str:
    """The workspace a request may use (every call goes through Principal.workspace)."""
    principal = login.principal(request)
    return principal.workspace((requested or "").strip() or None)


def engine_arg(choice: str | None) -> str | None:
    """The engine name for the pipeline: None for auto (the settings decide)."""
    choice = (choice or "auto").strip()
    if choice not in ENGINE_CHOICES:
        raise ConfigError(f"unknown engine '{choice}'; choose auto, local or llm")
    return None if choice == "auto" else choice


def theme() -> gr.themes.Base:
    """The UI theme (local fonts only: nothing is fetched from the internet)."""
    return gr.themes.Soft(
        primary_hue="indigo",
        secondary_hue="slate",
        neutral_hue="slate",
        font=["Inter", "Segoe UI", "Helvetica Neue", "Arial", "sans-serif"],
        font_mono=["JetBrains Mono", "SFMono-Regular", "Menlo", "monospace"],
        radius_size="md",
    ).set(body_background_fill="#f6f7fb", block_radius="12px")


_SCRATCH: list[Path] = []
_SCRATCH_LOCK = threading.Lock()
SCRATCH_MAX_AGE = 3600  # seconds a download or plot copy stays on disk


def scratch_dir(sub: str = "") -> Path:
    """This process's private folder for files handed to Gradio (a critique download, an eval
    plot): made once with mode 0700 in the temp dir and removed at exit; files older than
    SCRATCH_MAX_AGE are deleted whenever it is asked for. Gradio copies a returned file into its
    own cache, so the copy here is needed only for a moment."""
    with _SCRATCH_LOCK:
        if not _SCRATCH:
            _SCRATCH.append(Path(tempfile.mkdtemp(prefix="org-assistant-ui-")))
            atexit.register(shutil.rmtree, _SCRATCH[0], True)
        root = _SCRATCH[0]
        cutoff = time.time() - SCRATCH_MAX_AGE
        for old in root.rglob("*"):
            try:
                if old.is_file() and old.stat().st_mtime < cutoff:
                    old.unlink()
            except OSError:
                pass
    target = root / sub if sub else root
    target.mkdir(parents=True, exist_ok=True)
    return target
