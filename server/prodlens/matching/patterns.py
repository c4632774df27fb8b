"""Turn a plain-text log layout into a regex with named groups.

Three notations are accepted, told apart by their syntax:
- a Python `logging` format: `%(asctime)s %(levelname)s %(name)s %(message)s`;
- a log4j / logback PatternLayout: `%d{ISO8601} %-5p [%t] %c{1} - %m%n`;
- a regex with named groups, which must include `message`: `(?P<level>\\w+) (?P<message>.*)`.

Group names are the LogRecord's: `timestamp`, `level`, `logger`, `message`, `thread`, `file`, `line`,
`exception`; anything else becomes an attribute. The header regex matches the first line of a record; lines that
do not match it are continuation lines (see records.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


class PatternError(ValueError):
    """The layout cannot be understood; the message says where."""


@dataclass(frozen=True)
class LinePattern:
    source: str  # what the user wrote
    kind: str  # python | log4j | regex
    regex: re.Pattern[str]


# -- Python logging ------------------------------------------------------------------------------------------

_PY_FIELD = re.compile(r"%\((\w+)\)(-?\d*)(?:\.\d+)?([sdfrxXi])")
_PY_GROUPS = {
    "asctime": ("timestamp", r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:[,.]\d+)?(?:Z|[+-]\d\d:?\d\d)?"),
    "created": ("timestamp", r"\d+(?:\.\d+)?"),
    "levelname": ("level", r"[A-Za-z]+"),
    "levelno": ("levelno", r"\d+"),
    "name": ("logger", r"\S+"),
    "message": ("message", r".*"),
    "pathname": ("file", r"\S+"),
    "filename": ("file", r"\S+"),
    "module": ("module", r"\S+"),
    "lineno": ("line", r"\d+"),
    "funcName": ("function", r"\S+"),
    "threadName": ("thread", r".+?"),
    "thread": ("thread_id", r"\d+"),
    "process": ("process", r"\d+"),
    "processName": ("process_name", r"\S+"),
    "msecs": ("msecs", r"\d+(?:\.\d+)?"),
    "relativeCreated": ("relative", r"\d+(?:\.\d+)?"),
    "taskName": ("task", r"\S+"),
}


def _python_layout(layout: str) -> str:
    out: list[str] = []
    used: set[str] = set()
    position = 0
    for found in _PY_FIELD.finditer(layout):
        out.append(_literal(layout[position:found.start()]))
        field, width = found.group(1), found.group(2)
        group, body = _PY_GROUPS.get(field, (field, r".*?"))
        out.append(_group(group, body, used, padded=bool(width)))
        position = found.end()
    out.append(_literal(layout[position:].replace("%%", "%")))
    return "".join(out)


# -- log4j / logback PatternLayout ---------------------------------------------------------------------------

_LOG4J_TOKEN = re.compile(r"%(-?\d*(?:\.\d+)?)([a-zA-Z]+|%)(\{[^}]*\})?")
_LOG4J_GROUPS = {
    "d": "timestamp", "date": "timestamp",
    "p": "level", "level": "level", "le": "level",
    "c": "logger", "lo": "logger", "logger": "logger",
    "C": "class", "class": "class",
    "t": "thread", "thread": "thread",
    "m": "message", "msg": "message", "message": "message",
    "F": "file", "file": "file",
    "L": "line", "line": "line",
    "M": "function", "method": "function",
    "l": "location", "caller": "location",
    "r": "relative", "relative": "relative",
    "x": "ndc", "X": "mdc", "mdc": "mdc",
    "ex": "exception", "throwable": "exception", "xEx": "exception", "wEx": "exception",
}
_LOG4J_BODIES = {
    "level": r"[A-Za-z]+",
    "logger": r"[^\s\]\[]+",
    "class": r"[^\s\]\[]+",
    "thread": r".*?",
    "message": r".*",
    "file": r"\S+",
    "line": r"\d+",
    "function": r"\S+",
    "location": r"\S+",
    "relative": r"\d+",
    "ndc": r".*?",
    "mdc": r".*?",
}
_NAMED_DATES = {
    "ISO8601": "yyyy-MM-dd HH:mm:ss,SSS",
    "ABSOLUTE": "HH:mm:ss,SSS",
    "DATE": "dd MMM yyyy HH:mm:ss,SSS",
    "ISO8601_BASIC": "yyyyMMdd'T'HHmmss,SSS",
    "DEFAULT": "yyyy-MM-dd HH:mm:ss,SSS",
}


def _date_regex(spec: str | None) -> str:
    """A SimpleDateFormat pattern to a regex: letter runs become digit or letter runs, the rest is literal."""
    fmt = _NAMED_DATES.get((spec or "ISO8601").strip(), (spec or "").strip())
    out: list[str] = []
    for run in re.finditer(r"'([^']*)'|([a-zA-Z])\2*|.", fmt):
        text = run.group(0)
        if run.group(1) is not None:
            out.append(re.escape(run.group(1)))
        elif run.group(2):
            letter = run.group(2)
            if letter in "MEa" and len(text) >= 3 or letter in "E":
                out.append(r"[A-Za-z]+")
            elif letter in "XZz":
                out.append(r"(?:Z|[+-]\d\d:?\d\d|[A-Z]{2,5})")
            else:
                out.append(r"\d+")
        else:
            out.append(re.escape(text))
    return "".join(out)


def _log4j_layout(layout: str) -> str:
    out: list[str] = []
    used: set[str] = set()
    position = 0
    for found in _LOG4J_TOKEN.finditer(layout):
        out.append(_literal(layout[position:found.start()]))
        position = found.end()
        width, word, option = found.group(1), found.group(2), found.group(3)
        if word == "%":
            out.append("%")
            continue
        if word == "n":
            continue  # the record ends at the line end
        group = _LOG4J_GROUPS.get(word)
        if group is None and len(word) > 1 and word[0] in _LOG4J_GROUPS:
            # `%d%n`-like run-ons are not valid PatternLayout; `%msg`, `%level` are handled above
            group = _LOG4J_GROUPS[word[0]]
            out.append(_literal(word[1:]))
        if group is None:
            raise PatternError(f"unknown conversion %{word} in log layout {layout!r}")
        if group == "timestamp":
            body = _date_regex(option[1:-1] if option else None)
        elif group == "exception":
            continue  # printed on the following lines: continuation lines
        else:
            body = _LOG4J_BODIES[group]
        out.append(_group(group, body, used, padded=bool(width and width.strip("-."))))
    out.append(_literal(layout[position:]))
    return "".join(out)


# -- shared --------------------------------------------------------------------------------------------------


def _literal(text: str) -> str:
    # runs of spaces in a layout are often padding: let them stretch
    return re.sub(r"(?:\\ )+", " +", re.escape(text.rstrip("\n")))


def _group(name: str, body: str, used: set[str], padded: bool) -> str:
    if name in used:  # the same field twice (e.g. %F and %l): only the first one captures
        return f"(?:{body})"
    used.add(name)
    group = f"(?P<{name}>{body})"
    return rf" *{group} *" if padded else group


def compile_pattern(layout: str) -> LinePattern:
    """Compile a user-supplied layout, guessing its notation from its syntax."""
    if not layout or not layout.strip():
        raise PatternError("empty log layout")
    if "(?P<" in layout or "(?<" in layout:
        kind, source = "regex", layout.replace("(?<", "(?P<").replace("(?P<P<", "(?P<")
    elif "%(" in layout:
        kind, source = "python", _python_layout(layout)
    elif "%" in layout:
        kind, source = "log4j", _log4j_layout(layout)
    else:
        raise PatternError(
            f"cannot tell what kind of layout {layout!r} is: expected a Python logging format (%(message)s), "
            "a log4j PatternLayout (%m) or a regex with named groups ((?P<message>...))"
        )
    try:
        regex = re.compile(source if kind == "regex" else rf"\A{source}\Z", re.DOTALL if kind == "regex" else 0)
    except re.error as exc:
        raise PatternError(f"log layout {layout!r} does not compile: {exc}") from None
    if "message" not in regex.groupindex:
        raise PatternError(f"log layout {layout!r} has no message field (%m, %(message)s or (?P<message>...))")
    return LinePattern(layout, kind, regex)


# Layouts tried by auto-detection, most specific first.
KNOWN_LAYOUTS: tuple[str, ...] = (
    "%d{yyyy-MM-dd HH:mm:ss,SSS} %-5p [%t] %c - %m%n",  # log4j "ISO8601 level [thread] logger - msg"
    "%d{yyyy-MM-dd HH:mm:ss.SSS} [%t] %-5p %c - %m%n",  # logback default with date
    "%d{HH:mm:ss.SSS} [%t] %-5p %c - %m%n",  # logback default
    "%d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %c - %m%n",
    "%d{yyyy-MM-dd HH:mm:ss,SSS} %-5p [%c] %m%n",
    "%(asctime)s - %(name)s - %(levelname)s - %(message)s",  # Python logging cookbook
    "%(asctime)s %(levelname)s %(name)s %(message)s",
    "%(asctime)s %(levelname)s [%(name)s] %(message)s",
    "%(levelname)s:%(name)s:%(message)s",  # Python logging.basicConfig default
)
