"""The Evals tab: run the eval suites, see the metrics, plots and misses, compare runs.

Runs `assistant.evaluation.runner.run` (the same runner as `assistant eval`); its tqdm bars
drive the progress bar. Runs are the folders the runner writes under the data dir. A run of uploaded cases belongs to
the key that made it (other keys neither list nor open it); runs of the built-in suites are
shared. Each key runs one eval at a time, at most six an hour.
"""

from __future__ import annotations

import json
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import gradio as gr

from assistant.auth import OPEN, Principal
from assistant.config import get_settings
from assistant.errors import NotFoundError, RateLimited, UserError
from assistant.evaluation import report, runner
from assistant.ui.access import KeyLogin
from assistant.ui.common import engine_arg, listen, scratch_dir
from assistant.ui.html import esc, table

MISS_COLUMNS = ["Suite", "Case", "Expected", "Got", "Confidence / rank", "Text"]
_CARDS = {
    "diagnosis": [("accuracy", "Accuracy", "accuracy_ci95"), ("macro_f1", "Macro-F1", None),
                  ("hard_accuracy", "Hard cases", None), ("ece", "Calibration error (ECE)", None),
                  ("step_agreement", "Top-step agreement", None),
                  ("citation_validity", "Citation validity", None)],
    "critique": [("mean_check_accuracy", "Mean per-check accuracy", "mean_check_accuracy_ci95"),
                 ("min_check_accuracy", "Lowest check", None),
                 ("injection_invariance", "Injection invariance", None)],
    "retrieval": [("hit_at_1", "hit@1", "hit_at_1_ci95"), ("hit_at_3", "hit@3", "hit_at_3_ci95"),
                  ("mrr", "MRR", None)],
    "safety": [("recall", "Escalations caught (recall)", "recall_ci95"),
               ("specificity", "Near misses left alone", "specificity_ci95"),
               ("kind_accuracy", "Kind right when caught", None)],
}


@dataclass
class EvalsTab:
    """The components of the tab."""

    suite: gr.Radio
    split: gr.Radio
    cases: gr.File
    run: gr.Button
    runs: gr.Dropdown
    summary: gr.HTML
    confusion: gr.Image
    reliability: gr.Image
    misses: gr.HTML
    compare: gr.Code
    full: gr.Markdown


def runs_dir() -> Path:
    """Where the runner writes its run folders."""
    return get_settings().data_dir / "eval-runs"


def visible_to(results: dict, principal: Principal) -> bool:
    """A run of uploaded cases is its owner's alone; a run of the built-in suites is shared."""
    if not results.get("cases_file") or principal.key_id is None and principal.workspaces is None:
        return True
    return results.get("owner") is not None and results.get("owner") == principal.key_id


def past_runs(principal: Principal = OPEN) -> list[Path]:
    """Run folders with results that `principal` may see, newest first."""
    folder = runs_dir()
    if not folder.is_dir():
        return []
    runs = [path for path in folder.iterdir() if _visible_run(path, principal)]
    return sorted(runs, key=lambda p: p.name, reverse=True)


def _visible_run(path: Path, principal: Principal) -> bool:
    """A readable run folder that `principal` may see."""
    if not (path / "results.json").is_file():
        return False
    try:
        return visible_to(load_results(path), principal)
    except UserError:
        return False


def run_folder(name: str, principal: Principal) -> Path:
    """The run folder called `name` if `principal` may see it (else NotFoundError); reads that
    run's results only."""
    folder = runs_dir() / Path(name or "").name  # a name, never a path
    if folder.name in ("", ".", "..") or not _visible_run(folder, principal):
        raise NotFoundError(f"no eval run named '{Path(name or '').name}'")
    return folder


class RunQuota:
    """Evals are CPU-heavy: one run at a time per key, and at most `per_hour` runs an hour."""

    def __init__(self, per_hour: int = 6) -> None:
        self.per_hour = per_hour
        self._started: dict[str | None, list[float]] = {}
        self._running: set[str | None] = set()
        self._lock = threading.Lock()

    @contextmanager
    def slot(self, key_id: str | None) -> Iterator[None]:
        """Hold the key's run slot for one run (RateLimited when busy or over the hour's quota)."""
        now = time.monotonic()
        with self._lock:
            recent = [t for t in self._started.get(key_id, []) if now - t < 3600]
            if key_id in self._running:
                raise RateLimited("an eval run of yours is still going: wait for it to finish")
            if len(recent) >= self.per_hour:
                wait = int(3600 - (now - recent[0])) + 1
                raise RateLimited(f"at most {self.per_hour} eval runs an hour per key: "
                                  f"try again in {wait} s")
            self._started[key_id] = [*recent, now]
            self._running.add(key_id)
        try:
            yield
        finally:
            with self._lock:
                self._running.discard(key_id)


def load_results(folder: Path) -> dict:
    """The results.json of a run folder."""
    try:
        return json.loads((folder / "results.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise UserError(f"{folder.name}: not a readable eval run ({exc})") from exc


def previous_run(folder: Path, principal: Principal = OPEN) -> Path | None:
    """The latest earlier run of the same suites on the same split and cases that `principal`
    sees; None when there is none (a run of other suites has nothing to compare: every column
    would be empty)."""
    def key(results: dict) -> tuple:
        return set(results["suites"]), results.get("split"), results.get("cases_file") is None

    wanted = key(load_results(folder))
    earlier = [p for p in past_runs(principal) if p.name < folder.name]
    return next((p for p in earlier if key(load_results(p)) == wanted), None)


def _value(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    return "—" if value is None else esc(value)


def summary_html(results: dict, folder: Path) -> str:
    """Headline metric cards (with 95% CIs) and the gates of a run."""
    source = (f"cases <code>{esc(Path(results['cases_file']).name)}</code>"
              if results.get("cases_file") else f"split <code>{esc(results['split'])}</code>")
    parts = [f'<div class="oa-sub">Run <code>{esc(folder.name)}</code>: engine '
             f"<code>{esc(results['engine'])}</code>, {source}, "
             f"{esc(results.get('seconds'))} s</div>"]
    for suite, metrics in results["suites"].items():
        cards = []
        for key, label, ci in _CARDS.get(suite, []):
            band = metrics.get(ci) if ci else None
            extra = (f'<div class="oa-metric-ci">95% CI {band[0]:.3f}–{band[1]:.3f}</div>'
                     if band else "")
            value = _value(metrics.get(key))
            cards.append(f'<div class="oa-metric"><div class="oa-kicker">{esc(label)}</div>'
                         f'<div class="oa-metric-value">{value}</div>{extra}</div>')
        parts.append(f"<h4>{esc(suite.capitalize())} · {metrics.get('n', 0)} cases</h4>"
                     f'<div class="oa-metrics">{"".join(cards)}</div>')
    gates = results.get("gates") or []
    if gates:
        pills = "".join(
            f'<span class="oa-status oa-status-{"pass" if g["passed"] else "fail"}">'
            f'{esc(g["suite"])}.{esc(g["metric"])} {_value(g["value"])} {esc(report.gate_bound(g))}</span>'
            for g in gates)
        # each gate says whether the runner enforces it on this split (runner.check_gates)
        note = "" if all(g["enforced"] for g in gates) else (
            '<span class="oa-muted">gates are enforced on the test, holdout and real splits only</span>')
        parts.append(f'<h4>Gates</h4><div class="oa-gates">{pills} {note}</div>')
    return f'<div class="oa-card">{"".join(parts)}</div>'


QUOTA = RunQuota()


def miss_rows(results: dict) -> list[list]:
    """Diagnosis and retrieval misses as table rows."""
    rows = []
    for miss in results["suites"].get("diagnosis", {}).get("misses", []):
        rows.append(["diagnosis", miss["id"], miss["label"], miss["predicted"],
                     f"{miss['confidence']:.2f}", miss["excerpt"]])
    for miss in results["suites"].get("retrieval", {}).get("misses", []):
        rows.append(["retrieval", miss["id"], miss["expected"], ", ".join(miss.get("top") or []),
                     str(miss["rank"]), miss["query"]])
    for miss in results["suites"].get("safety", {}).get("misses", []):
        rows.append(["safety", miss["id"], miss["kind"] or "no escalation", miss["got"] or "no escalation",
                     "", miss["text"]])
    return rows


def _servable(path: Path) -> Path:
    """A copy of a plot in the temp dir, which Gradio serves (the data dir stays private)."""
    if not path.exists():
        return path
    copy = scratch_dir(f"evals/{path.parent.name}") / path.name
    shutil.copyfile(path, copy)
    return copy


def misses_html(results: dict) -> str:
    """The misses of a run as a table under a heading."""
    rows = [[*r[:5], _clip(r[5])] for r in miss_rows(results)]
    return f"<h4>Misses ({len(rows)})</h4>" + table(MISS_COLUMNS, rows, "No misses in this run.")


def _clip(text: str, limit: int = 180) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def view_run(folder: Path, principal: Principal = OPEN) -> tuple:
    """Everything the tab shows for one run folder."""
    results = load_results(folder)
    before = previous_run(folder, principal)
    compared = (f"A = {before.name}\nB = {folder.name}\n\n{report.compare(before, folder)}"
                if before else "No earlier run of these suites to compare with yet.")
    confusion = _servable(folder / "confusion.png")
    reliability = _servable(folder / "reliability.png")
    return (summary_html(results, folder),
            gr.update(value=str(confusion) if confusion.exists() else None,
                      visible=confusion.exists()),
            gr.update(value=str(reliability) if reliability.exists() else None,
                      visible=reliability.exists()),
            misses_html(results), compared, report.markdown(results))


def run_choices(principal: Principal = OPEN) -> list[str]:
    """Names of the past runs `principal` may see, for the picker."""
    return [p.name for p in past_runs(principal)]


def run_suite(suite: str, split: str, cases: str | None, engine: str | None,
              principal: Principal = OPEN) -> Path:
    """Run the eval through the shared runner (within the key's quota); returns its folder."""
    name = engine_arg(engine) or get_settings().resolved_engine
    with QUOTA.slot(principal.key_id):
        _, folder = runner.run(suite, name, split, Path(cases) if cases else None, None,
                               progress=True, owner=principal.key_id)
    return folder


def build(login: KeyLogin, engine: gr.Radio) -> EvalsTab:
    """Lay out the tab and wire its events (all private to the Gradio API)."""
    with gr.Row(equal_height=False):
        with gr.Column(scale=1, min_width=280):
            suite = gr.Radio(["diagnosis", "critique", "retrieval", "safety", "all"], value="diagnosis",
                             label="Suite", elem_id="oa-ev-suite")
            split = gr.Radio(["test", "dev", "holdout", "real-dev", "real-holdout", "all"], value="test", label="Split",
                             elem_id="oa-ev-split")
            cases = gr.File(label="Or your own labelled cases (JSONL)", file_types=[".jsonl"],
                            type="filepath", elem_id="oa-ev-cases")
            run = gr.Button("Run evals", variant="primary", elem_id="oa-ev-run")
            # filled per login on page load: built with every run, /config would name other keys' runs
            runs = gr.Dropdown(label="Past runs", choices=[], elem_id="oa-ev-runs")
        with gr.Column(scale=3):
            summary = gr.HTML('<div class="oa-empty"><div class="oa-empty-title">No run shown'
                              "</div><p>Run a suite, or pick a past run.</p></div>",
                              elem_id="oa-ev-summary")
            with gr.Row():
                confusion = gr.Image(label="Confusion matrix", visible=False, type="filepath",
                                     height=330, elem_id="oa-ev-confusion")
                reliability = gr.Image(label="Reliability", visible=False, type="filepath",
                                       height=330, elem_id="oa-ev-reliability")
            misses = gr.HTML(elem_id="oa-ev-misses")
            compare = gr.Code(label="Compared with the previous run", language=None,
                              elem_id="oa-ev-compare", max_lines=18, visible=False)  # until a run is shown
            with gr.Accordion("Full report", open=False):
                full = gr.Markdown()
    tab = EvalsTab(suite, split, cases, run, runs, summary, confusion, reliability, misses,
                   compare, full)
    shown = [summary, confusion, reliability, misses, compare, full]

    def show(folder: Path, who: Principal) -> list:
        values = list(view_run(folder, who))
        at = shown.index(compare)
        values[at] = gr.update(value=values[at], visible=True)
        return values

    def on_run(suite_, split_, cases_, eng, request: gr.Request,
               progress=gr.Progress(track_tqdm=True)):  # noqa: B008
        who = login.principal(request)
        progress(0, desc=f"Running the {suite_} suite")
        folder = run_suite(suite_, split_, cases_, eng, who)
        return (*show(folder, who), gr.update(choices=run_choices(who), value=folder.name))

    def on_pick(name, request: gr.Request):
        who = login.principal(request)
        if not name:
            return tuple(gr.skip() for _ in shown)
        return tuple(show(run_folder(name, who), who))

    # one progress bar, where the results will appear (by default every output draws its own)
    listen(run.click, on_run, [suite, split, cases, engine], [*shown, runs],
           show_progress="full", show_progress_on=summary)
    listen(runs.input, on_pick, runs, shown)
    return tab
