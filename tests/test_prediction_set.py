"""The calibrated prediction set (a conformal set fitted on real dev) and sentences that keep the
person's short question apart from the sentence before it."""

from __future__ import annotations

import numpy as np

from assistant.classifier.features import CATEGORIES, split_sentences
from assistant.classifier.model import Classifier, set_threshold


class _Fixed:
    """Stands in for a classifier whose probabilities are given per text."""

    def __init__(self, table: dict[str, list[float]]) -> None:
        self.table = table

    def predict(self, ev, text):  # noqa: ANN001
        return np.array(self.table[text])


def test_the_set_bar_covers_the_asked_share_of_calibration_cases():
    rng = np.random.default_rng(0)
    table, accepted = {}, []
    for i in range(200):
        probs = rng.dirichlet(np.ones(4) * 0.7)
        table[str(i)] = probs.tolist()
        accepted.append([CATEGORIES[int(rng.choice(4, p=probs))]])
    texts = list(table)
    bar = set_threshold(_Fixed(table), [None] * len(texts), texts, accepted, coverage=0.9)
    covered = np.mean([table[t][CATEGORIES.index(ok[0])] >= bar for t, ok in zip(texts, accepted, strict=True)])
    assert covered >= 0.9
    stricter = set_threshold(_Fixed(table), [None] * len(texts), texts, accepted, coverage=0.7)
    assert stricter > bar  # less coverage, a higher bar, smaller sets


def test_the_shipped_classifier_has_a_bar_and_sets_are_ordered():
    clf = Classifier.load()
    bar = clf.info.get("set_threshold")
    assert bar is not None and 0.0 < bar < 0.5
    probs = np.array([0.05, 0.55, 0.1, 0.3])
    assert clf.prediction_set(probs)[0] == "execution"
    assert set(clf.prediction_set(probs)) == {CATEGORIES[i] for i in range(4) if probs[i] >= bar}


def test_a_vague_description_gets_several_causes_and_questions_a_clear_one_fewer(indexed):
    from assistant.pipeline import diagnose

    vague = diagnose("things at work are not great lately", store=False)
    assert len(vague.prediction_set) > 1 and vague.follow_up_questions
    assert vague.category == vague.prediction_set[0]
    clear = diagnose("Since Ana and Rob fell out over the reorg last spring they refuse to talk to each "
                     "other; when one of them is on leave the handovers between their teams run fine, "
                     "and every other pair of leads works smoothly.", store=False)
    assert clear.prediction_set and len(clear.prediction_set) < len(vague.prediction_set)


def test_a_short_question_after_the_decisive_sentence_stands_alone():
    text = ("Hi all. Our releases keep slipping. Nobody owns the release checklist, so QA and ops each "
            "assume the other did it. Any advice?")
    sentences = split_sentences(text)
    assert sentences[-1] == "Any advice?"
    assert sentences[-2].endswith("did it.")
    assert split_sentences("The plan flips. People are tired.") == ["The plan flips. People are tired."]
