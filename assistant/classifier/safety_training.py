"""Rebuild the escalation screen (models/safety.npz) from every evals/safety_train*/ brief and
the train-split descriptions; `assistant train` calls `train_safety_and_save`."""

from __future__ import annotations

import time
from pathlib import Path

from assistant.cases import load_real, load_scenarios
from assistant.classifier.features import FeatureBuilder
from assistant.errors import ConfigError
from assistant.retrieval.embeddings import get_embedder


def safety_training_data() -> tuple[list[str], list[bool], list[str | None]]:
    """(texts, escalate?, kind) from every evals/safety_train*/ folder; evals/safety/, the old
    holdout and the independent set are never read here."""
    from assistant.cases import SafetyCase, evals_dir, read_jsonl

    cases: list[SafetyCase] = []
    for path in sorted(evals_dir().glob("safety_train*/*.jsonl")):
        cases.extend(read_jsonl(path, SafetyCase))
    return [c.text for c in cases], [c.escalation for c in cases], [c.kind for c in cases]


def ordinary_negatives() -> tuple[list[str], list[str]]:
    """(written, real) train-split descriptions: problems at work that must not escalate."""
    return sorted(s.text for s in load_scenarios("train")), sorted(c.text for c in load_real("train"))


def current_safety_fingerprint() -> str:
    from assistant.classifier.safety_model import REAL_NEGATIVE_WEIGHT, safety_fingerprint

    texts, flags, kinds = safety_training_data()
    written, real = ordinary_negatives()
    negatives = written + [f"{REAL_NEGATIVE_WEIGHT}\x1e{t}" for t in real]
    return safety_fingerprint(texts + negatives, flags + [False] * len(negatives),
                              kinds + [None] * len(negatives))


def train_safety_and_save(path: Path | None = None):
    """Fit both members and the kind model; set the two bars; write the artifact."""
    import numpy as np

    from assistant.classifier.lexical import WordModel
    from assistant.classifier.model import LinearModel
    from assistant.classifier.safety_model import (
        KINDS,
        LEXICAL_C,
        REAL_NEGATIVE_WEIGHT,
        SAFETY_ARTIFACT,
        SAFETY_C,
        SafetyModel,
        choose_check_threshold,
    )
    from assistant.engines.safety import SafetyDetector

    started = time.time()
    embedder = get_embedder()
    builder = FeatureBuilder(embedder)
    texts, flags, kinds = safety_training_data()
    if not texts:
        raise ConfigError("no safety training cases in evals/safety_train*/")
    unknown = sorted({str(k) for k, f in zip(kinds, flags, strict=True) if f and k not in KINDS})
    if unknown:
        raise ConfigError(f"safety training escalations of unknown kinds: {', '.join(unknown)}")
    written, real = ordinary_negatives()
    all_texts = texts + written + real
    y = np.array(flags + [False] * (len(written) + len(real)), dtype=int)
    # each escalation weighs (negatives / escalations); then a real description counts
    # REAL_NEGATIVE_WEIGHT times, so the negatives weigh somewhat more in total
    weights = np.where(y == 1, (y == 0).sum() / max(1, y.sum()), 1.0)
    weights[len(texts) + len(written):] *= REAL_NEGATIVE_WEIGHT
    detector = SafetyDetector(embedder, load=False)  # its features; the model is fitted here

    def matrix(items: list[str]) -> np.ndarray:
        return np.stack([detector.features(ev) for ev in builder.evidence_many(items)])

    semantic = LinearModel.fit(matrix(all_texts), y, SAFETY_C, weights=weights)
    words = WordModel.fit(all_texts, y, 2, LEXICAL_C, weights)
    positive = [i for i, f in enumerate(flags) if f]
    kinds_model = WordModel.fit([texts[i] for i in positive], np.array([KINDS.index(str(kinds[i])) for i in positive]),
                                len(KINDS), LEXICAL_C, tfidf=words.tfidf)
    model = SafetyModel(semantic, words, kinds_model, 0.0, current_safety_fingerprint(), {})
    ordinary_dev = [s.text for s in load_scenarios("dev")] + [c.text for c in load_real("dev")]
    dev_scores = np.array([model.assess(t, x)[0] for t, x in zip(ordinary_dev, matrix(ordinary_dev), strict=True)])
    model.check_threshold = choose_check_threshold(dev_scores, model.threshold)
    model.info = {"train_size": len(all_texts), "escalations": int(y.sum()), "terms": len(words.tfidf.vocabulary),
                  "dev_alarms": float((dev_scores >= model.threshold).mean()),
                  "dev_checked": float((dev_scores >= (model.check_threshold or model.threshold)).mean()),
                  "trained_seconds": round(time.time() - started, 1)}
    model.save(path or SAFETY_ARTIFACT)
    return model
