"""Is the new message of a conversation a new, unrelated problem?

A chat keeps every earlier user turn in the text it diagnoses, which is right for an answer to a
follow-up question ("it's mostly Priya and Tom...") and wrong when the person moves on to another
problem: the two would be diagnosed as one. A new message starts a new thread when it says so ("a
different question", "unrelated, but...") or when it is a whole description on its own (long
enough, after a first message that was one too) that shares almost nothing with the earlier
turns: no name in common and little subject in common (sentence vectors, see NEW_BELOW). In between
it asks whether this is the same situation.

Replies never start a thread: a message that opens as an answer ("yes", "it's", "they", "mostly")
continues the conversation whatever its similarity. The thresholds were set on real dev
descriptions (two halves of one description must continue; two different descriptions are new).
"""

from __future__ import annotations

import re

import numpy as np

NEW_TOPIC = re.compile(  # said of the conversation itself, not of the situation ("another issue too")
    r"\b(?:(?:a |an )?(?:different|separate|unrelated|new|whole other) (?:question|problem|issue|topic)"
    r"(?! (?:than|from|as)\b)|on a (?:different|separate|another) note|switching gears|change of subject|"
    r"chang(?:e|ing) the subject|unrelated (?:to (?:that|this|the above|my last)|but)|"
    r"something else entirely|nothing to do with (?:that|the above|my (?:last|earlier|first)))",
    re.I,
)
NEW_TOPIC_SPAN = 160  # a marker counts in the first characters only (the message's opening)
MIN_MARKED_WORDS = 12  # and only in a message that describes something ("a separate problem." alone does not)
REPLY_OPENING = re.compile(
    r"^\W*(?:yes|yeah|yep|no|nope|nah|not really|right|exactly|correct|sort of|kind of|both|neither|"
    r"mostly|only|just|it'?s|it is|it was|they|they're|he|she|he's|she's|that|those|this|we did|"
    r"we have|we tried|good question|to answer|as for|re:|well|honestly|actually|and|but|so|because|"
    r"i think|i'd say|not sure|hmm|ok|okay)\b",
    re.I,
)
MIN_WORDS = 30  # shorter messages (and a thin first message) are read as one conversation
# Cosine of the two texts' sentence vectors once the centroid of real problem descriptions is
# taken off (every work problem shares that direction; what is left is the subject). On real dev
# descriptions cut in two halves, no half fell under NEW_BELOW and 1.6% under ASK_BELOW; pairs of
# different descriptions: 50% under NEW_BELOW, 76% under ASK_BELOW.
NEW_BELOW = 0.0
ASK_BELOW = 0.08
SAME_OR_NEW = ("Is this the same situation as the one you described before, or a separate problem? "
               "If it is separate, I will look at it on its own.")
SEPARATE_REPLY = re.compile(r"\b(?:separate|different|unrelated|new (?:one|problem|issue)|not the same|"
                            r"another (?:one|problem|issue|team))\b", re.I)
SEPARATE_REPLY_WORDS = 25  # a longer reply is read as more about the situation, not as the answer


def names(text: str) -> set[str]:
    """Capitalised words not at a sentence start: people, products and teams named."""
    found = {m.group(1) for m in re.finditer(r"(?<![.!?:]\s)(?<!^)\b([A-Z][a-z]{2,})\b", text)}
    return found - {"The", "This", "That", "They", "Our", "And", "But", "When", "What", "Then", "Any"}


def subject_similarity(a: np.ndarray, b: np.ndarray, centroid: np.ndarray) -> float:
    """Cosine of two sentence vectors with the centroid of work-problem descriptions taken off."""
    a, b = a - centroid, b - centroid
    return float(a @ b / max(float(np.linalg.norm(a) * np.linalg.norm(b)), 1e-9))


def answers_separate(last_assistant: str, text: str) -> bool:
    """True when the assistant last asked SAME_OR_NEW and `text` answers that it is separate: the
    previous user message then starts the new thread."""
    return (SAME_OR_NEW in last_assistant and len(text.split()) <= SEPARATE_REPLY_WORDS
            and bool(SEPARATE_REPLY.search(text)))


def thread_verdict(earlier: list[str], text: str, vectors: np.ndarray | None = None,
                   centroid: np.ndarray | None = None) -> str:
    """"new" when `text` reads as a new problem unrelated to the earlier user turns, "ask" when it
    may be one (too little in common to tell), "same" otherwise.

    `vectors`: the sentence vectors of the earlier turns joined and of `text` (two rows); without
    them (or the centroid) only the explicit markers count."""
    if not earlier or not text.strip():
        return "same"
    if NEW_TOPIC.search(text[:NEW_TOPIC_SPAN]) and len(text.split()) >= MIN_MARKED_WORDS:
        return "new"
    before = "\n".join(earlier)
    if (REPLY_OPENING.match(text) or len(text.split()) < MIN_WORDS or len(before.split()) < MIN_WORDS
            or vectors is None or centroid is None or names(before) & names(text)):
        return "same"
    similarity = subject_similarity(vectors[0], vectors[1], centroid)
    return "new" if similarity < NEW_BELOW else "ask" if similarity < ASK_BELOW else "same"
