"""The store the aggregator and writer produce equals a plain record-by-record fold of the same records.

The aggregator folds a batch column-wise (and record by record only for batches that straddle the roll-up or
retention cut-off); whatever path a batch takes, what lands in SQLite must be what this reference fold says:
exact hits per (statement, minute/hour, level, service, version) with hour rows beside minute rows, ambiguous
records counted on every candidate, first/last seen, the newest samples by timestamp (redacted), unmatched shapes
with hourly counts, totals. The data is built to hit every path: batches wholly recent, wholly older than the
roll-up, straddling it, partly expired, out of order, without timestamps, with missing levels and services.
"""

from __future__ import annotations

import random
import sqlite3
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

import pytest

from prodlens.ingest.aggregate import Aggregator
from prodlens.ingest.shapes import message_shape
from prodlens.model import LogRecord, Match, MatchMethod
from prodlens.stores.redact import Redactor
from prodlens.stores.sqlite import HOUR, MINUTE, SqliteWriter

NOW = datetime(2026, 11, 20, 12, 0, 30, 250000, tzinfo=timezone.utc).timestamp()
DAY = 86400.0
ROLLUP_S = 2 * DAY
RETENTION_S = 30 * DAY
SAMPLES = 4
SERVICE = "checkout"  # the --service default for records that name none
KEYS = [f"{i:016x}" for i in range(1, 13)]
RARE_KEY = "f" * 16  # its few records have no timestamp: they count at "now" and all fit its sample slots


def _records(seed: int, count: int, ambiguous_share: float = 0.06) -> tuple[list[LogRecord], list[Match]]:
    """Mostly in time order (as a log is), with local shuffles, spanning expired, rolled-up and recent data."""
    rng = random.Random(seed)
    ages = sorted((rng.choice((rng.uniform(0, 3 * 3600), rng.uniform(0, 3 * DAY), rng.uniform(0, 31 * DAY)))
                   for _ in range(count)), reverse=True)
    order = list(range(count))
    for i in range(0, count - 8, 40):  # slightly out of order here and there
        window = order[i:i + 8]
        rng.shuffle(window)
        order[i:i + 8] = window
    records: list[LogRecord] = []
    matches: list[Match] = []
    used: set[float] = set()
    for n, i in enumerate(order):
        stamp = NOW - ages[i]
        while stamp in used:  # distinct timestamps: "newest" is then unambiguous across sample flushes
            stamp += 1e-6
        used.add(stamp)
        when = datetime.fromtimestamp(stamp, timezone.utc)
        level = rng.choice(("info", "info", "error", None, ""))
        service = rng.choice((None, None, "api", ""))
        version = rng.choice((None, "1.2", "1.3"))
        roll = rng.random()
        if roll < 0.08:  # unmatched: a few shapes, one service (the store keys shapes by shape and level)
            message = rng.choice(("pool stats active={} idle={}", "GC pause {}ms after {} runs",
                                  "cache miss for user{}@example.com ({})")).format(rng.randint(0, 99), n)
            records.append(LogRecord(message, when, level, service=None, version=version))
            matches.append(Match.none())
            continue
        if roll < 0.08 + ambiguous_share:  # ambiguous: counted on every candidate (once a candidate named twice)
            keys = tuple(rng.sample(KEYS, rng.randint(2, 3)))
            if roll < 0.145:
                keys = keys + keys[:1]
            records.append(LogRecord(f"tie {n} for a@b.io", when, level, service=service, version=version))
            matches.append(Match(None, MatchMethod.TEMPLATE, len(keys), 0.5, keys))
            continue
        key = KEYS[min(int(rng.paretovariate(1.2)) - 1, len(KEYS) - 1)]
        attrs = {"trace_id": f"t{n:08x}"} if rng.random() < 0.3 else {}
        records.append(LogRecord(f"Order {n} placed by user{n}@shop.example token=s3cr3t{n}", when, level,
                                 service=service, version=version, host=f"h{n % 3}", attributes=attrs))
        matches.append(Match(key, MatchMethod.TEMPLATE, 1, 1.0, (key,)))
    for n in range(3):
        records.insert(len(records) // 2 + n, LogRecord(f"rare {n}", None, "warn"))
        matches.insert(len(matches) // 2 + n, Match(RARE_KEY, MatchMethod.TEMPLATE, 1, 1.0, (RARE_KEY,)))
    return records, matches


def _reference(records: list[LogRecord], matches: list[Match]) -> dict[str, object]:
    """What the store must hold, folded one record at a time with no cleverness."""
    redact = Redactor().redact
    rollup_cutoff, retention_cutoff = NOW - ROLLUP_S, NOW - RETENTION_S
    buckets: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    seen: dict[str, list[float]] = {}
    newest: dict[str, list[tuple[float, int, LogRecord, bool]]] = defaultdict(list)
    unmatched: dict[tuple[str, str], dict] = {}
    totals = defaultdict(int)
    for arrival, (record, match) in enumerate(zip(records, matches)):
        totals["records"] += 1
        t = record.timestamp.timestamp() if record.timestamp is not None else NOW
        if match.key is not None:
            totals["matched"] += 1
            keys, ambiguous = [match.key], False
        elif match.candidates > 1 and match.candidate_keys:
            totals["ambiguous"] += 1
            keys, ambiguous = list(match.candidate_keys), True
        else:
            totals["unmatched"] += 1
            if t < retention_cutoff:
                totals["expired"] += 1
                continue
            level = record.level or ""
            row = unmatched.setdefault((message_shape(record.message), level), {
                "count": 0, "first": t, "last": t, "hours": defaultdict(int),
                "example": redact(record.message)})
            row["count"] += 1
            row["first"], row["last"] = min(row["first"], t), max(row["last"], t)
            row["hours"][int(t) // HOUR * HOUR] += 1
            continue
        if t < retention_cutoff:
            totals["expired"] += 1
            continue
        dims = (record.level or "", record.service or SERVICE, record.version or "")
        for key in keys:
            cells = [(key, HOUR, int(t - t % HOUR), *dims)]
            if t >= rollup_cutoff:
                cells.append((key, MINUTE, int(t - t % MINUTE), *dims))
            for cell in cells:
                buckets[cell][0] += 1
                buckets[cell][1] += int(ambiguous)
            first, last, hits = seen.get(key, (t, t, 0))
            seen[key] = [min(first, t), max(last, t), hits + 1]
            newest[key].append((t, arrival, record, ambiguous))
    samples = {}
    for key, items in newest.items():
        kept = sorted(items, key=lambda item: (item[0], item[1]))[-SAMPLES:]
        samples[key] = sorted((t, redact(r.message), r.host, r.service or SERVICE, r.version,
                               r.attributes.get("trace_id"), amb) for t, _, r, amb in kept)
    return {
        "buckets": {cell: tuple(v) for cell, v in buckets.items()},
        "seen": {key: tuple(v) for key, v in seen.items()},
        "samples": samples,
        "unmatched": {ident: (row["count"], row["first"], row["last"], row["example"], dict(row["hours"]))
                      for ident, row in unmatched.items()},
        "totals": {name: value for name, value in totals.items() if value},
    }


def _stored(path: Path) -> dict[str, object]:
    conn = sqlite3.connect(path)
    try:
        buckets = {tuple(r[:6]): (r[6], r[7]) for r in conn.execute(
            "SELECT key, res, start, level, service, version, hits, ambiguous FROM buckets")}
        seen = {r[0]: (r[1], r[2], r[3]) for r in conn.execute("SELECT key, first_seen, last_seen, hits FROM seen")}
        samples: dict[str, list] = defaultdict(list)
        for key, *row in conn.execute(
                "SELECT key, ts, message, host, service, version, trace_id, ambiguous FROM samples"):
            samples[key].append((row[0], row[1], row[2], row[3], row[4] or None, row[5], bool(row[6])))
        hours: dict[int, dict[int, int]] = defaultdict(dict)
        for shape_id, start, hits in conn.execute("SELECT shape_id, start, hits FROM unmatched_buckets"):
            hours[shape_id][start] = hits
        unmatched = {(shape, level): (count, first, last, example, hours[i]) for i, shape, level, count, first, last,
                     example in conn.execute(
                         "SELECT id, shape, level, count, first_seen, last_seen, example FROM unmatched")}
        totals = dict(conn.execute("SELECT name, value FROM totals WHERE value != 0"))
    finally:
        conn.close()
    return {"buckets": buckets, "seen": seen, "samples": {k: sorted(v) for k, v in samples.items()},
            "unmatched": unmatched, "totals": totals}


def _fold_keys(aggregator: Aggregator, records: list[LogRecord], matches: list[Match]) -> None:
    """`Aggregator.add_keys`: one key per record (None when unmatched or tied) and the ties by position."""
    ties = {i: m.candidate_keys for i, m in enumerate(matches) if m.key is None and m.candidates > 1}
    aggregator.add_keys(records, [m.key for m in matches], ties)


def _ingest(path: Path, records: list[LogRecord], matches: list[Match], batch: int, flush_every: int,
            folds: int = 1, by_keys: bool = False) -> None:
    """Batches of `batch` records, each folded in `folds` calls of `add_many` (or `add_keys`) before it is
    written."""
    writer = SqliteWriter(path, samples_per_key=SAMPLES)
    aggregator = Aggregator(samples_per_key=SAMPLES, redactor=Redactor(), service=SERVICE,
                            rollup_after_s=ROLLUP_S, retention_s=RETENTION_S, now=NOW)
    step = -(-batch // folds)
    try:
        for n, start in enumerate(range(0, len(records), batch)):
            for part in range(start, min(start + batch, len(records)), step):
                end = min(part + step, start + batch)
                if by_keys:
                    _fold_keys(aggregator, records[part:end], matches[part:end])
                else:
                    aggregator.add_many(records[part:end], matches[part:end])
            writer.apply(aggregator.take(with_samples=n % flush_every == flush_every - 1))
        writer.apply(aggregator.take(with_samples=True))
    finally:
        writer.close()


@pytest.mark.parametrize(("seed", "batch", "flush_every", "ambiguous_share", "by_keys"), [
    (1, 5000, 1, 0.06, False),  # one batch: every cut-off inside it (record-by-record path)
    (2, 97, 3, 0.06, False),  # small batches: most wholly recent or wholly old (column path), a few straddling
    (3, 400, 2, 0.06, False),
    (5, 150, 2, 0.0, False),  # no ambiguity: unmatched records folded per shape
    (6, 5000, 1, 0.06, True),  # the same through add_keys
    (7, 97, 2, 0.06, True),
])
def test_store_equals_a_plain_fold_of_the_records(tmp_path: Path, seed: int, batch: int, flush_every: int,
                                                 ambiguous_share: float, by_keys: bool):
    records, matches = _records(seed, 3000, ambiguous_share)
    _ingest(tmp_path / "store.db", records, matches, batch, flush_every, by_keys=by_keys)
    expected, got = _reference(records, matches), _stored(tmp_path / "store.db")
    for table in ("totals", "seen", "buckets", "unmatched", "samples"):
        assert got[table] == expected[table], table
    assert expected["totals"]["expired"] and expected["totals"]["unmatched"]  # the data reached those paths
    assert bool(expected["totals"].get("ambiguous")) == bool(ambiguous_share)
    assert any(cell[1] == MINUTE for cell in expected["buckets"])
    assert any(cell[0] == RARE_KEY for cell in expected["buckets"])


@pytest.mark.parametrize("ambiguous_share", [0.06, 0.0])
def test_batch_size_does_not_change_the_store(tmp_path: Path, ambiguous_share: float):
    """Column path and record path give the same rows: a store from many small batches, one from batches folded
    in several `add_many` calls each, one from a single batch."""
    records, matches = _records(4, 2000, ambiguous_share)
    _ingest(tmp_path / "small.db", records, matches, 61, 1)
    _ingest(tmp_path / "folds.db", records, matches, 300, 2, folds=3)
    _ingest(tmp_path / "whole.db", records, matches, len(records), 1)
    whole = _stored(tmp_path / "whole.db")
    assert _stored(tmp_path / "small.db") == whole
    assert _stored(tmp_path / "folds.db") == whole
