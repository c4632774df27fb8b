"""Hour rows written beside minute rows must give the same counts as minutes alone, exact to the minute at the
window's edges; the kept samples are the newest by timestamp whatever order the log was read in."""

from __future__ import annotations

import random
import time
from datetime import timedelta

from store_fixtures import NOW, StoreFiller, hit, record, statement

from prodlens.stores.base import TimeRange

A = statement("a" * 16)
B = statement("b" * 16, text="Refund {} issued", line=20)
DAY = 86400


def _expected(minutes_ago: list[float], window: TimeRange) -> tuple[int, int]:
    """Counts are kept per minute: a record counts when its minute starts inside the window (whole seconds)."""
    minutes = [int((NOW - timedelta(minutes=m)).timestamp()) // 60 * 60 for m in minutes_ago]
    start, end, prev = (int(t.timestamp()) for t in (window.start, window.end, window.previous_start))
    return sum(start <= t < end for t in minutes), sum(prev <= t < start for t in minutes)


def test_counts_exact_to_the_minute_for_windows_not_aligned_to_hours(filler, store):
    rng = random.Random(7)
    ages = [rng.uniform(0, 60 * 47) for _ in range(3000)]  # 47 hours: current and previous 24h, all minute rows
    filler.write([(record("Order placed", minutes_ago=m, level=rng.choice(["info", "error"])), hit(A.key))
                  for m in ages])
    for end_shift_min in (0, -7, -61, -125.5, -60 * 20):  # windows ending now and ending in the past, mid-hour
        window = TimeRange.ending_now("24h", NOW + timedelta(seconds=1) + timedelta(minutes=end_shift_min))
        counts = store.counts([A], window)[A.key]
        assert (counts.total, counts.previous) == _expected(ages, window)
        assert sum(counts.by_level.values()) == counts.total
        assert sum(b.count for b in counts.buckets) == counts.total
    short = TimeRange.ending_now("15m", NOW + timedelta(seconds=1))
    assert store.counts([A], short)[A.key].total == _expected(ages, short)[0]


def test_counts_unchanged_after_minutes_are_rolled_up(filler, store):
    ages = [60 * h + 13 for h in range(30)] + [2, 3]
    filler.write([(record("Order placed", minutes_ago=m), hit(A.key)) for m in ages])
    window = TimeRange.ending_now("7d", NOW + timedelta(seconds=1))
    before = store.counts([A], window)[A.key]
    filler.writer.prune(now=time.time(), retention_s=30 * DAY, rollup_after_s=3 * 3600, max_bytes=None)
    after = store.counts([A], window)[A.key]
    assert before.total == after.total == len(ages)


def test_out_of_order_log_keeps_the_newest_samples(tmp_path):
    filler = StoreFiller(tmp_path / "store.db", samples=5)
    try:
        ages = list(range(1, 41))  # minutes ago; record i says "Order i"
        rng = random.Random(3)
        shuffled = ages[:]
        rng.shuffle(shuffled)
        # several batches, each out of order, the newest records partly in the first batch
        for chunk in (shuffled[:13], shuffled[13:27], shuffled[27:]):
            filler.write([(record(f"Order {m}", minutes_ago=m), hit(B.key)) for m in chunk])
        # a backfill of old records afterwards must not push the newest out
        filler.write([(record(f"Order old {m}", minutes_ago=m), hit(B.key)) for m in range(100, 130)])
        from prodlens.stores.sqlite import SqliteStore

        store = SqliteStore(tmp_path / "store.db")
        got = store.samples(B, TimeRange.ending_now("24h", NOW + timedelta(seconds=1)), limit=10)
        assert [s.message for s in got] == [f"Order {m}" for m in (1, 2, 3, 4, 5)]
        store.close()
    finally:
        filler.close()


def test_a_schema_1_store_is_refused_with_a_clear_message(tmp_path):
    """Schema 1 stores have minute rows only: reading them with schema 2 rules would undercount long windows."""
    import sqlite3

    import pytest

    from prodlens.stores.base import StoreError
    from prodlens.stores.sqlite import SqliteStore, SqliteWriter

    path = tmp_path / "store.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT)")
    conn.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match=r"store\.db: store schema version 1 is not supported \(expected 2\)"):
        SqliteStore(path).totals()
    with pytest.raises(StoreError, match=r"schema version 1 is not supported"):
        SqliteWriter(path)
