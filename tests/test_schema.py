"""The exported JSON Schemas match the models; fields other tools rely on are present."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.cli import schema_json

DOCS = Path(__file__).resolve().parent.parent / "docs" / "schema"


@pytest.mark.parametrize(("name", "file"), [("diagnosis", "diagnosis.schema.json"),
                                            ("critique", "plan_critique.schema.json")])
def test_exported_schema_is_current(name, file):
    assert (DOCS / file).read_text() == schema_json(name), f"run: assistant schema {name} > docs/schema/{file}"


def test_contract_fields_present():
    props = json.loads(schema_json("diagnosis"))["properties"]
    for field in ("category", "confidence", "scores", "secondary", "surface_symptom", "root_cause",
                  "rationale", "steps", "anti_patterns", "follow_up_questions", "would_change_if",
                  "citations", "engine", "warnings", "diagnosis_id", "schema_version", "escalation",
                  "in_scope"):
        assert field in props
    step = json.loads(schema_json("diagnosis"))["$defs"]["Step"]["properties"]
    assert {"sop_id", "step_id", "title", "action", "why", "category", "citations"} <= set(step)
    critique = json.loads(schema_json("critique"))["properties"]
    for field in ("checks", "score", "strengths", "top_fixes", "likely_failure_mode", "engine",
                  "warnings", "critique_id", "schema_version"):
        assert field in critique
