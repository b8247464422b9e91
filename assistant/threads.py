"""Is the new message of a conversation a new, unrelated problem?

A chat keeps every earlier user turn in the text it diagnoses, which is right for an answer to a
follow-up question ("it's mostly Priya and Tom...") and wrong when the person moves on to another
problem: the two would be diagnosed as one. A new message starts a new thread when it says so ("a
different question", "unrelated, but...") or when it is a whole description on its own (long
enough, after a first message that was one too) that shares almost nothing with the earlier
turns: no name in common and little subject in common (sentence vectors, see NEW_BELOW). In between
it asks whether this is the same situation.

Replies never start a thread: a message that opens as an answer ("yes", "it's", "they", "mostly")
continues the conversation whatever its similarity, and after the assistant asked questions a
message that shares little with the earlier ones is asked about, not split. Nor does a thread
start after an escalation (the safety matter stays in view). The pipeline keeps no state: where
a thread started is read back from the assistant's earlier answers in the history (their note). The thresholds were set on real dev
descriptions (two halves of one description must continue; two different descriptions are new).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np


class Turn(Protocol):
    """A conversation turn (schema.HistoryMessage)."""

    role: str
    content: str

NEW_TOPIC = re.compile(  # said of the conversation itself, not of the situation ("a new problem now")
    r"\b(?:(?:a |an )?(?:different|separate|unrelated|new|whole other) (?:question|topic|subject)"
    r"|(?:a |an )?(?:separate|unrelated|different) (?:thing|matter)(?: entirely)?\s*[:.,;-]"
    r"|on a (?:different|separate|another) note|switching gears|change of subject|"
    r"chang(?:e|ing) the subject|unrelated to\b|unrelated,|unrelated but|"
    r"something else entirely|nothing to do with (?:that|the above|my (?:last|earlier|first)))",
    re.I,
)
NEW_TOPIC_SPAN = 160  # a marker counts in the first characters only (the message's opening)
MIN_MARKED_WORDS = 12  # and only in a message that describes something ("a separate problem." alone does not)
REPLY_OPENING = re.compile(
    r"^\W*(?:yes|yeah|yep|no|nope|nah|not really|right|exactly|correct|sort of|kind of|both|neither|"
    r"mostly|only|just|it'?s|it is|it was|they|they're|he|she|he's|she's|that|those|this|we did|"
    r"we have|we've|we tried|good question|to answer|as for|well|honestly|actually|and|but|so|because|"
    r"i think|i'd say|not sure|hmm|ok|okay|same)\b|^\W*re:",
    re.I,
)
MIN_WORDS = 30  # shorter messages (and a thin first message) are read as one conversation
# Cosine of the two texts' sentence vectors once the centroid of real problem descriptions is
# taken off (every work problem shares that direction; what is left is the subject). On real dev
# descriptions cut in two halves, none fell under NEW_BELOW and 2.7% under ASK_BELOW; pairs of
# different descriptions: 48% under NEW_BELOW, 76% under ASK_BELOW.
NEW_BELOW = 0.0
ASK_BELOW = 0.08
SAME_OR_NEW = ("Is this the same situation as the one you described before, or a separate problem? "
               "If it is separate, I will look at it on its own.")
# a plain answer that it is separate: at the start, and nothing saying "same" or "not"
SEPARATE_REPLY = re.compile(r"^\W*(?:(?:yes|yeah|no)\W+)?(?:(?:it'?s|it is|that'?s|this is)\s+)?(?:a\s+|an\s+)?"
                            r"(?:separate|different|unrelated|new)(?:\s+(?:one|problem|issue|thing|situation))?\b",
                            re.I)
NOT_SEPARATE = re.compile(r"\bsame\b|\bnot\b|n't\b", re.I)
SEPARATE_REPLY_WORDS = 25  # a longer reply is read as more about the situation, not as the answer
# What the assistant's earlier answer said (every face shows these words), read back from the
# history so that the pipeline needs no state of its own: a new thread started at that answer's
# question (NEW_THREAD_MARK) or at the message before it (FROM_PREVIOUS_MARK); an escalation.
NEW_THREAD_MARK = "this reads as a new problem, unrelated to the earlier messages"
FROM_PREVIOUS_MARK = "your previous message is a separate problem"
ESCALATED_MARK = re.compile(r"safety matter\b[^\n]{0,40}escalate", re.I)


def plain(text: str) -> str:
    """Typographic apostrophes folded to ASCII (a reply typed on a phone opens "It’s")."""
    return text.replace("\u2019", "'").replace("\u2018", "'")


def names(text: str) -> set[str]:
    """Capitalised words not at a sentence start: people, products and teams named."""
    found = {m.group(1) for m in re.finditer(r"(?<![.!?:]\s)(?<!^)\b([A-Z][a-z]{2,})\b", text)}
    return found - {"The", "This", "That", "They", "Our", "And", "But", "When", "What", "Then", "Any"}


def subject_similarity(a: np.ndarray, b: np.ndarray, centroid: np.ndarray) -> float:
    """Cosine of two sentence vectors with the centroid of work-problem descriptions taken off."""
    a, b = a - centroid, b - centroid
    return float(a @ b / max(float(np.linalg.norm(a) * np.linalg.norm(b)), 1e-9))


def answers_separate(last_assistant: str, text: str) -> bool:
    """True when the assistant last asked SAME_OR_NEW and `text` answers plainly that it is
    separate (no "same", no negation): the previous user message then starts the new thread."""
    text = plain(text)
    return (SAME_OR_NEW in last_assistant and len(text.split()) <= SEPARATE_REPLY_WORDS
            and bool(SEPARATE_REPLY.search(text)) and not NOT_SEPARATE.search(text))


def thread_verdict(earlier: list[str], text: str,
                   vectors: np.ndarray | Callable[[], np.ndarray] | None = None,
                   centroid: np.ndarray | None = None, asked: bool = False) -> str:
    """"new" when `text` reads as a new problem unrelated to the earlier user turns, "ask" when it
    may be one (too little in common to tell), "same" otherwise.

    `vectors`: the sentence vectors of the earlier turns joined and of `text` (two rows), or what
    computes them when they are needed; without them (or the centroid) only the explicit markers
    count. `asked`: the assistant's last turn asked questions, so the text may be the answer:
    similarity alone then only asks."""
    text = plain(text)
    if not earlier or not text.strip() or REPLY_OPENING.match(text):
        return "same"
    if NEW_TOPIC.search(text[:NEW_TOPIC_SPAN]) and len(text.split()) >= MIN_MARKED_WORDS:
        return "new"
    before = "\n".join(earlier)
    if (len(text.split()) < MIN_WORDS or len(before.split()) < MIN_WORDS
            or vectors is None or centroid is None or names(before) & names(text)):
        return "same"
    rows = vectors() if callable(vectors) else vectors
    similarity = subject_similarity(rows[0], rows[1], centroid)
    if similarity < NEW_BELOW:
        return "ask" if asked else "new"
    return "ask" if similarity < ASK_BELOW else "same"


def current_thread(turns: Sequence[Turn], text: str) -> list:
    """The turns of the conversation's current thread. No state is kept: a thread started where
    an earlier answer of the assistant says so (its note, shown on every face and sent back in the
    history), from that answer's question, or from the message before it when the person had
    answered that it was separate. A last user turn equal to `text` is the text itself."""
    turns = list(turns)
    if turns and turns[-1].role == "user" and turns[-1].content == text:
        turns = turns[:-1]
    for k in range(len(turns) - 1, -1, -1):
        said = turns[k].content
        if turns[k].role != "assistant" or not (NEW_THREAD_MARK in said or FROM_PREVIOUS_MARK in said):
            continue
        users = [i for i in range(k) if turns[i].role == "user"]
        back = 2 if FROM_PREVIOUS_MARK in said else 1
        return turns[users[-back]:] if len(users) >= back else turns
    return turns


def thread_of(turns: Sequence[Turn], text: str, embed: Callable[[list[str]], np.ndarray],
              centroid: np.ndarray) -> tuple[str, int]:
    """(verdict, index of the first turn the diagnosis keeps) for `text` after the current
    thread's `turns`: "same" keeps them all, "new" none, "from_last" (it answered that the
    previous message was a separate problem) keeps that message on, "ask" keeps them all and
    asks. Never a new thread after an escalation. `embed` runs only when similarity decides."""
    said = [t.content for t in turns if t.role == "assistant"]
    if any(ESCALATED_MARK.search(s) for s in said):  # the safety matter stays in view
        return "same", 0
    users = [i for i, t in enumerate(turns) if t.role == "user"]
    if said and len(users) >= 2 and answers_separate(said[-1], text):
        return "from_last", users[-1]
    earlier = [t.content for t in turns if t.role == "user" and t.content.strip()]
    verdict = thread_verdict(earlier, text, lambda: embed(["\n".join(earlier), text]), centroid,
                             asked=bool(said) and "?" in said[-1])
    return verdict, (len(turns) if verdict == "new" else 0)
