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

    for extra in EXTRA_PARSERS:
        extra(sub)
    return parser


EXTRA_PARSERS: list[Callable] = []


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit code."""
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
