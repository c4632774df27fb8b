"""`prodlens map --root ROOT [--input FILE|-] [--output FILE|-] [--format ...] [--pattern P] [--strict]`.

Production → source in bulk: one JSON object per input record, in input order,
`{"path", "line", "end_line", "key", "method", "candidates"}` (`path` relative to ROOT; all null when nothing or
several statements fit — then `candidates` says how many). Skipped input (invalid JSON, oversize lines, ...)
still gets its line, with `"skipped": reason`, so output line N always belongs to input record N. A summary goes
to stderr. Exit 0 (with warnings for bad input), 1 with `--strict` when anything was skipped, 2 on usage errors.
This contract is used by other tools: keep it stable.
"""

from __future__ import annotations

import argparse
import errno
import io
import json
import os
import signal
import stat
import sys
import threading
import time
import zlib
from collections import Counter
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any, BinaryIO, Callable, ContextManager, Iterator, TextIO

from ..skip_reasons import by_kind
from ..skip_reasons import tally as tally_reason

_BATCH = 4096


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "map",
        help="map log records to the statements that wrote them",
        description="Read log records (JSON lines, OTLP/JSON, logfmt or plain text by layout) and write one JSON "
        "object per record naming the statement that wrote it: "
        '{"path", "line", "end_line", "key", "method", "candidates"}.',
    )
    parser.add_argument("--root", default=".", help="the source tree (default: the current directory)")
    parser.add_argument("--input", "-i", default="-", help="log file to read, - for stdin (default)")
    parser.add_argument("--output", "-o", default="-", help="where to write the JSON lines, - for stdout")
    parser.add_argument("--format", "-f", default="auto",
                        choices=("auto", "jsonl", "otlp", "logfmt", "pattern", "text"),
                        help="input format (default: told from the first lines)")
    parser.add_argument("--pattern", "-p", default=None,
                        help="plain-text layout: log4j '%%d %%-5p [%%t] %%c - %%m%%n', Python "
                        "'%%(asctime)s %%(levelname)s %%(name)s %%(message)s' or a regex with (?P<message>...)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when any input record was skipped")
    parser.add_argument("--engine", default="auto", choices=("auto", "hyperscan", "python"),
                        help=argparse.SUPPRESS)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..config import load_config
    from ..matching.matcher import Matcher
    from ..matching.records import FormatError, read_records
    from ..streaming import tune_for_streaming
    from ..source.index import StatementIndex

    if args.pattern and args.format not in ("auto", "pattern"):  # it would be ignored without a word
        print(f"prodlens map: --pattern describes plain-text lines; it does not apply to --format {args.format} "
              "(use --format pattern, or leave --format out)", file=sys.stderr)
        return 2
    root = Path(args.root)
    if not root.is_dir():
        print(f"prodlens map: --root {args.root}: not a directory", file=sys.stderr)
        return 2
    config = load_config(root)
    opened = _open_streams(args.input, args.output)  # before indexing: a mistyped path is told at once
    if opened is None:
        return 2
    handle, sink = opened
    started = time.perf_counter()
    index = StatementIndex.build(root, config)
    matcher = Matcher(index.statements, root=root, config=config, engine=args.engine)
    tune_for_streaming()
    indexed = time.perf_counter()
    source = _decompressed(handle)  # (after indexing: on a live pipe this waits for the first bytes)
    counts: Counter[str] = Counter()
    skipped: Counter[str] = Counter()
    warnings: Counter[str] = Counter()
    batch: list[Any] = []
    rendered: dict[tuple, tuple[str, str]] = {}

    interrupts = _Interrupts()

    def write_batch() -> None:
        if batch:
            _flush(batch, matcher, sink, counts, skipped, warnings, rendered, interrupts.held)
            batch.clear()
            sink.flush()

    interrupted = False
    write_error: OSError | None = None
    interrupts.install()
    reader = _WriteBeforeReading(source, write_batch)
    try:
        results = read_records(reader, fmt=args.format, pattern=args.pattern, config=config.records)
        for result in results:
            batch.append(result)
            if len(batch) >= _BATCH:
                write_batch()
        write_batch()
    except FormatError as exc:
        print(f"prodlens map: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # Ctrl-C: what was written stays one line per record; say how far it got
        interrupted = True
    except OSError as exc:  # the output failed (disk full, quota, I/O error); input errors end the input instead
        if isinstance(exc, BrokenPipeError):
            raise  # the reader went away (`| head`): nothing to report
        write_error = exc
    finally:
        interrupts.uninstall()
        write_error = _close(sink, source) or write_error
    if write_error is not None:
        where = "standard output" if args.output == "-" else args.output
        print(f"prodlens map: cannot write {where}: {write_error.strerror or write_error}; the output is "
              "incomplete", file=sys.stderr)
        return 1
    if reader.error is not None and reader.delivered == 0:
        print(f"prodlens map: cannot read {args.input}: {reader.error}", file=sys.stderr)
        return 2
    elapsed = time.perf_counter() - indexed
    _summary(sys.stderr, counts, skipped, warnings, elapsed, indexed - started, len(index.statements),
             matcher.engine.name)
    if interrupted:
        print(f"prodlens map: interrupted; the {counts['records']} record(s) above were written", file=sys.stderr)
        return 130
    if reader.error is not None:
        print(f"warning: the input ended early after {reader.delivered:,} bytes: {reader.error}; the records "
              "before that were mapped", file=sys.stderr)
    return 1 if args.strict and (skipped or reader.error is not None) else 0


class _Interrupts:
    """Ctrl-C raises KeyboardInterrupt at once, except while a batch is being written and counted (`held`): then
    it is raised when that ends, so the summary counts exactly the lines written. A second Ctrl-C during the
    write (a consumer that stopped reading) raises at once."""

    def __init__(self) -> None:
        self._holding = False
        self._pending = False
        self._previous: Any = None

    def install(self) -> None:
        if threading.current_thread() is threading.main_thread() and \
                signal.getsignal(signal.SIGINT) is signal.default_int_handler:  # (not when SIGINT is ignored)
            self._previous = signal.signal(signal.SIGINT, self._handle)

    def uninstall(self) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)
            self._previous = None

    def _handle(self, signum: int, frame: Any) -> None:
        if not self._holding or self._pending:
            raise KeyboardInterrupt
        self._pending = True

    @contextmanager
    def held(self) -> Iterator[None]:
        self._holding = True
        try:
            yield
        finally:
            self._holding = False
        if self._pending:
            self._pending = False
            raise KeyboardInterrupt


class _WriteBeforeReading:
    """The input stream, calling `before` each time the reader asks for more bytes. Records are matched and
    written in batches; a live stream (`tail -f app.log | prodlens map`) may not send more for a long time, so
    the records read so far are written before each read rather than held until a batch is full (or lost on
    Ctrl-C). A file is read in 1 MB blocks, so this costs one write per block."""

    def __init__(self, stream: BinaryIO, before: Any):
        self._stream = stream
        self._before = before
        self.delivered = 0  # bytes handed to the reader
        self.error: str | None = None  # why the input ended before its end (see `read1`)

    def fileno(self) -> int:
        return self._stream.fileno()  # (the reader asks whether a live stream is quiet)

    def read1(self, size: int = -1) -> bytes:
        self._before()
        try:
            block = self._stream.read1(size)  # type: ignore[attr-defined]
        except (EOFError, OSError, zlib.error) as exc:
            # a truncated or corrupt .gz (a log still being compressed, a partial download: EOFError, BadGzipFile,
            # zlib.error) or a failing disk: what was read is mapped and the input ends here, with the reason
            if isinstance(exc, OSError) and exc.strerror:
                self.error = exc.strerror
            else:
                self.error = f"compressed data damaged or cut short ({exc or type(exc).__name__})"
            return b""
        self.delivered += len(block)
        return block


def _is_stdin(source: Any) -> bool:
    return sys.stdin is not None and source is sys.stdin.buffer


def _close(sink: TextIO, source: Any) -> OSError | None:
    """Flush and close what `run` opened (never stdin/stdout themselves); the output's error, if any: the last
    buffered lines are written here, so a full disk can show up only now."""
    error: OSError | None = None
    try:
        sink.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        error = exc
    if sink is not sys.stdout:
        try:
            sink.close()
        except OSError as exc:
            error = error or exc
    if not _is_stdin(source):
        source.close()  # closing a gzip wrapper over stdin leaves stdin itself open
    return error


def _open_streams(input_name: str, output_name: str) -> tuple[BinaryIO, TextIO] | None:
    """The input and output, or None after saying on stderr why they cannot be used. Checked before the index
    is built, which takes seconds to minutes on a large tree: a mistyped --input used to be told only after it."""
    try:
        handle = _open_input(input_name)
    except OSError as exc:
        print(f"prodlens map: cannot read {input_name}: {exc.strerror or exc}", file=sys.stderr)
        return None
    if _same_file(handle, output_name):
        where = "standard output" if output_name == "-" else f"--output {output_name}"
        print(f"prodlens map: {where} is the input file (writing it would destroy or endlessly extend the "
              "input); write somewhere else", file=sys.stderr)
    else:
        try:
            return handle, _open_output(output_name)
        except OSError as exc:
            print(f"prodlens map: cannot write {output_name}: {exc.strerror or exc}", file=sys.stderr)
    if not _is_stdin(handle):
        handle.close()
    return None


def _open_input(name: str) -> BinaryIO:
    """The input as bytes (see `_decompressed`)."""
    if name == "-" and sys.stdin is None:  # started with stdin closed (`<&-`)
        raise OSError(errno.EBADF, "standard input is closed")
    return sys.stdin.buffer if name == "-" else open(name, "rb")


def _decompressed(handle: BinaryIO) -> BinaryIO:
    """gzip-compressed input (rotated logs) is decompressed on the fly."""
    import gzip

    peek = getattr(handle, "peek", None)
    if peek is not None and peek(2)[:2] == b"\x1f\x8b":
        return gzip.open(handle, "rb")  # type: ignore[return-value]
    return handle


def _same_file(source: BinaryIO, output: str) -> bool:
    """Whether the output (a path, or stdout for `-`) is the regular file being read. Opening it for writing
    would empty the input before it is read; appending to it (`>> app.log`) would feed the output back in as
    input forever (like `cat`, refuse both)."""
    try:
        read = os.fstat(source.fileno())
        written = os.fstat(sys.stdout.fileno()) if output == "-" else os.stat(output)
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        return False  # no descriptor (a test's stream) or no such output file yet: nothing to compare
    return stat.S_ISREG(read.st_mode) and (read.st_dev, read.st_ino) == (written.st_dev, written.st_ino)


def _open_output(name: str) -> TextIO:
    if name == "-" and sys.stdout is None:  # started with stdout closed (`>&-`)
        raise OSError(errno.EBADF, "standard output is closed")
    return sys.stdout if name == "-" else open(name, "w", encoding="utf-8")


def _flush(batch, matcher, sink: TextIO, counts, skipped, warnings, rendered: dict[tuple, tuple[str, str]],
           held: Callable[[], ContextManager[None]] = nullcontext) -> None:
    """Write one output line per record. The line depends only on (statement, method, candidates), so each
    distinct one is rendered once and looked up after that (`rendered`, kept across batches). Writing and
    counting happen together inside `held` (no Ctrl-C between them)."""
    if not batch:
        return
    matches = iter(matcher.match_many([r.record for r in batch if r.record is not None]))
    lines: list[str] = []
    append = lines.append
    tally: Counter[str] = Counter()  # merged after the write: an interrupted batch is neither written nor counted
    batch_warnings: Counter[str] = Counter()
    batch_skipped: Counter[str] = Counter()
    for result in batch:
        if result.warning:
            batch_warnings[result.warning] += 1
        if result.record is None:
            batch_skipped[result.skipped or "unreadable"] += 1
            append(json.dumps({"path": None, "line": None, "end_line": None, "key": None, "method": None,
                               "candidates": 0, "skipped": result.skipped}))
            continue
        match = next(matches)
        key = (match.key, match.method, match.candidates)
        known = rendered.get(key)
        if known is None:
            known = rendered[key] = _render(matcher, match)
            if len(rendered) > 100_000:  # bounded: one entry per statement and tie size in practice
                rendered.clear()
        append(known[0])
        tally[known[1]] += 1
    tally["records"] = len(batch)
    text = "\n".join(lines) + "\n"
    with held():
        sink.write(text)
        counts.update(tally)
        for reason, count in batch_warnings.items():
            tally_reason(warnings, reason, count)
        for reason, count in batch_skipped.items():
            tally_reason(skipped, reason, count)


def _render(matcher, match) -> tuple[str, str]:
    """(output line, summary category) of one match."""
    statement = matcher.statement(match.key) if match.key else None
    if statement is not None:
        return json.dumps({"path": statement.path, "line": statement.line, "end_line": statement.end_line,
                           "key": statement.key, "method": match.method.value,
                           "candidates": match.candidates}), "matched"
    return json.dumps({"path": None, "line": None, "end_line": None, "key": None,
                       "method": match.method.value if match.method else None,
                       "candidates": match.candidates}), "ambiguous" if match.candidates > 1 else "unmatched"


def _summary(stream: TextIO, counts, skipped, warnings, elapsed: float, index_seconds: float, statements: int,
             engine: str) -> None:
    records = counts["records"]
    rate = records / elapsed if elapsed > 0 else 0.0
    stream.write(
        f"records: {records}  matched: {counts['matched']}  ambiguous: {counts['ambiguous']}  "
        f"unmatched: {counts['unmatched']}  skipped: {sum(skipped.values())}  "
        f"records/s: {rate:,.0f}  ({statements} statements indexed in {index_seconds:.1f}s, engine {engine})\n"
    )
    for reason, count in by_kind(skipped):
        stream.write(f"warning: skipped {count} record(s): {reason}\n")
    for reason, count in by_kind(warnings):
        stream.write(f"warning: {count} record(s) read with repairs: {reason}\n")
