"""Render a Template as a pattern in each dialect a matcher or store speaks.

Extraction never knows about dialects and stores never build patterns by hand: every pattern goes through here,
so literal text from source code (which may be hostile: quotes, backslashes, `*/`, newlines) is escaped once,
correctly, per dialect.

Dialects:
- `python_regex`: Python `re` and Hyperscan (both accept this subset), anchored, DOTALL.
- `re2`: RE2 as used by ClickHouse `match()` and Loki's `|~` (unanchored by default: those search).
- `lucene_regexp`: Elasticsearch/OpenSearch `regexp` query (always anchored, no shorthand classes).
- `sql_like`: a LIKE prefilter (`%lit%lit%`) with `\\` as the escape character.
"""

from __future__ import annotations

import re

from .model import Hole, HoleKind, Template

# Hole bodies per dialect. Every one is a plain character-class loop or a small alternation: no nested
# quantifiers, so no dialect can backtrack catastrophically inside one hole.
_PY_HOLES: dict[HoleKind, str] = {
    HoleKind.ANY: ".*?",
    HoleKind.INT: r"[-+]?\d+",
    HoleKind.NUMBER: r"(?:[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?|[-+]?(?:NaN|Inf(?:inity)?|inf|nan))",
    HoleKind.HEX: r"(?:0[xX])?[0-9a-fA-F]+",
    HoleKind.WORD: r"\S*",
    HoleKind.BOOL: r"(?:true|false|True|False)",
    HoleKind.JSON: ".*?",
}
_LUCENE_HOLES: dict[HoleKind, str] = {
    HoleKind.ANY: ".*",
    HoleKind.INT: "[+\\-]?[0-9]+",
    # Lucene reads `-` after a class member as a range: it must be escaped, never trailing
    HoleKind.NUMBER: "[+\\-]?[0-9.eE+\\-]+",
    HoleKind.HEX: "[0-9a-fA-FxX]+",
    HoleKind.WORD: '[^ \t\n\r]*',
    HoleKind.BOOL: "(true|false|True|False)",
    HoleKind.JSON: ".*",
}


def _collapse(parts: tuple) -> list:
    """Adjacent holes where one is `any` become one `any`: `(.*)(\\d+)` matches nothing `(.*)` would not."""
    out: list = []
    for part in parts:
        if isinstance(part, Hole) and out and isinstance(out[-1], Hole):
            if part.kind is HoleKind.ANY or out[-1].kind is HoleKind.ANY:
                out[-1] = Hole(HoleKind.ANY)
                continue
        out.append(part)
    return out


def python_regex(template: Template, *, anchored: bool = True) -> str:
    """Pattern for Python `re` / Hyperscan. Compile with DOTALL (multi-line messages are one record)."""
    body = "".join(
        re.escape(p) if isinstance(p, str) else _PY_HOLES[p.kind] for p in _collapse(template.parts)
    )
    return rf"\A(?:{body})\Z" if anchored else body


def hyperscan_regex(template: Template) -> str:
    """Hyperscan has no \\A/\\Z; `^`/`$` without MULTILINE anchor at the ends of the whole message."""
    body = "".join(
        _hs_escape(p) if isinstance(p, str) else _PY_HOLES[p.kind].replace("*?", "*")
        for p in _collapse(template.parts)
    )
    return f"^(?:{body})$"


def _hs_escape(text: str) -> str:
    # Hyperscan reads patterns as bytes of UTF-8; escape ASCII metacharacters, pass everything else through
    # except NUL and newlines, which are written as hex escapes.
    out = []
    for ch in text:
        if ch.isalnum() or ch in " _":
            out.append(ch)
        elif ord(ch) < 128:
            out.append("\\x%02x" % ord(ch))
        else:
            out.append(ch)
    return "".join(out)


_RE2_META = set(r"\.+*?()|[]{}^$")


def re2(template: Template, *, anchored: bool = False) -> str:
    """RE2 pattern (ClickHouse `match`, Loki `|~`). `(?s)` lets `.` cross newlines in multi-line messages."""
    body = "".join(_re2_escape(p) if isinstance(p, str) else _re2_hole(p.kind) for p in _collapse(template.parts))
    if anchored:
        body = rf"\A(?:{body})\z"
    return "(?s)" + body


def _re2_hole(kind: HoleKind) -> str:
    return _PY_HOLES[kind].replace("*?", "*")


def _re2_escape(text: str) -> str:
    out = []
    for ch in text:
        if ch in _RE2_META:
            out.append("\\" + ch)
        elif ch == "\n":
            out.append(r"\n")
        elif ch == "\r":
            out.append(r"\r")
        elif ch == "\t":
            out.append(r"\t")
        elif ord(ch) < 32 or ch == "\x7f":
            out.append(r"\x%02x" % ord(ch))
        else:
            out.append(ch)
    return "".join(out)


_LUCENE_META = set('.?+*|{}[]()"\\#@&<>~')


def lucene_regexp(template: Template) -> str:
    """Elasticsearch/OpenSearch `regexp` syntax: implicitly anchored, `.` matches any character."""
    return "".join(
        _lucene_escape(p) if isinstance(p, str) else _LUCENE_HOLES[p.kind] for p in _collapse(template.parts)
    )


def _lucene_escape(text: str) -> str:
    return "".join("\\" + ch if ch in _LUCENE_META else ch for ch in text)


def sql_like(template: Template) -> str:
    """A LIKE pattern that every matching message satisfies (a prefilter, not an exact test).
    Use with `ESCAPE '\\'`."""
    out = []
    for part in _collapse(template.parts):
        if isinstance(part, Hole):
            if not out or out[-1] != "%":
                out.append("%")
        else:
            out.append(part.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_"))
    return "".join(out)


# --------------------------------------------------------------------------------------------------------------
# The matcher dialect: what `prodlens.matching` scans with Hyperscan.
#
# Messages never contain NUL (the matcher replaces it), and every hole is a plain character-class loop (or a short
# alternation) so that `prodlens.matching.verify` can decide exactly the same language in pure Python in linear
# time. Character classes are ASCII (no Unicode properties) in both engines.

MATCHER_SEPARATOR = "\x00"

_MATCHER_HOLES: dict[HoleKind, str] = {
    HoleKind.ANY: r".*",  # compiled with DOTALL: crosses lines
    HoleKind.JSON: r".*",
    HoleKind.INT: r"[-+]?[0-9]+",
    HoleKind.NUMBER: r"(?:[-+]?[0-9.][-+0-9.eE]*|[-+]?(?:NaN|Inf|Infinity|inf|nan))",
    HoleKind.HEX: r"(?:0[xX])?[0-9a-fA-F]+",
    HoleKind.WORD: r"[^\x00\t\n\x0b\x0c\r ]*",
    HoleKind.BOOL: r"(?:true|false|True|False)",
}


def matcher_parts(template: Template) -> list:
    """The template as the matcher sees it: adjacent holes collapsed exactly as every renderer collapses them."""
    return _collapse(template.parts)


def matcher_body(template: Template) -> str:
    """The unanchored matcher-dialect pattern of a template.

    A NUMBER hole is a loose loop (`[-+]?[0-9.][-+0-9.eE]*`) rather than the strict grammar of `python_regex`:
    the strict grammar has nested optional groups that the linear pure-Python verifier would have to replicate
    prefix by prefix; the loose loop only ever admits a few more strings, which ranking then sorts out.
    """
    return "".join(
        _hs_escape(p) if isinstance(p, str) else _MATCHER_HOLES[p.kind] for p in _collapse(template.parts)
    )


def hyperscan_matcher_regex(template: Template) -> str:
    """Hyperscan pattern matching one whole message (scanned on its own, `\\A`..`\\z`; compile with DOTALL)."""
    return rf"\A(?:{matcher_body(template)})\z"
