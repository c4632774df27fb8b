"""Go message expressions as template parts: string literals (decoded), `+` concatenation, constants of the file,
`fmt.Sprintf`/`Sprint`/`Sprintln`, and the three ways loggers read their arguments (`msg`, `printf`, `print`,
`println`)."""

from __future__ import annotations

import tree_sitter

from ...model import Confidence, Hole, HoleKind, Part, Template
from ..common.syntax import plus_operands
from . import formats
from .calls import STRING_TYPES
from .facts import FileFacts, text_of
from .strings import decode_string_literal

MAX_DEPTH = 24  # nesting beyond this becomes a hole, never a recursion error


class MessageReader:
    def __init__(self, facts: FileFacts) -> None:
        self.facts = facts
        self._resolving: set[str] = set()

    def message(
        self,
        mode: str,
        message_args: list[tree_sitter.Node],
        extra: list[tree_sitter.Node],
        hole_for: str | None = None,
        depth: int = 0,
    ) -> tuple[list[Part], Confidence]:
        if mode in ("print", "println"):
            parts: list[Part] = []
            previous_string: bool | None = None
            for index, arg in enumerate(message_args):
                arg_parts = self._parts(arg, depth, hole_for)
                is_string = self._is_string(arg)
                if index:
                    if mode == "println":
                        parts.append(" ")
                    elif previous_string is False and is_string is False:
                        parts.append(" ")  # Sprint adds a space between operands when neither is a string
                parts.extend(arg_parts)
                previous_string = is_string
            expression_holes = 0
            placeholders = 0
        else:
            parts = self._parts(message_args[0], depth, hole_for) if message_args else []
            expression_holes = sum(1 for p in parts if isinstance(p, Hole))
            placeholders = 0
            if mode == "printf":
                parts, placeholders = formats.printf(list(Template.of(parts).parts))
        parts = _strip_newline(parts)
        template = Template.of(parts)
        if template.is_dynamic:
            confidence = Confidence.DYNAMIC
        elif mode == "printf" and expression_holes and placeholders < len(extra):
            confidence = Confidence.PARTIAL
        else:
            confidence = Confidence.FULL
        return list(template.parts), confidence

    def _is_string(self, node: tree_sitter.Node) -> bool | None:
        """True for strings, False for values known not to be (numbers, bools), None when unknown."""
        if node.type in STRING_TYPES or (node.type == "identifier" and text_of(node) in self.facts.constants
                                          and self.facts.constants[text_of(node)].type in STRING_TYPES):
            return True
        if node.type == "binary_expression" and any(c.type in STRING_TYPES for c in node.named_children):
            return True
        if node.type in ("int_literal", "float_literal", "true", "false", "rune_literal"):
            return False
        return None

    def _parts(self, node: tree_sitter.Node, depth: int, hole_for: str | None) -> list[Part]:
        kind = node.type
        if depth > MAX_DEPTH:
            return [_hole(node)]
        if kind in STRING_TYPES:
            return [decode_string_literal(text_of(node))]
        if kind == "binary_expression":
            operands = plus_operands(node)
            if operands is None:
                return [_hole(node)]
            out: list[Part] = []
            for operand in operands:
                out.extend(self._parts(operand, depth + 1, hole_for))
            return out
        if kind == "parenthesized_expression" and len(node.named_children) == 1:
            return self._parts(node.named_children[0], depth + 1, hole_for)
        if kind == "identifier":
            name = text_of(node)
            if hole_for is not None and name == hole_for:
                return [Hole(HoleKind.ANY, "message")]
            if name in self.facts.constants and name not in self._resolving:
                self._resolving.add(name)
                try:
                    value = self.facts.constants[name]
                    if value.type in STRING_TYPES or value.type == "binary_expression":
                        return self._parts(value, depth + 1, hole_for)
                finally:
                    self._resolving.discard(name)
            return [_hole(node)]
        if kind == "int_literal":
            text = text_of(node).replace("_", "")
            # decimal without a leading zero prints as written; 0x/0o/0b/legacy octal print as their value
            plain = text.isdigit() and text.isascii() and (text == "0" or not text.startswith("0"))
            return [text] if plain else [Hole(HoleKind.INT, text)]
        if kind in ("true", "false"):
            return [kind]
        if kind == "rune_literal":
            return [Hole(HoleKind.INT, text_of(node))]  # Sprint prints a rune as its number
        if kind == "call_expression":
            function = node.child_by_field_name("function")
            args = node.child_by_field_name("arguments")
            name = text_of(function) if function is not None else ""
            if args is not None and args.named_children and name in ("fmt.Sprintf", "fmt.Errorf"):
                inner = self._parts(args.named_children[0], depth + 1, hole_for)
                return formats.printf(list(Template.of(inner).parts))[0]
            if args is not None and name in ("fmt.Sprint", "fmt.Sprintln"):
                parts, _ = self.message("print" if name == "fmt.Sprint" else "println", list(args.named_children), [],
                                        hole_for, depth + 1)
                return parts
        return [_hole(node)]


def _strip_newline(parts: list[Part]) -> list[Part]:
    """Go loggers end a record at a trailing newline of the message; the record's text does not include it."""
    if parts and isinstance(parts[-1], str) and parts[-1].endswith("\n"):
        trimmed = parts[-1][:-1]
        return parts[:-1] + ([trimmed] if trimmed else [])
    return parts


def _hole(node: tree_sitter.Node) -> Hole:
    text = text_of(node)
    return Hole(HoleKind.ANY, text if len(text) <= 60 else text[:59] + "…")
