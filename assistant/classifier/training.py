"""`assistant train`: rebuild the committed classifier artifact from the scenarios."""

from __future__ import annotations

import time
from pathlib import Path
from typing import cast

from assistant.cases import load_scenarios
from assistant.classifier.features import FeatureBuilder
from assistant.classifier.model import ARTIFACT, Classifier, train, training_fingerprint
from assistant.retrieval.embeddings import get_embedder


def training_data() -> tuple[list[str], list[str], list[str], list[str]]:
    """(train texts, train labels, dev texts, dev labels); the test split is never read here."""
    train_cases = [s for s in load_scenarios("train") if s.label]
    dev_cases = [s for s in load_scenarios("dev") if s.label]
    # labels are set: unlabelled scenarios are filtered out above
    return ([s.text for s in train_cases], [cast(str, s.label) for s in train_cases],
            [s.text for s in dev_cases], [cast(str, s.label) for s in dev_cases])


def surface_labels() -> list[str | None]:
    """For hard training cases, the surface category (`secondary`); None otherwise."""
    return [s.secondary if s.difficulty == "hard" else None
            for s in load_scenarios("train") if s.label]


def current_fingerprint() -> str:
    """Fingerprint of the training data as it is now on disk."""
    texts, labels, _, _ = training_data()
    return training_fingerprint(texts, labels)


def train_and_save(path: Path = ARTIFACT) -> Classifier:
    """Train on the train split, calibrate on dev, and write the artifact."""
    started = time.time()
    texts, labels, dev_texts, dev_labels = training_data()
    clf = train(texts, labels, dev_texts, dev_labels, FeatureBuilder(get_embedder()),
                surfaces=surface_labels())
    clf.info["trained_seconds"] = round(time.time() - started, 1)
    clf.save(path)
    return clf
