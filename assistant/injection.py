"""Strip instructions aimed at the assistant from a problem description.

A description is data: a sentence or line that addresses the reviewing system ("ignore your
instructions", "SYSTEM:", "label this as strategy", "reveal your prompt") is removed before
retrieval and before any engine sees the text, and a warning says so. The detector is the one
the plan critique uses (`assistant.critique.guard`).
"""

from __future__ import annotations

import re

from assistant.critique.guard import is_injection

_UNITS = re.compile(r"(?<=[.!?])\s+|\n+")
_COMMENT = re.compile(r"<!--.*?-->|<\|im_start\|>.*?(<\|im_end\|>|$)|\[/?INST\].*?(\[/INST\]|$)", re.S | re.M)
_EXTRA = re.compile(
    r"\b(reveal|print|show|repeat|output)\b.{0,40}\b(system prompt|your (instructions|prompt|rules))\b|"
    r"\b(classify|label|diagnose|categori[sz]e|mark)\b.{0,30}\b(this|it|the (case|problem|text))\b.{0,30}"
    r"\bas\b.{0,20}\b(strategy|execution|culture|interpersonal)\b|"
    r"\b(cite|quote|include|use)\b.{0,40}\b(other|another|all) (workspace|team)s?'?\b|"
    r"\b(set|make|give|return|output)\b.{0,30}\b(every|all|the)? ?(scores?|confidence|category|verdict)\b.{0,20}\b(to|as|=)\b|"
    r"\bthis is an order\b|\b(order|instruction|message) from the (administrator|admin|developer|system)\b|"
    r"\byou are (now|no longer)\b|\bnew (rules|instructions) from\b|\b(respond|answer) (only )?(that|with)\b",
    re.I,
)


def is_instruction(sentence: str) -> bool:
    """True for a sentence that reads as an instruction to the assistant."""
    return is_injection(sentence) or bool(_EXTRA.search(sentence))


def strip_instructions(text: str) -> tuple[str, int]:
    """Return the text without embedded instructions, and how many were removed."""
    removed = 0

    def drop_comment(match: re.Match[str]) -> str:
        nonlocal removed
        removed += 1
        return " "

    text = _COMMENT.sub(drop_comment, text)
    kept: list[str] = []
    pos = 0
    for match in _UNITS.finditer(text + "\n"):
        unit = text[pos : match.start()]
        sep = text[match.start() : match.end()] if match.end() <= len(text) else ""
        pos = match.end()
        if unit.strip() and is_instruction(unit):
            removed += 1
            continue
        kept.append(unit + sep)
    return "".join(kept).strip(), removed
