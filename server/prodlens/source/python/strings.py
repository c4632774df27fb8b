"""Python string literals (plain, raw, bytes, f-strings, implicit concatenation) as template parts.

Plain literals are decoded with `ast.literal_eval`, which knows every escape Python knows; f-strings are walked
child by child because their replacement fields become holes. A literal that does not decode (the file has a
syntax error there) falls back to its raw text: a slightly wrong template beats losing the statement.
"""

from __future__ import annotations

import ast
import warnings
from typing import Callable

import tree_sitter

from ...model import Hole, Part

# builds the parts of an interpolated expression (f"{expr}"): supplied by the template builder so that
# parameters of an enclosing function become named holes
InterpolationBuilder = Callable[[tree_sitter.Node, str | None, str | None], list[Part]]


def _text(node: tree_sitter.Node) -> str:
    return node.text.decode("utf-8", "replace") if node.text is not None else ""


def string_prefix(node: tree_sitter.Node) -> str:
    """The prefix letters of a `string` node, lower-cased: '', 'r', 'f', 'rf', 'b', ..."""
    start = node.child(0)
    if start is None or start.type != "string_start":
        return ""
    text = _text(start)
    return text.rstrip("'\"").lower()


def literal_value(node: tree_sitter.Node) -> str | None:
    """The value of a string literal that has no replacement fields, or None."""
    if node.type == "string":
        if "f" in string_prefix(node) or "t" in string_prefix(node):
            return None
        return _eval(_text(node))
    if node.type == "concatenated_string":
        pieces = []
        for child in node.named_children:
            if child.type != "string":
                continue
            value = literal_value(child)
            if value is None:
                return None
            pieces.append(value)
        return "".join(pieces)
    return None


def _eval(text: str) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            value = ast.literal_eval(text)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            return _strip_quotes(text)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value if isinstance(value, str) else _strip_quotes(text)


def _strip_quotes(text: str) -> str:
    body = text.lstrip("rRbBuUfFtT")
    for quote in ('"""', "'''", '"', "'"):
        if body.startswith(quote):
            body = body[len(quote):]
            if body.endswith(quote):
                body = body[: -len(quote)]
            break
    return body


def string_parts(node: tree_sitter.Node, interpolate: InterpolationBuilder) -> list[Part]:
    """Parts of a `string` or `concatenated_string` node."""
    if node.type == "concatenated_string":
        out: list[Part] = []
        for child in node.named_children:
            if child.type == "string":
                out.extend(string_parts(child, interpolate))
        return out
    prefix = string_prefix(node)
    if "f" not in prefix and "t" not in prefix:
        return [_eval(_text(node))]
    raw = "r" in prefix
    out = []
    for child in node.named_children:
        kind = child.type
        if kind == "string_content":
            out.append(_content_text(child, raw))
        elif kind == "interpolation":
            expr = child.child_by_field_name("expression")
            conversion = child.child_by_field_name("type_conversion")
            spec = child.child_by_field_name("format_specifier")
            conv_text = _text(conversion).lstrip("!") if conversion is not None else None
            spec_text = _text(spec).lstrip(":") if spec is not None else None
            if expr is None:
                out.append(Hole())
                continue
            # f"{x=}" prints the expression text too
            if any(c.type == "=" for c in child.children):
                out.append(_text(expr) + "=")
                conv_text = conv_text or ("r" if spec_text is None else None)
            out.extend(interpolate(expr, conv_text, spec_text))
    return out


def _content_text(node: tree_sitter.Node, raw: bool) -> str:
    """Text of an f-string's literal piece: `{{`/`}}` are single braces, escapes are decoded unless raw."""
    source = node.text or b""
    base = node.start_byte
    pieces: list[str] = []
    pos = 0
    for child in node.children:
        start, end = child.start_byte - base, child.end_byte - base
        pieces.append(source[pos:start].decode("utf-8", "replace"))
        child_text = source[start:end].decode("utf-8", "replace")
        if child.type == "escape_interpolation":
            pieces.append(child_text[:1])
        elif child.type == "escape_sequence" and not raw:
            pieces.append(_eval('"' + child_text + '"') if child_text != '\\"' else '"')
        else:
            pieces.append(child_text)
        pos = end
    pieces.append(source[pos:].decode("utf-8", "replace"))
    return "".join(pieces)
