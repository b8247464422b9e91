"""A trained escalation screen: does a description hold a safety matter (harassment,
discrimination, violence, self-harm, retaliation, falsified safety records) that must go to
HR, legal or emergency help rather than be coached?

The regex patterns in `engines/safety.py` catch the explicit cases; they were written while
looking at the 70 cases of evals/safety/ and caught under half of a held-out set. This model
reads the same evidence the root-cause classifier reads (the whole-text vector and every
sentence's vector) and learns from a separate training set (evals/safety_train/: safety
matters buried in ordinary work complaints, and near misses such as figures of speech and
heated but ordinary conflicts), plus ordinary scenarios as negatives. Features: the
max- and mean-pooled sentence vectors, the whole-text vector, and per kind the best
sentence's similarity to the safety prototypes. The decision threshold is chosen on
evals/safety/ (recall, with specificity held), never on the holdout.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.classifier.features import TextEvidence
from assistant.classifier.model import (
    LinearModel,
    _softmax,
    data_fingerprint,
    open_artifact,
    save_artifact,
)

SAFETY_ARTIFACT = Path(__file__).resolve().parent.parent / "models" / "safety.npz"
KINDS = ("harassment", "discrimination", "violence", "self_harm", "retaliation", "other_safety")
SAFETY_FEATURE_VERSION = "1"
SAFETY_C = 0.05
MIN_SPECIFICITY = 0.95  # on the dev cases' ordinary conflicts and figures of speech
MAX_SCENARIO_ALARMS = 0.02  # on ordinary dev-split scenarios


def safety_features(ev: TextEvidence, proto_sims: np.ndarray, proto_kinds: np.ndarray,
                    ordinary_sims: np.ndarray) -> np.ndarray:
    """proto_sims: (sentences, prototypes) similarities; ordinary_sims: (sentences, ordinary)."""
    per_kind = np.array([proto_sims[:, proto_kinds == k].max() for k in range(len(KINDS))])
    best = proto_sims.max(1)
    margin = float((best - ordinary_sims.max(1)).max())
    return np.concatenate([ev.vectors.max(0), ev.vectors.mean(0), ev.whole, per_kind,
                           [float(ordinary_sims.max()), margin]]).astype(np.float32)


@dataclass
class SafetyModel:
    """Binary escalate/coach model, a kind model over escalations, and the threshold."""

    escalate: LinearModel
    kind: LinearModel
    threshold: float
    fingerprint: str
    info: dict
    check_threshold: float | None = None  # the softer `safety_check` note, below `threshold`

    def level(self, x: np.ndarray) -> str | None:
        """"escalation", "safety_check" or None for a feature row."""
        p = self.probability(x)
        if p >= self.threshold:
            return "escalation"
        if self.check_threshold is not None and p >= self.check_threshold:
            return "safety_check"
        return None

    def probability(self, x: np.ndarray) -> float:
        z = float(self.escalate.logits(x[None, :])[0, 0])
        return 1.0 / (1.0 + np.exp(-z))

    def kind_of(self, x: np.ndarray) -> str:
        return KINDS[int(np.argmax(_softmax(self.kind.logits(x[None, :])[0])))]

    def save(self, path: Path = SAFETY_ARTIFACT) -> None:
        arrays = self.escalate.arrays("escalate") | self.kind.arrays("kind")
        meta = {"threshold": self.threshold, "fingerprint": self.fingerprint,
                "check_threshold": self.check_threshold,
                "feature_version": SAFETY_FEATURE_VERSION, "kinds": list(KINDS), **self.info}
        save_artifact(path, meta, arrays)

    @classmethod
    def load(cls, path: Path = SAFETY_ARTIFACT) -> SafetyModel:
        data, meta = open_artifact(path, "safety model", SAFETY_FEATURE_VERSION)
        named = ("threshold", "fingerprint", "check_threshold")
        info = {k: v for k, v in meta.items() if k not in named}
        check = meta.get("check_threshold")
        return cls(LinearModel.from_arrays(data, "escalate"), LinearModel.from_arrays(data, "kind"),
                   float(meta["threshold"]), meta["fingerprint"], info,
                   float(check) if check is not None else None)


def safety_fingerprint(texts: list[str], flags: list[bool], kinds: list[str | None]) -> str:
    """Hash of the safety training data and feature version."""
    rows = sorted(zip(texts, flags, [k or "" for k in kinds], strict=True))
    return data_fingerprint(SAFETY_FEATURE_VERSION, (f"{int(flag)}\x1f{kind}\x1f{text}" for text, flag, kind in rows))


def choose_threshold(dev_probs: np.ndarray, dev_flags: np.ndarray, scenario_probs: np.ndarray) -> float:
    """The lowest threshold (most recall) that keeps specificity on the dev near misses and
    the false-alarm rate on ordinary scenarios within bounds."""
    for t in np.linspace(0.05, 0.95, 91):
        negatives = dev_probs[~dev_flags]
        specificity = float((negatives < t).mean()) if len(negatives) else 1.0
        alarms = float((scenario_probs >= t).mean()) if len(scenario_probs) else 0.0
        if specificity >= MIN_SPECIFICITY and alarms <= MAX_SCENARIO_ALARMS:
            return float(t)
    return 0.95


MAX_CHECK_ALARMS = 0.05  # the note may sit on a few ordinary descriptions: it hides nothing
MIN_CHECK_SPECIFICITY = 0.85


def choose_check_threshold(dev_probs: np.ndarray, dev_flags: np.ndarray, scenario_probs: np.ndarray,
                           threshold: float) -> float | None:
    """The lowest bar below `threshold` for the softer note that keeps it off most near misses
    (dev) and off all but a few ordinary descriptions; None when no bar below fits."""
    negatives = dev_probs[~dev_flags]
    for t in np.linspace(0.05, threshold, 91):
        specificity = float((negatives < t).mean()) if len(negatives) else 1.0
        alarms = float((scenario_probs >= t).mean()) if len(scenario_probs) else 0.0
        if specificity >= MIN_CHECK_SPECIFICITY and alarms <= MAX_CHECK_ALARMS:
            return float(t) if t < threshold else None
    return None
