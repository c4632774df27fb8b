"""Deterministic log data for the remote-store tests: statements of one source file, records they wrote, and
the truth (which statement wrote each record), so every store's counts are checked against what was generated,
not against numbers written into the test."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from prodlens.model import normalize_level, Confidence, Hole, HoleKind, LogStatement, Range, Template, statement_key
from prodlens.stores.base import TimeRange

NOW = datetime(2026, 1, 10, 12, 0, 0, tzinfo=timezone.utc)
WINDOW = TimeRange(NOW - timedelta(hours=24), NOW, "24h")
PATH = "src/app/payments.py"
DEPLOYED_PATH = "/srv/app/src/app/payments.py"
HOSTILE = "it's \"quoted\" \\ back`tick` {p0:String} {x} */ -- ;DROP TABLE otel_logs; $x %s"


def _statement(line: int, level: str | None, *parts, logger: str | None = "app.payments",
               confidence: Confidence = Confidence.FULL) -> LogStatement:
    template = Template.of(*parts)
    return LogStatement(
        key=statement_key(PATH, template, level, 0), path=PATH, range=Range(line - 1, 4, line - 1, 60),
        language="python", framework="logging", level=level, logger=logger, template=template,
        confidence=confidence)


PAYING = _statement(10, "info", "Customer ", Hole(HoleKind.ANY), " paying ", Hole(HoleKind.NUMBER))
RETRY = _statement(20, "warn", "Retrying payment ", Hole(HoleKind.INT), " after ", Hole(HoleKind.INT), " ms")
FAILED = _statement(30, "error", "Payment failed: ", Hole(HoleKind.ANY))
CONNECTED_INFO = _statement(40, "info", "Connected to ", Hole(HoleKind.WORD))
CONNECTED_WARN = _statement(41, "warn", "Connected to ", Hole(HoleKind.WORD))
DYNAMIC = _statement(50, "info", Hole(HoleKind.JSON), confidence=Confidence.DYNAMIC)
HOSTILE_STMT = _statement(60, "error", HOSTILE + "\nsecond line ", Hole(HoleKind.ANY))
NEVER = _statement(70, "debug", "Never written ", Hole(HoleKind.ANY))
LOGIN = _statement(80, "info", "User ", Hole(HoleKind.WORD), " logged in")

STATEMENTS = [PAYING, RETRY, FAILED, CONNECTED_INFO, CONNECTED_WARN, DYNAMIC, HOSTILE_STMT, NEVER, LOGIN]


@dataclass
class Record:
    ts: datetime
    body: str
    level: str
    service: str
    version: str
    logger: str = "app.payments"
    file: str = ""
    line: int = 0
    truth: str | None = None  # key of the statement that wrote it


@dataclass
class Dataset:
    records: list[Record] = field(default_factory=list)

    def expected(self, time_range: TimeRange = WINDOW) -> dict[str, dict]:
        out: dict[str, dict] = defaultdict(lambda: {"total": 0, "previous": 0, "by_service": Counter(),
                                                    "by_version": Counter(), "by_level": Counter()})
        for r in self.records:
            if r.truth is None:
                continue
            if time_range.start <= r.ts < time_range.end:
                e = out[r.truth]
                e["total"] += 1
                e["by_service"][r.service] += 1
                e["by_version"][r.version] += 1
                e["by_level"][normalize_level(r.level)] += 1
            elif time_range.previous_start <= r.ts < time_range.start:
                out[r.truth]["previous"] += 1
        return out


def make_dataset(scale: int = 1) -> Dataset:
    """Records in the current and the previous window, from several services and versions, plus noise that
    must not be counted (other loggers, other files, near-miss text, out-of-range times)."""
    data = Dataset()
    add = data.records.append
    services = ("api", "worker")
    versions = ("1.0.0", "1.1.0")
    for i in range(60 * scale):
        ts = NOW - timedelta(minutes=17 * i + 3)  # about 17 hours back: current window only
        svc, ver = services[i % 2], versions[(i // 3) % 2]
        add(Record(ts, f"Customer c{i} paying {i * 1.5}", "INFO", svc, ver, truth=PAYING.key))
        if i % 3 == 0:
            add(Record(ts - timedelta(hours=24), f"Customer p{i} paying {i}", "INFO", svc, ver, truth=PAYING.key))
        if i % 4 == 0:
            add(Record(ts, f"Retrying payment {i} after {i * 10} ms", "WARNING", svc, ver, truth=RETRY.key))
        if i % 5 == 0:
            add(Record(ts, f"Payment failed: card {i} declined\nTraceback: line {i}", "ERROR", svc, ver,
                       truth=FAILED.key))
        if i % 6 == 0:
            add(Record(ts, f"Connected to db{i}", "INFO", svc, ver, truth=CONNECTED_INFO.key))
            add(Record(ts, f"Connected to replica{i}", "WARN", svc, ver, truth=CONNECTED_WARN.key))
        if i % 10 == 0:
            # location wins: a dynamic message, carrying its code location
            add(Record(ts, '{"event": "state", "n": %d}' % i, "INFO", svc, ver, file=DEPLOYED_PATH, line=50,
                       truth=DYNAMIC.key))
            add(Record(ts, f"{HOSTILE}\nsecond line #{i}", "ERROR", svc, ver, truth=HOSTILE_STMT.key))
        if i % 7 == 0:
            add(Record(ts, f"User bob{i}@example.com logged in", "INFO", svc, ver, truth=LOGIN.key))
        # noise: near misses and other statements' records
        add(Record(ts, f"Reconnected to db{i}", "INFO", svc, ver))
        add(Record(ts, f"Customer c{i} paying lots", "INFO", svc, ver))  # not a number
        add(Record(ts, f"Connected to db{i}", "INFO", svc, ver, logger="app.other"))  # another logger
        add(Record(ts, f"Payment failed: elsewhere {i}", "ERROR", svc, ver, file="/srv/app/src/app/other.py",
                   line=30))  # located in another file: not ours though the text fits
        add(Record(ts - timedelta(days=3), f"Customer old{i} paying 1", "INFO", svc, ver))  # out of range
    return data
