"""A trained escalation screen: does a description hold a safety matter (self-harm, violence,
harassment, discrimination, retaliation, fraud, a hidden data breach, domestic abuse, ignored
safety rules) that must go to HR, legal, security or a crisis line rather than be coached?

The regex patterns in `engines/safety.py` catch a few explicit forms; this model does the rest.
Two members, their log-odds blended (LEXICAL_WEIGHT):
- words: logistic regression over TF-IDF of words and word pairs (classifier/lexical.py);
- sentences: logistic regression over the sentence vectors the root-cause classifier reads
  (max- and mean-pooled, the whole text, each kind's best similarity to the prototypes).
Trained on every brief of evals/safety_train*/ (6,960 items by ten briefs, escalations and
near misses: figures of speech, rough but ordinary conflict, blunt feedback, honest errors,
stress, matters handled by the book; the tenth, 600 short chat-style messages) plus the written
and real train-split descriptions as
negatives. Leave one brief out over the first six briefs, the words reached a pooled AUC of 0.944
against 0.884 for the sentence features (on the minimal-contrast brief 0.78 against 0.66): the
embedding blurs the few words that decide. Over all eight, each brief predicted by a screen
trained on the other seven: recall 0.897 (self-harm and violence 0.903), near misses left alone
0.866, ordinary descriptions escalated 0.7%.
The escalation bar is the fitted boundary (log-odds 0; the classes are weighted to balance
before real descriptions count three times). The softer note's bar is the lowest that keeps it
off all but 5% of ordinary dev descriptions, but never under CHECK_FLOOR (-1.5): with the shipped
screen the floor binds, and 1.8% of ordinary dev descriptions get the note. Neither is chosen on the
evals/safety sets, the old holdout or the independent set.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.classifier.features import TextEvidence
from assistant.classifier.lexical import WordModel
from assistant.classifier.model import (
    LinearModel,
    data_fingerprint,
    open_artifact,
    save_artifact,
)
from assistant.errors import ConfigError

SAFETY_ARTIFACT = Path(__file__).resolve().parent.parent / "models" / "safety.npz"
# the kinds of the taxonomy (taxonomy/safety.yaml) the screen names; kept here so the model
# does not read YAML at start-up (a test holds the two equal)
KINDS = ("self_harm", "violence", "harassment", "discrimination", "retaliation", "fraud",
         "data_breach", "domestic_abuse", "other_safety")
SAFETY_FEATURE_VERSION = "4"
SAFETY_C = 0.01  # the semantic member (standardised sentence features)
LEXICAL_C = 10.0  # the word member and the kind model
# the word member's share of the blended log-odds; chosen leave-one-brief-out over the six
# training briefs (pooled AUC 0.944 words alone, 0.884 sentence features alone, 0.946 blended)
LEXICAL_WEIGHT = 0.8
# real descriptions count this much more than written scenarios among the negatives: there are
# fewer of them and they are what people type (grievances, "toxic", "hostile", "I don't feel
# safe reporting") without being safety matters
REAL_NEGATIVE_WEIGHT = 3.0
# Below this many known terms (words and word pairs) the screen does not judge: a greeting, noise
# or a text in another language leaves the word member with its intercept alone, and the
# sentence member is unreliable there (a Japanese sentence about missed deadlines scores 8.3,
# "Hi" 3.0). Such texts are left to the patterns.
MIN_KNOWN_TERMS = 3
# The softer note on a short message needs more than a few words' worth of evidence: under
# NOTE_FULL_TERMS known terms, the score the note is judged on is drawn towards NOTE_PRIOR (an
# ordinary text's score) in proportion to what is missing. Escalation is judged on the score
# itself. Chosen on the short-message brief (s10) held out of training: ordinary short messages
# given the note 0.337 -> 0.184, escalations caught or noted unchanged (0.988).
NOTE_FULL_TERMS = 20
NOTE_PRIOR = -3.0
# A crisis told in one paragraph of a long post is diluted: the word member's TF-IDF vector is
# normalised over the whole text (and the sentence member reads the whole text), so the paragraph
# that escalates on its own is coached inside 250 ordinary words. So a text longer than a window is
# also read in windows of consecutive sentences of about WINDOW_WORDS words (half-overlapping), each
# judged by its own words alone (the word member's log-odds times its share, LEXICAL_WEIGHT: the
# whole text's sentence member would bring the dilution back). The best window escalates at the bar
# plus WINDOW_MARGIN (a window is short, and the best of many windows is an optimist) and gives
# the softer note at the bar plus WINDOW_NOTE_MARGIN.
# Chosen on crises and near misses never trained on (evals/safety and the left-out near-miss
# brief s9) buried at random places in real dev descriptions run together, and on the real dev
# descriptions themselves: crises escalated in a post of 250 / 500 more words 0.28 / 0.29 ->
# 0.63 / 0.61, escalated or noted 0.88 / 0.89; buried near misses escalated 0.12 / 0.13 -> 0.12 /
# 0.16; real dev descriptions escalated unchanged (1.6%), given the note 3.7% -> 4.3%. Smaller
# margins escalated more of the buried crises (0.74 at 2.0, 0.89 at 1.0) but also real dev
# descriptions (a blamed deadline read as fraud, a defiant report as discrimination); windows of
# 40 words caught a little more and cost more false alarms, 80 and over caught less. With the
# whole text's sentence member in each window the figures on these sets were alike, but a crisis
# inside a long plainly ordinary post was missed (the sentence member read -4.7 there).
WINDOW_WORDS = 60
WINDOW_MARGIN = 2.5
WINDOW_NOTE_MARGIN = 1.0


def safety_features(ev: TextEvidence, proto_sims: np.ndarray, proto_kinds: np.ndarray,
                    ordinary_sims: np.ndarray) -> np.ndarray:
    """proto_sims: (sentences, prototypes) similarities; ordinary_sims: (sentences, ordinary)."""
    per_kind = np.array([proto_sims[:, proto_kinds == k].max() if (proto_kinds == k).any() else 0.0
                         for k in range(len(PROTOTYPE_KINDS))])
    best = proto_sims.max(1)
    margin = float((best - ordinary_sims.max(1)).max())
    return np.concatenate([ev.vectors.max(0), ev.vectors.mean(0), ev.whole, per_kind,
                           [float(ordinary_sims.max()), margin]]).astype(np.float32)


# the kinds the prototype sentences (engines/safety.py) are grouped by
PROTOTYPE_KINDS = ("harassment", "discrimination", "violence", "self_harm", "retaliation", "other_safety")


@dataclass
class SafetyModel:
    """Escalate or not: the blended log-odds of a word model (TF-IDF over words and word pairs)
    and a sentence-feature model; the kind from a second word model on the same terms; two bars
    on the log-odds."""

    semantic: LinearModel  # binary, over safety_features
    words: WordModel  # two classes: coach, escalate
    kinds: WordModel  # KINDS, on the same terms as `words`
    threshold: float  # escalation, on the blended log-odds
    fingerprint: str
    info: dict
    check_threshold: float | None = None  # the softer `safety_check` note, below `threshold`

    def _words(self, text: str) -> tuple[float, str | None, int]:
        """(the word member's log-odds times its share, LEXICAL_WEIGHT; the kind the words name;
        how many of the text's terms the screen knows); (-inf, None, known) under MIN_KNOWN_TERMS."""
        columns, values = self.words.tfidf.vectorize(text)
        if len(columns) < MIN_KNOWN_TERMS:
            return float("-inf"), None, len(columns)
        coach, escalate = self.words.logits_at(columns, values)
        kind = KINDS[int(np.argmax(self.kinds.logits_at(columns, values)))]
        return LEXICAL_WEIGHT * float(escalate - coach), kind, len(columns)

    def assess(self, text: str, x: np.ndarray) -> tuple[float, str | None, int]:
        """(blended log-odds that the text holds a safety matter, the kind its words name, how
        many of its terms the screen knows), the text vectorised once (x: its safety_features);
        the log-odds are -inf when it knows fewer than MIN_KNOWN_TERMS."""
        words, kind, known = self._words(text)
        if kind is None:
            return words, None, known
        return words + (1.0 - LEXICAL_WEIGHT) * float(self.semantic.logits(x[None, :])[0, 0]), kind, known

    def window_peak(self, text: str) -> tuple[float, str | None]:
        """(best window score, that window's kind) over half-overlapping windows of about
        WINDOW_WORDS words, each judged by its own words; (-inf, None) for a text no longer than
        one window."""
        from assistant.classifier.features import split_sentences

        if len(text.split()) <= WINDOW_WORDS:
            return float("-inf"), None
        sentences = []  # a post written without full stops is cut into pieces of half a window
        for sentence in split_sentences(text, max_sentences=len(text)):
            words = sentence.split()
            step = WINDOW_WORDS // 2 if len(words) > WINDOW_WORDS else len(words) or 1
            sentences += [" ".join(words[i : i + step]) for i in range(0, len(words), step)]
        best, kind, start = float("-inf"), None, 0
        while start < len(sentences):
            end, words = start, 0
            while end < len(sentences) and words < WINDOW_WORDS:
                words += len(sentences[end].split())
                end += 1
            score, window_kind, _ = self._words(" ".join(sentences[start:end]))
            if score > best:
                best, kind = score, window_kind
            if end >= len(sentences):
                break
            start = max(start + 1, (start + end) // 2)
        return best, kind

    def level(self, score: float, known: int | None = None) -> str | None:
        """"escalation", "safety_check" or None for a blended score; with `known` (the text's
        known terms) the note on a short text needs the evidence of a longer one (NOTE_FULL_TERMS)."""
        if score >= self.threshold:
            return "escalation"
        if known is not None and known < NOTE_FULL_TERMS:  # only ever takes a note away
            share = known / NOTE_FULL_TERMS
            score = min(score, share * score + (1.0 - share) * NOTE_PRIOR)
        if self.check_threshold is not None and score >= self.check_threshold:
            return "safety_check"
        return None

    def save(self, path: Path = SAFETY_ARTIFACT) -> None:
        arrays = (self.semantic.arrays("semantic") | self.words.arrays("words")
                  | self.kinds.arrays("kinds", terms=False, dtype=np.float16))
        meta = {"threshold": self.threshold, "fingerprint": self.fingerprint,
                "check_threshold": self.check_threshold,
                "feature_version": SAFETY_FEATURE_VERSION, "kinds": list(KINDS), **self.info}
        save_artifact(path, meta, arrays)

    @classmethod
    def load(cls, path: Path = SAFETY_ARTIFACT) -> SafetyModel:
        data, meta = open_artifact(path, "safety model", SAFETY_FEATURE_VERSION)
        if meta.get("kinds") != list(KINDS):
            raise ConfigError(f"the safety model at {path} names other kinds; run `assistant train`")
        named = ("threshold", "fingerprint", "check_threshold", "feature_version", "kinds")
        info = {k: v for k, v in meta.items() if k not in named}
        check = meta.get("check_threshold")
        words = WordModel.from_arrays(data, "words")
        return cls(LinearModel.from_arrays(data, "semantic"), words, WordModel.from_arrays(data, "kinds", words.tfidf),
                   float(meta["threshold"]), meta["fingerprint"], info,
                   float(check) if check is not None else None)


def safety_fingerprint(texts: list[str], flags: list[bool], kinds: list[str | None]) -> str:
    """Hash of the safety training data and feature version."""
    rows = sorted(zip(texts, flags, [k or "" for k in kinds], strict=True))
    return data_fingerprint(SAFETY_FEATURE_VERSION, (f"{int(flag)}\x1f{kind}\x1f{text}" for text, flag, kind in rows))


MAX_CHECK_ALARMS = 0.05  # the note may sit on a few ordinary descriptions: it hides nothing
CHECK_FLOOR = -1.5  # the note's bar is never set lower than this (log-odds)


def choose_check_threshold(ordinary_scores: np.ndarray, threshold: float) -> float | None:
    """The lowest bar below `threshold` (and not under CHECK_FLOOR) that puts the softer note on
    at most MAX_CHECK_ALARMS of ordinary dev descriptions (written and real); None when none fits."""
    for bar in np.linspace(CHECK_FLOOR, threshold, 61)[:-1]:
        if float((ordinary_scores >= bar).mean()) <= MAX_CHECK_ALARMS:
            return float(bar)
    return None
