"""Decode Java string, character and text-block literals into the text the program sees at run time.

Templates must hold the decoded text (a record says `a<TAB>b`, the source says `"a\\tb"`), and decoding has to
follow the JLS exactly, including the parts people forget: unicode escapes with several `u`s, octal escapes,
`\\s`, and text blocks' incidental-indentation stripping and line continuations.
"""

from __future__ import annotations

import re

_SIMPLE = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", "s": " ", '"': '"', "'": "'", "\\": "\\"}
# \uXXXX (any number of u's), octal \0..\377, the simple escapes, and a text block's line continuation.
_ESCAPE = re.compile(r"\\(?:u+([0-9a-fA-F]{4})|([0-3][0-7]{0,2}|[4-7][0-7]?)|(\r\n|\n|\r)|(.))", re.S)


def _replace(match: re.Match[str]) -> str:
    hex_digits, octal, newline, char = match.groups()
    if hex_digits is not None:
        return chr(int(hex_digits, 16))
    if octal is not None:
        return chr(int(octal, 8))
    if newline is not None:
        return ""  # text block line continuation: `\<newline>` joins lines
    return _SIMPLE.get(char, char)  # unknown escapes are compile errors; keep the character


_SURROGATE = re.compile("[\ud800-\udfff]")


def unescape(body: str) -> str:
    """Decode the escapes of a literal's body (between the quotes). Java strings are UTF-16: `\\uD83D\\uDE00`
    is one emoji; a lone surrogate cannot be printed and becomes U+FFFD."""
    if "\\" not in body:
        return body
    text = _ESCAPE.sub(_replace, body)
    if _SURROGATE.search(text):
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return text


def decode_string_literal(raw: str) -> str:
    """`"..."` or a text block `\"\"\"...\"\"\"` as written in source → its run-time value."""
    if raw.startswith('"""'):
        return decode_text_block(raw)
    if len(raw) >= 2 and raw[0] == '"' and raw[-1] == '"':
        return unescape(raw[1:-1])
    return unescape(raw.strip('"'))


def decode_char_literal(raw: str) -> str:
    if len(raw) >= 2 and raw[0] == "'" and raw[-1] == "'":
        return unescape(raw[1:-1])
    return unescape(raw.strip("'"))


def decode_text_block(raw: str) -> str:
    """JLS 3.10.6: drop the opening line, strip incidental indentation (the closing delimiter's line counts
    when it holds only whitespace), strip trailing spaces, then interpret escapes."""
    body = raw[3:-3] if raw.endswith('"""') and len(raw) >= 6 else raw[3:]
    newline = body.find("\n")
    body = body[newline + 1 :] if newline >= 0 else ""
    lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    closing_on_own_line = lines[-1].strip() == ""
    # the last line always counts for indentation: either content or the closing delimiter's indentation
    significant = [line for line in lines[:-1] if line.strip()] + [lines[-1]]
    indent = min(len(line) - len(line.lstrip(" \t\f")) for line in significant)
    stripped = [line[indent:].rstrip(" \t\f") for line in lines]
    if closing_on_own_line:
        stripped[-1] = ""
    return unescape("\n".join(stripped))
