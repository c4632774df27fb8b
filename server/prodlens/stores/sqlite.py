"""The embedded store: one SQLite file (`.prodlens/store.db`) that `prodlens ingest` writes and the language
server, `prodlens stats` and the dashboard read.

Counting happens at ingest (records are matched to statements there), so the store keeps aggregates, never raw
logs: per statement time buckets with level/service/version dimensions, the latest few samples, unmatched
message shapes, checkpoints and totals. See docs/stores/sqlite.md for the schema and the reasons behind it.

Concurrency: WAL mode, one writer (ingest, guarded by a lock file — see `prodlens.ingest.lock`) and any number
of readers. A reader runs each answer in one read transaction, so it sees a consistent snapshot while ingest
commits; it never waits on the writer for longer than a short busy timeout, and every SQLite failure becomes a
`StoreError` naming the file.

Ambiguous matches (several statements fit a record equally well) are attributed to every candidate: each gets
the hit in `hits` and again in `ambiguous`. A lens can then say "120 hits (40 ambiguous)" on each candidate, which
is the truth from each statement's point of view ("at most 120, at least 80"), while the store's `totals` count
every record once. The alternative — counts per candidate set — would hide the hits from lenses entirely.
"""

from __future__ import annotations

import gc
import hashlib
import json
import math
import os
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from itertools import chain, compress, repeat
from operator import add, attrgetter, eq, itemgetter, mod, not_, sub
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..config import Config, store_path
from ..model import Bucket, Counts, LogStatement, Sample
from .base import StoreError, StoreStatus, TimeRange

if TYPE_CHECKING:  # sqlite-utils (and the pandas it probes for) is imported by the writer only: readers stay light
    import sqlite_utils

SCHEMA_VERSION = 2  # 2: hour rows written alongside minute rows; bucket key ordered (key, res, start, ...)
MINUTE = 60
HOUR = 3600
READ_BUSY_TIMEOUT_S = 0.25  # a reader waits at most this long for a lock; WAL readers rarely wait at all
WRITE_BUSY_TIMEOUT_S = 5.0
SPARK_BUCKETS = 24
SAMPLE_ATTRIBUTES = ("host", "service", "version", "trace_id")


def statement_set_hash(statements: Iterable[LogStatement]) -> str:
    """Identifies the statement set that produced the data, so a reader can tell it is from an older index."""
    digest = hashlib.blake2b(digest_size=12)
    for key in sorted({s.key for s in statements}):
        digest.update(key.encode("ascii", "replace") + b"\n")
    return digest.hexdigest()


def _range_parts(lo: int, hi: int) -> list[tuple[int, int, int, int]]:
    """How to sum the hits of [lo, hi) from bucket rows: (res, from, to, sign) ranges of row starts.

    Whole hours come from hour rows; the partial hour at the start from minute rows; the partial hour at the end
    is its hour row minus the minute rows after `hi` (zero when the window ends now). That last form keeps hits
    that exist only as hour rows (rolled-up minutes, re-matched shapes) in the newest hour, as before, while
    staying exact to the minute. A window inside one hour reads minutes only."""
    first_whole = -(-lo // HOUR) * HOUR
    if first_whole > hi - hi % HOUR:
        return [(MINUTE, lo, hi, 1)]
    parts = [(HOUR, first_whole, hi, 1)]
    if lo < first_whole:
        parts.append((MINUTE, lo, first_whole, 1))
    if hi % HOUR:
        parts.append((MINUTE, hi, hi - hi % HOUR + HOUR, -1))
    return parts


@contextmanager
def gc_paused() -> Iterator[None]:
    """Hold the cyclic garbage collector off while one batch is folded or written.

    A batch allocates tens of thousands of short-lived tuples and lists, none of them in a reference cycle (they
    are freed by reference counting as soon as the batch is done), and each allocation burst made the collector
    walk every live object — the whole batch of records and the statement index — again: about a third of the
    aggregation time. Collection resumes at the end of the batch; memory stays bounded by the batch."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _epoch(value: datetime) -> float:
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.timestamp()


def _dt(value: float | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value, timezone.utc)


def describe_sqlite_error(path: Path, exc: BaseException) -> str:
    """A message naming the file and saying what to do, for every way SQLite refuses."""
    text = str(exc)
    lowered = text.lower()
    if "not a database" in lowered or "malformed" in lowered or "corrupt" in lowered:
        return (
            f"{path}: the store file is corrupted or not a prodlens store ({text}); move it away and run "
            "`prodlens ingest` again to rebuild it"
        )
    if "readonly" in lowered or "read-only" in lowered or "attempt to write" in lowered:
        return f"{path}: the store is read-only ({text}); check the file's and its directory's permissions"
    if "disk is full" in lowered or "database or disk is full" in lowered:
        return f"{path}: the disk is full ({text}); nothing after the last checkpoint was counted"
    if "locked" in lowered or "busy" in lowered:
        return f"{path}: the store is busy ({text}); try again in a moment"
    if "unable to open" in lowered:
        return f"{path}: cannot open the store ({text}); check that the directory exists and is accessible"
    return f"{path}: store error: {text}"


def _import_sqlite_utils() -> Any:
    """sqlite-utils probes for pandas and numpy at import time (to map their types); we never pass those types,
    and the probe costs ~80 MB of RSS and ~0.4 s when they are installed. Hide them during that one import
    unless something already loaded them; later imports of pandas/numpy elsewhere are unaffected."""
    import importlib
    import sys

    if "sqlite_utils" in sys.modules:
        return sys.modules["sqlite_utils"]
    hidden = [name for name in ("pandas", "numpy") if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # makes `import name` raise ImportError
    try:
        return importlib.import_module("sqlite_utils")
    finally:
        for name in hidden:
            if sys.modules.get(name, 0) is None:
                del sys.modules[name]


def _write_problem(path: Path) -> str | None:
    """Why the store cannot be written, found by trying (permission bits say nothing when running as root)."""
    try:
        if path.exists():
            with open(path, "r+b"):
                pass
        probe = path.with_name(f".{path.name}.probe-{os.getpid()}")
        with open(probe, "wb"):
            pass
        probe.unlink()
    except OSError as exc:
        where = "store file" if path.exists() and exc.filename == str(path) else "store's directory"
        return f"{path}: the store is read-only ({where}: {exc.strerror}); check permissions or mount options"
    return None


_OUR_TABLES = frozenset({"meta", "buckets", "samples", "seen", "totals", "unmatched", "unmatched_buckets",
                         "checkpoints"})


def _refuse_foreign_database(conn: sqlite3.Connection, path: Path) -> None:
    """A database with tables but no prodlens schema version is someone else's (a mistyped --store): adding our
    tables to it, or switching it to WAL, would change a file we do not own. `meta` is a common table name, so
    its presence alone proves nothing; a store whose creation was cut short (only our tables, no version yet)
    is ours to finish."""
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    if not tables or _has_schema_version(conn, tables) or set(tables) <= _OUR_TABLES:
        return
    conn.close()
    shown = ", ".join(tables[:5]) + (", …" if len(tables) > 5 else "")
    raise StoreError(f"{path}: not a prodlens store (an SQLite database with other tables: {shown}); it was "
                     "left untouched — pass another --store")


def _has_schema_version(conn: sqlite3.Connection, tables: list[str]) -> bool:
    if "meta" not in tables:
        return False
    try:
        return conn.execute("SELECT 1 FROM meta WHERE name = 'schema_version'").fetchone() is not None
    except sqlite3.Error:  # a `meta` table of another shape
        return False


# ----------------------------------------------------------------------------------------------------------------
# Schema (created with sqlite-utils so columns and keys are declared once, as data)


def ensure_schema(db: "sqlite_utils.Database") -> None:
    """Create missing tables; refuse a store written by an incompatible schema version."""
    db["meta"].create({"name": str, "value": str}, pk="name", if_not_exists=True)
    found = db.execute("SELECT value FROM meta WHERE name = 'schema_version'").fetchone()
    if found and int(found[0]) != SCHEMA_VERSION:
        raise StoreError(
            f"{db.conn.execute('PRAGMA database_list').fetchone()[2]}: store schema version {found[0]} is not "
            f"supported (expected {SCHEMA_VERSION}); move the file away and ingest again"
        )
    # The hottest table: one upsert per (statement, minute, level, service, version) per batch, plus one per
    # hour. Hour rows hold every hit (recent ones too), minute rows only recent ones, so a long window reads
    # hours and only its two partial edge hours from minutes. `res` comes before `start` in the key so reading
    # one resolution over a range never walks the other's rows. WITHOUT ROWID keeps it one B-tree
    # (sqlite-utils cannot declare that, hence the SQL); rows are written in key order, so upserts walk the
    # tree instead of jumping around it (~2x the rate of a rowid table with a PK index).
    db.execute(
        "CREATE TABLE IF NOT EXISTS buckets (key TEXT NOT NULL, start INTEGER NOT NULL, res INTEGER NOT NULL, "
        "level TEXT NOT NULL, service TEXT NOT NULL, version TEXT NOT NULL, hits INTEGER NOT NULL DEFAULT 0, "
        "ambiguous INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (key, res, start, level, service, version)) "
        "WITHOUT ROWID"
    )
    db["seen"].create(
        {"key": str, "first_seen": float, "last_seen": float, "hits": int, "samples_seq": int},
        pk="key", if_not_exists=True,
    )
    # Rewritten wholesale at each flush (up to statements x samples rows): one B-tree, no secondary index
    # (pruning by age scans; it runs rarely).
    db.execute(
        "CREATE TABLE IF NOT EXISTS samples (key TEXT NOT NULL, slot INTEGER NOT NULL, ts REAL, level TEXT, "
        "message TEXT, host TEXT, service TEXT, version TEXT, trace_id TEXT, ambiguous INTEGER, "
        "PRIMARY KEY (key, slot)) WITHOUT ROWID"
    )
    db["unmatched"].create(
        {"id": int, "shape": str, "level": str, "service": str, "example": str, "count": int,
         "first_seen": float, "last_seen": float},
        pk="id", if_not_exists=True,
    )
    db["unmatched_buckets"].create(
        {"shape_id": int, "start": int, "hits": int}, pk=("shape_id", "start"), if_not_exists=True
    )
    db["checkpoints"].create(
        {"id": int, "source": str, "dev": int, "ino": int, "head_len": int, "head_hash": str, "offset": int,
         "updated": float},
        pk="id", if_not_exists=True,
    )
    db["totals"].create({"name": str, "value": int}, pk="name", if_not_exists=True)
    db["unmatched"].create_index(["shape", "level"], unique=True, if_not_exists=True)
    db["checkpoints"].create_index(["dev", "ino"], if_not_exists=True)
    db["checkpoints"].create_index(["head_hash"], if_not_exists=True)
    if not found:
        db.execute("INSERT OR REPLACE INTO meta(name, value) VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])


# ----------------------------------------------------------------------------------------------------------------
# What one ingest batch writes (filled by prodlens.ingest.aggregate)


@dataclass(slots=True)
class SampleRow:
    """One kept occurrence; every text already redacted. Attributes are columns: no JSON per sample."""

    ts: float
    level: str | None
    message: str
    host: str | None
    service: str | None
    version: str | None
    trace_id: str | None
    ambiguous: bool


@dataclass(slots=True)
class UnmatchedRow:
    example: str  # already redacted
    count: int
    first_seen: float
    last_seen: float
    hours: dict[int, int]  # hour start -> hits


@dataclass(slots=True)
class Checkpoint:
    """Where reading one source stopped: identity (device/inode), a hash of the file's head, the offset."""

    source: str
    dev: int
    ino: int
    head_len: int
    head_hash: str
    offset: int
    id: int | None = None


@dataclass(slots=True)
class BatchData:
    # (key, start, res, level, service, version) -> [hits, ambiguous]
    buckets: dict[tuple[str, int, int, str, str, str], list[int]] = field(default_factory=dict)
    # key -> [first_seen, last_seen, hits]
    seen: dict[str, list[float]] = field(default_factory=dict)
    # key -> newest samples of this batch (at most the configured number), oldest first
    samples: dict[str, list[SampleRow]] = field(default_factory=dict)
    # (shape, level, service) -> row
    unmatched: dict[tuple[str, str, str], UnmatchedRow] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)

    def is_empty(self) -> bool:
        return not (self.buckets or self.seen or self.samples or self.unmatched or any(self.totals.values()))


def _with_hour_rows(buckets: dict[tuple[str, int, int, str, str, str], list[int]]) -> list[tuple]:
    """The batch's rows plus the hour rows its minute rows add up to (summed here, in memory: one extra upsert
    per statement-hour instead of a read-time scan of 60 minute rows), as (key, res, start, level, service,
    version, hits, ambiguous), grouped by statement key: upserts then walk the B-tree statement by statement.
    (A full tuple sort would order the rows inside a statement too; it cost more than it saved.)

    Column-wise when cells hold a few hits each (the usual batch: hour sums are counted in C by repeating each
    cell's hour `hits` times); cell by cell otherwise."""
    if not buckets:
        return []
    keys, starts, resolutions, levels, services, versions = zip(*buckets)
    hits, ambiguous = zip(*buckets.values())
    minute = list(map(eq, resolutions, repeat(MINUTE)))
    hour_starts = list(compress(starts, map(not_, minute)))
    if (sum(hits) > 4 * len(hits) or min(hits) < 1 or min(ambiguous) < 0
            or not all(map(eq, compress(resolutions, map(not_, minute)), repeat(HOUR)))
            or any(map(mod, hour_starts, repeat(HOUR)))):
        return _with_hour_rows_by_cell(buckets)
    rows = list(zip(compress(keys, minute), repeat(MINUTE), compress(starts, minute), compress(levels, minute),
                    compress(services, minute), compress(versions, minute), compress(hits, minute),
                    compress(ambiguous, minute)))
    hours = list(zip(keys, repeat(HOUR), map(sub, starts, map(mod, starts, repeat(HOUR))), levels, services,
                     versions))
    sums = Counter(chain.from_iterable(map(repeat, hours, hits)))
    ambiguous_sums = Counter(chain.from_iterable(map(repeat, hours, ambiguous)))
    rows.extend(map(add, sums, zip(sums.values(), map(ambiguous_sums.__getitem__, sums))))
    rows.sort(key=_FIRST)
    return rows


def _with_hour_rows_by_cell(buckets: dict[tuple[str, int, int, str, str, str], list[int]]) -> list[tuple]:
    hours: dict[tuple[str, int, int, str, str, str], list[int]] = {}
    rows = []
    append = rows.append
    for (key, start, res, level, service, version), (hits, ambiguous) in buckets.items():
        if res == MINUTE:
            append((key, MINUTE, start, level, service, version, hits, ambiguous))
            ident = (key, HOUR, start - start % HOUR, level, service, version)
        else:
            ident = (key, res, start, level, service, version)
        total = hours.get(ident)
        if total is None:
            hours[ident] = [hits, ambiguous]
        else:
            total[0] += hits
            total[1] += ambiguous
    rows.extend([(*k, v[0], v[1]) for k, v in hours.items()])
    rows.sort(key=_FIRST)
    return rows


_FIRST = itemgetter(0)
_ROWS_PER_STATEMENT = 64  # 64 rows x at most 10 columns stays under SQLite's oldest variable limit (999)


def _insert_rows(conn: sqlite3.Connection, head: str, width: int, tail: str, rows: Sequence[tuple]) -> None:
    """`INSERT ... VALUES (row), (row), ... tail` for many rows: one statement step per 64 rows instead of one
    per row (`executemany`'s per-row cost — reset, bind, step from Python — was most of the writing time)."""
    group = "(" + ", ".join("?" * width) + ")"
    per = _ROWS_PER_STATEMENT
    whole = len(rows) - len(rows) % per
    if whole:
        flat = list(chain.from_iterable(rows[:whole] if whole < len(rows) else rows))
        step = per * width
        conn.executemany(head + ", ".join([group] * per) + tail,
                         [flat[i:i + step] for i in range(0, len(flat), step)])
    if whole < len(rows):
        rest = rows[whole:]
        conn.execute(head + ", ".join([group] * len(rest)) + tail, list(chain.from_iterable(rest)))


_sample_ts = attrgetter("ts")


# ----------------------------------------------------------------------------------------------------------------
# The writer (used only by prodlens.ingest, which holds the single-writer lock)


class SqliteWriter:
    """Applies batches and checkpoints in one transaction each: after a crash, either both are there or
    neither, so re-reading from the checkpoint counts every record exactly once."""

    def __init__(self, path: Path, samples_per_key: int = 20, max_unmatched_shapes: int = 2000) -> None:
        self.path = Path(path)
        self.samples_per_key = max(0, samples_per_key)
        self.max_unmatched_shapes = max_unmatched_shapes
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot create the store's directory: {exc.strerror}") from None
        sqlite_utils = _import_sqlite_utils()
        try:
            conn = sqlite3.connect(str(self.path), timeout=WRITE_BUSY_TIMEOUT_S, isolation_level=None)
            _refuse_foreign_database(conn, self.path)
            self.db = sqlite_utils.Database(conn)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: durable across process crashes
            ensure_schema(self.db)
        except sqlite3.Error as exc:
            raise StoreError(_write_problem(self.path) or describe_sqlite_error(self.path, exc)) from None

    # -- meta -------------------------------------------------------------------------------------------------

    def meta(self) -> dict[str, str]:
        return {name: value for name, value in self.db.execute("SELECT name, value FROM meta").fetchall()}

    def set_meta(self, values: dict[str, Any]) -> None:
        try:
            with self.db.conn:
                self.db.conn.execute("BEGIN IMMEDIATE")
                self.db.conn.executemany(
                    "INSERT OR REPLACE INTO meta(name, value) VALUES (?, ?)",
                    [(k, v if isinstance(v, str) else json.dumps(v)) for k, v in values.items()],
                )
        except sqlite3.Error as exc:
            raise StoreError(describe_sqlite_error(self.path, exc)) from None

    # -- checkpoints ------------------------------------------------------------------------------------------

    def checkpoints_for(self, dev: int, ino: int) -> list[Checkpoint]:
        rows = self.db.execute(
            "SELECT id, source, dev, ino, head_len, head_hash, offset FROM checkpoints WHERE dev = ? AND ino = ?",
            [dev, ino],
        ).fetchall()
        return [Checkpoint(r[1], r[2], r[3], r[4], r[5], r[6], id=r[0]) for r in rows]

    def checkpoints_by_hash(self, head_hash: str) -> list[Checkpoint]:
        rows = self.db.execute(
            "SELECT id, source, dev, ino, head_len, head_hash, offset FROM checkpoints WHERE head_hash = ?",
            [head_hash],
        ).fetchall()
        return [Checkpoint(r[1], r[2], r[3], r[4], r[5], r[6], id=r[0]) for r in rows]

    def head_lengths(self) -> list[int]:
        return [r[0] for r in self.db.execute("SELECT DISTINCT head_len FROM checkpoints").fetchall()]

    # -- batches ----------------------------------------------------------------------------------------------

    def abandon_open_transaction(self) -> None:
        """Roll back a transaction an interrupt left open. Ctrl-C raises between any two bytecodes: just after
        `BEGIN` returned and before the `try` that would roll it back, the batch's transaction stays open and every
        later write fails with "cannot start a transaction within a transaction". The batch and its checkpoint
        commit together, so rolling back loses nothing: the next run reads that batch again."""
        conn = self.db.conn
        if conn.in_transaction:
            try:
                conn.execute("ROLLBACK")
            except sqlite3.Error as exc:
                raise StoreError(describe_sqlite_error(self.path, exc)) from None

    def apply(self, batch: BatchData, checkpoint: Checkpoint | None = None) -> None:
        """Write one batch and (optionally) the checkpoint that follows it, atomically."""
        with gc_paused():
            self._apply(batch, checkpoint)

    def _apply(self, batch: BatchData, checkpoint: Checkpoint | None) -> None:
        try:
            conn = self.db.conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                self._write(conn, batch)
                if checkpoint is not None:
                    self._write_checkpoint(conn, checkpoint)
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            raise StoreError(describe_sqlite_error(self.path, exc)) from None

    def _write(self, conn: sqlite3.Connection, batch: BatchData) -> None:
        if batch.buckets:
            _insert_rows(
                conn, "INSERT INTO buckets(key, res, start, level, service, version, hits, ambiguous) VALUES ", 8,
                " ON CONFLICT(key, res, start, level, service, version) "
                "DO UPDATE SET hits = hits + excluded.hits, ambiguous = ambiguous + excluded.ambiguous",
                _with_hour_rows(batch.buckets),
            )
        if batch.seen:
            _insert_rows(
                conn, "INSERT INTO seen(key, first_seen, last_seen, hits, samples_seq) VALUES ", 5,
                " ON CONFLICT(key) DO UPDATE SET first_seen = min(first_seen, excluded.first_seen), "
                "last_seen = max(last_seen, excluded.last_seen), hits = hits + excluded.hits",
                sorted([(k, v[0], v[1], int(v[2]), 0) for k, v in batch.seen.items()], key=_FIRST),
            )
        if batch.samples and self.samples_per_key:
            self._write_samples(conn, batch.samples)
        if batch.unmatched:
            self._write_unmatched(conn, batch.unmatched)
        if batch.totals:
            conn.executemany(
                "INSERT INTO totals(name, value) VALUES (?, ?) "
                "ON CONFLICT(name) DO UPDATE SET value = value + excluded.value",
                [(k, v) for k, v in batch.totals.items() if v],
            )

    def _write_samples(self, conn: sqlite3.Connection, samples: dict[str, list[SampleRow]]) -> None:
        # `samples_per_key` slots per statement holding the newest samples by timestamp (not the last ingested:
        # logs arrive out of order — several files, rotated files newest first, backfills). A new sample takes
        # a free slot, else the slot of the oldest kept sample when it is at least as new.
        n = self.samples_per_key
        kept: dict[str, dict[int, float]] = {}
        for key, slot, ts in conn.execute(
            "SELECT key, slot, ts FROM samples WHERE key IN (SELECT value FROM json_each(?))",
            [json.dumps(list(samples))],
        ):
            kept.setdefault(key, {})[slot] = ts if ts is not None else float("-inf")
        rows = []
        append = rows.append
        for key in sorted(samples):  # key order: the upserts walk the B-tree once
            items = sorted(samples[key], key=_sample_ts)[-n:]
            slots = kept.get(key)
            if not slots:  # nothing kept yet: the slots in order
                for slot, item in enumerate(items):
                    append((key, slot, item.ts, item.level, item.message, item.host, item.service, item.version,
                            item.trace_id, int(item.ambiguous)))
                continue
            free = [i for i in range(n - 1, -1, -1) if i not in slots]
            for item in items:
                if free:
                    slot = free.pop()
                else:
                    slot = min(slots, key=slots.__getitem__)
                    if item.ts < slots[slot]:
                        continue
                slots[slot] = item.ts
                append((key, slot, item.ts, item.level, item.message, item.host, item.service, item.version,
                        item.trace_id, int(item.ambiguous)))
        _insert_rows(
            conn, "INSERT OR REPLACE INTO samples(key, slot, ts, level, message, host, service, version, trace_id, "
            "ambiguous) VALUES ", 10, "", rows,
        )

    def _write_unmatched(self, conn: sqlite3.Connection, unmatched: dict[tuple[str, str, str], UnmatchedRow]) -> None:
        for (shape, level, service), row in unmatched.items():
            found = conn.execute(
                "INSERT INTO unmatched(shape, level, service, example, count, first_seen, last_seen) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(shape, level) DO UPDATE SET "
                "count = count + excluded.count, first_seen = min(first_seen, excluded.first_seen), "
                "last_seen = max(last_seen, excluded.last_seen) RETURNING id",
                (shape, level, service, row.example, row.count, row.first_seen, row.last_seen),
            ).fetchone()
            conn.executemany(
                "INSERT INTO unmatched_buckets(shape_id, start, hits) VALUES (?, ?, ?) "
                "ON CONFLICT(shape_id, start) DO UPDATE SET hits = hits + excluded.hits",
                [(found[0], start, hits) for start, hits in row.hours.items()],
            )
        # Bounded: keep the most frequent shapes (ties: the most recent).
        excess = conn.execute("SELECT count(*) FROM unmatched").fetchone()[0] - self.max_unmatched_shapes
        if excess > 0:
            doomed = [
                r[0] for r in conn.execute(
                    "SELECT id FROM unmatched ORDER BY count ASC, last_seen ASC LIMIT ?", [excess]
                ).fetchall()
            ]
            self._delete_unmatched(conn, doomed)
            conn.execute(
                "INSERT INTO totals(name, value) VALUES ('unmatched_shapes_dropped', ?) "
                "ON CONFLICT(name) DO UPDATE SET value = value + excluded.value",
                [len(doomed)],
            )

    @staticmethod
    def _delete_unmatched(conn: sqlite3.Connection, ids: list[int]) -> None:
        conn.executemany("DELETE FROM unmatched_buckets WHERE shape_id = ?", [(i,) for i in ids])
        conn.executemany("DELETE FROM unmatched WHERE id = ?", [(i,) for i in ids])

    @staticmethod
    def _write_checkpoint(conn: sqlite3.Connection, cp: Checkpoint) -> None:
        now = time.time()
        if cp.id is None:
            cp.id = conn.execute(
                "INSERT INTO checkpoints(source, dev, ino, head_len, head_hash, offset, updated) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (cp.source, cp.dev, cp.ino, cp.head_len, cp.head_hash, cp.offset, now),
            ).fetchone()[0]
        else:
            updated = conn.execute(
                "UPDATE checkpoints SET source = ?, dev = ?, ino = ?, head_len = ?, head_hash = ?, offset = ?, "
                "updated = ? WHERE id = ?",
                (cp.source, cp.dev, cp.ino, cp.head_len, cp.head_hash, cp.offset, now, cp.id),
            ).rowcount
            if not updated:  # its row was pruned meanwhile: a checkpoint must never be dropped silently
                cp.id = None
                SqliteWriter._write_checkpoint(conn, cp)

    def touch_checkpoints(self, ids: Iterable[int]) -> None:
        """Mark checkpoints as still in use (their files were offered again, with nothing new): pruning forgets
        only checkpoints of files not seen for the whole retention, which would otherwise be read again."""
        ids = sorted(set(ids))
        if not ids:
            return
        try:
            with _transaction(self.db.conn) as conn:
                conn.execute(
                    "UPDATE checkpoints SET updated = ? WHERE id IN (SELECT value FROM json_each(?))",
                    [time.time(), json.dumps(ids)],
                )
        except sqlite3.Error as exc:
            raise StoreError(describe_sqlite_error(self.path, exc)) from None

    # -- re-matching unmatched shapes when the source changed -------------------------------------------------

    def unmatched_examples(self) -> list[tuple[int, str, str, str]]:
        return self.db.execute("SELECT id, example, level, service FROM unmatched").fetchall()

    def attribute_unmatched(self, assignments: dict[int, tuple[list[str], bool]]) -> int:
        """Move unmatched shapes that now match a statement (shape id -> (candidate keys, ambiguous)) into that
        statement's hour buckets. Returns how many records moved."""
        if not assignments:
            return 0
        moved = 0
        try:
            conn = self.db.conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                for shape_id, (keys, ambiguous) in assignments.items():
                    row = conn.execute(
                        "SELECT level, service, count, first_seen, last_seen FROM unmatched WHERE id = ?",
                        [shape_id],
                    ).fetchone()
                    if row is None:
                        continue
                    level, service, count, first_seen, last_seen = row
                    hours = conn.execute(
                        "SELECT start, hits FROM unmatched_buckets WHERE shape_id = ?", [shape_id]
                    ).fetchall()
                    batch = BatchData()
                    for key in keys:
                        for start, hits in hours:
                            cell = batch.buckets.setdefault((key, start, HOUR, level or "", service or "", ""), [0, 0])
                            cell[0] += hits
                            cell[1] += hits if ambiguous else 0
                        batch.seen[key] = [first_seen, last_seen, count]
                    batch.totals = {"unmatched": -count, ("ambiguous" if ambiguous else "matched"): count,
                                    "rematched": count}
                    self._write(conn, batch)
                    self._delete_unmatched(conn, [shape_id])
                    moved += count
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            raise StoreError(describe_sqlite_error(self.path, exc)) from None
        return moved

    # -- retention --------------------------------------------------------------------------------------------

    def prune(self, *, now: float, retention_s: float, rollup_after_s: float, max_bytes: int | None,
              forget_checkpoints: bool = True) -> dict[str, int]:
        """Drop minute buckets older than `rollup_after_s` (their hour rows stay), drop data older than the retention, and
        drop the oldest hours while the file is over `max_bytes` (`over_cap` in the result: still over it with only
        the newest hour left). Each step is its own short transaction so a
        reader or a kill in between sees a consistent store. Checkpoints not used for the retention are forgotten
        only with `forget_checkpoints` (not before this run has opened its files and touched theirs)."""
        done = {"rolled_up": 0, "pruned": 0, "over_cap": 0}
        cutoff = int(now - retention_s)
        rollup_cutoff = int(now - rollup_after_s) // HOUR * HOUR
        try:
            conn = self.db.conn
            with _transaction(conn):  # hour rows already hold these hits (written at ingest): just forget minutes
                done["rolled_up"] = conn.execute(
                    "DELETE FROM buckets WHERE res = 60 AND start < ?", [rollup_cutoff]
                ).rowcount
            with _transaction(conn):
                done["pruned"] += conn.execute("DELETE FROM buckets WHERE start < ?", [cutoff]).rowcount
                done["pruned"] += conn.execute("DELETE FROM samples WHERE ts < ?", [cutoff]).rowcount
                conn.execute("DELETE FROM unmatched_buckets WHERE start < ?", [cutoff - HOUR])
                stale = [r[0] for r in conn.execute("SELECT id FROM unmatched WHERE last_seen < ?", [cutoff])]
                self._delete_unmatched(conn, stale)
                if forget_checkpoints:
                    conn.execute("DELETE FROM checkpoints WHERE updated < ?", [cutoff])
            if max_bytes:
                dropped, over_cap = self._enforce_size(conn, max_bytes)
                done["pruned"] += dropped
                done["over_cap"] = int(over_cap)
        except sqlite3.Error as exc:
            raise StoreError(describe_sqlite_error(self.path, exc)) from None
        return done

    def _used_bytes(self, conn: sqlite3.Connection) -> int:
        pages = conn.execute("PRAGMA page_count").fetchone()[0] - conn.execute("PRAGMA freelist_count").fetchone()[0]
        return pages * conn.execute("PRAGMA page_size").fetchone()[0]

    def _enforce_size(self, conn: sqlite3.Connection, max_bytes: int) -> tuple[int, bool]:
        """Drop the oldest hour of data, one hour per transaction, while the file's used pages exceed the cap.

        An hour, not a day: a busy service can fill the cap within a day, and dropping by days took the whole of
        it, today's counts included. The newest hour present is never dropped (an empty store is no answer to
        "too big"): returns (rows dropped, still over the cap) so the caller can say the cap is too small."""
        dropped = 0
        newest = conn.execute("SELECT max(start) FROM buckets").fetchone()[0]
        if newest is None:
            return 0, self._used_bytes(conn) > max_bytes
        keep_from = newest // HOUR * HOUR
        while self._used_bytes(conn) > max_bytes:
            oldest = conn.execute("SELECT min(start) FROM buckets").fetchone()[0]
            if oldest is None or oldest >= keep_from:
                return dropped, True
            limit = oldest // HOUR * HOUR + HOUR
            with _transaction(conn):
                dropped += conn.execute("DELETE FROM buckets WHERE start < ?", [limit]).rowcount
                dropped += conn.execute("DELETE FROM samples WHERE ts < ?", [limit]).rowcount
                conn.execute("DELETE FROM unmatched_buckets WHERE start < ?", [limit])
        return dropped, False

    def close(self) -> None:
        try:
            self.db.execute("PRAGMA wal_checkpoint(PASSIVE)")
        except sqlite3.Error:
            pass
        self.db.conn.close()


class _transaction:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is None:
            self.conn.execute("COMMIT")
        elif self.conn.in_transaction:
            self.conn.execute("ROLLBACK")


# ----------------------------------------------------------------------------------------------------------------
# The reader: the Store protocol


@dataclass(slots=True)
class UnmatchedShape:
    shape: str
    example: str
    count: int
    level: str | None
    first_seen: datetime | None
    last_seen: datetime | None


class SqliteStore:
    """The embedded store, read side. Thread-safe: one connection guarded by a lock, reopened when the file is
    replaced (a new `prodlens demo` or a rebuilt store)."""

    def __init__(self, path: str | Path, *, dashboard_host: str = "127.0.0.1", dashboard_port: int = 8765) -> None:
        self.path = Path(path)
        self.url = f"sqlite:///{self.path}"
        self.dashboard_host = dashboard_host
        self.dashboard_port = dashboard_port
        self._conn: sqlite3.Connection | None = None
        self._identity: tuple[int, int] | None = None
        self._mode = "rw"
        self._lock = threading.Lock()

    @classmethod
    def from_config(cls, config: Config, root: str | Path) -> "SqliteStore":
        path = store_path(config, root)
        if path is None:
            raise StoreError(f"store.url {config.store.url!r} is not a sqlite:/// URL")
        return cls(path, dashboard_host=config.dashboard.host, dashboard_port=config.dashboard.port)

    # -- connection -------------------------------------------------------------------------------------------

    def _missing_message(self) -> str:
        return (
            f"no embedded store at {self.path}: run `prodlens ingest LOGFILE...` to fill it "
            "(or `prodlens demo` to try prodlens on a sample service)"
        )

    def _connect(self) -> sqlite3.Connection:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            self._drop()
            raise StoreError(self._missing_message()) from None
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot read the store: {exc.strerror}") from None
        identity = (st.st_dev, st.st_ino)
        if self._conn is not None and identity == self._identity and self._mode == "rw":
            return self._conn
        self._drop()
        conn = None
        error: sqlite3.Error | None = None
        # rw: the normal case (may create -wal/-shm). ro: a read-only file. immutable: a read-only directory
        # without -shm, where SQLite cannot share WAL state (no writer can run there either), or a rollback-journal
        # store locked by a writer, where it reads the file as last written. A fallback connection is not kept:
        # the next read tries rw again, so it never stays blind to new commits.
        for mode in ("rw", "ro", "ro&immutable=1"):
            try:
                conn = self._open(mode=mode)
                self._mode = mode
                break
            except sqlite3.Error as exc:
                error = error or exc
                if "not a database" in str(exc) or "malformed" in str(exc):
                    break
        if conn is None:
            raise StoreError(describe_sqlite_error(self.path, error or sqlite3.Error("unknown"))) from None
        try:
            version = conn.execute("SELECT value FROM meta WHERE name = 'schema_version'").fetchone()
        except sqlite3.Error as exc:
            conn.close()
            if "no such table" in str(exc):
                raise StoreError(f"{self.path}: not a prodlens store (no meta table); run `prodlens ingest`") from None
            raise StoreError(describe_sqlite_error(self.path, exc)) from None
        if not version or int(version[0]) != SCHEMA_VERSION:
            conn.close()
            raise StoreError(
                f"{self.path}: store schema version {version[0] if version else 'unknown'} is not supported "
                f"(expected {SCHEMA_VERSION}); move the file away and run `prodlens ingest` again"
            )
        self._conn, self._identity = conn, identity
        return conn

    def _open(self, mode: str) -> sqlite3.Connection:
        uri = f"file:{self.path.resolve().as_posix()}?mode={mode}"
        conn = sqlite3.connect(uri, uri=True, timeout=READ_BUSY_TIMEOUT_S, check_same_thread=False,
                               isolation_level=None)
        conn.execute("PRAGMA query_only = 1")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # fails here on a corrupted file
        return conn

    def _drop(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except sqlite3.Error:
                pass
        self._conn, self._identity = None, None

    def _read(self, work: Any) -> Any:
        """Run `work(conn)` inside one read transaction (a consistent snapshot while ingest writes)."""
        with self._lock:
            conn = self._connect()
            try:
                conn.execute("BEGIN")
                try:
                    return work(conn)
                finally:
                    conn.execute("COMMIT")
            except sqlite3.Error as exc:
                self._drop()
                raise StoreError(describe_sqlite_error(self.path, exc)) from None

    # -- Store protocol ---------------------------------------------------------------------------------------

    def counts(self, statements: Sequence[LogStatement], time_range: TimeRange) -> dict[str, Counts]:
        keys = list(dict.fromkeys(s.key for s in statements))
        result = {key: Counts() for key in keys}
        if not keys:
            return result
        prev_start = int(_epoch(time_range.previous_start))
        start = int(_epoch(time_range.start))
        end = int(_epoch(time_range.end))
        length = max(end - start, 1)
        width = max(MINUTE, math.ceil(length / SPARK_BUCKETS / MINUTE) * MINUTE)
        slots = max(1, math.ceil(length / width))
        key_json = json.dumps(keys)

        current = _range_parts(start, end)
        previous = _range_parts(prev_start, start)

        def work(conn: sqlite3.Connection) -> None:
            series: list[tuple[str, int, int, int]] = []
            breakdown: list[tuple[str, str, str, str, int]] = []
            for slot_of, parts in ((None, current), (-1, previous)):
                for res, lo, hi, sign in parts:
                    params = {"start": start, "width": width, "keys": key_json, "res": res, "lo": lo, "hi": hi}
                    if slot_of is None:
                        # a row counts in the slot holding its middle: an hour row straddling two slots goes
                        # where most of its hour lies (its hits' minutes are not known), a minute row exactly
                        params["middle"] = res // 2
                        rows = conn.execute(
                            "SELECT key, max(0, (start + :middle - :start) / :width) AS slot, sum(hits), "
                            "sum(ambiguous) "
                            "FROM buckets WHERE key IN (SELECT value FROM json_each(:keys)) AND res = :res "
                            "AND start >= :lo AND start < :hi GROUP BY key, slot", params,
                        ).fetchall()
                        breakdown.extend(
                            (key, level, service, version, sign * hits) for key, level, service, version, hits in
                            conn.execute(
                                "SELECT key, level, service, version, sum(hits) FROM buckets "
                                "WHERE key IN (SELECT value FROM json_each(:keys)) AND res = :res "
                                "AND start >= :lo AND start < :hi GROUP BY key, level, service, version", params,
                            )
                        )
                    else:
                        rows = conn.execute(
                            "SELECT key, -1, sum(hits), sum(ambiguous) FROM buckets "
                            "WHERE key IN (SELECT value FROM json_each(:keys)) AND res = :res "
                            "AND start >= :lo AND start < :hi GROUP BY key", params,
                        ).fetchall()
                    series.extend((key, slot, sign * hits, sign * amb) for key, slot, hits, amb in rows)
            seen = conn.execute(
                "SELECT key, first_seen, last_seen FROM seen WHERE key IN (SELECT value FROM json_each(?))",
                [key_json],
            ).fetchall()
            spark: dict[str, list[int]] = {}
            for key, slot, hits, ambiguous in series:
                counts = result[key]
                if slot < 0:
                    counts.previous += hits
                    continue
                counts.total += hits
                counts.ambiguous += ambiguous
                spark.setdefault(key, [0] * slots)[min(slot, slots - 1)] += hits
            for key, level, service, version, hits in breakdown:
                counts = result[key]
                if level:
                    counts.by_level[level] = counts.by_level.get(level, 0) + hits
                if service:
                    counts.by_service[service] = counts.by_service.get(service, 0) + hits
                if version:
                    counts.by_version[version] = counts.by_version.get(version, 0) + hits
            for counts in result.values():  # an edge subtraction can leave a dimension at zero: not "seen"
                for part in (counts.by_level, counts.by_service, counts.by_version):
                    for name in [name for name, hits in part.items() if not hits]:
                        del part[name]
            for key, first_seen, last_seen in seen:
                result[key].first_seen = _dt(first_seen)
                result[key].last_seen = _dt(last_seen)
            for key, counts in result.items():
                values = spark.get(key) or [0] * slots
                counts.buckets = [
                    Bucket(datetime.fromtimestamp(start + i * width, timezone.utc), v) for i, v in enumerate(values)
                ]

        self._read(work)
        return result

    def samples(self, statement: LogStatement, time_range: TimeRange, limit: int = 5) -> list[Sample]:
        def work(conn: sqlite3.Connection) -> list[Sample]:
            rows = conn.execute(
                "SELECT ts, level, message, host, service, version, trace_id, ambiguous FROM samples "
                "WHERE key = ? AND ts >= ? AND ts < ? ORDER BY ts DESC, slot DESC LIMIT ?",
                [statement.key, _epoch(time_range.start), _epoch(time_range.end), max(0, limit)],
            ).fetchall()
            out = []
            for ts, level, message, host, service, version, trace_id, ambiguous in rows:
                attrs = {name: value for name, value in zip(SAMPLE_ATTRIBUTES, (host, service, version, trace_id))
                         if value}
                if ambiguous:
                    attrs["ambiguous"] = "true"
                out.append(Sample(_dt(ts), message, level, attrs))
            return out

        return self._read(work)

    def dashboard_url(self, statement: LogStatement, time_range: TimeRange) -> str | None:
        return (
            f"http://{self.dashboard_host}:{self.dashboard_port}/statement/{statement.key}"
            f"?window={time_range.window}"
        )

    def status(self) -> StoreStatus:
        if not self.path.exists():
            return StoreStatus("missing", self._missing_message(), self.url)
        try:
            meta = self.meta()
            totals = self.totals()
        except StoreError as exc:
            return StoreStatus("unreachable", str(exc), self.url)
        details = {k: v for k, v in meta.items() if k != "settings"}
        details.update({f"total_{k}": str(v) for k, v in totals.items()})
        from ..ingest.lock import writer_active  # local: the reader must not pull in ingest at import time

        if writer_active(self.path):
            details["writer"] = "an ingest is writing this store"
        records = totals.get("records", 0)
        return StoreStatus("ok", f"{records} records ingested", self.url, details)

    def close(self) -> None:
        with self._lock:
            self._drop()

    # -- embedded-store extras (stats, dashboard, LSP staleness check) ----------------------------------------

    def meta(self) -> dict[str, str]:
        return dict(self._read(lambda conn: conn.execute("SELECT name, value FROM meta").fetchall()))

    def statement_set_hash(self) -> str | None:
        """The `statement_set_hash` of the index the data was matched against (compare with the current one)."""
        return self.meta().get("statement_set_hash")

    def totals(self) -> dict[str, int]:
        rows = self._read(lambda conn: conn.execute("SELECT name, value FROM totals").fetchall())
        out = {name: 0 for name in ("records", "matched", "ambiguous", "unmatched", "skipped")}
        out.update(dict(rows))
        return out

    def unmatched(self, limit: int = 20, time_range: TimeRange | None = None) -> list[UnmatchedShape]:
        """The most frequent shapes of messages no statement explains (in the window when one is given)."""

        def work(conn: sqlite3.Connection) -> list[UnmatchedShape]:
            if time_range is None:
                rows = conn.execute(
                    "SELECT shape, example, count, level, first_seen, last_seen FROM unmatched "
                    "ORDER BY count DESC, last_seen DESC LIMIT ?",
                    [limit],
                ).fetchall()
            else:
                rows = conn.execute(
                    "SELECT u.shape, u.example, sum(b.hits) AS n, u.level, u.first_seen, u.last_seen "
                    "FROM unmatched u JOIN unmatched_buckets b ON b.shape_id = u.id "
                    "WHERE b.start >= ? AND b.start < ? GROUP BY u.id ORDER BY n DESC, u.last_seen DESC LIMIT ?",
                    [int(_epoch(time_range.start)) // HOUR * HOUR, _epoch(time_range.end), limit],
                ).fetchall()
            return [UnmatchedShape(r[0], r[1], r[2], r[3], _dt(r[4]), _dt(r[5])) for r in rows]

        return self._read(work)
