"""Read production log records from bytes: JSON lines, OTLP/JSON, logfmt, or plain text described by a layout.

`read_records` yields exactly one `ReadResult` per input record — a `LogRecord`, or the reason it was skipped —
with the byte offset just after the record's last line, so `prodlens ingest` can checkpoint and `prodlens map` can
write one output line per input record. Nothing is lost silently: invalid JSON, invalid UTF-8, NUL bytes and
oversize lines are skipped or repaired with a reason the caller counts and reports.

Plain text needs a layout (`patterns.compile_pattern`); lines that do not start a record (stack traces, wrapped
text) are continuation lines and join the record before them — an attached stack trace becomes `exception`.
"""

from __future__ import annotations

import io
import json
import math
import re
import select
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Iterable, Iterator

from ..config import RecordsConfig
from ..model import LogRecord, normalize_level, otel_severity_level, pino_level
from .patterns import KNOWN_LAYOUTS, LinePattern, PatternError, compile_pattern

try:  # orjson (a dependency) parses log lines about 3x faster than json; json stays as the fallback
    import orjson

    _loads = orjson.loads
    _JSONError: tuple[type[Exception], ...] = (orjson.JSONDecodeError, ValueError)
except ImportError:  # pragma: no cover
    _loads = json.loads
    _JSONError = (ValueError,)

# orjson (3.8) has no nesting limit: a line of ~50,000 nested objects overflows the C stack and kills the process
# (a segfault, no traceback). A line that could nest deeper than this (it has more opening brackets) is parsed by
# the standard library instead, which stops at Python's recursion limit with a RecursionError. Nesting needs two
# bytes per level, so shorter lines never need the count.
_MAX_ORJSON_DEPTH = 500
_NESTING_CHECK_BYTES = 2 * _MAX_ORJSON_DEPTH


def _json_value(data: bytes | str) -> Any:
    """One JSON document parsed without risking the process: see `_MAX_ORJSON_DEPTH`. Raises like `_loads` (and
    RecursionError for a document nested too deeply)."""
    if len(data) >= _NESTING_CHECK_BYTES:
        opening = (b"{", b"[") if isinstance(data, bytes) else ("{", "[")
        if data.count(opening[0]) + data.count(opening[1]) > _MAX_ORJSON_DEPTH:  # type: ignore[arg-type]
            return json.loads(data)
    try:
        return _loads(data)
    except _JSONError as refused:
        return _lenient_json(data, refused)


# an escaped UTF-16 surrogate: the standard library would let a lone one through into a str no encoder accepts
_SURROGATE_ESCAPE = re.compile(rb"\\[uU][dD][89a-fA-F]")


def _lenient_json(data: bytes | str, refused: Exception) -> Any:
    """What orjson refuses but loggers write: numbers beyond a double (`1e400`, a 400-digit id) and the `NaN` /
    `Infinity` that Python's `json.dumps` writes by default (python-json-logger with a float field). The standard
    library reads those; anything it cannot read raises orjson's error, whose message is the one reported."""
    raw = data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass")
    if _SURROGATE_ESCAPE.search(raw):
        raise refused
    try:
        return json.loads(data)
    except ValueError:
        raise refused from None


FORMATS = ("auto", "jsonl", "otlp", "logfmt", "pattern", "text")
_DETECT_LINES = 20
_MAX_CONTINUATION_LINES = 10_000


class FormatError(ValueError):
    """The input's format cannot be told, or the requested format/layout is unusable."""


@dataclass(slots=True)
class ReadResult:
    record: LogRecord | None
    skipped: str | None  # why no record came out of this input (None when `record` is set)
    end_offset: int  # byte offset just after the record's last line
    line_no: int  # 1-based line where the record starts
    warning: str | None = None  # the record was read, but something was repaired (invalid UTF-8, NUL, truncated)


# -- field names ---------------------------------------------------------------------------------------------

_MESSAGE = ("message", "msg", "body", "Body", "@message", "event", "log.message", "log")
_LEVEL = ("level", "levelname", "severity", "SeverityText", "log.level", "loglevel", "lvl")
_LOGGER = ("logger", "logger_name", "name", "ScopeName", "log.logger", "loggerName")
_TIME = ("ts", "time", "timestamp", "@timestamp", "Timestamp", "asctime", "t")
_EXCEPTION = ("exception", "exc_info", "stack_trace", "stacktrace", "error.stack_trace", "exception.stacktrace",
              "err", "error")
_THREAD = ("thread", "thread_name", "threadName", "thread.name", "process.thread.name")
_SERVICE = ("service", "service.name", "service_name")
_VERSION = ("service.version", "version", "release", "commit")
_HOST = ("host", "hostname", "host.name")


class _Fields:
    """Field-name lists with configured names first. Dotted names also reach into nested objects."""

    def __init__(self, config: RecordsConfig):
        self.message = (*config.message_fields, *_MESSAGE)
        self.level = (*config.level_fields, *_LEVEL)
        self.logger = (*config.logger_fields, *_LOGGER)
        self.time = (*config.time_fields, *_TIME)
        self.exception = (*config.exception_fields, *_EXCEPTION)
        self.shapes: dict[tuple[str, ...], tuple | None] = {}


def _lookup(data: dict[str, Any], names: tuple[str, ...], nested: bool = True) -> tuple[str | None, Any]:
    get = data.get
    for name in names:
        value = get(name)
        if value is None and nested and "." in name:
            value = _nested(data, name)
        if value is not None and value != "":
            return name, value
    return None, None


def _nested(data: dict[str, Any], dotted: str) -> Any:
    node: Any = data
    for piece in dotted.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(piece)
        if node is None:
            return None
    return node


def _flatten(data: dict[str, Any], prefix: str, out: dict[str, Any], depth: int = 0) -> None:
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and depth < 8:
            _flatten(value, name + ".", out, depth + 1)
        else:
            out[name] = value


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        for key in ("stringValue", "stack", "stack_trace", "message"):
            inner = value.get(key)
            if isinstance(inner, str):
                return inner
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        return str(value)


def parse_timestamp(value: Any) -> datetime | None:
    """ISO 8601 text or a Unix time in s/ms/µs/ns (told apart by magnitude); None when it is neither."""
    if value is None or isinstance(value, bool):
        return None
    if type(value) is str and not value.isdigit():
        try:  # the common case first: ISO 8601 in UTC, as loggers write it
            stamp = datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            zone = stamp.tzinfo
            if zone is timezone.utc:
                return stamp
            return stamp.replace(tzinfo=timezone.utc) if zone is None else stamp.astimezone(timezone.utc)
    if isinstance(value, str):
        text = value.strip()
        if text.isdigit():  # (a Unix time has at most 20 digits: a longer run would only make int() work hard)
            return parse_timestamp(int(text)) if len(text) <= 24 else None
        try:
            stamp = datetime.fromisoformat(text.replace(",", ".", 1) if "," in text else text)
        except ValueError:
            return None
        return stamp.replace(tzinfo=timezone.utc) if stamp.tzinfo is None else stamp.astimezone(timezone.utc)
    if isinstance(value, (int, float)):
        try:
            number = float(value)
        except OverflowError:  # an integer beyond a double: no time
            return None
        for limit, scale in ((1e17, 1e9), (1e14, 1e6), (1e11, 1e3)):
            if number > limit:
                number /= scale
                break
        try:
            return datetime.fromtimestamp(number, tz=timezone.utc)
        except (OverflowError, OSError, ValueError):
            return None
    return None


# -- one JSON object -----------------------------------------------------------------------------------------


_LEVEL_CACHE: dict[str, str | None] = {}


def _finite(value: Any) -> bool:
    """False for the NaN and Infinity that Python's `json.dumps` writes (and `_lenient_json` reads)."""
    return not isinstance(value, float) or math.isfinite(value)


def _level(value: Any) -> str | None:
    """`normalize_level`, but no level (rather than an exception) for NaN and Infinity."""
    return normalize_level(value) if _finite(value) else None


def _level_of(value: str) -> str | None:
    level = _LEVEL_CACHE.get(value)
    if level is None and value not in _LEVEL_CACHE:
        level = normalize_level(value)
        if len(_LEVEL_CACHE) < 1024:
            _LEVEL_CACHE[value] = level
    return level


def record_from_mapping(data: dict[str, Any], fields: _Fields) -> LogRecord:
    """A LogRecord from one JSON/logfmt object; everything not used for a LogRecord field is an attribute.

    Log streams repeat a few key sets millions of times, so which key plays which role is worked out once per key
    set (`fields.shapes`); objects whose chosen values are missing, empty or not plain text take the general path."""
    return _record_from_mapping(data, fields, owned=False)


def _record_from_mapping(data: dict[str, Any], fields: _Fields, owned: bool) -> LogRecord:
    """`owned`: nobody else holds `data` (it was just parsed), so it becomes the record's attributes in place
    instead of being copied."""
    has_nested = dict in map(type, data.values())  # (C loop; `is dict` exactly: a nested object, as JSON gives)
    if not has_nested:
        keys = tuple(data)
        shape = fields.shapes.get(keys)
        if shape is None:
            shape = fields.shapes[keys] = _shape(keys, fields) if len(fields.shapes) < 256 else None
        if shape is not None:
            record = _record_by_shape(data, shape, owned)
            if record is not None:
                return record
    return _record_general(data, fields, has_nested)


def _shape(keys: tuple[str, ...], fields: _Fields) -> tuple:
    present = set(keys)
    chosen = tuple(next((n for n in names if n in present), None)
                   for names in (fields.message, fields.level, fields.logger, fields.time, fields.exception))
    used = frozenset(n for n in chosen if n)
    # which thread/service/version/host names this key set has, in priority order: worked out once per shape
    common = tuple((target, present_names) for names, target in _COMMON_TARGETS
                   if (present_names := tuple(n for n in names if n in present and n not in used)))
    return (*chosen, used, common)


def _record_by_shape(data: dict[str, Any], shape: tuple, owned: bool = False) -> LogRecord | None:
    message_key, level_key, logger_key, time_key, exception_key, used, common = shape
    message = data[message_key] if message_key else None
    level = data[level_key] if level_key else None
    logger = data[logger_key] if logger_key else None
    exception = data[exception_key] if exception_key else None
    if (type(message) is not str or not message) and message is not None:
        return None
    if level is not None and (type(level) is not str or not level):
        return None
    if logger is not None and (type(logger) is not str or not logger):
        return None
    if exception is not None and (type(exception) is not str or not exception):
        return None
    timestamp = parse_timestamp(data[time_key]) if time_key else None
    if owned:
        for name in used:
            del data[name]
        attributes = data
    else:
        attributes = {k: v for k, v in data.items() if k not in used}
    record = LogRecord(message=message or "", timestamp=timestamp, level=_level_of(level) if level else None,
                       logger=logger, exception=exception, attributes=attributes)
    for target, names in common:  # `_common_attributes` for a known key set: only the names it holds
        for name in names:
            value = attributes[name]
            if value is not None and value != "":
                _set_common(record, target, value)
                break
    return record


def _set_common(record: LogRecord, target: str, value: Any) -> None:
    """Put one well-known attribute where LogRecord keeps it; the first name found for a target wins."""
    if target == "thread.name":
        attributes = record.attributes
        attributes.setdefault("thread.name", value)
        if type(value) is not str or type(attributes["thread.name"]) is not str:
            _scalar_threads(attributes)
    elif target == "service":
        record.service = record.service or _text(value)
    elif target == "version":
        record.version = record.version or _text(value)
    else:
        record.host = record.host or _text(value)


def _scalar_threads(attributes: dict[str, Any]) -> None:
    """The thread attributes the matcher keys its per-thread stream context by must be hashable: a JSON array
    or object there (`"thread": ["main"]`) raised TypeError in the matcher and ended the run. They become text."""
    for name in ("thread.name", "thread"):
        value = attributes.get(name)
        if value is not None and not isinstance(value, (str, int, float)):
            attributes[name] = _text(value)


def _record_general(data: dict[str, Any], fields: _Fields, has_nested: bool) -> LogRecord:
    used: set[str] = set()
    name, message = _lookup(data, fields.message, has_nested)
    if name:
        used.add(name)
    name, level = _lookup(data, fields.level, has_nested)
    if name:
        used.add(name)
    if isinstance(level, (int, float)) and not isinstance(level, bool) and _finite(level):
        # pino writes numbers 10..60 next to `msg`; Python's logging numbers are 10..50
        level = pino_level(int(level)) if "msg" in data else normalize_level(level)
    else:
        level = _level(level)
    name, logger = _lookup(data, fields.logger, has_nested)
    if name:
        used.add(name)
    name, stamp = _lookup(data, fields.time, has_nested)
    if name:
        used.add(name)
    name, exception = _lookup(data, fields.exception, has_nested)
    if name:
        used.add(name)
        if exception is True or exception is False:
            exception = None
    attributes: dict[str, Any] = {}
    for key, value in data.items():
        if key in used:
            continue
        if isinstance(value, dict):
            _flatten(value, key + ".", attributes)
        else:
            attributes[key] = value
    record = LogRecord(
        message="" if message is None else _text(message),
        timestamp=parse_timestamp(stamp),
        level=level,
        logger=None if logger is None else _text(logger),
        exception=None if exception is None else _text(exception),
        attributes=attributes,
    )
    _common_attributes(record)
    return record


_COMMON_NAMES = frozenset((*_THREAD, *_SERVICE, *_VERSION, *_HOST))
_COMMON_TARGETS = ((_THREAD, "thread.name"), (_SERVICE, "service"), (_VERSION, "version"), (_HOST, "host"))


def _common_attributes(record: LogRecord) -> None:
    attributes = record.attributes
    if not attributes or attributes.keys().isdisjoint(_COMMON_NAMES):
        return
    for names, target in _COMMON_TARGETS:
        for name in names:
            value = attributes.get(name)
            if value is not None and value != "":
                _set_common(record, target, value)
                break


# -- OTLP/JSON -----------------------------------------------------------------------------------------------


def _object(value: Any) -> dict[str, Any]:
    """`value` when it is a JSON object, else an empty one: OTLP/JSON from hand-written exporters and proxies has
    nulls, strings or lists where the schema has objects, and such a record must still be read, not crash the
    reader."""
    return value if isinstance(value, dict) else {}


def _array(value: Any) -> list[Any]:
    """`value` when it is a JSON array, else an empty one (see `_object`)."""
    return value if isinstance(value, list) else []


def _any_value(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    if "stringValue" in value:
        return value["stringValue"]
    if "intValue" in value:  # a string in OTLP/JSON (64-bit integers), a number from some exporters
        try:
            return int(value["intValue"])
        except (TypeError, ValueError, OverflowError):
            return value["intValue"]
    if "doubleValue" in value:
        return value["doubleValue"]
    if "boolValue" in value:
        return value["boolValue"]
    if "arrayValue" in value:
        return [_any_value(v) for v in _array(_object(value["arrayValue"]).get("values"))]
    if "kvlistValue" in value:
        return _key_values(_object(value["kvlistValue"]).get("values"))
    if "bytesValue" in value:
        return value["bytesValue"]
    return None


def _key_values(items: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in _array(items):
        if isinstance(item, dict) and "key" in item:
            out[_text(item["key"])] = _any_value(item.get("value"))
    return out


def records_from_otlp(data: dict[str, Any]) -> list[LogRecord]:
    """All log records of one OTLP/JSON ExportLogsServiceRequest (the collector file exporter's line). Parts of
    the wrong JSON type are read as empty (`_object`, `_array`)."""
    out: list[LogRecord] = []
    for resource_logs in _array(data.get("resourceLogs")):
        if not isinstance(resource_logs, dict):
            continue
        resource = _key_values(_object(resource_logs.get("resource")).get("attributes"))
        scopes = resource_logs.get("scopeLogs") or resource_logs.get("instrumentationLibraryLogs")
        for scope_logs in _array(scopes):
            if not isinstance(scope_logs, dict):
                continue
            scope = scope_logs.get("scope") or scope_logs.get("instrumentationLibrary")
            scope_name = _object(scope).get("name")
            for item in _array(scope_logs.get("logRecords")):
                if isinstance(item, dict):
                    out.append(_otlp_record(item, resource, _opt_text(scope_name)))
    return out


def _otlp_record(item: dict[str, Any], resource: dict[str, Any], scope_name: str | None) -> LogRecord:
    attributes = _key_values(item.get("attributes"))
    body = _any_value(item.get("body"))
    level = _level(item.get("severityText"))
    if level is None and item.get("severityNumber"):
        try:
            level = otel_severity_level(int(item["severityNumber"]))
        except (TypeError, ValueError, OverflowError):
            level = None
    exception = attributes.get("exception.stacktrace")
    if exception is None and attributes.get("exception.message") is not None:
        exception = f"{attributes.get('exception.type') or 'Exception'}: {attributes['exception.message']}"
    for key in ("traceId", "spanId"):
        if item.get(key):
            attributes.setdefault("trace_id" if key == "traceId" else "span_id", item[key])
    for key, value in resource.items():
        attributes.setdefault(key, value)
    _scalar_threads(attributes)
    logger = scope_name or _opt_text(attributes.get("logger.name") or attributes.get("log.logger"))
    return LogRecord(
        message="" if body is None else _text(body),
        timestamp=parse_timestamp(item.get("timeUnixNano") or item.get("observedTimeUnixNano")),
        level=level,
        logger=logger or None,
        exception=None if exception is None else _text(exception),
        service=_opt_text(resource.get("service.name")),
        version=_opt_text(resource.get("service.version")),
        host=_opt_text(resource.get("host.name")),
        attributes=attributes,
    )


def _opt_text(value: Any) -> str | None:
    return None if value is None else _text(value)


# -- logfmt --------------------------------------------------------------------------------------------------

# key, then a value: quoted (group 2), quoted but never closed — the rest of the line (3), or bare (4). Bare
# values may hold a `"` after their first character (`msg=say"hi"`): go-logfmt refuses those, but hand-written
# formatters print them, and refusing cost the whole record.
_LOGFMT_PAIR = re.compile(r'([^\s="]+)(?:=(?:("(?:[^"\\]|\\.)*")|("(?:[^"\\]|\\.)*\\?$)|([^\s"]\S*)?))?')
_LOGFMT_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_LOGFMT_ESCAPE = re.compile(r"\\(.)")


def _unescape(quoted: str) -> str:
    return _LOGFMT_ESCAPE.sub(lambda m: _LOGFMT_ESCAPES.get(m.group(1), "\\" + m.group(1)), quoted)


def parse_logfmt(text: str) -> dict[str, Any] | None:
    """key=value pairs (values quoted with \\-escapes when they hold spaces). None when the line is not logfmt.

    Lenient where loggers are sloppy and nothing is ambiguous: a quote inside a bare value is kept, and a quoted
    value that is never closed runs to the end of the line."""
    pairs: dict[str, Any] = {}
    position = 0
    valued = 0
    size = len(text)
    while position < size:
        while position < size and text[position] in " \t":
            position += 1
        if position >= size:
            break
        found = _LOGFMT_PAIR.match(text, position)
        if not found or found.end() == position:
            return None
        key, quoted, unclosed, bare = found.groups()
        if "=" not in text[found.start(): found.end()]:
            pairs[key] = True
        else:
            valued += 1
            if quoted is not None:
                pairs[key] = _unescape(quoted[1:-1])
            elif unclosed is not None:
                pairs[key] = _unescape(unclosed[1:])
            else:
                pairs[key] = bare or ""
        position = found.end()
        if position < size and text[position] not in " \t":
            return None
    return pairs if valued >= 2 else None


# -- plain text by layout ------------------------------------------------------------------------------------

_JAVA_TRACE_START = re.compile(r"^(?:Caused by: |Suppressed: |[\w$]+(?:\.[\w$]+)+(?:Exception|Error|Throwable)\b)")
_FRAME = re.compile(r"^\s+(?:at |\.\.\. \d+ (?:more|common frames omitted))")
_LOCATION = re.compile(r"\((?P<file>[^():]+):(?P<line>\d+)\)\s*$")


def _split_exception(lines: list[str]) -> tuple[list[str], str | None]:
    """Continuation lines → (message lines, exception text): a Java trace header followed by `at` frames, or a
    Python `Traceback (most recent call last):`."""
    for index, line in enumerate(lines):
        if line.startswith("Traceback (most recent call last):"):
            return lines[:index], "\n".join(lines[index:])
        if _JAVA_TRACE_START.match(line) and index + 1 < len(lines) and _FRAME.match(lines[index + 1]):
            return lines[:index], "\n".join(lines[index:])
        if _FRAME.match(line) and index > 0:
            return lines[: index - 1], "\n".join(lines[index - 1:])
    return lines, None


_RECORD_GROUPS = frozenset(("message", "timestamp", "level", "logger", "exception"))


def attribute_groups(names: Iterable[str]) -> tuple[str, ...]:
    """The groups of a layout that become attributes (worked out once per layout, not per line)."""
    return tuple(name for name in names if name not in _RECORD_GROUPS)


def record_from_groups(groups: dict[str, str | None], extra_lines: list[str],
                       attribute_names: tuple[str, ...] | None = None) -> LogRecord:
    """A record from a layout's named groups plus its continuation lines. `attribute_names`
    (`attribute_groups` of the layout) saves looking at the groups that are record fields."""
    message_lines, exception = _split_exception(extra_lines) if extra_lines else ([], None)
    message = groups.get("message") or ""
    if message_lines:
        message = "\n".join([message, *message_lines])
    attributes: dict[str, Any] = {}
    for key in attribute_groups(groups) if attribute_names is None else attribute_names:
        value = groups[key]
        if value is None:
            continue
        if key == "thread":
            attributes["thread.name"] = value.strip()
        elif key == "file":
            attributes["code.file.path"] = value
        elif key == "line":
            attributes["code.line.number"] = int(value) if value.isdigit() else value
        elif key == "location":
            found = _LOCATION.search(value)
            if found:
                attributes.setdefault("code.file.path", found.group("file"))
                attributes.setdefault("code.line.number", int(found.group("line")))
            attributes["code.location"] = value
        else:
            attributes[key] = value
    if groups.get("exception"):
        exception = groups["exception"] + ("\n" + exception if exception else "")
    level: Any = groups.get("level")
    if level is None and groups.get("levelno"):
        level = groups["levelno"]
        level = int(level) if level.isdigit() else level
    return LogRecord(
        message=message,
        timestamp=parse_timestamp(groups.get("timestamp")),
        level=_level_of(level) if type(level) is str else normalize_level(level),
        logger=(groups.get("logger") or "").strip() or None,
        exception=exception,
        attributes=attributes,
    )


# -- reading lines -------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Line:
    text: str | None  # decoded, without the line break; None for an oversize line
    end: int  # byte offset after the line break
    number: int
    size: int
    warning: str | None = None


def _raw_lines(stream: Any, limit: int) -> Iterator[tuple[bytes | None, int]]:
    """(line bytes or None when longer than `limit`, size in bytes). Never holds more than `limit` bytes."""
    readline = getattr(stream, "readline", None)
    if readline is None:
        for item in stream:
            if isinstance(item, str):
                item = item.encode("utf-8", "surrogatepass")
            # an iterable may yield several lines in one item (or none): split it
            for piece in item.splitlines(keepends=True) or [b""]:
                yield (None if len(piece) > limit else piece), len(piece)
        return
    while True:
        chunk = readline(limit + 1)
        if not chunk:
            return
        if isinstance(chunk, str):
            chunk = chunk.encode("utf-8", "surrogatepass")
        if len(chunk) > limit and not chunk.endswith(b"\n"):
            size = len(chunk)
            while True:
                more = readline(1 << 20)
                size += len(more)
                if not more or more.endswith(b"\n"):
                    break
            yield None, size
            continue
        yield chunk, len(chunk)


_BLOCK = 1 << 20
# A UTF-8 byte-order mark (Windows editors, PowerShell's `Out-File`, .NET loggers) opens some files. It is not part
# of the first line: left there, the first JSON line was invalid, a first logfmt key or message started with it, and
# auto-detection failed on a one-line file. One in the middle of a stream (files concatenated) stays: it is data.
_BOM = b"\xef\xbb\xbf"
_INVALID_UTF8 = "invalid UTF-8 (replaced with U+FFFD)"

# One input line: (bytes without the line break, or None when longer than the limit; byte offset after the line
# break; 1-based number; size in bytes). Plain tuples: they are made once per line, millions of times.
_ByteLine = tuple[bytes | None, int, int, int]


_PAUSE: Any = (None, -1, -1, -1)  # `_byte_lines` yields this before waiting on a quiet stream, when asked to


def _stream_idle(stream: Any) -> bool:
    """Whether a pipe or terminal has nothing to read right now (a live stream between writes). False for
    regular files (always ready) and whenever it cannot be told (no descriptor, no select on it)."""
    try:
        ready, _, _ = select.select([stream.fileno()], [], [], 0)
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        return False
    return not ready


def _byte_lines(stream: Any, limit: int, paused: Any = None) -> Iterator[_ByteLine]:
    """Undecoded lines. Binary buffered streams are read in blocks split in C (`read1` returns what is
    available, so a pipe that is being written is not waited on); anything else goes line by line. `paused`
    (called once per block, not per line): when it says so, `_PAUSE` is yielded before the next read."""
    read1 = getattr(stream, "read1", None)
    if read1 is None:
        yield from _byte_lines_by_readline(stream, limit)
        return
    offset = 0
    number = 0
    pending = b""
    skipping = 0  # > 0: inside an oversize line, bytes seen so far
    too_long = limit + 1
    at_start = True  # the stream's first bytes may be a byte-order mark
    while True:
        if paused is not None and paused():
            yield _PAUSE
        block = read1(_BLOCK)
        if isinstance(block, str):  # a text stream offering read1: its text, as UTF-8
            block = block.encode("utf-8", "surrogatepass")
        if not block:
            break
        if at_start:
            block = pending + block
            if len(block) < len(_BOM) and _BOM.startswith(block):
                pending = block  # the mark may still be arriving (a pipe written byte by byte)
                continue
            at_start, pending = False, b""
            if block.startswith(_BOM):
                offset, block = len(_BOM), block[len(_BOM):]  # end offsets still count its bytes
        if skipping:
            newline = block.find(b"\n")
            if newline < 0:
                skipping += len(block)
                continue
            size = skipping + newline + 1
            offset += size
            number += 1
            skipping = 0
            yield None, offset, number, size
            block = block[newline + 1:]
        pieces = (pending + block if pending else block).split(b"\n")
        pending = pieces.pop()
        for raw in pieces:
            size = len(raw) + 1
            offset += size
            number += 1
            if size > too_long:
                yield None, offset, number, size
            elif raw.endswith(b"\r"):
                yield raw[:-1], offset, number, size
            else:
                yield raw, offset, number, size
        if len(pending) > limit:
            skipping, pending = len(pending), b""
    if skipping:
        yield None, offset + skipping, number + 1, skipping
    elif pending:
        size = len(pending)
        yield (None if size > limit else pending), offset + size, number + 1, size


def _byte_lines_by_readline(stream: Any, limit: int) -> Iterator[_ByteLine]:
    offset = 0
    number = 0
    for raw, size in _raw_lines(stream, limit):
        offset += size
        number += 1
        if raw is not None and raw.endswith(b"\n"):
            raw = raw[:-2] if raw.endswith(b"\r\n") else raw[:-1]
        if number == 1 and raw is not None and raw.startswith(_BOM):
            raw, size = raw[len(_BOM):], size - len(_BOM)
        yield raw, offset, number, size


def _text_of(raw: bytes) -> tuple[str, str | None]:
    """A line's text and, when its bytes are not UTF-8, the warning that says they were replaced."""
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError:
        return raw.decode("utf-8", "replace"), _INVALID_UTF8


def _decode(lines: Iterable[_ByteLine]) -> Iterator[_Line]:
    """Lines as text, for the readers that work on text (JSON is parsed from the bytes)."""
    for raw, end, number, size in lines:
        if raw is None:
            yield _Line(None, end, number, size)
        else:
            text, warning = _text_of(raw)
            yield _Line(text, end, number, size, warning)


def _lines(stream: Any, limit: int) -> Iterator[_Line]:
    return _decode(_byte_lines(stream, limit))


# -- the reader ----------------------------------------------------------------------------------------------


def read_records(
    stream: Any,
    fmt: str = "auto",
    pattern: str | None = None,
    config: RecordsConfig | None = None,
) -> Iterator[ReadResult]:
    """Yield one ReadResult per record of `stream` (a binary file or an iterable of byte lines).

    `fmt`: auto | jsonl | otlp | logfmt | pattern | text (every line one message). With `auto` (the default)
    the configured format is used, else the format is told from the first lines; `FormatError` says why when it
    cannot be told. `pattern` (or the configured one) is the plain-text layout.
    """
    config = config or RecordsConfig()
    if fmt not in FORMATS:
        raise FormatError(f"unknown format {fmt!r} (use one of {', '.join(FORMATS)})")
    if fmt == "auto" and config.format != "auto":
        fmt = config.format
    pattern = pattern or config.pattern
    if pattern and fmt == "auto":
        fmt = "pattern"
    limit = max(1024, int(getattr(config, "max_line_bytes", 4 << 20)))
    detecting = fmt in ("auto", "pattern") and not (fmt == "pattern" and pattern)
    sample: list[str] = []

    def paused() -> bool:
        """While the format is told: a live stream that has sent some lines and is quiet now (`tail -F app.log |
        prodlens map`) is told from those lines instead of waiting for 20 or the end of the stream."""
        return detecting and any(text.strip() for text in sample) and _stream_idle(stream)

    lines: Iterator[_ByteLine] = _byte_lines(stream, limit, paused)
    layout: LinePattern | None = None
    told = False  # the format was told from the input, not given
    if fmt == "pattern" and pattern:
        try:
            layout = compile_pattern(pattern)
        except PatternError as exc:
            raise FormatError(str(exc)) from None
    elif fmt in ("auto", "pattern"):
        head: list[_ByteLine] = []
        for line in lines:
            if line is _PAUSE:
                break
            head.append(line)
            if line[0] is not None:
                sample.append(line[0].decode("utf-8", "replace"))
                if sum(1 for t in sample if t.strip()) >= _DETECT_LINES:
                    break
        detecting = False
        fmt, layout = detect_format(sample, pattern_only=fmt == "pattern")
        lines = _chain(head, lines)
        told = True
    fields = _Fields(config)
    if fmt in ("jsonl", "otlp"):
        # only an explicit otlp refuses other JSON objects: when the format was told from a sample holding an
        # OTLP request, the plain JSON records beside it are read as records, not skipped
        yield from _read_json(lines, fields, otlp_only=fmt == "otlp" and not told, limit=limit)
    elif fmt == "logfmt":
        yield from _read_logfmt(_decode(lines), fields)
    elif fmt == "text":
        yield from _read_text(lines)
    else:
        assert layout is not None
        yield from _read_layout(_decode(lines), layout, limit)


def _chain(head: list[_ByteLine], rest: Iterator[_ByteLine]) -> Iterator[_ByteLine]:
    yield from head
    yield from rest


def _oversize(line: _Line) -> ReadResult:
    return ReadResult(None, f"line too long ({line.size} bytes)", line.end, line.number)


def _read_json(lines: Iterable[_ByteLine], fields: _Fields, otlp_only: bool, limit: int = 4 << 20,
               documents: bool = True) -> Iterator[ReadResult]:
    """JSON is parsed straight from the line's bytes (orjson and json both take UTF-8): no decode step for the
    common case. A line that does not parse is decoded and looked at again, so invalid UTF-8 inside an object
    is replaced (with a warning) rather than lost. A line that is only `{` or `[` opens a pretty-printed document
    (an OTLP/JSON request saved from a debug exporter or curl, an exported array of records): see
    `_read_document`. A JSON array of objects gives one result per element."""
    loads = _loads
    lines = iter(lines)
    for raw, end, number, size in lines:
        if raw is None:
            yield ReadResult(None, f"line too long ({size} bytes)", end, number)
            continue
        warning = None
        try:
            data = loads(raw) if len(raw) < _NESTING_CHECK_BYTES else _json_value(raw)
        except RecursionError:
            yield ReadResult(None, "invalid JSON (nested too deeply)", end, number)
            continue
        except (*_JSONError, UnicodeDecodeError):
            text, warning = _text_of(raw)
            if not text or text.isspace():
                continue
            if documents and text.strip() in ("{", "["):
                taken, data, warning = _read_document((raw, end, number, size), text, lines, limit)
                if taken[-1] is None:  # not one document after all: each of its lines is read on its own
                    yield from _read_json(taken[:-1], fields, otlp_only, limit, documents=False)
                    continue
                end = taken[-1][1]
            else:
                try:
                    data = _json_value(text)
                except _JSONError as exc:
                    reason = "NUL byte in JSON" if "\x00" in text else f"invalid JSON ({_short(exc)})"
                    yield ReadResult(None, reason, end, number)
                    continue
                except RecursionError:
                    yield ReadResult(None, "invalid JSON (nested too deeply)", end, number)
                    continue
        if type(data) is not dict:
            if type(data) is list and any(type(item) is dict for item in data):
                for item in data:
                    yield from _json_object_results(item, fields, otlp_only, end, number, warning)
                continue
            if not isinstance(data, dict):
                yield ReadResult(None, f"not a JSON object ({type(data).__name__})", end, number)
                continue
        if "resourceLogs" in data or otlp_only:
            yield from _json_object_results(data, fields, otlp_only, end, number, warning)
            continue
        yield ReadResult(_record_from_mapping(data, fields, True), None, end, number, warning)  # (inline: hot)


def _json_object_results(data: Any, fields: _Fields, otlp_only: bool, end: int, number: int,
                         warning: str | None) -> Iterator[ReadResult]:
    """The results of one parsed JSON value: an OTLP request gives one per log record (or one saying it has
    none), a plain object one record."""
    if type(data) is not dict:
        yield ReadResult(None, f"not a JSON object ({type(data).__name__})", end, number)
    elif "resourceLogs" in data:
        records = records_from_otlp(data)
        if not records:
            yield ReadResult(None, "OTLP request without log records", end, number)
        for record in records:
            yield ReadResult(record, None, end, number, warning)
    elif otlp_only:
        yield ReadResult(None, "not an OTLP/JSON logs request (no resourceLogs)", end, number)
    else:
        yield ReadResult(_record_from_mapping(data, fields, True), None, end, number, warning)


def _read_document(first: _ByteLine, text: str, lines: Iterator[_ByteLine],
                   limit: int) -> tuple[list[Any], Any, str | None]:
    """A pretty-printed JSON document from its opening line (`{` or `[` alone) to the closing line at the same
    indentation: (its lines, the parsed value, the repair warning). When that closing line does not come within
    `limit` bytes, or the lines do not parse as one document, the lines come back followed by None, to be read
    one by one as before — so a stray `{` line costs a delay, never a record."""
    indent = len(text) - len(text.lstrip())
    closer = b"}" if text.strip() == "{" else b"]"
    taken: list[Any] = [first]
    size = first[3]
    for line in lines:
        taken.append(line)
        raw = line[0]
        if raw is None:
            break
        size += line[3]
        if size > limit:
            break
        body = raw.lstrip()
        if body[:1] == closer and len(raw) - len(body) == indent:
            whole, warning = _text_of(b"\n".join(piece[0] for piece in taken))
            try:
                return taken, _json_value(whole), warning
            except (*_JSONError, RecursionError):
                break
    taken.append(None)
    return taken, None, None


def _short(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:80]


def _read_logfmt(lines: Iterable[_Line], fields: _Fields) -> Iterator[ReadResult]:
    for line in lines:
        if line.text is None:
            yield _oversize(line)
            continue
        if not line.text.strip():
            continue
        pairs = parse_logfmt(line.text.strip())
        if pairs is None:
            yield ReadResult(None, "not logfmt (expected key=value pairs)", line.end, line.number)
            continue
        yield ReadResult(record_from_mapping(pairs, fields), None, line.end, line.number, _nul(line))


def _nul(line: _Line) -> str | None:
    if line.text is not None and "\x00" in line.text:
        return "NUL byte in text" if line.warning is None else line.warning + "; NUL byte in text"
    return line.warning


def _read_text(lines: Iterable[_ByteLine]) -> Iterator[ReadResult]:
    """Every line one message: the cheapest format, so it works on the byte lines directly."""
    for raw, end, number, size in lines:
        if raw is None:
            yield ReadResult(None, f"line too long ({size} bytes)", end, number)
            continue
        warning = None
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text, warning = raw.decode("utf-8", "replace"), _INVALID_UTF8
        if not text or text.isspace():
            continue
        if "\x00" in text:
            warning = "NUL byte in text" if warning is None else warning + "; NUL byte in text"
        yield ReadResult(LogRecord(message=text), None, end, number, warning)


def _read_layout(lines: Iterable[_Line], layout: LinePattern, limit: int) -> Iterator[ReadResult]:
    header = layout.regex.match
    current: tuple[dict[str, str | None], _Line] | None = None
    extra: list[str] = []
    extra_bytes = 0
    end = 0
    warning: str | None = None

    attribute_names = attribute_groups(layout.regex.groupindex)

    def finish() -> ReadResult:
        groups, first = current  # type: ignore[misc]
        record = record_from_groups(groups, extra, attribute_names)
        return ReadResult(record, None, end, first.number, warning)

    for line in lines:
        if line.text is None:
            if current is not None:
                yield finish()
                current = None
            yield _oversize(line)
            continue
        found = header(line.text)
        if found:
            if current is not None:
                yield finish()
            current, extra, extra_bytes, end = (found.groupdict(), line), [], 0, line.end
            warning = _nul(line)
            continue
        if current is None:
            if line.text.strip():
                yield ReadResult(None, "line does not match the log layout", line.end, line.number)
            continue
        end = line.end
        if line.warning or "\x00" in line.text:
            warning = _nul(line)
        if len(extra) >= _MAX_CONTINUATION_LINES or extra_bytes + line.size > limit:
            warning = "record truncated (too many continuation lines)"
            continue
        extra.append(line.text)
        extra_bytes += line.size
    if current is not None:
        # trailing blank lines belong to no message
        while extra and not extra[-1].strip():
            extra.pop()
        yield finish()


# -- format detection ----------------------------------------------------------------------------------------


def detect_format(sample: list[str], pattern_only: bool = False) -> tuple[str, LinePattern | None]:
    """Tell the format from the first lines. Raises FormatError with the reason when it cannot."""
    lines = [line for line in sample if line.strip()]
    if not lines:
        return ("jsonl", None) if not pattern_only else ("text", None)
    if not pattern_only:
        if lines[0].strip() in ("{", "["):  # a pretty-printed JSON document (see `_read_document`)
            return ("otlp" if any('"resourceLogs"' in line for line in lines) else "jsonl"), None
        parsed = []
        for line in lines:
            if line.lstrip().startswith("{"):
                try:
                    parsed.append(_json_value(line))
                except (*_JSONError, RecursionError):
                    pass
        objects = [p for p in parsed if isinstance(p, dict)]
        if objects and len(objects) * 2 >= len(lines):
            return ("otlp" if any("resourceLogs" in o for o in objects) else "jsonl"), None
        logfmt = [parse_logfmt(line.strip()) for line in lines]
        if sum(1 for p in logfmt if p and (set(p) & {"msg", "message", "level", "lvl"})) * 2 > len(lines):
            return "logfmt", None
    # A layout must open the sample, or start at least two of its records: input cut from a longer log
    # (`tail -n 500 app.log`, a rotated file) often opens inside the previous record's stack trace.
    best: tuple[int, LinePattern] | None = None
    for known in KNOWN_LAYOUTS:
        layout = compile_pattern(known)
        hits = sum(1 for line in lines if layout.regex.match(line))
        if hits < 2 and not layout.regex.match(lines[0]):
            continue
        if best is None or hits > best[0]:
            best = (hits, layout)
    if best is not None:
        return "pattern", best[1]
    first = lines[0][:120]
    raise FormatError(
        f"cannot tell the format of the input from its first {len(lines)} line(s) (first line: {first!r}): "
        "not JSON lines, OTLP/JSON, logfmt, nor a known log layout. Pass --format jsonl|otlp|logfmt|text, "
        "or --pattern with the layout (e.g. '%d %-5p [%t] %c - %m%n' or '%(asctime)s %(levelname)s %(name)s "
        "%(message)s')"
    )


def parse_line(text: str, pattern: str | None = None) -> LogRecord:
    """One pasted log line (or a few lines) in any format → a LogRecord; plain text becomes the message.

    Used by the editor's "find statement": never raises, because whatever the user pasted is at least a
    message to search for."""
    text = text.strip("\r\n")
    stripped = text.strip()
    fields = _Fields(RecordsConfig())
    if stripped.startswith("{"):
        try:
            data = _json_value(stripped)
        except (*_JSONError, RecursionError):
            data = None
        if isinstance(data, dict):
            if "resourceLogs" in data:
                records = records_from_otlp(data)
                if records:
                    return records[0]
            else:
                return record_from_mapping(data, fields)
    first, _, rest = text.partition("\n")
    layouts: list[LinePattern] = []
    if pattern:
        try:
            layouts.append(compile_pattern(pattern))
        except PatternError:
            pass
    layouts.extend(compile_pattern(k) for k in KNOWN_LAYOUTS)
    for layout in layouts:
        found = layout.regex.match(first)
        if found:
            return record_from_groups(found.groupdict(), rest.split("\n") if rest else [])
    if "\n" not in stripped:
        pairs = parse_logfmt(stripped)
        if pairs and (set(pairs) & {"msg", "message"}):
            return record_from_mapping(pairs, fields)
    return LogRecord(message=stripped)
