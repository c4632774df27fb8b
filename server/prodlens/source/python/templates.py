"""Turn a Python message expression into template parts.

Understands literals, f-strings, implicit and `+` concatenation, `"..." % args`, `"...".format(...)` and
parentheses; anything else is a value known only at run time (a hole). When the expression sits inside a
function, references to that function's parameters become holes named `@<param>`, which is how logging
wrappers are recognised: the wrapper's message parameter shows up in its inner logger call's message.
"""

from __future__ import annotations

import tree_sitter

from ...model import Hole, HoleKind, Part
from ..common.templates import Built, TemplateBuilderBase, param_hole_name
from ..formats import apply_brace, apply_percent, format_spec_kind
from .strings import literal_value, string_parts


def _text(node: tree_sitter.Node) -> str:
    return node.text.decode("utf-8", "replace") if node.text is not None else ""


class TemplateBuilder(TemplateBuilderBase):
    """Builds parts for expressions in one file. `params` maps the enclosing function's parameter names to
    their positions (empty outside functions)."""

    __slots__ = ()

    def _build(self, node: tree_sitter.Node, out: Built, depth: int) -> None:
        if depth > 60:  # hostile nesting: give up on structure, keep the statement
            out.parts.append(Hole())
            out.opaque = True
            return
        kind = node.type
        if kind in ("string", "concatenated_string"):
            out.parts.extend(string_parts(node, lambda e, c, s: self._interpolation(e, c, s, out)))
            return
        if kind == "parenthesized_expression":
            inner = node.named_children
            if len(inner) == 1:
                self._build(inner[0], out, depth + 1)
                return
        if kind == "binary_operator":
            operator = node.child_by_field_name("operator")
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            op = _text(operator) if operator is not None else ""
            if left is not None and right is not None:
                if op == "+" and (self._text_like(left) or self._text_like(right)):
                    self._build(left, out, depth + 1)
                    self._build(right, out, depth + 1)
                    return
                if op == "%" and self._text_like(left):
                    sub = self.build(left, depth + 1)
                    nargs = percent_operand_count(right)
                    parts, _ = apply_percent(sub.parts, nargs)
                    out.parts.extend(parts)
                    out.params.extend(p for p in sub.params if p not in out.params)
                    out.opaque = out.opaque or sub.opaque or any(isinstance(p, Hole) for p in sub.parts)
                    return
        if kind == "call":
            function = node.child_by_field_name("function")
            if function is not None and function.type == "attribute":
                attr = function.child_by_field_name("attribute")
                obj = function.child_by_field_name("object")
                if attr is not None and obj is not None and _text(attr) == "format" and self._text_like(obj):
                    sub = self.build(obj, depth + 1)
                    parts, _ = apply_brace(sub.parts)
                    out.parts.extend(parts)
                    out.params.extend(p for p in sub.params if p not in out.params)
                    out.opaque = out.opaque or sub.opaque or any(isinstance(p, Hole) for p in sub.parts)
                    return
            if function is not None and function.type == "attribute":
                attr = function.child_by_field_name("attribute")
                obj = function.child_by_field_name("object")
                args = node.child_by_field_name("arguments")
                if (
                    attr is not None and obj is not None and obj.type == "identifier"
                    and _text(attr) in ("strip", "rstrip", "lstrip")
                    and args is not None and not args.named_children and _text(obj) in self.params
                ):
                    # `message.rstrip()`: still the parameter, with whitespace trimmed at call sites
                    name = _text(obj)
                    if name not in out.params:
                        out.params.append(name)
                    out.parts.append(Hole(HoleKind.ANY, f"{param_hole_name(name)}|{_text(attr)}"))
                    return
            if function is not None and function.type == "identifier" and _text(function) in ("str", "repr"):
                args = node.child_by_field_name("arguments")
                if args is not None and len(args.named_children) == 1:
                    # str(param) is a value being logged, not a message passed through
                    out.parts.append(Hole(HoleKind.ANY, _text(args.named_children[0])[:40] or None))
                    return
        if kind == "conditional_expression":
            # `"a" if c else "b"`: a template cannot say "one of"; a hole is always safe
            out.opaque = True
            out.parts.append(Hole(HoleKind.ANY, _text(node)[:40]))
            return
        self._hole_for(node, out)

    def _interpolation(self, expr: tree_sitter.Node, conversion: str | None, spec: str | None, out: Built) -> list[Part]:
        if expr.type == "identifier" and not spec and not conversion:
            name = _text(expr)
            if name in self.params:
                if name not in out.params:
                    out.params.append(name)
                return [Hole(HoleKind.ANY, param_hole_name(name))]
            value = self.constant(name) if self.constant is not None else None
            if value is not None:
                return [value]
        return [Hole(format_spec_kind(spec, conversion), _text(expr)[:40] or None)]

    def _text_like(self, node: tree_sitter.Node) -> bool:
        """Visibly a string, or a module-level string constant."""
        if _stringish(node):
            return True
        return node.type == "identifier" and self.constant is not None and self.constant(_text(node)) is not None


def _stringish(node: tree_sitter.Node) -> bool:
    """Whether an expression is visibly a string (so `+` is concatenation and `%` is formatting).

    Iterative with a budget: a hostile `"a" + "a" + ...` chain thousands deep must not exhaust the stack."""
    stack = [node]
    budget = 256
    while stack and budget > 0:
        budget -= 1
        node = stack.pop()
        kind = node.type
        if kind in ("string", "concatenated_string"):
            return True
        if kind == "parenthesized_expression":
            inner = node.named_children
            if len(inner) == 1:
                stack.append(inner[0])
        elif kind == "binary_operator":
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            if left is not None:
                stack.append(left)
            if right is not None:
                stack.append(right)
        elif kind == "call":
            function = node.child_by_field_name("function")
            if function is None:
                continue
            if function.type == "identifier" and _text(function) in ("str", "repr"):
                return True
            if function.type == "attribute":
                attr = function.child_by_field_name("attribute")
                obj = function.child_by_field_name("object")
                if attr is not None and obj is not None and _text(attr) in ("format", "join"):
                    stack.append(obj)
    return False


def percent_operand_count(node: tree_sitter.Node) -> int | None:
    """How many values `fmt % operand` supplies: a tuple literal's length, None when only run time knows
    (a variable may hold a tuple). A dict literal fills named fields."""
    if node.type == "tuple":
        if any(c.type in ("list_splat", "parenthesized_list_splat") for c in node.named_children):
            return None
        return len(node.named_children)
    if node.type in ("string", "concatenated_string", "integer", "float", "true", "false", "none"):
        return 1
    return None


def strip_parts(parts: list[Part], how: str) -> list[Part]:
    """Apply `str.strip`/`rstrip`/`lstrip` to the literal ends of a template's parts (holes stay)."""
    out = list(parts)
    if how in ("strip", "rstrip"):
        while out and isinstance(out[-1], str):
            out[-1] = out[-1].rstrip()
            if out[-1]:
                break
            out.pop()
    if how in ("strip", "lstrip"):
        while out and isinstance(out[0], str):
            out[0] = out[0].lstrip()
            if out[0]:
                break
            out.pop(0)
    return out


def literal_string(node: tree_sitter.Node) -> str | None:
    """A node's constant string value (plain literals and their implicit concatenation), or None."""
    return literal_value(node)
