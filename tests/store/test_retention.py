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
    first = filler.writer.db.execute("SELECT min(start) FROM buckets").fetchone()[0]
    recent = filler.writer.db.execute("SELECT sum(hits) FROM buckets WHERE start > ?", [time.time() - 7 * DAY])
    recent_hits = recent.fetchone()[0]
    size = filler.writer._used_bytes(filler.writer.db.conn)
    filler.writer.prune(now=time.time(), retention_s=30 * DAY, rollup_after_s=2 * DAY, max_bytes=size - 1)
    starts = [r[0] for r in filler.writer.db.execute("SELECT DISTINCT start FROM buckets")]
    assert starts and min(starts) > first  # the oldest (8 days old) hour went first
    after = filler.writer.db.execute("SELECT sum(hits) FROM buckets WHERE start > ?", [time.time() - 7 * DAY])
    assert after.fetchone()[0] == recent_hits  # and the newer days were not touched


def test_size_cap_drops_hours_not_the_whole_day_and_keeps_the_newest_hour(filler, store):
    """A busy day over the cap loses its oldest hours only; a cap too small for even the newest hour keeps that
    hour and says the cap is too small (dropping by days used to empty the store of today's counts)."""
    pairs = [(record(f"Order placed {i}", minutes_ago=h * 60 + i % 60, service=f"svc{i % 40}"), hit(A.key))
             for h in range(6) for i in range(300)]
    filler.write(pairs)
    hours = lambda: sorted({r[0] // 3600 for r in filler.writer.db.execute("SELECT start FROM buckets")})
    before = hours()
    assert len(before) >= 6
    size = filler.writer._used_bytes(filler.writer.db.conn)
    done = filler.writer.prune(now=time.time(), retention_s=30 * DAY, rollup_after_s=2 * DAY, max_bytes=size - 1)
    after = hours()
    assert done["over_cap"] == 0 and done["pruned"] > 0
    assert after == before[len(before) - len(after):] and len(after) >= len(before) - 3  # oldest hours went first

    done = filler.writer.prune(now=time.time(), retention_s=30 * DAY, rollup_after_s=2 * DAY, max_bytes=1)
    assert done["over_cap"] == 1
    assert hours() == before[-1:]  # the newest hour stays
    newest = store.counts([A], TimeRange.ending_now("1h", NOW + timedelta(seconds=1)))[A.key].total
    assert newest > 0
