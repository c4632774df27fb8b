"""Turn the Java expression passed as a log message into template parts: literal text and holes.

String concatenation becomes literal + hole, `String.format`/`MessageFormat.format` are read as their format
string, `static final String` constants of the same file are inlined. Anything else is a hole (named after the
expression, for display). Placeholder syntaxes of the logging call itself (`{}`, `{0}`) are applied later by the
extractor, because only it knows the framework and how many arguments follow.
"""

from __future__ import annotations

import tree_sitter

from ...model import Hole, HoleKind, Part
from ..common.syntax import plus_operands
from . import formats
from .facts import FileFacts, text_of
from .strings import decode_char_literal, decode_string_literal

_MAX_DEPTH = 24  # nesting beyond this (parentheses, constants of constants) is a hole, never a recursion error
_HOLE_NAME_CHARS = 60


class MessageReader:
    """Reads message expressions of one file (constants are resolved against that file's facts)."""

    def __init__(self, facts: FileFacts) -> None:
        self.facts = facts
        self._constant_parts: dict[str, list[Part]] = {}
        self._resolving: set[str] = set()

    def parts(self, node: tree_sitter.Node, depth: int = 0) -> list[Part]:
        kind = node.type
        if depth > _MAX_DEPTH:
            return [_hole(node)]
        if kind == "string_literal":
            return [decode_string_literal(text_of(node))]
        if kind == "binary_expression":
            return self._concatenation(node, depth)
        if kind == "parenthesized_expression":
            inner = node.named_children
            return self.parts(inner[0], depth + 1) if len(inner) == 1 else [_hole(node)]
        if kind == "character_literal":
            return [decode_char_literal(text_of(node))]
        if kind in ("true", "false", "null_literal"):
            return [text_of(node).replace("null_literal", "null")]
        if kind == "decimal_integer_literal":
            # decimal literals have no leading zeros (octal is its own node type): the text is the value
            digits = text_of(node).rstrip("lL").replace("_", "")
            return [digits] if digits.isdigit() and digits.isascii() else [Hole(HoleKind.INT, text_of(node))]
        if kind in ("hex_integer_literal", "octal_integer_literal", "binary_integer_literal"):
            return [Hole(HoleKind.INT, text_of(node))]
        if kind in ("decimal_floating_point_literal", "hex_floating_point_literal"):
            return [Hole(HoleKind.NUMBER, text_of(node))]
        if kind == "identifier":
            constant = self._constant(text_of(node), depth)
            return constant if constant is not None else [_hole(node)]
        if kind == "field_access":
            # `Outer.CONSTANT` / `this.CONSTANT` of this file
            field = node.child_by_field_name("field")
            obj = node.child_by_field_name("object")
            if field is not None and obj is not None and self.facts.constant(text_of(field)) is not None and (
                obj.type == "this" or text_of(obj) in self.facts.classes
            ):
                constant = self._constant(text_of(field), depth)
                if constant is not None:
                    return constant
            return [_hole(node)]
        if kind == "lambda_expression":
            # a message Supplier (`LOG.debug(() -> "x " + y)`, JUL `fine(() -> ...)`): its expression body
            body = node.child_by_field_name("body")
            return self.parts(body, depth + 1) if body is not None and body.type != "block" else [_hole(node)]
        if kind == "method_invocation":
            formatted = self._format_call(node, depth)
            return formatted if formatted is not None else [_hole(node)]
        return [_hole(node)]

    # ----------------------------------------------------------------------------------------------------------
    def _concatenation(self, node: tree_sitter.Node, depth: int) -> list[Part]:
        """Flatten a chain of `+` iteratively: 5,000 concatenated literals must not recurse 5,000 deep."""
        operands = plus_operands(node)
        if operands is None:
            return [_hole(node)]
        out: list[Part] = []
        for operand in operands:
            out.extend(self.parts(operand, depth + 1))
        return out

    def _constant(self, name: str, depth: int) -> list[Part] | None:
        if name in self._constant_parts:
            return self._constant_parts[name]
        if name in self._resolving:
            return None  # a cycle (only possible in code that does not compile)
        value = self.facts.constant(name)
        if value is None:
            return None
        self._resolving.add(name)
        try:
            parts = self.parts(value, depth + 1)
        finally:
            self._resolving.discard(name)
        self._constant_parts[name] = parts
        return parts

    def _format_call(self, node: tree_sitter.Node, depth: int) -> list[Part] | None:
        """`String.format(fmt, ...)`, `MessageFormat.format(fmt, ...)`, `"fmt".formatted(...)`."""
        name_node = node.child_by_field_name("name")
        obj = node.child_by_field_name("object")
        args_node = node.child_by_field_name("arguments")
        if name_node is None or args_node is None:
            return None
        method = text_of(name_node)
        args = args_node.named_children
        if method == "formatted" and obj is not None and _is_stringish(obj):
            return formats.printf(self.parts(obj, depth + 1))[0]
        if obj is None or method != "format" or not args:
            return None
        receiver = text_of(obj).rsplit(".", 1)[-1]
        if receiver == "String":
            fmt = args[1] if len(args) >= 2 and not _is_stringish(args[0]) else args[0]
            return formats.printf(self.parts(fmt, depth + 1))[0]
        if receiver == "MessageFormat":
            return formats.message_format(self.parts(args[0], depth + 1))[0]
        return None

    def is_stringish(self, node: tree_sitter.Node) -> bool:
        """Could this argument be the message (as opposed to a Marker, Level or Locale before it)?"""
        if _is_stringish(node):
            return True
        if node.type == "identifier" and self.facts.constant(text_of(node)) is not None:
            return True
        if node.type == "method_invocation":
            name = node.child_by_field_name("name")
            return name is not None and text_of(name) in ("format", "formatted", "toString", "valueOf")
        if node.type == "lambda_expression":
            body = node.child_by_field_name("body")
            return body is not None and _is_stringish(body)
        return False


def _is_stringish(node: tree_sitter.Node) -> bool:
    if node.type == "string_literal":
        return True
    if node.type == "binary_expression":
        op = node.child_by_field_name("operator")
        if op is not None and op.type == "+":
            # a concatenation that contains a string literal somewhere on its left spine or right operands
            stack = [node]
            seen = 0
            while stack and seen < 64:
                current = stack.pop()
                seen += 1
                if current.type == "string_literal":
                    return True
                if current.type in ("binary_expression", "parenthesized_expression"):
                    stack.extend(current.named_children)
    if node.type == "parenthesized_expression" and node.named_children:
        return _is_stringish(node.named_children[0])
    return False


def hole_name(node: tree_sitter.Node) -> str:
    """The display name of the hole an expression becomes (its text, shortened)."""
    text = text_of(node)
    return text if len(text) <= _HOLE_NAME_CHARS else text[: _HOLE_NAME_CHARS - 1] + "…"


def _hole(node: tree_sitter.Node) -> Hole:
    return Hole(HoleKind.ANY, hole_name(node))
