"""The function a JavaScript/TypeScript logging call sits in, seen as a possible logging wrapper: the name
its callers use (a declaration's name, the variable or property it is assigned to, the file's stem for a
default export), its parameters by position, its rest parameter, and whether other files can reach it."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

import tree_sitter

from ..extract_types import WrapperDef

FUNCTION_TYPES = {"function_declaration", "function_expression", "arrow_function", "method_definition",
                  "generator_function_declaration", "generator_function", "function"}


def _text(node: tree_sitter.Node | None) -> str:
    if node is None or node.text is None:
        return ""
    return node.text.decode("utf-8", "replace")


@dataclass(slots=True)
class Scope:
    node: tree_sitter.Node
    name: str | None
    params: dict[str, int]
    rest: str | None
    method: bool
    exported: bool


def stem(path: str) -> str:
    base = posixpath.basename(path)
    stem = re.sub(r"\.(?:[cm]?[jt]sx?)$", "", base)
    if stem == "index":
        parent = posixpath.basename(posixpath.dirname(path))
        return parent or stem
    return stem


def enclosing_function(node: tree_sitter.Node, path: str) -> Scope | None:
    parent = node.parent
    while parent is not None:
        if parent.type in FUNCTION_TYPES:
            return _scope(parent, path)
        if parent.type in ("program", "class_body"):
            return None
        parent = parent.parent
    return None


def _scope(function: tree_sitter.Node, path: str) -> Scope:
    params: dict[str, int] = {}
    rest = None
    parameters = function.child_by_field_name("parameters")
    single = function.child_by_field_name("parameter")  # `x => ...`
    nodes = parameters.named_children if parameters is not None else ([single] if single is not None else [])
    position = 0
    for param in nodes:
        kind = param.type
        if kind in ("required_parameter", "optional_parameter"):
            pattern = param.child_by_field_name("pattern")
            if pattern is None:
                continue
            param, kind = pattern, pattern.type
        if kind == "identifier":
            name = _text(param)
            if name == "this":
                continue
            params[name] = position
        elif kind == "assignment_pattern":
            left = param.child_by_field_name("left")
            if left is not None and left.type == "identifier":
                params[_text(left)] = position
        elif kind == "rest_pattern":
            ident = next((c for c in param.named_children if c.type == "identifier"), None)
            if ident is not None:
                rest = _text(ident)
                params[rest] = position
        elif kind == "this":
            continue
        position += 1
    name, method, exported = _function_name(function, path)
    return Scope(function, name, params, rest, method, exported)


def _function_name(function: tree_sitter.Node, path: str) -> tuple[str | None, bool, bool]:
    """(name call sites use, is a method, visible to other files)."""
    kind = function.type
    parent = function.parent
    if kind == "method_definition":
        return _text(function.child_by_field_name("name")), True, True
    if kind in ("function_declaration", "generator_function_declaration"):
        exported = parent is not None and parent.type in ("export_statement", "program")
        if parent is not None and parent.type == "export_statement" and any(c.type == "default" for c in parent.children):
            return stem(path), False, True
        return _text(function.child_by_field_name("name")), False, exported
    own = function.child_by_field_name("name")
    while parent is not None and parent.type in ("parenthesized_expression",):
        parent = parent.parent
    if parent is None:
        return (_text(own) or None), False, False
    if parent.type == "variable_declarator":
        declaration = parent.parent
        top = declaration is not None and declaration.parent is not None and declaration.parent.type in (
            "program", "export_statement")
        return _text(parent.child_by_field_name("name")), False, top
    if parent.type == "assignment_expression":
        left = parent.child_by_field_name("left")
        left_text = _text(left)
        if left_text in ("module.exports", "exports"):
            return stem(path), False, True
        if left is not None and left.type == "member_expression":
            prop = _text(left.child_by_field_name("property"))
            obj = _text(left.child_by_field_name("object"))
            if obj in ("module.exports", "exports"):
                return prop, False, True
            if obj.endswith(".prototype") or obj == "this":
                return prop, True, True
            return prop, False, False
        return left_text or None, False, False
    if parent.type == "pair":
        return _text(parent.child_by_field_name("key")) or None, True, True
    if parent.type == "export_statement":
        return stem(path), False, True
    return (_text(own) or None), False, False


def defining_function(call: tree_sitter.Node, wrapper: WrapperDef, path: str) -> tree_sitter.Node | None:
    """The wrapper's own function when `call` is inside it (recursion is not a call site)."""
    if wrapper.path != path:
        return None
    parent = call.parent
    while parent is not None:
        if parent.type in FUNCTION_TYPES:
            scope = _scope(parent, path)
            if scope.name == wrapper.name:
                return parent
        parent = parent.parent
    return None
