"""Guarding the measure: split sizes, no test leakage, the committed classifier is current."""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
import pytest

from assistant.cases import (
    load_holdout,
    load_holdout_plans,
    load_plans,
    load_queries,
    load_real,
    load_scenarios,
)
from assistant.classifier.model import Classifier
from assistant.classifier.training import current_fingerprint, training_data
from assistant.knowledge import library

BANNED = re.compile(r"\b(strateg\w*|cultur\w*|interpersonal|execut\w*)\b", re.I)


def test_counts_and_balance():
    scenarios = load_scenarios("all")
    labels = Counter(s.label for s in scenarios)
    assert all(labels[c] >= 60 for c in ("strategy", "execution", "culture", "interpersonal"))
    test = load_scenarios("test")
    assert len(test) >= 120
    assert sum(s.difficulty == "hard" for s in scenarios) >= 0.3 * len(scenarios)
    assert len([p for p in load_plans("test")]) >= 40
    assert sum(p.injection for p in load_plans("test")) >= 2
    assert len(load_queries()) >= 40


def test_medium_and_hard_cases_do_not_name_the_category():
    offenders = [s.id for s in load_scenarios("all")
                 if s.difficulty in ("medium", "hard") and BANNED.search(s.text)]
    assert offenders == []


def test_expected_sops_exist():
    ids = {sop.id for sop in library()}
    assert all(set(s.expected_sops) <= ids for s in load_scenarios("all"))
    assert all(q.expected_sop in ids for q in load_queries())


def test_holdout_is_balanced_and_well_formed():
    holdout = load_holdout()
    labels = Counter(s.label for s in holdout)
    assert len(holdout) >= 100 and min(labels.values()) >= 25 and len(labels) == 4
    assert len({s.id for s in holdout}) == len(holdout)
    assert sum(s.difficulty == "hard" for s in holdout) >= 0.3 * len(holdout)
    assert not [s.id for s in holdout if s.difficulty in ("medium", "hard") and BANNED.search(s.text)]
    ids = {sop.id for sop in library()}
    assert all(set(s.expected_sops) <= ids for s in holdout)


def test_holdout_plans_are_unseen_and_well_formed():
    from assistant.critique.rubric import RUBRIC_IDS

    plans = load_holdout_plans()
    assert len(plans) >= 20 and sum(p.injection for p in plans) >= 2
    assert all(set(p.expected) == set(RUBRIC_IDS) for p in plans)
    developed_on = {p.text.strip() for p in load_plans("all")}
    assert not [p.id for p in plans if p.text.strip() in developed_on]


@pytest.mark.parametrize("held", ["test", "holdout"])
def test_no_held_out_scenario_duplicates_a_training_one(held):
    from assistant.retrieval.embeddings import get_embedder

    train = load_scenarios("train")
    test = load_holdout() if held == "holdout" else load_scenarios("test")
    train_texts = {s.text.strip().lower() for s in train}
    assert not [s.id for s in test if s.text.strip().lower() in train_texts]
    emb = get_embedder()
    a = emb.embed([s.text for s in test], cache=False)
    b = emb.embed([s.text for s in train], cache=False)
    sims = a @ b.T
    worst = np.unravel_index(sims.argmax(), sims.shape)
    assert sims.max() <= 0.92, (
        f"{test[worst[0]].id} is a near-duplicate of {train[worst[1]].id} ({sims.max():.3f})"
    )


def test_classifier_never_sees_the_test_split_or_the_holdout():
    texts, _, dev_texts, _ = training_data()
    test_texts = {s.text for s in load_scenarios("test") + load_holdout() + load_real("holdout")}
    assert not test_texts & set(texts)
    assert not test_texts & set(dev_texts)
    # real dev calibrates and chooses; it is never trained on
    assert not {c.text for c in load_real("dev")} & set(texts)


def test_classifier_trains_on_the_real_train_split():
    texts, labels, _, _ = training_data()
    real = load_real("train")
    assert len(real) >= 250 and {c.text for c in real} <= set(texts)


def test_real_corpus_is_split_by_source_and_well_formed():
    real = load_real("all")
    by_split = Counter(c.split for c in real)
    assert by_split["train"] >= 250 and by_split["dev"] >= 100 and by_split["holdout"] >= 150
    assert len({c.id for c in real}) == len(real)
    assert all(c.label and c.label not in c.accept for c in real)
    sources: dict[str, set[str]] = {}
    for c in real:
        sources.setdefault(str(c.source), set()).add(str(c.split))
    assert not [s for s, splits in sources.items() if len(splits) > 1], "a source thread spans two splits"
    splits = ("train", "dev", "holdout")
    assert [len(load_scenarios(f"real-{s}")) for s in splits] == [by_split[s] for s in splits]


def test_committed_classifier_matches_the_scenarios():
    clf = Classifier.load()
    assert clf.fingerprint == current_fingerprint(), (
        "the scenarios changed since the classifier was trained: run `assistant train` and commit "
        "assistant/models/classifier.npz"
    )


def test_committed_safety_screen_matches_its_training_data():
    from assistant.classifier.safety_model import SafetyModel
    from assistant.classifier.safety_training import current_safety_fingerprint

    assert SafetyModel.load().fingerprint == current_safety_fingerprint(), (
        "evals/safety_train or the ordinary scenarios changed since the safety screen was trained: "
        "run `assistant train` and commit assistant/models/safety.npz"
    )


def test_safety_screen_never_trains_on_its_evaluation_cases():
    from assistant.cases import load_safety
    from assistant.classifier.safety_training import ordinary_negatives, safety_training_data

    written, real = ordinary_negatives()
    trained = set(safety_training_data()[0]) | set(written) | set(real)
    held = {c.text for c in load_safety("dev") + load_safety("holdout") + load_safety("independent")}
    held |= {s.text for s in load_scenarios("dev") + load_scenarios("test") + load_holdout()}
    held |= {c.text for c in load_real("dev") + load_real("holdout")}
    assert not trained & held


def test_classifier_is_unsure_of_a_vague_one_line_description():
    from assistant.classifier.features import FeatureBuilder
    from assistant.retrieval.embeddings import get_embedder

    clf, builder = Classifier.load(), FeatureBuilder(get_embedder())
    vague = ["Things are not going well at work.", "My team has problems.",
             "Our company has some problems.", "Nothing works here.",
             "There are problems in my department and I don't know what to do."]
    clear = ["Since Ana and Rob fell out, they refuse to talk to each other and the release stalls.",
             "Every release needs sign-off from six people and each approval takes a week."]
    for text in vague:
        assert clf.predict(builder.evidence_many([text])[0], text).max() < 0.6, text
    for text in clear:
        assert clf.predict(builder.evidence_many([text])[0], text).max() > 0.6, text
