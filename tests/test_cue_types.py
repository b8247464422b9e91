"""Typed cues: the cue -> step map points at real steps of the right cause, the shipped model is
the one trained on today's labelled sentences, and a typed cue quotes a real sentence of the text
that is neither filler nor the person's question."""

from __future__ import annotations

import json

from assistant.classifier.cue_types import (
    CUE_TYPES,
    STEPS_FOR_CUE,
    TYPES,
    CueTypeModel,
    cue_fingerprint,
    labelled_cues,
)
from assistant.knowledge import all_steps
from tests.conftest import ROOT


def test_every_cue_type_maps_to_existing_steps_of_its_cause():
    steps = all_steps()
    assert set(STEPS_FOR_CUE) == set(CUE_TYPES) and len(TYPES) >= 12
    for cue, ids in STEPS_FOR_CUE.items():
        assert ids and all(i in steps for i in ids), cue
        assert steps[ids[0]].category == CUE_TYPES[cue] or any(steps[i].category == CUE_TYPES[cue] for i in ids)


def test_the_shipped_cue_model_is_trained_on_the_current_sentences():
    model = CueTypeModel.load()
    assert model.fingerprint == cue_fingerprint(labelled_cues("train")), "run: assistant train"
    assert not set(labelled_cues("holdout")) & set(labelled_cues("train"))


def test_typed_cues_quote_a_sentence_of_the_text_and_lead_the_steps(indexed):
    from assistant.classifier.features import split_sentences
    from assistant.pipeline import diagnose

    rows = [json.loads(line) for line in (ROOT / "evals" / "step_relevance" / "cases.jsonl").read_text().splitlines()
            if line.strip()]
    typed = 0
    for row in [r for r in rows if r["split"] == "dev"][:20]:
        result = diagnose(row["text"], store=False)
        if result.escalation is not None:  # a safety matter: no cue, no step
            assert result.cue_evidence == [] and result.steps == []
            continue
        for cue in result.cue_evidence:
            typed += 1
            assert CUE_TYPES[cue.type] == cue.category == result.category
            assert any(cue.quote.rstrip("…") in s or s in cue.quote for s in split_sentences(row["text"]))
            assert not cue.quote.rstrip().endswith("?")
            first = result.steps[0].step_id
            assert first in STEPS_FOR_CUE[cue.type] or all_steps()[STEPS_FOR_CUE[cue.type][0]].category != result.category
    assert typed >= 15
