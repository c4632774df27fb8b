"""Ingest throughput and memory: log file → records → matches → embedded store.

Measured in one run, on the same generated data (a project with 2,000 Python log statements and logs whose
messages come from those templates, ~10% unexplained lines):

- `read lines`        : iterating the file's lines (the floor: no parsing at all)
- `parse records`     : `read_records` only (JSON lines / a plain-text layout)
- `match only`        : `Matcher.match_many` on already parsed records (the mapping rate)
- `end to end`        : `prodlens ingest` minus start-up: parse + match + aggregate + SQLite commits

and, in a child process so the figure is its own, the peak RSS of an end-to-end ingest of a large file
(`--large-mb`, default 64; use 1024 for the 1 GB budget check). Files are generated under the system temp
directory and removed afterwards.

    python benchmarks/ingest_bench.py [--records 200000] [--large-mb 64]

`--store-only [--before REF]` measures only the store's share (aggregate+store) in CPU time, split into the fold
(`Aggregator.add_many` + `take`), the batch writes (`SqliteWriter.apply`) and the final samples flush, best of
`--repeat` runs. With `--before REF` the same records also go through the aggregator and writer of git revision
REF (imported side by side as another package), runs alternating, and the two stores must hold the same rows.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from prodlens.streaming import tune_for_streaming

STATEMENTS = 2000
PER_FILE = 20
WORDS = ("order", "payment", "cart", "user", "session", "cache", "stock", "refund", "invoice", "shipment",
         "token", "queue", "worker", "batch", "report", "export", "import", "index", "search", "profile")
VERBS = ("created", "updated", "deleted", "failed", "retried", "expired", "loaded", "saved", "skipped", "merged")
PLAIN_LAYOUT = "%d{yyyy-MM-dd HH:mm:ss,SSS} %-5p [%t] %c - %m%n"


def make_project(root: Path, rng: random.Random) -> list[tuple[str, str, str]]:
    """2,000 statements in 100 Python modules; returns (module, level, printf template) per statement."""
    templates = []
    for f in range(STATEMENTS // PER_FILE):
        module = f"svc.mod{f:03d}"
        lines = ["import logging", "", "logger = logging.getLogger(__name__)", "", "", "def run(a, b, c):"]
        for i in range(PER_FILE):
            w1, w2, verb = rng.choice(WORDS), rng.choice(WORDS), rng.choice(VERBS)
            level = rng.choice(("info", "info", "info", "warning", "error", "debug"))
            text = f"{w1.capitalize()} %s {verb} for {w2} %s in step {f}-{i} (%d ms)"
            lines.append(f"    logger.{level}({text!r}, a, b, c)")
            templates.append((module, level, text))
        path = root / "svc" / f"mod{f:03d}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n")
    return templates


def _message(rng: random.Random, template: str) -> str:
    return template % (f"id{rng.randint(1, 10**6)}", f"k{rng.randint(1, 999)}", rng.randint(1, 5000))


def write_logs(path: Path, templates, records: int, fmt: str, rng: random.Random, target_bytes: int = 0,
               zipf: bool = False, span_s: float = 2 * 86400) -> int:
    """Write `records` lines (or until `target_bytes`), in time order over the last `span_s` seconds, as real
    logs are. Statements are drawn uniformly (the worst case for the store: nearly every record its own
    statement-minute bucket, every statement filling its samples) or, with `zipf`, with Zipf-like frequencies
    (the statement of rank r has weight 1/r), as a real service's logs are. Returns lines written."""
    now = datetime.now(timezone.utc)
    expected = records or max(1, target_bytes // 190)
    step = span_s / expected
    cumulative = None
    if zipf:
        cumulative, acc = [], 0.0
        for rank in range(len(templates)):
            acc += 1.0 / (rank + 1)
            cumulative.append(acc)
    written = 0
    size = 0
    levels = {"info": "INFO", "warning": "WARN", "error": "ERROR", "debug": "DEBUG"}
    with path.open("w", encoding="utf-8") as out:
        chunk = []
        while (target_bytes and size < target_bytes) or (not target_bytes and written < records):
            at = now - timedelta(seconds=max(0.0, span_s - written * step))
            if rng.random() < 0.1:
                module, level, message = "org.lib.Pool", "info", f"pool stats active={rng.randint(0, 99)} idle={rng.randint(0, 9)}"
            else:
                if cumulative is None:
                    module, level, template = templates[rng.randrange(len(templates))]
                else:
                    module, level, template = rng.choices(templates, cum_weights=cumulative)[0]
                message = _message(rng, template)
            if fmt == "jsonl":
                line = json.dumps({"ts": at.isoformat(), "level": levels[level], "logger": module,
                                   "message": message, "service": "bench"}) + "\n"
            else:
                stamp = at.strftime("%Y-%m-%d %H:%M:%S,") + f"{at.microsecond // 1000:03d}"
                line = f"{stamp} {levels[level]:<5} [worker-{rng.randint(1, 8)}] {module} - {message}\n"
            chunk.append(line)
            size += len(line)
            written += 1
            if len(chunk) >= 10000:
                out.writelines(chunk)
                chunk = []
        out.writelines(chunk)
    return written


def rate(n: int, seconds: float) -> str:
    return f"{n / seconds:>12,.0f}" if seconds > 0 else "           -"


def measure(project: Path, log: Path, fmt: str, count: int) -> list[tuple[str, int, float]]:
    from prodlens.config import load_config
    from prodlens.ingest.pipeline import Ingest, IngestOptions
    from prodlens.matching.matcher import Matcher
    from prodlens.matching.records import read_records
    from prodlens.source.index import StatementIndex

    from prodlens.stores.sqlite import _import_sqlite_utils

    _import_sqlite_utils()  # imported once here: start-up, not ingest

    config = load_config(project)
    index = StatementIndex.build(project, config, use_cache=False)
    statements = list(index.statements)
    assert len(statements) == STATEMENTS, f"indexed {len(statements)} statements, expected {STATEMENTS}"
    matcher = Matcher(statements, root=project, config=config)
    tune_for_streaming()  # the garbage-collector settings `prodlens ingest` runs with (after start-up)
    plain = fmt.startswith("plain")  # fmt is "<format>-<data label>": the label names the store files
    pattern = PLAIN_LAYOUT if plain else None
    read_fmt = "pattern" if plain else "jsonl"
    rows = []

    started = time.perf_counter()
    with log.open("rb") as handle:
        lines = sum(1 for _ in handle)
    rows.append(("read lines", lines, time.perf_counter() - started))

    started = time.perf_counter()
    with log.open("rb") as handle:
        records = [r.record for r in read_records(handle, fmt=read_fmt, pattern=pattern) if r.record is not None]
    rows.append(("parse records", len(records), time.perf_counter() - started))

    fresh = Matcher(statements, root=project, config=config)  # no decisions cached from a previous pass
    started = time.perf_counter()
    matches = []
    for i in range(0, len(records), 20000):
        matches.extend(fresh.match_many(records[i:i + 20000]))
    rows.append(("match only", len(records), time.perf_counter() - started))
    matched = sum(1 for m in matches if m.key is not None)

    # the store's share alone: in-memory aggregation, redaction of kept samples, SQLite upserts and commits
    from prodlens.ingest.aggregate import Aggregator
    from prodlens.stores.redact import redactor_from_config
    from prodlens.stores.sqlite import SqliteWriter

    writer = SqliteWriter(project / ".prodlens" / f"agg-{fmt}.db", samples_per_key=config.ingest.samples)
    aggregator = Aggregator(samples_per_key=config.ingest.samples, redactor=redactor_from_config(config.ingest))
    started = time.perf_counter()
    for i in range(0, len(records), 20000):
        aggregator.add_many(records[i:i + 20000], matches[i:i + 20000])
        writer.apply(aggregator.take(with_samples=False))
    writer.apply(aggregator.take(with_samples=True))
    rows.append(("aggregate+store", len(records), time.perf_counter() - started))
    writer.close()
    del records, matches

    store = project / ".prodlens" / f"bench-{fmt}.db"
    options = IngestOptions(fmt=read_fmt, pattern=pattern)
    started = time.perf_counter()
    summary = Ingest(store, statements, Matcher(statements, root=project, config=config), config, options).run(
        [str(log)])
    rows.append(("end to end", summary.records, time.perf_counter() - started))
    assert summary.records == count and summary.matched == matched, (summary, matched)
    return rows


def _store_modules(before_ref: str | None, work: Path) -> dict[str, tuple]:
    """(Aggregator, redactor_from_config, SqliteWriter) of this tree, and of `before_ref` when given: that
    revision's package is extracted with `git archive` and imported under another name (its imports are relative)."""
    import importlib
    import tarfile
    import io

    from prodlens.ingest.aggregate import Aggregator
    from prodlens.stores.redact import redactor_from_config
    from prodlens.stores.sqlite import SqliteWriter

    found = {"after": (Aggregator, redactor_from_config, SqliteWriter)}
    if before_ref:
        repo = Path(__file__).resolve().parent.parent
        archive = subprocess.run(["git", "archive", before_ref, "server/prodlens"], cwd=repo, check=True,
                                 capture_output=True).stdout
        target = work / "before"
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(target, filter="data")
        (target / "server" / "prodlens").rename(target / "prodlens_before")
        sys.path.insert(0, str(target))
        found["before"] = (importlib.import_module("prodlens_before.ingest.aggregate").Aggregator,
                           importlib.import_module("prodlens_before.stores.redact").redactor_from_config,
                           importlib.import_module("prodlens_before.stores.sqlite").SqliteWriter)
    return found


def _store_rows(path: Path) -> list[tuple]:
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        return [(table, *row) for table, order in (
            ("buckets", "key, res, start, level, service, version"), ("seen", "key"), ("samples", "key, slot"),
            ("unmatched", "id"), ("unmatched_buckets", "shape_id, start"), ("totals", "name"))
            for row in conn.execute(f"SELECT * FROM {table} ORDER BY {order}")]
    finally:
        conn.close()


def measure_store(project: Path, log: Path, fmt: str, modules: dict[str, tuple], repeat: int) -> dict[str, dict]:
    """CPU seconds of the store's share per implementation (best of `repeat`): fold, batch writes, final flush."""
    import gc

    from prodlens.config import load_config
    from prodlens.matching.matcher import Matcher
    from prodlens.matching.records import read_records
    from prodlens.source.index import StatementIndex
    from prodlens.stores.sqlite import _import_sqlite_utils

    _import_sqlite_utils()
    config = load_config(project)
    statements = list(StatementIndex.build(project, config, use_cache=False).statements)
    matcher = Matcher(statements, root=project, config=config)
    plain = fmt.startswith("plain")
    with log.open("rb") as handle:
        records = [r.record for r in read_records(handle, fmt="pattern" if plain else "jsonl",
                                                  pattern=PLAIN_LAYOUT if plain else None) if r.record is not None]
    matches = []
    for i in range(0, len(records), 20000):
        matches.extend(matcher.match_many(records[i:i + 20000]))
    tune_for_streaming()  # as `prodlens ingest` runs; also freezes the parsed records (they outlive every run here)
    now = time.time()  # one "now" for every run: the same buckets, roll-up and retention decisions
    best: dict[str, dict] = {}
    rows: dict[str, list] = {}
    for _ in range(repeat):
        for name, (aggregator_cls, redactor_from_config, writer_cls) in modules.items():
            path = project / ".prodlens" / f"store-{fmt}-{name}.db"
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            writer = writer_cls(path, samples_per_key=config.ingest.samples)
            aggregator = aggregator_cls(samples_per_key=config.ingest.samples,
                                        redactor=redactor_from_config(config.ingest), now=now)
            gc.collect()  # the previous run's store objects
            clock = time.process_time
            fold = write = final = 0.0
            for i in range(0, len(records), 20000):
                t0 = clock()
                aggregator.add_many(records[i:i + 20000], matches[i:i + 20000])
                batch = aggregator.take(with_samples=False)
                t1 = clock()
                writer.apply(batch)
                t2 = clock()
                fold += t1 - t0
                write += t2 - t1
            t0 = clock()
            writer.apply(aggregator.take(with_samples=True))
            final = clock() - t0
            writer.close()
            run = {"fold": fold, "write": write, "final samples flush": final, "total": fold + write + final}
            if name not in best or run["total"] < best[name]["total"]:
                best[name] = run
            rows[name] = _store_rows(path)
    if "before" in rows and rows["before"] != rows["after"]:
        raise SystemExit(f"{fmt}: the store written by the current code differs from the one before")
    for run in best.values():
        run["records"] = len(records)
    return best


def child_rss(project: Path, log: Path, store: Path) -> tuple[float, float, int]:
    """Peak RSS (MB) of a real `prodlens ingest` of `log`, its wall time and its record count."""
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c",
         # VmHWM, not ru_maxrss: Linux carries ru_maxrss across fork+exec (it would report this parent's size)
         "import re, sys, json; from prodlens.cli import main; code = main(sys.argv[1:]); "
         "hwm = re.search(r'VmHWM:\\s+(\\d+) kB', open('/proc/self/status').read()).group(1); "
         "print(json.dumps({'rss_kb': int(hwm)}), file=sys.stderr); sys.exit(code)",
         "ingest", str(log), "--root", str(project), "--store", str(store), "--format", "jsonl", "--json"],
        capture_output=True, text=True,
    )
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"ingest failed: {result.stderr}")
    rss_kb = json.loads(result.stderr.strip().splitlines()[-1])["rss_kb"]
    return rss_kb / 1024, seconds, json.loads(result.stdout)["records"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=200_000, help="records per format for the rate table")
    parser.add_argument("--large-mb", type=int, default=64, help="size of the file for the memory check")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    parser.add_argument("--memory-only", action="store_true", help="skip the rate table")
    parser.add_argument("--data", choices=("both", "realistic", "worst"), default="both",
                        help="which log shape(s) the rate table measures")
    parser.add_argument("--store-only", action="store_true",
                        help="measure only the store's share (aggregate+store), in CPU time, split by part")
    parser.add_argument("--before", metavar="REF", help="with --store-only: also run git revision REF's store code")
    parser.add_argument("--repeat", type=int, default=3, help="with --store-only: best of this many runs")
    args = parser.parse_args()
    if args.store_only:
        store_only(args)
        return

    rng = random.Random(11)
    work = Path(tempfile.mkdtemp(prefix="prodlens-ingest-bench-"))
    try:
        project = work / "project"
        templates = make_project(project, rng)
        print(f"{STATEMENTS} statements; {args.records:,} records per format; {os.cpu_count()} CPUs visible")
        print("realistic: Zipf-like statement frequencies, records over the last 2 hours (many per statement-minute);"
              "\nworst case: statements drawn uniformly over 2 days (nearly every record its own bucket)")
        print(f"{'format':<7} {'data':<10} {'stage':<15} {'records':>10} {'seconds':>8} {'records/s':>12}")
        cases = (("realistic", True, 2 * 3600.0), ("worst", False, 2 * 86400.0))
        for fmt in () if args.memory_only else ("plain", "jsonl"):
            for label, zipf, span in cases:
                if args.data not in ("both", label):
                    continue
                log = work / f"app.{fmt}.{label}.log"
                count = write_logs(log, templates, args.records, fmt, rng, zipf=zipf, span_s=span)
                for stage, n, seconds in measure(project, log, f"{fmt}-{label}", count):
                    print(f"{fmt:<7} {label:<10} {stage:<15} {n:>10,} {seconds:>8.2f} {rate(n, seconds)}")
                log.unlink()
        big = work / "large.jsonl"
        lines = write_logs(big, templates, 0, "jsonl", rng, target_bytes=args.large_mb * 1_000_000)
        size = big.stat().st_size
        rss, seconds, records = child_rss(project, big, work / "large.db")
        assert records == lines
        print()
        print(f"large file: {size / 1e6:,.0f} MB, {records:,} JSON lines; `prodlens ingest` (with start-up) "
              f"{seconds:.1f} s = {records / seconds:,.0f} records/s; peak RSS {rss:,.0f} MB")
        baseline = subprocess.run([sys.executable, "-c", "import re, prodlens.cli, prodlens.ingest.pipeline, "
                                   "prodlens.matching.matcher, prodlens.source.index; "
                                   "print(re.search(r'VmHWM:\\s+(\\d+) kB', open('/proc/self/status').read()).group(1))"],
                                  capture_output=True, text=True)
        print(f"(baseline: an interpreter with those modules imported, nothing read: {int(baseline.stdout) / 1024:,.0f} MB)")
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def store_only(args: argparse.Namespace) -> None:
    rng = random.Random(11)
    work = Path(tempfile.mkdtemp(prefix="prodlens-store-bench-"))
    try:
        project = work / "project"
        templates = make_project(project, rng)
        modules = _store_modules(args.before, work)
        print(f"store's share (aggregate+store), CPU seconds, best of {args.repeat}; {args.records:,} records")
        names = list(modules)
        print(f"{'format':<7} {'data':<10} {'part':<20} " + " ".join(f"{n + ' s':>9} {n + ' rec/s':>13}"
                                                                for n in names))
        for fmt in ("plain", "jsonl"):
            for label, zipf, span in (("realistic", True, 2 * 3600.0), ("worst", False, 2 * 86400.0)):
                if args.data not in ("both", label):
                    continue
                log = work / f"app.{fmt}.{label}.log"
                write_logs(log, templates, args.records, fmt, rng, zipf=zipf, span_s=span)
                best = measure_store(project, log, f"{fmt}-{label}", modules, args.repeat)
                for part in ("fold", "write", "final samples flush", "total"):
                    cells = " ".join(f"{best[n][part]:>9.3f} {rate(best[n]['records'], best[n][part])}"
                                     for n in names)
                    print(f"{fmt:<7} {label:<10} {part:<20} {cells}")
                if "before" in best:
                    print(f"{fmt:<7} {label:<10} {'speed-up (total)':<20} "
                          f"{best['before']['total'] / best['after']['total']:.2f}x; stores identical")
                log.unlink()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
