"""Counts for the editor: fetched from the store in a worker thread, cached, marked stale when the store fails.

The event loop never calls the store. `StoreHandle` lives on one dedicated thread (SQLite connections belong
to the thread that made them; a remote store's client is not shared either), `fetch_counts` runs there, and
`CountCache.apply` folds the result in on the loop thread. A store that is missing, locked or unreachable
turns into a `problem` string the lenses show once, while the cached counts keep being served (stale).
"""

from __future__ import annotations

import importlib
import logging
import os
import time
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Sequence

from ..config import Config, ConfigError, store_path
from ..model import Counts, LogStatement, Sample
from ..stores.base import Store, StoreError, TimeRange
from .render import LensState

log = logging.getLogger(__name__)


class StoreHandle:
    """Opens the configured store on first use and reopens it after failures. Only the store thread calls it."""

    def __init__(self, config: Config, root: Path) -> None:
        self.config = config
        self.root = root
        self._store: Store | None = None

    @property
    def label(self) -> str:
        return self.config.store.url.split("://", 1)[0]

    def get(self) -> Store:
        if self._store is not None:
            return self._store
        path = store_path(self.config, self.root)
        if path is not None and not path.is_file():
            shown = _shown_path(path, self.root)
            raise StoreError(f"no store at {shown}: run `prodlens ingest` first")
        from ..stores.registry import open_store

        try:
            self._store = open_store(self.config, self.root)
        except StoreError:
            raise
        except ConfigError as exc:
            raise StoreError(f"store configuration: {exc}") from None
        except Exception as exc:  # a store that cannot even open must not take the server down
            raise StoreError(f"cannot open the store: {type(exc).__name__}: {exc}") from None
        return self._store

    def warm(self) -> None:
        """Import the store's module ahead of the first lens (some pull in heavy libraries on import)."""
        try:
            from ..stores.registry import _SCHEMES, store_kind

            importlib.import_module(_SCHEMES[store_kind(self.config.store.url)].split(":")[0])
        except Exception:  # the real error is reported by `get` when counts are asked for
            log.debug("warming the store module failed", exc_info=True)

    def reset(self) -> None:
        store, self._store = self._store, None
        if store is not None:
            try:
                store.close()
            except Exception:  # closing a broken store is best effort
                log.debug("closing the store failed", exc_info=True)


def _shown_path(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.name


def store_signature(config: Config, root: Path) -> tuple | None:
    """Cheap change detector for the embedded store: size and mtime of the database and its WAL.

    Remote stores have no file; their counts are refreshed on a timer or on `prodlens.refresh` instead.
    """
    path = store_path(config, root)
    if path is None:
        return None
    parts = []
    for candidate in (path, path.with_name(path.name + "-wal")):
        try:
            st = os.stat(candidate)
            parts.append((st.st_mtime_ns, st.st_size, st.st_ino))
        except OSError:
            parts.append(None)
    return tuple(parts)


@dataclass(slots=True)
class FetchResult:
    keys: tuple[str, ...]
    window: dict[str, Counts] = field(default_factory=dict)
    retention_totals: dict[str, int] = field(default_factory=dict)
    error: str | None = None
    seconds: float = 0.0


def store_error_message(exc: BaseException) -> str:
    if isinstance(exc, StoreError):
        return str(exc) or "the store did not answer"
    return f"store error: {type(exc).__name__}: {exc}"


def fetch_counts(handle: StoreHandle, statements: Sequence[LogStatement], window: str, retention: str) -> FetchResult:
    """Runs on the store thread: one counts call for the window, one for the retention period (never-seen)."""
    started = time.perf_counter()
    result = FetchResult(tuple(s.key for s in statements))
    if not statements:
        return result
    try:
        store = handle.get()
        result.window = store.counts(statements, TimeRange.ending_now(window))
        if retention == window:
            result.retention_totals = {k: c.total for k, c in result.window.items()}
        else:
            longer = store.counts(statements, TimeRange.ending_now(retention))
            result.retention_totals = {k: c.total for k, c in longer.items()}
    except Exception as exc:  # StoreError or a store bug: either way the editor keeps working
        result.error = store_error_message(exc)
        log.info("counts failed: %s", result.error)
        handle.reset()
    result.seconds = time.perf_counter() - started
    return result


@dataclass(slots=True)
class Details:
    """What the hover needs beyond counts, fetched on the store thread."""

    samples: list[Sample] = field(default_factory=list)
    dashboard_url: str | None = None
    dashboard_down: str | None = None  # how to start the built-in dashboard when it is not running
    error: str | None = None


def fetch_details(handle: StoreHandle, statement: LogStatement, window: str, limit: int = 5) -> Details:
    details = Details()
    try:
        store = handle.get()
        time_range = TimeRange.ending_now(window)
        details.dashboard_url = store.dashboard_url(statement, time_range)
        details.dashboard_down = builtin_dashboard_down(handle)
        details.samples = list(store.samples(statement, time_range, limit))
    except Exception as exc:
        details.error = store_error_message(exc)
        handle.reset()
    return details


def builtin_dashboard_down(handle: StoreHandle) -> str | None:
    """The embedded store links to prodlens' own dashboard: None when it answers, else how to start it.

    A local probe with a short timeout (a closed port answers at once), on the store thread."""
    if store_path(handle.config, handle.root) is None:
        return None  # remote stores link to Kibana/Grafana/...: not ours to probe
    from ..dashboard.probe import dashboard_running

    settings = handle.config.dashboard
    if dashboard_running(settings.host, settings.port):
        return None
    return f"the dashboard is not running: start it with `prodlens dashboard --root {handle.root}`"


def dashboard_url(handle: StoreHandle, statement: LogStatement, window: str) -> tuple[str | None, str | None]:
    """(URL, why it cannot be opened now)."""
    return handle.get().dashboard_url(statement, TimeRange.ending_now(window)), builtin_dashboard_down(handle)


class CountCache:
    """Counts by statement key for the current window; only the loop thread touches it."""

    def __init__(self, window: str, retention: str) -> None:
        self.window = window
        self.retention = retention
        self.counts: dict[str, Counts] = {}
        self.retention_totals: dict[str, int] = {}
        self.problem: str | None = None
        self.fetched_at: datetime | None = None
        self.version = 0  # bumped whenever anything a lens shows may have changed (lens cache key)

    def clear(self, window: str | None = None, retention: str | None = None) -> None:
        self.window = window or self.window
        self.retention = retention or self.retention
        self.counts.clear()
        self.retention_totals.clear()
        self.version += 1

    def state(self, key: str, *, show_problem: bool = True) -> LensState:
        return LensState(
            window=self.window,
            retention=self.retention,
            counts=self.counts.get(key),
            retention_total=self.retention_totals.get(key),
            problem=self.problem if show_problem else None,
        )

    def has(self, key: str) -> bool:
        return key in self.counts

    def apply(self, result: FetchResult) -> bool:
        """Fold a fetch in; True when anything the editor shows changed."""
        changed = self._apply(result)
        if changed:
            self.version += 1
        return changed

    def _apply(self, result: FetchResult) -> bool:
        before_problem = self.problem
        if result.error is not None:
            self.problem = result.error
            changed = before_problem != result.error
            for key in result.keys:
                old = self.counts.get(key)
                if old is not None and not old.stale:
                    self.counts[key] = replace(old, stale=True)
                    changed = True
            return changed
        self.problem = None
        self.fetched_at = datetime.now(timezone.utc)
        changed = before_problem is not None
        for key in result.keys:
            new = result.window.get(key) or Counts()
            old = self.counts.get(key)
            if old is None or _visible(old) != _visible(new):
                changed = True
            self.counts[key] = new
            total = result.retention_totals.get(key)
            if total is not None:
                if self.retention_totals.get(key) != total:
                    changed = True
                self.retention_totals[key] = total
        return changed


def _visible(counts: Counts) -> tuple:
    return (counts.total, counts.previous, counts.ambiguous, counts.stale, counts.last_seen)
