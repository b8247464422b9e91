"""The safety taxonomy (taxonomy/safety.yaml) is valid domain data."""

from __future__ import annotations

import pytest

from assistant.errors import ConfigError
from assistant.safety_taxonomy import kind_ids, taxonomy


def test_every_kind_says_who_to_involve_and_what_not_to_do():
    kinds = taxonomy().kinds
    assert len(kinds) == len(set(kind_ids())) >= 8
    assert {"self_harm", "violence", "harassment", "discrimination", "retaliation", "fraud",
            "data_breach", "domestic_abuse"} <= set(kind_ids())
    assert {k.id for k in kinds if k.severe} == {"self_harm", "violence"}
    for kind in kinds:
        assert kind.involve and kind.do_not and kind.near_misses
    self_harm = taxonomy().kind("self_harm")
    assert "crisis line" in self_harm.message and "emergency" in self_harm.message


def test_the_softer_note_names_the_kind_and_who_to_involve():
    note = taxonomy().check_note("fraud")
    assert "fraud" in note and "legal" in note and "{" not in note
    with pytest.raises(ConfigError):
        taxonomy().kind("no_such_kind")
