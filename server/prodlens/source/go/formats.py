"""Go `fmt` verbs turned into typed holes: %v %+v %#v %s %q %d %x %f %t %T %w %%, flags, width, precision,
explicit argument indexes (`%[1]d`) and `*` widths."""

from __future__ import annotations

import re
from typing import Sequence

from ...model import Hole, HoleKind, Part

_VERB = re.compile(r"%([-+# 0]*)(\[\d+\])?(\*|\d+)?(?:\.(\[\d+\])?(\*|\d+)?)?(\[\d+\])?([a-zA-Z%])")
_KINDS = {
    "d": HoleKind.INT, "b": HoleKind.INT, "o": HoleKind.INT, "O": HoleKind.HEX,
    "x": HoleKind.HEX, "X": HoleKind.HEX,
    "e": HoleKind.NUMBER, "E": HoleKind.NUMBER, "f": HoleKind.NUMBER, "F": HoleKind.NUMBER,
    "g": HoleKind.NUMBER, "G": HoleKind.NUMBER,
    "t": HoleKind.BOOL,
}


def _split(text: str) -> tuple[list[Part], int]:
    if "%" not in text:
        return [text], 0
    out: list[Part] = []
    count = 0
    start = 0
    for match in _VERB.finditer(text):
        out.append(text[start : match.start()])
        start = match.end()
        flags, _index, width, _pindex, _precision, _index2, verb = match.groups()
        if verb == "%" and not (flags or width):
            out.append("%")
            continue
        kind = _KINDS.get(verb, HoleKind.ANY)
        if flags or width:
            kind = HoleKind.ANY  # padding and signs leave the narrow kinds
        if verb == "x" or verb == "X":
            kind = HoleKind.ANY if flags or width else kind
        out.append(Hole(kind, match.group(0)))
        count += 1
    out.append(text[start:])
    return [p for p in out if p != ""], count


def printf(parts: Sequence[Part]) -> tuple[list[Part], int]:
    """Rewrite the literal text of a format string; holes from expressions stay as they are."""
    out: list[Part] = []
    count = 0
    for part in parts:
        if isinstance(part, str):
            pieces, found = _split(part)
            out.extend(pieces)
            count += found
        else:
            out.append(part)
    return out, count
