"""Java and Go extraction benchmark: what the extractors add on top of tree-sitter, measured in the same run.

Usage::

    python benchmarks/extract_bench.py TREE [TREE ...] [--repeat 3]

For every `.java` and `.go` file of each TREE (no prefilter, no cache: every file is parsed and extracted) it
prints, per tree and language:

- parse: parse every file, nothing else;
- raw parse+query: parse every file and run one trivial query (`(method_invocation) @c` / `(call_expression) @c`)
  — the floor any tree-sitter index pays, the baseline (it materialises every call, so it can cost more than the
  extractor's filtered query);
- parse+extract: parse every file and run the extractor (candidate query, receiver checks, templates, wrappers);
- ratio to the baseline, and what extraction adds to parsing per 1,000 files;
- the largest file: extract time alone on its already-parsed tree (what re-indexing that file costs on top of
  tree-sitter's incremental re-parse).

Times are the best of `--repeat` runs (the machine is shared; the best run is the least disturbed one).
"""

from __future__ import annotations

import argparse
import gc
import time
from pathlib import Path

import tree_sitter

from prodlens.source.extract_types import ExtractContext
from prodlens.source.languages import extractor, grammar, new_parser

TRIVIAL = {"java": "(method_invocation) @c", "go": "(call_expression) @c"}
SUFFIX = {"java": ".java", "go": ".go"}


def best(repeat: int, run) -> float:
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def bench(tree: Path, language: str, repeat: int) -> list[str] | None:
    paths = sorted(p for p in tree.rglob("*" + SUFFIX[language]) if p.is_file() and not p.is_symlink())
    if not paths:
        return None
    sources = [p.read_bytes() for p in paths]
    parser = new_parser(language)
    trivial = tree_sitter.Query(grammar(language), TRIVIAL[language])
    extract = extractor(language)
    context = ExtractContext()
    statements = 0

    def parse_only() -> None:
        for source in sources:
            parser.parse(source)

    def raw() -> None:
        for source in sources:
            tree_sitter.QueryCursor(trivial).matches(parser.parse(source).root_node)

    def full() -> None:
        nonlocal statements
        statements = 0
        for path, source in zip(paths, sources):
            result = extract.extract(parser.parse(source), source, path.as_posix(), context)
            statements += len(result.statements)

    parse_time = best(repeat, parse_only)
    raw_time = best(repeat, raw)
    full_time = best(repeat, full)
    largest = max(range(len(sources)), key=lambda i: len(sources[i]))
    parsed = parser.parse(sources[largest])
    one = best(max(repeat, 5), lambda: extract.extract(parsed, sources[largest], "x", context))
    lines = sources[largest].count(b"\n") + 1
    megabytes = sum(len(s) for s in sources) / 1e6
    return [
        tree.name, language, str(len(paths)), f"{megabytes:.1f}", str(statements), f"{parse_time:.2f} s",
        f"{raw_time:.2f} s", f"{full_time:.2f} s", f"{full_time / raw_time:.2f}×",
        f"{(full_time - parse_time) / len(paths) * 1000:.2f} s",
        f"{lines} lines: {one * 1000:.1f} ms",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("trees", nargs="+", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    header = ["tree", "lang", "files", "MB", "stmts", "parse", "raw parse+query", "parse+extract", "ratio",
              "extract over parse, per 1k files", "largest file, extract only"]
    rows = [row for tree in args.trees for language in ("java", "go") if (row := bench(tree, language, args.repeat))]
    widths = [max(len(r[i]) for r in [header] + rows) for i in range(len(header))]
    print(" | ".join(h.ljust(w) for h, w in zip(header, widths)))
    print("-|-".join("-" * w for w in widths))
    for row in rows:
        print(" | ".join(c.ljust(w) for c, w in zip(row, widths)))


if __name__ == "__main__":
    main()
