"""Placeholder syntaxes Java logging messages use, turned into typed holes.

Each function takes the parts of a message as extraction found them (literal text from the source and holes for
expressions) and rewrites only the literal text: a placeholder split across a concatenation cannot be known
statically and is left as written. They return the new parts and how many placeholders they found, because
whether a trailing argument is a Throwable depends on that count.
"""

from __future__ import annotations

import re
from typing import Callable, Sequence

from ...model import Hole, HoleKind, Part


def _rewrite(parts: Sequence[Part], split: Callable[[str], tuple[list[Part], int]]) -> tuple[list[Part], int]:
    out: list[Part] = []
    count = 0
    for part in parts:
        if isinstance(part, str):
            pieces, found = split(part)
            out.extend(pieces)
            count += found
        else:
            out.append(part)
    return out, count


def _slf4j_split(text: str) -> tuple[list[Part], int]:
    """SLF4J / Log4j 2 `{}`: `\\{}` is a literal `{}`, `\\\\{}` a literal backslash then a placeholder."""
    if "{}" not in text:
        return [text], 0
    out: list[Part] = []
    count = 0
    start = 0
    literal: list[str] = []
    while True:
        index = text.find("{}", start)
        if index < 0:
            literal.append(text[start:])
            break
        if index >= 1 and text[index - 1] == "\\":
            if index >= 2 and text[index - 2] == "\\":
                literal.append(text[start : index - 1])  # `\\{}`: one backslash, then a placeholder
            else:
                literal.append(text[start : index - 1] + "{")  # `\{}`: escaped, a literal `{`
                start = index + 1
                continue
        else:
            literal.append(text[start:index])
        out.append("".join(literal))
        literal = []
        out.append(Hole(HoleKind.ANY, "{}"))
        count += 1
        start = index + 2
    out.append("".join(literal))
    return [p for p in out if p != ""], count


def slf4j(parts: Sequence[Part]) -> tuple[list[Part], int]:
    return _rewrite(parts, _slf4j_split)


def _message_format_split(text: str) -> tuple[list[Part], int]:
    """java.text.MessageFormat: `{0}`, `{1,number,#}`; `'` quotes (`''` is one quote, `'{'` a literal brace)."""
    if "{" not in text and "'" not in text:
        return [text], 0
    out: list[Part] = []
    literal: list[str] = []
    count = 0
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "'":
            if i + 1 < n and text[i + 1] == "'":
                literal.append("'")
                i += 2
                continue
            end = text.find("'", i + 1)
            if end < 0:
                literal.append(text[i + 1 :])
                break
            literal.append(text[i + 1 : end].replace("''", "'"))
            i = end + 1
            continue
        if ch == "{":
            depth = 1
            j = i + 1
            while j < n and depth:
                if text[j] == "{":
                    depth += 1
                elif text[j] == "}":
                    depth -= 1
                j += 1
            body = text[i + 1 : j - 1] if depth == 0 else ""
            if depth == 0 and re.match(r"\s*\d+\s*(,|$)", body):
                out.append("".join(literal))
                literal = []
                out.append(Hole(HoleKind.ANY, "{" + body + "}"))
                count += 1
                i = j
                continue
            literal.append(ch)  # not a valid format element: MessageFormat would throw; keep the text
            i += 1
            continue
        literal.append(ch)
        i += 1
    out.append("".join(literal))
    return [p for p in out if p != ""], count


def message_format(parts: Sequence[Part]) -> tuple[list[Part], int]:
    return _rewrite(parts, _message_format_split)


# java.util.Formatter: %[argument_index$][flags][width][.precision]conversion
_PRINTF = re.compile(r"%(\d+\$|<)?([-#+ 0,(]*)(\d+)?(\.\d+)?([tT][a-zA-Z]|[a-zA-Z%])")
_PRINTF_KINDS = {
    "d": HoleKind.INT,
    "x": HoleKind.HEX,
    "X": HoleKind.HEX,
    "e": HoleKind.NUMBER,
    "E": HoleKind.NUMBER,
    "f": HoleKind.NUMBER,
    "g": HoleKind.NUMBER,
    "G": HoleKind.NUMBER,
    "b": HoleKind.BOOL,
    "B": HoleKind.BOOL,
}


def _printf_split(text: str) -> tuple[list[Part], int]:
    if "%" not in text:
        return [text], 0
    out: list[Part] = []
    count = 0
    start = 0
    for match in _PRINTF.finditer(text):
        out.append(text[start : match.start()])
        start = match.end()
        _index, flags, width, _precision, conversion = match.groups()
        if conversion == "%":
            out.append("%")
            continue
        if conversion == "n":
            out.append("\n")
            continue
        kind = _PRINTF_KINDS.get(conversion, HoleKind.ANY)
        if flags or width:
            kind = HoleKind.ANY  # padding, grouping separators and parentheses leave the narrow kinds
        if conversion in "bB":
            kind = HoleKind.BOOL if not (flags or width) else HoleKind.ANY
        out.append(Hole(kind, match.group(0)))
        count += 1
    out.append(text[start:])
    return [p for p in out if p != ""], count


def printf(parts: Sequence[Part]) -> tuple[list[Part], int]:
    """`String.format` / Log4j 2 `printf` / JBoss `infof`."""
    return _rewrite(parts, _printf_split)
