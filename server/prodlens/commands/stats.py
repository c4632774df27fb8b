"""`prodlens stats`: which statements production hit in the window, which it never hit, and which production
lines no statement explains.

A thin wrapper over the index and the `Store` interface (`counts`), plus the embedded store's extras
(`unmatched`, `totals`). With `--json`, every indexed statement is listed, zeros included, so scripts and CI can
diff it.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

DEFAULT_LIMIT = 40
TEMPLATE_WIDTH = 60


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "stats",
        help="statements by production hits, statements never hit, top unmatched messages",
        description="Statements by their hit count in the window (with the previous window and the trend), "
        "statements never hit, and the most frequent messages no statement explains.",
    )
    parser.add_argument("--root", default=".", help="the source tree (default: the current directory)")
    parser.add_argument("--store", help="the SQLite store file (default: from the configuration)")
    parser.add_argument("--window", help="15m, 1h, 24h, 7d, 30d (default: the configured window, 24h)")
    parser.add_argument("--limit", type=int, default=DEFAULT_LIMIT,
                        help=f"rows per table in the human output (default {DEFAULT_LIMIT}; --json lists all)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(run=run)


def _one_line(text: str, width: int) -> str:
    text = text.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    return text if len(text) <= width else text[: width - 1] + "…"


def collect(root: Path, config, store, window: str) -> dict:
    """The stats as one JSON-ready object (what `--json` prints)."""
    from ..source.index import StatementIndex
    from ..stores.base import TimeRange

    index = StatementIndex.build(root, config)
    statements = list(index.statements)
    time_range = TimeRange.ending_now(window)
    counts = store.counts(statements, time_range)
    rows = []
    for s in statements:
        c = counts[s.key]
        rows.append({
            "key": s.key, "path": s.path, "line": s.line, "end_line": s.end_line, "level": s.level,
            "template": s.template.text, "count": c.total, "previous": c.previous, "ambiguous": c.ambiguous,
        })
    rows.sort(key=lambda r: (-r["count"], -r["previous"], r["path"], r["line"]))
    unmatched = []
    totals: dict[str, int] = {}
    if hasattr(store, "unmatched"):
        unmatched = [{"example": u.example, "count": u.count, "shape": u.shape}
                     for u in store.unmatched(limit=100, time_range=time_range)]
        totals = store.totals()
    data = {"window": window, "statements": rows, "unmatched": unmatched, "totals": totals}
    warning = _stale_warning(store, statements)
    if warning:
        data["_warning"] = warning
    return data


def _stale_warning(store, statements) -> str | None:
    """A store matched against other statements (another --root, or the source changed since the last ingest)
    shows their counts as zeros here: say so, rather than list every statement as never hit."""
    from ..stores.sqlite import statement_set_hash

    if not hasattr(store, "statement_set_hash"):
        return None
    stored = store.statement_set_hash()
    if stored is None or stored == statement_set_hash(statements):
        return None
    return (f"{store.path}: the store's counts were matched against a different set of statements (another "
            "--root, or the source changed since the last ingest); statements that are new here show 0 — run "
            "`prodlens ingest` with this --root to re-match")


def format_human(data: dict, limit: int) -> str:
    from ..lsp.render import humanize, trend

    window = data["window"]
    hit = [r for r in data["statements"] if r["count"] > 0]
    never = [r for r in data["statements"] if r["count"] == 0]
    lines = [f"Statements hit in the last {window} ({len(hit)} of {len(data['statements'])}):"]
    if hit:
        lines.append(f"  {'HITS':>7} {'PREV':>7} {'TREND':>6}  {'LEVEL':<5}  {'LOCATION':<40}  TEMPLATE")
    for r in hit[:limit]:
        change = trend(r["count"], r["previous"]) or ("new" if r["previous"] == 0 else "=")
        ambiguous = f"  ({humanize(r['ambiguous'])} ambiguous)" if r["ambiguous"] else ""
        location = f"{r['path']}:{r['line']}"
        lines.append(f"  {humanize(r['count']):>7} {humanize(r['previous']):>7} {change:>6}  "
                     f"{(r['level'] or '?'):<5}  {location:<40}  {_one_line(r['template'], TEMPLATE_WIDTH)}"
                     f"{ambiguous}")
    if len(hit) > limit:
        lines.append(f"  … and {len(hit) - limit} more (--limit, or --json for all)")
    lines.append("")
    lines.append(f"Never hit in the last {window} ({len(never)}):")
    for r in never[:limit]:
        lines.append(f"  {(r['level'] or '?'):<5}  {r['path'] + ':' + str(r['line']):<40}  "
                     f"{_one_line(r['template'], TEMPLATE_WIDTH)}")
    if len(never) > limit:
        lines.append(f"  … and {len(never) - limit} more")
    if data["unmatched"]:
        lines.append("")
        lines.append(f"Messages no statement explains, last {window} (top {min(limit, len(data['unmatched']))}):")
        for u in data["unmatched"][:limit]:
            lines.append(f"  {humanize(u['count']):>7}  {_one_line(u['example'], 100)}")
    totals = data["totals"]
    if totals:
        lines.append("")
        lines.append("Store totals (all time): " + ", ".join(
            f"{name} {totals.get(name, 0):,}" for name in ("records", "matched", "ambiguous", "unmatched", "skipped")))
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    from ..config import load_config
    from ..model import parse_window
    from ..stores.base import StoreError
    from ..stores.registry import open_store
    from ..stores.sqlite import SqliteStore

    root = Path(args.root)
    if not root.is_dir():
        print(f"prodlens stats: --root {args.root}: not a directory", file=sys.stderr)
        return 2
    config = load_config(root)
    window = args.window or config.window
    try:
        parse_window(window)
    except ValueError as exc:
        print(f"prodlens stats: --window: {exc}", file=sys.stderr)
        return 2
    if args.store:
        store = SqliteStore(Path(args.store), dashboard_host=config.dashboard.host,
                            dashboard_port=config.dashboard.port)
    else:
        store = open_store(config, root)
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="replace")
    try:
        data = collect(root, config, store, window)
    except StoreError as exc:
        print(f"prodlens stats: {exc}", file=sys.stderr)
        return 1
    finally:
        store.close()
    warning = data.pop("_warning", None)
    if warning:
        print(f"prodlens stats: warning: {warning}", file=sys.stderr)
    if args.json:
        json.dump(data, sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(format_human(data, max(1, args.limit)))
    return 0
