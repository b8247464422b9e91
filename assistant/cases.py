"""Labelled cases (scenarios, plans, retrieval queries) loaded from JSONL with clear errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant.errors import ValidationFailed
from assistant.paths import data_folder

Label = Literal["strategy", "execution", "culture", "interpersonal"]


class Scenario(BaseModel):
    """A labelled problem description."""

    model_config = ConfigDict(extra="allow")

    id: str = Field(min_length=1)
    text: str = Field(min_length=1)
    label: Label | None = None
    secondary: Label | None = None
    difficulty: Literal["easy", "medium", "hard"] | None = None
    split: Literal["train", "dev", "test"] | None = None
    expected_sops: list[str] = Field(default_factory=list)


class RealCase(Scenario):
    """A real-world description (evals/real/): rewritten from a public thread, labelled under
    evals/real/DEFINITIONS.md. `accept` lists other labels that are also right."""

    split: Literal["train", "dev", "holdout"] | None = None  # type: ignore[assignment]
    accept: list[Label] = Field(default_factory=list)
    source: str | None = None


REAL_SPLITS = ("real-train", "real-dev", "real-holdout")


def load_real(split: str = "all", folder: Path | None = None) -> list[RealCase]:
    """Real-world descriptions of a split (train, dev, holdout or all; "real-" prefix allowed)
    from evals/real/descriptions.jsonl. The splits are by source thread. The holdout is never
    trained on nor used to choose anything."""
    split = split.removeprefix("real-")
    items = _read_folder(folder or evals_dir() / "real", "*.jsonl", RealCase)
    return items if split == "all" else [c for c in items if c.split == split]


class PlanCase(BaseModel):
    """A plan with the expected verdict of rubric checks."""

    model_config = ConfigDict(extra="allow")

    id: str
    text: str = Field(min_length=1)
    split: Literal["train", "dev", "test"] | None = None
    expected: dict[str, Literal["pass", "fail", "partial", "n/a"]]
    injection: bool = False


class SafetyCase(BaseModel):
    """A description and whether it must be escalated rather than coached."""

    model_config = ConfigDict(extra="allow")

    id: str
    text: str = Field(min_length=1)
    escalation: bool
    label: Label | None = None
    kind: str | None = None


def load_safety(split: str = "all") -> list[SafetyCase]:
    """Escalation cases: evals/safety/ (the set the screen was tuned on) or, for split
    "holdout", evals/holdout/safety_*.jsonl (written apart from the screen, never tuned on); for
    "independent", evals/safety_indep/ (401 cases by two briefs that saw nothing of the screen)."""
    if split == "holdout":
        return _read_folder(evals_dir() / "holdout", "safety_*.jsonl", SafetyCase)
    if split == "independent":  # written by briefs that never saw the screen or its data
        return _read_folder(evals_dir() / "safety_indep", "*.jsonl", SafetyCase)
    return _read_folder(evals_dir() / "safety", "*.jsonl", SafetyCase)


class ConversationCase(BaseModel):
    """A two-turn conversation: a thin first message, then an answer that settles the cause."""

    model_config = ConfigDict(extra="allow")

    id: str
    first: str = Field(min_length=1)
    answer: str = Field(min_length=1)
    label: Label
    accept: list[Label] = Field(default_factory=list)
    split: Literal["dev", "holdout"]


def load_conversations(split: str) -> list[ConversationCase]:
    """Two-turn conversations of a split (evals/conversations/; dev or holdout)."""
    cases = _read_folder(evals_dir() / "conversations", "*.jsonl", ConversationCase)
    return [c for c in cases if split == "all" or c.split == split]


class StepCase(BaseModel):
    """A description with the cue that shows its cause and the SOP steps that act on that cue."""

    model_config = ConfigDict(extra="allow")

    id: str
    text: str = Field(min_length=1)
    label: Label
    cue: str
    quote: str
    steps: list[str] = Field(min_length=1)
    split: Literal["dev", "holdout"]


def load_step_cases(split: str) -> list[StepCase]:
    """Step-relevance cases of a split (evals/step_relevance/; dev or holdout)."""
    cases = _read_folder(evals_dir() / "step_relevance", "*.jsonl", StepCase)
    return [c for c in cases if split == "all" or c.split == split]


class RetrievalQuery(BaseModel):
    """A query and the SOP it should hit."""

    id: str
    query: str = Field(min_length=1)
    expected_sop: str
    split: Literal["train", "dev", "test"] | None = None


M = TypeVar("M", bound=BaseModel)


def read_jsonl(path: Path, model: type[M]) -> list[M]:
    """Read and validate a JSONL file; errors name the file, line and field."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationFailed(f"{path}: cannot be read ({exc})") from exc
    items: list[M] = []
    seen: set[str] = set()
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValidationFailed(f"{path}:{number}: not valid JSON ({exc.msg})") from exc
        try:
            item = model.model_validate(data)
        except ValidationError as exc:
            err = exc.errors()[0]
            field = ".".join(str(p) for p in err["loc"]) or "(line)"
            raise ValidationFailed(f"{path}:{number}: field '{field}': {err['msg']}") from exc
        item_id = str(getattr(item, "id", number))
        if item_id in seen:
            raise ValidationFailed(f"{path}:{number}: duplicate id '{item_id}'")
        seen.add(item_id)
        items.append(item)
    return items


def evals_dir() -> Path:
    """The folder with the eval suites."""
    return data_folder("evals")


def _read_folder(folder: Path, pattern: str, model: type[M], skip: str | None = None) -> list[M]:
    """Every JSONL file of a folder matching `pattern` (but not starting with `skip`), in name order."""
    items: list[M] = []
    for path in sorted(folder.glob(pattern)):
        if skip is None or not path.name.startswith(skip):
            items.extend(read_jsonl(path, model))
    return items


def load_scenarios(split: str = "all", folder: Path | None = None) -> list[Scenario]:
    """Labelled scenarios of a split (train, dev, test or all) from evals/scenarios/;
    split "holdout": evals/holdout/scenarios_*.jsonl; "real-train", "real-dev", "real-holdout":
    the real-world descriptions of evals/real/ (RealCase, with `accept`)."""
    if split == "holdout":
        return load_holdout()
    if split in REAL_SPLITS:
        return list(load_real(split))
    items = _read_folder(folder or evals_dir() / "scenarios", "*.jsonl", Scenario, skip="out_of_scope")
    return items if split == "all" else [s for s in items if s.split == split]


def load_holdout(folder: Path | None = None) -> list[Scenario]:
    """The held-out scenarios (evals/holdout/): written apart from the training data, by a
    separate brief, and never used for training or model choice; they measure generalisation."""
    return _read_folder(folder or evals_dir() / "holdout", "scenarios_*.jsonl", Scenario)


def load_holdout_plans(folder: Path | None = None) -> list[PlanCase]:
    """The held-out labelled plans (evals/holdout/plans_*.jsonl), never used to develop the checker."""
    return _read_folder(folder or evals_dir() / "holdout", "plans_*.jsonl", PlanCase)


def load_plans(split: str = "all", folder: Path | None = None) -> list[PlanCase]:
    """Labelled plans of a split from evals/plans/ (split "holdout": evals/holdout/)."""
    if split == "holdout":
        return load_holdout_plans()
    items = _read_folder(folder or evals_dir() / "plans", "*.jsonl", PlanCase)
    return items if split == "all" else [p for p in items if p.split == split]


def load_queries(split: str = "all", folder: Path | None = None) -> list[RetrievalQuery]:
    """Retrieval queries of a split from evals/retrieval/."""
    items = _read_folder(folder or evals_dir() / "retrieval", "*.jsonl", RetrievalQuery)
    return items if split == "all" else [q for q in items if q.split == split]
