"""`prodlens show FILE`: the file in the terminal with each statement's lens above it.

The text is what the editor shows, made by the same functions (`lsp.counts` + `lsp.render.lens_title`), so a
newcomer or a CI job sees the result without an editor.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("show", help="print a file with each log statement's production counts above it")
    parser.add_argument("file", help="a source file")
    parser.add_argument("--root", help="workspace root (default: nearest folder with .prodlens.toml, .prodlens "
                        "or .git, else the current directory)")
    parser.add_argument("--window", help="time window: 15m, 1h, 24h, 7d, 30d (default: the configured one)")
    parser.add_argument("--json", action="store_true", help="print one JSON object per statement instead")
    parser.set_defaults(run=run)


def find_root(file: Path) -> Path:
    from ..config import marked_project_root

    marked = marked_project_root(file)
    if marked is not None:
        return marked
    cwd = Path.cwd().resolve()
    return cwd if cwd in file.parents else file.parent


def lens_texts(root: Path, rel: str, text: str, config) -> list[tuple]:
    """(statement, lens title) for every statement of the file, exactly as the language server titles them."""
    from ..lsp.counts import CountCache, StoreHandle, fetch_counts
    from ..source.index import StatementIndex

    index = StatementIndex.build(root, config)
    statements = sorted(index.update_file(rel, text), key=lambda s: (s.range.start_line, s.range.start_column))
    cache = CountCache(config.window, config.ingest.retention)
    handle = StoreHandle(config, root)
    try:
        cache.apply(fetch_counts(handle, statements, cache.window, cache.retention))
    finally:
        handle.reset()
    from ..lsp.render import lens_title

    return [(s, lens_title(cache.state(s.key), mention_problem=(n == 0))) for n, s in enumerate(statements)]


def run(args: argparse.Namespace) -> int:
    from ..config import load_config
    from ..lsp.render import show_lines
    from ..model import WINDOWS

    file = Path(args.file).resolve()
    if not file.is_file():
        print(f"prodlens show: {args.file}: no such file", file=sys.stderr)
        return 1
    root = Path(args.root).resolve() if args.root else find_root(file)
    try:
        rel = file.relative_to(root).as_posix()
    except ValueError:
        print(f"prodlens show: {args.file} is not inside the root {root}", file=sys.stderr)
        return 2
    config = load_config(root)
    if args.window:
        if args.window not in WINDOWS:
            print(f"prodlens show: --window must be one of {', '.join(WINDOWS)}", file=sys.stderr)
            return 2
        config.window = args.window
    text = file.read_text(encoding="utf-8", errors="replace")
    items = lens_texts(root, rel, text, config)
    if args.json:
        for statement, title in items:
            print(json.dumps({"line": statement.line, "key": statement.key, "lens": title,
                              "template": statement.template.text, "level": statement.level}))
        return 0
    for line in show_lines(text, items):
        print(line)
    if not items:
        print(f"prodlens show: no log statements found in {rel}", file=sys.stderr)
    return 0
