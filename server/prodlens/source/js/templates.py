"""Turn a JavaScript/TypeScript message expression into template parts.

Understands string literals (escapes decoded), template literals (`${...}` become holes), `+` concatenation,
parentheses, TypeScript's `as`/`!`/`satisfies` wrappers and nested `util.format(...)`; anything else is a value
known only at run time (a hole). Inside a function, references to its parameters become holes named
`@<param>`: that is how logging wrappers are recognised.
"""

from __future__ import annotations

import re

import tree_sitter

from ...model import Hole, HoleKind
from ..common.templates import Built, TemplateBuilderBase
from ..formats import apply_util_format

_TRANSPARENT = ("parenthesized_expression", "as_expression", "non_null_expression", "satisfies_expression",
                "type_assertion")

_ESCAPE_RE = re.compile(r"\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|[0-7]{1,3}|\r\n|[\s\S])")
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "\n": "", "\r\n": "",
                   "\r": "", "\u2028": "", "\u2029": ""}


def decode_escapes(text: str) -> str:
    """JavaScript string escapes (`\\n`, `\\x41`, `\\u{1F600}`, line continuations, legacy octal)."""
    if "\\" not in text:
        return text

    def one(match: re.Match[str]) -> str:
        body = match.group(1)
        if body in _SIMPLE_ESCAPES:
            return _SIMPLE_ESCAPES[body]
        try:
            if body.startswith("u{"):
                return chr(int(body[2:-1], 16))
            if body[0] in "ux" and len(body) > 1:
                return chr(int(body[1:], 16))
            if body[0] in "01234567":
                return chr(int(body, 8))
        except (ValueError, OverflowError):
            return body
        return body

    return _ESCAPE_RE.sub(one, text)


def _text(node: tree_sitter.Node | None) -> str:
    if node is None or node.text is None:
        return ""
    return node.text.decode("utf-8", "replace")


def string_value(node: tree_sitter.Node) -> str | None:
    """The value of a string literal, or of a template literal without substitutions; else None."""
    while node.type in _TRANSPARENT and node.named_child_count == 1:
        node = node.named_children[0]
    if node.type == "string":
        raw = _text(node)
        return decode_escapes(raw[1:-1] if len(raw) >= 2 else raw)
    if node.type == "template_string":
        if any(c.type == "template_substitution" for c in node.named_children):
            return None
        return _template_literal(node, [])[0]
    return None


def _template_literal(node: tree_sitter.Node, holes: list[tree_sitter.Node]) -> list[str]:
    """Literal pieces of a template string (len(holes)+1 of them), filling `holes` with the substitutions."""
    source = node.text or b""
    base = node.start_byte
    pieces: list[str] = [""]
    pos = 1  # after the opening backtick
    end = len(source) - 1 if source.endswith(b"`") and len(source) >= 2 else len(source)
    for child in node.named_children:
        start, stop = child.start_byte - base, child.end_byte - base
        if start > pos:
            pieces[-1] += source[pos:start].decode("utf-8", "replace")
        if child.type == "escape_sequence":
            pieces[-1] += decode_escapes(source[start:stop].decode("utf-8", "replace"))
        elif child.type == "template_substitution":
            holes.append(child)
            pieces.append("")
        else:
            pieces[-1] += source[start:stop].decode("utf-8", "replace")
        pos = max(pos, stop)
    if end > pos:
        pieces[-1] += source[pos:end].decode("utf-8", "replace")
    return pieces


class TemplateBuilder(TemplateBuilderBase):
    """Builds parts for expressions in one file. `params`: the enclosing function's parameters by position;
    `constant`: a file-level `const NAME = "text"` by name, when known."""

    __slots__ = ()

    def _build(self, node: tree_sitter.Node, out: Built, depth: int) -> None:
        if depth > 60:
            out.parts.append(Hole())
            out.opaque = True
            return
        kind = node.type
        if kind in _TRANSPARENT and node.named_child_count >= 1:
            self._build(node.named_children[0], out, depth + 1)
            return
        if kind == "string":
            value = string_value(node)
            out.parts.append(value if value is not None else "")
            return
        if kind == "template_string":
            holes: list[tree_sitter.Node] = []
            pieces = _template_literal(node, holes)
            for i, piece in enumerate(pieces):
                out.parts.append(piece)
                if i < len(holes):
                    inner = holes[i].named_children
                    if len(inner) == 1:
                        self._hole_for(inner[0], out)
                    else:
                        out.parts.append(Hole())
            return
        if kind == "binary_expression":
            operator = node.child_by_field_name("operator")
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            if _text(operator) == "+" and left is not None and right is not None and (
                stringish(left) or stringish(right)
            ):
                self._build(left, out, depth + 1)
                self._build(right, out, depth + 1)
                return
        if kind == "ternary_expression":
            out.opaque = True
            out.parts.append(Hole(HoleKind.ANY, _text(node)[:40]))
            return
        if kind == "call_expression":
            function = node.child_by_field_name("function")
            args = node.child_by_field_name("arguments")
            name = _text(function)
            if args is not None and name in ("util.format", "format", "_util.format", "util_1.format"):
                values = [a for a in args.named_children if a.type != "comment"]
                if values and stringish(values[0]):
                    sub = self.build(values[0], depth + 1)
                    nargs = None if any(v.type == "spread_element" for v in values[1:]) else len(values) - 1
                    parts, _ = apply_util_format(sub.parts, nargs)
                    out.parts.extend(parts)
                    out.opaque = out.opaque or sub.opaque
                    return
            if name in ("JSON.stringify",):
                out.parts.append(Hole(HoleKind.JSON, _text(node)[:40]))
                return
            if name == "String" and args is not None and args.named_child_count == 1:
                out.parts.append(Hole(HoleKind.ANY, _text(args.named_children[0])[:40] or None))
                return
        self._hole_for(node, out)


def stringish(node: tree_sitter.Node) -> bool:
    """Whether an expression is visibly a string (so `+` concatenates and verbs are read).

    Iterative with a budget: a hostile `"a" + "a" + ...` chain thousands deep must not exhaust the stack."""
    stack = [node]
    budget = 256
    while stack and budget > 0:
        budget -= 1
        node = stack.pop()
        kind = node.type
        if kind in ("string", "template_string"):
            return True
        if kind in _TRANSPARENT and node.named_child_count >= 1:
            stack.append(node.named_children[0])
        elif kind == "binary_expression":
            if _text(node.child_by_field_name("operator")) != "+":
                continue
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            if left is not None:
                stack.append(left)
            if right is not None:
                stack.append(right)
        elif kind == "call_expression":
            name = _text(node.child_by_field_name("function"))
            if name in ("util.format", "String", "_util.format", "util_1.format") or name.endswith(".toString"):
                return True
    return False
