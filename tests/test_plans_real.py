"""Real published plans (evals/plans_real/): the checker's agreement with two labellers on the
dev split, as a ratchet; the holdout split is measured only as a whole, by the last test.

Scoring as in the critique eval: exact match 1, pass/partial or partial/fail 0.5, else 0; the
mean per check, then the mean over checks. Plans the guard refuses as "not a plan" are left
out (they get no verdicts), and their number may not grow.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.critique import critique_plan
from assistant.errors import NotAPlanError
from assistant.evaluation.suites import _credit  # the critique eval's own scoring

PLANS = Path(__file__).resolve().parent.parent / "evals" / "plans_real" / "plans.jsonl"

# The dev split grew from 40 to 76 plans (pa6-*, pb6-*), to 116 (pc7-*, pd7-*) and to 155
# (pe8-*: software companies and open-source projects; pf8-*: public bodies, health services,
# universities, cooperatives, energy and manufacturing outside the US and UK). Each batch,
# before any work on it: 0.768 (pa6/pb6), 0.781 (pc7/pd7), 0.775 (pe8/pf8, and 0.759 with the
# checker from before the fourth round: that round carried over +0.016). After the fifth
# generalisation: the 155 at 0.904 (lowest priorities 0.817), the first 116 at 0.920 (lowest
# choices 0.842), the newest 39 at 0.854. Before: 116 at 0.905 after the fourth, 0.914 on 76
# after the third, 0.955 on the first 40 after the second.
DEV_MEAN_CHECK_AGREEMENT_MIN = 0.89
DEV_MIN_CHECK_AGREEMENT_MIN = 0.80
EARLIER_MEAN_CHECK_AGREEMENT_MIN = 0.91  # the first 116 dev plans (gated at 0.89 / 0.83 before)
EARLIER_MIN_CHECK_AGREEMENT_MIN = 0.83
_NEWEST = ("pe8-", "pf8-")
DEV_REFUSED_MAX = 0


def _dev_plans() -> list[dict]:
    rows = [json.loads(line) for line in PLANS.read_text(encoding="utf-8").splitlines() if line]
    return [r for r in rows if r["split"] == "dev"]


def _agreement(plans: list[dict]) -> tuple[dict[str, float], int]:
    per_check: dict[str, list[float]] = {}
    refused = 0
    for plan in plans:
        try:
            result = critique_plan(plan["text"])
        except NotAPlanError:
            refused += 1
            continue
        got = {c.id: c.status for c in result.checks}
        for check, expected in plan["expected"].items():
            per_check.setdefault(check, []).append(_credit(expected, got.get(check, "n/a")))
    return {k: sum(v) / len(v) for k, v in per_check.items()}, refused


@pytest.fixture(scope="module")
def dev_agreement() -> tuple[dict[str, float], int]:
    return _agreement(_dev_plans())


def test_dev_split_is_the_one_measured() -> None:
    assert len(_dev_plans()) == 155
    assert len([p for p in _dev_plans() if not p["id"].startswith(_NEWEST)]) == 116


def test_the_earlier_dev_plans_keep_their_ratchet() -> None:
    accuracy, refused = _agreement([p for p in _dev_plans() if not p["id"].startswith(_NEWEST)])
    assert refused == 0 and len(accuracy) == 14
    assert sum(accuracy.values()) / len(accuracy) >= EARLIER_MEAN_CHECK_AGREEMENT_MIN
    assert min(accuracy.values()) >= EARLIER_MIN_CHECK_AGREEMENT_MIN, accuracy


def test_dev_mean_check_agreement_ratchet(dev_agreement) -> None:
    accuracy, _ = dev_agreement
    mean = sum(accuracy.values()) / len(accuracy)
    assert len(accuracy) == 14
    assert mean >= DEV_MEAN_CHECK_AGREEMENT_MIN, {k: round(v, 3) for k, v in accuracy.items()}


def test_every_dev_check_holds(dev_agreement) -> None:
    accuracy, _ = dev_agreement
    assert min(accuracy.values()) >= DEV_MIN_CHECK_AGREEMENT_MIN, accuracy


def test_dev_plans_refused_do_not_grow(dev_agreement) -> None:
    _, refused = dev_agreement
    assert refused <= DEV_REFUSED_MAX


# The holdout split: never used to develop the checker; measured after each round of work on dev
# and gated here as a ratchet (0.796 first, 0.807 after the first round, 0.826 after the second,
# 0.828 after the third, 0.843 (95% CI 0.794-0.890) after the fourth; issue #16 target 0.90,
# lowest check 0.75). Only the mean is reported, never a plan.
HOLDOUT_MEAN_CHECK_AGREEMENT_MIN = 0.82


def test_holdout_mean_check_agreement_ratchet() -> None:
    rows = [json.loads(line) for line in PLANS.read_text(encoding="utf-8").splitlines() if line]
    per_check: dict[str, list[float]] = {}
    for plan in (r for r in rows if r["split"] == "holdout"):
        try:
            got = {c.id: c.status for c in critique_plan(plan["text"]).checks}
        except NotAPlanError:
            got = {}
        for check, expected in plan["expected"].items():
            per_check.setdefault(check, []).append(_credit(expected, got.get(check, "n/a")))
    mean = sum(sum(v) / len(v) for v in per_check.values()) / len(per_check)
    assert len(per_check) == 14 and mean >= HOLDOUT_MEAN_CHECK_AGREEMENT_MIN, round(mean, 3)
