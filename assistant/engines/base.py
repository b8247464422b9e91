"""The engine interface and the name -> class registry.

Built-in engines register themselves exactly as a plugin would, with `@register("name")`.
"""

from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from dataclasses import dataclass, field

from assistant.errors import ConfigError
from assistant.retrieval.search import SearchHit
from assistant.schema import Diagnosis, HistoryMessage


@dataclass
class DiagnoseRequest:
    """What an engine is asked: the conversation so far, its workspace, retrieved context."""

    text: str
    history: list[HistoryMessage] = field(default_factory=list)
    workspace: str = "default"
    step_hits: list[SearchHit] = field(default_factory=list)
    plan_hits: list[SearchHit] = field(default_factory=list)
    plans: list = field(default_factory=list)  # plan_evidence.PlanDoc: the plans this diagnosis reads
    # the new text read as a short answer to the assistant's questions (answers.py): (category,
    # +1 / -1) per answered question; None when it is not such an answer
    answers: list[tuple[str, int]] | None = None
    # the language the user text seems to be in when it is not English (language.py): the
    # embedded engine names no cause then
    language: str | None = None

    @property
    def user_text(self) -> str:
        """Every user turn of the exchange plus the new text, in order (what the safety screen
        reads, what is stored, what an LLM is shown)."""
        turns = [m.content for m in self.history if m.role == "user"]
        if not turns or turns[-1] != self.text:
            turns.append(self.text)
        return "\n".join(turns)

    @property
    def description(self) -> str:
        """What the embedded classifier reads and quotes: the user turns, without a short answer to
        the assistant's questions ("yes" says nothing about the organisation by itself; the answer
        moves the decision through `answers`)."""
        if self.answers is None:
            return self.user_text
        turns = [m.content for m in self.history if m.role == "user"]
        return "\n".join(turns) or self.text


class Engine(ABC):
    """A diagnosis engine. Subclasses implement `diagnose`."""

    name: str = "base"

    @abstractmethod
    def diagnose(self, request: DiagnoseRequest) -> Diagnosis:
        """Return a Diagnosis for the request."""


_REGISTRY: dict[str, type[Engine]] = {}
_BUILTINS = {
    "local": "assistant.engines.local",
    "llm": "assistant.engines.llm",
    "fake": "assistant.engines.fake",
}
_INSTANCES: dict[str, Engine] = {}


def register(name: str):
    """Class decorator: make an engine available under `name`."""

    def wrap(cls: type[Engine]) -> type[Engine]:
        cls.name = name
        _REGISTRY[name] = cls
        return cls

    return wrap


def available_engines() -> list[str]:
    """Names of the registered and built-in engines."""
    return sorted(set(_REGISTRY) | set(_BUILTINS))


def get_engine(name: str) -> Engine:
    """The engine instance for `name` (created once per process)."""
    if name not in _REGISTRY and name in _BUILTINS:
        importlib.import_module(_BUILTINS[name])
    if name not in _REGISTRY:
        raise ConfigError(f"unknown engine '{name}'; choose one of {', '.join(available_engines())}")
    if name not in _INSTANCES:
        _INSTANCES[name] = _REGISTRY[name]()
    return _INSTANCES[name]


def reset_engines() -> None:
    """Forget engine instances (tests)."""
    _INSTANCES.clear()
