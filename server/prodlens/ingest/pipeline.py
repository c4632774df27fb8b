"""The ingest loop: read → match → aggregate → one transaction per batch (counts + checkpoint together).

Why this shape:
- Records are matched in batches (`Matcher.match_many`) and folded into in-memory aggregates, so SQLite sees a
  few thousand upserts per batch instead of one write per record.
- Each batch commits with the checkpoint of the last byte it counted. A kill at any moment leaves either the
  whole batch and its checkpoint or neither, so the next run continues exactly where counting stopped.
- `follow` behaves like `tail -F`: it polls each file's identity and size, finishes a rotated file from its old
  descriptor before opening the new one at the same path, restarts a truncated file, and picks up new files in
  followed directories. A partial last line is left for the next poll while following.
- stdin (`-`) has no identity to checkpoint: it is read to its end (or until stopped) and committed in batches.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any, Protocol, Sequence

from .. import __version__
from ..config import Config
from ..model import LogRecord, LogStatement, Match, parse_window
from ..skip_reasons import by_kind, tally
from ..stores.base import StoreError
from ..stores.redact import redactor_from_config
from ..stores.sqlite import BatchData, Checkpoint, SqliteWriter, statement_set_hash
from .aggregate import Aggregator
from .lock import WriterLock
from .sources import OpenSource, compressed_kind, files_in, head_hash, is_ingestible, open_source

STDIN = "-"
PRUNE_EVERY_S = 600.0
# Samples are written at the end and every so often; counts with every batch. Each flush writes up to
# `ingest.samples` rows per statement, so bulk reading flushes rarely; while following, fresh samples matter more.
BULK_SAMPLE_FLUSH_S = 30.0
LIVE_SAMPLE_FLUSH_S = 5.0


class BatchMatcher(Protocol):
    def match_many(self, records: Sequence[LogRecord]) -> list[Match]: ...


@dataclass
class IngestOptions:
    fmt: str = "auto"
    pattern: str | None = None
    service: str | None = None
    version: str | None = None
    follow: bool = False
    retention: str | None = None  # None: config.ingest.retention
    batch_records: int = 20_000
    poll_interval: float = 0.5
    stdin_flush_s: float = 1.0


@dataclass
class IngestSummary:
    records: int = 0
    matched: int = 0
    ambiguous: int = 0
    unmatched: int = 0
    skipped: int = 0
    skip_reasons: Counter[str] = field(default_factory=Counter)  # reason → count, bounded (`skip_reasons.tally`)
    expired: int = 0  # older than the retention: counted in totals, not stored
    rematched: int = 0  # previously unmatched records attributed to statements that appeared since
    interrupted: bool = False  # stopped (Ctrl-C, SIGTERM) before the inputs' end, without --follow
    files: int = 0
    bytes_read: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.records / self.seconds if self.seconds > 0 else 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "records": self.records, "matched": self.matched, "ambiguous": self.ambiguous,
            "unmatched": self.unmatched, "skipped": self.skipped, "expired": self.expired,
            "rematched": self.rematched, "interrupted": self.interrupted, "files": self.files, "bytes": self.bytes_read,
            "seconds": round(self.seconds, 3), "records_per_second": round(self.rate, 1), "errors": self.errors,
            "skipped_by_kind": dict(by_kind(self.skip_reasons)),
        }


ProgressCallback = Callable[[IngestSummary, int, int], None]  # summary, bytes done, bytes known in total


class Ingest:
    """One ingest run into one store. Holds the writer lock from `run` start to end."""

    def __init__(
        self,
        store: Path,
        statements: Sequence[LogStatement],
        matcher: BatchMatcher,
        config: Config,
        options: IngestOptions | None = None,
        progress: ProgressCallback | None = None,
        notify: Callable[[str], None] | None = None,
    ) -> None:
        self.store = Path(store)
        self.statements = statements
        self.matcher = matcher
        self.config = config
        self.options = options or IngestOptions()
        self.progress = progress
        # While following, the run has no end at which to print problems: they are told as they happen.
        self.notify = notify
        self._waiting: set[str] = set()
        self._told_over_cap = False
        self._pending_reasons: Counter[str] = Counter()  # why records were skipped, since the last commit  # followed paths that do not exist (yet, or any more)
        self.summary = IngestSummary()
        self.stopping = False
        retention = self.options.retention or config.ingest.retention
        self.retention_s = parse_window(retention).total_seconds()
        self.rollup_after_s = parse_window(config.ingest.rollup_after).total_seconds()
        self._bytes_total = 0
        self._bytes_done = 0
        self._last_progress = 0.0
        self._last_prune = 0.0
        self._last_sample_flush = time.monotonic()
        self._formats: dict[str, tuple[str, str | None]] = {}
        self._opened: list[OpenSource] = []  # every file opened in this run: their checkpoints stay alive
        self.writer: SqliteWriter | None = None
        self.aggregator = Aggregator(
            samples_per_key=config.ingest.samples,
            redactor=redactor_from_config(config.ingest),
            service=self.options.service or config.service,
            version=self.options.version,
            rollup_after_s=self.rollup_after_s,
            retention_s=self.retention_s,
        )

    # -- entry point ------------------------------------------------------------------------------------------

    def run(self, inputs: Sequence[str]) -> IngestSummary:
        started = time.monotonic()
        with WriterLock(self.store):
            self.writer = SqliteWriter(self.store, samples_per_key=self.config.ingest.samples,
                                       max_unmatched_shapes=self.config.ingest.max_unmatched_shapes)
            previous_sigterm = _install_sigterm(self)
            try:
                self._start()
                try:
                    self._run_inputs(inputs)
                except KeyboardInterrupt:
                    self.stopping = True
                    self.writer.abandon_open_transaction()
                    self._drop_uncommitted_counts()
                # with --follow, Ctrl-C is how reading ends; without, it leaves the inputs half read
                self.summary.interrupted = self.stopping and not self.options.follow
                self._flush_samples()
                self._prune()
            finally:
                signal.signal(signal.SIGTERM, previous_sigterm)
                self.summary.seconds = time.monotonic() - started
                self.writer.close()
        return self.summary

    def _start(self) -> None:
        assert self.writer is not None
        current = statement_set_hash(self.statements)
        stored = self.writer.meta().get("statement_set_hash")
        if stored is not None and stored != current:
            self.summary.rematched = self._rematch()
        self.writer.set_meta({
            "statement_set_hash": current,
            "statement_count": str(len(self.statements)),
            "updated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "prodlens_version": __version__,
            "settings": {
                "format": self.options.fmt, "pattern": self.options.pattern, "service": self.options.service,
                "version": self.options.version, "redact": self.config.ingest.redact,
                "redact_patterns": len(self.config.ingest.redact_patterns),
                "retention": self.options.retention or self.config.ingest.retention,
                "rollup_after": self.config.ingest.rollup_after, "samples": self.config.ingest.samples,
            },
        })
        self._prune(at_start=True)

    def _drop_uncommitted_counts(self) -> None:
        """After an interrupt, forget what was folded since the last commit (the interrupted batch, maybe half
        folded): its checkpoint was not committed, so the next run reads those records again. Writing them with
        the final samples would count them twice. Their samples are kept."""
        assert self.writer is not None
        batch = self.aggregator.take(with_samples=True)
        self._pending_reasons.clear()
        if batch.samples:
            self.writer.apply(BatchData(samples=batch.samples))

    def _flush_samples(self, *, if_due: bool = False) -> None:
        """Write the samples gathered since the last flush (counts were committed with their batches)."""
        assert self.writer is not None
        if not self.aggregator.pending_samples:
            return
        if if_due and time.monotonic() - self._last_sample_flush < LIVE_SAMPLE_FLUSH_S:
            return
        self._last_sample_flush = time.monotonic()
        self.writer.apply(self.aggregator.take(with_samples=True))

    def _rematch(self) -> int:
        """Attribute stored unmatched shapes that the current statements now explain (no log re-read)."""
        assert self.writer is not None
        rows = self.writer.unmatched_examples()
        if not rows:
            return 0
        records = [LogRecord(message=example, level=level or None, service=service or None)
                   for _, example, level, service in rows]
        matches = self.matcher.match_many(records)
        assignments: dict[int, tuple[list[str], bool]] = {}
        for (shape_id, *_), match in zip(rows, matches):
            if match.key is not None:
                assignments[shape_id] = ([match.key], False)
            elif match.candidates > 1 and match.candidate_keys:
                assignments[shape_id] = (list(match.candidate_keys), True)
        return self.writer.attribute_unmatched(assignments)

    def _prune(self, *, at_start: bool = False) -> None:
        """Drop what is past the retention. Checkpoints of the files this run opened are touched first, and none
        is forgotten at the start (before the files are opened): a file still offered is never read again."""
        assert self.writer is not None
        self._last_prune = time.monotonic()
        self.writer.touch_checkpoints(s.checkpoint.id for s in self._opened if s.checkpoint.id is not None)
        cap = self.config.ingest.max_store_bytes
        done = self.writer.prune(now=time.time(), retention_s=self.retention_s, rollup_after_s=self.rollup_after_s,
                                 max_bytes=cap, forget_checkpoints=not at_start)
        if done.get("over_cap") and not self._told_over_cap:
            self._told_over_cap = True
            self._tell(f"{self.store}: still larger than ingest.max_store_bytes ({cap:,} bytes) with only the newest "
                       "hour of data left; raise the cap (the newest hour is never dropped)")

    # -- inputs -----------------------------------------------------------------------------------------------

    def _run_inputs(self, inputs: Sequence[str]) -> None:
        files: list[str] = []
        directories: list[Path] = []
        named: list[str] = []  # files given by name (not found in a directory): a missing one is waited for
        streams: list[str] = []  # named pipes, `<(...)`, devices: no offset to resume at, read like stdin
        use_stdin = False
        for item in inputs or [STDIN]:
            if item == STDIN:
                use_stdin = True
                continue
            path = Path(item)
            if path.is_dir():
                directories.append(path)
                files.extend(str(p) for p in files_in(path))
            elif path.exists() and not path.is_file():
                streams.append(item)
            elif path.exists() or self.options.follow:
                files.append(item)
                named.append(item)
            else:
                self.summary.errors.append(f"{item}: no such file or directory")
        files = list(dict.fromkeys(files))
        self._bytes_total = sum(_size(f) for f in files)
        if use_stdin:
            self._read_stream(None, "stdin")
        for item in streams:
            if self.stopping:
                break
            self._read_stream(item, item)
        tracked: dict[str, OpenSource] = {}
        for path in files:
            if self.stopping:
                break
            source = self._open(path)
            if source is None:
                continue
            self._drain(source, final=not self.options.follow)
            if self.options.follow:
                tracked[path] = source
            else:
                source.close()
        if self.options.follow and not self.stopping and (files or directories):  # a pipe alone ends with it
            self._follow(tracked, files, named, directories)
        for source in tracked.values():
            source.close()

    def _open(self, path: str) -> OpenSource | None:
        assert self.writer is not None
        try:
            source = open_source(self.writer, path)
        except FileNotFoundError:
            if not self.options.follow:
                self.summary.errors.append(f"{path}: no such file")
            else:
                self._wait_for(path)
            return None
        except OSError as exc:
            self._error(f"{path}: cannot read: {exc.strerror}")
            return None
        compressed = compressed_kind(source.fd) if source.offset == 0 else None
        if compressed is not None:
            source.close()
            kind, command = compressed
            self._error(f"{path}: a {kind}-compressed file: prodlens reads plain log files; decompress it first "
                        f"(`{command} {path} > FILE`, then `prodlens ingest FILE`)")
            return None
        if path in self._waiting:
            self._waiting.discard(path)
            self._tell(f"{path}: has appeared; following it")
        self.summary.files += 1
        self._opened.append(source)
        self._bytes_done += min(source.offset, _size(path))
        return source

    # -- one file ---------------------------------------------------------------------------------------------

    def _drain(self, source: OpenSource, *, final: bool, finished: bool = False) -> None:
        """Count everything after the checkpoint (complete lines only unless `final`), committing per batch.

        `finished`: the file was rotated away while followed, so nobody writes it any more: an unreadable last
        line without its newline will never be completed and is counted as skipped instead of waiting forever."""
        from ..matching.records import FormatError, read_records

        base = _after_counted_fragment(source.fd, source.offset)
        if base is None:
            return  # the rest of a line whose beginning was already counted is still being written
        fmt, pattern = self._format_for(source)
        handle = os.fdopen(os.dup(source.fd), "rb", buffering=1 << 20)
        try:
            handle.seek(base)
            # A file object is read with readline (fast); while following, a generator holds back a partial line.
            lines: Any = handle if final else _lines(handle, final=False)
            records: list[LogRecord] = []
            pending = 0
            end = 0
            cfg = self.config.records
            try:
                for result in read_records(lines, fmt=fmt, pattern=pattern, config=cfg):
                    if result.record is None:
                        if not finished and _unterminated(source.fd, base + result.end_offset):
                            break  # a last line that cannot be read yet may be half-written: left for next time
                        self._skip(result.skipped)
                    else:
                        records.append(result.record)
                    end = result.end_offset
                    pending += 1
                    if pending >= self.options.batch_records:
                        self._commit(records, source, base + end)
                        records, pending = [], 0
                        if self.stopping:
                            return
            except FormatError as exc:
                # Nothing past the last commit is counted and the checkpoint stays: fix the format, run again.
                self._error(f"{source.path}: {exc}")
                self.aggregator.take(with_samples=False)  # drop this file's uncommitted skips
                self._pending_reasons.clear()
                return
            if pending:
                self._commit(records, source, base + end)
        finally:
            handle.close()

    def _format_for(self, source: OpenSource) -> tuple[str, str | None]:
        """The format of a file, told once from its first lines and then kept: while following, each poll reads
        only the new lines, too few to tell a layout from reliably."""
        from ..matching.records import FormatError, detect_format

        if self.options.fmt != "auto" or self.options.pattern or self.config.records.format != "auto" \
                or self.config.records.pattern:
            return self.options.fmt, self.options.pattern
        known = self._formats.get(source.path)
        if known is not None:
            return known
        head = os.pread(source.fd, 256 * 1024, 0)
        complete = head[: head.rfind(b"\n") + 1]
        sample = [line.decode("utf-8", "replace") for line in complete.split(b"\n") if line.strip()][:10]
        if not sample:
            return "auto", None  # nothing complete yet: tell it next time
        try:
            fmt, layout = detect_format(sample)
        except FormatError:
            return "auto", None  # the reader raises it, naming the lines it saw
        self._formats[source.path] = (fmt, layout.source if layout is not None else None)
        return self._formats[source.path]

    def _skip(self, reason: str | None) -> None:
        """Count a skipped record; its reason is told in the summary once the batch holding it is committed."""
        self.aggregator.skip(reason)
        tally(self._pending_reasons, reason or "unreadable")

    def _error(self, message: str) -> None:
        if message not in self.summary.errors:  # a followed file retried every poll reports once
            self.summary.errors.append(message)
            if self.options.follow:
                self._tell(message)

    def _wait_for(self, path: str) -> None:
        if path not in self._waiting:
            self._waiting.add(path)
            self._tell(f"{path}: no such file; waiting for it to appear")

    def _tell(self, message: str) -> None:
        if self.notify is not None:
            self.notify(message)

    def _commit(self, records: list[LogRecord], source: OpenSource | None, offset: int | None) -> None:
        assert self.writer is not None
        matches = self.matcher.match_many(records) if records else []
        self.aggregator.add_many(records, matches)
        flush_samples = time.monotonic() - self._last_sample_flush >= BULK_SAMPLE_FLUSH_S
        batch = self.aggregator.take(with_samples=flush_samples)
        if flush_samples:
            self._last_sample_flush = time.monotonic()
        before = source.offset if source is not None else 0
        checkpoint = source.advance(offset) if source is not None and offset is not None else None
        self.writer.apply(batch, checkpoint)
        self.aggregator.reset_clock()
        for name in ("records", "matched", "ambiguous", "unmatched", "skipped", "expired"):
            setattr(self.summary, name, getattr(self.summary, name) + batch.totals.get(name, 0))
        for reason, count in self._pending_reasons.items():
            tally(self.summary.skip_reasons, reason, count)
        self._pending_reasons.clear()
        if source is not None and offset is not None:
            self._bytes_done += max(0, offset - before)
        self.summary.bytes_read = self._bytes_done
        self._report()

    def _report(self, force: bool = False) -> None:
        if self.progress is None:
            return
        now = time.monotonic()
        if force or now - self._last_progress >= 0.2:
            self._last_progress = now
            self.progress(self.summary, self._bytes_done, self._bytes_total)

    # -- stdin ------------------------------------------------------------------------------------------------

    def _read_stream(self, path: str | None, name: str) -> None:
        """Read stdin (`path` None) or a pipe given by name on a thread, so a quiet pipe (`kubectl logs -f`) still
        commits what arrived, every second. A pipe has no identity or offset: what arrives is always new."""
        import sys

        from ..matching.records import FormatError, read_records

        lines: queue.Queue[bytes | None] = queue.Queue(maxsize=self.options.batch_records * 2)
        failures: list[str] = []

        def pump() -> None:
            try:
                # a named pipe is opened here: opening blocks until its writer appears, and Ctrl-C must still work
                stream = sys.stdin.buffer if path is None else open(path, "rb")
                with stream if path is not None else _no_close(stream):
                    for line in stream:
                        lines.put(line)
            except (OSError, ValueError) as exc:
                if path is not None:
                    failures.append(f"{name}: cannot read: {getattr(exc, 'strerror', None) or exc}")
            finally:
                lines.put(None)

        threading.Thread(target=pump, name="prodlens-stdin", daemon=True).start()
        done = False
        while not done and not self.stopping:
            chunk: list[bytes] = []
            deadline = time.monotonic() + self.options.stdin_flush_s
            while len(chunk) < self.options.batch_records:
                timeout = deadline - time.monotonic()
                if timeout <= 0:
                    break
                try:
                    line = lines.get(timeout=timeout)
                except queue.Empty:
                    break
                if line is None:
                    done = True
                    break
                chunk.append(line)
            if not chunk:
                self._flush_samples(if_due=True)
                continue
            records: list[LogRecord] = []
            try:
                for result in read_records(chunk, fmt=self.options.fmt, pattern=self.options.pattern,
                                           config=self.config.records):
                    if result.record is None:
                        self._skip(result.skipped)
                    else:
                        records.append(result.record)
            except FormatError as exc:
                self._error(f"{name}: {exc}")
                self.aggregator.take(with_samples=False)
                self._pending_reasons.clear()
                return
            self._bytes_done += sum(len(line) for line in chunk)
            self._commit(records, None, None)
        for failure in failures:
            self._error(failure)

    # -- follow -----------------------------------------------------------------------------------------------

    def _follow(self, tracked: dict[str, OpenSource], wanted: list[str], named_files: list[str],
                directories: list[Path]) -> None:
        wanted_set = set(wanted)
        named = set(named_files)
        while not self.stopping:
            for directory in directories:
                for path in files_in(directory):
                    key = str(path)
                    if key not in tracked and key not in wanted_set:
                        wanted_set.add(key)
            for path in sorted(wanted_set):
                if self.stopping:
                    break
                source = tracked.get(path)
                if source is None:
                    if path in named and not os.path.exists(path):
                        self._wait_for(path)
                        continue
                    if not is_ingestible(Path(path)):
                        continue
                    source = self._open(path)
                    if source is None:
                        continue
                    tracked[path] = source
                    self._drain(source, final=False)
                    continue
                self._poll(path, source, tracked)
            self._flush_samples(if_due=True)
            if time.monotonic() - self._last_prune > PRUNE_EVERY_S:
                self._prune()
            self._report(force=True)
            time.sleep(self.options.poll_interval)

    def _poll(self, path: str, source: OpenSource, tracked: dict[str, OpenSource]) -> None:
        try:
            current = os.stat(path)
        except OSError:
            current = None
        opened = os.fstat(source.fd)
        if current is None or (current.st_dev, current.st_ino) != (opened.st_dev, opened.st_ino):
            # Rotated (renamed or deleted, maybe already recreated): finish the old file from its descriptor.
            self._drain(source, final=True, finished=True)
            source.close()
            del tracked[path]
            if current is not None:
                replacement = self._open(path)
                if replacement is not None:
                    tracked[path] = replacement
                    self._drain(replacement, final=False)
            return
        cp = source.checkpoint
        truncated = opened.st_size < cp.offset or (cp.head_len and head_hash(source.fd, cp.head_len) != cp.head_hash)
        if truncated:
            source.checkpoint = Checkpoint(cp.source, cp.dev, cp.ino, 0, head_hash(source.fd, 0), 0)
            self._drain(source, final=False)
        elif opened.st_size > cp.offset:
            self._drain(source, final=False)


def _lines(handle: IO[bytes], *, final: bool) -> Iterator[bytes]:
    """Lines from the current position; while following, a last line without its newline is left unread."""
    for line in handle:
        if not final and not line.endswith(b"\n"):
            return
        yield line


@contextmanager
def _no_close(stream: Any) -> Iterator[Any]:
    """stdin is not ours to close."""
    yield stream


def _unterminated(fd: int, end: int) -> bool:
    """True when the line ending at `end` has no newline (it is the file's last, maybe still being written)."""
    return end > 0 and os.pread(fd, 1, end - 1) != b"\n"


def _after_counted_fragment(fd: int, offset: int) -> int | None:
    """Where reading resumes: `offset`, or — when the last run counted a final line that had no newline yet and
    the file has grown since — just after the newline that completes that line, so its rest is not counted as a
    second record. None while that line is still incomplete."""
    if offset <= 0 or os.pread(fd, 1, offset - 1) == b"\n":
        return offset
    position = offset
    while True:
        chunk = os.pread(fd, 1 << 16, position)
        if not chunk:
            return None
        newline = chunk.find(b"\n")
        if newline >= 0:
            return position + newline + 1
        position += len(chunk)


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def _install_sigterm(ingest: Ingest) -> Any:
    """SIGTERM stops like Ctrl-C: the current batch either commits or is re-read next time."""

    def handler(signum: int, frame: Any) -> None:
        ingest.stopping = True
        raise KeyboardInterrupt

    try:
        return signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread (library use): leave signals alone
        return signal.getsignal(signal.SIGTERM)


def ingest(
    inputs: Sequence[str],
    *,
    root: str | Path,
    config: Config,
    store: str | Path | None = None,
    options: IngestOptions | None = None,
    progress: ProgressCallback | None = None,
    before_reading: Callable[[], None] | None = None,
    notify: Callable[[str], None] | None = None,
) -> IngestSummary:
    """Index `root`, build the matcher, and ingest `inputs` into the store (`store` or the configured one).

    `before_reading` runs once the index and the matcher exist, before the first record is read: the command
    passes `tune_for_streaming` there, so its `gc.freeze()` also takes the index out of the collector's walks."""
    from ..config import store_path
    from ..matching.matcher import Matcher
    from ..source.index import StatementIndex

    root = Path(root)
    target = Path(store) if store else store_path(config, root)
    if target is None:
        raise StoreError(
            f"store.url {config.store.url!r} is a remote store: `prodlens ingest` writes the embedded store only "
            "(pass --store PATH)"
        )
    index = StatementIndex.build(root, config)
    try:
        index.save()  # the next run (and the language server) starts warm
    except OSError:
        pass
    statements = list(index.statements)
    matcher = Matcher(statements, root=root, config=config)
    if before_reading is not None:
        before_reading()
    return Ingest(target, statements, matcher, config, options, progress, notify).run(inputs)
