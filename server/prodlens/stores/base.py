"""The one store interface the language server, the CLI and the dashboard use.

Stores count hits per statement over a time window, return the latest samples, and build the "go to
monitoring" URL. The embedded SQLite store has counts precomputed at ingest; remote stores push the counting
into their own engine (one query per document, never one per statement, never raw logs over the wire).

The interface is synchronous on purpose: the language server calls it from worker threads and never from the
event loop, so a slow store can delay a lens update but never freeze the editor.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Protocol, Sequence, runtime_checkable

from ..model import Counts, LogStatement, Sample, parse_window


class StoreError(RuntimeError):
    """A store could not answer. `message` is safe to show users: it never contains credentials."""


@dataclass(frozen=True, slots=True)
class TimeRange:
    """The current window [start, end) and the previous one of the same length, for the trend."""

    start: datetime
    end: datetime
    window: str

    @property
    def previous_start(self) -> datetime:
        return self.start - (self.end - self.start)

    @property
    def length(self) -> timedelta:
        return self.end - self.start

    @classmethod
    def ending_now(cls, window: str, now: datetime | None = None) -> "TimeRange":
        end = now or datetime.now(timezone.utc)
        return cls(end - parse_window(window), end, window)


@dataclass(slots=True)
class StoreStatus:
    """What the editor's status line says: `ok`, `stale` (answering from cache), `unreachable`, `missing`."""

    state: str
    message: str = ""
    url: str = ""  # without credentials
    details: dict[str, str] = field(default_factory=dict)


@runtime_checkable
class Store(Protocol):
    url: str  # without credentials

    def counts(self, statements: Sequence[LogStatement], time_range: TimeRange) -> dict[str, Counts]:
        """Counts for each statement's key (every key present; zero counts included). One round trip for
        remote stores. Raises StoreError when the store cannot answer."""
        ...

    def samples(self, statement: LogStatement, time_range: TimeRange, limit: int = 5) -> list[Sample]:
        """The latest occurrences, newest first, redacted."""
        ...

    def dashboard_url(self, statement: LogStatement, time_range: TimeRange) -> str | None:
        """Where "go to monitoring" goes for this statement, or None when nothing can be linked."""
        ...

    def status(self) -> StoreStatus:
        ...

    def close(self) -> None:
        ...
