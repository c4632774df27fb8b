"""Source locations named by a stack trace attached to a record.

An exception logged where it is created (`reply.send()` building a FastifyError, `new IOException` beside the
log call) or a trace captured at the logging call names the logging call's own file and line among its frames.
When exactly one of several equally good candidates lies on such a frame, the trace — written by the runtime,
not by us — says which statement ran. Frames are read from Java (`at pkg.Class.method(File.java:12)`), Python
(`File ".../pkg/mod.py", line 12, in f`) and V8 (`at f (/app/node_modules/pkg/lib/x.js:12:5)`) traces.
"""

from __future__ import annotations

import re
from typing import Iterable

from ..model import LogStatement

_JAVA = re.compile(r"\bat\s+([\w$.]+)\.[\w$<>-]+\(([\w$-]+\.(?:java|kt|scala|groovy)):(\d{1,7})\)")
_PYTHON = re.compile(r'File "([^"\n]{1,1000})", line (\d{1,7})')
_V8 = re.compile(r"\bat\s+(?:[^\n()]{0,500}\()?(?:file://)?([^\s():]{1,1000}\.(?:[cm]?js|[cm]?ts|tsx|jsx)):(\d{1,7}):\d{1,7}\)?")
_MAX_TRACE_CHARS = 200_000  # a huge attached blob is scanned only this far (bounded work per record)


def trace_frames(trace: str) -> list[tuple[str, int]]:
    """(path as the trace names it, with `/` separators; 1-based line) for every frame found."""
    text = trace[:_MAX_TRACE_CHARS]
    frames: list[tuple[str, int]] = []
    for match in _JAVA.finditer(text):
        qualified, file_name, line = match.groups()
        package = qualified.split("$", 1)[0].rpartition(".")[0]  # drop the class: its package is the folder
        folder = package.replace(".", "/")
        frames.append((f"{folder}/{file_name}" if folder else file_name, int(line)))
    for match in _PYTHON.finditer(text):
        frames.append((match.group(1).replace("\\", "/"), int(match.group(2))))
    for match in _V8.finditer(text):
        frames.append((match.group(1).replace("\\", "/"), int(match.group(2))))
    return frames


def _same_file(statement_path: str, frame_path: str) -> bool:
    """The repository path and the deployed path name the same file: one is a suffix of the other at a folder
    boundary (deployed trees add prefixes like `/app/`, `site-packages/`, `node_modules/`)."""
    if len(frame_path) >= len(statement_path):
        longer, shorter = frame_path, statement_path
    else:
        longer, shorter = statement_path, frame_path
    if not longer.endswith(shorter):
        return False
    return len(longer) == len(shorter) or longer[-len(shorter) - 1] == "/"


def named_by_trace(trace: str, candidates: Iterable[LogStatement]) -> LogStatement | None:
    """The one candidate whose call spans a line the trace names, or None (none, or more than one)."""
    frames = trace_frames(trace)
    if not frames:
        return None
    named = [c for c in candidates
             if any(c.line <= line <= c.end_line and _same_file(c.path, path) for path, line in frames)]
    return named[0] if len(named) == 1 else None
