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
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.classifier.lexical import WordModel
from assistant.classifier.model import data_fingerprint, open_artifact, save_artifact
from assistant.schema import CATEGORIES

PLAN_CLASSES = (*CATEGORIES, "none")
PLAN_CAUSE_ARTIFACT = Path(__file__).resolve().parent.parent / "models" / "plan_cause.npz"
PLAN_CAUSE_VERSION = "1"
PLAN_CAUSE_C = 10.0


@dataclass
class PlanCauseModel:
    """Word model: plan text -> (strategy, execution, culture, interpersonal, none)."""

    words: WordModel
    fingerprint: str
    info: dict

    def probabilities(self, text: str) -> np.ndarray:
        return np.exp(self.words.log_probs(text))

    def cause_log_odds(self, text: str) -> np.ndarray:
        """Log-odds per root cause (CATEGORIES order) against an even split: a plan read as
        `none` spreads its weight evenly, so a sound or neutral plan moves nothing."""
        p = self.probabilities(text)
        causes = p[: len(CATEGORIES)] + p[-1] / len(CATEGORIES)
        return np.log(causes * len(CATEGORIES))

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
                "classes": list(PLAN_CLASSES), **self.info}
        save_artifact(path, meta, self.words.arrays("plan"))

    @classmethod
    def load(cls, path: Path = PLAN_CAUSE_ARTIFACT) -> PlanCauseModel:
        data, meta = open_artifact(path, "plan cause model", PLAN_CAUSE_VERSION)
        info = {k: v for k, v in meta.items() if k not in ("fingerprint", "feature_version", "classes")}
        return cls(WordModel.from_arrays(data, "plan"), meta["fingerprint"], info)


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


def plan_cause_fingerprint(rows: list[tuple[str, str]]) -> str:
    return data_fingerprint(PLAN_CAUSE_VERSION, (f"{label}\x1f{text}" for text, label in sorted(rows)))


def fit_plan_cause(rows: list[tuple[str, str]], c: float = PLAN_CAUSE_C) -> PlanCauseModel:
    """Class-balanced multinomial logistic regression over the plans' words and word pairs."""
    y = np.array([PLAN_CLASSES.index(label) for _, label in rows])
    counts = np.bincount(y, minlength=len(PLAN_CLASSES))
    weights = (len(y) / (len(PLAN_CLASSES) * np.maximum(counts, 1)))[y]
    words = WordModel.fit([t for t, _ in rows], y, len(PLAN_CLASSES), c, weights=weights)
    return PlanCauseModel(words, plan_cause_fingerprint(rows), {"train_plans": len(rows)})


def train_plan_cause_and_save(path: Path = PLAN_CAUSE_ARTIFACT) -> PlanCauseModel:
    model = fit_plan_cause(training_plans())
    model.save(path)
    return model


_MODEL: PlanCauseModel | None = None


def plan_cause_model() -> PlanCauseModel:
    """The shipped model, loaded once."""
    global _MODEL
    if _MODEL is None:
        _MODEL = PlanCauseModel.load()
    return _MODEL
