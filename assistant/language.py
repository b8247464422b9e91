"""Is a description written in English? The embedded engine (its classifier, its safety screen,
its sentence roles) learnt from English text only: a description in another language is answered
with that plain fact, not with a diagnosis read off a handful of shared words, nor with "not an
organisational problem".

Function words decide: every language uses a few dozen of them in every sentence, and they rarely
coincide. A text mixing English with another language reads as English when its English function
words are not clearly outnumbered (the engine reads the English part). A text written mostly in
a non-Latin script (Chinese, Japanese, Cyrillic, Arabic...) is not English."""

from __future__ import annotations

import re

_EN = set(["the", "and", "is", "are", "was", "were", "to", "of", "that", "it", "with", "for", "on", "my", "we", "our", "they", "he", "she", "not", "but", "have", "has", "this", "be", "at", "you", "your", "their", "them", "been", "will", "would", "there", "what", "when", "which", "who", "because", "about", "just", "from", "into", "than", "then", "very", "also", "after", "before", "us", "me", "him", "her", "its", "an", "do", "does", "did"])

_OTHER: dict[str, set[str]] = {
    "German": set(["mehr", "jeder", "jedes", "jede", "können", "wissen", "sollen", "gibt", "keine", "kein", "seit", "über", "unter", "durch", "gegen", "ohne", "heute", "gestern", "dann", "doch", "wieder", "ändert", "arbeiten", "alle", "allen", "dass", "ihn", "ihm", "ihr", "mich", "dich", "der", "die", "das", "und", "ist", "nicht", "ich", "wir", "ein", "eine", "einen", "mit", "zu", "auf", "für", "es", "sie", "er", "den", "dem", "auch", "sich", "wie", "aber", "mein", "meine", "unser", "unsere", "hat", "sind", "war", "wird", "oder", "noch", "nur", "schon", "immer", "bei", "nach", "von", "vom", "zum", "zur", "kann", "muss", "wenn", "weil", "sehr", "uns", "mir"]),
    "Spanish": set(["desde", "nadie", "todo", "toda", "todos", "hasta", "donde", "más", "equipo", "hace", "tiene", "tienen", "ser", "estar", "siempre", "nunca", "el", "los", "las", "y", "es", "que", "en", "un", "una", "por", "con", "se", "su", "sus", "mi", "mis", "para", "está", "están", "pero", "como", "muy", "hay", "nos", "nuestro", "nuestra", "del", "al", "lo", "le", "les", "ya", "cuando", "porque", "también", "sin", "sobre", "este", "esta", "yo", "él", "ella"]),
    "French": set(["plus", "depuis", "toute", "toutes", "leur", "leurs", "ils", "elles", "avons", "avez", "été", "chez", "sans", "peut", "entre", "dont", "où", "après", "avant", "encore", "toujours", "comme", "même", "vous", "le", "les", "et", "est", "que", "un", "une", "pour", "avec", "pas", "ne", "je", "nous", "il", "elle", "sur", "dans", "mais", "qui", "mon", "ma", "mes", "notre", "nos", "sont", "ce", "cette", "ces", "du", "des", "au", "aux", "très", "aussi", "quand", "parce", "tout", "fait", "être", "avoir"]),
    "Portuguese": set(["desde", "ninguém", "todo", "toda", "todos", "até", "onde", "mais", "equipe", "faz", "tem", "têm", "ser", "estar", "sempre", "nunca", "o", "os", "e", "é", "que", "em", "um", "uma", "para", "com", "não", "se", "meu", "minha", "nosso", "nossa", "mas", "está", "são", "do", "da", "dos", "das", "no", "na", "nos", "nas", "ao", "pelo", "pela", "também", "quando", "porque", "muito", "ele", "ela", "eu"]),
    "Italian": set(["più", "sempre", "mai", "tutto", "tutti", "dove", "fare", "ha", "hanno", "essere", "stato", "il", "lo", "gli", "e", "è", "che", "di", "un", "una", "per", "con", "non", "mi", "ci", "ma", "sono", "del", "della", "dei", "degli", "nel", "nella", "al", "alla", "anche", "quando", "perché", "molto", "io", "lui", "lei", "questo", "questa"]),
    "Dutch": set(["meer", "altijd", "nooit", "alles", "waar", "doen", "worden", "geweest", "het", "een", "en", "niet", "ik", "wij", "met", "van", "op", "voor", "dat", "zijn", "maar", "ook", "naar", "wordt", "heeft", "hebben", "er", "bij", "nog", "geen", "wel", "omdat", "zoals", "mijn", "onze", "deze"]),
}
# the note on a text in another language: the safety screen could not read it
UNSCREENED_LANGUAGE = ("This assistant reads English only, so it could not check this text for a safety "
                       "matter. If it is about someone's safety (a threat, self-harm, harassment, abuse), "
                       "do not wait for advice: contact HR, security or the local emergency number now.")
_WORD = re.compile(r"[^\W\d_]+")
_LATIN = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ]")
MIN_OTHER_WORDS = 4  # a few foreign words (a quoted phrase, a name) do not make a text foreign
MIN_OTHER_SHARE = 0.2  # and they are a real part of the text
# words of those lists that English texts use too (in 10 or more of the 4,237 English eval
# descriptions: "no", "per", "war", "met", "die", "em"...) never count for another language
_SHARED = {"no", "em", "e", "per", "non", "ci", "war", "die", "y", "met", "a", "o", "i", "me", "so", "as",
           "is", "in", "an", "on", "de", "la", "le", "van", "den", "men", "son", "fait", "tout", "ma", "mi"}


def language_of(text: str) -> str | None:
    """None for English (or too little to tell); otherwise the language the text seems to be in
    ("German", "Spanish", ... or "another language")."""
    letters = [ch for ch in text if ch.isalpha()]
    if len(letters) >= 20 and sum(bool(_LATIN.match(ch)) for ch in letters) < 0.5 * len(letters):
        return "another language"
    words = [w.lower() for w in _WORD.findall(text)]
    english = sum(w in _EN for w in words)
    counts = {name: sum(w in vocab and w not in _EN and w not in _SHARED for w in words)
              for name, vocab in _OTHER.items()}
    name, other = max(counts.items(), key=lambda item: item[1])
    if other >= MIN_OTHER_WORDS and other > 2 * english and other >= MIN_OTHER_SHARE * len(words):
        return name
    return None
