"""The plan cause model: trained on today's training plans, never on the description + plan
pairs it is measured on, and its quoted lines are the ones that carry its reading."""

from __future__ import annotations

import json
import re

import numpy as np

from assistant.classifier.plan_cause import (
    PLAN_CLASSES,
    PlanCauseModel,
    plan_cause_fingerprint,
    plan_cause_model,
    training_plans,
)
from assistant.plan_evidence import CONTENT_LEAN, WORDING, PlanDoc, content, evidence
from assistant.schema import CATEGORIES
from tests.conftest import ROOT

PAIRS = ROOT / "evals" / "plan_pairs" / "pairs.jsonl"


def _pairs() -> list[dict]:
    return [json.loads(line) for line in PAIRS.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_the_shipped_model_is_trained_on_the_current_plans():
    rows = training_plans()
    assert len(rows) >= 400
    assert {label for _, label in rows} == set(PLAN_CLASSES)
    assert PlanCauseModel.load().fingerprint == plan_cause_fingerprint(rows), "run: assistant train"


def test_no_training_plan_shares_a_line_with_the_pairs_it_is_measured_on():
    def lines(text: str) -> set[str]:
        return {" ".join(ln.split()).lower() for ln in text.split("\n") if len(re.findall(r"\w+", ln)) >= 8}

    measured = set().union(*(lines(p["plan"]) for p in _pairs()))
    shared = [ln for text, _ in training_plans() for ln in lines(text) & measured]
    assert shared == []


def test_the_quoted_lines_carry_the_reading():
    """Without the lines quoted for its cause, a plan leans less to that cause."""
    model = plan_cause_model()
    checked = 0
    for pair in _pairs()[:40]:
        text = pair["plan"]
        log_odds = model.cause_log_odds(text)
        top = int(np.argmax(log_odds))
        if log_odds[top] < CONTENT_LEAN:
            continue
        best = model.line_scores(text, CATEGORIES[top])[:2]
        assert best and all(score > 0 for _, score in best)
        kept = [ln for n, ln in enumerate(text.split("\n"), 1) if n not in {b for b, _ in best}]
        assert model.cause_log_odds("\n".join(kept))[top] < log_odds[top]
        checked += 1
    assert checked >= 20


def test_wording_items_quote_the_leading_cause_of_the_plan():
    seen = 0
    for pair in _pairs():
        doc = PlanDoc(pair["plan_title"], pair["plan_title"], pair["plan"])
        items = [i for i in evidence([doc]) if i.check_id == WORDING]
        log_odds = content(pair["plan"])
        if log_odds.max() < CONTENT_LEAN:
            assert items == []
            continue
        assert len(items) <= 2  # none when only titles and rules carry the reading
        lines = pair["plan"].split("\n")
        for item in items:
            seen += 1
            assert item.category == CATEGORIES[int(np.argmax(log_odds))] and item.direction == "for"
            assert item.quote == lines[item.lines[0] - 1].strip()
            assert item.finding.startswith(f"The plan's own words lean to {item.category}")
    assert seen >= 50


def test_a_line_read_by_its_words_points_its_step(indexed):
    """When the plan's words lead the evidence, a step that acts on what the quoted line reads
    as carries the line (and leads when it was retrieved)."""
    from assistant.pipeline import diagnose
    from assistant.plan_evidence import steps_for

    led = 0
    for pair in _pairs()[:30]:
        result = diagnose(f"{pair['description']}\nHere is our plan:\n{pair['plan']}", store=False)
        if result.escalation is not None or not result.plan_evidence:
            continue
        first = result.plan_evidence[0]
        if first.check_id != WORDING or first.category != result.category:
            continue
        carrying = [s for s in result.steps if first in s.plan_evidence]
        assert carrying and all(s.step_id in steps_for(first) for s in carrying)
        assert first.document == "the plan pasted in this conversation" or first.source is None
        led += 1
    assert led >= 10
