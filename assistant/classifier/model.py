"""Train, save and load the root-cause classifier.

Two stacked linear models over the packaged embeddings:

1. a sentence model: every sentence of a training description, labelled with its
   description's root cause (later sentences weigh more, since the root cause is often
   stated last), predicts a category per sentence;
2. a description model over the whole-text vector, late-sentence and max-pooled vectors,
   cue-prototype similarities, lexical cues and the sentence model's aggregated
   predictions (out-of-fold during training, so it does not learn from its own fit).

The classifier mixes the logits of two such members: one trained on the written scenarios
alone, one on the written scenarios plus the real-world train split (see training.py).
Probabilities are calibrated by a temperature fitted on the dev splits (written and real),
stretched for a vague description (very short, or close to a generic complaint), so that the
confidence says when the text does not support an answer. The artifact is a
small .npz committed in `assistant/models/`, with a fingerprint of the training data; the
first diagnosis loads it and never trains.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, cast

import numpy as np

from assistant.classifier.features import CATEGORIES, FeatureBuilder, TextEvidence
from assistant.classifier.lexical import WordModel
from assistant.errors import ConfigError

FEATURE_VERSION = "6"
ARTIFACT = Path(__file__).resolve().parent.parent / "models" / "classifier.npz"
SENTENCE_C = 1.0
DOC_C = 0.03
AUX_WEIGHT = 0.0
# A vague description (a handful of words, or close to a generic complaint in cues.VAGUE)
# gets a stretched temperature: T * (1 + VAGUE_STRETCH * vagueness), vagueness in [0, 1].
VAGUE_STRETCH = 3.0
VAGUE_WORDS = (4, 16)  # at or under 4 words fully vague, at or over 16 not vague by length
VAGUE_SIM = (0.45, 0.55)  # similarity to the nearest generic complaint: from not vague to fully
KNN_K = 15
KNN_SHARPNESS = 10.0


def knn_votes(vector: np.ndarray, bank: np.ndarray, labels: np.ndarray, exclude: int | None = None) -> np.ndarray:
    """Similarity-weighted votes of the nearest training descriptions, per category."""
    sims = bank @ vector
    if exclude is not None:
        sims[exclude] = -np.inf
    top = np.argpartition(-sims, KNN_K)[:KNN_K]
    weights = np.exp(KNN_SHARPNESS * sims[top])
    votes = np.array([weights[labels[top] == c].sum() for c in range(len(CATEGORIES))])
    return votes / votes.sum()


def save_artifact(path: Path, meta: dict, arrays: dict[str, np.ndarray]) -> None:
    """Write a model artifact: named arrays plus a JSON `meta` entry, in one .npz file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    named: dict[str, Any] = {"meta": np.array(json.dumps(meta)), **arrays}
    np.savez_compressed(path, **named)


def open_artifact(path: Path, what: str, version: str) -> tuple[Any, dict]:
    """(arrays, meta) of an artifact written by `save_artifact`; a missing file or one built
    for other features is a ConfigError that names `assistant train`."""
    if not path.exists():
        raise ConfigError(f"no trained {what} at {path}; run `assistant train`")
    data = np.load(path, allow_pickle=False)
    meta = json.loads(str(data["meta"]))
    if meta.get("feature_version") != version:
        raise ConfigError(
            f"the {what} at {path} was built for features v{meta.get('feature_version')}, "
            f"this code uses v{version}; run `assistant train`"
        )
    return data, meta


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(-1, keepdims=True)


def sentence_aggregate(probs: np.ndarray, ev: TextEvidence) -> np.ndarray:
    """Summaries of per-sentence category probabilities: mean log, max, late, after-turn, last."""
    n = len(probs)
    turn = ev.turn_index if ev.turn_index is not None else 0
    return np.concatenate(
        [np.log(probs + 1e-6).mean(0), probs.max(0), probs[n // 2 :].mean(0),
         probs[turn:].mean(0), probs[-1]]
    )


@dataclass
class LinearModel:
    """Standardised multinomial logistic regression, run in numpy."""

    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: np.ndarray

    def logits(self, x: np.ndarray) -> np.ndarray:
        return ((x - self.mean) / self.scale) @ self.coef.T + self.intercept

    _FIELDS = ("mean", "scale", "coef", "intercept")

    def arrays(self, prefix: str) -> dict[str, np.ndarray]:
        """This model's arrays, named for an .npz file."""
        return {f"{prefix}_{k}": getattr(self, k) for k in self._FIELDS}

    @classmethod
    def from_arrays(cls, data, prefix: str) -> LinearModel:
        """The model saved by `arrays(prefix)`."""
        return cls(*(data[f"{prefix}_{k}"] for k in cls._FIELDS))

    @classmethod
    def fit(cls, x: np.ndarray, y: np.ndarray, c: float, weights: np.ndarray | None = None) -> LinearModel:
        from sklearn.linear_model import LogisticRegression

        mean = x.mean(0)
        scale = x.std(0)
        scale[scale < 1e-6] = 1.0
        model = LogisticRegression(C=c, max_iter=5000)
        model.fit((x - mean) / scale, y, sample_weight=weights)
        return cls(mean.astype(np.float32), scale.astype(np.float32),
                   model.coef_.astype(np.float32), model.intercept_.astype(np.float32))


@dataclass
class Member:
    """One stacked model: the sentence model, the description model and its kNN bank."""

    sentence: LinearModel
    doc: LinearModel
    bank: np.ndarray
    bank_labels: np.ndarray

    def sentence_probs(self, ev: TextEvidence) -> np.ndarray:
        """Per-sentence category probabilities (n, 4)."""
        return _softmax(self.sentence.logits(ev.vectors))

    def features(self, ev: TextEvidence, text: str) -> np.ndarray:
        base = FeatureBuilder.vector(ev, text)
        return np.concatenate([base, sentence_aggregate(self.sentence_probs(ev), ev),
                               knn_votes(ev.whole, self.bank, self.bank_labels)])

    def logits(self, ev: TextEvidence, text: str) -> np.ndarray:
        """Uncalibrated description-model logits (4,)."""
        return self.doc.logits(self.features(ev, text)[None, :])[0]

    def arrays(self, prefix: str) -> dict[str, np.ndarray]:
        return (self.sentence.arrays(f"{prefix}sentence") | self.doc.arrays(f"{prefix}doc")
                | {f"{prefix}bank": self.bank.astype(np.float16),
                   f"{prefix}bank_labels": self.bank_labels.astype(np.int8)})

    @classmethod
    def from_arrays(cls, data, prefix: str) -> Member:
        return cls(LinearModel.from_arrays(data, f"{prefix}sentence"), LinearModel.from_arrays(data, f"{prefix}doc"),
                   data[f"{prefix}bank"].astype(np.float32), data[f"{prefix}bank_labels"].astype(np.int64))


class Classifier:
    """The trained classifier: text evidence -> calibrated category probabilities.

    One or more members (stacked models trained on different data mixes); their logits are
    mixed with the weights `mix`, divided by the temperature, then softmaxed."""

    def __init__(self, members: list[Member], mix: list[float], temperature: float,
                 fingerprint: str, info: dict, vague: np.ndarray | None = None,
                 words: WordModel | None = None, words_weight: float = 0.0) -> None:
        if len(members) != len(mix) or not members:
            raise ConfigError("a classifier needs one mixing weight per member")
        self.members = members
        # embeddings of the generic complaints (cues.VAGUE); none: vagueness by length only
        self.vague = np.zeros((0, members[0].bank.shape[1]), np.float32) if vague is None else vague.astype(np.float32)
        self.mix = [float(w) for w in mix]
        self.temperature = temperature
        self.fingerprint = fingerprint
        self.info = info
        # a word model (TF-IDF over words and word pairs) whose log-probabilities are added to
        # the members' logits, times words_weight (see classifier/training.py)
        self.words = words
        self.words_weight = float(words_weight) if words is not None else 0.0

    def sentence_probs(self, ev: TextEvidence) -> np.ndarray:
        """Per-sentence category probabilities (n, 4): the members' mixed."""
        return sum((w * m.sentence_probs(ev) for w, m in zip(self.mix, self.members, strict=True)),
                   np.zeros((len(ev.sentences), len(CATEGORIES))))

    def logits(self, ev: TextEvidence, text: str) -> np.ndarray:
        """Mixed, uncalibrated logits (4,): the members', plus the word model's log-probabilities."""
        mixed = sum((w * m.logits(ev, text) for w, m in zip(self.mix, self.members, strict=True)),
                    np.zeros(len(CATEGORIES)))
        if self.words is not None:
            mixed = mixed + self.words_weight * self.words.log_probs(text)
        return mixed

    def vagueness(self, ev: TextEvidence, text: str) -> float:
        """0 (specific) to 1 (vague): few words, or close to a generic complaint naming no cause."""
        lo, hi = VAGUE_WORDS
        short = float(np.clip((hi - len(text.split())) / (hi - lo), 0.0, 1.0))
        if not len(self.vague):
            return short
        a, b = VAGUE_SIM
        generic = float(np.clip((float((self.vague @ ev.whole).max()) - a) / (b - a), 0.0, 1.0))
        return max(short, generic)

    def prediction_set(self, probs: np.ndarray) -> list[str]:
        """The categories whose probability reaches the conformal bar (`set_threshold`, fitted on
        real dev), likeliest first; the top category alone when no bar was fitted."""
        bar = self.info.get("set_threshold")
        order = [int(i) for i in np.argsort(-probs)]
        if bar is None:
            return [CATEGORIES[order[0]]]
        return [CATEGORIES[i] for i in order if probs[i] >= float(bar)] or [CATEGORIES[order[0]]]

    @cached_property
    def real_centroid(self) -> np.ndarray:
        """The mean vector of the real descriptions trained on (the last member's kNN bank after
        its written cases); every description when the split is not recorded. Computed once."""
        bank = self.members[-1].bank
        written = int(self.info.get("written_train", 0))
        return (bank[written:] if 0 < written < len(bank) else bank).mean(0)

    def stretch(self, ev: TextEvidence, text: str) -> float:
        """The factor on the temperature for this text (1 for a specific description)."""
        return 1.0 + VAGUE_STRETCH * self.vagueness(ev, text)

    def predict(self, ev: TextEvidence, text: str) -> np.ndarray:
        """Calibrated probabilities over CATEGORIES (flatter for a vague description)."""
        return _softmax(self.logits(ev, text) / (self.temperature * self.stretch(ev, text)))

    def save(self, path: Path = ARTIFACT) -> None:
        arrays: dict[str, np.ndarray] = {}
        for k, member in enumerate(self.members):
            arrays |= member.arrays(f"m{k}_")
        arrays["vague"] = self.vague.astype(np.float16)
        if self.words is not None:
            arrays |= self.words.arrays("words")
        meta = {"temperature": self.temperature, "fingerprint": self.fingerprint, "mix": self.mix,
                "words_weight": self.words_weight,
                "feature_version": FEATURE_VERSION, "categories": list(CATEGORIES), **self.info}
        save_artifact(path, meta, arrays)

    @classmethod
    def load(cls, path: Path = ARTIFACT) -> Classifier:
        data, meta = open_artifact(path, "classifier", FEATURE_VERSION)
        info = {k: v for k, v in meta.items() if k not in ("temperature", "fingerprint", "mix", "words_weight")}
        members = [Member.from_arrays(data, f"m{k}_") for k in range(len(meta["mix"]))]
        words = WordModel.optional_from_arrays(data, "words")
        return cls(members, meta["mix"], float(meta["temperature"]), meta["fingerprint"], info,
                   data["vague"].astype(np.float32), words, float(meta.get("words_weight", 0.0)))


def balanced_weights(y: np.ndarray, classes: int) -> np.ndarray:
    """Per-example weights that give every class the same total weight (a class with no
    example counts as one)."""
    counts = np.bincount(y, minlength=classes)
    return (len(y) / (classes * np.maximum(counts, 1)))[y]


def data_fingerprint(version: str, records: Iterable[str]) -> str:
    """Hash of a feature version and training records (each already formatted, in a fixed
    order): an artifact carries it, so a test can tell when its training data changed."""
    digest = hashlib.sha256(version.encode())
    for record in records:
        digest.update(f"{record}\x1e".encode())
    return digest.hexdigest()[:24]


def training_fingerprint(texts: list[str], labels: list[str]) -> str:
    """Hash of the training data and feature version; changes when the scenarios change."""
    return data_fingerprint(FEATURE_VERSION, (f"{label}\x1f{text}"
                                              for text, label in sorted(zip(texts, labels, strict=True))))


def auxiliary_examples() -> tuple[list[str], list[str]]:
    """SOP steps (title + action, labelled by the step's category) and the triggers of
    single-category SOPs, used as extra low-weight training examples."""
    from assistant.knowledge import library

    texts: list[str] = []
    labels: list[str] = []
    for sop in library():
        for step in sop.steps:
            texts.append(f"{step.title}. {step.action}")
            labels.append(step.category)
        if len(sop.categories) == 1:
            for trigger in sop.triggers:
                texts.append(trigger)
                labels.append(sop.categories[0])
    return texts, labels


def _fit_temperature(logits: np.ndarray, y: np.ndarray, weights: np.ndarray | None = None) -> float:
    w = np.ones(len(y)) if weights is None else np.asarray(weights, dtype=float)
    best, best_nll = 1.0, np.inf
    for t in np.exp(np.linspace(np.log(0.3), np.log(5.0), 60)):
        p = _softmax(logits / t)
        nll = -(w * np.log(p[np.arange(len(y)), y] + 1e-12)).sum() / w.sum()
        if nll < best_nll:
            best, best_nll = float(t), nll
    return best


def fit_member(texts: list[str], labels: list[str], evs: list[TextEvidence], builder: FeatureBuilder,
               folds: int = 5,
               seed: int = 0, surfaces: list[str | None] | None = None,
               sample_weights: list[float] | None = None, sentence_weights: list[float] | None = None,
               sentence_c: float = SENTENCE_C, doc_c: float = DOC_C) -> Member:
    """Fit one member on the training texts: each weighted by `sample_weights` (default 1) in
    the description model and by `sentence_weights` (default: the same) in the sentence model."""
    from sklearn.model_selection import StratifiedKFold

    aux_texts, aux_labels = auxiliary_examples() if AUX_WEIGHT > 0 else ([], [])
    if aux_texts:
        evs = list(evs) + builder.evidence_many(aux_texts)
    n_train = len(texts)
    texts = list(texts) + aux_texts
    y = np.array([CATEGORIES.index(label) for label in list(labels) + aux_labels])
    weights = np.array(list(sample_weights or [1.0] * n_train) + [AUX_WEIGHT] * len(aux_texts))
    sent_weights = (weights if sentence_weights is None
                    else np.array(list(sentence_weights) + [AUX_WEIGHT] * len(aux_texts)))
    # in a hard case the opening sentences show the surface category, not the root cause:
    # the sentence model learns them as the surface (the `secondary` label)
    surface = [CATEGORIES.index(c) if c else None for c in (surfaces or [])] + [None] * (len(texts) - len(surfaces or []))

    def sentence_rows(idx: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        xs, ys, ws = [], [], []
        for i in idx:
            n = len(evs[i].sentences)
            cut = evs[i].turn_index if evs[i].turn_index else max(1, n // 2)
            for j in range(n):
                xs.append(evs[i].vectors[j])
                early_surface = surface[i] is not None and n > 1 and j < cut
                ys.append(surface[i] if early_surface else y[i])
                ws.append(sent_weights[i] * (0.5 + (j + 1) / n))
        return np.array(xs), np.array(ys), np.array(ws)

    oof: list[np.ndarray | None] = [None] * len(texts)
    oof_knn: list[np.ndarray | None] = [None] * len(texts)
    bank = np.stack([ev.whole for ev in evs])
    splitter = StratifiedKFold(folds, shuffle=True, random_state=seed)
    for fit_idx, held_idx in splitter.split(np.zeros(len(y)), y):
        xs, ys, ws = sentence_rows(fit_idx)
        model = LinearModel.fit(xs, ys, sentence_c, ws)
        for i in held_idx:
            oof[i] = _softmax(model.logits(evs[i].vectors))
            oof_knn[i] = knn_votes(evs[i].whole, bank[fit_idx], y[fit_idx])
    xs, ys, ws = sentence_rows(np.arange(len(texts)))
    sentence = LinearModel.fit(xs, ys, sentence_c, ws)
    # every index is held out by exactly one fold, so no `oof` entry is still None here
    x = np.stack([
        np.concatenate([FeatureBuilder.vector(ev, t), sentence_aggregate(cast(np.ndarray, p), ev), k])
        for ev, t, p, k in zip(evs, texts, oof, oof_knn, strict=True)
    ])
    doc = LinearModel.fit(x, y, doc_c, weights)
    return Member(sentence, doc, bank.astype(np.float32), y)


def calibrate(clf: Classifier, dev_evs: list[TextEvidence], dev_texts: list[str], dev_labels: list[str],
              dev_weights: list[float] | None = None) -> float:
    """Fit the classifier's temperature on dev (each case weighted by `dev_weights`); return it."""
    logits = np.stack([clf.logits(ev, t) / clf.stretch(ev, t) for ev, t in zip(dev_evs, dev_texts, strict=True)])
    clf.temperature = _fit_temperature(logits, np.array([CATEGORIES.index(lb) for lb in dev_labels]),
                                       None if dev_weights is None else np.array(dev_weights))
    return clf.temperature


SET_COVERAGE = 0.9  # the prediction set holds the right cause this often on real dev


def set_threshold(clf: Classifier, evs: list[TextEvidence], texts: list[str],
                  accepted: list[list[str]], coverage: float = SET_COVERAGE) -> float:
    """Split-conformal bar (least ambiguous set-valued classifier): the probability from which a
    category joins the prediction set, so that the set holds a right label on `coverage` of the
    calibration cases (with the finite-sample correction). `accepted`: the right labels of each
    case (its label and those in its `accept` list)."""
    scores = []
    for ev, text, ok in zip(evs, texts, accepted, strict=True):
        probs = clf.predict(ev, text)
        scores.append(1.0 - max(float(probs[CATEGORIES.index(lb)]) for lb in ok))
    n = len(scores)
    if not n:
        return 0.0
    level = min(1.0, float(np.ceil((n + 1) * coverage)) / n)
    return float(1.0 - np.quantile(np.array(scores), level, method="higher"))


def train(train_texts: list[str], train_labels: list[str], dev_texts: list[str],
          dev_labels: list[str], builder: FeatureBuilder, folds: int = 5, seed: int = 0,
          surfaces: list[str | None] | None = None, sample_weights: list[float] | None = None,
          dev_weights: list[float] | None = None, sentence_c: float = SENTENCE_C,
          doc_c: float = DOC_C, sentence_weights: list[float] | None = None) -> Classifier:
    """A one-member classifier: fit on the training texts, temperature fitted on dev."""
    evs = builder.evidence_many(list(train_texts))
    member = fit_member(train_texts, train_labels, evs, builder, folds, seed, surfaces, sample_weights,
                        sentence_weights, sentence_c, doc_c)
    clf = Classifier([member], [1.0], 1.0, training_fingerprint(list(train_texts), list(train_labels)),
                     {"train_size": len(train_texts)})
    if dev_texts:
        calibrate(clf, builder.evidence_many(list(dev_texts)), list(dev_texts), list(dev_labels), dev_weights)
    return clf
