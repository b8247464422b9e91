"""Fixed guidance per category: band-aids to avoid, separating questions, what would change
the diagnosis. Written from the SOP library (is-it-really-execution, culture-habits,
interpersonal-root-causes); no facts about the case are invented here."""

from __future__ import annotations

MEANING = {
    "strategy": "the direction itself is missing, unclear, not shared or in conflict",
    "execution": "the direction is good enough, but delivery mechanics are failing",
    "culture": "norms and incentives across the organisation push people the wrong way",
    "interpersonal": "the friction sits between specific people",
}

ANTI_PATTERNS = {
    "strategy": [
        "Adding status meetings or trackers to push delivery when the teams do not share a direction",
        "Asking the teams to 'align' among themselves on goals that conflict at the top",
        "Writing more OKRs before leadership has made the underlying choice",
    ],
    "execution": [
        "Re-opening the strategy debate when the direction is already good enough",
        "Adding another recurring meeting instead of removing work in progress",
        "Asking people to work longer hours instead of cutting scope or fixing the bottleneck",
    ],
    "culture": [
        "Another recurring alignment meeting or review that leaves incentives untouched",
        "Replacing the people involved: the next person in the role will behave the same way",
        "A one-off 'values' talk while rewards and promotions still favour the old behaviour",
    ],
    "interpersonal": [
        "A new team-wide process or review cycle to paper over two people's conflict",
        "Mandating weekly 1:1s between the pair without addressing the relationship",
        "Becoming the permanent go-between so the two never have to talk",
    ],
}

QUESTIONS = {
    "strategy": "Could each team lead state the top two goals for this quarter the same way, and do their goals conflict?",
    "execution": "Is the direction clear and agreed, and the problem is getting the work through (too much in parallel, no owner, slow approvals, tooling)?",
    "culture": "Has this been fixed before and come back, or does it happen again when different people hold the same roles?",
    "interpersonal": "Is the friction between two specific people, and does it disappear when one of them is away?",
}

# further separating questions per category, asked when the first was already asked in the
# conversation (a question is never asked twice)
MORE_QUESTIONS = {
    "strategy": [
        "When two requests compete for the same people, who decides which one wins, and has that person decided?",
        "Has the direction or the top priority changed in the last few months, and was anything dropped when it did?",
    ],
    "execution": [
        "For the work that slips, is there one named owner, and what does it wait on most: people, approvals, other teams or tools?",
        "How many projects is each person working on at once right now?",
    ],
    "culture": [
        "What gets people praised or promoted here, and does it reward the behaviour you are seeing?",
        "Do people raise bad news early, or do problems surface only when they are too late to fix?",
    ],
    "interpersonal": [
        "When the two people involved work with others, does the same friction show up?",
        "Did something happen between them (a decision, a credit, a re-org) after which it started?",
    ],
}


def questions_for(category: str, asked: str) -> str | None:
    """The first separating question for `category` that the conversation (`asked`: the assistant's
    turns so far) has not already asked."""
    for question in [QUESTIONS[category], *MORE_QUESTIONS[category]]:
        if question not in asked:
            return question
    return None


WOULD_CHANGE = {
    "strategy": "the teams turn out to have conflicting or unclear goals handed down from leadership",
    "execution": "the direction turns out to be clear and agreed, and the work stalls on capacity, ownership, approvals or tooling",
    "culture": "the same problem recurs with different people in the same roles, or incentives reward the behaviour",
    "interpersonal": "the friction follows two specific people and stops when one of them is absent",
}

ESCALATION_MESSAGE = {
    "harassment": "This describes possible harassment. Do not treat it as a conflict to coach: involve HR (and legal where needed) now, and make sure the person affected is safe and supported.",
    "discrimination": "This describes possible discrimination. It is not a coaching matter: involve HR and legal now and follow the formal process.",
    "violence": "This describes a threat of violence. Act on safety first: involve security, HR and, if there is immediate danger, the emergency services.",
    "self_harm": "Someone may be at risk of harming themselves. Reach out to them today, involve HR or occupational health, and point them to professional or crisis support; if there is immediate danger, call the emergency services.",
    "retaliation": "This describes possible retaliation against someone who raised a concern. Involve HR and legal now; do not mediate.",
    "other_safety": "This describes a safety or legal matter (falsified data, ignored safety rules). Escalate to the responsible compliance, safety or legal function now.",
}


def escalation_message(kind: str) -> str:
    """What to do about a safety matter of `kind`: the taxonomy's message (taxonomy/safety.yaml,
    where a domain expert changes it), else the fallback above."""
    from assistant.errors import ConfigError
    from assistant.safety_taxonomy import taxonomy

    try:
        return " ".join(taxonomy().kind(kind).message.split())
    except ConfigError:  # an unknown kind, or no readable taxonomy, still escalates
        return ESCALATION_MESSAGE.get(kind, ESCALATION_MESSAGE["other_safety"])


def check_message(kind: str) -> str:
    """The softer note for a possible safety matter of `kind` (taxonomy/safety.yaml)."""
    from assistant.errors import ConfigError
    from assistant.safety_taxonomy import taxonomy

    try:
        return taxonomy().check_note(kind)
    except ConfigError:  # an unknown kind still gets a note
        return ("This may be a safety matter. Check before acting on the advice below; if it is, "
                "involve HR or legal rather than coaching it.")
