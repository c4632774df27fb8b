"""Group messages no statement explains by their shape, so `prodlens stats` can show "this line appeared 12k
times" instead of 12k distinct lines.

The shape masks what varies between occurrences of one log call — numbers, hex ids, UUIDs, IP addresses,
e-mail addresses, quoted values — and keeps the first line only (stack traces vary by frame). Shapes are short
so the table stays small; the store keeps one redacted example per shape for re-matching.
"""

from __future__ import annotations

import re

MAX_SHAPE_CHARS = 240

_MASKS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b"), "<uuid>"),
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "<email>"),
    (re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b"), "<ip>"),
    (re.compile(r"\b(?:0x)?(?=[0-9a-fA-F]*\d)(?=[0-9a-fA-F]*[a-fA-F])[0-9a-fA-F]{8,}\b"), "<hex>"),
    (re.compile(r"\"[^\"\n]{0,200}\"|'[^'\n]{0,200}'"), "<str>"),
    (re.compile(r"[-+]?\d+(?:[.,:]\d+)*"), "<n>"),
)


def message_shape(message: str) -> str:
    first = message.split("\n", 1)[0].strip()
    if len(first) > MAX_SHAPE_CHARS * 4:
        first = first[: MAX_SHAPE_CHARS * 4]
    for pattern, replacement in _MASKS:
        first = pattern.sub(replacement, first)
    return first[:MAX_SHAPE_CHARS]
