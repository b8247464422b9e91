"""Cue prototypes and lexical cues: what a root cause of each kind sounds like.

The prototypes are short statements of each category's typical evidence, written from the
label definitions (not from the eval scenarios). Each sentence of a description is compared
with them, so a cue stated anywhere in the text (often after a turn: "then I looked...")
counts, not only the average of the whole text.
"""

from __future__ import annotations

import re

PROTOTYPES: dict[str, list[str]] = {
    "strategy": [
        "Nobody knows what our direction is or which goal matters most.",
        "Two leaders are giving the teams conflicting directions and goals.",
        "Leadership never made a choice, so everything is a priority.",
        "The priorities were never translated into clear objectives for the teams.",
        "The market shifted and the core assumption behind the product is no longer true.",
        "Each executive has a different idea of who our target customer is.",
        "The vision changes every quarter and the roadmap has no clear bet.",
        "The goals handed to the two teams contradict each other and nobody above reconciled them.",
        "We are trying to serve every segment at once without deciding what to give up.",
        "The company direction is not shared, so teams optimise for different things.",
    ],
    "execution": [
        "The direction is clear, but delivery keeps slipping.",
        "We have far too many projects running in parallel and cannot say no.",
        "Nobody owns the launch end to end, so decisions stay unmade.",
        "Approvals and handoffs take weeks and slow everything down.",
        "The build is slow, the infrastructure is outdated and deploys keep failing.",
        "The team lacks the skills needed for this work.",
        "We ship without measuring anything and never learn from releases.",
        "Quality is slipping and bugs keep reaching customers.",
        "We keep analysing and never decide; every data point changes the plan.",
        "We do not have enough people or resources to deliver what we committed to.",
        "Too much process overhead and status meetings leave no time to build.",
    ],
    "culture": [
        "Each team is rewarded only for its own goals, so nobody helps other teams.",
        "People who help other teams are punished in their performance reviews.",
        "People hide problems because they are afraid of being blamed.",
        "We celebrate heroes who save the day instead of fixing the system.",
        "Nothing can be done without asking permission from several layers.",
        "We report vanity metrics that look good instead of what matters.",
        "It keeps happening with different people and teams, whoever is in the role.",
        "We swapped the people and the same problem came back.",
        "Bonuses and incentives push people to optimise their own numbers.",
        "Bad news is never shared upward and post-mortems turn into finger pointing.",
    ],
    "interpersonal": [
        "Two specific managers cannot get along and refuse to cooperate.",
        "Those two leads have a personal feud and avoid talking to each other.",
        "Trust between the product manager and the engineering lead is broken.",
        "One person is dismissive and rude towards a particular colleague.",
        "When one of the two is away, everything works smoothly.",
        "They have not spoken since their argument, and their teams take sides.",
        "She ignores everything he proposes because of an old grudge.",
        "The problem only happens when those two people are in the same room.",
        "Other teams work fine with each of them; it is just the two of them together.",
    ],
}

# Generic complaints that name no cause: a description close to these (or a very short one)
# cannot support a confident answer, whatever the model's logits say.
VAGUE: list[str] = [
    "We have problems at work.",
    "Things are not going well on my team.",
    "Our company has some issues.",
    "I need advice about a problem at work.",
    "Something is wrong with our organisation.",
    "Work has been hard lately.",
    "My team is not doing great.",
    "There is a lot of tension and things are a mess.",
]

TURN = re.compile(
    r"\b(then i|turns out|turned out|the real (story|problem|issue|reason)|actually|but really|"
    r"when i (looked|dug|asked|checked)|it happened again|same (thing|fight|problem)|"
    r"underneath|the truth is|root of it|in reality)\b",
    re.I,
)

LEXICAL: dict[str, re.Pattern[str]] = {
    "turn": TURN,
    "recurs": re.compile(
        r"\b(again|every time|each time|whoever|next person|new hire|replaced|swapped|third|"
        r"same (fight|thing|problem|pattern)|across (all|every|teams)|every team|all teams)\b",
        re.I,
    ),
    "incentive": re.compile(
        r"\b(bonus\w*|incentiv\w*|reward\w*|promot\w*|perf(ormance)? review\w*|scorecard|"
        r"comp(ensation)?|paid|okrs? (are|is) (only|just))\b",
        re.I,
    ),
    "fear": re.compile(r"\b(afraid|fear\w*|blame\w*|scared|punish\w*|finger.pointing|cover)\b", re.I),
    "pair": re.compile(
        r"\b(the two of them|both of them|each other|those two|these two|the pair|between (him|her)|"
        r"\w+ and \w+ (don't|do not|can't|cannot|won't|refuse|hate|clash|fight|argue)|feud|grudge|"
        r"fell out|falling out|not speaking|stopped speaking|rolls? (his|her|their) eyes)\b",
        re.I,
    ),
    "direction": re.compile(
        r"\b(direction|vision|priorit\w*|roadmap|which (goal|bet)|target (customer|market)|"
        r"north star|pivot|market|competitor\w*|segment|positioning)\b",
        re.I,
    ),
    "conflicting_goals": re.compile(
        r"\b(conflicting|contradict\w*|opposite|two different|competing) "
        r"(goals?|directions?|priorities|asks|mandates|orders)\b|\b(ceo|cto|cpo|vp)\b.*\b(ceo|cto|cpo|vp)\b",
        re.I,
    ),
    "delivery": re.compile(
        r"\b(deadline\w*|slip\w*|late|backlog|wip|parallel|sprint\w*|deploy\w*|build\w*|ci|"
        r"handoff\w*|approval\w*|bottleneck\w*|blocked|owner\w*|legacy|outage\w*|bug\w*|skills?)\b",
        re.I,
    ),
    "named_people": re.compile(r"\b[A-Z][a-z]{2,}\b(?:,)? (?:and|&) [A-Z][a-z]{2,}\b"),
    "away": re.compile(
        r"\b(on (holiday|vacation|leave)|out of office|ooo|is out|was out|away)\b", re.I
    ),
}


def lexical_features(text: str) -> list[float]:
    """Counts (squashed) of each lexical cue in the text."""
    return [min(len(p.findall(text)), 3) / 3.0 for p in LEXICAL.values()]
