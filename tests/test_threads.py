"""A new, unrelated problem typed into the same conversation starts a new thread (or is asked
about); a reply to the assistant's question never does."""

from __future__ import annotations

import numpy as np

from assistant.pipeline import FROM_PREVIOUS_NOTE, NEW_THREAD_NOTE, diagnose
from assistant.threads import SAME_OR_NEW, answers_separate, thread_verdict

WAREHOUSE = (
    "I manage the warehouse night shift at a regional distributor, about twenty pickers and three forklift "
    "drivers. Since the new scanning system went in, our pick rates dropped by a third, the handhelds freeze "
    "when the wifi drops in aisle nine, and nobody in IT will own the fix because the vendor contract sits "
    "with procurement. I've raised it four times in the weekly ops call.")
FOUNDERS = (
    "Our two co-founders disagree about whether we are a developer tool or an enterprise platform. The CEO "
    "promised a bank a custom compliance module last month while the CTO keeps telling the engineers to "
    "polish the open-source CLI for the community launch. The eight of us get both asks every week and "
    "nobody has told us which one wins, so half the sprint is thrown away each time.")
REPLY = (
    "Yes, procurement signed the vendor deal and the handhelds are theirs on paper. IT says the wifi is "
    "theirs but the scanners are not, and the vendor says the firmware is fine and the wifi is the problem, "
    "so it just bounces between the three of them while my shift keeps missing the truck cut-off.")
MORE = (
    "The people side is fine, honestly. Every time the scanners lock up the shift lead has to walk the "
    "orders by paper, and the paper lists don't match the system afterwards, so the morning crew redoes "
    "half the picks and the trucks go out late, which is the number my director looks at.")


def _exchange(first: str, answer: str = "Root cause: execution. Nobody owns the scanners end to end.") -> list[dict]:
    return [{"role": "user", "content": first}, {"role": "assistant", "content": answer}]


def test_unrelated_problem_is_diagnosed_on_its_own(indexed):
    alone = diagnose(FOUNDERS, store=False)
    merged_text = diagnose(WAREHOUSE + "\n" + FOUNDERS, store=False)
    after = diagnose(FOUNDERS, history=_exchange(WAREHOUSE), store=False)
    assert after.new_thread and NEW_THREAD_NOTE in after.warnings
    assert after.scores == alone.scores and after.category == alone.category
    assert merged_text.scores != alone.scores  # without the new thread the two would be read as one
    asked = diagnose(FOUNDERS, history=_exchange(WAREHOUSE, "Who owns the scanners end to end?"), store=False)
    assert not asked.new_thread and asked.follow_up_questions[0] == SAME_OR_NEW  # it may be the answer


def test_replies_and_more_detail_continue_the_conversation(indexed):
    for text in (REPLY, MORE):
        result = diagnose(text, history=_exchange(WAREHOUSE), store=False)
        assert not result.new_thread
        assert result.scores == diagnose(WAREHOUSE + "\n" + text, store=False).scores


def test_saying_so_starts_a_new_thread_and_a_thin_first_message_never_splits(indexed):
    said = diagnose("A different question now: " + FOUNDERS, history=_exchange(WAREHOUSE), store=False)
    assert said.new_thread
    thin = diagnose(FOUNDERS, history=_exchange("our launches keep slipping"), store=False)
    assert not thin.new_thread


def test_answering_separate_starts_the_thread_at_the_previous_message(indexed):
    history = _exchange(WAREHOUSE) + _exchange(FOUNDERS, f"Root cause: strategy.\n- {SAME_OR_NEW}")
    result = diagnose("It's a separate problem.", history=history, store=False)
    assert result.new_thread and FROM_PREVIOUS_NOTE in result.warnings
    alone = diagnose("It's a separate problem.", history=_exchange(FOUNDERS, SAME_OR_NEW), store=False)
    assert result.scores == alone.scores
    # the same history ending with this very text (as some clients send it) reads the same
    repeated = diagnose("It's a separate problem.", store=False,
                        history=history + [{"role": "user", "content": "It's a separate problem."}])
    assert repeated.new_thread and repeated.scores == result.scores


def test_the_history_sent_whole_after_a_split_stays_with_the_new_problem(indexed):
    from assistant.render import diagnosis_markdown

    split = diagnose(FOUNDERS, history=_exchange(WAREHOUSE), store=False)
    assert split.new_thread
    reply = "Yes, and the CEO and the CTO still have not sat down together about it."
    whole = _exchange(WAREHOUSE) + [{"role": "user", "content": FOUNDERS},
                                    {"role": "assistant", "content": diagnosis_markdown(split)}]
    after = diagnose(reply, history=whole, store=False)
    assert not after.new_thread
    assert after.scores == diagnose(FOUNDERS + "\n" + reply, store=False).scores


def test_no_new_thread_after_an_escalation(indexed):
    harassment = ("My team lead keeps commenting on a junior colleague's body in our stand-ups and texts "
                  "her late at night asking her out; she has told him to stop and now he gives her the "
                  "worst tickets and says she is not a team player.")
    history = [{"role": "user", "content": harassment},
               {"role": "assistant", "content": "**Safety matter: escalate, do not coach.** Take it to HR."}]
    result = diagnose(FOUNDERS, history=history, store=False)
    assert not result.new_thread and result.escalation is not None


def test_when_unsure_the_assistant_asks(indexed, monkeypatch):
    import assistant.threads as threads

    monkeypatch.setattr(threads, "thread_verdict", lambda *a, **k: "ask")
    result = diagnose(FOUNDERS, history=_exchange(WAREHOUSE), store=False)
    assert not result.new_thread and result.follow_up_questions[0] == SAME_OR_NEW
    again = diagnose(FOUNDERS, history=_exchange(WAREHOUSE, f"- {SAME_OR_NEW}"), store=False)
    assert SAME_OR_NEW not in again.follow_up_questions  # never asked twice


def test_verdicts_on_crafted_vectors():
    centroid = np.array([1.0, 0.0, 0.0])
    long_a, long_b = " ".join(["alpha"] * 40), " ".join(["beta"] * 40)
    apart = np.array([[1.0, 1.0, 0.0], [1.0, -1.0, 0.0]])  # opposite once the centroid is off
    near = np.array([[1.0, 1.0, 0.1], [1.0, 1.0, 0.0]])
    midway = np.array([[1.0, 1.0, 0.0], [1.0, 0.05, 1.0]])  # a small positive similarity
    assert thread_verdict([long_a], long_b, apart, centroid) == "new"
    assert thread_verdict([long_a], long_b, near, centroid) == "same"
    assert thread_verdict([long_a], long_b, midway, centroid) == "ask"
    assert thread_verdict([long_a], "Yes, " + long_b, apart, centroid) == "same"  # a reply
    assert thread_verdict(["it is slow"], long_b, apart, centroid) == "same"  # thin first message
    assert thread_verdict([long_a], long_b, None, None) == "same"  # no vectors: markers only
    assert thread_verdict([long_a], "Unrelated to that, but " + long_b) == "new"
    assert thread_verdict([long_a], "There is another issue too: " + long_b, near, centroid) == "same"
    assert thread_verdict([long_a], long_b, apart, centroid, asked=True) == "ask"  # may be the answer
    assert thread_verdict([long_a], "It\u2019s " + long_b, apart, centroid) == "same"  # a phone's apostrophe
    assert thread_verdict([long_a], "Yes, and there's a new problem now: " + long_b, apart, centroid) == "same"


def test_only_a_plain_answer_that_it_is_separate_counts():
    asked = f"To sharpen this:\n- {SAME_OR_NEW}"
    for yes in ("separate", "It\u2019s a separate problem.", "a different one", "Yes, a new problem"):
        assert answers_separate(asked, yes), yes
    for no in ("No, it's the same situation, not a separate problem.",
               "Same warehouse, same people, just a different symptom of it.",
               "Yes, it happened again when different people held the roles.",
               "not really a different issue"):
        assert not answers_separate(asked, no), no
    assert not answers_separate("Who owns it?", "separate")
    assert not answers_separate(SAME_OR_NEW, "separate " + "really " * 30)


def test_written_conversations_keep_replies_and_catch_most_new_problems():
    """evals/threads/: 80 two-message conversations after a full first description, written apart
    from the detector (40 continue, 40 move to a new problem; the set was used to add the
    conversational markers "separate thing:", "different subject", "unrelated to", so it is a dev
    set). A ratchet: 0/40 replies split (1 asked), 24/40 new problems split or asked."""
    import json

    from assistant.cases import evals_dir
    from assistant.pipeline import _thread
    from assistant.schema import HistoryMessage
    from assistant.threads import current_thread

    rows = [json.loads(line) for line in (evals_dir() / "threads" / "cases.jsonl").read_text().splitlines() if line]
    verdicts: dict[str, list[str]] = {"same": [], "new": []}
    for row in rows:
        turns = [HistoryMessage(role="user", content=row["first"]),
                 HistoryMessage(role="assistant", content=row["assistant"])]
        verdicts[row["kind"]].append(_thread(current_thread(turns, row["second"]), row["second"])[0])
    assert len(verdicts["same"]) == 40 and len(verdicts["new"]) == 40
    assert verdicts["same"].count("new") == 0
    assert verdicts["same"].count("ask") <= 2
    assert sum(v != "same" for v in verdicts["new"]) >= 22
