"""Where the shipped data lives: a checkout's top-level folders, or the installed copy."""

from __future__ import annotations

import sys
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parent.parent


def data_folder(name: str) -> Path:
    """Return the folder `name` (knowledge, prompts, evals) of the checkout or installation.

    A checkout (or editable install) uses the top-level folder next to `assistant/`; a wheel
    install finds the copy under `<prefix>/share/assistant/`.
    """
    local = _CHECKOUT / name
    if local.is_dir():
        return local
    for prefix in (sys.prefix, sys.base_prefix):
        shared = Path(prefix) / "share" / "assistant" / name
        if shared.is_dir():
            return shared
    return local
