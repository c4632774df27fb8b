"""Logging wrappers in Python: when a function is one, what other files may call, and how a call site's
message is spliced into the wrapper's template.

A wrapper's message parameter appears in its inner logger call's template as a hole named `@<param>`
(`@<param>|rstrip` when the wrapper strips it); call sites put their own message parts there.
"""

from __future__ import annotations

import re

import tree_sitter

from ...model import Hole, Part
from ..common.splice import splice_first
from ..extract_types import WrapperDef
from .scopes import FunctionScope
from ..common.templates import Built, param_hole_name
from .templates import strip_parts

_MESSAGE_PARAM_NAMES = ("msg", "message", "fmt", "format", "text", "event", "s", "m", "txt")


def _text(node: tree_sitter.Node | None) -> str:
    if node is None or node.text is None:
        return ""
    return node.text.decode("utf-8", "replace")


def forwards(rest: list[tree_sitter.Node], varargs: str) -> bool:
    """Whether the call passes the function's `*args` on: `*args`, or `*((prefix,) + args)`."""
    pattern = re.compile(r"(?<![\w.])" + re.escape(varargs) + r"(?!\w)")
    return any(n.type == "list_splat" and pattern.search(_text(n)) for n in rest)


_ERROR_PARAM_RE = re.compile(r"^(?:e|err|error|ex|exc|exception|cause)$", re.I)
_LOGGING_NAME_RE = re.compile(r"log|debug|info|warn|error|trace|fatal|critical|notice|verbose|audit", re.I)


def wrapper_message_param(built: Built, forwards_args: bool, function_name: str) -> str | None:
    """The parameter that carries a wrapper's message, or None when the function is not a wrapper.

    A parameter named like a message (`msg`, `message`, `fmt`) that flows into the message makes a wrapper,
    and so does any parameter when the function also forwards its `*args` (`"[audit] " + fmt, *a`). A
    parameter that is the whole message makes one only when the function is named like a logging function
    (`_log_info(self, stmt)`): `log.debug(doc_string)` inside `include_doc_string(doc_string)` logs a value,
    and its callers are not log statements. Errors passed as the message are values too."""
    params = [p for p in built.params if not _ERROR_PARAM_RE.match(p)]
    if not params:
        return None
    for name in params:
        if name.lower() in _MESSAGE_PARAM_NAMES:
            return name
    whole = len(built.parts) == 1 and isinstance(built.parts[0], Hole)
    if forwards_args or (whole and _LOGGING_NAME_RE.search(function_name)):
        return params[-1]
    return None


def module_matches(module: str, path: str) -> bool:
    """Whether an imported dotted module (`pkg.util`, `.util`, `..log`) can be the file `path`: compared by
    its trailing components, since relative imports and install roots hide the rest."""
    parts = [p for p in module.split(".") if p]
    if not parts:
        return False
    stem = path[:-3] if path.endswith(".py") else path
    if stem.endswith("/__init__"):
        stem = stem[: -len("/__init__")]
    file_parts = stem.split("/")
    return file_parts[-len(parts):] == parts if len(parts) <= len(file_parts) else parts[-len(file_parts):] == file_parts


def exported(scope: FunctionScope, standard_methods: frozenset[str]) -> bool:
    """Whether other files may call this wrapper. Dunder methods no; nor methods named like logging methods
    (`LoggerAdapter.info`): their callers use logger-like receivers, already statements, and exporting them
    would turn every `self.info(...)` of every class into one."""
    if scope.name.startswith("__"):
        return False
    return not (scope.method and scope.name in standard_methods)


def hole_name_of(parts, param: str) -> str:
    """The name of the hole a parameter became (`@msg`, or `@msg|rstrip` when the wrapper strips it)."""
    base = param_hole_name(param)
    for part in parts:
        if isinstance(part, Hole) and part.name and (part.name == base or part.name.startswith(base + "|")):
            return part.name
    return base


def splice(wrapper: WrapperDef, parts: list[Part]) -> list[Part]:
    """The wrapper's template with the call site's message parts in place of its message hole (stripped
    first when the wrapper strips its message: `message.rstrip()`)."""
    if wrapper.template is None:
        return list(parts)
    strip = wrapper.message_hole.partition("|")[2]
    if strip:
        parts = strip_parts(parts, strip)
    return splice_first(wrapper, parts)
