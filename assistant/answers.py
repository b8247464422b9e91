"""Short answers to the assistant's own questions: "yes", "no", "the second one", "both",
"yes to the first, no to the second".

Such a reply says nothing on its own; it says something about the question it answers. Read as
text it was glued onto the previous sentence ("... the mood is bad. yes") and moved nothing, or
the wrong way. Here it is read against the separating questions of the assistant's last turn
(engines/guidance.py): a yes to "Is the friction between two specific people...?" points to
interpersonal, a no points away from it. A question whose yes does not point one way (two
questions in one, or an open question) is left unread. A reply longer than a few words is a
description and is diagnosed as text."""

from __future__ import annotations

import re

from assistant.engines.guidance import MORE_QUESTIONS, QUESTIONS

# question -> (category, +1 when "yes" points to it, -1 when "yes" points away); absent: a yes or
# no to it does not point one way
POLARITY: dict[str, tuple[str, int]] = {
    QUESTIONS["execution"]: ("execution", +1),
    QUESTIONS["culture"]: ("culture", +1),
    QUESTIONS["interpersonal"]: ("interpersonal", +1),
    MORE_QUESTIONS["strategy"][1]: ("strategy", +1),
    MORE_QUESTIONS["interpersonal"][0]: ("interpersonal", -1),
    MORE_QUESTIONS["interpersonal"][1]: ("interpersonal", +1),
}
ALL_QUESTIONS = [*QUESTIONS.values(), *(q for qs in MORE_QUESTIONS.values() for q in qs)]
MAX_REPLY_WORDS = 10

_YES = re.compile(r"^(yes|yeah|yep|yup|ya|correct|right|exactly|indeed|true|absolutely|definitely|sure|"
                  r"it (is|does)|they (are|do)|that'?s (right|it|true)|\U0001F44D)$")
_NO = re.compile(r"^(no|nope|nah|not really|never|false|it (isn'?t|doesn'?t)|they (aren'?t|don'?t)|"
                 r"\U0001F44E)$")
_FIRST = re.compile(r"\b(first|1st|former)\b")
_SECOND = re.compile(r"\b(second|2nd|latter)\b")
_BOTH = re.compile(r"^(yes )?(to )?(both|both of them|all|all of them)$")
_NEITHER = re.compile(r"^(neither|none|no to both|neither of them|none of them|no both)$")


def pending_questions(history_turns: list[tuple[str, str]]) -> list[str]:
    """The separating questions of the assistant's last turn, in the order they were shown.
    `history_turns`: (role, content) pairs."""
    for role, content in reversed(history_turns):
        if role == "assistant":
            found = [(content.find(q), q) for q in ALL_QUESTIONS if q in content]
            return [q for _, q in sorted(found)]
        if role == "user":
            return []  # the last turn is the person's: no question is pending
    return []


def quoted_question(text: str) -> tuple[str | None, str]:
    """(the question, the rest) when the text opens with one of the assistant's questions quoted
    ("> Is the friction between...?" then the answer, as the UI writes a clicked question);
    (None, text) otherwise. Only the assistant's own questions are taken off: a quoted e-mail
    stays the person's text."""
    from assistant.threads import SAME_OR_NEW

    lines = text.splitlines()
    quoted = []
    while lines and lines[0].lstrip().startswith(">"):
        quoted.append(lines.pop(0).lstrip()[1:].strip())
    question = " ".join(quoted)
    if quoted and (question in ALL_QUESTIONS or question == SAME_OR_NEW):
        return (question if question in ALL_QUESTIONS else None), "\n".join(lines).strip()
    return None, text


def _clauses(reply: str) -> list[str]:
    """The reply's parts, split at commas, semicolons, 'and', 'but', lower-cased, without other
    punctuation."""
    from assistant.threads import plain

    out = []
    for part in re.split(r"[,;.!]+", plain(reply).lower()):
        for clause in re.split(r"\b(?:and|but|while)\b", part):
            clause = " ".join(re.sub(r"[^\w\s#'\U0001F44D\U0001F44E]", " ", clause).split())
            if clause:
                out.append(clause)
    return out


def read_reply(reply: str, questions: list[str], focus: str | None = None) -> list[tuple[str, int]] | None:
    """(category, +1 / -1) for each question the short reply answers, where the answer points one
    way (empty: an answer that cannot be placed, such as a plain "yes" to two questions); None
    when the reply is not a short answer to these questions (then it is read as text)."""
    if focus is not None:  # the reply answers the question it quotes
        questions = [focus]
    words = reply.split()
    if not questions or not words or len(words) > MAX_REPLY_WORDS:
        return None
    said: dict[int, bool] = {}  # question index -> yes?
    last: list[int] = []  # the questions the previous clause named ("the first one, definitely")
    unplaced = False  # a plain yes or no with two questions pending
    for clause in _clauses(reply.replace("#", " ")):
        both = bool(_BOTH.match(clause))
        if both or _NEITHER.match(clause):  # "yes, both": the plain yes is placed
            said.update(dict.fromkeys(range(len(questions)), both))
            unplaced = False
            continue
        which = [i for i, pattern in enumerate((_FIRST, _SECOND)) if pattern.search(clause) and i < len(questions)]
        bare = re.sub(r"\b(to|the|one|first|second|1st|2nd|former|latter|question|is|for|on)\b", " ",
                      clause)
        bare = " ".join(bare.split())
        yes = bool(_YES.match(bare)) or (bool(which) and not bare)  # "the second one" = yes to it
        no = bool(_NO.match(bare))
        if not (yes or no):
            return None  # something other than an answer: read the reply as text
        if not which:
            if len(questions) == 1:
                which = [0]
            elif last:
                which = last
            else:
                unplaced = True  # a plain yes to two questions: an answer, but to which one?
                continue
        for i in which:
            if i in said and said[i] != yes:
                unplaced = True  # "yes and no" to the same question
            said[i] = yes
        last = which
    if unplaced:
        return []
    counted = []
    for i, yes in sorted(said.items()):
        if questions[i] in POLARITY:
            category, sign = POLARITY[questions[i]]
            counted.append((category, sign if yes else -sign))
    return counted
