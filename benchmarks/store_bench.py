"""Counting one document's statements in ClickHouse: one pushed-down query vs one query per statement.

Loads N synthetic log rows from 1,200 templates into real ClickHouse — Debian's clickhouse-server 18.16 (started
here on a free port, `countIf(match)` path) and ClickHouse 26.x in-process via chdb (`multiMatchAllIndices` and
`countIf(match)`) — then times `ClickHouseStore.counts` for documents of 20 / 200 / 1,000 statements:

- pushed down: one query for the whole document (what prodlens does);
- per statement: the same store asked about one statement at a time (the baseline), same run, same data.

The per-statement baseline is slow by nature; with `--per-statement-cap K` only the first K statements are
timed and the total for N is extrapolated (marked `~` in the table).

    python benchmarks/store_bench.py --rows 200000            # quick
    python benchmarks/store_bench.py --rows 5000000           # the recorded run (docs/benchmarks.md)
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/stores/servers.py: the server launcher

from prodlens.config import Config  # noqa: E402
from prodlens.model import Confidence, Hole, HoleKind, LogStatement, Range, Template, statement_key  # noqa: E402
from prodlens.stores.base import TimeRange  # noqa: E402
from prodlens.stores.clickhouse import ClickHouseStore  # noqa: E402

TEMPLATES = 1200
LEVELS = ("INFO", "WARN", "ERROR")
END = datetime(2026, 1, 10, 0, 0, tzinfo=timezone.utc)
SPAN = 2 * 86400  # rows spread over two days: the 24h window and the previous one

# Four message shapes; the template number t picks one (t % 4) and is part of the literal text.
BODY_SQL = ("multiIf(t % 4 = 0, concat('Operation ', toString(t), ' for user ', toString(number % 9973), "
            "' took ', toString(number % 500), ' ms'), "
            "t % 4 = 1, concat('Cache miss ', toString(t), ' on key k', toString(number % 777)), "
            "t % 4 = 2, concat('Request ', toString(t), ' failed: timeout after ', toString(number % 90), 's'), "
            "concat('Payment ', toString(t), ' accepted for c', toString(number % 313), ' amount ', "
            "toString(number % 1000), '.50'))")


def statements(n: int) -> list[LogStatement]:
    out = []
    for t in range(n):
        shape = t % 4
        if shape == 0:
            template = Template.of(f"Operation {t} for user ", Hole(HoleKind.INT), " took ", Hole(HoleKind.INT), " ms")
        elif shape == 1:
            template = Template.of(f"Cache miss {t} on key ", Hole(HoleKind.WORD))
        elif shape == 2:
            template = Template.of(f"Request {t} failed: ", Hole(HoleKind.ANY))
        else:
            template = Template.of(f"Payment {t} accepted for ", Hole(HoleKind.WORD), " amount ",
                                   Hole(HoleKind.NUMBER))
        level = LEVELS[t % 3].lower()
        path = f"src/app/module{t // 100}.py"
        out.append(LogStatement(statement_key(path, template, level, 0), path, Range(t, 0, t, 40), "python",
                                "logging", level, None, template, Confidence.FULL))
    return out


def generator_sql(rows: int) -> str:
    return (f"SELECT number, number % {TEMPLATES} AS t, "
            f"toDateTime({int(END.timestamp()) - SPAN} + intDiv(number * {SPAN}, {rows})) AS ts "
            f"FROM system.numbers LIMIT {rows}")


def load_debian(server, rows: int) -> None:
    server.sql("CREATE TABLE otel_logs (Timestamp DateTime, SeverityText String, ServiceName String, Body String, "
               "ScopeName String, ResourceAttributes Nested(key String, value String), "
               "LogAttributes Nested(key String, value String)) ENGINE = MergeTree() "
               "PARTITION BY toDate(Timestamp) ORDER BY (ServiceName, Timestamp)")
    server.sql(f"INSERT INTO otel_logs SELECT ts, ['INFO','WARN','ERROR'][t % 3 + 1], "
               f"concat('svc', toString(number % 4)), {BODY_SQL}, 'app', ['service.version'], ['1.0'], [], [] "
               f"FROM ({generator_sql(rows)})")


def load_chdb(session, rows: int) -> None:
    session.query("CREATE TABLE otel_logs (Timestamp DateTime64(9), SeverityText LowCardinality(String), "
                  "ServiceName LowCardinality(String), Body String, ScopeName String, "
                  "ResourceAttributes Map(LowCardinality(String), String), "
                  "LogAttributes Map(LowCardinality(String), String)) ENGINE = MergeTree "
                  "PARTITION BY toDate(Timestamp) ORDER BY (ServiceName, Timestamp)")
    session.query(f"INSERT INTO otel_logs SELECT toDateTime64(ts, 9), ['INFO','WARN','ERROR'][t % 3 + 1], "
                  f"concat('svc', toString(number % 4)), {BODY_SQL}, 'app', map('service.version', '1.0'), "
                  f"map() FROM ({generator_sql(rows)})")


def config(url: str, strategy: str = "auto") -> Config:
    return Config().merged({"store": {"url": url, "timeout": 3600.0, "retries": 0, "cache_ttl": 0.0,
                                      "strategy": strategy}})


def time_counts(store: ClickHouseStore, todo: list[LogStatement], window: TimeRange) -> tuple[float, int]:
    store.cache.clear()
    started = time.perf_counter()
    counts = store.counts(todo, window)
    return time.perf_counter() - started, sum(c.total for c in counts.values())


def per_statement(store: ClickHouseStore, todo: list[LogStatement], window: TimeRange, cap: int):
    timed = todo[:cap]
    started = time.perf_counter()
    total = 0
    for statement in timed:
        store.cache.clear()
        total += store.counts([statement], window)[statement.key].total
    elapsed = time.perf_counter() - started
    return elapsed * len(todo) / len(timed), total, len(timed) < len(todo)


def run_engine(name: str, store: ClickHouseStore, rows: int, sizes: list[int], cap: int) -> list[tuple]:
    window = TimeRange(END - timedelta(hours=24), END, "24h")
    results = []
    every = statements(max(sizes))
    store.builder()  # connection facts once, outside the timings
    for n in sizes:
        todo = every[:n]
        cold, pushed_total = time_counts(store, todo, window)  # first query compiles the patterns
        pushed, _ = time_counts(store, todo, window)
        single, single_total, estimated = per_statement(store, todo, window, cap)
        if not estimated and single_total != pushed_total:
            raise SystemExit(f"{name}: per-statement total {single_total} != pushed-down {pushed_total}")
        results.append((name, n, pushed_total, cold, pushed, single, estimated, rows / pushed))
        print(f"  {name:34} {n:>5} statements: pushed {cold:8.2f} s cold, {pushed:8.2f} s warm, per statement "
              f"{'~' if estimated else ' '}{single:8.2f} s", flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000, help="rows per window pair (default 200k)")
    parser.add_argument("--sizes", default="20,200,1000")
    parser.add_argument("--engines", default="debian,chdb")
    parser.add_argument("--per-statement-cap", type=int, default=200,
                        help="time at most this many single-statement queries per size, extrapolate the rest")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # run the `finally` that stops the server
    sizes = [int(s) for s in args.sizes.split(",")]
    engines = args.engines.split(",")
    rows_total = args.rows
    results = []
    with tempfile.TemporaryDirectory(prefix="prodlens-bench-") as tmp:
        if "debian" in engines:
            from tests.stores.servers import ClickHouseServer

            server = ClickHouseServer(Path(tmp) / "debian")
            server.directory.mkdir()
            server.start()
            try:
                started = time.perf_counter()
                load_debian(server, rows_total)
                print(f"debian clickhouse-server: loaded {rows_total:,} rows in {time.perf_counter() - started:.1f} s")
                store = ClickHouseStore.from_config(config(f"clickhouse+{server.url}"), Path(tmp))
                version = store.builder().caps.version_text
                results += run_engine(f"Debian {version} countIf(match)", store, rows_total, sizes,
                                      args.per_statement_cap)
                store.close()
            finally:
                server.stop()
        if "chdb" in engines:
            from chdb import session as chdb_session

            cwd = os.getcwd()
            os.chdir(tmp)  # chdb reads config.xml from the working directory
            try:
                session = chdb_session.Session(str(Path(tmp) / "chdb"))
            finally:
                os.chdir(cwd)
            started = time.perf_counter()
            load_chdb(session, rows_total)
            print(f"chdb: loaded {rows_total:,} rows in {time.perf_counter() - started:.1f} s")
            for strategy, label in (("multimatch", "multiMatchAllIndices"), ("countif", "countIf(match)")):
                store = ClickHouseStore.with_chdb_session(session, config("clickhouse+http://unused", strategy))
                version = store.builder().caps.version_text
                results += run_engine(f"chdb {version} {label}", store, rows_total, sizes,
                                      args.per_statement_cap)
            session.close()
    print()
    print(f"{rows_total:,} rows over 48 h; counts for the last 24 h and the previous 24 h, 24 buckets")
    print("| engine | statements | hits | one pushed-down query (first / again) | one query per statement | "
          "speed-up | rows/s (pushed, again) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, n, hits, cold, pushed, single, estimated, rate in results:
        print(f"| {name} | {n:,} | {hits:,} | {cold:.2f} s / {pushed:.2f} s | {'~' if estimated else ''}"
              f"{single:.2f} s | {single / pushed:.1f}× | {rate / 1e6:.2f}M |")


if __name__ == "__main__":
    main()
