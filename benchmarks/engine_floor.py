#!/usr/bin/env python3
"""How fast could mapping be at all? The floors under `prodlens map`, measured in one run on map_bench's data.

usage: engine_floor.py [--templates 2000 10000] [--records 200000] [--repeat 3] [--tree ROOT LOGS.jsonl ...]

Generated templates: every message is rendered afresh (no repeats: real messages carry ids, times and sizes, so remembered decisions
rarely help), and for each template count this prints, per message, best of `--repeat` in CPU time:
- `hs in C`: the same Hyperscan patterns and flags prodlens compiles, each message scanned on its own by a C loop
  (`engine_floor.c`, built here with gcc against the system's libhs: Debian's libhyperscan-dev) — the engine's
  own rate, what a compiled read → scan → decide loop could at best reach, before reading or deciding anything;
- `hs via Python`: prodlens's Hyperscan engine (`HyperscanEngine.match_ids`), the per-call cost included;
- `orjson`: parsing the JSON lines only (`orjson.loads` per line);
- `prodlens JSON`: `read_records(fmt="jsonl")` + `Matcher.match_many`, everything `prodlens map` does but write.
The C column is skipped, with the reason, when gcc or libhs is missing.

`--tree ROOT LOGS` (repeatable) adds a row for a real source tree, indexed as `prodlens index` does, and the JSON
lines of its real logs (a corpus of `../shared/corpora`-like layout: one JSON object per line with `message`):
real templates are far more varied than map_bench's 100-word vocabulary, which changes the engine's rate.
"""

from __future__ import annotations

import argparse
import gzip
import random
import shutil
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

from map_bench import make_records, make_statements, run_prodlens
from prodlens.matching.matcher import Matcher
from prodlens.model import Template
from prodlens.render import hyperscan_matcher_regex
from prodlens.source.index import StatementIndex
from prodlens.streaming import tune_for_streaming

HERE = Path(__file__).resolve().parent


def build_c_scanner(workdir: Path) -> tuple[Path | None, str]:
    """The C scanner's path, or None and why not."""
    compiler = shutil.which("gcc") or shutil.which("cc")
    if compiler is None:
        return None, "no C compiler"
    binary = workdir / "engine_floor"
    built = subprocess.run([compiler, "-O2", "-o", str(binary), str(HERE / "engine_floor.c"), "-lhs"],
                           capture_output=True, text=True)
    if built.returncode != 0:
        return None, "cannot build against libhs (install libhyperscan-dev): " + built.stderr.strip()[:200]
    return binary, ""


def write_items(path: Path, items: list[bytes]) -> None:
    with open(path, "wb") as handle:
        for item in items:
            handle.write(struct.pack("<I", len(item)))
            handle.write(item)


def best_cpu(function, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        function()
        best = min(best, time.process_time() - started)
    return best


def per_second(count: int, seconds: float) -> str:
    return f"{count / seconds:,.0f}" if seconds > 0 else "inf"


def generated(count: int, args) -> tuple[list, list[bytes], None]:
    rng = random.Random(args.seed)
    statements = make_statements(count, rng)
    _, _, distinct, _ = make_records(statements, args.records, rng)
    return statements, distinct.splitlines(), None


def from_tree(root: str, logs: str) -> tuple[list, list[bytes], str]:
    statements = StatementIndex.build(root, use_cache=False).statements
    opener = gzip.open if logs.endswith(".gz") else open
    with opener(logs, "rb") as handle:
        return statements, [line.rstrip(b"\n") for line in handle if line.strip()], root


def measure(name: str, statements: list, lines: list[bytes], root: str | None, workdir: Path,
            scanner: Path | None, repeat: int) -> str:
    messages = [str(orjson.loads(line).get("message", "")) for line in lines]
    matcher = Matcher(statements, root=root, cache_dir=workdir / "cache")
    engine = matcher.engine
    python_matches = sum(map(len, engine.match_ids(messages)))
    hs_python = best_cpu(lambda: engine.match_ids(messages), repeat)
    parse = best_cpu(lambda: [orjson.loads(line) for line in lines], repeat)
    data = b"\n".join(lines) + b"\n"

    def whole() -> None:
        fresh = Matcher(statements, root=root, cache_dir=workdir / "cache")  # nothing remembered
        run_prodlens(fresh, data, "jsonl")

    prodlens_json = best_cpu(whole, repeat)
    c_rate, c_matches = "n/a", "n/a"
    if scanner is not None:
        patterns = [hyperscan_matcher_regex(Template(parts)).encode("utf-8", "surrogatepass")
                    for parts in matcher._template_parts]
        write_items(workdir / "patterns.bin", patterns)
        write_items(workdir / "messages.bin", [m.encode("utf-8", "surrogatepass") for m in messages])
        out = subprocess.run([str(scanner), str(workdir / "patterns.bin"), str(workdir / "messages.bin"),
                              str(repeat)], capture_output=True, text=True, check=True).stdout.split()
        c_matches, nanoseconds = out[0], float(out[1])
        c_rate = f"{1e9 / nanoseconds:,.0f}"
    return (f"{name:>22} {len(matcher._template_parts):>9,} {len(messages):>9,} {c_rate:>11} "
            f"{per_second(len(messages), hs_python):>13} {per_second(len(lines), parse):>11} "
            f"{per_second(len(lines), prodlens_json):>13} {c_matches + '/' + str(python_matches):>15}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--templates", type=int, nargs="+", default=[2000, 10000])
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--tree", nargs=2, action="append", metavar=("ROOT", "LOGS"),
                        help="a real source tree and a JSON-lines file of its logs (repeatable)")
    args = parser.parse_args(argv)
    tune_for_streaming()
    print("messages (or lines) per second of CPU time, best of", args.repeat,
          "(generated rows: every message distinct; tree rows: the real logs, repeats and all)")
    print(f"{'templates from':>22} {'templates':>9} {'messages':>9} {'hs in C':>11} {'hs via Python':>13} {'orjson':>11} "
          f"{'prodlens JSON':>13} {'matches C/Py':>15}", flush=True)
    with tempfile.TemporaryDirectory() as scratch:
        workdir = Path(scratch)
        scanner, why_not = build_c_scanner(workdir)
        rows = [(f"{count:,} generated", *generated(count, args)) for count in args.templates]
        rows += [(Path(root).name, *from_tree(root, logs)) for root, logs in args.tree or ()]
        for name, statements, lines, root in rows:
            print(measure(name, statements, lines, root, workdir, scanner, args.repeat), flush=True)
        if scanner is None:
            print(f"hs in C skipped: {why_not}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
