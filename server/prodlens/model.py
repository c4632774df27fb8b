"""The data types every part of prodlens agrees on (see docs/architecture.md).

They are plain frozen dataclasses with no behaviour beyond what keeps them consistent, so that `source/`,
`matching/`, `stores/` and `lsp/` can exchange them without importing each other. JSON forms are part of the
CLI contract (`prodlens index --json`, `prodlens map`), so `to_json`/`from_json` are kept here, next to the
fields they describe.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Iterable, Union

# --------------------------------------------------------------------------------------------------------------
# Levels


LEVELS: tuple[str, ...] = ("trace", "debug", "info", "warn", "error", "fatal")
"""Normalised levels, lowest first. Every framework's names map onto these."""

_LEVEL_ALIASES: dict[str, str] = {
    "trace": "trace", "finest": "trace", "finer": "trace", "verbose": "trace", "silly": "trace", "all": "trace",
    "debug": "debug", "fine": "debug", "dbg": "debug", "d": "debug",
    "info": "info", "information": "info", "informational": "info", "config": "info", "notice": "info",
    "http": "info", "log": "info", "print": "info", "i": "info",
    "warn": "warn", "warning": "warn", "w": "warn",
    "error": "error", "err": "error", "severe": "error", "exception": "error", "e": "error",
    "fatal": "fatal", "critical": "fatal", "crit": "fatal", "panic": "fatal", "emerg": "fatal",
    "emergency": "fatal", "alert": "fatal", "dpanic": "fatal", "f": "fatal",
}
_NUMERIC_LEVELS = ((50, "fatal"), (40, "error"), (30, "warn"), (20, "info"), (10, "debug"), (0, "trace"))
_PINO_LEVELS = ((60, "fatal"), (50, "error"), (40, "warn"), (30, "info"), (20, "debug"), (0, "trace"))
# OpenTelemetry SeverityNumber ranges: 1-4 trace, 5-8 debug, 9-12 info, 13-16 warn, 17-20 error, 21-24 fatal
_OTEL_LEVELS = ((21, "fatal"), (17, "error"), (13, "warn"), (9, "info"), (5, "debug"), (1, "trace"))


def level_aliases(level: str) -> list[str]:
    """The names (lower case, two letters or more) that `normalize_level` reads as `level`: for stores that
    filter on the level text as written, which must accept every spelling a logger may have used."""
    return sorted(a for a, name in _LEVEL_ALIASES.items() if name == level and len(a) > 1)


def normalize_level(value: object) -> str | None:
    """Map any framework's level name (or number) onto `LEVELS`; None when it is not a level at all.

    Numbers are read as Python logging levels (10..50); callers that know the source use `pino_level` or
    `otel_severity_level` instead, because the three numbering schemes disagree.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        # Python logging numbers (10 DEBUG .. 50 CRITICAL). pino's numbers differ: use `pino_level`.
        if value != value or value in (float("inf"), float("-inf")):  # NaN / Infinity: int() would raise
            return None
        number = int(value)
        for threshold, name in _NUMERIC_LEVELS:
            if number >= threshold:
                return name
        return None
    text = str(value).strip().lower()
    if not text:
        return None
    if text in _LEVEL_ALIASES:
        return _LEVEL_ALIASES[text]
    # "WARNING:", "[INFO]", "level.warning", "Level.SEVERE"
    text = text.strip("[]():<> ").rsplit(".", 1)[-1]
    return _LEVEL_ALIASES.get(text)


def pino_level(number: int) -> str:
    """pino's numeric level (10 trace, 20 debug, 30 info, 40 warn, 50 error, 60 fatal)."""
    for threshold, name in _PINO_LEVELS:
        if number >= threshold:
            return name
    return "trace"


def otel_severity_level(number: int) -> str | None:
    """OpenTelemetry SeverityNumber (1..24) to a normalised level."""
    for threshold, name in _OTEL_LEVELS:
        if number >= threshold:
            return name
    return None


# --------------------------------------------------------------------------------------------------------------
# Time windows


WINDOWS: tuple[str, ...] = ("15m", "1h", "24h", "7d", "30d")
_WINDOW_RE = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def parse_window(text: str) -> timedelta:
    """Parse `15m`, `1h`, `24h`, `7d`, `30d` (any positive count of s/m/h/d/w) into a timedelta."""
    match = _WINDOW_RE.match(text or "")
    if not match or int(match.group(1)) <= 0:
        raise ValueError(f"not a time window: {text!r} (use e.g. 15m, 1h, 24h, 7d, 30d)")
    return timedelta(seconds=int(match.group(1)) * _UNIT_SECONDS[match.group(2)])


# --------------------------------------------------------------------------------------------------------------
# Templates


class HoleKind(StrEnum):
    """What a hole in a template can hold. Narrow kinds make regexes more selective; `any` is always safe."""

    ANY = "any"  # any text, possibly empty, possibly multi-line
    INT = "int"  # optionally signed integer: %d, {:d}
    NUMBER = "number"  # integer or decimal, exponent allowed: %f, %g, %.2f
    HEX = "hex"  # %x, %X
    WORD = "word"  # no whitespace: %c, single token values
    BOOL = "bool"  # %t (Go), %b (Java String.format)
    JSON = "json"  # %j (util.format), %o/%O (inspected object)


@dataclass(frozen=True, slots=True)
class Hole:
    """A place in a message filled at run time. `name` keeps what the source called it, for display only."""

    kind: HoleKind = HoleKind.ANY
    name: str | None = field(default=None, compare=False)

    def __str__(self) -> str:  # canonical text writes every hole as {}
        return "{}"


Part = Union[str, Hole]


@dataclass(frozen=True, slots=True)
class Template:
    """Constant text and typed holes, in order. Built by `Template.of`, which merges adjacent literals.

    Two adjacent `any` holes are kept as written (they are distinct arguments) but renderers collapse them,
    because `(.*)(.*)` only adds backtracking.
    """

    parts: tuple[Part, ...]

    @classmethod
    def of(cls, *parts: Part | Iterable[Part]) -> "Template":
        flat: list[Part] = []
        for part in parts:
            if isinstance(part, (str, Hole)):
                items: Iterable[Part] = (part,)
            else:
                items = part
            for item in items:
                if isinstance(item, str):
                    if not item:
                        continue
                    if flat and isinstance(flat[-1], str):
                        flat[-1] = flat[-1] + item
                        continue
                flat.append(item)
        return cls(tuple(flat))

    @classmethod
    def dynamic(cls) -> "Template":
        """The template of a message with no constant text: `log.info(json)`."""
        return cls((Hole(),))

    @property
    def text(self) -> str:
        """Canonical text: literals as written, every hole as `{}`."""
        return "".join(str(p) for p in self.parts)

    @property
    def literals(self) -> tuple[str, ...]:
        return tuple(p for p in self.parts if isinstance(p, str))

    @property
    def literal_chars(self) -> int:
        return sum(len(p) for p in self.parts if isinstance(p, str))

    @property
    def holes(self) -> int:
        return sum(1 for p in self.parts if isinstance(p, Hole))

    @property
    def is_dynamic(self) -> bool:
        """True when there is no constant text at all (whitespace and punctuation only count as none)."""
        return not any(p.strip() for p in self.literals)

    @property
    def longest_literal(self) -> str:
        return max(self.literals, key=len, default="")

    def to_json(self) -> list[dict[str, str]]:
        return [{"text": p} if isinstance(p, str) else {"hole": p.kind.value} for p in self.parts]

    @classmethod
    def from_json(cls, data: list[dict[str, str]]) -> "Template":
        return cls.of(*(d["text"] if "text" in d else Hole(HoleKind(d["hole"])) for d in data))

    def __str__(self) -> str:
        return self.text


# --------------------------------------------------------------------------------------------------------------
# Statements


class Confidence(StrEnum):
    FULL = "full"  # every part of the message is known: constant text and typed holes
    PARTIAL = "partial"  # some constant text is known, some of the message is built elsewhere
    DYNAMIC = "dynamic"  # no constant text: `log.info(json)`


@dataclass(frozen=True, slots=True)
class Range:
    """An LSP range: 0-based lines, 0-based UTF-16... columns counted in characters of the decoded text."""

    start_line: int
    start_column: int
    end_line: int
    end_column: int


@dataclass(frozen=True, slots=True)
class LogStatement:
    """One call that writes a log record. `key` survives line moves and unrelated edits (see `statement_key`)."""

    key: str
    path: str  # repository-relative, POSIX
    range: Range
    language: str  # java | python | javascript | typescript | tsx | go
    framework: str  # slf4j, log4j, jul, commons-logging, logging, structlog, loguru, console, winston, pino, ...
    level: str | None  # one of LEVELS, None when only known at run time
    logger: str | None  # the logger name it emits under, when the code says it
    template: Template
    confidence: Confidence
    wrapper: bool = False  # the inner call of a detected logging wrapper (its call sites are statements)
    receiver: str = "declared"  # declared (the file says it is a logger) | convention (named like one)
    throwable: bool = False  # passes an exception (trailing Throwable, exc_info, logger.exception, err field)

    @property
    def line(self) -> int:
        """1-based first line of the call."""
        return self.range.start_line + 1

    @property
    def end_line(self) -> int:
        """1-based last line of the call."""
        return self.range.end_line + 1

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "path": self.path,
            "line": self.line,
            "end_line": self.end_line,
            "column": self.range.start_column + 1,
            "end_column": self.range.end_column + 1,
            "language": self.language,
            "framework": self.framework,
            "level": self.level,
            "logger": self.logger,
            "template": self.template.text,
            "parts": self.template.to_json(),
            "confidence": self.confidence.value,
            "wrapper": self.wrapper,
            "receiver": self.receiver,
            "throwable": self.throwable,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "LogStatement":
        return cls(
            key=data["key"],
            path=data["path"],
            range=Range(data["line"] - 1, data["column"] - 1, data["end_line"] - 1, data["end_column"] - 1),
            language=data["language"],
            framework=data["framework"],
            level=data.get("level"),
            logger=data.get("logger"),
            template=Template.from_json(data["parts"]),
            confidence=Confidence(data["confidence"]),
            wrapper=bool(data.get("wrapper", False)),
            receiver=data.get("receiver", "declared"),
            throwable=bool(data.get("throwable", False)),
        )


def statement_key(path: str, template: Template, level: str | None, ordinal: int) -> str:
    """A key that does not depend on the line: path, canonical text, level and the ordinal among statements
    with the same (template, level) in the same file. Moving code or editing another statement keeps it;
    rewording the message changes it, which is right: it is a different statement to production."""
    material = "\x00".join((path, template.text, level or "", str(ordinal)))
    return hashlib.blake2b(material.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


# --------------------------------------------------------------------------------------------------------------
# Records and matches


@dataclass(slots=True)
class LogRecord:
    """One production log record, whatever format it arrived in. `attributes` use OpenTelemetry names where
    they exist (`code.file.path`, `code.line.number`, `thread.name`, `trace_id`, ...)."""

    message: str
    timestamp: datetime | None = None  # UTC, timezone-aware
    level: str | None = None  # normalised (LEVELS)
    logger: str | None = None
    exception: str | None = None
    service: str | None = None
    version: str | None = None
    host: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)


class MatchMethod(StrEnum):
    LOCATION = "location"
    TEMPLATE = "template"


@dataclass(frozen=True, slots=True)
class Match:
    """Which statement wrote a record. `key` is None when nothing fits or when several fit equally well
    (then `candidates` > 1 and `candidate_keys` names them: ambiguity is reported, never resolved by luck)."""

    key: str | None
    method: MatchMethod | None
    candidates: int
    score: float = 0.0
    candidate_keys: tuple[str, ...] = ()

    @classmethod
    def none(cls) -> "Match":
        return cls(None, None, 0)


# --------------------------------------------------------------------------------------------------------------
# What stores return


@dataclass(frozen=True, slots=True)
class Bucket:
    start: datetime
    count: int


@dataclass(slots=True)
class Counts:
    """Hits of one statement in one window, with the previous window for the trend."""

    total: int = 0
    previous: int = 0
    buckets: list[Bucket] = field(default_factory=list)
    by_level: dict[str, int] = field(default_factory=dict)
    by_service: dict[str, int] = field(default_factory=dict)
    by_version: dict[str, int] = field(default_factory=dict)
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    ambiguous: int = 0  # hits attributed here from records that several statements fitted equally well
    stale: bool = False  # served from cache because the store did not answer


@dataclass(frozen=True, slots=True)
class Sample:
    """One real occurrence, already redacted."""

    timestamp: datetime | None
    message: str
    level: str | None = None
    attributes: dict[str, str] = field(default_factory=dict)
