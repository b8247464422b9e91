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
    assert model.kinds.tfidf is model.words.tfidf  # one vocabulary, read once per text
    assert model.words.coef.shape == (2, len(model.words.tfidf.vocabulary))
    assert model.kinds.coef.shape == (len(KINDS), len(model.words.tfidf.vocabulary))
    # a round trip through the artifact keeps the model
    model.save(tmp_path / "s.npz")
    again = SafetyModel.load(tmp_path / "s.npz")
    x = np.zeros(model.semantic.mean.shape[0], np.float32)
    text = "He told me he has given his guitar away and said goodbye to everyone."
    (score, kind), (score2, kind2) = model.assess(text, x)[:2], again.assess(text, x)[:2]
    assert abs(score - score2) < 1e-3 and kind == kind2 and kind in KINDS
    assert model.assess("!!!", x)[:2] == (float("-inf"), None)


def test_assistant_train_reports_every_model(monkeypatch, capsys):
    """`assistant train`'s summary reads each artifact's info (a missing key once crashed it
    after the safety screen was written, leaving the roles and cue models untrained)."""
    import argparse

    from assistant import cli
    from assistant.classifier import cue_types, plan_cause, roles, safety_training, training
    from assistant.classifier.model import Classifier

    monkeypatch.setattr(training, "train_and_save", Classifier.load)
    monkeypatch.setattr(safety_training, "train_safety_and_save", SafetyModel.load)
    monkeypatch.setattr(roles, "train_roles_and_save", roles.RoleModel.load)
    monkeypatch.setattr(cue_types, "train_cue_types_and_save", cue_types.CueTypeModel.load)
    monkeypatch.setattr(plan_cause, "train_plan_cause_and_save", plan_cause.PlanCauseModel.load)
    assert cli.cmd_train(argparse.Namespace()) == 0
    out = capsys.readouterr().out
    assert "safety screen:" in out and "sentence roles:" in out and "cue types:" in out
    assert "plan cause model:" in out


def test_text_the_screen_cannot_read_is_left_to_the_patterns():
    from assistant.pipeline import diagnose

    for text in ("!!!", "qwxz vbnm plok.", "私たちのチームは締め切りを守れません。", "Hi"):
        result = diagnose(text, engine="local", store=False)
        assert result.escalation is None and result.safety_check is None, text
    # an explicit form is still caught by a pattern, whatever the screen can read
    assert diagnose("I have been thinking about suicide.", engine="local", store=False).escalation


def test_a_two_class_word_model_keeps_its_classes_apart():
    from assistant.classifier.lexical import WordModel

    texts = ["he threatened her again", "threatened to hurt her", "the sprint slipped again",
             "the sprint review slipped"] * 3
    model = WordModel.fit(texts, np.array([1, 1, 0, 0] * 3), 2, 10.0)
    assert np.argmax(model.logits("he threatened her")) == 1
    assert np.argmax(model.logits("the sprint slipped")) == 0
