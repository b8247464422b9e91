"""Short answers to the assistant's questions ("yes", "the second one", "yes to the first, no to
the second") are read against the questions they answer, never glued onto a quote."""

from __future__ import annotations

import pytest

from assistant.answers import POLARITY, pending_questions, read_reply
from assistant.engines.guidance import MORE_QUESTIONS, QUESTIONS

TWO = [QUESTIONS["execution"], QUESTIONS["culture"]]


@pytest.mark.parametrize("reply, questions, expected", [
    ("yes", TWO[:1], [("execution", 1)]),
    ("Nope.", TWO[:1], [("execution", -1)]),
    ("the second one", TWO, [("culture", 1)]),
    ("the latter", TWO, [("culture", 1)]),
    ("Yes to the first, no to the second.", TWO, [("execution", 1), ("culture", -1)]),
    ("first yes, second no", TWO, [("execution", 1), ("culture", -1)]),
    ("both", TWO, [("execution", 1), ("culture", 1)]),
    ("neither", TWO, [("execution", -1), ("culture", -1)]),
    ("the first one, definitely", TWO, [("execution", 1)]),
    ("yes", [MORE_QUESTIONS["interpersonal"][0]], [("interpersonal", -1)]),  # the friction shows with others too
    ("yes", [QUESTIONS["strategy"]], []),  # two questions in one: a yes does not point one way
    ("yes", TWO, []),  # a plain yes to two questions: an answer, but to which one?
])
def test_a_short_reply_is_read_against_the_questions(reply, questions, expected):
    assert read_reply(reply, questions) == expected


@pytest.mark.parametrize("reply, questions", [
    ("the second one", TWO[:1]),  # there is no second question
    ("Honestly I think the CEO changes direction every month and nobody pushes back", TWO),
    ("maybe", TWO[:1]),
    ("2", TWO),  # a number may answer "how many projects...?": never read as "the second"
    ("yes", []),
])
def test_anything_else_is_read_as_text(reply, questions):
    assert read_reply(reply, questions) is None


def test_the_pending_questions_are_those_of_the_last_assistant_turn():
    history = [("user", "We keep missing deadlines."), ("assistant", f"? {TWO[1]}\n? {TWO[0]}")]
    assert pending_questions(history) == [TWO[1], TWO[0]]  # in the order shown
    assert pending_questions([*history, ("user", "it got worse")]) == []
    assert set(POLARITY) <= {*QUESTIONS.values(), *(q for qs in MORE_QUESTIONS.values() for q in qs)}


def test_the_answer_moves_the_diagnosis_and_is_never_quoted(indexed):
    from assistant.pipeline import diagnose
    from assistant.render import diagnosis_markdown
    from assistant.schema import HistoryMessage

    first_text = "Our team keeps missing deadlines and the mood is bad."
    first = diagnose(first_text, store=False)
    questions = first.follow_up_questions
    assert len(questions) == 2 and all(q in POLARITY for q in questions)
    history = [HistoryMessage(role="user", content=first_text),
               HistoryMessage(role="assistant", content=diagnosis_markdown(first))]
    for pick, reply in ((0, "the first one"), (1, "the second one")):
        category, sign = POLARITY[questions[pick]]
        answered = diagnose(reply, history=history, store=False)
        assert sign > 0 and answered.category == category, (reply, answered.scores)
        quoted = " ".join([answered.surface_symptom, answered.root_cause, *answered.cues])
        assert reply not in quoted
        assert questions[pick] not in answered.follow_up_questions  # never asked again
    plain = diagnose("yes", history=history, store=False)  # which question? said, and nothing glued
    assert "bad. yes" not in plain.root_cause and any("which question" in w for w in plain.warnings)


def test_a_short_reply_is_always_screened_for_safety(indexed):
    """Review finding: a short reply was left out of the text, so a crisis in it went unscreened."""
    from assistant.pipeline import diagnose
    from assistant.render import diagnosis_markdown
    from assistant.schema import HistoryMessage

    first_text = "Our team keeps missing deadlines and the mood is bad."
    first = diagnose(first_text, store=False)
    history = [HistoryMessage(role="user", content=first_text),
               HistoryMessage(role="assistant", content=diagnosis_markdown(first))]
    for reply in ("yes", "Yes. Also Tom said he wants to kill himself"):
        answered = diagnose(reply, history=history, store=False)
        assert (answered.escalation is not None) == ("kill" in reply), (reply, answered.escalation)


def test_a_clicked_question_quoted_in_the_reply_is_the_one_answered(indexed):
    from assistant.pipeline import diagnose
    from assistant.render import diagnosis_markdown
    from assistant.schema import HistoryMessage

    first_text = "Our team keeps missing deadlines and the mood is bad."
    first = diagnose(first_text, store=False)
    history = [HistoryMessage(role="user", content=first_text),
               HistoryMessage(role="assistant", content=diagnosis_markdown(first))]
    second = first.follow_up_questions[1]
    answered = diagnose(f"> {second}\nyes", history=history, store=False)
    assert answered.category == POLARITY[second][0]
    assert not any("which question" in w for w in answered.warnings)
