"""What a plan's own words say about the root cause.

The rubric judges a plan's shape (priorities, owners, dates...), and a failed check turns up
under every root cause. What often tells causes apart is the plan's content: per-person output
targets and quality kept outside the goals (culture), two named leads reversing each other's items
in the status notes (interpersonal), items still "TBD pending leadership" or seven equal P0s
(strategy), nobody owning the hand-offs (execution). A word model (TF-IDF over words and word
pairs, as the root-cause classifier's) reads the whole plan into five classes: the four root
causes and `none` (a sound or neutral plan). It is trained on evals/plan_cause_train/, plans
written for training apart from every eval set, and never on the description + plan pairs.

A plan's lines are ranked by how much each one's words push the plan's leading cause, so the
evidence quotes the plan's own lines.

Written training plans and real ones differ: read raw, real plans lean to strategy and culture
as a body. So a plan's reading is taken against the average reading of the real plans in
evals/plans_real's dev split (`centre`, fixed at training time) and clipped to +-CLIP: a typical
real plan moves nothing, and no plan moves a cause by more than CLIP. Words that are names or
numbers in the training plans (capitalised inside a line nearly every time, or holding a digit)
are left out of the vocabulary: 'omar', '2025' said which class a written plan was, not why. A
plan with fewer than MIN_TERMS known words (another language, a list of headings) reads as
nothing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from assistant.classifier.lexical import Tfidf, WordModel
from assistant.classifier.model import (
    balanced_weights,
    data_fingerprint,
    open_artifact,
    save_artifact,
)
from assistant.schema import CATEGORIES

PLAN_CLASSES = (*CATEGORIES, "none")
PLAN_CAUSE_ARTIFACT = Path(__file__).resolve().parent.parent / "models" / "plan_cause.npz"
PLAN_CAUSE_VERSION = "2"
# chosen with the weight and lean in plan_evidence (CONTENT_WEIGHT, CONTENT_LEAN) on the pairs' dev
# half and on real dev descriptions given a real plan (see README, "Plans in the diagnosis")
PLAN_CAUSE_C = 3.0
CLIP = 1.0
MIN_TERMS = 15
_TOKEN = re.compile(r"(?u)\b\w\w+\b")


@dataclass
class PlanCauseModel:
    """Word model: plan text -> (strategy, execution, culture, interpersonal, none)."""

    words: WordModel
    fingerprint: str
    info: dict
    centre: np.ndarray = field(default_factory=lambda: np.zeros(len(CATEGORIES)))

    def probabilities(self, text: str) -> np.ndarray:
        return np.exp(self.words.log_probs(text))

    def cause_log_odds(self, text: str) -> np.ndarray:
        """Log-odds per root cause (CATEGORIES order) against an even split: a plan read as
        `none` spreads its weight evenly, so a sound or neutral plan moves nothing."""
        p = self.probabilities(text)
        causes = p[: len(CATEGORIES)] + p[-1] / len(CATEGORIES)
        return np.log(causes * len(CATEGORIES))

    def lean(self, text: str) -> np.ndarray:
        """How far the plan's reading is from a typical real plan's, per cause, clipped to
        +-CLIP; zeros for a text with too few known words to read."""
        columns, _ = self.words.tfidf.vectorize(text)
        if len(columns) < MIN_TERMS:
            return np.zeros(len(CATEGORIES))
        return np.clip(self.cause_log_odds(text) - self.centre, -CLIP, CLIP)

    def line_scores(self, text: str, category: str) -> list[tuple[int, float]]:
        """(1-based line, how much its words favour `category` over the other classes), best
        first, positive only."""
        c = PLAN_CLASSES.index(category)
        coef = self.words.coef
        margin = coef[c] - np.delete(coef, c, axis=0).mean(0)
        scored = []
        for n, line in enumerate(text.split("\n"), 1):
            columns, values = self.words.tfidf.vectorize(line)
            if len(columns):
                score = float(margin[columns] @ values)
                if score > 0:
                    scored.append((n, score))
        return sorted(scored, key=lambda s: -s[1])

    def save(self, path: Path = PLAN_CAUSE_ARTIFACT) -> None:
        meta = {"fingerprint": self.fingerprint, "feature_version": PLAN_CAUSE_VERSION,
                "classes": list(PLAN_CLASSES), "centre": [float(c) for c in self.centre], **self.info}
        save_artifact(path, meta, self.words.arrays("plan"))

    @classmethod
    def load(cls, path: Path = PLAN_CAUSE_ARTIFACT) -> PlanCauseModel:
        data, meta = open_artifact(path, "plan cause model", PLAN_CAUSE_VERSION)
        info = {k: v for k, v in meta.items() if k not in ("fingerprint", "feature_version", "classes", "centre")}
        return cls(WordModel.from_arrays(data, "plan"), meta["fingerprint"], info, np.array(meta["centre"]))


def training_plans() -> list[tuple[str, str]]:
    """(plan text, class) of evals/plan_cause_train/*.jsonl."""
    from assistant.cases import evals_dir

    rows = []
    for path in sorted((evals_dir() / "plan_cause_train").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                if row["label"] in PLAN_CLASSES:
                    rows.append((row["plan"], row["label"]))
    return rows


def real_plans() -> list[str]:
    """The texts of evals/plans_real's dev split: what a typical real plan reads as."""
    from assistant.cases import evals_dir

    path = evals_dir() / "plans_real" / "plans.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r["text"] for r in rows if r["split"] == "dev"]


def plan_cause_fingerprint(rows: list[tuple[str, str]], reference: list[str] | None = None) -> str:
    reference = real_plans() if reference is None else reference
    records = [f"{label}\x1f{text}" for text, label in sorted(rows)] + [f"real\x1f{t}" for t in reference]
    return data_fingerprint(PLAN_CAUSE_VERSION, records)


def _names_and_numbers(texts: list[str]) -> set[str]:
    """Words that are names in these texts (capitalised, though not at the start of a line,
    in 80% of their uses or more) or hold a digit."""
    capitalised: dict[str, int] = {}
    seen: dict[str, int] = {}
    for text in texts:
        for line in text.split("\n"):
            for word in _TOKEN.findall(line)[1:]:
                key = word.lower()
                seen[key] = seen.get(key, 0) + 1
                if word[0].isupper() and not word.isupper():
                    capitalised[key] = capitalised.get(key, 0) + 1
    names = {w for w, n in seen.items() if capitalised.get(w, 0) >= 0.8 * n}
    return names | {w for w in seen if any(ch.isdigit() for ch in w)}


def fit_plan_cause(rows: list[tuple[str, str]], reference: list[str], c: float = PLAN_CAUSE_C) -> PlanCauseModel:
    """Class-balanced multinomial logistic regression over the plans' words and word pairs,
    names and numbers left out; centred on the reference (real) plans' average reading."""
    texts = [t for t, _ in rows]
    y = np.array([PLAN_CLASSES.index(label) for _, label in rows])
    weights = balanced_weights(y, len(PLAN_CLASSES))
    tfidf = Tfidf.fit(texts)
    dropped = _names_and_numbers(texts)
    keep = [i for i, term in enumerate(tfidf.vocabulary) if not any(w in dropped for w in term.split())]
    tfidf = Tfidf([tfidf.vocabulary[i] for i in keep], tfidf.idf[keep])
    words = WordModel.fit(texts, y, len(PLAN_CLASSES), c, weights=weights, tfidf=tfidf)
    model = PlanCauseModel(words, plan_cause_fingerprint(rows, reference),
                           {"train_plans": len(rows), "reference_plans": len(reference)})
    model.centre = np.mean([model.cause_log_odds(t) for t in reference], axis=0)
    return model


def train_plan_cause_and_save(path: Path = PLAN_CAUSE_ARTIFACT) -> PlanCauseModel:
    model = fit_plan_cause(training_plans(), real_plans())
    model.save(path)
    return model


@lru_cache(maxsize=1)
def plan_cause_model() -> PlanCauseModel:
    """The shipped model, loaded once."""
    return PlanCauseModel.load()
