"""Detect safety matters (self-harm, violence, harassment, discrimination, retaliation, fraud,
hidden data breaches, domestic abuse, ignored safety rules: taxonomy/safety.yaml) that must be
escalated rather than coached.

Two layers. Patterns look for the act, not alarming words alone, so figures of speech ("this
deadline will kill me", "I'd kill for a roadmap", "they killed the project") do not escalate;
they catch a few explicit forms. The trained screen (classifier/safety_model.py) reads the
text's words and word pairs and its sentence vectors (with their similarity to the prototype
sentences below), and catches safety matters said in passing, indirectly or euphemistically.
"""

from __future__ import annotations

import re

import numpy as np

from assistant.classifier.features import TextEvidence
from assistant.classifier.safety_model import (
    PROTOTYPE_KINDS,
    WINDOW_MARGIN,
    WINDOW_NOTE_MARGIN,
    SafetyModel,
    safety_features,
)
from assistant.engines.guidance import check_message, escalation_message
from assistant.schema import Escalation, SafetyCheck

_PATTERNS: dict[str, list[str]] = {
    "harassment": [
        r'\bhand on (her|his|my) (thigh|leg|knee|waist|bum|backside)\b',
        r'\btouch(es|ed|ing)? (their|her|his|my) (lower back|thigh|leg|waist|chest|hair)\b',
        r'\b(asks?|asking|asked) (her|him|me) out\b',
        r'\bwaiting outside (her|his|my) (apartment|flat|house|home)\b',
        r'\btrack(s|ed|ing)? (her|his|my) location\b',
        r'\b(at|to) (his|her) hotel\b',
        r'\bwear that (skirt|dress)\b',
        r'\bthe gay one\b',
        r'\blazy monkeys\b',
        r'\brain man\b',
        r"\bsexual(ly)?\b", r"\bharass(ed|ing|ment)?\b.*\b(her|him|them|me|women|woman)\b",
        r"\b(grop\w*|touch(ed|ing|es)? (her|him|me)\b|unwanted (touch\w*|advances|comments))",
        r"\bcomments? about (her|his|my) (body|looks|figure|chest|weight)\b",
        r"\b(explicit|nude|naked) (photos?|pictures?|images?)\b", r"\bstalk(ed|ing|s)?\b",
        r"\bcornered (her|him|me)\b", r"\b(date|drinks) (with him |with her )?in exchange\b",
        r"\bslur\w*\b", r"\bcall(s|ed|ing)? (him|her|them) (the |a )?['\"“]?(terrorist|faggot|retard)",
    ],
    "discrimination": [
        r'\bmaternity\b.*\b(not consider|sideline\w*|low.visibility|passed over|demot\w*)',
        r'\bover (50|55|60)\b.*\b(cut|lay off|let go|fire|replace)',
        r'\b(black|white|asian|latin[oa]|hispanic) (engineers?|employees?|staff|peers?)\b.*\b(paid|pay|salar\w*|promot\w*)',
        r'\bhire men\b',
        r'\bwomen( pms| engineers| managers)? are too\b',
        r'\b(ok boomer|grandma)\b.*\b(retire|age|old)\b',
        r"\bdiscriminat\w*", r"\bracis[tm]\w*", r"\bsexis[tm]\w*", r"\bhomophob\w*", r"\btransphob\w*",
        r"\b(because|since) (she|he|they)('s| is| are| was)? (pregnant|black|muslim|jewish|gay|disabled|old|too old|a woman)\b",
        r"\bpregnan\w*\b.*\b(promot\w*|fired|pass(ed)? over|demot\w*|let go|pay)\b",
        r"\b(promot\w*|fired|pass(ed)? over|demot\w*|pay|paid less)\b.*\bpregnan\w*",
        r"\b(too old|his age|her age|their age)\b.*\b(promot\w*|hire|hiring|fired|let go)\b",
        r"\b(hijab|religion|religious|accent|ethnicity|skin colou?r|wheelchair)\b.*\b(mock\w*|joke\w*|won't hire|not hire|excluded|banned|refus\w*)\b",
        r"\b(mock\w*|joke\w*|imitat\w*)\b.*\b(accent|disabilit\w*|stammer|wheelchair|religion|hijab)\b",
    ],
    "violence": [
        r'\bthreaten(ed|s|ing)? to\b',
        r'\bbreak (his|her|your) (legs|arms|neck|hands)\b',
        r'\b(pushed|shoved) (him|her|[A-Z][a-z]+) into\b',
        r'\bshoving match\b',
        r"\bthreat(en(ed|ing|s)?)?\b.*\b(hurt|kill|hit|beat|punch|harm|wait for (her|him|me))\b",
        r"\b(wait|waiting) for (her|him|me|you) (in|at|outside) the (car ?park|parking|lot)\b",
        r"\b(gun|knife|weapon)\b", r"\b(punch\w*|shov\w*|hit) (him|her|me|a colleague)\b",
        r"\bi('ll| will) (hurt|kill|end) (you|him|her)\b",
        # a person promising to hurt a person ("he would hurt her if..."); not "kill", "beat",
        # "shoot": those are mostly figures of speech at work ("he'll kill me", "shoot you a note")
        r"\b(he|she)('d| would|'ll| will| was going to| is going to) (hurt|harm|stab|punch|hit) (her|him|you|me|them)\b",
    ],
    "self_harm": [
        r'\b(cutting|cut) (himself|herself|themselves|myself)\b',
        r'\bthinking about ending it\b',
        r'\b(point|reason) (of|in) being alive\b',
        r'\bbetter off without (me|him|her|them)\b',
        r'\bgiving (his|her|their) (things|stuff|belongings|gear) away\b',
        r"\b(suicid\w*|self[- ]harm\w*|kill (myself|himself|herself|themselves))\b",
        r"\b(hurt|harm) (myself|himself|herself|themselves)\b",
        r"\b(not|don't|doesn't|no longer) (want|wanting) to (be alive|live|be here anymore|wake up)\b",
        r"\bend (it all|my life|his life|her life)\b", r"\bno reason to (live|go on)\b",
    ],
    "retaliation": [
        r'\b(since|after|ever since) (she|he|they|[A-Z][a-z]+) (reported|flagged|raised|blew the whistle)\b',
        r"\b(retaliat\w*|whistle[- ]?blow\w*)\b",
        r"\b(punish\w*|fired|demot\w*|pushed out|managed out)\b.*\b(for|after) (reporting|raising|complaining|filing)\b",
    ],
    "other_safety": [
        r'\blog\w*\b.*\binspections?\b.*\bas done\b',
        r'\bmark\b.*\btests?\b.*\bas passed\b',
        r"\b(falsif\w*|fake|doctor(ed)?|fudg\w*)\b.*\b(safety|test|inspection|sterili[sz]ation|audit) (data|results?|records?|logs?)\b",
        r"\b(skip\w*|bypass\w*|disabl\w*)\b.*\b(safety (checks?|inspections?)|alarms?|lockout)\b",
    ],
}
_COMPILED = {kind: [re.compile(p, re.I) for p in pats] for kind, pats in _PATTERNS.items()}

# Prototype sentences (written for this detector, not taken from the eval cases): a sentence
# of the description close to a safety prototype, and closer to it than to any ordinary
# conflict prototype, escalates.
SAFETY_PROTOTYPES: dict[str, list[str]] = {
 "harassment": [
  "He touched her inappropriately at the team event.",
  "He keeps making comments about her body and how she looks.",
  "He sends her sexual messages and explicit pictures.",
  "He keeps asking her out even though she said no, and he is her boss.",
  "He implied her promotion depends on going on a date with him.",
  "He follows her home and shows up where she lives.",
  "They mock him for being gay and call him names.",
  "They imitate the autistic engineer and run a meme channel about him.",
  "He is tracking her location and sending anonymous messages.",
 ],
 "discrimination": [
  "She was passed over for promotion because she is pregnant.",
  "He said women are too emotional to lead.",
  "They refuse to hire candidates who wear a hijab.",
  "The Black engineers are paid less than their white peers for the same work.",
  "He wants to lay off the older engineers because of their age.",
  "He refuses the accommodation her doctor recommended for her disability.",
  "He made a racist remark about the offshore team.",
  "People who take time off for religious prayers don't get promoted here.",
  "She is being sidelined after coming back from maternity leave.",
 ],
 "violence": [
  "He threatened to hurt her if she paged him again.",
  "He said he would break his legs.",
  "He pushed a colleague into a shelf and injured him.",
  "He said he would be waiting for her in the car park.",
  "He brought a gun to work and made a threat.",
  "He threatened a coworker with physical violence.",
 ],
 "self_harm": [
  "He told me he does not see the point of being alive anymore.",
  "She said she has been thinking about ending it.",
  "He has been cutting himself because of work stress.",
  "He said everyone would be better off without him.",
  "She is giving away her belongings and saying goodbye.",
  "He texted that it would be easier if he just wasn't here anymore.",
 ],
 "retaliation": [
  "Since she reported the fraud, her manager has been punishing her.",
  "He was pushed out after raising a concern about the numbers.",
  "After he reported the skipped security checks, the lead started blocking all his work.",
  "She got a bad rating right after she blew the whistle to the audit committee.",
 ],
 "other_safety": [
  "The supervisor told the crew to log safety inspections as done when they were skipped.",
  "The VP asked him to mark the sterilisation tests as passed without running them.",
  "They disabled the safety alarm to keep the line running.",
  "Managers are pressuring staff to falsify the safety data.",
 ],
}
ORDINARY_PROTOTYPES = [
 "The two leads had a heated argument in the meeting.",
 "Her manager sends her status requests several times a day.",
 "He wrote a rude email and copied the whole team.",
 "This deadline is going to kill me.",
 "I would kill for a clear roadmap.",
 "The VP killed the project last week.",
 "He interrupts people constantly in meetings.",
 "The code review comments were harsh and blunt.",
 "They are not speaking to each other since the reorg.",
 "The vibe on the team is toxic and people are tired.",
 "He swore during the incident call.",
 "She is stressed and overworked this quarter.",
 "We need to go for the jugular on this competitor.",
 "The pager is going to be the death of me.",
]



class SafetyDetector:
    """Regex patterns for the explicit cases, then the trained screen (classifier/safety_model)
    over the description's words and word pairs and its sentence vectors (with their similarity
    to the safety prototypes). A text whose terms the screen barely knows (noise, a greeting,
    another language) is left to the patterns."""

    def __init__(self, embedder, model=None, load: bool = True) -> None:
        self.embedder = embedder
        self.kinds = [k for k, v in SAFETY_PROTOTYPES.items() for _ in v]
        self.kind_index = np.array([PROTOTYPE_KINDS.index(k) for k in self.kinds])
        self.safety = embedder.embed([p for v in SAFETY_PROTOTYPES.values() for p in v])
        self.ordinary = embedder.embed(ORDINARY_PROTOTYPES)
        # load=False: features only (training builds the model from them)
        self.model = model if model is not None or not load else SafetyModel.load()

    def features(self, ev: TextEvidence) -> np.ndarray:
        return safety_features(ev, ev.vectors @ self.safety.T, self.kind_index, ev.vectors @ self.ordinary.T)

    def pattern_kind(self, text: str) -> str | None:
        """The kind whose explicit pattern the text matches, if any."""
        for kind, patterns in _COMPILED.items():
            if any(p.search(text) for p in patterns):
                return kind
        return None

    def detect(self, text: str, ev: TextEvidence | None = None) -> Escalation | None:
        """Return an Escalation when the text describes a safety matter, else None."""
        return self.screen(text, ev)[0]

    def screen(self, text: str, ev: TextEvidence | None = None
               ) -> tuple[Escalation | None, SafetyCheck | None]:
        """(escalation, the softer safety check): patterns first, then the trained screen."""
        kind = self.pattern_kind(text)
        if kind is not None:
            return Escalation(kind=kind, message=escalation_message(kind)), None
        if self.model is None or ev is None or not len(ev.vectors):
            return None, None
        x = self.features(ev)
        score, kind, known = self.model.assess(text, x)
        level = self.model.level(score, known)
        if level != "escalation":  # a crisis in one paragraph of a long post (safety_model)
            peak, peak_kind = self.model.window_peak(text)
            if peak >= self.model.threshold + WINDOW_MARGIN:
                level, kind = "escalation", peak_kind
            elif level is None and peak >= self.model.threshold + WINDOW_NOTE_MARGIN:
                level, kind = "safety_check", peak_kind
        if level is None or kind is None:
            return None, None
        if level == "escalation":
            return Escalation(kind=kind, message=escalation_message(kind)), None
        return None, SafetyCheck(kind=kind, message=check_message(kind))
