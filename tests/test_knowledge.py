"""The SOP library: shipped files validate; broken files fail naming file and field."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from assistant.errors import ValidationFailed
from assistant.knowledge import CATEGORIES, knowledge_dir, load_library, parse_sop

GOOD = """---
id: sample-sop
title: A sample SOP
categories: [execution]
source: "Someone, somewhere"
triggers:
  - "things keep slipping"
---

# A sample SOP

## Steps

### 1. Do the first thing
- step_id: sample-sop/1
- category: execution
- action: Write the three priorities on one page and share them today.
- why: People cannot focus on a list they cannot see.
"""


def test_shipped_library_is_valid_and_covers_every_category():
    sops = load_library()
    assert len(sops) >= 6
    counts = Counter(step.category for sop in sops for step in sop.steps)
    for category in CATEGORIES:
        assert counts[category] >= 6, f"only {counts[category]} {category} steps"
    ids = [step.step_id for sop in sops for step in sop.steps]
    assert len(ids) == len(set(ids))
    for sop in sops:
        assert sop.triggers and sop.source
        assert Path(sop.path).stem == sop.id


def test_a_good_file_parses(tmp_path):
    path = tmp_path / "sample-sop.md"
    path.write_text(GOOD)
    sop = parse_sop(path)
    assert sop.steps[0].step_id == "sample-sop/1"
    assert sop.steps[0].category == "execution"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("categories: [execution]", "categories: [vibes]"), "categories"),
        (("id: sample-sop\n", ""), "id"),
        (('source: "Someone, somewhere"\n', ""), "source"),
        (("- why: People cannot focus on a list they cannot see.\n", ""), "'- why:'"),
        (("- step_id: sample-sop/1", "- step_id: sample-sop/7"), "step_id"),
        (("- category: execution", "- category: marketing"), "category"),
        (("---\nid", "id"), "front matter"),
    ],
)
def test_validation_errors_name_file_and_field(tmp_path, change, message):
    path = tmp_path / "sample-sop.md"
    path.write_text(GOOD.replace(*change, 1))
    with pytest.raises(ValidationFailed) as err:
        parse_sop(path)
    assert "sample-sop.md" in str(err.value)
    assert message in str(err.value)


def test_id_must_match_file_name(tmp_path):
    path = tmp_path / "other-name.md"
    path.write_text(GOOD)
    with pytest.raises(ValidationFailed, match="other-name"):
        parse_sop(path)


def test_empty_folder_is_an_error(tmp_path):
    with pytest.raises(ValidationFailed, match="no SOP files"):
        load_library(tmp_path)


def test_knowledge_dir_setting(tmp_path, monkeypatch):
    from assistant.config import reset_settings

    (tmp_path / "sample-sop.md").write_text(GOOD)
    monkeypatch.setenv("ASSISTANT_KNOWLEDGE_DIR", str(tmp_path))
    reset_settings()
    assert knowledge_dir() == tmp_path
    assert [s.id for s in load_library()] == ["sample-sop"]
