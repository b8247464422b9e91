"""Text normalisation before the injection check and before any engine sees a description.

Two views of a text:

- `normalize_text(text)`: what the pipeline keeps and the engine reads. Unicode NFKC (fullwidth
  and mathematical letters become plain ones, ligatures are split), invisible format characters
  removed (zero-width spaces and joiners, bidi controls, soft hyphens, BOM, variation selectors,
  invisible "tag" characters), other control characters removed, line separators made newlines.
  Homoglyphs are left alone: a Russian description stays Russian.
- `fold_for_match(text)`: only for detection. The normalised text with letters that look Latin
  (Cyrillic "а", Greek "ο", small capitals, dotless i, ...) folded to Latin, Latin accents
  dropped and curly quotes made straight, so "ignоrе" (with Cyrillic о and е) matches "ignore".

Both are linear and cheap: ASCII text (the common case) takes a fast path.
"""

from __future__ import annotations

import re
import unicodedata

# Invisible format characters: soft hyphen, combining grapheme joiner, Arabic letter mark,
# Hangul fillers, Khmer vowel inherents, Mongolian selectors, zero-width space/joiners, LRM/RLM,
# bidi embeddings/overrides/isolates, word joiner and invisible operators, deprecated format
# controls, variation selectors, BOM, interlinear annotation, musical format controls, tags.
INVISIBLE_CLASS = (
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb\U0001d173-\U0001d17a"
    "\U000e0000-\U000e0fff"
)
INVISIBLE = re.compile(f"[{INVISIBLE_CLASS}]+")
# C0/C1 controls except tab, newline and carriage return
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f]+")
_LINE_SEPARATORS = re.compile("\r\n?|[\x85\u2028\u2029]")
_LATIN_MARKS = re.compile(r"(?<=[A-Za-z])[\u0300-\u036f]+")
_ACCENTED_LATIN = re.compile("[\u00c0-\u024f\u1e00-\u1eff]")

# Letters that render like Latin ones (the Unicode confusables that matter for English words).
_CONFUSABLE_PAIRS = {
    # Cyrillic
    "а": "a", "А": "A", "в": "b", "В": "B", "с": "c", "С": "C", "ԁ": "d", "е": "e", "Е": "E",
    "ё": "e", "Ё": "E", "һ": "h", "Һ": "H", "н": "h", "Н": "H", "і": "i", "І": "I", "ї": "i",
    "Ї": "I", "ј": "j", "Ј": "J", "к": "k", "К": "K", "ӏ": "l", "Ӏ": "I", "м": "m", "М": "M",
    "о": "o", "О": "O", "р": "p", "Р": "P", "ԛ": "q", "Ԛ": "Q", "ѕ": "s", "Ѕ": "S", "т": "t",
    "Т": "T", "у": "y", "У": "Y", "ѵ": "v", "Ѵ": "V", "ԝ": "w", "Ԝ": "W", "х": "x", "Х": "X",
    "ү": "y", "Ү": "Y", "ɡ": "g", "Ь": "b", "Ꮃ": "W",
    # Greek
    "α": "a", "Α": "A", "β": "b", "Β": "B", "ϲ": "c", "Ϲ": "C", "ε": "e", "Ε": "E", "Ζ": "Z",
    "η": "n", "Η": "H", "ι": "i", "Ι": "I", "ϳ": "j", "κ": "k", "Κ": "K", "Μ": "M", "ν": "v",
    "Ν": "N", "ο": "o", "Ο": "O", "ρ": "p", "Ρ": "P", "τ": "t", "Τ": "T", "υ": "u", "Υ": "Y",
    "χ": "x", "Χ": "X", "γ": "y", "ω": "w", "ς": "s",
    # Armenian
    "օ": "o", "ս": "u", "հ": "h", "ո": "n", "ց": "g", "զ": "q",
    # Latin look-alikes and small capitals
    "ı": "i", "ȷ": "j", "ɑ": "a", "ɩ": "i", "ɪ": "i", "ʟ": "l", "ᴀ": "a", "ʙ": "b", "ᴄ": "c",
    "ᴅ": "d", "ᴇ": "e", "ɢ": "g", "ʜ": "h", "ᴊ": "j", "ᴋ": "k", "ᴍ": "m", "ɴ": "n", "ᴏ": "o",
    "ᴘ": "p", "ʀ": "r", "ꜱ": "s", "ᴛ": "t", "ᴜ": "u", "ᴠ": "v", "ᴡ": "w", "ʏ": "y", "ᴢ": "z",
    "ℓ": "l", "ǀ": "l",
    # punctuation
    "‘": "'", "’": "'", "‚": "'", "‛": "'", "ʼ": "'", "“": '"', "”": '"',
    "„": '"', "«": '"', "»": '"', "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-",
    "−": "-",
}
CONFUSABLES = str.maketrans(_CONFUSABLE_PAIRS)


def normalize_text(text: str) -> str:
    """The text as kept and read by the engine: NFKC, without invisible or control characters.

    Newlines are kept (a CR LF or a Unicode line separator becomes "\\n"); homoglyphs are kept.
    """
    if text.isascii():
        if "\r" in text:
            text = _LINE_SEPARATORS.sub("\n", text)
        return _CONTROL.sub("", text) if _CONTROL.search(text) else text
    text = INVISIBLE.sub("", text)
    text = unicodedata.normalize("NFKC", text)
    text = _LINE_SEPARATORS.sub("\n", text)
    text = INVISIBLE.sub("", text)  # NFKC never makes them, but a decomposition may expose one
    return _CONTROL.sub("", text)


def fold_for_match(text: str) -> str:
    """The normalised text with Latin look-alikes folded to Latin and Latin accents dropped.

    Only for detection: never show or keep this form.
    """
    text = normalize_text(text)
    if text.isascii():
        return text
    text = text.translate(CONFUSABLES)
    if _ACCENTED_LATIN.search(text):
        text = unicodedata.normalize("NFC", _LATIN_MARKS.sub("", unicodedata.normalize("NFD", text)))
    return text


def decode_tag_characters(run: str) -> str:
    """The ASCII text carried by invisible Unicode tag characters (U+E0020..U+E007E)."""
    return "".join(chr(ord(c) - 0xE0000) for c in run if 0xE0020 <= ord(c) <= 0xE007E)


def decode_variation_selectors(run: str) -> str:
    """Bytes smuggled as variation selectors (VS1-16 = 0-15, VS17-256 = 16-255), as text."""
    data = bytearray()
    for c in run:
        cp = ord(c)
        if 0xFE00 <= cp <= 0xFE0F:
            data.append(cp - 0xFE00)
        elif 0xE0100 <= cp <= 0xE01EF:
            data.append(cp - 0xE0100 + 16)
    return data.decode("utf-8", errors="replace")


__all__ = [
    "CONFUSABLES",
    "INVISIBLE",
    "INVISIBLE_CLASS",
    "decode_tag_characters",
    "decode_variation_selectors",
    "fold_for_match",
    "normalize_text",
]
