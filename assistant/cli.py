"""The `assistant` command: thin wrappers over the pipeline functions.

Every `AssistantError` becomes one readable line on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from assistant import __version__
from assistant.errors import AssistantError, UserError

COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {}


def command(name: str) -> Callable:
    def register(func: Callable[[argparse.Namespace], int]) -> Callable:
        COMMANDS[name] = func
        return func

    return register


def _print_json(data: object) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False, default=str))


@command("config")
def cmd_config(args: argparse.Namespace) -> int:
    from assistant.config import get_settings

    rows = get_settings().describe()
    if args.json:
        _print_json({env: value for env, value, _ in rows})
        return 0
    width = max(len(r[0]) for r in rows)
    for env, value, help_text in rows:
        print(f"{env:<{width}}  {value or '(unset)'}")
        print(f"{'':<{width}}  {help_text}")
    return 0


@command("ingest")
def cmd_ingest(args: argparse.Namespace) -> int:
    from assistant.retrieval.ingest import ingest_paths

    report = ingest_paths(
        [Path(p) for p in args.paths], workspace=args.workspace, kind=args.kind,
        progress=sys.stderr.isatty(),
    )
    if args.json:
        _print_json(report.model_dump())
    else:
        print(
            f"ingested {len(report.documents)} document(s): {report.added} chunks added, "
            f"{report.removed} removed, {report.unchanged} unchanged"
        )
    for err in report.errors:
        print(f"skipped {err['error']}", file=sys.stderr)
    return 0 if report.documents or not report.errors else 2


@command("search")
def cmd_search(args: argparse.Namespace) -> int:
    from assistant.retrieval.ingest import ensure_framework_indexed
    from assistant.retrieval.search import search

    ensure_framework_indexed()
    hits = search(args.query, workspace=args.workspace, k=args.k)
    if args.json:
        _print_json([h.model_dump() for h in hits])
        return 0
    for rank, hit in enumerate(hits, 1):
        where = hit.step_id or hit.section or ""
        print(f"{rank}. [{hit.score:.3f}] {hit.title} — {where} ({hit.kind}, {hit.source})")
        print(f"   {hit.snippet}")
    return 0


@command("documents")
def cmd_documents(args: argparse.Namespace) -> int:
    from assistant.retrieval.ingest import delete_document, list_documents

    if args.action == "list":
        docs = list_documents(args.workspace)
        if args.json:
            _print_json(docs)
        else:
            for d in docs:
                print(f"{d['doc_id']}  {d['chunks']:>4} chunks  {d['ingested_at']}  {d['source']}")
            if not docs:
                print(f"no documents in workspace '{args.workspace}'")
        return 0
    if not args.doc_id:
        raise UserError("documents delete needs a document id")
    removed = delete_document(args.doc_id, args.workspace)
    print(f"deleted {args.doc_id} ({removed} chunks)")
    return 0


def _read_text_arg(value: str) -> str:
    if value == "-":
        data = sys.stdin.buffer.read()
        from assistant.retrieval.readers import decode_text

        return decode_text(data, "standard input")
    return value


def _render_diagnosis(d) -> str:
    from assistant.render import headline, plan_evidence_lines, plan_where, unsettled

    normal = d.in_scope and d.escalation is None
    lines = [f"Root cause: {d.category.upper()} (confidence {d.confidence:.0%}, engine {d.engine})"
             if normal else f"{headline(d)} (engine {d.engine})"]
    if d.escalation:
        lines += ["", f"ESCALATE ({d.escalation.kind}): {d.escalation.message}"]
    elif d.safety_check:
        lines += [f"CHECK FIRST ({d.safety_check.kind}): {d.safety_check.message}"]
    if normal:
        lines.append("Scores: " + "  ".join(f"{c} {p:.0%}" for c, p in d.scores.ranked()))
        lines += [note] if (note := unsettled(d)) else []
        lines += ["", f"Surface symptom: {d.surface_symptom}"]
    lines += [f"Root cause: {d.root_cause}", f"Why: {d.rationale}"]
    if d.steps:
        lines += ["", "Recommended steps:"]
        for i, step in enumerate(d.steps, 1):
            lines.append(f"  {i}. [{step.step_id}] {step.title}")
            lines.append(f"     Do: {step.action}")
            lines.append(f"     Why: {step.why}")
            lines += [f"     Change in your plan: {plan_where(e)}: \"{e.quote}\"" for e in step.plan_evidence]
    if d.plan_evidence:
        lines += ["", "From your plans:"] + [f"  - {line}" for line in plan_evidence_lines(d)]
    if d.anti_patterns:
        lines += ["", "Band-aids to avoid:"] + [f"  - {a}" for a in d.anti_patterns]
    if d.follow_up_questions:
        lines += ["", "To tell them apart, tell me:"] + [f"  ? {q}" for q in d.follow_up_questions]
    if d.would_change_if:
        lines += ["", d.would_change_if]
    for w in d.warnings:
        lines.append(f"warning: {w}")
    return "\n".join(lines)


@command("diagnose")
def cmd_diagnose(args: argparse.Namespace) -> int:
    from assistant.pipeline import diagnose

    if args.jsonl:
        return _diagnose_jsonl(args)
    if args.text is None:
        raise UserError("give the problem as TEXT, or - to read standard input, or use --jsonl")
    history = None
    if args.history:
        try:
            history = json.loads(Path(args.history).read_text(encoding="utf-8-sig"))  # Notepad writes a BOM
        except (OSError, json.JSONDecodeError) as exc:
            raise UserError(f"--history {args.history}: not a readable JSON file ({exc})") from exc
    result = diagnose(_read_text_arg(args.text), history=history, workspace=args.workspace,
                      engine=args.engine)
    print(result.model_dump_json(indent=2) if args.json else _render_diagnosis(result))
    return 0


def _diagnose_jsonl(args: argparse.Namespace) -> int:
    from assistant.pipeline import diagnose

    failures = 0
    for number, line in enumerate(sys.stdin, 1):
        if not line.strip():
            continue
        item = None
        try:
            item = json.loads(line)
            if not isinstance(item, dict):
                raise UserError("each line must be a JSON object with id and text")
            result = diagnose(item.get("text", ""), history=item.get("history"),
                              workspace=item.get("workspace", args.workspace), engine=args.engine)
            print(json.dumps({"id": item.get("id"), **result.model_dump(mode="json")}, ensure_ascii=False),
                  flush=True)
        except (json.JSONDecodeError, AssistantError) as exc:
            failures += 1
            case_id = item.get("id") if isinstance(item, dict) else None
            print(json.dumps({"id": case_id, "line": number, "error": str(exc)}), flush=True)
    return 0 if failures == 0 else 2


def _read_plan(value: str) -> tuple[str, str]:
    from assistant.config import get_settings
    from assistant.retrieval.readers import read_file

    if value == "-":
        return _read_text_arg("-"), "stdin.md"
    path = Path(value)
    if not path.exists():
        raise UserError(f"{value}: no such file")
    return read_file(path, get_settings().max_file_bytes), path.name


@command("critique")
def cmd_critique(args: argparse.Namespace) -> int:
    from assistant.critique import render_markdown
    from assistant.pipeline import critique

    text, name = _read_plan(args.file)
    against = _read_plan(args.against)[0] if args.against else None
    result = critique(text, against=against, workspace=args.workspace, save=args.save, source=name,
                      engine=args.engine)
    print(result.model_dump_json(indent=2) if args.json else render_markdown(result))
    return 0


@command("feedback")
def cmd_feedback(args: argparse.Namespace) -> int:
    from assistant import db

    if args.action == "export":
        rows = db.export_feedback(args.workspace)
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
        if args.out:
            Path(args.out).write_text(text, encoding="utf-8")
            print(f"wrote {len(rows)} case(s) to {args.out}", file=sys.stderr)
        else:
            print(text, end="")
        return 0
    _print_json(db.list_feedback(args.workspace))
    return 0


@command("data")
def cmd_data(args: argparse.Namespace) -> int:
    from assistant.retrieval.ingest import purge_workspace

    counts = purge_workspace(args.workspace)
    print(f"purged workspace '{args.workspace}': " + ", ".join(f"{v} {k}" for k, v in counts.items()))
    return 0


@command("reindex")
def cmd_reindex(args: argparse.Namespace) -> int:
    from assistant.retrieval.ingest import reindex

    report = reindex()
    print(f"rebuilt the index: {len(report.documents)} document(s), {report.added} chunks")
    return 0


@command("serve")
def cmd_serve(args: argparse.Namespace) -> int:
    import os

    from assistant.auth import check_bind, load_keys
    from assistant.config import get_settings

    keys = load_keys()
    check_bind(args.host, keys)
    settings = get_settings()
    if args.workers > 1 and not settings.chroma_host:
        raise UserError(
            "several workers cannot share one embedded Chroma directory (it has one writer): start "
            "a server with `chroma run --path DIR --port 8000` and set ASSISTANT_CHROMA_HOST=127.0.0.1"
        )
    if keys is None:
        print(f"no API keys configured: listening on {args.host} only (loopback)", file=sys.stderr)
    os.environ["ASSISTANT_SERVE_UI"] = "0" if args.no_ui else "1"
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    import uvicorn

    uvicorn.run("assistant.api:serve_app", factory=True, host=args.host, port=args.port,
                workers=args.workers, log_level="warning", timeout_graceful_shutdown=5,
                # the client is the peer: X-Forwarded-For from a local peer (uvicorn trusts
                # 127.0.0.1 by default) would let anyone pick their own rate-limit bucket. Behind
                # a real proxy, FORWARDED_ALLOW_IPS names the proxies to trust.
                proxy_headers=bool(os.environ.get("FORWARDED_ALLOW_IPS")))
    return 0


SCHEMAS = {"diagnosis": ("assistant.schema", "Diagnosis"),
           "critique": ("assistant.critique.schema", "PlanCritique")}


def schema_json(name: str) -> str:
    """The JSON Schema of a result model, as exported to docs/schema/."""
    import importlib

    module, cls = SCHEMAS[name]
    model = getattr(importlib.import_module(module), cls)
    return json.dumps(model.model_json_schema(), indent=2, sort_keys=True) + "\n"


@command("schema")
def cmd_schema(args: argparse.Namespace) -> int:
    print(schema_json(args.name), end="")
    return 0


@command("train")
def cmd_train(args: argparse.Namespace) -> int:
    from assistant.classifier.cue_types import train_cue_types_and_save
    from assistant.classifier.plan_cause import train_plan_cause_and_save
    from assistant.classifier.roles import train_roles_and_save
    from assistant.classifier.safety_training import train_safety_and_save
    from assistant.classifier.training import train_and_save

    clf = train_and_save()
    print(f"trained on {clf.info['train_size']} scenarios (temperature {clf.temperature:.2f}); "
          f"fingerprint {clf.fingerprint}")
    screen = train_safety_and_save()
    print(f"safety screen: {screen.info['train_size']} cases, {screen.info['terms']} terms; ordinary dev "
          f"descriptions escalated {screen.info['dev_alarms']:.1%}, given the note "
          f"{screen.info['dev_checked']:.1%}; fingerprint {screen.fingerprint}")
    roles = train_roles_and_save()
    print(f"sentence roles: {roles.info['train_sentences']} sentences; real holdout: sentence "
          f"accuracy {roles.info['holdout_sentence_accuracy']:.2f}, surface symptom "
          f"{roles.info['holdout_surface_accuracy']:.2f}; fingerprint {roles.fingerprint}")
    cues = train_cue_types_and_save()
    print(f"cue types: {cues.info['train_sentences']} sentences; real holdout: type accuracy "
          f"{cues.info['holdout_type_accuracy']:.2f}, category {cues.info['holdout_category_accuracy']:.2f}; "
          f"fingerprint {cues.fingerprint}")
    plans = train_plan_cause_and_save()
    print(f"plan cause model: {plans.info['train_plans']} plans; fingerprint {plans.fingerprint}")
    return 0


@command("eval")
def cmd_eval(args: argparse.Namespace) -> int:
    from assistant.evaluation import report, runner

    if args.compare:
        print(report.compare(Path(args.compare[0]), Path(args.compare[1])))
        return 0
    results, folder = runner.run(args.suite, args.engine, args.split,
                                 Path(args.cases) if args.cases else None,
                                 Path(args.out) if args.out else None,
                                 progress=not args.quiet and sys.stderr.isatty())  # no bar noise in logs
    print(report.markdown(results).split("\n## ")[0])
    for name, metrics in results["suites"].items():
        keys = [k for k, v in metrics.items() if isinstance(v, float)]
        print(f"{name}: " + ", ".join(f"{k}={metrics[k]:.3f}" for k in keys))
    print(f"report: {folder / 'report.md'}")
    failed = runner.failed_gates(results)
    for gate in failed:
        print(f"GATE FAILED: {gate['suite']}.{gate['metric']} = {gate['value']} < {gate['min']}",
              file=sys.stderr)
    return 1 if failed and not args.no_gates else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="assistant",
        description="Diagnose the root cause of organisational problems and critique plans.",
    )
    parser.add_argument("--version", action="version", version=f"assistant {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("config", help="show the effective settings (secrets masked)")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("ingest", help="index SOPs or plans (.md .txt .pdf .docx)")
    p.add_argument("paths", nargs="+")
    p.add_argument("--workspace", default="default")
    p.add_argument("--kind", choices=["framework", "plan"], default="plan")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("search", help="ranked chunks for a query")
    p.add_argument("query")
    p.add_argument("--workspace", default="default")
    p.add_argument("--k", type=int, default=5)
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("documents", help="list or delete a workspace's documents")
    p.add_argument("action", choices=["list", "delete"])
    p.add_argument("doc_id", nargs="?")
    p.add_argument("--workspace", default="default")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("diagnose", help="diagnose the root cause of a described problem")
    p.add_argument("text", nargs="?", help="the problem; - reads standard input")
    p.add_argument("--json", action="store_true", help="print the Diagnosis as JSON")
    p.add_argument("--jsonl", action="store_true", help='read {"id","text"} lines from stdin')
    p.add_argument("--engine", choices=["local", "llm"], default=None)
    p.add_argument("--workspace", default="default")
    p.add_argument("--history", help="JSON file with the conversation so far")

    p = sub.add_parser("critique", help="critique a plan (.md .txt .pdf .docx or - for stdin)")
    p.add_argument("file")
    p.add_argument("--json", action="store_true")
    p.add_argument("--engine", choices=["local", "llm"], default=None)
    p.add_argument("--against", help="an earlier version of the plan, to show what changed")
    p.add_argument("--save", action="store_true", help="index the plan into the workspace")
    p.add_argument("--workspace", default="default")

    sub.add_parser("train", help="retrain the embedded classifier and the safety screen")

    p = sub.add_parser("feedback", help="list stored feedback or export it as eval cases")
    p.add_argument("action", choices=["list", "export"])
    p.add_argument("--workspace", default=None)
    p.add_argument("--out", help="write the JSONL here instead of stdout")

    p = sub.add_parser("data", help="delete a workspace's documents, diagnoses and feedback")
    p.add_argument("action", choices=["purge"])
    p.add_argument("--workspace", required=True)

    sub.add_parser("reindex", help="rebuild the index from the SOPs and the stored documents")

    p = sub.add_parser("serve", help="serve the HTTP API and the web UI")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=7860)
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--no-ui", action="store_true", help="the API only (for scaled-out workers)")

    p = sub.add_parser("mcp", help="serve the assistant over MCP (stdio; --http PORT for HTTP)")
    p.add_argument("--http", type=int, metavar="PORT")
    p.add_argument("--host", default=None)

    p = sub.add_parser("schema", help="print the JSON Schema of a result (docs/schema/)")
    p.add_argument("name", choices=["diagnosis", "critique"])

    p = sub.add_parser("eval", help="run the eval suites and apply the gates")
    p.add_argument("--suite", default="all", choices=["diagnosis", "critique", "retrieval", "safety",
                                                      "conversations", "steps", "all"],
                   help="conversations: two-turn conversations (a thin first message, then the answer "
                        "that settles it; evals/conversations/); steps: does the first step act on the "
                        "case's cue (evals/step_relevance/); both with --split dev or holdout")
    p.add_argument("--engine", default="local", choices=["local", "llm"])
    p.add_argument("--split", default="test", choices=["train", "dev", "test", "holdout", "all",
                                                      "real-train", "real-dev", "real-holdout",
                                                      "independent"],
                   help="holdout: scenarios and plans written apart from the data the engines were built on; "
                        "real-dev, real-holdout: real people's descriptions (evals/real/, diagnosis only)")
    p.add_argument("--cases", help="a JSONL file of cases to run instead of the suite")
    p.add_argument("--out", help="run folder (default: DATA_DIR/eval-runs/...)")
    p.add_argument("--compare", nargs=2, metavar="RUN_DIR", help="compare two runs")
    p.add_argument("--no-gates", action="store_true", help="report gates but exit 0")
    p.add_argument("--quiet", action="store_true", help="no progress bar")

    for extra in EXTRA_PARSERS:
        extra(sub)
    return parser


EXTRA_PARSERS: list[Callable] = []


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit code."""
    raw = sys.argv[1:] if argv is None else list(argv)
    if raw[:1] == ["mcp"]:  # its options pass through to the MCP server untouched
        from assistant.mcp_server import main as mcp_main

        return mcp_main(raw[1:])
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0
