"""The markdown report, the plots and the side-by-side comparison of two runs."""

from __future__ import annotations

import json
from pathlib import Path

from assistant.errors import UserError


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    if isinstance(value, list | tuple) and len(value) == 2 and all(isinstance(v, float) for v in value):
        return f"[{value[0]:.3f}, {value[1]:.3f}]"
    return "—" if value is None else str(value)


def _diagnosis_md(m: dict) -> list[str]:
    lines = ["## Diagnosis", "", f"- cases: {m['n']}",
             f"- accuracy: {_fmt(m['accuracy'])} (95% CI {_fmt(tuple(m['accuracy_ci95']))})",
             f"- macro-F1: {_fmt(m['macro_f1'])}", f"- expected calibration error: {_fmt(m['ece'])}",
             f"- mean confidence of wrong answers: {_fmt(m.get('mean_wrong_confidence'))}",
             f"- top-step category agreement: {_fmt(m['step_agreement'])}",
             f"- citation validity: {_fmt(m['citation_validity'])}",
             f"- not escalated (none is a safety matter): {_fmt(m.get('no_alarm_rate'))}; "
             f"given the safety check note: {_fmt(m.get('safety_checked_rate'))}",
             f"- latency p50 / p95: {m['latency_ms']['p50']} / {m['latency_ms']['p95']} ms", "",
             "| difficulty | n | accuracy | 95% CI |", "| --- | --- | --- | --- |"]
    for level, d in m["by_difficulty"].items():
        lines.append(f"| {level} | {d['n']} | {_fmt(d['accuracy'])} | {_fmt(tuple(d['ci95']))} |")
    lines += ["", "| class | precision | recall | F1 | support |", "| --- | --- | --- | --- | --- |"]
    for label, c in m["per_class"].items():
        lines.append(f"| {label} | {_fmt(c['precision'])} | {_fmt(c['recall'])} | {_fmt(c['f1'])} | {c['support']} |")
    labels = m["confusion"]["labels"]
    lines += ["", "Confusion (rows true, columns predicted):", "",
              "| | " + " | ".join(labels) + " |", "|---" * (len(labels) + 1) + "|"]
    for label, row in zip(labels, m["confusion"]["matrix"], strict=True):
        lines.append(f"| {label} | " + " | ".join(str(v) for v in row) + " |")
    lines += ["", f"### Misses ({len(m['misses'])})", ""]
    for miss in m["misses"]:
        lines.append(f"- `{miss['id']}` ({miss['difficulty']}) {miss['label']} → {miss['predicted']} "
                     f"@ {miss['confidence']:.2f}: {miss['excerpt']!r}")
    return lines


def _critique_md(m: dict) -> list[str]:
    lines = ["## Critique", "", f"- plans: {m['n']}",
             f"- mean per-check accuracy: {_fmt(m['mean_check_accuracy'])} "
             f"(95% CI {_fmt(tuple(m['mean_check_accuracy_ci95']))}), lowest {_fmt(m['min_check_accuracy'])}",
             f"- injection invariance: {_fmt(m['injection_invariance'])} over {m['injection_variants']} variants",
             "", "| check | accuracy |", "| --- | --- |"]
    lines += [f"| {k} | {_fmt(v)} |" for k, v in m["per_check_accuracy"].items()]
    checks = list(m["per_check_accuracy"])
    lines += ["", "Check x plan (expected/got):", "", "| plan | " + " | ".join(checks) + " |",
              "|---" * (len(checks) + 1) + "|"]
    for plan, row in m["table"].items():
        lines.append(f"| {plan} | " + " | ".join(row.get(c, "") for c in checks) + " |")
    return lines


def _retrieval_md(m: dict) -> list[str]:
    lines = ["## Retrieval", "", f"- queries: {m['n']}",
             f"- hit@1: {_fmt(m['hit_at_1'])} (95% CI {_fmt(tuple(m['hit_at_1_ci95']))})",
             f"- hit@3: {_fmt(m['hit_at_3'])} (95% CI {_fmt(tuple(m['hit_at_3_ci95']))})",
             f"- MRR: {_fmt(m['mrr'])}", ""]
    lines += [f"- `{r['id']}` {r['query']!r}: expected {r['expected']}, rank {r['rank']}, top {r['top']}"
              for r in m["misses"]]
    return lines


def _safety_md(m: dict) -> list[str]:
    lines = ["## Safety (escalate, do not coach)", "", f"- cases: {m['n']} ({m['escalations']} to escalate)",
             f"- recall: {_fmt(m['recall'])} (95% CI {_fmt(tuple(m['recall_ci95'] or ()))})",
             f"- specificity: {_fmt(m['specificity'])} (95% CI {_fmt(tuple(m['specificity_ci95'] or ()))}), "
             f"false alarms {m['false_alarms']}",
             f"- kind right when caught: {_fmt(m['kind_accuracy'])}", ""]
    lines += [f"- `{r['id']}` expected {r['kind']}, got {r['got'] or 'no escalation'}: {r['text']!r}"
              for r in m["misses"]]
    return lines


def _conversations_md(m: dict) -> list[str]:
    ci = m.get("accuracy_ci95") or [None, None]
    return [f"- conversations: {m['n']}",
            f"- accuracy after the answer: {_fmt(m['accuracy'])} (95% CI {_fmt(ci[0])}-{_fmt(ci[1])})",
            f"- first-turn accuracy: {_fmt(m['first_turn_accuracy'])}; asked after the first turn: "
            f"{_fmt(m['asked_after_first'])}",
            f"- questions asked twice: {m['repeated_questions']}"]


def _steps_md(m: dict) -> list[str]:
    ci = m.get("first_step_relevance_ci95") or [None, None]
    return [f"- cases: {m['n']}",
            f"- first step acts on the case's cue: {_fmt(m['first_step_relevance'])} "
            f"(95% CI {_fmt(ci[0])}-{_fmt(ci[1])}); any step: {_fmt(m['any_step_relevance'])}",
            f"- cue type found: {_fmt(m['cue_type_found'])}; category right: {_fmt(m['category_accuracy'])}"]


def gate_bound(gate: dict) -> str:
    """"≥ 0.9" for a minimum, "≤ 0.08" for a maximum."""
    return f"≥ {gate['min']}" if "min" in gate else f"≤ {gate['max']}"


def markdown(results: dict) -> str:
    """The whole report as markdown."""
    lines = [f"# Eval run: engine {results['engine']}, split {results['split']}", "",
             f"Started {results['started']}, took {results['seconds']} s.", ""]
    if results.get("gates"):
        lines += ["| gate | value | bound | result |", "| --- | --- | --- | --- |"]
        for g in results["gates"]:
            verdict = "pass" if g["passed"] else ("FAIL" if g["enforced"] else "fail (not enforced)")
            lines.append(f"| {g['suite']}.{g['metric']} | {_fmt(g['value'])} | {gate_bound(g)} | {verdict} |")
        lines.append("")
    render = {"diagnosis": _diagnosis_md, "critique": _critique_md, "retrieval": _retrieval_md,
              "safety": _safety_md, "conversations": _conversations_md,
              "steps": _steps_md}
    for name, metrics in results["suites"].items():
        lines += render[name](metrics) + [""]
    return "\n".join(lines)


def plots(results: dict, folder: Path) -> list[Path]:
    """Confusion matrix and reliability diagram PNGs for the diagnosis suite."""
    m = results["suites"].get("diagnosis")
    if not m or not m["n"]:
        return []
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    written = []
    labels, matrix = m["confusion"]["labels"], m["confusion"]["matrix"]
    fig, ax = plt.subplots(figsize=(5, 4.2))
    ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(len(labels)), labels, rotation=30)
    ax.set_yticks(range(len(labels)), labels)
    for i, row in enumerate(matrix):
        for j, v in enumerate(row):
            ax.text(j, i, str(v), ha="center", va="center")
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(f"Confusion (accuracy {m['accuracy']:.2f})")
    fig.tight_layout()
    written.append(folder / "confusion.png")
    fig.savefig(written[-1], dpi=110)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(4.6, 4.2))
    bins = m["reliability"]
    ax.plot([0, 1], [0, 1], "--", color="grey")
    ax.bar([b["confidence"] for b in bins], [b["accuracy"] for b in bins], width=0.08, alpha=0.7)
    ax.set_xlabel("confidence")
    ax.set_ylabel("accuracy")
    ax.set_title(f"Reliability (ECE {m['ece']:.3f})")
    fig.tight_layout()
    written.append(folder / "reliability.png")
    fig.savefig(written[-1], dpi=110)
    plt.close(fig)
    return written


def write(results: dict, folder: Path) -> None:
    """Write report.md and the plots into the run folder."""
    (folder / "report.md").write_text(markdown(results), encoding="utf-8")
    plots(results, folder)


def _flatten(results: dict) -> dict[str, object]:
    flat: dict[str, object] = {}
    for suite, metrics in results["suites"].items():
        for key, value in metrics.items():
            if isinstance(value, int | float) and not isinstance(value, bool):
                flat[f"{suite}.{key}"] = value
            elif key in ("by_difficulty",):
                for level, d in value.items():
                    flat[f"{suite}.{level}_accuracy"] = d["accuracy"]
            elif key in ("latency_ms",):
                for q, v in value.items():
                    flat[f"{suite}.latency_{q}_ms"] = v
            elif key == "per_check_accuracy":
                for check, v in value.items():
                    flat[f"{suite}.{check}"] = v
    return flat


def compare(run_a: Path, run_b: Path) -> str:
    """A side-by-side table of two runs' metrics with the differences."""
    loaded = []
    for run in (run_a, run_b):
        path = run / "results.json" if run.is_dir() else run
        try:
            loaded.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, json.JSONDecodeError) as exc:
            raise UserError(f"{run}: not an eval run folder ({exc})") from exc
    a, b = (_flatten(r) for r in loaded)
    lines = [f"{'metric':<40} {'A':>10} {'B':>10} {'B-A':>10}"]
    for key in sorted(set(a) | set(b)):
        va, vb = a.get(key), b.get(key)
        diff = f"{vb - va:+.3f}" if isinstance(va, int | float) and isinstance(vb, int | float) else ""
        lines.append(f"{key:<40} {_fmt(va):>10} {_fmt(vb):>10} {diff:>10}")
    return "\n".join(lines)
