#!/usr/bin/env python3
"""Accuracy of production → source mapping on real corpora with ground truth.

usage: corpus_eval.py CORPORA_DIR TREES_DIR [CORPUS ...] [--engine auto|hyperscan|python] [--show N]

For each corpus (a directory of CORPORA_DIR holding logs.jsonl[.gz], truth.jsonl[.gz], score.py beside them),
the source tree TREES_DIR/<corpus> is indexed with `StatementIndex.build`, the logs are mapped with `Matcher`
exactly as `prodlens map` does, and the predictions are scored with the corpora's own `score.py` (imported from
CORPORA_DIR, so the scoring logic is theirs, not ours). Prints one table row per corpus, then score.py's detail.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import io
import json
import os
import sys
import tempfile
import time
from contextlib import redirect_stdout
from pathlib import Path

from prodlens.matching.matcher import Matcher
from prodlens.matching.records import read_records
from prodlens.source.index import StatementIndex


def _open(path: Path):
    if not path.exists() and path.with_name(path.name + ".gz").exists():
        path = path.with_name(path.name + ".gz")
    return gzip.open(path, "rb") if path.suffix == ".gz" else open(path, "rb")


def _load_scorer(corpora: Path):
    spec = importlib.util.spec_from_file_location("corpus_score", corpora / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def predict(corpus_dir: Path, tree: Path, engine: str) -> tuple[list[dict], dict]:
    started = time.perf_counter()
    index = StatementIndex.build(tree, use_cache=False)
    built = time.perf_counter()
    with tempfile.TemporaryDirectory() as cache:
        matcher = Matcher(index.statements, root=tree, cache_dir=cache, engine=engine)
        ready = time.perf_counter()
        with _open(corpus_dir / "logs.jsonl") as handle:
            results = list(read_records(handle, fmt="jsonl"))
        records = [r.record for r in results if r.record is not None]
        mapped = time.perf_counter()
        matches = matcher.match_many(records)
        done = time.perf_counter()
    out: list[dict] = []
    matched = iter(matches)
    for result in results:
        if result.record is None:
            out.append({"path": None, "line": None, "end_line": None, "candidates": 0})
            continue
        match = next(matched)
        statement = matcher.statement(match.key) if match.key else None
        if statement is None:
            out.append({"path": None, "line": None, "end_line": None, "candidates": match.candidates})
        else:
            out.append({"path": statement.path, "line": statement.line, "end_line": statement.end_line,
                        "candidates": match.candidates})
    timing = {
        "statements": len(index.statements),
        "index_s": built - started,
        "compile_s": ready - built,
        "read_s": mapped - ready,
        "match_s": done - mapped,
        "records": len(results),
        "engine": matcher.engine.name,
    }
    return out, timing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpora", type=Path)
    parser.add_argument("trees", type=Path)
    parser.add_argument("names", nargs="*")
    parser.add_argument("--engine", default="auto", choices=("auto", "hyperscan", "python"))
    parser.add_argument("--show", type=int, default=15)
    parser.add_argument("--save", type=Path, help="directory to keep predictions in (<corpus>.jsonl)")
    args = parser.parse_args(argv)
    scorer = _load_scorer(args.corpora)
    names = args.names or sorted(p.name for p in args.corpora.iterdir() if (p / "SOURCE.md").exists())
    rows = []
    details = []
    for name in names:
        tree = args.trees / name
        if not tree.is_dir():
            print(f"skipping {name}: no source tree at {tree}", file=sys.stderr)
            continue
        predictions, timing = predict(args.corpora / name, tree, args.engine)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "pred.jsonl"
            path.write_text("".join(json.dumps(p) + "\n" for p in predictions))
            if args.save:
                args.save.mkdir(parents=True, exist_ok=True)
                (args.save / f"{name}.jsonl").write_text(path.read_text())
            buffer = io.StringIO()
            with redirect_stdout(buffer):
                scorer.main([str(args.corpora / name), str(path), "--show", str(args.show)])
        text = buffer.getvalue()
        details.append(text)
        fields = {}
        for line in text.splitlines():
            if ":" in line and line.split(":", 1)[0].strip() in ("accuracy", "precision", "unmatched", "ambiguous"):
                key, value = line.split(":", 1)
                fields[key.strip()] = value.split()[0]
        rows.append((name, timing, fields))
    print(f"{'corpus':<24} {'records':>8} {'stmts':>7} {'accuracy':>9} {'precision':>9} {'unmatched':>9} "
          f"{'ambiguous':>9} {'index s':>8} {'match rec/s':>11} engine")
    for name, timing, fields in rows:
        rate = timing["records"] / timing["match_s"] if timing["match_s"] else 0
        print(f"{name:<24} {timing['records']:>8} {timing['statements']:>7} {fields.get('accuracy', '?'):>9} "
              f"{fields.get('precision', '?'):>9} {fields.get('unmatched', '?'):>9} {fields.get('ambiguous', '?'):>9} "
              f"{timing['index_s']:>8.1f} {rate:>11,.0f} {timing['engine']}")
    print()
    for text in details:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
