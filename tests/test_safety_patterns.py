"""Safety patterns belong to a kind, never to one case: no pattern may hold a phrase of five or
more words taken from any eval case (every text under evals/)."""

from __future__ import annotations

import json
import re

from assistant.cases import evals_dir
from assistant.engines.safety import _PATTERNS

_WORD = re.compile(r"[a-z']+")


def _fragments(pattern: str) -> list[str]:
    """The literal runs of a regex: what it spells out word for word."""
    text = re.sub(r"\\[bBwWsSdD]", " ", pattern.lower())
    text = re.sub(r"\{\d*,?\d*\}|\\.", " ", text)
    return [f for f in re.split(r"[|()\[\]?*+.^$]", text) if f.strip()]


def _case_texts() -> list[str]:
    texts = []
    for path in sorted(evals_dir().rglob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                case = json.loads(line)
                texts += [v for k, v in case.items() if k in ("text", "base", "injection") and isinstance(v, str)]
    return texts


def test_no_pattern_holds_five_words_of_an_eval_case():
    runs = {" ".join(_WORD.findall(f)) for p in (x for v in _PATTERNS.values() for x in v)
            for f in _fragments(p)}
    runs = {r for r in runs if len(r.split()) >= 5}
    grams = set()
    for text in _case_texts():
        words = _WORD.findall(text.lower())
        grams.update(" ".join(words[i:i + 5]) for i in range(len(words) - 4))
    copied = sorted({g for r in runs for g in grams if g in r})
    assert copied == [], copied


def test_the_check_finds_a_copied_phrase():
    assert any("won't be a problem much" in " ".join(_WORD.findall(f))
               for f in _fragments(r"\bwon't be a problem much longer\b"))
