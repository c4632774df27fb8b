#!/usr/bin/env python3
"""How fast the dashboard pages load on a big embedded store.

Builds a workspace with N statements (Python source) and a store holding R records spread over the last 24 hours
(written through the same `SqliteWriter` ingest uses, as minute buckets per statement, level and service: what
ingest would produce for R records), starts the real dashboard in-process (Datasette's ASGI client: no network
noise) and times the overview and statement pages. Baselines measured in the same run: the raw SQL that sums
every bucket in the window (the floor any page has to pay) and Datasette's own table page for the buckets table.

usage: python benchmarks/dashboard_bench.py [--records 10000000] [--statements 2000] [--runs 20]
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import statistics
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from prodlens.config import Config
from prodlens.dashboard.app import build_datasette
from prodlens.source.index import StatementIndex
from prodlens.stores.sqlite import BatchData, SqliteWriter


def make_workspace(root: Path, statements: int) -> None:
    per_file = 100
    for f in range(0, statements, per_file):
        lines = ["import logging", "log = logging.getLogger(__name__)", "", "def run(x):"]
        for i in range(f, min(f + per_file, statements)):
            level = "error" if i % 20 == 0 else "warning" if i % 7 == 0 else "info"
            lines.append(f'    log.{level}("event {i} happened to %s after %d ms", x, {i})')
        (root / f"mod{f // per_file}.py").write_text("\n".join(lines) + "\n")


def fill_store(path: Path, keys: list[str], records: int, now: datetime) -> None:
    writer = SqliteWriter(path)
    weights = [1.0 / (rank + 1) for rank in range(len(keys))]  # Zipf-like: a few statements dominate
    scale = records / sum(weights)
    minutes = 24 * 60
    start = int(now.timestamp()) // 60 * 60 - minutes * 60
    for chunk in range(0, len(keys), 50):
        batch = BatchData()
        for key, weight in zip(keys[chunk:chunk + 50], weights[chunk:chunk + 50]):
            total = int(weight * scale)
            per_minute, extra = divmod(total, minutes)
            for m in range(minutes):
                hits = per_minute + (1 if m < extra else 0)
                if hits:
                    service = "api" if m % 3 else "worker"
                    batch.buckets[(key, start + m * 60, 60, "info", service, "1.4.2")] = [hits, 0]
            batch.seen[key] = [float(start), float(start + minutes * 60), float(total)]
        batch.totals = {"records": 0}
        writer.apply(batch)
    writer.close()


async def timed_get(client, path: str, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        response = await client.get(path)
        times.append(time.perf_counter() - t0)
        assert response.status_code == 200, (path, response.status_code)
    return times


def floor_query(path: Path, now: datetime, runs: int) -> list[float]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    start = int((now - timedelta(days=2)).timestamp())
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        conn.execute("SELECT key, sum(hits) FROM buckets WHERE start >= ? GROUP BY key", [start]).fetchall()
        times.append(time.perf_counter() - t0)
    return times


def row(name: str, times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"| {name:<44} | {statistics.median(times) * 1000:9.1f} | {p95 * 1000:9.1f} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=10_000_000)
    parser.add_argument("--statements", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    now = datetime.now(timezone.utc)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        make_workspace(root, args.statements)
        index = StatementIndex.build(root)
        index.save()
        keys = [s.key for s in index.statements]
        store = root / ".prodlens" / "store.db"
        t0 = time.perf_counter()
        fill_store(store, keys, args.records, now)
        fill = time.perf_counter() - t0
        buckets = sqlite3.connect(store).execute("SELECT count(*) FROM buckets").fetchone()[0]
        datasette = build_datasette(root, Config(), store)

        async def run() -> list[str]:
            client = datasette.client
            await client.get("/")  # warm-up: index load, template compile
            key = keys[0]
            return [
                row("overview page (/?window=24h)", await timed_get(client, "/?window=24h", args.runs)),
                row("statement page (/statement/KEY?window=24h)",
                    await timed_get(client, f"/statement/{key}?window=24h", args.runs)),
                row("baseline: Datasette table page (/store/buckets)",
                    await timed_get(client, "/store/buckets", args.runs)),
                row("baseline: raw SQL sum of all buckets in window", floor_query(store, now, args.runs)),
            ]

        rows = asyncio.run(run())
        print(f"\n{args.records:,} records over 24h, {len(keys):,} statements, {buckets:,} bucket rows "
              f"(store filled in {fill:.1f} s, {store.stat().st_size / 1e6:.0f} MB)\n")
        print(f"| {'what':<44} | {'p50 (ms)':>9} | {'p95 (ms)':>9} |")
        print(f"|{'-' * 46}|{'-' * 11}|{'-' * 11}|")
        for line in rows:
            print(line)


if __name__ == "__main__":
    main()
