"""What one Java logging call means: is its receiver a logger, which argument is the message, at what level, with
which placeholder syntax, and whether it passes a Throwable.

The extractor calls `understand` for each candidate `calls.scm` found; wrappers reuse the same pieces for the
calls of wrappers (`finish`, `level_of`, `is_throwable`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import tree_sitter

from ...model import Confidence, Hole, Part, Template, normalize_level
from . import formats
from .facts import CONVENTION, FACTORY_METHODS, LOGGER_TYPES, FileFacts, LoggerVar, from_factory, simple_type_name, text_of
from .messages import MessageReader

_LEVEL_METHODS = {
    "trace": "trace", "debug": "debug", "info": "info", "warn": "warn", "error": "error", "fatal": "fatal",
    "fine": "debug", "finer": "trace", "finest": "trace", "config": "info", "severe": "error", "warning": "warn",
}
# SLF4J 2 / Log4j 2 fluent API: LOG.atInfo().addArgument(x).log("...")
_FLUENT_LEVELS = {"atTrace": "trace", "atDebug": "debug", "atInfo": "info", "atWarn": "warn", "atError": "error",
                  "atFatal": "fatal", "atFine": "debug", "atFiner": "trace", "atFinest": "trace",
                  "atConfig": "info", "atSevere": "error", "atWarning": "warn", "atLevel": ""}
_THROWABLE_NAMES = re.compile(r"^(e|ex|exc|t|th|thr|throwable|exception|cause|err|error|ioe|e\d|ex\d|\w*(Exception|Error|Throwable))$")
_THROWABLE_TYPE = re.compile(r"(Exception|Error|Throwable)$")
# the method names calls.scm treats as logging calls (read from it, so the two cannot disagree)
LOGGING_METHOD_NAMES = frozenset(re.findall(r'"(\w+)"', Path(__file__).with_name("calls.scm").read_text(encoding="utf-8")))


@dataclass(slots=True)
class Call:
    """One logging call, understood: what the extractor needs to build a statement or a wrapper."""

    node: tree_sitter.Node
    framework: str
    level: str | None
    logger: str | None
    receiver: str
    message: tree_sitter.Node
    extra: list[tree_sitter.Node]  # arguments after the message
    style: str | None  # placeholder syntax applied to the message: slf4j | messageformat | printf | None
    level_arg: tree_sitter.Node | None = None
    leading_throwable: bool = False  # JUL log(Level, Throwable, Supplier<String>)


def understand(
    node: tree_sitter.Node,
    method: str,
    receiver_node: tree_sitter.Node,
    args_node: tree_sitter.Node,
    facts: FileFacts,
    reader: MessageReader,
) -> Call | None:
    """What a candidate call means, or None when it is not a logging call (its receiver is not a logger)."""
    level: str | None = _LEVEL_METHODS.get(base_method(method))
    fluent_level: str | None = None
    fluent = False
    if method == "log" and receiver_node.type == "method_invocation":
        base, fluent_level, fluent = fluent_chain(receiver_node)
        if fluent:
            receiver_node = base
    logger = receiver_of(receiver_node, facts, node)
    if logger is None:
        return None
    receiver_kind, var = logger
    framework = var.framework or facts.file_framework or "unknown"
    args = args_node.named_children
    if not args:
        return None
    level_arg = None
    if fluent:
        level = fluent_level or None
        message_index = 0
    elif method in ("log", "logp", "logrb", "printf"):
        first = args[0]
        if reader.is_stringish(first):
            message_index = 0  # a log(String) of some other API shape: level unknown
        else:
            level_arg = first
            level = level_of(first)
            message_index = {"log": 1, "logp": 3, "logrb": 4, "printf": 1}[method]
            if method == "log" and len(args) > 2 and not reader.is_stringish(args[1]) and reader.is_stringish(args[2]):
                message_index = 2  # Log4j 2 log(Level, Marker, String, ...)
    else:
        message_index = 0
        if len(args) >= 2 and is_marker(args[0], facts):
            message_index = 1  # SLF4J / Log4j 2 Marker first
    if message_index >= len(args):
        return None
    message = args[message_index]
    extra = list(args[message_index + 1 :])
    style = style_for(framework, method, extra)
    leading_throwable = message_index == 2 and method == "log" and is_throwable(args[1], node)
    return Call(node, framework, level, var.logger_name, receiver_kind, message, extra, style, level_arg,
                 leading_throwable)


def receiver_of(node: tree_sitter.Node, facts: FileFacts, call: tree_sitter.Node) -> tuple[str, LoggerVar] | None:
    """Is the object a logging method is called on a logger? ("declared"|"convention", what we know)."""
    kind = node.type
    if kind == "identifier":
        name = text_of(node)
    elif kind == "field_access":
        field = node.child_by_field_name("field")
        obj = node.child_by_field_name("object")
        if field is None or obj is None:
            return None
        name = text_of(field)
        if obj.type not in ("this", "super") and text_of(obj).rsplit(".", 1)[-1] not in facts.classes:
            # `OtherClass.LOG`: a field of a class this file does not declare; only its name speaks
            return ("convention", LoggerVar(True, facts.file_framework, None)) if CONVENTION.search(name) else None
    elif kind == "method_invocation":
        name_node = node.child_by_field_name("name")
        method = text_of(name_node) if name_node is not None else ""
        if method in FACTORY_METHODS:
            obj = node.child_by_field_name("object")
            args = node.child_by_field_name("arguments")
            if obj is None or args is None or not args.named_children:
                # an inherited `getLogger()`/`getLog()` accessor: a logger by convention
                return "convention", LoggerVar(True, facts.file_framework, None)
            return "declared", from_factory(facts, node, None)  # the factory call declares the logger
        return None
    else:
        return None
    var = facts.variable(name)
    if var is not None:
        return ("declared", var) if var.is_logger else None
    if kind == "identifier" and name in facts.imports:
        # a static logging API called on its class: tinylog's `Logger.info(...)`
        framework = facts.framework_of_type(facts.imports[name])
        if framework is not None and simple_type_name(name) in LOGGER_TYPES:
            return "declared", LoggerVar(True, framework, None)
        return None  # another imported class: `Math.log`, `Result.error`
    if name == "log" and facts.lombok:
        for class_node, lombok_var in facts.lombok:
            if class_node.start_byte <= call.start_byte < class_node.end_byte:
                return "declared", lombok_var
    if CONVENTION.search(name):
        return "convention", LoggerVar(True, None, None)
    return None


def base_method(method: str) -> str:
    """`infof`/`debugv` (JBoss Logging) → `info`/`debug`."""
    if method in _LEVEL_METHODS:
        return method
    if method[-1:] in ("f", "v") and method[:-1] in _LEVEL_METHODS:
        return method[:-1]
    return method


def style_for(framework: str, method: str, extra: list[tree_sitter.Node]) -> str | None:
    if method.endswith("f") and method[:-1] in _LEVEL_METHODS or method == "printf":
        return "printf"
    if method.endswith("v") and method[:-1] in _LEVEL_METHODS:
        return "messageformat"  # JBoss Logging infov/debugv
    if framework == "flogger":
        return "printf" if extra else None  # Flogger formats printf-style, only when given arguments
    if not extra:
        return None  # no arguments: SLF4J, Log4j 2 and JUL print the message as written
    if framework == "jul":
        return "messageformat"
    if framework in ("log4j", "commons-logging"):
        return None  # the message is an Object; a second argument is the Throwable
    return "slf4j"


def apply_style(parts: list[Part], style: str | None) -> tuple[list[Part], int]:
    if style == "slf4j":
        return formats.slf4j(parts)
    if style == "messageformat":
        return formats.message_format(parts)
    if style == "printf":
        return formats.printf(parts)
    return parts, 0


def finish(
    parts: list[Part], style: str | None, extra: list[tree_sitter.Node], call: tree_sitter.Node
) -> tuple[list[Part], Template, Confidence, bool]:
    """Apply the placeholder style, decide about a trailing Throwable, and rate the result."""
    expression_holes = sum(1 for p in parts if isinstance(p, Hole))
    parts, placeholders = apply_style(Template.of(parts).parts, style) if style else (list(parts), 0)
    throwable = bool(extra) and is_throwable(extra[-1], call)
    values = len(extra) - (1 if throwable else 0)
    template = Template.of(parts)
    if template.is_dynamic:
        confidence = Confidence.DYNAMIC
    elif style and expression_holes and placeholders < values:
        confidence = Confidence.PARTIAL  # arguments are formatted into text we cannot see
    else:
        confidence = Confidence.FULL
    return list(template.parts), template, confidence, throwable


def is_marker(node: tree_sitter.Node, facts: FileFacts) -> bool:
    """An SLF4J/Log4j 2 Marker before the message: declared as one, built by a marker factory, or named so."""
    text = text_of(node)
    if "marker" in text.lower():
        return True  # MarkerFactory.getMarker("X"), MarkerManager.getMarker(...), AUDIT_MARKER, this.marker
    if node.type == "identifier":
        declared = facts.declared_type(text)
        return declared is not None and simple_type_name(declared) == "Marker"
    return False


def level_of(node: tree_sitter.Node) -> str | None:
    """`Level.WARNING`, `java.util.logging.Level.SEVERE`, `Level.WARN`, `"warn"` → a level; variables → None."""
    if node.type in ("field_access", "identifier"):
        text = text_of(node)
        if node.type == "identifier" and not text.isupper():
            return None  # a variable holding a level: known only at run time
        return normalize_level(text.rsplit(".", 1)[-1])
    if node.type == "string_literal":
        return normalize_level(text_of(node).strip('"'))
    if node.type == "method_invocation":  # Level.toLevel("WARN") / Level.parse("INFO")
        args = node.child_by_field_name("arguments")
        if args is not None and len(args.named_children) == 1 and args.named_children[0].type == "string_literal":
            return normalize_level(text_of(args.named_children[0]).strip('"'))
    return None


def fluent_chain(node: tree_sitter.Node) -> tuple[tree_sitter.Node, str | None, bool]:
    """Walk `LOG.atInfo().addArgument(x).setCause(e)` down to `LOG`; return (base, level, is_fluent)."""
    current = node
    level = None
    fluent = False
    for _ in range(32):
        if current.type != "method_invocation":
            break
        name_node = current.child_by_field_name("name")
        name = text_of(name_node) if name_node is not None else ""
        if name in _FLUENT_LEVELS:
            fluent = True
            level = _FLUENT_LEVELS[name] or None
            if name == "atLevel":
                args = current.child_by_field_name("arguments")
                if args is not None and args.named_children:
                    level = level_of(args.named_children[0])
            obj = current.child_by_field_name("object")
            return (obj if obj is not None else current), level, fluent
        obj = current.child_by_field_name("object")
        if obj is None:
            break
        current = obj
    return node, None, False


def is_throwable(node: tree_sitter.Node, call: tree_sitter.Node) -> bool:
    kind = node.type
    if kind == "object_creation_expression":
        type_node = node.child_by_field_name("type")
        return type_node is not None and bool(_THROWABLE_TYPE.search(text_of(type_node)))
    if kind == "method_invocation":
        name = node.child_by_field_name("name")
        return name is not None and text_of(name) in ("getCause", "getTargetException", "getRootCause")
    if kind != "identifier":
        return False
    name = text_of(node)
    # a catch clause parameter in scope is certainly a Throwable; so is a parameter declared as one
    current = call.parent
    while current is not None and current.type != "class_body":
        if current.type == "catch_clause":
            for child in current.named_children:
                if child.type == "catch_formal_parameter":
                    param = child.child_by_field_name("name")
                    if param is not None and text_of(param) == name:
                        return True
        if current.type in ("method_declaration", "constructor_declaration", "lambda_expression"):
            params = current.child_by_field_name("parameters")
            for param in params.named_children if params is not None else []:
                param_name = param.child_by_field_name("name")
                param_type = param.child_by_field_name("type")
                if param_name is not None and text_of(param_name) == name:
                    return param_type is not None and bool(_THROWABLE_TYPE.search(text_of(param_type)))
            if current.type != "lambda_expression":
                break
        current = current.parent
    return bool(_THROWABLE_NAMES.match(name))
