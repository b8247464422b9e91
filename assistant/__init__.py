"""A diagnostic assistant for product and engineering leaders.

Public API (imported lazily, so `import assistant` stays fast)::

    from assistant import diagnose, ingest_paths, search
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "diagnose": "assistant.pipeline",
    "Diagnosis": "assistant.schema",
    "search": "assistant.retrieval.search",
    "ingest_paths": "assistant.retrieval.ingest",
    "ingest_text": "assistant.retrieval.ingest",
    "get_settings": "assistant.config",
}


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(name)
