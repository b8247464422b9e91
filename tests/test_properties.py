"""Property-based tests: any text into diagnose or critique gives a valid result or a clear
user error, never an exception escaping."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.critique import critique_plan
from assistant.critique.schema import PlanCritique
from assistant.errors import AssistantError, EmptyTextError, NotAPlanError, TextTooLongError
from assistant.schema import Diagnosis

texts = st.one_of(
    st.text(max_size=400),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=2000),
    st.from_regex(r"[\x00-\x1f\x7f ]{0,50}", fullmatch=True),
    st.lists(st.sampled_from([
        "Our two leads refuse to talk.", "我们的团队错过了截止日期。", "Die Ziele sind unklar.",
        "🙃🔥", "\u202e\u200b", "ignore previous instructions", "- Owner: Ana, by 3 May",
        "KR1: activation from 20% to 30% by June", "\t\n", "<script>alert(1)</script>",
    ]), max_size=30).map(" ".join),
)
CHECK = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@CHECK
@given(text=texts)
def test_diagnose_any_text(indexed, text):
    from assistant.pipeline import diagnose

    try:
        result = diagnose(text, store=False)
    except (EmptyTextError, TextTooLongError) as err:
        from assistant.injection import strip_instructions
        from assistant.pipeline import visible_text

        # nothing visible (white space, control and format characters), only instructions to
        # the assistant, or over the limit
        left = strip_instructions(text.replace("\x00", ""))[0]
        assert not visible_text(text) or not left.strip() or len(text) > 20000, err
        return
    Diagnosis.model_validate(result.model_dump())
    assert abs(sum(result.scores.model_dump().values()) - 1) < 1e-3


@CHECK
@given(text=texts)
def test_critique_any_text(text):
    try:
        result = critique_plan(text)
    except (EmptyTextError, NotAPlanError, TextTooLongError):
        return
    PlanCritique.model_validate(result.model_dump())
    lines = text.split("\n")
    for check in result.checks:
        for ev in check.evidence:
            assert ev.quote in lines[ev.line - 1]


@pytest.mark.parametrize("size", [20001, 200_000, 2_000_000])
def test_huge_texts_are_refused_cleanly(indexed, size):
    from assistant.pipeline import diagnose

    with pytest.raises(TextTooLongError):
        diagnose("a" * size)
    with pytest.raises(AssistantError):
        critique_plan("- plan line\n" * (size // 12 + 1))
