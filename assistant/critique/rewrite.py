"""Apply a suggested rewrite to a plan's text, so the check it targets can judge the result."""

from __future__ import annotations

import re

# a list marker ('- ', '2. '): a line's key leaves it out, and fixes.py drops it from an item it
# rewrites, so the rewrite still replaces that item
LIST_MARKER = re.compile(r"^(?:[-*•+]|\d{1,2}[.)])\s+")
PLACEHOLDER = re.compile(r"<([^<>\n]{1,60})>")
_STAND_INS = (
    (re.compile(r"name|owner|person|who|lead|dri|decid|approv"), "Alex Morgan"),
    (re.compile(r"date|when|deadline|day|week|month|by\b"), "30 Sep 2026"),
    (re.compile(r"number|%|percent|baseline|target|value|amount|\bn\b|\bx\b"), "40%"),
)


def line_key(line: str) -> str:
    """What identifies a line a rewrite may replace: a table row's first cell, else the text
    without its list marker ("" for headings, separators and short lines)."""
    text = line.strip()
    if text.startswith("|"):
        first = text.strip("|").split("|")[0].strip().lower()
        return "" if set(first) <= set("-: ") else "|" + first
    text = LIST_MARKER.sub("", text).lower()
    return "" if line.lstrip().startswith("#") or len(text) < 12 else text


def _stand_in(match: re.Match[str]) -> str:
    what = match.group(1).lower()
    for pattern, value in _STAND_INS:
        if pattern.search(what):
            return value
    return match.group(1)


def apply_suggestion(text: str, suggestion: str) -> list[str]:
    """The plan's lines with a suggestion applied.

    A <placeholder> is a fact for the author to fill in, so it is tested with a plausible
    stand-in (a name, a date, a percentage). A table row whose first cell names a row of the
    plan replaces that row, and a line that extends a line of the plan replaces it (how an
    owner, a baseline or a date is added); every other line is appended after a blank line.
    """
    lines = text.split("\n")
    keys = [line_key(ln) for ln in lines]
    extra = []
    for line in PLACEHOLDER.sub(_stand_in, suggestion).split("\n"):
        key = line_key(line)
        hit = [
            i for i, k in enumerate(keys) if k and (k == key if k[0] == "|" else key.startswith(k))
        ]
        if key and hit:
            lines[hit[0]] = line
        else:
            extra.append(line)
    return [*lines, "", *extra] if extra else lines
