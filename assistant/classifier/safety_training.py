"""Rebuild the escalation screen (models/safety.npz) from evals/safety_train/ and ordinary
scenarios; `assistant train` calls `train_safety_and_save`."""

from __future__ import annotations

import time
from pathlib import Path

from assistant.cases import load_scenarios
from assistant.classifier.features import FeatureBuilder
from assistant.errors import ConfigError
from assistant.retrieval.embeddings import get_embedder


def safety_training_data() -> tuple[list[str], list[bool], list[str | None]]:
    """(texts, escalate?, kind) from evals/safety_train/; the dev and holdout sets are never read here."""
    from assistant.cases import SafetyCase, evals_dir, read_jsonl

    cases: list[SafetyCase] = []
    for path in sorted((evals_dir() / "safety_train").glob("*.jsonl")):
        cases.extend(read_jsonl(path, SafetyCase))
    return [c.text for c in cases], [c.escalation for c in cases], [c.kind for c in cases]


def ordinary_negatives(n: int = 600) -> list[str]:
    """A fixed sample of ordinary training scenarios: descriptions that must not escalate."""
    import numpy as np

    texts = sorted(s.text for s in load_scenarios("train"))
    pick = np.random.default_rng(0).choice(len(texts), size=min(n, len(texts)), replace=False)
    return [texts[i] for i in sorted(pick)]


def current_safety_fingerprint() -> str:
    from assistant.classifier.safety_model import safety_fingerprint

    texts, flags, kinds = safety_training_data()
    negatives = ordinary_negatives()
    return safety_fingerprint(texts + negatives, flags + [False] * len(negatives),
                              kinds + [None] * len(negatives))


def train_safety_and_save(path: Path | None = None):
    """Fit the escalation screen on evals/safety_train/ plus ordinary scenarios; choose its
    threshold on evals/safety/ and the dev-split scenarios; write the artifact."""
    import numpy as np

    from assistant.cases import load_safety
    from assistant.classifier.model import LinearModel
    from assistant.classifier.safety_model import (
        KINDS,
        SAFETY_ARTIFACT,
        SAFETY_C,
        SafetyModel,
        choose_check_threshold,
        choose_threshold,
        safety_fingerprint,
    )
    from assistant.engines.safety import SafetyDetector

    started = time.time()
    embedder = get_embedder()
    builder = FeatureBuilder(embedder)
    texts, flags, kinds = safety_training_data()
    if not texts:
        raise ConfigError("no safety training cases in evals/safety_train/")
    negatives = ordinary_negatives()
    all_texts = texts + negatives
    y = np.array(flags + [False] * len(negatives), dtype=int)
    detector = SafetyDetector(embedder, load=False)  # its features; the model is fitted here

    def matrix(items: list[str]) -> np.ndarray:
        return np.stack([detector.features(ev) for ev in builder.evidence_many(items)])

    x = matrix(all_texts)
    weights = np.where(y == 1, (y == 0).sum() / max(1, y.sum()), 1.0)
    escalate = LinearModel.fit(x, y, SAFETY_C, weights=weights)
    positive = np.array([i for i, f in enumerate(flags) if f and kinds[i] in KINDS])
    kind = LinearModel.fit(x[positive], np.array([KINDS.index(str(kinds[i])) for i in positive]), 1.0)
    fingerprint = safety_fingerprint(all_texts, flags + [False] * len(negatives), kinds + [None] * len(negatives))
    model = SafetyModel(escalate, kind, 0.5, fingerprint, {})
    dev = load_safety("dev")
    dev_probs = np.array([model.probability(row) for row in matrix([c.text for c in dev])])
    dev_flags = np.array([c.escalation for c in dev])
    scenario_probs = np.array([model.probability(row) for row in matrix([s.text for s in load_scenarios("dev")])])
    model.threshold = choose_threshold(dev_probs, dev_flags, scenario_probs)
    model.check_threshold = choose_check_threshold(dev_probs, dev_flags, scenario_probs, model.threshold)
    model.info = {"train_size": len(all_texts), "escalations": int(y.sum()),
                  "dev_recall": float((dev_probs[dev_flags] >= model.threshold).mean()),
                  "dev_specificity": float((dev_probs[~dev_flags] < model.threshold).mean()),
                  "scenario_alarms": float((scenario_probs >= model.threshold).mean()),
                  "trained_seconds": round(time.time() - started, 1)}
    model.save(path or SAFETY_ARTIFACT)
    return model
