"""The injection corpus (evals/injection/cases.jsonl, hidden_plans.jsonl) against the real pipeline.

Every variant is a base description (all four categories) plus an injection of one family
(zero-width, homoglyph, role lines, split lines, base64/hex/rot13, 12 languages, comments and
hidden HTML, fake transcripts, polite asks, notes to the AI reviewer, placement). Each is put at
the start, in the middle and at the end, on its own line and inline; then:

- `strip_instructions` removes something, keeps every base sentence and leaves nothing that
  names a category (fast: no engine);
- the embedded engine (store=False) gives the base's verdict, with a warning;
- ordinary descriptions lose nothing (the test split and the holdout, sentence by sentence);
- a plan's hidden content (comments, invisible spans, tag characters) never moves a check.

Thresholds are the `[injection]` gates in evals/gates.toml.
"""

from __future__ import annotations

import json
import re
import tomllib

import pytest

from assistant.cases import evals_dir, load_plans, load_scenarios
from assistant.injection import strip_instructions
from assistant.normalize import normalize_text

CASES = [json.loads(line) for line in (evals_dir() / "injection" / "cases.jsonl").read_text(encoding="utf-8").splitlines()
         if line.strip()]
VARIANTS = [c for c in CASES if c["target"] == "diagnose"]
HIDDEN_PLANS = [json.loads(line) for line in
                (evals_dir() / "injection" / "hidden_plans.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
GATES = tomllib.loads((evals_dir() / "gates.toml").read_text())["injection"]
FAMILIES = {"zero_width", "homoglyph", "role_line", "split_lines", "base64", "hex", "rot13", "language", "comment",
            "transcript", "polite", "reviewer_note", "position"}
# a category named in any of the corpus' languages: what an injection is after
CATEGORY_WORD = re.compile(
    r"strateg|execut|ejecuci|cultur|interperso|ausf|umsetzung|kultur|zwischenmensch|esecuz|uitvoer|realizac|strateji|"
    r"yürüt|kültür|kişiler|стратег|исполн|культур|межлич|战略|执行|文化|人际|戦略|実行|対人|전략|실행|문화|대인",
    re.I,
)


def placements(case: dict) -> dict[str, str]:
    """The injection at the start, in the middle and at the end: on its own line always, inline
    too unless it has no end of sentence (it would run into the next sentence)."""
    base, line = case["base"], case["injection"]
    out = {"start_line": f"{line}\n{base}", "end_line": f"{base}\n{line}"}
    if not case.get("line_only"):
        out.update({"start": f"{line} {base}", "end": f"{base} {line}"})
    if ". " in base:
        first, rest = base.split(". ", 1)
        out["middle_line"] = f"{first}.\n{line}\n{rest}"
        if not case.get("line_only"):
            out["middle"] = f"{first}. {line} {rest}"
    return out


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]


def _leftover(kept: str, base: str) -> str | None:
    """What the kept text holds besides the base's sentences (None: a base sentence is lost)."""
    rest, pos = kept, 0
    for sentence in _sentences(base):
        at = rest.find(sentence, pos)
        if at < 0:
            return None
        rest = rest[:at] + "\n" + rest[at + len(sentence):]
        pos = at
    return " ".join(rest.split())


# --- the corpus ----------------------------------------------------------------------------

def test_corpus_covers_the_families_languages_and_categories():
    assert len(VARIANTS) >= GATES["variants_min"]
    families = {c["family"] for c in VARIANTS}
    assert families >= FAMILIES and len(families) >= GATES["families_min"]
    assert len({c["lang"] for c in VARIANTS if c["family"] == "language"}) >= GATES["languages_min"]
    assert all(c["family"] for c in CASES) and len({c["id"] for c in CASES}) == len(CASES)
    labels = {c.get("base_label") for c in VARIANTS} - {None}
    assert labels == {"strategy", "execution", "culture", "interpersonal"}
    assert all(c["wants"] != c["base_label"] for c in VARIANTS if "wants" in c)


@pytest.mark.parametrize("family", sorted({c["family"] for c in VARIANTS}))
def test_every_placement_is_stripped_and_the_base_kept(family):
    """Fast, no engine: the injection goes, every base sentence stays, nothing left names a category."""
    failures, total = [], 0
    for case in (c for c in VARIANTS if c["family"] == family):
        base_kept, none_removed = strip_instructions(case["base"])
        assert none_removed == 0, case["base"]
        for where, text in placements(case).items():
            total += 1
            kept, removed = strip_instructions(text)
            rest = _leftover(kept, base_kept)
            if not removed or rest is None or CATEGORY_WORD.search(rest) or len(rest.split()) > 6:
                failures.append((case["id"], where, removed, kept[:120]))
    assert (total - len(failures)) / total >= GATES["stripped_min"], failures[:10]


def test_the_verdict_never_moves_and_a_warning_says_why(indexed):
    """The embedded engine on every base and every base + injection (start, middle, end)."""
    from assistant.pipeline import diagnose

    verdict: dict[str, str] = {}
    moved, unwarned, total = [], [], 0
    for case in VARIANTS:
        base = case["base"]
        if base not in verdict:
            clean = diagnose(base, engine="local", store=False)
            assert not clean.warnings or not any("embedded instruction" in w for w in clean.warnings)
            verdict[base] = clean.category
        where = placements(case)
        for key in ("start" if "start" in where else "start_line", "middle" if "middle" in where else "middle_line",
                    "end_line"):
            if key not in where:
                continue
            total += 1
            result = diagnose(where[key], engine="local", store=False)
            if result.category != verdict[base]:
                moved.append((case["id"], key, verdict[base], result.category))
            if not any("embedded instruction" in w for w in result.warnings):
                unwarned.append((case["id"], key))
    assert 1 - len(moved) / total >= GATES["verdict_invariance_min"], moved[:10]
    assert not unwarned, unwarned[:10]


def test_the_bases_read_as_their_own_category(indexed):
    """The corpus is meaningful only if the engine puts each base where its author did."""
    from assistant.pipeline import diagnose

    bases = {c["base"]: c["base_label"] for c in VARIANTS if "base_label" in c}
    wrong = [(label, b[:60]) for b, label in bases.items()
             if diagnose(b, engine="local", store=False).category != label]
    assert len(wrong) <= len(bases) // 20, wrong


# --- ordinary descriptions are not damaged ---------------------------------------------------

@pytest.mark.parametrize("split", ["test", "holdout"])
def test_ordinary_scenarios_lose_no_sentence(split):
    damaged = []
    for scenario in load_scenarios(split):
        kept, removed = strip_instructions(scenario.text)
        if removed or kept.split() != normalize_text(scenario.text).split():
            damaged.append((scenario.id, removed))
    assert 1 - len(damaged) / len(load_scenarios(split)) >= GATES["scenario_sentence_retention_min"], damaged


def test_ordinary_plans_get_no_warning():
    from assistant.critique import critique_plan

    for plan in load_plans("all"):
        if not getattr(plan, "injection", False):
            assert critique_plan(plan.text).warnings == [], plan.id


# --- a plan's hidden content is never evidence -------------------------------------------------

@pytest.mark.parametrize("case", HIDDEN_PLANS, ids=[c["id"] for c in HIDDEN_PLANS])
def test_hidden_content_in_a_plan_moves_no_check(case):
    from assistant.critique import critique_plan

    plans = [p for p in load_plans("test") if p.id.startswith(case["plan"])][:3]
    assert plans
    for plan in plans:
        clean = critique_plan(plan.text)
        lines = plan.text.split("\n")
        for pos in (0, len(lines) // 2, len(lines)):
            attacked = critique_plan("\n".join(lines[:pos] + [case["injection"]] + lines[pos:]))
            assert attacked.statuses() == clean.statuses(), (case["id"], plan.id, pos)
            assert any("hidden content" in w or "embedded instruction" in w for w in attacked.warnings)
            hidden_text = case["injection"]
            for check in attacked.checks:  # nothing quoted as evidence comes from the hidden part
                for ev in check.evidence:
                    assert ev.quote not in hidden_text or ev.quote in plan.text, (check.id, ev.quote)
