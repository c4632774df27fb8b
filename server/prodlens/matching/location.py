"""Map a record's code location (file path + line, as the logging framework reported it) to a statement.

Deployed paths rarely equal repository paths (`/app/src/pkg/mod.py`, `/usr/lib/python3/site-packages/pkg/mod.py`,
`BOOT-INF/classes/...`, a bare `Queue.java` from log4j). Configured prefixes are applied first; otherwise the
repository file sharing the longest run of trailing path components wins, and a tie is no answer (never a guess)
unless exactly one tied file is wholly a suffix of the deployed path (the others contradict it).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Iterable, Sequence

from ..model import LogStatement

# (path field, line field) pairs, most specific first: OpenTelemetry semantic conventions, then the older names
DEFAULT_LOCATION_FIELDS: tuple[tuple[str, str], ...] = (
    ("code.file.path", "code.line.number"),
    ("code.filepath", "code.lineno"),
    ("log.origin.file.name", "log.origin.file.line"),  # Elastic Common Schema
)


def record_location(attributes: dict[str, Any], configured: Sequence[str] = ()) -> tuple[str, int] | None:
    """(deployed path, 1-based line) from a record's attributes, or None when it carries no usable location."""
    pairs: list[tuple[str, str]] = []
    if len(configured) >= 2:
        pairs.append((configured[0], configured[1]))
    pairs.extend(DEFAULT_LOCATION_FIELDS)
    for path_field, line_field in pairs:
        path = attributes.get(path_field)
        line = attributes.get(line_field)
        if not path or line is None or isinstance(line, bool):
            continue
        number = _line_number(line)
        if number is not None and number > 0:
            return str(path), number
    return None


def _line_number(value: Any) -> int | None:
    """A whole line number from a JSON number or text: 7, "7", 7.0 and "7.0" are line 7 (some exporters write
    every number as a double); 7.9, "seven", NaN and Infinity are no line at all (truncating 7.9 to 7 would name
    a line the record never claimed)."""
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        text = value.strip()
        if text.isdigit():
            return int(text) if len(text) <= 18 else None
        try:
            value = float(text)
        except ValueError:
            return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


class LocationIndex:
    """Repository files and their statements, for resolving deployed locations."""

    def __init__(self, statements: Iterable[LogStatement], prefixes: dict[str, str] | None = None):
        self._by_path: dict[str, list[LogStatement]] = defaultdict(list)
        for statement in statements:
            self._by_path[statement.path].append(statement)
        for listed in self._by_path.values():
            listed.sort(key=lambda s: (s.range.start_line, s.range.end_line))
        self._by_name: dict[str, list[str]] = defaultdict(list)
        for path in self._by_path:
            self._by_name[path.rsplit("/", 1)[-1]].append(path)
        # longest deployed prefix first, so `/app/src/` wins over `/app/`
        self._prefixes = sorted((prefixes or {}).items(), key=lambda item: -len(item[0]))

    def repository_path(self, deployed: str) -> str | None:
        """The repository path for a deployed path, or None when none (or several equally) fit."""
        deployed = deployed.replace("\\", "/")
        for prefix, replacement in self._prefixes:
            if deployed.startswith(prefix):
                candidate = (replacement.rstrip("/") + "/" + deployed[len(prefix):].lstrip("/")).lstrip("/")
                if candidate in self._by_path:
                    return candidate
        if deployed in self._by_path:
            return deployed
        name = deployed.rsplit("/", 1)[-1]
        options = self._by_name.get(name)
        if not options:
            return None
        if len(options) == 1:
            return options[0]
        wanted = [p for p in deployed.split("/") if p not in ("", ".")]
        scored = sorted(((_common_suffix(wanted, o.split("/")), o) for o in options), reverse=True)
        best = scored[0][0]
        if best > scored[1][0]:
            return scored[0][1]
        # A tie. A repository path the deployed path ends with entirely (`shop/orders.py` for
        # `/usr/lib/python3/site-packages/shop/orders.py`) is consistent with it; one that goes on with a folder
        # the deployed path does not have there (a vendored `vendor/lib/shop/orders.py`) contradicts it.
        whole = [o for score, o in scored if score == best and score == o.count("/") + 1]
        return whole[0] if len(whole) == 1 else None

    def statement_at(self, path: str, line: int) -> list[LogStatement]:
        """Statements whose call spans `line` (1-based); several only when calls share the line."""
        return [s for s in self._by_path.get(path, ()) if s.line <= line <= s.end_line]


def _common_suffix(a: list[str], b: list[str]) -> int:
    count = 0
    for x, y in zip(reversed(a), reversed(b)):
        if x != y:
            break
        count += 1
    return count
