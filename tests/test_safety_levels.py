"""Two levels: `escalation` (act now) and the softer `safety_check` note beside the diagnosis."""

from __future__ import annotations

import numpy as np

from assistant.classifier.model import LinearModel
from assistant.classifier.safety_model import SafetyModel, choose_check_threshold
from assistant.schema import Diagnosis, SafetyCheck, Scores


def _model(check: float | None) -> SafetyModel:
    one = LinearModel(np.zeros(1, np.float32), np.ones(1, np.float32), np.ones((1, 1), np.float32),
                      np.zeros(1, np.float32))  # probability = sigmoid(x)
    return SafetyModel(one, one, 0.8, "f", {}, check)


def test_levels_follow_the_two_bars():
    model = _model(check=0.3)
    logit = lambda p: np.array([np.log(p / (1 - p))], np.float32)  # noqa: E731
    assert model.level(logit(0.9)) == "escalation"
    assert model.level(logit(0.5)) == "safety_check"
    assert model.level(logit(0.1)) is None
    assert _model(check=None).level(logit(0.5)) is None


def test_the_check_bar_sits_below_the_escalation_bar_and_spares_ordinary_text():
    dev = np.array([0.9, 0.7, 0.4, 0.1, 0.05, 0.3])
    flags = np.array([True, True, True, False, False, False])
    scenarios = np.array([0.01] * 97 + [0.5, 0.35, 0.25])
    bar = choose_check_threshold(dev, flags, scenarios, threshold=0.8)
    assert bar is not None and bar < 0.8
    assert (scenarios >= bar).mean() <= 0.05


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
