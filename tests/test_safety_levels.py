"""Two levels: `escalation` (act now) and the softer `safety_check` note beside the diagnosis."""

from __future__ import annotations

import numpy as np

from assistant.classifier.lexical import Tfidf, WordModel
from assistant.classifier.model import LinearModel
from assistant.classifier.safety_model import SafetyModel, choose_check_threshold
from assistant.schema import Diagnosis, SafetyCheck, Scores


def _model(check: float | None) -> SafetyModel:
    one = LinearModel(np.zeros(1, np.float32), np.ones(1, np.float32), np.ones((1, 1), np.float32),
                      np.zeros(1, np.float32))
    terms = Tfidf(["x"], np.ones(1))
    words = WordModel(terms, np.zeros((2, 1), np.float32), np.zeros(2, np.float32))
    return SafetyModel(one, words, words, 1.0, "f", {}, check)


def test_levels_follow_the_two_bars():
    model = _model(check=-0.5)
    assert model.level(1.5) == "escalation"
    assert model.level(0.0) == "safety_check"
    assert model.level(-1.0) is None
    assert _model(check=None).level(0.0) is None


def test_a_short_text_needs_more_evidence_for_the_note_but_not_for_escalation():
    from assistant.classifier.safety_model import NOTE_FULL_TERMS

    model = _model(check=-0.5)
    assert model.level(0.0, known=NOTE_FULL_TERMS) == "safety_check"
    assert model.level(0.0, known=4) is None  # a few words: drawn towards an ordinary score
    assert model.level(1.5, known=4) == "escalation"  # escalation is judged on the score itself


def test_short_ordinary_messages_are_not_escalated(indexed):
    from assistant.pipeline import diagnose

    ordinary = ["my PM and my designer disagree about the onboarding flow",
                "the new hire keeps asking the same questions",
                "our weekly sync runs an hour over every time",
                "budget for next year got cut by ten percent",
                "the audit found our ticket labels are inconsistent",
                "two seniors handed in notice this month",
                "my manager rewrites my status reports before they go up"]
    results = [diagnose(t, store=False) for t in ordinary]
    assert [t for t, r in zip(ordinary, results, strict=True) if r.escalation is not None] == []
    assert sum(r.safety_check is not None for r in results) <= 1


def test_the_check_bar_sits_below_the_escalation_bar_and_spares_ordinary_text():
    ordinary = np.array([-5.0] * 94 + [-1.2, -1.0, -0.8, -0.6, -0.4, 0.5])
    bar = choose_check_threshold(ordinary, threshold=0.0)
    assert bar is not None and bar < 0.0
    assert (ordinary >= bar).mean() <= 0.05
    assert (ordinary >= bar - 0.1).mean() > 0.05  # the lowest bar that keeps the bound
    assert choose_check_threshold(np.zeros(100), threshold=0.0) is None  # nothing fits


def test_the_shipped_screen_has_a_check_bar_and_every_face_shows_the_note():
    from assistant.cli import _render_diagnosis
    from assistant.mcp_tools import summarize_diagnosis
    from assistant.render import diagnosis_markdown
    from assistant.ui.html import chat_summary, diagnosis_card

    shipped = SafetyModel.load()
    assert shipped.check_threshold is not None and shipped.check_threshold < shipped.threshold
    d = Diagnosis(category="execution", confidence=0.7,
                  scores=Scores(strategy=0.1, execution=0.7, culture=0.1, interpersonal=0.1),
                  surface_symptom="s", root_cause="r", rationale="w",
                  safety_check=SafetyCheck(kind="fraud", message="This may be a safety matter."))
    for text in (diagnosis_markdown(d), _render_diagnosis(d), summarize_diagnosis(d),
                 chat_summary(d), diagnosis_card(d)):
        assert "This may be a safety matter." in text
        assert "execution" in text.lower()  # the diagnosis is not hidden
