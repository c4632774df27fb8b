"""Rollup of minute buckets to hours, retention, and the size cap."""

from __future__ import annotations

import time
from datetime import timedelta

from store_fixtures import NOW, MISS, hit, record, statement

from prodlens.stores.base import TimeRange

A = statement("a" * 16)
DAY = 86400


def _rows(filler, res):
    return filler.writer.db.execute("SELECT count(*), sum(hits) FROM buckets WHERE res = ?", [res]).fetchone()


def test_old_records_written_as_hours_and_recent_as_minutes_plus_hours(filler):
    filler.write([(record("Order placed", minutes_ago=m), hit(A.key)) for m in (1, 2, 60 * 72, 60 * 72 + 1)])
    assert _rows(filler, 60) == (2, 2)
    assert _rows(filler, 3600)[1] == 4  # hour rows hold every hit, the recent ones too


def test_rollup_keeps_totals(filler, store):
    filler.write([(record("Order placed", minutes_ago=60 * 5 + m), hit(A.key)) for m in range(30)])
    window = TimeRange.ending_now("24h", NOW + timedelta(seconds=1))
    before = store.counts([A], window)[A.key]
    done = filler.writer.prune(now=time.time(), retention_s=30 * DAY, rollup_after_s=3600, max_bytes=None)
    assert done["rolled_up"] == 30
    assert _rows(filler, 60) == (0, None)
    after = store.counts([A], window)[A.key]
    assert (after.total, after.previous) == (before.total, before.previous) == (30, 0)


def test_retention_drops_old_buckets_samples_and_shapes(filler, store):
    filler.write([(record("Order placed", minutes_ago=60 * 24 * 10), hit(A.key)),
                  (record("Order placed", minutes_ago=1), hit(A.key)),
                  (record("old unmatched thing", minutes_ago=60 * 24 * 10), MISS)])
    filler.writer.prune(now=time.time(), retention_s=7 * DAY, rollup_after_s=2 * DAY, max_bytes=None)
    assert store.counts([A], TimeRange.ending_now("30d", NOW + timedelta(seconds=1)))[A.key].total == 1
    assert store.samples(A, TimeRange.ending_now("30d", NOW + timedelta(seconds=1)), 10)[0].message == "Order placed"
    assert len(store.samples(A, TimeRange.ending_now("30d", NOW + timedelta(seconds=1)), 10)) == 1
    assert store.unmatched() == []


def test_records_older_than_retention_are_not_stored(filler, store):
    filler.write([(record("Order placed", minutes_ago=60 * 24 * 40), hit(A.key))])
    assert filler.writer.db.execute("SELECT count(*) FROM buckets").fetchone()[0] == 0
    assert store.totals()["expired"] == 1 and store.totals()["records"] == 1


def test_size_cap_drops_oldest_days_first(filler, store):
    pairs = [(record(f"Order placed {i}", minutes_ago=60 * 24 * d + i, service=f"svc{i % 50}"), hit(A.key))
             for d in (3, 5, 8) for i in range(400)]
    filler.write(pairs)
    size = filler.writer._used_bytes(filler.writer.db.conn)
    filler.writer.prune(now=time.time(), retention_s=30 * DAY, rollup_after_s=2 * DAY, max_bytes=size - 1)
    starts = [r[0] for r in filler.writer.db.execute("SELECT DISTINCT start FROM buckets")]
    assert starts and min(starts) > time.time() - 7 * DAY  # the 8-days-old data went first
