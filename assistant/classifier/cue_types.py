"""Typed cues: which kind of evidence a sentence gives about the root cause, and the SOP steps
that address that kind.

The fifteen cue types come from the SOPs (evals/roles/ROLES.md defines them; the band-aid cue
`fix_did_not_hold` points at no category and is left out here). A linear model over the
sentence vector types the sentences the role model calls cues; it is trained on the labelled
sentences of evals/roles/ outside the real-world holdout. `STEPS_FOR_CUE` says which SOP steps act
on each cue type: written from the steps themselves (knowledge/), in the order they should be
tried, never from eval cases.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from assistant.classifier.lexical import WordModel
from assistant.classifier.model import (
    LinearModel,
    _softmax,
    balanced_weights,
    data_fingerprint,
    open_artifact,
    save_artifact,
)

CUE_TYPES: dict[str, str] = {  # type -> category
    "direction_unchosen": "strategy",
    "leaders_conflict": "strategy",
    "priorities_untranslated": "strategy",
    "too_much_parallel": "execution",
    "no_owner": "execution",
    "decisions_unmade": "execution",
    "capacity_skills": "execution",
    "tooling_techdebt": "execution",
    "incentives": "culture",
    "recurs_across_people": "culture",
    "blame_fear": "culture",
    "heroics_overwork": "culture",
    "named_pair": "interpersonal",
    "broken_trust": "interpersonal",
    "dismissive_person": "interpersonal",
}
TYPES = tuple(CUE_TYPES)

CUE_PHRASES: dict[str, str] = {  # how the answer names each cue
    "direction_unchosen": "the direction has not been chosen, or keeps changing, so nothing is dropped",
    "leaders_conflict": "leaders want different things from the same people and nobody settles it",
    "priorities_untranslated": "the direction exists but was never turned into team priorities",
    "too_much_parallel": "too much work runs in parallel",
    "no_owner": "nobody owns the work end to end",
    "decisions_unmade": "working decisions and approvals wait",
    "capacity_skills": "the people or skills the work needs are missing",
    "tooling_techdebt": "tooling, technical debt or manual process slows the work",
    "incentives": "what is rewarded pushes the wrong behaviour",
    "recurs_across_people": "the same problem recurs whoever holds the role",
    "blame_fear": "people fear blame and hide problems",
    "heroics_overwork": "heroics and overwork are the norm",
    "named_pair": "the friction follows two specific people",
    "broken_trust": "trust between specific people is broken",
    "dismissive_person": "one person undermines or dismisses another",
}

# the SOP steps that act on each cue type, best first (from the steps' own actions)
STEPS_FOR_CUE: dict[str, tuple[str, ...]] = {
    "direction_unchosen": ("okrs-and-alignment/1", "execution-excellence/1", "exec-over-strategy/6",
                           "exec-over-strategy/1"),
    "leaders_conflict": ("okrs-and-alignment/6", "is-it-really-execution/3", "execution-excellence/1"),
    "priorities_untranslated": ("strategy-execution-gap/1", "is-it-really-execution/2",
                                "okrs-and-alignment/7", "strategy-execution-gap/6"),
    "too_much_parallel": ("exec-over-strategy/2", "strategy-execution-gap/4", "product-execution-pillars/2"),
    "no_owner": ("okrs-and-alignment/4", "product-execution-pillars/6", "exec-over-strategy/3"),
    "decisions_unmade": ("execution-excellence/4", "culture-habits/8"),
    "capacity_skills": ("execution-excellence/6", "is-it-really-execution/7"),
    "tooling_techdebt": ("execution-excellence/5", "is-it-really-execution/7"),
    "incentives": ("culture-habits/5", "is-it-really-execution/4", "culture-habits/6", "culture-habits/3"),
    "recurs_across_people": ("is-it-really-execution/5", "is-it-really-execution/1"),
    "blame_fear": ("culture-habits/4", "culture-habits/1"),
    "heroics_overwork": ("culture-habits/7", "execution-excellence/8"),
    "named_pair": ("is-it-really-execution/6", "interpersonal-root-causes/1", "interpersonal-root-causes/3"),
    "broken_trust": ("interpersonal-root-causes/3", "interpersonal-root-causes/5"),
    "dismissive_person": ("interpersonal-root-causes/3", "interpersonal-root-causes/2"),
}

CUE_ARTIFACT = Path(__file__).resolve().parent.parent / "models" / "cue_types.npz"
CUE_FEATURE_VERSION = "2"
CUE_C = 1.0
# A word model (TF-IDF words and pairs) beside the sentence vectors, as in the root-cause
# classifier: the type often turns on a few words ("nobody picks it up", "the bonus"). Chosen on
# the step-relevance dev split and the labelled dev sentences: weights 0, 1, 1.5, 2, 3 gave the
# dev cue 0.667, 0.700, 0.733, 0.733, 0.683 and typed dev sentences 0.571-0.629 (rising with it).
CUE_WORDS_C = 10.0
CUE_WORDS_WEIGHT = 2.0


@dataclass
class CueTypeModel:
    """Linear model: sentence vector -> cue type; `threshold` is the type probability from which a
    typed cue is reported (chosen for precision on the labelled dev sentences)."""

    model: LinearModel
    threshold: float
    fingerprint: str
    info: dict
    words: WordModel | None = None
    words_weight: float = CUE_WORDS_WEIGHT

    def probabilities(self, vectors: np.ndarray, sentences: list[str] | None = None) -> np.ndarray:
        """Type probabilities per sentence (n, types): the sentence vectors' model, plus the word
        model's log-probabilities when the sentences' words are given."""
        if not len(vectors):
            return np.zeros((0, len(TYPES)), dtype=np.float32)
        logits = self.model.logits(vectors)
        if self.words is not None and sentences is not None:
            logits = logits + self.words_weight * self.words.log_probs_many(sentences)
        return _softmax(logits)

    def save(self, path: Path = CUE_ARTIFACT) -> None:
        meta = {"threshold": self.threshold, "fingerprint": self.fingerprint, "words_weight": self.words_weight,
                "feature_version": CUE_FEATURE_VERSION, "types": list(TYPES), **self.info}
        save_artifact(path, meta, self.model.arrays("cue") | (self.words.arrays("words") if self.words else {}))

    @classmethod
    def load(cls, path: Path = CUE_ARTIFACT) -> CueTypeModel:
        data, meta = open_artifact(path, "cue type model", CUE_FEATURE_VERSION)
        info = {k: v for k, v in meta.items() if k not in ("threshold", "fingerprint", "words_weight")}
        return cls(LinearModel.from_arrays(data, "cue"), float(meta["threshold"]), meta["fingerprint"], info,
                   WordModel.optional_from_arrays(data, "words"), float(meta.get("words_weight", CUE_WORDS_WEIGHT)))


@lru_cache(maxsize=1)
def cue_type_model() -> CueTypeModel:
    """The shipped model, loaded once (the engine types description cues with it, the plan
    evidence types plan lines with its word member)."""
    return CueTypeModel.load()


def labelled_cues(split: str) -> list[tuple[str, str]]:
    """(sentence, cue type) of the labelled cue sentences: "train" is every split but the
    real-world holdout (dev included) plus the written cue sentences (evals/roles/cue_sentences.jsonl,
    written apart from every eval set by two briefs), "holdout" the holdout, "dev" the labelled
    sentences of real dev descriptions."""
    from assistant.cases import evals_dir

    out = []
    for line in (evals_dir() / "roles" / "sentences.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        in_split = (row["split"] == "holdout") == (split == "holdout") and (split != "dev" or row["split"] == "dev")
        if row["role"] == "cue" and row.get("cue_type") in CUE_TYPES and in_split:
            out.append((row["sentence"], row["cue_type"]))
    if split == "train":
        for line in (evals_dir() / "roles" / "cue_sentences.jsonl").read_text(encoding="utf-8").splitlines():
            row = json.loads(line) if line.strip() else {}
            if row.get("cue_type") in CUE_TYPES:
                out.append((row["sentence"], row["cue_type"]))
    return out


def cue_fingerprint(rows: list[tuple[str, str]]) -> str:
    """Hash of the labelled (sentence, cue type) rows and the feature version."""
    return data_fingerprint(CUE_FEATURE_VERSION, (f"{cue}\x1f{sentence}" for sentence, cue in sorted(rows)))


MIN_PRECISION = 0.8


def choose_threshold(probs: np.ndarray, gold: np.ndarray) -> float:
    """The lowest type probability at which the reported types are right at least MIN_PRECISION
    of the time (on held-out-from-training sentences)."""
    for t in np.linspace(0.2, 0.95, 76):
        keep = probs.max(1) >= t
        if keep.sum() >= 10 and (probs.argmax(1)[keep] == gold[keep]).mean() >= MIN_PRECISION:
            return float(t)
    return 0.95


def train_cue_types_and_save(path: Path | None = None) -> CueTypeModel:
    """Fit on the labelled cue sentences outside the real holdout; the reporting threshold comes
    from a fit without the dev sentences, on the dev sentences; figures on the holdout."""
    from assistant.retrieval.embeddings import get_embedder

    embedder = get_embedder()

    def fit(rows: list[tuple[str, str]], threshold: float = 0.0, fingerprint: str = "") -> CueTypeModel:
        x = embedder.embed([s for s, _ in rows])
        y = np.array([TYPES.index(t) for _, t in rows])
        weights = balanced_weights(y, len(TYPES))
        words = WordModel.fit([s for s, _ in rows], y, len(TYPES), CUE_WORDS_C)
        return CueTypeModel(LinearModel.fit(x, y, CUE_C, weights=weights), threshold, fingerprint, {}, words)

    train, dev, holdout = labelled_cues("train"), labelled_cues("dev"), labelled_cues("holdout")
    dev_set = set(dev)
    probe = fit([r for r in train if r not in dev_set])
    dev_probs = probe.probabilities(embedder.embed([s for s, _ in dev]), [s for s, _ in dev])
    threshold = choose_threshold(dev_probs, np.array([TYPES.index(t) for _, t in dev]))
    model = fit(train, threshold, cue_fingerprint(train))
    probs = model.probabilities(embedder.embed([s for s, _ in holdout]), [s for s, _ in holdout])
    gold = np.array([TYPES.index(t) for _, t in holdout])
    keep = probs.max(1) >= threshold
    model.info = {
        "train_sentences": len(train), "holdout_sentences": len(holdout),
        "holdout_type_accuracy": round(float((probs.argmax(1) == gold).mean()), 4),
        "holdout_precision_at_threshold": round(float((probs.argmax(1)[keep] == gold[keep]).mean()), 4)
        if keep.any() else None,
        "holdout_reported_share": round(float(keep.mean()), 4),
        "holdout_category_accuracy": round(float(np.mean(
            [CUE_TYPES[TYPES[p]] == CUE_TYPES[TYPES[g]] for p, g in zip(probs.argmax(1), gold, strict=True)])), 4),
    }
    model.save(path or CUE_ARTIFACT)
    return model
