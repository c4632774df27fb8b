"""Which class encloses a line of a Python file, read with `ast` on demand.

Python loggers are often named after the module plus the class (`sqlalchemy.pool.impl.NullPool`,
`logging.getLogger(f"{__name__}.{type(self).__name__}")`): when the same text is logged in several classes of one
module, the class in the logger name says which one wrote the record.
"""

from __future__ import annotations

import ast
import os
from functools import lru_cache

_MAX_SOURCE_BYTES = 8 * 1024 * 1024


@lru_cache(maxsize=1024)
def python_classes(path: str) -> tuple[tuple[str, int, int], ...]:
    """(class name, first line, last line), 1-based, for every class of the file (nested ones too); empty when
    the file cannot be read or parsed."""
    try:
        if os.path.getsize(path) > _MAX_SOURCE_BYTES:
            return ()
        with open(path, "rb") as handle:
            tree = ast.parse(handle.read(), filename=path)
    except (OSError, SyntaxError, ValueError, RecursionError, MemoryError):
        return ()
    return tuple((node.name, node.lineno, node.end_lineno or node.lineno)
                 for node in ast.walk(tree) if isinstance(node, ast.ClassDef))


def innermost_class(path: str, line: int) -> str | None:
    """Name of the innermost class whose body spans `line`, or None."""
    best: tuple[str, int, int] | None = None
    for name, start, end in python_classes(path):
        if start <= line <= end and (best is None or start >= best[1]):
            best = (name, start, end)
    return best[0] if best else None
