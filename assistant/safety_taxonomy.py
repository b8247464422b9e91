"""The safety taxonomy: what escalates instead of being coached (taxonomy/safety.yaml).

Domain data, like the SOPs: each kind has its boundary, near misses, who to involve, what not
to do and the message shown to the person. A domain expert changes a message there, not here.
"""

from __future__ import annotations

from functools import lru_cache

import yaml
from pydantic import BaseModel, ConfigDict, Field

from assistant.errors import ConfigError
from assistant.paths import data_folder


class SafetyKind(BaseModel):
    """One kind of safety matter."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z_]+$")
    title: str
    severe: bool
    boundary: str
    near_misses: list[str] = Field(min_length=1)
    involve: list[str] = Field(min_length=1)
    do_not: list[str] = Field(min_length=1)
    message: str = Field(min_length=40)


class Taxonomy(BaseModel):
    """Every kind, and the softer note's template."""

    kinds: list[SafetyKind] = Field(min_length=1)
    check_message: str

    def kind(self, kind_id: str) -> SafetyKind:
        """The kind called `kind_id` (ConfigError for an unknown one)."""
        for kind in self.kinds:
            if kind.id == kind_id:
                return kind
        raise ConfigError(f"unknown safety kind '{kind_id}'")

    def check_note(self, kind_id: str) -> str:
        """The softer `safety_check` message for a kind."""
        kind = self.kind(kind_id)
        return self.check_message.format(title=kind.title.lower(), involve=", ".join(kind.involve[:2]))


@lru_cache(maxsize=1)
def taxonomy() -> Taxonomy:
    """The validated taxonomy (read once)."""
    path = data_folder("taxonomy") / "safety.yaml"
    try:
        return Taxonomy.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValueError) as exc:
        raise ConfigError(f"{path}: not a valid safety taxonomy ({exc})") from exc


def kind_ids() -> tuple[str, ...]:
    """Every kind id, in the file's order."""
    return tuple(k.id for k in taxonomy().kinds)
