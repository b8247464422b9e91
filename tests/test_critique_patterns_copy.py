"""The critique's patterns belong to a kind of plan, never to one plan: no pattern of the
checker may spell out a run of four or more words taken from a plan of any eval set (every
plan text under evals/)."""

from __future__ import annotations

import importlib
import json
import pkgutil
import re

import assistant.critique
from assistant.cases import evals_dir

_WORD = re.compile(r"[a-z0-9']+")
_RUN = 4
# stock phrases of planning English, found in many plans and in no single one's wording alone
_STOCK = frozenset(
    {
        "from time to time",
        "objectives and key results",
        "things that matter most",
        "we are not doing",
        "what could go wrong",
        "what we will do",
    }
)


def _fragments(pattern: str) -> list[str]:
    """The literal runs of a regex: what it spells out word for word."""
    text = re.sub(r"\\[bBwWsSdD]", " ", pattern.lower())
    text = re.sub(r"\{\d*,?\d*\}|\\.|\(\?[:=!<]+|\[[^\]]*\]", " ", text)
    return [f for f in re.split(r"[|()?*+.^$]", text) if f.strip()]


def _patterns() -> list[str]:
    found: list[str] = []
    for info in pkgutil.iter_modules(assistant.critique.__path__):
        module = importlib.import_module(f"assistant.critique.{info.name}")
        for value in vars(module).values():
            values = value.values() if isinstance(value, dict) else [value]
            found += [v.pattern for v in values if isinstance(v, re.Pattern)]
    return found


def _plan_texts() -> list[str]:
    texts = []
    for path in sorted(evals_dir().rglob("*.jsonl")):
        if "plan" not in path.as_posix():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                case = json.loads(line)
                texts += [
                    v for k, v in case.items() if k in ("text", "plan") and isinstance(v, str)
                ]
    return texts


def _runs(patterns: list[str]) -> set[str]:
    words = {" ".join(_WORD.findall(f)) for p in patterns for f in _fragments(p)}
    return {w for w in words if len(w.split()) >= _RUN}


def test_no_critique_pattern_holds_four_words_of_an_eval_plan() -> None:
    runs = _runs(_patterns())
    assert runs, "no pattern found to check"
    grams: set[str] = set()
    for text in _plan_texts():
        words = _WORD.findall(text.lower())
        grams.update(" ".join(words[i : i + _RUN]) for i in range(len(words) - _RUN + 1))
    copied = sorted({g for r in runs for g in grams - _STOCK if f" {g} " in f" {r} "})
    assert copied == [], copied


def test_the_check_finds_a_copied_phrase() -> None:
    runs = _runs([r"\bwe will not enter the (?:retail|b2c) market\b"])
    assert any("will not enter the" in r for r in runs)
