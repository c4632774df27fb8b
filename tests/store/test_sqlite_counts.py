"""Counts, trend, sparkline buckets, breakdowns and ambiguity, read back through the Store protocol."""

from __future__ import annotations

from datetime import timedelta

from prodlens.stores.base import Store, TimeRange
from prodlens.stores.sqlite import SqliteStore

from store_fixtures import MISS, NOW, ambiguous, hit, record, statement

A, B, C = statement("a" * 16), statement("b" * 16, "Payment {} failed", level="error"), statement("c" * 16, "never")


def test_is_a_store(store):
    assert isinstance(store, Store)


def test_counts_window_previous_and_zero_statements(filler, store):
    pairs = [(record("Order 1 placed", minutes_ago=m), hit(A.key)) for m in (1, 2, 3, 60 * 5)]
    pairs += [(record("Order 9 placed", minutes_ago=60 * 30), hit(A.key))]  # previous 24h window
    pairs += [(record("Payment 7 failed", minutes_ago=10, level="error"), hit(B.key))]
    filler.write(pairs)
    counts = store.counts([A, B, C], TimeRange.ending_now("24h", NOW + timedelta(seconds=1)))
    assert set(counts) == {A.key, B.key, C.key}
    assert (counts[A.key].total, counts[A.key].previous) == (4, 1)
    assert (counts[B.key].total, counts[B.key].previous) == (1, 0)
    assert counts[C.key].total == 0 and counts[C.key].first_seen is None
    assert len(counts[A.key].buckets) == 24
    assert sum(b.count for b in counts[A.key].buckets) == 4
    assert counts[A.key].buckets[-1].count == 3  # the last hour holds the three recent hits
    assert counts[A.key].first_seen < counts[A.key].last_seen
    assert counts[B.key].by_level == {"error": 1}


def test_batches_add_up_and_breakdowns(filler, store):
    for version in ("1.0", "1.1", "1.1"):
        filler.write([(record("Order 1 placed", service="shop", version=version, level="info"), hit(A.key))])
    counts = store.counts([A], TimeRange.ending_now("1h", NOW + timedelta(seconds=1)))[A.key]
    assert counts.total == 3
    assert counts.by_version == {"1.0": 1, "1.1": 2}
    assert counts.by_service == {"shop": 3}
    assert counts.by_level == {"info": 3}


def test_short_window_uses_minute_buckets(filler, store):
    filler.write([(record("Order 1 placed", minutes_ago=m), hit(A.key)) for m in (0.5, 5.5, 5.6)])
    counts = store.counts([A], TimeRange.ending_now("15m", NOW + timedelta(seconds=1)))[A.key]
    assert len(counts.buckets) == 15
    assert counts.total == 3


def test_ambiguous_records_counted_on_every_candidate(filler, store):
    filler.write([(record("Order 1 placed"), ambiguous(A.key, B.key)), (record("Order 2 placed"), hit(A.key))])
    counts = store.counts([A, B], TimeRange.ending_now("1h", NOW + timedelta(seconds=1)))
    assert (counts[A.key].total, counts[A.key].ambiguous) == (2, 1)
    assert (counts[B.key].total, counts[B.key].ambiguous) == (1, 1)
    totals = store.totals()
    assert (totals["records"], totals["matched"], totals["ambiguous"]) == (2, 1, 1)


def test_samples_newest_first_bounded_and_redacted(store_path):
    from store_fixtures import StoreFiller

    filler = StoreFiller(store_path, samples=3)
    try:
        for i in range(5):  # five batches: the ring keeps the latest three across batches
            filler.write([(record(f"Order {i} placed by u{i}@example.com", minutes_ago=10 - i, host="web-1",
                                  attributes={"trace_id": f"t{i}"}), hit(A.key))])
        filler.write([(record("Order 9 placed", minutes_ago=0.5), ambiguous(A.key, B.key))])
    finally:
        filler.close()
    store = SqliteStore(store_path)
    samples = store.samples(A, TimeRange.ending_now("1h", NOW + timedelta(seconds=1)), limit=10)
    store.close()
    assert [s.message for s in samples] == ["Order 9 placed", "Order 4 placed by [email]", "Order 3 placed by [email]"]
    assert samples[0].attributes.get("ambiguous") == "true"
    assert samples[1].attributes == {"host": "web-1", "trace_id": "t4"}
    assert samples[0].timestamp > samples[1].timestamp


def test_unmatched_grouped_by_shape(filler, store):
    filler.write([(record(f"GET /api/items/{i} took {i * 3}ms"), MISS) for i in range(50)]
                 + [(record("cache warmup done"), MISS)])
    shapes = store.unmatched()
    assert shapes[0].shape == "GET /api/items/<n> took <n>ms" and shapes[0].count == 50
    assert shapes[0].example.startswith("GET /api/items/")
    assert shapes[1].count == 1
    assert store.totals()["unmatched"] == 51


def test_unmatched_bounded(store_path):
    from prodlens.stores.sqlite import SqliteWriter
    from store_fixtures import StoreFiller

    filler = StoreFiller(store_path)
    filler.writer = SqliteWriter(store_path, max_unmatched_shapes=5)
    try:
        filler.write([(record("frequent thing"), MISS)] * 10)
        filler.write([(record(f"rare-{chr(97 + i)} event"), MISS) for i in range(20)])
    finally:
        filler.close()
    store = SqliteStore(store_path)
    shapes = store.unmatched(limit=100)
    assert len(shapes) == 5
    assert shapes[0].shape == "frequent thing"
    assert store.totals()["unmatched_shapes_dropped"] == 16
    store.close()


def test_dashboard_url_and_status(filler, store_path):
    filler.write([(record("Order 1 placed"), hit(A.key))])
    store = SqliteStore(store_path, dashboard_host="127.0.0.1", dashboard_port=9999)
    url = store.dashboard_url(A, TimeRange.ending_now("7d"))
    assert url == f"http://127.0.0.1:9999/statement/{A.key}?window=7d"
    status = store.status()
    assert status.state == "ok" and status.details["total_records"] == "1"
    store.close()


def test_reader_sees_new_commits_and_replaced_file(filler, store, store_path):
    window = TimeRange.ending_now("1h", NOW + timedelta(seconds=1))
    filler.write([(record("Order 1 placed"), hit(A.key))])
    assert store.counts([A], window)[A.key].total == 1
    filler.write([(record("Order 2 placed"), hit(A.key))])
    assert store.counts([A], window)[A.key].total == 2
    filler.close()
    store_path.unlink()
    for suffix in ("-wal", "-shm"):
        store_path.with_name(store_path.name + suffix).unlink(missing_ok=True)
    from store_fixtures import StoreFiller

    fresh = StoreFiller(store_path)
    fresh.write([(record("Order 3 placed"), hit(B.key))])
    fresh.close()
    assert store.counts([A, B], window)[B.key].total == 1
    assert store.counts([A, B], window)[A.key].total == 0
