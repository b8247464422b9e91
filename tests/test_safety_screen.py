"""The safety screen's word member and its kinds."""

from __future__ import annotations

import numpy as np

from assistant.classifier.lexical import Tfidf, terms
from assistant.classifier.safety_model import KINDS, SafetyModel
from assistant.safety_taxonomy import kind_ids

TEXTS = [
    "He said he already sorted out who gets his bikes, for after.",
    "Our lead asked us to date the delivery notes with last month's date.",
    "The deadline is killing me, honestly; the deadline moved twice.",
    "Nobody owns the billing service and the deploy has forty manual steps.",
    "He said he already knows which route she takes home.",
    "Café crème: naïve façade — ÜBER test, über Test.",
]


def test_vectors_are_scikit_learns():
    from sklearn.feature_extraction.text import TfidfVectorizer

    reference = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True).fit(TEXTS)
    ours = Tfidf.fit(TEXTS)
    assert ours.vocabulary == sorted(reference.vocabulary_, key=reference.vocabulary_.get)
    expected = reference.transform(TEXTS + ["an unseen text", "he said, he said: the deadline"]).toarray()
    got = ours.matrix(TEXTS + ["an unseen text", "he said, he said: the deadline"]).toarray()
    assert np.allclose(got, expected, atol=1e-6)


def test_terms_are_words_and_word_pairs():
    assert terms("He said: it's over") == ["he", "said", "it", "over", "he said", "said it", "it over"]
    assert Tfidf.fit(TEXTS).vectorize("")[0].size == 0


def test_the_screen_names_the_taxonomy_kinds():
    assert set(KINDS) == set(kind_ids())


def test_the_shipped_screen_loads_and_reads_words(tmp_path):
    model = SafetyModel.load()
    assert model.check_threshold is not None and model.check_threshold < model.threshold
    assert len(model.lexical.vocabulary) == model.lexical_coef.shape[0] == model.kind_coef.shape[1]
    # a round trip through the artifact keeps the model
    model.save(tmp_path / "s.npz")
    again = SafetyModel.load(tmp_path / "s.npz")
    x = np.zeros(model.semantic.mean.shape[0], np.float32)
    text = "He told me he has given his guitar away and said goodbye to everyone."
    assert abs(again.score(text, x) - model.score(text, x)) < 1e-3
    assert again.kind_of(text) == model.kind_of(text)
