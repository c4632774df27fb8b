"""Index benchmark: cold index, warm (cached) start and one-file re-index, against raw tree-sitter in the same run.

Usage::

    python benchmarks/index_bench.py TREE [TREE ...] [--edits 200] [--no-prefilter-check]

Each TREE is a source tree (any mix of Java, Python, JavaScript/TypeScript, Go). Getting real large trees:

- CPython's standard library, already installed:
  `python3 -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])'` (with `--exclude site-packages/`, which
  holds installed packages, not the standard library)
- Java from Debian source packages: add a `deb-src` line for bookworm to a file under
  `/etc/apt/sources.list.d/`, `apt-get update`, then in a scratch directory `apt-get source tomcat10`
  (or `activemq`, `jetty9`); or a git checkout of Apache ActiveMQ.
- JavaScript from npm: `npm pack express pino winston` in a scratch directory and unpack the tarballs, or
  any project's `node_modules`.

Columns:
- files, MB: the files the index reads (gitignore, globs and size limit applied; languages without an installed
  extractor left out of every column).
- raw parse+query: read every file, parse it with tree-sitter and run one trivial query for calls — the floor
  any tree-sitter index pays. This is the baseline, measured in the same run as the rest.
- cold: `StatementIndex.build` with an empty cache (walk, read, hash, prefilter, parse, extract, wrappers, keys).
- warm: `StatementIndex.build` again with the cache written by the cold run.
- re-index p50/p99: `update_file` after a one-line edit of the file nearest 3,000 lines, alternating between
  two versions of one message line; the raw incremental re-parse (`Tree.edit` + `parse(new, old_tree)`) of the
  same edits is the baseline.
Budgets (docs/benchmarks.md): cold ≤ 2 × raw and ≤ 1 s per 1,000 Java files / 7.5 MB; warm ≤ 0.1 s;
re-index ≤ 2 ms.

The caches go to a temporary directory, never into the measured tree.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from prodlens.config import IndexConfig
from prodlens.source.index import StatementIndex, _available_extractor, compute_edit
from prodlens.source.languages import grammar, new_parser
from prodlens.source.walk import walk_tree

import tree_sitter

# the trivial query of the baseline: every call expression
CALL_QUERIES = {
    "java": "(method_invocation) @call",
    "python": "(call) @call",
    "javascript": "(call_expression) @call",
    "typescript": "(call_expression) @call",
    "tsx": "(call_expression) @call",
    "go": "(call_expression) @call",
}


def indexable_files(root: Path, config: IndexConfig):
    walked = walk_tree(root, config)
    return [f for f in walked.files if _available_extractor(f.language) is not None]


def raw_parse_query(files) -> tuple[float, int]:
    parsers: dict[str, tree_sitter.Parser] = {}
    queries: dict[str, tree_sitter.Query] = {}
    captured = 0
    started = time.perf_counter()
    for f in files:
        with open(f.abs_path, "rb") as handle:
            data = handle.read()
        parser = parsers.get(f.language)
        if parser is None:
            parser = parsers[f.language] = new_parser(f.language)
            queries[f.language] = tree_sitter.Query(grammar(f.language), CALL_QUERIES[f.language])
        tree = parser.parse(data)
        captured += len(tree_sitter.QueryCursor(queries[f.language]).captures(tree.root_node).get("call", ()))
    return time.perf_counter() - started, captured


def pick_edit_file(files, target_lines: int = 3000):
    best, best_gap = None, None
    for f in files:
        if f.size < 20_000:
            continue
        with open(f.abs_path, "rb") as handle:
            lines = handle.read().count(b"\n")
        gap = abs(lines - target_lines)
        if best_gap is None or gap < best_gap:
            best, best_gap = (f, lines), gap
    return best


def reindex_times(root: Path, config: IndexConfig, edit_file, edits: int, cache_dir: str):
    source_file, _ = edit_file
    index = StatementIndex.build(root, config, cache_dir=cache_dir)
    text = Path(source_file.abs_path).read_bytes()
    statements = index.update_file(source_file.rel_path, text)
    # the one-line edit: a character inserted into a logged message when there is one (so the statement really
    # changes), else into the middle line
    lines = text.split(b"\n")
    target, position = _edit_point(lines, statements)
    line = lines[target]
    edited_line = line[:position] + b"X" + line[position:]
    variants = [text, b"\n".join(lines[:target] + [edited_line] + lines[target + 1:])]
    # the one-file re-index
    timings = []
    gc.collect()
    before = index.report.member_updates
    for i in range(edits):
        new = variants[(i + 1) % 2]
        started = time.perf_counter()
        index.update_file(source_file.rel_path, new)
        timings.append(time.perf_counter() - started)
    # baseline: tree-sitter's own incremental re-parse of the same edits
    parser = new_parser(source_file.language)
    tree = parser.parse(variants[0])
    raw = []
    for i in range(edits):
        old, new = variants[i % 2], variants[(i + 1) % 2]
        started = time.perf_counter()
        tree.edit(**compute_edit(old, new))
        tree = parser.parse(new, tree)
        raw.append(time.perf_counter() - started)
    return timings, raw, index.report.member_updates - before


def _edit_point(lines: list[bytes], statements) -> tuple[int, int]:
    """Where to type: just inside the opening quote of a logged message near the middle of the file (so the
    statement really changes), else at the end of the middle line."""
    ordered = sorted(statements, key=lambda s: abs(s.range.start_line - len(lines) // 2))
    for statement in ordered:
        for row in range(statement.range.start_line, statement.range.end_line + 1):
            line = lines[row]
            quotes = [i for i in (line.find(b'"'), line.find(b"'")) if i >= 0]
            if quotes and not line[min(quotes):].startswith((b'"""', b"'''")):
                return row, min(quotes) + 1
    middle = len(lines) // 2
    return middle, len(lines[middle])


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def bench_tree(root: Path, edits: int, prefilter_check: bool, exclude: list[str]) -> dict:
    config = IndexConfig(exclude=list(exclude))
    files = indexable_files(root, config)
    megabytes = sum(f.size for f in files) / 1e6
    languages = sorted({f.language for f in files})
    raw_seconds, calls = raw_parse_query(files)
    with tempfile.TemporaryDirectory(prefix="prodlens-bench-") as cache_dir:
        gc.collect()
        started = time.perf_counter()
        cold = StatementIndex.build(root, config, cache_dir=cache_dir)
        cold_seconds = time.perf_counter() - started
        started = time.perf_counter()
        cold.save()
        save_seconds = time.perf_counter() - started
        gc.collect()
        started = time.perf_counter()
        warm = StatementIndex.build(root, config, cache_dir=cache_dir)
        warm_seconds = time.perf_counter() - started
        same = warm.statements == cold.statements and warm.report.cache == "loaded"
        checked = None
        if prefilter_check:
            unfiltered = StatementIndex.build(root, config, use_cache=False, prefilter=False)
            checked = unfiltered.statements == cold.statements
        edit_file = pick_edit_file(files)
        reindex = raw_reindex = None
        member_updates = 0
        if edit_file is not None and edits:
            reindex, raw_reindex, member_updates = reindex_times(root, config, edit_file, edits, cache_dir)
    report = cold.report
    return {
        "tree": root.name or str(root),
        "languages": ",".join(languages),
        "files": len(files),
        "mb": megabytes,
        "parsed": report.parsed,
        "statements": report.statements,
        "raw": raw_seconds,
        "calls": calls,
        "cold": cold_seconds,
        "save": save_seconds,
        "warm": warm_seconds,
        "warm_same": same,
        "prefilter_same": checked,
        "edit_file": f"{edit_file[0].rel_path} ({edit_file[1]} lines)" if edit_file else "-",
        "reindex": reindex,
        "raw_reindex": raw_reindex,
        "member_updates": member_updates,
        "edits": edits,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("trees", nargs="+", type=Path)
    parser.add_argument("--edits", type=int, default=200, help="one-line edits timed per tree (default 200)")
    parser.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                        help="gitignore-style glob left out of every tree (repeatable), e.g. site-packages/")
    parser.add_argument("--no-prefilter-check", action="store_true",
                        help="skip the extra unfiltered build that checks the prefilter loses no statement")
    args = parser.parse_args(argv)
    print(f"python {sys.version.split()[0]}, tree-sitter {tree_sitter.__version__ if hasattr(tree_sitter, '__version__') else '?'}, "
          f"{os.cpu_count()} CPUs")
    header = ("tree", "lang", "files", "MB", "stmts", "raw parse+query", "cold", "cold/raw", "warm",
              "re-index p50/p99", "raw re-parse p50/p99")
    rows = []
    for tree in args.trees:
        if not tree.is_dir():
            print(f"{tree}: not a directory", file=sys.stderr)
            return 2
        result = bench_tree(tree.resolve(), args.edits, not args.no_prefilter_check, args.exclude)
        reindex = result["reindex"]
        raw_reindex = result["raw_reindex"]
        rows.append((
            result["tree"], result["languages"], str(result["files"]), f"{result['mb']:.1f}",
            str(result["statements"]), f"{result['raw']:.2f} s", f"{result['cold']:.2f} s",
            f"{result['cold'] / result['raw']:.2f}×" if result["raw"] else "-",
            f"{result['warm'] * 1000:.0f} ms",
            f"{percentile(reindex, .5) * 1000:.2f}/{percentile(reindex, .99) * 1000:.2f} ms" if reindex else "-",
            f"{percentile(raw_reindex, .5) * 1000:.2f}/{percentile(raw_reindex, .99) * 1000:.2f} ms"
            if raw_reindex else "-",
        ))
        print(f"  {result['tree']}: parsed {result['parsed']} of {result['files']} files (the rest prefiltered), "
              f"cache save {result['save'] * 1000:.0f} ms, warm result identical: {result['warm_same']}, "
              f"prefilter lost nothing: {result['prefilter_same']}, edited: {result['edit_file']} "
              f"({result['member_updates']} of {result['edits']} edits re-extracted one member)",
              flush=True)
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    print()
    print(" | ".join(h.ljust(w) for h, w in zip(header, widths)))
    print("-|-".join("-" * w for w in widths))
    for row in rows:
        print(" | ".join(c.ljust(w) for c, w in zip(row, widths)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
