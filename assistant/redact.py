"""Replace person names with placeholders before text leaves for an external LLM.

A name is a capitalised word that is not a common word, month, day or title and that
appears at least once inside a sentence; a word seen only at the start of sentences is
ambiguous ("Priya" or "Nobody") and is kept, unless it is joined by "and"/"&" to a name
("Priya and Tom fell out"). Each distinct name gets one placeholder, and the mapping is
kept so the reply can be turned back (`restore`).
"""

from __future__ import annotations

import re

_NOT_NAMES = {
    "I", "I'm", "I've", "I'd", "OK", "Q1", "Q2", "Q3", "Q4", "CEO", "CTO", "CPO", "CFO", "COO", "VP",
    "PM", "EM", "HR", "QA", "UX", "UI", "API", "OKR", "OKRs", "KPI", "Slack", "Jira", "Linear",
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January",
    "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December", "The", "A", "An", "And", "But", "Or", "So", "Then", "When", "If",
    "We", "They", "He", "She", "It", "Our", "My", "Their", "His", "Her", "This", "That",
    "Engineering", "Product", "Design", "Sales", "Marketing", "Support", "Ops", "Finance",
    "Legal", "Platform", "Data", "Mobile", "Web", "Backend", "Frontend", "Infra", "Security",
    "Head", "Director", "Manager", "Lead", "Team", "Board", "Christmas", "Easter", "English",
}
_WORD = re.compile(r"\b[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?\b")
_PAIR = re.compile(r"\b([A-Z][a-z]+) (?:and|&) ([A-Z][a-z]+)\b")
_SENTENCE_START = re.compile(r"(^|[.!?:\n]\s*|[\"“(]\s*)$")


def _names(text: str) -> set[str]:
    """Capitalised words used as names somewhere in the text."""
    names = {m.group(0) for m in _WORD.finditer(text)
             if m.group(0) not in _NOT_NAMES and not _SENTENCE_START.search(text[: m.start()])}
    for first, second in _PAIR.findall(text):  # "Priya and Tom ..." at a sentence start
        if second in names and first not in _NOT_NAMES:
            names.add(first)
    return names


def redact(text: str) -> tuple[str, dict[str, str]]:
    """Return (redacted text, placeholder -> original name)."""
    names = _names(text)
    mapping: dict[str, str] = {}
    reverse: dict[str, str] = {}
    out, last = [], 0
    for match in _WORD.finditer(text):
        word = match.group(0)
        if word not in names:
            continue
        if word not in reverse:
            placeholder = f"Person{chr(ord('A') + len(reverse) % 26)}{len(reverse) // 26 or ''}"
            reverse[word] = placeholder
            mapping[placeholder] = word
        out.append(text[last : match.start()])
        out.append(reverse[word])
        last = match.end()
    out.append(text[last:])
    return "".join(out), mapping


def restore(text: str, mapping: dict[str, str]) -> str:
    """Put the original names back into a text the LLM wrote."""
    for placeholder in sorted(mapping, key=len, reverse=True):
        text = text.replace(placeholder, mapping[placeholder])
    return text
