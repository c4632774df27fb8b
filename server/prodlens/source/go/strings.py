"""Decode Go string literals into their run-time text (interpreted `"..."` escapes; raw `` `...` `` as written)."""

from __future__ import annotations

import re

_SIMPLE = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\", "'": "'", '"': '"'}
_ESCAPE = re.compile(r"\\(?:x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|([0-7]{3})|(.))", re.S)


def _unescape(body: str) -> str:
    """Go strings are bytes: `\\xc3\\xa9` is é, a lone `\\xff` is invalid UTF-8 (printed as U+FFFD by most sinks).
    Build the bytes, then decode once."""
    out = bytearray()
    position = 0
    for match in _ESCAPE.finditer(body):
        out += body[position : match.start()].encode("utf-8", "surrogatepass")
        position = match.end()
        hex2, hex4, hex8, octal, char = match.groups()
        if hex2 is not None:
            out.append(int(hex2, 16))
        elif octal is not None:
            out.append(int(octal, 8) & 0xFF)
        elif hex4 is not None or hex8 is not None:
            code = int(hex4 or hex8, 16)
            valid = code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF
            out += (chr(code) if valid else "\ufffd").encode("utf-8")
        else:
            out += _SIMPLE.get(char, char).encode("utf-8", "surrogatepass")
    out += body[position:].encode("utf-8", "surrogatepass")
    return out.decode("utf-8", "replace")


def decode_string_literal(raw: str) -> str:
    if raw.startswith("`"):
        return raw[1:-1].replace("\r", "") if raw.endswith("`") and len(raw) >= 2 else raw[1:]
    body = raw[1:-1] if len(raw) >= 2 and raw.endswith('"') else raw[1:]
    return _unescape(body) if "\\" in body else body
