"""Decode Go string literals into their run-time text (interpreted `"..."` escapes; raw `` `...` `` as written)."""

from __future__ import annotations

import re

_SIMPLE = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\", "'": "'", '"': '"'}
_ESCAPE = re.compile(r"\\(?:x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|([0-7]{3})|(.))", re.S)


def _replace(match: re.Match[str]) -> str:
    hex2, hex4, hex8, octal, char = match.groups()
    if hex2 is not None:
        # \xhh is a byte; a lone byte >= 0x80 is not valid UTF-8 and prints as U+FFFD in most sinks
        value = int(hex2, 16)
        return chr(value) if value < 0x80 else "\ufffd"
    if octal is not None:
        value = int(octal, 8)
        return chr(value) if value < 0x80 else "\ufffd"
    if hex4 is not None or hex8 is not None:
        code = int(hex4 or hex8, 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"
    return _SIMPLE.get(char, char)


def decode_string_literal(raw: str) -> str:
    if raw.startswith("`"):
        return raw[1:-1].replace("\r", "") if raw.endswith("`") and len(raw) >= 2 else raw[1:]
    body = raw[1:-1] if len(raw) >= 2 and raw.endswith('"') else raw[1:]
    return _ESCAPE.sub(_replace, body) if "\\" in body else body


def decode_rune_literal(raw: str) -> str:
    body = raw[1:-1] if len(raw) >= 2 else raw
    return _ESCAPE.sub(_replace, body) if "\\" in body else body
