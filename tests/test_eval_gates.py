"""CI's eval gates: the embedded engine on the test split, the holdout and the real-world
holdout must meet evals/gates.toml."""

from __future__ import annotations

import json

import pytest

from tests.conftest import run_cli


@pytest.mark.slow
def test_eval_gates_on_the_test_split(indexed, tmp_path):
    data = _gated_run(tmp_path, "all", "test", {"accuracy", "hit_at_3", "mean_check_accuracy", "recall"})
    assert data["seconds"] < 300


def _gated_run(tmp_path, suite: str, split: str, metrics: set[str], timeout: int = 900) -> dict:
    """Run one suite on one split through the CLI; every gate of it must be enforced and pass."""
    out = tmp_path / f"{split}-run"
    result = run_cli("eval", "--suite", suite, "--split", split, "--out", str(out), "--quiet",
                     timeout=timeout)
    data = json.loads((out / "results.json").read_text())
    gates = data["gates"]
    assert {g["metric"] for g in gates} >= metrics and all(g["enforced"] for g in gates)
    failed = [g for g in gates if not g["passed"]]
    assert result.returncode == 0 and not failed, f"{split} gates failed: {failed}\n{result.stderr[-2000:]}"
    return data


@pytest.mark.slow
@pytest.mark.parametrize(("suite", "split", "metrics"), [
    ("diagnosis", "holdout", {"accuracy", "hard_accuracy"}),
    ("critique", "holdout", {"mean_check_accuracy", "min_check_accuracy"}),
    ("safety", "holdout", {"recall", "specificity"}),
    # evals/safety_indep/: 401 cases by briefs that never saw the screen (never tuned on)
    ("safety", "independent", {"recall", "specificity", "severe_recall", "flagged_recall"}),
    # evals/conversations/: two turns each, the second settles the cause
    ("conversations", "dev", {"accuracy", "no_repeat_rate"}),
    ("conversations", "holdout", {"accuracy", "no_repeat_rate"}),
    # evals/step_relevance/: does the first step act on the cue that shows the cause
    ("steps", "dev", {"first_step_relevance"}),
    ("steps", "holdout", {"first_step_relevance"}),
])
def test_eval_gates_on_held_out_sets(indexed, tmp_path, suite, split, metrics):
    _gated_run(tmp_path, suite, split, metrics)


@pytest.mark.slow
def test_eval_gates_on_the_real_holdout(indexed, tmp_path):
    """Real people's writing (evals/real/, holdout split: never trained on nor used to choose)."""
    data = _gated_run(tmp_path, "diagnosis", "real-holdout", {"accuracy", "hard_accuracy", "macro_f1"},
                      timeout=300)
    m = data["suites"]["diagnosis"]
    assert m["n"] >= 150 and m["mean_wrong_confidence"] is not None
    assert data["seconds"] < 180  # a bound on cost, not a speed target (benchmarks measure speed)
