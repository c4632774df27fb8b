"""What the Python and JS template builders share: the result type, parameter holes, and how an identifier
becomes a part (a parameter hole, a known constant, or an anonymous hole). Each language's builder walks its
own grammar in `_build`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import tree_sitter

from ...model import Hole, HoleKind, Part

PARAM_PREFIX = "@"


def param_hole_name(param: str) -> str:
    return PARAM_PREFIX + param


@dataclass(slots=True)
class Built:
    """Parts of an expression, and what is uncertain about them."""

    parts: list[Part] = field(default_factory=list)
    opaque: bool = False  # some text comes from a construct we could not read (a conditional, a formatted variable)
    params: list[str] = field(default_factory=list)  # enclosing-function parameters referenced, in order


def _text(node: tree_sitter.Node) -> str:
    return node.text.decode("utf-8", "replace") if node.text is not None else ""


class TemplateBuilderBase:
    """Builds parts for expressions in one file. `params` maps the enclosing function's parameter names to
    their positions (empty outside functions); `constant` gives a module-level string constant by name
    (`MSG = "x %s"`, `const MSG = "x %s"`), when known."""

    __slots__ = ("params", "constant")

    def __init__(self, params: dict[str, int] | None = None,
                 constant: Callable[[str], str | None] | None = None) -> None:
        self.params = params or {}
        self.constant = constant

    def build(self, node: tree_sitter.Node, depth: int = 0) -> Built:
        out = Built()
        self._build(node, out, depth)
        return out

    def _build(self, node: tree_sitter.Node, out: Built, depth: int) -> None:
        raise NotImplementedError

    def _hole_for(self, node: tree_sitter.Node, out: Built, kind: HoleKind = HoleKind.ANY) -> None:
        if node.type == "identifier":
            name = _text(node)
            if name in self.params:
                if name not in out.params:
                    out.params.append(name)
                out.parts.append(Hole(HoleKind.ANY, param_hole_name(name)))
                return
            value = self.constant(name) if self.constant is not None else None
            if value is not None:
                out.parts.append(value)
                return
        out.parts.append(Hole(kind, _text(node)[:40] or None))
