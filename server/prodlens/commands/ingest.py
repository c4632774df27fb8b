"""`prodlens ingest [FILE|DIR|-]...`: count production log records per statement into the embedded store.

A thin wrapper over `prodlens.ingest.pipeline.ingest`. The progress line goes to stderr and only when stderr is
a terminal; the summary goes to stdout (`--json` for machines). Running it again on the same files counts
nothing twice (per-file checkpoints); `--follow` keeps reading like `tail -F` until interrupted.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path
from typing import TextIO

from ..skip_reasons import by_kind

FORMATS = ("auto", "jsonl", "otlp", "logfmt", "pattern", "text")
INTERRUPTED = 130  # the shell's code for a command stopped by Ctrl-C


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "ingest",
        help="count log records per statement into the embedded store",
        description="Read log files, directories (every file in them, oldest first) or stdin (-), match each "
        "record to the log statement that wrote it, and store counts, recent samples (redacted) and unmatched "
        "message shapes in the embedded store (ROOT/.prodlens/store.db by default). Re-running on the same "
        "files counts nothing twice.",
    )
    parser.add_argument("inputs", nargs="*", metavar="FILE|DIR|-", help="log files, directories, or - for stdin "
                        "(default: stdin)")
    parser.add_argument("--root", default=".", help="the source tree whose statements records are matched to "
                        "(default: the current directory)")
    parser.add_argument("--store", help="the SQLite store file (default: from the configuration, "
                        "ROOT/.prodlens/store.db)")
    parser.add_argument("--follow", "-f", action="store_true",
                        help="keep reading like `tail -F`: survive rotation and truncation, pick up new files "
                        "in directories; stop with Ctrl-C")
    parser.add_argument("--format", default="auto", choices=FORMATS, help="record format (default: auto)")
    parser.add_argument("--pattern", help="plain-text layout: log4j PatternLayout, Python logging format, or a "
                        "regex with named groups")
    parser.add_argument("--service", help="service name for records that carry none")
    parser.add_argument("--version", dest="release", metavar="VERSION",
                        help="release/commit for records that carry none")
    parser.add_argument("--retention", help="keep this much history, e.g. 30d (default: ingest.retention)")
    parser.add_argument("--batch", type=int, default=20_000, metavar="N",
                        help="records per transaction (default 20000): larger is faster, smaller commits sooner")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.set_defaults(run=run)


class _Progress:
    """One line on a terminal: bytes, records, rate; redrawn at most five times a second."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.started = time.monotonic()
        self.drawn = False

    def __call__(self, summary, done: int, total: int) -> None:
        elapsed = max(time.monotonic() - self.started, 1e-6)
        rate = summary.records / elapsed
        if total:
            width = 24
            filled = min(width, width * done // total)
            bar = f"[{'#' * filled}{'.' * (width - filled)}] {_mb(done)}/{_mb(total)} "
        else:
            bar = f"{_mb(done)} "
        self.stream.write(f"\ringesting {bar}{summary.records:,} records  {rate:,.0f}/s  ")
        self.stream.flush()
        self.drawn = True

    def clear(self) -> None:
        if self.drawn:
            columns = shutil.get_terminal_size((80, 24)).columns
            self.stream.write("\r" + " " * (columns - 1) + "\r")
            self.stream.flush()


def _mb(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB"


def format_summary(summary, store: Path) -> str:
    lines = [
        f"{summary.records:,} records in {summary.seconds:.2f} s ({summary.rate:,.0f} records/s) → {store}",
        f"  matched    {summary.matched:>12,}",
        f"  ambiguous  {summary.ambiguous:>12,}",
        f"  unmatched  {summary.unmatched:>12,}",
        f"  skipped    {summary.skipped:>12,}",
    ]
    if summary.expired:
        lines.append(f"  older than the retention (not stored): {summary.expired:,}")
    if summary.rematched:
        lines.append(f"  previously unmatched records now attributed to statements: {summary.rematched:,}")
    for reason, count in by_kind(summary.skip_reasons):  # (the same kinds `prodlens map` warns about)
        lines.append(f"  skipped {count:,}: {reason}")
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    from ..config import load_config, store_path
    from ..ingest.pipeline import IngestOptions, ingest
    from ..matching.records import FormatError
    from ..model import parse_window
    from ..streaming import tune_for_streaming
    from ..stores.base import StoreError
    from ..stores.redact import redactor_from_config

    root = Path(args.root)
    if not root.is_dir():
        print(f"prodlens ingest: --root {args.root}: not a directory", file=sys.stderr)
        return 2
    if args.retention:
        try:
            parse_window(args.retention)
        except ValueError as exc:
            print(f"prodlens ingest: --retention: {exc}", file=sys.stderr)
            return 2
    config = load_config(root)
    try:
        redactor_from_config(config.ingest)  # a bad extra pattern is refused before the index is built
    except ValueError as exc:
        print(f"prodlens ingest: {exc}", file=sys.stderr)
        return 2
    store = Path(args.store) if args.store else store_path(config, root)
    if store is None:
        print(f"prodlens ingest: store.url {config.store.url!r} is a remote store; `prodlens ingest` fills the "
              "embedded store only (pass --store PATH)", file=sys.stderr)
        return 2
    options = IngestOptions(fmt=args.format, pattern=args.pattern, service=args.service, version=args.release,
                            follow=args.follow, retention=args.retention, batch_records=max(1, args.batch))
    inputs = args.inputs or ["-"]
    if "-" in inputs and sys.stdin.isatty():
        print("prodlens ingest: reading log lines from the terminal (end with Ctrl-D; pass files or pipe logs in)",
              file=sys.stderr)
    progress = _Progress(sys.stderr) if sys.stderr.isatty() else None
    told: set[str] = set()

    def tell(message: str) -> None:
        """A problem met while following, printed now: a followed run may not end for days."""
        told.add(message)
        if progress:
            progress.clear()
        print(f"prodlens ingest: {message}", file=sys.stderr, flush=True)

    try:
        summary = ingest(inputs, root=root, config=config, store=store, options=options,
                         progress=progress, before_reading=tune_for_streaming, notify=tell)
    except StoreError as exc:
        if progress:
            progress.clear()
        print(f"prodlens ingest: {exc}", file=sys.stderr)
        return 1
    except FormatError as exc:
        if progress:
            progress.clear()
        print(f"prodlens ingest: {exc}", file=sys.stderr)
        return 1
    if progress:
        progress.clear()
    if args.json:
        print(json.dumps({"store": str(store), **summary.to_json()}))
    else:
        sys.stdout.write(format_summary(summary, store))
    for error in summary.errors:
        if error not in told:
            print(f"prodlens ingest: {error}", file=sys.stderr)
    if summary.interrupted:
        print("prodlens ingest: interrupted before the end of the input; what was counted is committed, and the "
              "next run continues each file from its checkpoint", file=sys.stderr)
        return INTERRUPTED
    return 1 if summary.errors else 0
