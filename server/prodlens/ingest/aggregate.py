"""Fold matched records into the rows one transaction writes.

Per record this is a few dictionary updates (bucket, first/last seen) and a heap push (the newest records per
statement by timestamp). Everything expensive — redaction, SQL — happens per batch for counts, and for samples only when
they are flushed (`take(with_samples=True)`: every few seconds and at the end), so the cost of keeping "the
latest 20 per statement" does not grow with the log volume. A kill can lose the samples of the last few seconds,
never a count: samples are a best-effort view, counts are exact.
"""

from __future__ import annotations

import time
import heapq
from itertools import count
from typing import Any

from ..model import LogRecord, Match
from ..stores.redact import Redactor
from ..stores.sqlite import HOUR, MINUTE, BatchData, SampleRow, UnmatchedRow
from .shapes import message_shape

MAX_SAMPLE_CHARS = 4000
_TRACE_FIELDS = ("trace_id", "traceId", "trace.id", "TraceId", "traceid", "dd.trace_id")
_TOTALS = ("records", "matched", "ambiguous", "unmatched", "skipped", "expired")


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
        self.samples_per_key = samples_per_key
        self.redactor = redactor
        self.service = service or ""
        self.version = version or ""
        self.rollup_after_s = rollup_after_s
        self.retention_s = retention_s
        # key -> min-heap of (timestamp, arrival, record, ambiguous): the newest `samples_per_key` by timestamp
        self._samples: dict[str, list[tuple[float, int, LogRecord, int]]] = {}
        self._arrival = count()
        self._redacted: dict[str, str] = {}  # attribute values repeat (hosts, versions): redact each once
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
        totals = self.batch.totals
        buckets = self.batch.buckets
        seen = self.batch.seen
        samples = self._samples
        n_samples = self.samples_per_key
        now = self.now
        rollup_cutoff = self.rollup_cutoff
        retention_cutoff = self.retention_cutoff
        default_service = self.service
        default_version = self.version
        arrival = self._arrival
        matched = expired = 0
        for record, match in zip(records, matches):
            key = match.key
            stamp = record.timestamp
            t = stamp.timestamp() if stamp is not None else now
            if key is None:
                if match.candidates > 1 and match.candidate_keys:
                    expired += self._add_ambiguous(record, match.candidate_keys, t)
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
            if t >= rollup_cutoff:
                cell_key = (key, int(t - t % MINUTE), MINUTE, record.level or "",
                            record.service or default_service, record.version or default_version)
            else:
                cell_key = (key, int(t - t % HOUR), HOUR, record.level or "",
                            record.service or default_service, record.version or default_version)
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
            if n_samples:
                ring = samples.get(key)
                if ring is None:
                    samples[key] = [(t, next(arrival), record, 0)]
                elif len(ring) < n_samples:
                    heapq.heappush(ring, (t, next(arrival), record, 0))
                elif t >= ring[0][0]:
                    heapq.heapreplace(ring, (t, next(arrival), record, 0))
        totals["records"] += len(records)
        totals["matched"] += matched
        totals["expired"] += expired

    def _add_ambiguous(self, record: LogRecord, keys: tuple[str, ...], t: float) -> int:
        """Every candidate gets the hit, marked ambiguous (see stores/sqlite.py). Returns 1 when expired."""
        self.batch.totals["ambiguous"] += 1
        if t < self.retention_cutoff:
            return 1
        res = MINUTE if t >= self.rollup_cutoff else HOUR
        start = int(t - t % res)
        level = record.level or ""
        service = record.service or self.service
        version = record.version or self.version
        for key in keys:
            cell_key = (key, start, res, level, service, version)
            cell = self.batch.buckets.get(cell_key)
            if cell is None:
                self.batch.buckets[cell_key] = [1, 1]
            else:
                cell[0] += 1
                cell[1] += 1
            s = self.batch.seen.get(key)
            if s is None:
                self.batch.seen[key] = [t, t, 1]
            else:
                s[0], s[1], s[2] = min(s[0], t), max(s[1], t), s[2] + 1
            if self.samples_per_key:
                ring = self._samples.setdefault(key, [])
                entry = (t, next(self._arrival), record, 1)
                if len(ring) < self.samples_per_key:
                    heapq.heappush(ring, entry)
                elif t >= ring[0][0]:
                    heapq.heapreplace(ring, entry)
        return 0

    def _add_unmatched(self, record: LogRecord, t: float) -> None:
        shape = message_shape(record.message)
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
        batch = self.batch
        redact = self.redactor.redact
        if with_samples:
            for key, ring in self._samples.items():
                sample = self._sample
                batch.samples[key] = [sample(t, record, amb) for t, _, record, amb in sorted(ring, key=_first2)]
            self._samples = {}
        for ident, record in self._unmatched_examples.items():
            batch.unmatched[ident].example = redact(_clip(record.message)) or ""
        self._new()
        return batch

    def _sample(self, t: float, record: LogRecord, ambiguous: int) -> SampleRow:
        attrs: dict[str, Any] | None = record.attributes
        trace = None
        if attrs:
            for name in _TRACE_FIELDS:
                value = attrs.get(name)
                if value:
                    trace = str(value)[:64]
                    break
        return SampleRow(
            t, record.level, self.redactor.redact(_clip(record.message)) or "",
            self._attr(record.host), self._attr(record.service or self.service),
            self._attr(record.version or self.version), self._attr(trace), bool(ambiguous),
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


def _first2(item: tuple[float, int, LogRecord, int]) -> tuple[float, int]:
    return item[0], item[1]


def _clip(text: str) -> str:
    return text if len(text) <= MAX_SAMPLE_CHARS else text[:MAX_SAMPLE_CHARS] + "…"
