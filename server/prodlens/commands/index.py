"""`prodlens index [ROOT] [--json]`: every log statement of a tree, as a table or as JSON.

A thin wrapper over `StatementIndex.build` + `save`: the same index the language server uses, so what this
prints is what the editor will annotate. The table goes to stdout, the progress bar to stderr and only when
stderr is a terminal (so pipes and CI logs stay clean).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path
from typing import TextIO

TEMPLATE_WIDTH = 80


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "index",
        help="find every log statement in a source tree",
        description="Find every log statement in ROOT and print path:line, level, template and framework, "
        "followed by a summary per language and framework and the files skipped (and why). The result is "
        "cached under ROOT/.prodlens/index/ so the next run (and the language server) starts warm.",
    )
    parser.add_argument("root", nargs="?", default=".", help="the source tree (default: the current directory)")
    parser.add_argument("--json", action="store_true",
                        help="print a JSON array with one object per statement instead of the table")
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write the index cache")
    parser.set_defaults(run=run)


class _ProgressBar:
    """A one-line bar on a terminal, redrawn at most every 0.1 s (redrawing per file would cost more than
    indexing small files)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.last = 0.0
        self.drawn = False

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done != total and now - self.last < 0.1:
            return
        self.last = now
        width = 30
        filled = width * done // total if total else width
        self.stream.write(f"\rindexing [{'#' * filled}{'.' * (width - filled)}] {done}/{total} files")
        self.stream.flush()
        self.drawn = True

    def clear(self) -> None:
        if self.drawn:
            columns = shutil.get_terminal_size((80, 24)).columns
            self.stream.write("\r" + " " * (columns - 1) + "\r")
            self.stream.flush()


def _one_line(text: str, width: int) -> str:
    text = text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    return text if len(text) <= width else text[: width - 1] + "…"


def format_table(statements, report) -> str:
    """The human table: one row per statement, then the summary."""
    rows = [(f"{s.path}:{s.line}", s.level or "?", _one_line(s.template.text, TEMPLATE_WIDTH), s.framework)
            for s in statements]
    lines: list[str] = []
    if rows:
        widths = [max(len(r[i]) for r in rows) for i in range(3)]
        widths = [min(widths[0], 70), max(widths[1], 5), min(widths[2], TEMPLATE_WIDTH)]
        for location, level, template, framework in rows:
            lines.append(f"{location:<{widths[0]}}  {level:<{widths[1]}}  {template:<{widths[2]}}  {framework}"
                         .rstrip())
        lines.append("")
    lines.extend(format_summary(report))
    return "\n".join(lines) + "\n"


def format_summary(report) -> list[str]:
    lines = [f"{report.statements} statements in {report.files_indexed} files ({report.seconds:.2f} s, "
             f"cache: {report.cache})"]
    for language, counts in report.languages.items():
        lines.append(f"  {language:<12} {counts['files']:>6} files {counts['statements']:>7} statements")
    if report.frameworks:
        frameworks = ", ".join(f"{name} {count}" for name, count in
                               sorted(report.frameworks.items(), key=lambda kv: (-kv[1], kv[0])))
        lines.append(f"  frameworks: {frameworks}")
    if report.skipped:
        skipped = ", ".join(f"{reason} {count}" for reason, count in sorted(report.skipped.items()))
        lines.append(f"skipped: {skipped}")
    if report.missing_extractors:
        missing = ", ".join(f"{lang} ({count} files)" for lang, count in sorted(report.missing_extractors.items()))
        lines.append(f"no extractor installed for: {missing}")
    if report.syntax_error_files:
        lines.append(f"{report.syntax_error_files} files have syntax errors (the parts that parse were indexed)")
    if report.replaced_utf8_files:
        lines.append(f"{report.replaced_utf8_files} files have invalid UTF-8 (decoded with replacement)")
    for path, error in report.errors[:20]:
        lines.append(f"error: {path}: {error}")
    if len(report.errors) > 20:
        lines.append(f"... and {len(report.errors) - 20} more errors")
    return lines


def run(args: argparse.Namespace) -> int:
    from ..config import load_config
    from ..source.index import StatementIndex

    root = Path(args.root)
    if not root.is_dir():
        print(f"prodlens index: {args.root}: not a directory", file=sys.stderr)
        return 2
    config = load_config(root)
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="replace")  # source text may hold lone surrogates or odd characters
    progress = _ProgressBar(sys.stderr) if sys.stderr.isatty() else None
    try:
        index = StatementIndex.build(root, config, progress=progress, use_cache=False if args.no_cache else None)
    except OSError as exc:
        print(f"prodlens index: {exc}", file=sys.stderr)
        return 1
    finally:
        if progress is not None:
            progress.clear()
    if not args.no_cache:
        index.save()
    statements = index.statements
    report = index.report
    if args.json:
        # one object per line: a valid JSON array that is also easy to grep
        sys.stdout.write("[\n" + ",\n".join(json.dumps(s.to_json()) for s in statements) + "\n]\n"
                         if statements else "[]\n")
    else:
        sys.stdout.write(format_table(statements, report))
    return 0
