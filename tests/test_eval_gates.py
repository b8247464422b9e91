"""CI's eval gates: the embedded engine on the test split, the holdout and the real-world
holdout must meet evals/gates.toml."""

from __future__ import annotations

import json

import pytest

from tests.conftest import run_cli


@pytest.mark.slow
def test_eval_gates_on_the_test_split(indexed, tmp_path):
    out = tmp_path / "gates-run"
    result = run_cli("eval", "--suite", "all", "--split", "test", "--out", str(out), "--quiet",
                     timeout=900)
    data = json.loads((out / "results.json").read_text())
    failed = [g for g in data["gates"] if not g["passed"]]
    assert result.returncode == 0 and not failed, f"gates failed: {failed}\n{result.stderr[-2000:]}"
    assert data["seconds"] < 300


@pytest.mark.slow
@pytest.mark.parametrize(("suite", "metrics"), [("diagnosis", {"accuracy", "hard_accuracy"}),
                                                ("critique", {"mean_check_accuracy", "min_check_accuracy"}),
                                                ("safety", {"recall", "specificity"})])
def test_eval_gates_on_the_holdout(indexed, tmp_path, suite, metrics):
    out = tmp_path / "holdout-run"
    result = run_cli("eval", "--suite", suite, "--split", "holdout", "--out", str(out), "--quiet",
                     timeout=900)
    data = json.loads((out / "results.json").read_text())
    gates = data["gates"]
    assert {g["metric"] for g in gates} >= metrics and all(g["enforced"] for g in gates)
    failed = [g for g in gates if not g["passed"]]
    assert result.returncode == 0 and not failed, f"holdout gates failed: {failed}\n{result.stderr[-2000:]}"


@pytest.mark.slow
def test_eval_gates_on_the_real_holdout(indexed, tmp_path):
    """Real people's writing (evals/real/, holdout split: never trained on nor used to choose)."""
    out = tmp_path / "real-holdout-run"
    result = run_cli("eval", "--suite", "diagnosis", "--split", "real-holdout", "--out", str(out), "--quiet",
                     timeout=300)
    data = json.loads((out / "results.json").read_text())
    m = data["suites"]["diagnosis"]
    assert m["n"] >= 150 and m["mean_wrong_confidence"] is not None
    gates = data["gates"]
    assert {g["metric"] for g in gates} >= {"accuracy", "hard_accuracy", "macro_f1"}
    assert all(g["enforced"] for g in gates)
    failed = [g for g in gates if not g["passed"]]
    assert result.returncode == 0 and not failed, f"real holdout gates failed: {failed}\n{result.stderr[-2000:]}"
    assert data["seconds"] < 60


@pytest.mark.slow
def test_eval_gates_on_the_independent_safety_set(indexed, tmp_path):
    """evals/safety_indep/: 401 cases by briefs that never saw the screen (never tuned on)."""
    out = tmp_path / "independent-run"
    result = run_cli("eval", "--suite", "safety", "--split", "independent", "--out", str(out),
                     "--quiet", timeout=900)
    data = json.loads((out / "results.json").read_text())
    gates = data["gates"]
    assert {g["metric"] for g in gates} >= {"recall", "specificity", "severe_recall", "flagged_recall"}
    assert all(g["enforced"] for g in gates)
    failed = [g for g in gates if not g["passed"]]
    assert result.returncode == 0 and not failed, f"gates failed: {failed}\n{result.stderr[-2000:]}"
