"""What the dashboard pages show, computed from the index and the Store interface (no HTML here).

Kept apart from the web layer so it can be tested directly and reused: the numbers on the page come from the
same `Store.counts`/`samples` calls the editor's lenses use, so the two can never disagree.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..config import Config
from ..lsp.render import humanize, trend
from ..model import LEVELS, Counts, LogStatement, Sample, parse_window
from ..stores.base import Store, TimeRange

SERIOUS_LEVELS = ("warn", "error", "fatal")
INDEX_REFRESH_SECONDS = 10.0


@dataclass(slots=True)
class StatementRow:
    statement: LogStatement
    counts: Counts

    @property
    def trend(self) -> str:
        return trend(self.counts.total, self.counts.previous) or ("new" if self.counts.previous == 0 else "")

    @property
    def hits(self) -> str:
        return humanize(self.counts.total)


@dataclass(slots=True)
class Overview:
    window: str
    time_range: TimeRange
    serious: list[StatementRow]  # warn/error/fatal statements with hits, most first
    top: list[StatementRow]  # every statement with hits, most first
    never_hit: list[LogStatement]
    unmatched: list[Any]  # SqliteStore.UnmatchedShape when the store keeps them
    totals: dict[str, int]
    statements: int


@dataclass(slots=True)
class StatementPage:
    window: str
    time_range: TimeRange
    statement: LogStatement
    counts: Counts
    samples: list[Sample]
    source_lines: list[tuple[int, str]]  # (1-based line number, text) of the call
    editor_url: str  # vscode://file/...
    same_template: int  # other statements with the same text (their hits can be confused with this one's)
    extra: dict[str, Any] = field(default_factory=dict)


class StatementSource:
    """The index, rebuilt from its warm cache at most every few seconds, so edits show up without a restart
    while page loads stay fast."""

    def __init__(self, root: Path, config: Config) -> None:
        self.root = root
        self.config = config
        self._index: Any = None
        self._built = 0.0
        self._lock = threading.Lock()

    def index(self) -> Any:
        from ..source.index import StatementIndex

        with self._lock:
            if self._index is None or time.monotonic() - self._built > INDEX_REFRESH_SECONDS:
                self._index = StatementIndex.build(self.root, self.config)
                self._built = time.monotonic()
            return self._index


def _level_rank(level: str | None) -> int:
    return LEVELS.index(level) if level in LEVELS else -1


def overview(statements: list[LogStatement], store: Store, window: str, now: datetime | None = None,
             limit: int = 100) -> Overview:
    parse_window(window)
    time_range = TimeRange.ending_now(window, now)
    counts = store.counts(statements, time_range)
    rows = [StatementRow(s, counts[s.key]) for s in statements]
    hit = sorted((r for r in rows if r.counts.total > 0), key=lambda r: (-r.counts.total, r.statement.path,
                                                                        r.statement.line))
    serious = [r for r in hit if r.statement.level in SERIOUS_LEVELS]
    serious.sort(key=lambda r: (-_level_rank(r.statement.level), -r.counts.total))
    never = sorted((r.statement for r in rows if r.counts.total == 0 and r.counts.last_seen is None),
                   key=lambda s: (s.path, s.line))
    unmatched: list[Any] = []
    totals: dict[str, int] = {}
    if hasattr(store, "unmatched"):
        unmatched = store.unmatched(limit=20, time_range=time_range)
    if hasattr(store, "totals"):
        totals = store.totals()
    return Overview(window, time_range, serious[:limit], hit[:limit], never[:limit], unmatched, totals,
                    len(statements))


def statement_page(root: Path, statement: LogStatement, same_template: int, store: Store, window: str,
                   now: datetime | None = None, samples: int = 20) -> StatementPage:
    parse_window(window)
    time_range = TimeRange.ending_now(window, now)
    counts = store.counts([statement], time_range)[statement.key]
    latest = store.samples(statement, time_range, limit=samples)
    return StatementPage(
        window=window,
        time_range=time_range,
        statement=statement,
        counts=counts,
        samples=latest,
        source_lines=source_lines(root, statement),
        editor_url=editor_url(root, statement),
        same_template=same_template,
    )


def source_lines(root: Path, statement: LogStatement, context: int = 2) -> list[tuple[int, str]]:
    """The call's lines with a little context; empty when the file cannot be read (moved, deleted)."""
    try:
        text = (root / statement.path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    lines = text.splitlines()
    first = max(1, statement.line - context)
    last = min(len(lines), statement.end_line + context)
    return [(n, lines[n - 1]) for n in range(first, last + 1)]


def editor_url(root: Path, statement: LogStatement) -> str:
    """`vscode://file/<absolute path>:<line>:<column>` opens the file at the statement in VS Code."""
    absolute = (root / statement.path).resolve().as_posix()
    return f"vscode://file{quote(absolute if absolute.startswith('/') else '/' + absolute)}:{statement.line}:" \
           f"{statement.range.start_column + 1}"


def relative(when: datetime | None, now: datetime | None = None) -> str:
    if when is None:
        return "never"
    from ..lsp.render import relative_time

    return relative_time(when, now or datetime.now(timezone.utc))
