"""Turn a description into a feature vector: whole-text, per-sentence and cue features.

An engine that averages the whole text is fooled by the surface complaint; the root cause
is often one sentence, frequently late and after a turn. So besides the whole-text vector
the features keep the late sentences, the element-wise maximum over sentences and, per
category, how strongly the best-matching sentences resemble that category's cue prototypes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from assistant.classifier.cues import PROTOTYPES, TURN, lexical_features

CATEGORIES = ("strategy", "execution", "culture", "interpersonal")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+|\n+|;\s+|\s+-{1,2}\s+|\s+—\s+")


# a short fragment that stands alone: the person's question ("Any advice?", "Thoughts?"), an
# exclamation, thanks or a greeting. Merged into the sentence before it, it turned that sentence
# (often the decisive one, just before the ask) into a question nobody may quote.
_STANDALONE = re.compile(r"[?!][\"')\]]*\s*$|^\W*(thanks|thank you|cheers|tia|help|hi|hello|hey|edit|update)\b",
                         re.I)


def split_sentences(text: str, max_sentences: int = 24) -> list[str]:
    """Split into sentences; tiny fragments are merged into the previous one, unless they stand
    alone (a short question, an exclamation, thanks, a greeting)."""
    parts = [p.strip() for p in _SENTENCE_END.split(text) if p and p.strip()]
    merged: list[str] = []
    for part in parts:
        if merged and len(part.split()) < 4 and not _STANDALONE.search(part):
            merged[-1] = f"{merged[-1]} {part}"
        else:
            merged.append(part)
    if len(merged) > max_sentences:  # keep the start and the (usually decisive) end
        head = max_sentences // 3
        merged = merged[:head] + merged[-(max_sentences - head) :]
    return merged or [text.strip()]


@dataclass
class TextEvidence:
    """Sentences of a text with their embeddings and per-category cue similarities."""

    sentences: list[str]
    whole: np.ndarray  # (384,)
    vectors: np.ndarray  # (n, 384)
    cue_sims: np.ndarray  # (n, 4): best prototype similarity per category
    turn_index: int | None  # first sentence with a turn marker


class FeatureBuilder:
    """Builds features with one batched embedding call per text (or per batch of texts)."""

    def __init__(self, embedder) -> None:
        self.embedder = embedder
        protos = [p for c in CATEGORIES for p in PROTOTYPES[c]]
        self._proto_owner = np.array([CATEGORIES.index(c) for c in CATEGORIES for _ in PROTOTYPES[c]])
        self._protos = embedder.embed(protos)

    def evidence_many(self, texts: list[str]) -> list[TextEvidence]:
        """Embed whole texts and their sentences in one batch."""
        splits = [split_sentences(t) for t in texts]
        flat = list(texts) + [s for ss in splits for s in ss]
        vecs = self.embedder.embed(flat, cache=len(texts) == 1)
        out, pos = [], len(texts)
        for i, sentences in enumerate(splits):
            sv = vecs[pos : pos + len(sentences)]
            pos += len(sentences)
            sims = sv @ self._protos.T
            cue = np.stack(
                [sims[:, self._proto_owner == c].max(1) for c in range(len(CATEGORIES))], 1
            )
            turn = next((j for j, s in enumerate(sentences) if TURN.search(s)), None)
            out.append(TextEvidence(sentences, vecs[i], sv, cue, turn))
        return out

    @staticmethod
    def vector(ev: TextEvidence, text: str) -> np.ndarray:
        """The feature vector of one text's evidence."""
        n = len(ev.sentences)
        late = ev.vectors[n // 2 :].mean(0)
        vmax = ev.vectors.max(0)
        cue = ev.cue_sims
        whole_cue = cue.mean(0)
        cue_max = cue.max(0)
        cue_late = cue[n // 2 :].max(0)
        after_turn = cue[ev.turn_index :].max(0) if ev.turn_index is not None else cue_max
        top2 = np.sort(cue, 0)[-2:].mean(0)
        # which category wins each sentence, as shares
        wins = np.bincount(cue.argmax(1), minlength=len(CATEGORIES)) / n
        extra = np.array(
            [np.log1p(len(text.split())) / 6.0, n / 24.0, float(ev.turn_index is not None)]
        )
        return np.concatenate(
            [ev.whole, late, vmax, whole_cue, cue_max, cue_late, after_turn, top2, wins,
             np.array(lexical_features(text)), extra]
        ).astype(np.float32)

    def matrix(self, texts: list[str], batch: int = 64) -> np.ndarray:
        """Feature matrix of many texts."""
        rows = []
        for start in range(0, len(texts), batch):
            chunk = texts[start : start + batch]
            for text, ev in zip(chunk, self.evidence_many(chunk), strict=True):
                rows.append(self.vector(ev, text))
        return np.stack(rows)
