"""Format-string languages of logging frameworks, turned into template parts.

A logger call's message is usually a format string plus arguments. Extraction first builds the format string's
parts (literal text and holes for pieces only known at run time, e.g. a concatenated variable), then one of the
functions here expands the placeholders in the literal parts into typed holes, the way the framework will fill
them. Holes already present pass through untouched: a concatenated variable is not re-parsed.

Each `apply_*` function takes the parts and the number of arguments the call passes for the placeholders
(None when unknown, e.g. `*args` or `...rest`: then every placeholder is assumed filled) and returns the new
parts and how many arguments the placeholders consumed. Frameworks differ in details that change the emitted
text (whether `%%` collapses when there are no arguments, whether extra arguments are appended), so those are
parameters, not guesses.
"""

from __future__ import annotations

import re
from typing import Iterable, Sequence

from ..model import Hole, HoleKind, Part

# ---------------------------------------------------------------------------------------------------------------
# Python %-style (logging's `msg % args`, the `%` operator)

# %[(name)][flags][width][.precision][length]type   (Python ignores the length modifier h/l/L)
_PERCENT_RE = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?(?P<flags>[-#0 +]*)(?P<width>\*|\d+)?(?:\.(?P<precision>\*|\d+))?[hlL]?"
    r"(?P<type>[diouxXeEfFgGcrsa%])"
)
_PERCENT_KINDS: dict[str, HoleKind] = {
    "d": HoleKind.INT, "i": HoleKind.INT, "u": HoleKind.INT, "o": HoleKind.INT,
    "x": HoleKind.HEX, "X": HoleKind.HEX,
    "e": HoleKind.NUMBER, "E": HoleKind.NUMBER, "f": HoleKind.NUMBER, "F": HoleKind.NUMBER,
    "g": HoleKind.NUMBER, "G": HoleKind.NUMBER,
}


def apply_percent(parts: Sequence[Part], nargs: int | None) -> tuple[list[Part], int]:
    """Expand Python `%` conversions. With `nargs == 0` the text is left as written, as `logging` does (it only
    applies `%` when the record has arguments), so `"100%"` stays `"100%"`."""
    if nargs == 0:
        return list(parts), 0
    out: list[Part] = []
    consumed = 0
    for part in parts:
        if isinstance(part, Hole):
            out.append(part)
            continue
        pos = 0
        for match in _PERCENT_RE.finditer(part):
            out.append(part[pos:match.start()])
            pos = match.end()
            kind = match.group("type")
            if kind == "%":
                out.append("%")
                continue
            padded = bool(match.group("width")) or " " in match.group("flags")
            for star in (match.group("width"), match.group("precision")):
                if star == "*":
                    consumed += 1
            if match.group("name") is None:
                consumed += 1
            hole_kind = HoleKind.ANY if padded else _PERCENT_KINDS.get(kind, HoleKind.ANY)
            if kind == "o" and "#" in match.group("flags"):
                hole_kind = HoleKind.ANY  # 0o17
            if kind in "xX" and "#" in match.group("flags"):
                hole_kind = HoleKind.HEX
            out.append(Hole(hole_kind, match.group("name")))
        out.append(part[pos:])
    return out, consumed


# ---------------------------------------------------------------------------------------------------------------
# str.format / f-string replacement fields / loguru `{}`

_BRACE_TYPES: dict[str, HoleKind] = {
    "d": HoleKind.INT, "n": HoleKind.NUMBER, "b": HoleKind.INT, "o": HoleKind.INT,
    "x": HoleKind.HEX, "X": HoleKind.HEX, "c": HoleKind.ANY,
    "e": HoleKind.NUMBER, "E": HoleKind.NUMBER, "f": HoleKind.NUMBER, "F": HoleKind.NUMBER,
    "g": HoleKind.NUMBER, "G": HoleKind.NUMBER, "%": HoleKind.ANY, "s": HoleKind.ANY,
}
# [[fill]align][sign][z][#][0][width][grouping][.precision][type]
_SPEC_RE = re.compile(
    r"^(?:(?P<fill>.)?(?P<align>[<>=^]))?(?P<sign>[-+ ])?z?(?P<alt>#)?(?P<zero>0)?(?P<width>\d+)?"
    r"(?P<grouping>[_,])?(?:\.(?P<precision>\d+))?(?P<type>[bcdeEfFgGnosxX%])?$"
)


def format_spec_kind(spec: str | None, conversion: str | None = None) -> HoleKind:
    """The hole kind a replacement field with this conversion (`!r`) and spec (`:>10`, `:.2f`) produces."""
    if conversion or not spec:
        return HoleKind.ANY
    match = _SPEC_RE.match(spec)
    if not match:
        return HoleKind.ANY  # nested fields `{x:{w}}` or a custom __format__
    if match.group("width") or match.group("grouping") or match.group("sign") == " ":
        return HoleKind.ANY  # padding and thousands separators put spaces/commas into the number
    kind = _BRACE_TYPES.get(match.group("type") or "", HoleKind.ANY)
    if match.group("alt") and kind in (HoleKind.INT, HoleKind.HEX):
        return HoleKind.ANY  # 0b101, 0o17, 0x1f
    return kind


def apply_brace(parts: Sequence[Part], nargs: int | None = None) -> tuple[list[Part], int]:
    """Expand `str.format` fields: `{}`, `{0}`, `{name}`, `{x!r:>8}`; `{{`/`}}` are literal braces.

    Returns the number of *positional* fields (auto-numbered or explicit indexes), so callers can tell whether
    the call's positional arguments were all used."""
    out: list[Part] = []
    positional = 0
    for part in parts:
        if isinstance(part, Hole):
            out.append(part)
            continue
        text = part
        i = 0
        literal: list[str] = []
        while i < len(text):
            ch = text[i]
            if ch == "{":
                if text.startswith("{{", i):
                    literal.append("{")
                    i += 2
                    continue
                end = _field_end(text, i)
                if end < 0:  # unbalanced: str.format would raise; keep the text
                    literal.append(text[i:])
                    break
                body = text[i + 1:end]
                name, conversion, spec = _split_field(body)
                if name == "" or name.isdigit():
                    positional += 1
                out.append("".join(literal))
                literal = []
                out.append(Hole(format_spec_kind(spec, conversion), name or None))
                i = end + 1
                continue
            if ch == "}" and text.startswith("}}", i):
                literal.append("}")
                i += 2
                continue
            literal.append(ch)
            i += 1
        out.append("".join(literal))
    return out, positional


def _field_end(text: str, start: int) -> int:
    depth = 0
    for j in range(start, len(text)):
        if text[j] == "{":
            depth += 1
        elif text[j] == "}":
            depth -= 1
            if depth == 0:
                return j
    return -1


def _split_field(body: str) -> tuple[str, str | None, str | None]:
    spec = None
    conversion = None
    if ":" in body:
        body, spec = body.split(":", 1)
    if "!" in body:
        body, conversion = body.split("!", 1)
    # `{0.attr}` / `{name[key]}` still name one argument
    name = re.split(r"[.\[]", body, maxsplit=1)[0]
    return name.strip(), conversion, spec


# ---------------------------------------------------------------------------------------------------------------
# Node util.format (console.*, debug, pino's quick-format-unescaped, winston's splat)

_NODE_VERB_KINDS: dict[str, HoleKind] = {
    "s": HoleKind.ANY, "d": HoleKind.NUMBER, "i": HoleKind.NUMBER, "f": HoleKind.NUMBER,
    "j": HoleKind.JSON, "o": HoleKind.JSON, "O": HoleKind.JSON,
}
_NODE_VERB_RE = re.compile(r"%([sdifjoOc%])")


def apply_util_format(
    parts: Sequence[Part], nargs: int | None, *, append_extra: bool = True, percent_needs_args: bool = True
) -> tuple[list[Part], int]:
    """Expand Node `util.format` verbs `%s %d %i %f %j %o %O %c %%`.

    `util.format` returns the string untouched when it has no further arguments (`%%` stays `%%`); once
    arguments run out the remaining verbs stay as written while `%%` still becomes `%`. `%c` consumes an
    argument and prints nothing (CSS in browsers). With `append_extra`, arguments left over are appended with
    single spaces, as console.log and debug do; pino and winston drop them. `nargs` None = unknown (spread):
    every verb is taken as filled and nothing is appended."""
    if nargs == 0 and percent_needs_args:
        return list(parts), 0
    out: list[Part] = []
    consumed = 0
    for part in parts:
        if isinstance(part, Hole):
            out.append(part)
            continue
        pos = 0
        for match in _NODE_VERB_RE.finditer(part):
            verb = match.group(1)
            out.append(part[pos:match.start()])
            pos = match.end()
            if verb == "%":
                out.append("%")
                continue
            if nargs is not None and consumed >= nargs:
                out.append(match.group(0))
                continue
            consumed += 1
            if verb != "c":
                out.append(Hole(_NODE_VERB_KINDS[verb], "%" + verb))
        out.append(part[pos:])
    if append_extra and nargs is not None:
        for _ in range(nargs - consumed):
            out.append(" ")
            out.append(Hole())
        consumed = nargs
    return out, consumed


def literal_text(parts: Iterable[Part]) -> str:
    """The constant text of parts, holes dropped (for tests and display)."""
    return "".join(p for p in parts if isinstance(p, str))
