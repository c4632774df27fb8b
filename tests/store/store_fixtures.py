"""Helpers for store tests: real statements, records and matches, written the way ingest writes them."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from prodlens.ingest.aggregate import Aggregator
from prodlens.model import Confidence, LogRecord, LogStatement, Match, MatchMethod, Range, Template
from prodlens.stores.redact import Redactor
from prodlens.stores.sqlite import SqliteStore, SqliteWriter

_REAL_NOW = datetime.now(timezone.utc).replace(microsecond=0)
# The last half past the hour: hour rows start on the hour and sparkline slots end at "now", so with a real "now"
# just after the hour, hits a few minutes back fell in the previous hour's row and slot, and the tests' view of
# "the last hour" depended on the clock. Half past keeps every test's recent hits inside one hour.
NOW = _REAL_NOW.replace(minute=30, second=0) - (timedelta(hours=1) if _REAL_NOW.minute < 30 else timedelta(0))


def statement(key: str, text: str = "Order {} placed", line: int = 10, level: str = "info") -> LogStatement:
    return LogStatement(
        key=key, path="src/Orders.java", range=Range(line - 1, 4, line - 1, 40), language="java",
        framework="slf4j", level=level, logger="com.shop.Orders", template=Template.of(text),
        confidence=Confidence.FULL,
    )


def record(message: str, minutes_ago: float = 1.0, **fields: object) -> LogRecord:
    return LogRecord(message=message, timestamp=NOW - timedelta(minutes=minutes_ago), **fields)  # type: ignore[arg-type]


def hit(key: str) -> Match:
    return Match(key, MatchMethod.TEMPLATE, 1, 1.0, (key,))


def ambiguous(*keys: str) -> Match:
    return Match(None, MatchMethod.TEMPLATE, len(keys), 0.5, tuple(keys))


MISS = Match.none()


class StoreFiller:
    """Writes batches the way ingest does (Aggregator → SqliteWriter.apply)."""

    def __init__(self, path: Path, samples: int = 20, redactor: Redactor | None = None) -> None:
        self.path = path
        self.writer = SqliteWriter(path, samples_per_key=samples)
        self.aggregator = Aggregator(samples_per_key=samples, redactor=redactor or Redactor())

    def write(self, pairs: list[tuple[LogRecord, Match]]) -> None:
        self.aggregator.reset_clock()
        self.aggregator.add_many([r for r, _ in pairs], [m for _, m in pairs])
        self.writer.apply(self.aggregator.take())

    def close(self) -> None:
        self.writer.close()


