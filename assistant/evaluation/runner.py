"""`assistant eval`: run suites, write results.json + report.md + plots, apply the gates."""

from __future__ import annotations

import json
import sys
import time
import tomllib
import uuid
from pathlib import Path

from assistant.cases import evals_dir
from assistant.errors import UserError
from assistant.evaluation import report, suites

SUITES = ("diagnosis", "critique", "retrieval", "safety")
# suites with their own dev and holdout splits, run by name only (not part of "all")
SPLIT_SUITES = ("conversations", "steps")


def _progress(name: str, enabled: bool):
    from tqdm import tqdm

    bar = None

    def update(done: int, total: int) -> None:
        nonlocal bar
        if not enabled:
            return
        if bar is None:
            bar = tqdm(total=total, desc=name, unit="case", file=sys.stderr)
        bar.update(1)
        if done == total:
            bar.close()

    return update


def run(suite: str, engine: str, split: str, cases_file: Path | None, out: Path | None,
        progress: bool = True, owner: str | None = None) -> tuple[dict, Path]:
    """Run the chosen suites and write the run folder; return (results, folder).

    `owner` (the caller's key id, from the UI) is recorded: a run of uploaded cases is shown
    to its owner only, a run of the built-in suites to everyone.
    """
    if suite not in (*SUITES, *SPLIT_SUITES, "all"):
        raise UserError(f"unknown suite '{suite}'; choose diagnosis, critique, retrieval, safety, "
                        "conversations, steps or all")
    if suite in SPLIT_SUITES and split not in ("dev", "holdout", "all"):
        raise UserError(f"--suite {suite} has a dev and a holdout split: use --split dev or --split holdout")
    if cases_file is not None and suite in ("all", "retrieval"):
        raise UserError("--cases needs --suite diagnosis, critique or safety")
    if split == "holdout" and suite not in ("diagnosis", "critique", "safety", *SPLIT_SUITES):
        raise UserError("--split holdout holds scenarios, plans and safety cases: use --suite diagnosis, "
                        "critique or safety")
    if split == "independent" and suite != "safety":
        raise UserError("--split independent holds safety cases: use --suite safety")
    if split.startswith("real-") and suite != "diagnosis":
        raise UserError(f"--split {split} holds real-world descriptions: use --suite diagnosis")
    if cases_file is not None and not cases_file.exists():
        raise UserError(f"cases file {cases_file} does not exist")
    chosen = SUITES if suite == "all" else (suite,)
    started = time.time()
    results: dict = {"engine": engine, "split": split, "cases_file": str(cases_file) if cases_file else None,
                     "started": time.strftime("%Y-%m-%dT%H:%M:%S"), "owner": owner, "suites": {}}
    if "diagnosis" in chosen:
        cases = suites.diagnosis_cases(split, cases_file)
        results["suites"]["diagnosis"] = suites.run_diagnosis(cases, engine, _progress("diagnosis", progress))
    if "critique" in chosen:
        plans = suites.plan_cases(split, cases_file)
        results["suites"]["critique"] = suites.run_critique(plans, engine, _progress("critique", progress))
    if "retrieval" in chosen:
        queries = suites.query_cases(split)
        results["suites"]["retrieval"] = suites.run_retrieval(queries, _progress("retrieval", progress))
    if "safety" in chosen:
        cases_s = suites.safety_cases(split, cases_file)
        results["suites"]["safety"] = suites.run_safety(cases_s, engine, _progress("safety", progress))
    if "conversations" in chosen:
        cases_c = suites.conversation_cases(split, cases_file)
        results["suites"]["conversations"] = suites.run_conversations(
            cases_c, engine, _progress("conversations", progress))
    if "steps" in chosen:
        cases_st = suites.step_cases(split, cases_file)
        results["suites"]["steps"] = suites.run_steps(cases_st, engine, _progress("steps", progress))
    results["seconds"] = round(time.time() - started, 1)
    results["gates"] = check_gates(results, engine)
    folder = out or _default_out(suite, engine, split)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    report.write(results, folder)
    return results, folder


def _default_out(suite: str, engine: str, split: str) -> Path:
    from assistant.config import get_settings

    stamp = time.strftime("%Y%m%d-%H%M%S")
    folder = get_settings().data_dir / "eval-runs" / f"{stamp}-{suite}-{engine}-{split}"
    # two runs in the same second (two users) must not share a folder
    return folder if not folder.exists() else folder.with_name(f"{folder.name}-{uuid.uuid4().hex[:6]}")


def load_gates(path: Path | None = None) -> dict:
    """The gates file (evals/gates.toml)."""
    path = path or evals_dir() / "gates.toml"
    with open(path, "rb") as handle:
        return tomllib.load(handle)


# splits gated against their own sections of gates.toml (the test split uses the top level)
GATE_SECTIONS = {"holdout": "holdout", "real-dev": "real", "real-holdout": "real_holdout",
                 "independent": "independent"}
ENFORCED_SPLITS = ("test", "holdout", "real-dev", "real-holdout", "independent")


def check_gates(results: dict, engine: str) -> list[dict]:
    """Compare each gated metric with its bound (`<metric>_min` or `<metric>_max`); the test, holdout and real-world splits
    are gated (the holdout against `[holdout.*]`, real dev against `[real.*]`, the real
    holdout against `[real_holdout.*]`)."""
    if results.get("cases_file"):
        return []
    gates = load_gates()
    if results["split"] in GATE_SECTIONS:
        gates = gates.get(GATE_SECTIONS[results["split"]], {})
    checked = []
    for suite, metrics in results["suites"].items():
        section = gates.get(suite, {})
        section = section.get(engine, section) if isinstance(section.get(engine), dict) else section
        enforced = results["split"] in ENFORCED_SPLITS or (
            suite in SPLIT_SUITES and results["split"] in ("dev", "holdout"))
        for key, bound in section.items():
            if not key.endswith(("_min", "_max")) or not isinstance(bound, int | float):
                continue
            name, side = key[:-4], key[-3:]
            value = metrics.get(name)
            passed = value is not None and (value >= bound if side == "min" else value <= bound)
            checked.append({"suite": suite, "metric": name, "value": value, side: bound,
                            "passed": passed, "enforced": enforced})
    return checked


def failed_gates(results: dict) -> list[dict]:
    """Gates that failed and are enforced (test, holdout and real-world splits)."""
    return [g for g in results.get("gates", []) if g["enforced"] and not g["passed"]]
