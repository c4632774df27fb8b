"""The function a logging call sits in, seen as a possible logging wrapper: its name, its parameters by
position (after `self`/`cls` for methods) and its `*args`."""

from __future__ import annotations

from dataclasses import dataclass

import tree_sitter


def _text(node: tree_sitter.Node | None) -> str:
    if node is None or node.text is None:
        return ""
    return node.text.decode("utf-8", "replace")


@dataclass(slots=True)
class FunctionScope:
    """The function a call sits in, seen as a possible logging wrapper."""

    node: tree_sitter.Node
    name: str
    params: dict[str, int]  # parameter name -> position (after self/cls)
    varargs: str | None
    method: bool


def enclosing_function(node: tree_sitter.Node) -> FunctionScope | None:
    parent = node.parent
    while parent is not None:
        kind = parent.type
        if kind == "function_definition":
            return _scope(parent)
        if kind in ("class_definition", "module", "lambda"):
            return None
        parent = parent.parent
    return None


def _scope(function: tree_sitter.Node) -> FunctionScope | None:
    name = _text(function.child_by_field_name("name"))
    parameters = function.child_by_field_name("parameters")
    if parameters is None:
        return None
    method = _is_method(function)
    params: dict[str, int] = {}
    varargs = None
    position = 0
    first = True
    for param in parameters.named_children:
        kind = param.type
        if kind in ("keyword_separator", "positional_separator", "comment"):
            continue
        if kind == "identifier":
            pname = _text(param)
        elif kind in ("typed_parameter", "list_splat_pattern", "dictionary_splat_pattern"):
            ident = next((c for c in param.named_children if c.type == "identifier"), None)
            pname = _text(ident)
            if kind == "typed_parameter" and any(c.type == "list_splat_pattern" for c in param.named_children):
                kind = "list_splat_pattern"
                ident = next(c for c in param.named_children if c.type == "list_splat_pattern")
                pname = _text(next((c for c in ident.named_children if c.type == "identifier"), None))
        elif kind in ("default_parameter", "typed_default_parameter"):
            pname = _text(param.child_by_field_name("name"))
        else:
            continue
        if first and method:
            first = False
            continue  # self / cls
        first = False
        if kind == "dictionary_splat_pattern":
            continue
        if kind == "list_splat_pattern":
            varargs = pname
        params[pname] = position
        position += 1
    return FunctionScope(function, name, params, varargs, method)


def _is_method(function: tree_sitter.Node) -> bool:
    parent = function.parent
    decorators: list[str] = []
    if parent is not None and parent.type == "decorated_definition":
        decorators = [_text(d) for d in parent.named_children if d.type == "decorator"]
        parent = parent.parent
    if parent is None or parent.type != "block" or parent.parent is None or parent.parent.type != "class_definition":
        return False
    return not any("staticmethod" in d for d in decorators)
