"""Fold one batch of matched records into the rows one transaction writes.

Per record this is a few dictionary updates (bucket, first/last seen, a bounded deque of samples); everything
expensive — redaction, JSON encoding, SQL — happens once per batch and only for what is kept (the newest
samples per statement, one example per unmatched shape).
"""

from __future__ import annotations

import time
from collections import deque
from typing import Any

from ..model import LogRecord, Match
from ..stores.redact import Redactor
from ..stores.sqlite import HOUR, MINUTE, BatchData, SampleRow, UnmatchedRow
from .shapes import message_shape

MAX_SAMPLE_CHARS = 4000
_TRACE_FIELDS = ("trace_id", "traceId", "trace.id", "TraceId", "traceid", "dd.trace_id")


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
        self.reset_clock(now)
        self._new()

    def reset_clock(self, now: float | None = None) -> None:
        """Fix "now" for bucket resolution and retention (called per batch, so a long follow keeps moving)."""
        self.now = time.time() if now is None else now
        self.rollup_cutoff = self.now - self.rollup_after_s
        self.retention_cutoff = self.now - self.retention_s

    def _new(self) -> None:
        self.batch = BatchData()
        self.batch.totals = {"records": 0, "matched": 0, "ambiguous": 0, "unmatched": 0, "skipped": 0,
                             "expired": 0}
        self._samples: dict[str, deque[tuple[float, LogRecord, bool]]] = {}
        self._unmatched_examples: dict[tuple[str, str, str], LogRecord] = {}

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
        totals["records"] += len(records)
        for record, match in zip(records, matches):
            stamp = record.timestamp
            t = stamp.timestamp() if stamp is not None else now
            key = match.key
            if key is not None:
                keys: tuple[str, ...] = (key,)
                ambiguous = 0
                totals["matched"] += 1
            elif match.candidates > 1 and match.candidate_keys:
                keys = match.candidate_keys
                ambiguous = 1
                totals["ambiguous"] += 1
            else:
                totals["unmatched"] += 1
                if t >= retention_cutoff:
                    self._add_unmatched(record, t)
                else:
                    totals["expired"] += 1
                continue
            if t < retention_cutoff:
                totals["expired"] += 1
                continue
            if t < rollup_cutoff:
                start, res = int(t) // HOUR * HOUR, HOUR
            else:
                start, res = int(t) // MINUTE * MINUTE, MINUTE
            level = record.level or ""
            service = record.service or default_service
            version = record.version or default_version
            for k in keys:
                cell_key = (k, start, res, level, service, version)
                cell = buckets.get(cell_key)
                if cell is None:
                    buckets[cell_key] = [1, ambiguous]
                else:
                    cell[0] += 1
                    cell[1] += ambiguous
                s = seen.get(k)
                if s is None:
                    seen[k] = [t, t, 1]
                else:
                    if t < s[0]:
                        s[0] = t
                    elif t > s[1]:
                        s[1] = t
                    s[2] += 1
                if n_samples:
                    ring = samples.get(k)
                    if ring is None:
                        ring = samples[k] = deque(maxlen=n_samples)
                    ring.append((t, record, bool(ambiguous)))

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

    def take(self) -> BatchData:
        """The finished batch (samples and examples redacted); the aggregator starts a new one."""
        batch = self.batch
        redact = self.redactor.redact
        for key, ring in self._samples.items():
            items = sorted(ring, key=lambda item: item[0])
            batch.samples[key] = [
                SampleRow(t, record.level, redact(_clip(record.message)) or "", self._attributes(record), amb)
                for t, record, amb in items
            ]
        for ident, record in self._unmatched_examples.items():
            batch.unmatched[ident].example = redact(_clip(record.message)) or ""
        self._new()
        return batch

    def _attributes(self, record: LogRecord) -> dict[str, str]:
        out: dict[str, str] = {}
        if record.host:
            out["host"] = record.host
        service = record.service or self.service
        if service:
            out["service"] = service
        version = record.version or self.version
        if version:
            out["version"] = version
        attrs: dict[str, Any] = record.attributes or {}
        for name in _TRACE_FIELDS:
            value = attrs.get(name)
            if value:
                out["trace_id"] = str(value)[:64]
                break
        redact = self.redactor.redact
        return {k: redact(v) or "" for k, v in out.items()}


def _clip(text: str) -> str:
    return text if len(text) <= MAX_SAMPLE_CHARS else text[:MAX_SAMPLE_CHARS] + "…"
