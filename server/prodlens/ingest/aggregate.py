"""Fold matched records into the rows one transaction writes.

The fold runs once per record of every log line, so it is written to keep per-record work inside C: the batch's
timestamps, statement keys and dimensions are pulled out with `map`/`attrgetter`, and the cells (statement,
bucket start, level, service, version) are counted by `collections.Counter` over `zip`ped columns. Python-level
work is per cell, per statement or per kept sample, not per record. That fast path needs the batch to sit on one
side of the roll-up and retention cut-offs (every record gets the same bucket resolution and none is expired) —
true for all but the batch that straddles a cut-off (records without a timestamp count at "now"); that batch
takes the per-record path (`_add_each`), which is the same fold written record by record. Both paths feed the
same structures and give identical results (tests/ingest/test_aggregate_equivalence.py compares them with a plain
reference fold). The cyclic garbage collector is held off during a fold (`gc_paused`): the batch allocates tens
of thousands of short-lived acyclic tuples, and each burst made it walk every live object again.

Samples (the newest `samples_per_key` records per statement by timestamp, ties to the later record) are chosen
per batch: each statement's newest records of the batch are merged into its ring, kept sorted by (timestamp,
sequence). Redaction and SQL happen only when samples are flushed (`take(with_samples=True)`: every few seconds
and at the end), so keeping "the latest 20 per statement" does not grow with the log volume. A kill can lose the
samples of the last few seconds, never a count: samples are a best-effort view, counts are exact.
"""

from __future__ import annotations

import time
from collections import Counter
from datetime import datetime
from itertools import accumulate, chain, compress, islice, repeat
from operator import add, attrgetter, floordiv, is_, is_not, le, lshift, mod, mul, not_, sub
from typing import Any

from ..model import LogRecord, Match
from ..stores.redact import Redactor
from ..stores.sqlite import HOUR, MINUTE, BatchData, SampleRow, UnmatchedRow, gc_paused
from .shapes import message_shape

MAX_SAMPLE_CHARS = 4000
_TRACE_FIELDS = ("trace_id", "traceId", "trace.id", "TraceId", "traceid", "dd.trace_id")
_TRACE_NAMES = frozenset(_TRACE_FIELDS)
_TOTALS = ("records", "matched", "ambiguous", "unmatched", "skipped", "expired")
# A sample's sequence number is (record's position in the whole run << _SEQ_SHIFT) + its place among the record's
# candidate keys, so ties in timestamp go to the later record, also for an ambiguous record that names one
# statement twice.
_SEQ_SHIFT = 16
_SHAPE_CACHE_MAX = 10_000  # messages of at most _SHAPE_CACHE_CHARS each: the cache stays near 10 MB at worst
_SHAPE_CACHE_CHARS = 1_000

_KEY = attrgetter("key")
_STAMP = attrgetter("timestamp")
_LEVEL = attrgetter("level")
_SERVICE = attrgetter("service")
_VERSION = attrgetter("version")
_MESSAGE = attrgetter("message")
_EPOCH = datetime.timestamp

# A kept sample: (timestamp, sequence, record, ambiguous 0/1); a ring is a list of them sorted ascending.
SampleEntry = tuple[float, int, LogRecord, int]


class Aggregator:
    def __init__(
        self,
        *,
        samples_per_key: int,
        redactor: Redactor,
        service: str | None = None,
        version: str | None = None,
        rollup_after_s: float = 2 * 86400,
        retention_s: float = 30 * 86400,
        now: float | None = None,
    ) -> None:
        self.samples_per_key = max(0, samples_per_key)
        self.redactor = redactor
        self.service = service or ""
        self.version = version or ""
        self.rollup_after_s = rollup_after_s
        self.retention_s = retention_s
        # key -> the newest `samples_per_key` entries by (timestamp, sequence), ascending
        self._samples: dict[str, list[SampleEntry]] = {}
        self._seq = 0  # records seen so far (the base of the next batch's sequence numbers)
        self._redacted: dict[str, str] = {}  # attribute values repeat (hosts, versions): redact each once
        self._shapes: dict[str, str] = {}  # unmatched messages repeat: shape each distinct text once
        self.reset_clock(now)
        self._new()

    def reset_clock(self, now: float | None = None) -> None:
        """Fix "now" for bucket resolution and retention (called per batch, so a long follow keeps moving)."""
        self.now = time.time() if now is None else now
        self.rollup_cutoff = self.now - self.rollup_after_s
        self.retention_cutoff = self.now - self.retention_s

    def _new(self) -> None:
        self.batch = BatchData()
        self.batch.totals = dict.fromkeys(_TOTALS, 0)
        self._unmatched_examples: dict[tuple[str, str, str], LogRecord] = {}

    @property
    def pending_samples(self) -> bool:
        return bool(self._samples)

    def skip(self, reason: str | None = None) -> None:
        self.batch.totals["skipped"] += 1

    def add_many(self, records: list[LogRecord], matches: list[Match]) -> None:
        """Count `records` (paired with `matches`, as `zip` pairs them) into the current batch."""
        with gc_paused():
            count = min(len(records), len(matches))
            keys = list(map(_KEY, matches if count == len(matches) else islice(matches, count)))
            ties = {}
            for i in compress(range(count), map(is_, keys, repeat(None))):
                match = matches[i]
                if match.candidates > 1 and match.candidate_keys:
                    ties[i] = match.candidate_keys
            self._fold(records if count == len(records) else records[:count], keys, ties, len(records))

    def add_keys(self, records: list[LogRecord], keys: list[str | None],
                 ties: dict[int, tuple[str, ...]] | None = None) -> None:
        """`add_many` for a matcher that hands over one statement key per record instead of a `Match` object.

        `keys[i]` is the key of the statement that wrote `records[i]`, or None when no statement fits or several
        fit equally well; `ties` maps the position of each record that several statements fit to their keys (the
        record is then counted on each, as ambiguous). Same result as `add_many` with the equivalent `Match`es;
        it only spares building and reading one `Match` per record."""
        with gc_paused():
            count = min(len(records), len(keys))
            self._fold(records if count == len(records) else records[:count],
                       keys if count == len(keys) else keys[:count], ties or {}, len(records))

    def _fold(self, records: list[LogRecord], keys: list[str | None], ties: dict[int, tuple[str, ...]],
              total: int) -> None:
        count = len(keys)
        stamps = list(map(_STAMP, records))
        try:
            ts = list(map(_EPOCH, stamps))
        except TypeError:  # records without a timestamp count at "now"
            now = self.now
            ts = [stamp.timestamp() if stamp is not None else now for stamp in stamps]
        base = self._seq
        self._seq += count
        candidates: dict[str, list[SampleEntry]] = {}
        if count:
            lo, hi = min(ts), max(ts)
            if lo >= self.retention_cutoff and (lo >= self.rollup_cutoff or hi < self.rollup_cutoff):
                self._add_columns(records, keys, ties, ts, base, MINUTE if lo >= self.rollup_cutoff else HOUR,
                                  candidates)
            else:
                self._add_each(records, keys, ties, ts, base, candidates)
        if candidates:
            self._merge_samples(candidates)
        self.batch.totals["records"] += total

    # -- the fast path: one resolution for the whole batch, nothing expired --------------------------------------

    def _add_columns(self, records: list[LogRecord], keys: list[str | None], ties: dict[int, tuple[str, ...]],
                     ts: list[float], base: int, res: int, candidates: dict[str, list[SampleEntry]]) -> None:
        count = len(keys)
        batch = self.batch
        starts = map(sub, ts, map(mod, ts, repeat(float(res))))  # == t - t % res, bucket start as a float
        cells = Counter(zip(keys, starts, map(_LEVEL, records), map(_SERVICE, records), map(_VERSION, records)))
        self._add_cells(cells, res)

        mask = list(map(is_not, keys, repeat(None)))
        matched = sum(mask)
        batch.totals["matched"] += matched
        if matched == count:
            m_keys: list[str] = keys  # type: ignore[assignment]
            m_ts, m_index = ts, None
        else:
            m_keys = list(compress(keys, mask))
            m_ts = list(compress(ts, mask))
            m_index = list(compress(range(count), mask))
        if matched:
            self._seen_and_samples(records, m_keys, m_ts, m_index, base, candidates)
        if matched != count:
            others = list(compress(range(count), map(not_, mask)))
            if not ties:  # no ambiguous record: all of them are unmatched
                batch.totals["unmatched"] += len(others)
                self._add_unmatched_many(list(map(records.__getitem__, others)), list(map(ts.__getitem__, others)))
                return
            for i in others:
                tied = ties.get(i)
                if tied:
                    self._add_ambiguous(records[i], tied, ts[i], (base + i) << _SEQ_SHIFT, candidates)
                else:
                    batch.totals["unmatched"] += 1
                    self._add_unmatched(records[i], ts[i])

    def _add_cells(self, cells: Counter, res: int) -> None:
        """Counted cells (key, start, level, service, version) -> the batch's bucket rows, dimensions normalised
        as the record path does (`level or ""`, `service or default`). Column-wise when the batch had no rows
        yet and no two cells normalise to the same row; else cell by cell, summing."""
        buckets = self.batch.buckets
        service, version = self.service, self.version
        if not buckets:
            keys, starts, levels, services, versions = zip(*cells) if cells else ((),) * 5
            real = list(map(is_not, keys, repeat(None)))
            rows = dict(zip(
                zip(compress(keys, real), map(int, compress(starts, real)), repeat(res),
                    map({None: "", "": ""}.get, compress(levels, real), compress(levels, real)),
                    map({None: service, "": service}.get, compress(services, real), compress(services, real)),
                    map({None: version, "": version}.get, compress(versions, real), compress(versions, real))),
                map(list, zip(compress(cells.values(), real), repeat(0))),
            ))
            if len(rows) == sum(real):  # nothing merged: the rows are exact
                self.batch.buckets = rows
                return
        for (key, start, level, rec_service, rec_version), hits in cells.items():
            if key is None:
                continue
            cell_key = (key, int(start), res, level or "", rec_service or service, rec_version or version)
            cell = buckets.get(cell_key)
            if cell is None:
                buckets[cell_key] = [hits, 0]
            else:
                cell[0] += hits

    def _seen_and_samples(self, records: list[LogRecord], keys: list[str], ts: list[float],
                          index: list[int] | None, base: int, candidates: dict[str, list[SampleEntry]]) -> None:
        """First/last seen and hits per statement, and each statement's newest records of the batch.

        Works on the matched records put in (timestamp, position) order — already so for a log read in time order,
        which is checked in C — so a statement's first and last records are its first and last seen, and its
        newest records are the last ones of its group after a stable sort by key."""
        if not all(map(le, ts, islice(ts, 1, None))):
            order = sorted(range(len(ts)), key=ts.__getitem__)  # stable: equal timestamps keep record order
            keys = list(map(keys.__getitem__, order))
            ts = list(map(ts.__getitem__, order))
            index = list(map(index.__getitem__, order)) if index is not None else order
        last = dict(zip(keys, ts))
        first = dict(zip(reversed(keys), reversed(ts)))
        hits = Counter(keys)
        seen = self.batch.seen
        if not seen:  # the batch's first fold: every statement is new to it
            self.batch.seen = dict(zip(hits, map(list, zip(map(first.__getitem__, hits), map(last.__getitem__, hits),
                                                           hits.values()))))
        else:
            for key, n in hits.items():
                s = seen.get(key)
                if s is None:
                    seen[key] = [first[key], last[key], n]
                else:
                    t = first[key]
                    if t < s[0]:
                        s[0] = t
                    t = last[key]
                    if t > s[1]:
                        s[1] = t
                    s[2] += n
        keep = self.samples_per_key
        if not keep:
            return
        # Group positions by statement (stable: each group stays in (t, position) order), keep each group's last
        # `keep`, and build the entries for all groups at once; then cut the list back into groups.
        grouped = sorted(range(len(keys)), key=keys.__getitem__)
        names = sorted(hits)  # the groups' order
        ends = list(accumulate(map(hits.__getitem__, names)))
        firsts = list(map(max, chain((0,), ends), map(sub, ends, repeat(keep))))
        chosen = list(chain.from_iterable(map(grouped.__getitem__, map(slice, firsts, ends))))
        rows = chosen if index is None else list(map(index.__getitem__, chosen))
        entries = list(zip(map(ts.__getitem__, chosen), map(lshift, map(add, rows, repeat(base)), repeat(_SEQ_SHIFT)),
                           map(records.__getitem__, rows), repeat(0)))
        cut = list(accumulate(map(sub, ends, firsts)))
        candidates.update(zip(names, map(entries.__getitem__, map(slice, chain((0,), cut), cut))))

    # -- the general path: record by record --------------------------------------------------------------------

    def _add_each(self, records: list[LogRecord], keys: list[str | None], ties: dict[int, tuple[str, ...]],
                  ts: list[float], base: int, candidates: dict[str, list[SampleEntry]]) -> None:
        totals = self.batch.totals
        buckets = self.batch.buckets
        seen = self.batch.seen
        keep = self.samples_per_key
        rollup_cutoff = self.rollup_cutoff
        retention_cutoff = self.retention_cutoff
        default_service = self.service
        default_version = self.version
        matched = expired = 0
        for i, (record, key, t) in enumerate(zip(records, keys, ts)):
            if key is None:
                tied = ties.get(i)
                if tied:
                    expired += self._add_ambiguous(record, tied, t, (base + i) << _SEQ_SHIFT, candidates)
                else:
                    totals["unmatched"] += 1
                    if t >= retention_cutoff:
                        self._add_unmatched(record, t)
                    else:
                        expired += 1
                continue
            matched += 1
            if t < retention_cutoff:
                expired += 1
                continue
            res = MINUTE if t >= rollup_cutoff else HOUR
            cell_key = (key, int(t - t % res), res, record.level or "", record.service or default_service,
                        record.version or default_version)
            cell = buckets.get(cell_key)
            if cell is None:
                buckets[cell_key] = [1, 0]
            else:
                cell[0] += 1
            s = seen.get(key)
            if s is None:
                seen[key] = [t, t, 1]
            else:
                s[2] += 1
                if t > s[1]:
                    s[1] = t
                elif t < s[0]:
                    s[0] = t
            if keep:
                entry = (t, (base + i) << _SEQ_SHIFT, record, 0)
                found = candidates.get(key)
                if found is None:
                    candidates[key] = [entry]
                else:
                    found.append(entry)
        totals["matched"] += matched
        totals["expired"] += expired

    def _add_ambiguous(self, record: LogRecord, keys: tuple[str, ...], t: float, seq: int,
                       candidates: dict[str, list[SampleEntry]]) -> int:
        """Every candidate gets the hit, marked ambiguous (see stores/sqlite.py). Returns 1 when expired."""
        self.batch.totals["ambiguous"] += 1
        if t < self.retention_cutoff:
            return 1
        res = MINUTE if t >= self.rollup_cutoff else HOUR
        start = int(t - t % res)
        level = record.level or ""
        service = record.service or self.service
        version = record.version or self.version
        buckets = self.batch.buckets
        seen = self.batch.seen
        for j, key in enumerate(keys):
            cell_key = (key, start, res, level, service, version)
            cell = buckets.get(cell_key)
            if cell is None:
                buckets[cell_key] = [1, 1]
            else:
                cell[0] += 1
                cell[1] += 1
            s = seen.get(key)
            if s is None:
                seen[key] = [t, t, 1]
            else:
                s[0], s[1], s[2] = min(s[0], t), max(s[1], t), s[2] + 1
            if self.samples_per_key:
                entry = (t, seq + j, record, 1)
                found = candidates.get(key)
                if found is None:
                    candidates[key] = [entry]
                else:
                    found.append(entry)
        return 0

    def _merge_samples(self, candidates: dict[str, list[SampleEntry]]) -> None:
        """Fold the batch's candidates (per statement, not necessarily sorted) into the rings: keep the newest
        `samples_per_key` by (timestamp, sequence). Sequences are unique, so tuples never compare records."""
        keep = self.samples_per_key
        rings = self._samples
        for key, found in candidates.items():
            if len(found) > 1 and not _ascending(found):
                found.sort()
            ring = rings.get(key)
            if ring is None:
                rings[key] = found[-keep:] if len(found) > keep else found
            elif ring[-1] < found[0]:  # the usual case: a log read in time order
                ring.extend(found)
                if len(ring) > keep:
                    del ring[:-keep]
            else:
                merged = sorted(ring + found)
                rings[key] = merged[-keep:]

    def _shape(self, message: str) -> str:
        shape = self._shapes.get(message)
        if shape is None:
            shape = message_shape(message)
            if len(message) <= _SHAPE_CACHE_CHARS:  # the cache holds its messages: keep long ones out of it
                if len(self._shapes) >= _SHAPE_CACHE_MAX:
                    self._shapes.clear()
                self._shapes[message] = shape
        return shape

    def _add_unmatched_many(self, records: list[LogRecord], ts: list[float]) -> None:
        """`_add_unmatched` for many records (none expired), per shape instead of per record."""
        shapes = list(map(self._shape, map(_MESSAGE, records)))
        service = self.service
        levels = map({None: "", "": ""}.get, map(_LEVEL, records), map(_LEVEL, records))  # `level or ""`
        services = map({None: service, "": service}.get, map(_SERVICE, records), map(_SERVICE, records))
        idents = list(zip(shapes, levels, services))
        hours = list(map(mul, map(floordiv, map(int, ts), repeat(HOUR)), repeat(HOUR)))  # int(t) // HOUR * HOUR
        if not all(map(le, ts, islice(ts, 1, None))):
            order = sorted(range(len(ts)), key=ts.__getitem__)
            by_time, stamps = list(map(idents.__getitem__, order)), list(map(ts.__getitem__, order))
        else:
            by_time, stamps = idents, ts
        first = dict(zip(reversed(by_time), reversed(stamps)))
        last = dict(zip(by_time, stamps))
        example = dict(zip(reversed(idents), reversed(records)))  # each shape's first record
        per_hour: dict[tuple[str, str, str], dict[int, int]] = {}
        for (ident, hour), hits in Counter(zip(idents, hours)).items():
            found = per_hour.get(ident)
            if found is None:
                per_hour[ident] = {hour: hits}
            else:
                found[hour] = hits
        unmatched = self.batch.unmatched
        for ident, hits in Counter(idents).items():
            row = unmatched.get(ident)
            if row is None:
                unmatched[ident] = UnmatchedRow("", hits, first[ident], last[ident], per_hour[ident])
                self._unmatched_examples[ident] = example[ident]
            else:
                row.count += hits
                row.first_seen = min(row.first_seen, first[ident])
                row.last_seen = max(row.last_seen, last[ident])
                for hour, n in per_hour[ident].items():
                    row.hours[hour] = row.hours.get(hour, 0) + n

    def _add_unmatched(self, record: LogRecord, t: float) -> None:
        shape = self._shape(record.message)
        ident = (shape, record.level or "", record.service or self.service)
        row = self.batch.unmatched.get(ident)
        hour = int(t) // HOUR * HOUR
        if row is None:
            self.batch.unmatched[ident] = UnmatchedRow("", 1, t, t, {hour: 1})
            self._unmatched_examples[ident] = record
        else:
            row.count += 1
            row.first_seen = min(row.first_seen, t)
            row.last_seen = max(row.last_seen, t)
            row.hours[hour] = row.hours.get(hour, 0) + 1

    def take(self, with_samples: bool = True) -> BatchData:
        """The finished batch (texts redacted); the aggregator starts a new one. Samples collected so far are
        included (and forgotten) only when `with_samples`."""
        with gc_paused():
            return self._take(with_samples)

    def _take(self, with_samples: bool) -> BatchData:
        batch = self.batch
        redact = self.redactor.redact
        if with_samples:
            sample = self._sample
            for key, ring in self._samples.items():
                batch.samples[key] = [sample(t, record, amb) for t, _, record, amb in ring]
            self._samples = {}
        for ident, record in self._unmatched_examples.items():
            batch.unmatched[ident].example = redact(_clip(record.message)) or ""
        self._new()
        return batch

    def _sample(self, t: float, record: LogRecord, ambiguous: int) -> SampleRow:
        attrs: dict[str, Any] | None = record.attributes
        trace = None
        if attrs and not _TRACE_NAMES.isdisjoint(attrs):  # one lookup per attribute instead of six
            for name in _TRACE_FIELDS:
                value = attrs.get(name)
                if value:
                    trace = str(value)[:64]
                    break
        attr = self._attr
        message = record.message
        return SampleRow(
            t, record.level,
            self.redactor.redact(message if len(message) <= MAX_SAMPLE_CHARS else _clip(message)) or "",
            attr(record.host), attr(record.service or self.service), attr(record.version or self.version),
            attr(trace) if trace else None, bool(ambiguous),
        )

    def _attr(self, value: str | None) -> str | None:
        if not value:
            return None
        done = self._redacted.get(value)
        if done is None:
            if len(self._redacted) > 10_000:
                self._redacted.clear()
            done = self._redacted[value] = self.redactor.redact(str(value)[:256]) or ""
        return done


def _ascending(entries: list[SampleEntry]) -> bool:
    return all(map(le, entries, islice(entries, 1, None)))


def _clip(text: str) -> str:
    return text if len(text) <= MAX_SAMPLE_CHARS else text[:MAX_SAMPLE_CHARS] + "…"
