"""The SOP library: markdown files with front matter, validated by pydantic.

Each SOP file looks like::

    ---
    id: exec-over-strategy
    title: ...
    categories: [execution, strategy]
    source: "framework and author"
    triggers: ["symptom phrase", ...]
    ---
    # Title
    ...
    ### 1. Step title
    - step_id: exec-over-strategy/1
    - category: strategy
    - action: what to do this week
    - why: the reason

A file that does not fit raises `ValidationFailed` naming the file and the field.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, Field, ValidationError, model_validator

from assistant.errors import ValidationFailed
from assistant.paths import data_folder

Category = Literal["strategy", "execution", "culture", "interpersonal"]
CATEGORIES: tuple[str, ...] = ("strategy", "execution", "culture", "interpersonal")

_SOP_ID = r"^[a-z0-9][a-z0-9-]{1,63}$"
_STEP_HEADING = re.compile(r"^###\s+(\d+)\.\s+(.+?)\s*$")
_FIELD_LINE = re.compile(r"^-\s+(step_id|category|action|why):\s*(.*?)\s*$")


class SopStep(BaseModel):
    """One numbered step of an SOP."""

    step_id: str
    sop_id: str
    number: int
    title: str
    category: Category
    action: str = Field(min_length=10)
    why: str = Field(min_length=10)
    detail: str = ""

    @model_validator(mode="after")
    def _id_matches(self) -> SopStep:
        if self.step_id != f"{self.sop_id}/{self.number}":
            raise ValueError(f"step_id must be '{self.sop_id}/{self.number}', got '{self.step_id}'")
        return self


class Sop(BaseModel):
    """One SOP document."""

    id: str = Field(pattern=_SOP_ID)
    title: str = Field(min_length=3)
    categories: list[Category] = Field(min_length=1)
    source: str = Field(min_length=3)
    triggers: list[str] = Field(min_length=1)
    steps: list[SopStep] = Field(min_length=1)
    body: str
    path: str

    def step(self, step_id: str) -> SopStep | None:
        """The step with this id, or None."""
        return next((s for s in self.steps if s.step_id == step_id), None)


def _split_front_matter(text: str, path: Path) -> tuple[dict, str]:
    if not text.startswith("---"):
        raise ValidationFailed(f"{path.name}: missing front matter (the file must start with ---)")
    parts = text.split("\n---", 1)
    if len(parts) != 2:
        raise ValidationFailed(f"{path.name}: front matter is not closed by a --- line")
    try:
        meta = yaml.safe_load(parts[0][3:]) or {}
    except yaml.YAMLError as exc:
        raise ValidationFailed(f"{path.name}: front matter is not valid YAML: {exc}") from exc
    if not isinstance(meta, dict):
        raise ValidationFailed(f"{path.name}: front matter must be a mapping of fields")
    return meta, parts[1].lstrip("-\n")


def _parse_steps(body: str, sop_id: str, path: Path) -> list[dict]:
    steps: list[dict] = []
    current: dict | None = None
    for line in body.splitlines():
        heading = _STEP_HEADING.match(line)
        if heading:
            current = {"number": int(heading.group(1)), "title": heading.group(2), "sop_id": sop_id}
            current["_detail"] = []
            steps.append(current)
            continue
        if current is None:
            continue
        if line.startswith("## ") or line.startswith("# "):
            current = None
            continue
        field = _FIELD_LINE.match(line)
        if field and field.group(1) not in current:
            current[field.group(1)] = field.group(2)
        else:
            current["_detail"].append(line)
    for step in steps:
        step["detail"] = "\n".join(step.pop("_detail")).strip()
        for name in ("step_id", "category", "action", "why"):
            if name not in step:
                raise ValidationFailed(
                    f"{path.name}: step {step['number']} ('{step['title']}') has no '- {name}:' line"
                )
    return steps


def parse_sop(path: Path) -> Sop:
    """Parse and validate one SOP file; raise `ValidationFailed` naming file and field."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationFailed(f"{path.name}: cannot be read as UTF-8 text: {exc}") from exc
    meta, body = _split_front_matter(text, path)
    sop_id = str(meta.get("id", ""))
    if sop_id and sop_id != path.stem:
        raise ValidationFailed(f"{path.name}: field 'id' is '{sop_id}' but the file is {path.stem}.md")
    data = {**meta, "body": body, "path": str(path), "steps": _parse_steps(body, sop_id, path)}
    try:
        return Sop.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        if err["loc"][:1] == ("steps",) and len(err["loc"]) > 1:
            where = f"steps[{int(err['loc'][1]) + 1}].{'.'.join(str(p) for p in err['loc'][2:])}"
        raise ValidationFailed(f"{path.name}: field '{where}': {err['msg']}") from exc


def knowledge_dir() -> Path:
    """The SOP folder: ASSISTANT_KNOWLEDGE_DIR, else the shipped knowledge/."""
    from assistant.config import get_settings

    return get_settings().knowledge_dir or data_folder("knowledge")


def load_library(folder: Path | None = None) -> list[Sop]:
    """Load and validate every SOP in `folder`; ids must be unique."""
    folder = folder or knowledge_dir()
    files = sorted(folder.glob("*.md"))
    if not files:
        raise ValidationFailed(f"no SOP files (*.md) in {folder}")
    sops = [parse_sop(f) for f in files if f.name.lower() != "readme.md"]
    seen: dict[str, str] = {}
    for sop in sops:
        if sop.id in seen:
            raise ValidationFailed(f"{Path(sop.path).name}: duplicate SOP id '{sop.id}'")
        seen[sop.id] = sop.path
    return sops


@lru_cache(maxsize=4)
def _cached_library(folder: str) -> tuple[Sop, ...]:
    return tuple(load_library(Path(folder)))


def library() -> tuple[Sop, ...]:
    """The SOP library of the configured folder, loaded once per process."""
    return _cached_library(str(knowledge_dir()))


def all_steps() -> dict[str, SopStep]:
    """Every step of the library by step id."""
    return {step.step_id: step for sop in library() for step in sop.steps}
