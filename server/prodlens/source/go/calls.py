"""What one Go logging call means: is its receiver a logger (declared or by convention), what do its arguments
mean for that logger's kind (`shape`: a message plus attributes, a `fmt` format, or `fmt.Sprint` operands), at
what level, and whether it passes an error as a field."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import tree_sitter

from ...model import normalize_level
from ..extract_types import ExtractContext
from .facts import CONVENTION, FileFacts, LoggerValue, text_of
from .strings import decode_string_literal

STRING_TYPES = ("interpreted_string_literal", "raw_string_literal")
# the method names calls.scm treats as logging calls (read from it, so the two cannot disagree)
LOGGING_METHOD_NAMES = frozenset(re.findall(r'"(\w+)"', Path(__file__).with_name("calls.scm").read_text(encoding="utf-8")))
LEVEL_NAMES = {"Trace": "trace", "Debug": "debug", "Info": "info", "Warn": "warn", "Warning": "warn",
                "Error": "error", "DPanic": "fatal", "Panic": "fatal", "Fatal": "fatal", "Print": None, "Log": None}


@dataclass(slots=True)
class Call:
    node: tree_sitter.Node
    framework: str
    level: str | None
    logger: str | None
    receiver: str
    mode: str  # msg | printf | print | println
    message_args: list[tree_sitter.Node]  # msg/printf: [message]; print/println: every operand
    extra: list[tree_sitter.Node]  # arguments after the message (printf values, attributes, fields)
    level_arg: tree_sitter.Node | None
    throwable: bool


def understand(
    node: tree_sitter.Node,
    method: str,
    receiver_node: tree_sitter.Node,
    args_node: tree_sitter.Node,
    facts: FileFacts,
    context: ExtractContext,
) -> Call | None:
    """What a candidate call means, or None when it is not a logging call (its receiver is not a logger, or the
    logger's kind has no such method)."""
    if method in _ZEROLOG_WRITERS:
        return _zerolog_event(node, method, receiver_node, args_node, facts, context)
    value = facts.evaluate(receiver_node)
    receiver = "declared"
    if value is None:
        name = _receiver_name(receiver_node)
        if name is None or not CONVENTION.search(name) or _declared_otherwise(receiver_node, name, facts):
            return None
        value = LoggerValue(None, facts.file_framework or "unknown")
        receiver = "convention"
    args = list(args_node.named_children)
    found = shape(value.kind, method, args)
    if found is None:
        return None
    mode, message_index, level_index, base = found
    level = LEVEL_NAMES.get(base)
    if base == "Print" and value.kind == "logrus":
        level = "info"
    level_arg = None
    if level_index is not None:
        if level_index >= len(args):
            return None
        level_arg = args[level_index]
        level = level_of(level_arg)
    message_args: list[tree_sitter.Node]
    extra: list[tree_sitter.Node]
    if mode in ("print", "println"):
        message_args, extra = args[message_index:], []  # Sprint operands (possibly none: `log.Println()`)
    elif message_index < len(args):
        message_args, extra = [args[message_index]], args[message_index + 1 :]
    else:
        return None
    throwable = value.with_error
    if mode == "msg":
        throwable = throwable or any(_is_error_field(a) for a in extra)
    if value.kind == "klog" and method == "ErrorS":
        throwable = bool(args) and text_of(args[0]) != "nil"
    framework = value.framework
    logger = value.name  # not context.module (the import path): no Go framework emits it as a logger name
    return Call(node, framework, level, logger, receiver, mode, message_args, extra, level_arg, throwable)


_ZEROLOG_WRITERS = frozenset({"Msg", "Msgf", "Send", "MsgFunc"})
_ZEROLOG_LEVELS = {"Trace": "trace", "Debug": "debug", "Info": "info", "Warn": "warn", "Error": "error",
                   "Fatal": "fatal", "Panic": "fatal", "Log": None, "WithLevel": None, "Err": "error"}


def _zerolog_event(
    node: tree_sitter.Node,
    method: str,
    receiver_node: tree_sitter.Node,
    args_node: tree_sitter.Node,
    facts: FileFacts,
    context: ExtractContext,
) -> Call | None:
    """`log.Info().Str("k", v).Msg("text")`: the event's chain gives the level (the method nearest the logger),
    its fields are not message text, `.Err(err)` after the level attaches an error."""
    chain: list[tuple[str, tree_sitter.Node]] = []  # (method, call node), outermost first
    current = receiver_node
    for _ in range(64):
        if current.type != "call_expression":
            break
        function = current.child_by_field_name("function")
        if function is None or function.type != "selector_expression":
            break
        field = function.child_by_field_name("field")
        operand = function.child_by_field_name("operand")
        if field is None or operand is None:
            break
        chain.append((text_of(field), current))
        current = operand
    level_position = next((i for i in range(len(chain) - 1, -1, -1) if chain[i][0] in _ZEROLOG_LEVELS), None)
    if level_position is None:
        return None
    level_method, level_call = chain[level_position]
    function = level_call.child_by_field_name("function")
    base = function.child_by_field_name("operand") if function is not None else None
    if base is None:
        return None
    value = facts.evaluate(base)
    receiver = "declared"
    if value is None:
        name = _receiver_name(base)
        if name is None or not CONVENTION.search(name) or _declared_otherwise(base, name, facts) \
                or facts.file_framework != "zerolog":
            return None
        value = LoggerValue("zerolog", "zerolog")
        receiver = "convention"
    if value.kind != "zerolog":
        return None
    level = _ZEROLOG_LEVELS[level_method]
    level_args = level_call.child_by_field_name("arguments")
    if level_method == "WithLevel" and level_args is not None and level_args.named_children:
        level = level_of(level_args.named_children[0])
    throwable = level_method == "Err" or any(name == "Err" for name, _ in chain[:level_position])
    args = list(args_node.named_children)
    if method == "Send":
        mode, message_args, extra = "msg", [], []
    elif method == "Msgf" and args:
        mode, message_args, extra = "printf", args[:1], args[1:]
    elif args:
        mode, message_args, extra = "msg", args[:1], []
    else:
        return None
    return Call(node, value.framework, level, value.name, receiver, mode, message_args, extra,
                None, throwable)


def shape(kind: str | None, method: str, args: list[tree_sitter.Node]) -> tuple[str, int, int | None, str] | None:
    """(mode, message index, level argument index, level base name) for `method` on a logger of `kind`."""
    base, suffix = _split_method(method)
    if base is None:
        return None
    if kind == "log":
        if base not in ("Print", "Fatal", "Panic") or suffix not in ("", "f", "ln"):
            return None
        return _suffix_mode(suffix, "print"), 0, None, base
    if kind == "slog":
        if method in ("Log", "LogAttrs"):
            return "msg", 2, 1, "Log"
        if suffix == "Context":
            return "msg", 1, None, base
        if suffix == "" and base in ("Debug", "Info", "Warn", "Error"):
            return "msg", 0, None, base
        return None
    if kind == "zap":
        if method == "Log":
            return "msg", 1, 0, "Log"
        if suffix == "" and base in ("Debug", "Info", "Warn", "Error", "DPanic", "Panic", "Fatal"):
            return "msg", 0, None, base
        return None
    if kind == "zap-sugar":
        if method in ("Logf", "Logw", "Logln", "Log"):
            mode = {"Logf": "printf", "Logw": "msg", "Logln": "println", "Log": "print"}[method]
            return mode, 1, 0, "Log"
        if suffix == "w":
            return "msg", 0, None, base
        if base in ("Print", "Warning") or suffix not in ("", "f", "ln"):
            return None
        return _suffix_mode(suffix, "print"), 0, None, base
    if kind == "logrus":
        if method in ("Log", "Logf", "Logln"):
            return _suffix_mode(method[3:], "print"), 1, 0, "Log"
        if suffix not in ("", "f", "ln") or base == "DPanic":
            return None
        return _suffix_mode(suffix, "print"), 0, None, base
    if kind == "zerolog":
        # a zerolog logger writes only through events (Msg/Msgf/Send), except Print/Printf at debug level
        if base == "Print" and suffix in ("", "f"):
            return _suffix_mode(suffix, "print"), 0, None, "Debug"
        return None
    if kind == "klog":
        if method in ("InfoS",):
            return "msg", 0, None, "Info"
        if method == "ErrorS":
            return "msg", 1, None, "Error"
        if suffix == "Depth":
            return "print", 1, None, base
        if suffix not in ("", "f", "ln") or base not in ("Info", "Warning", "Error", "Fatal"):
            return None
        return _suffix_mode(suffix, "print"), 0, None, base
    # a logger of unknown kind (named like one): read the shape from the method and the arguments
    if method in ("Log", "LogAttrs"):
        return ("msg", 2, 1, "Log") if len(args) >= 3 and args[2].type in STRING_TYPES else None
    if suffix == "Context":
        return "msg", 1, None, base
    if suffix == "w" or suffix == "S":
        return "msg", 0, None, base
    if suffix in ("f", "ln"):
        return _suffix_mode(suffix, "print"), 0, None, base
    if suffix == "" and len(args) >= 2 and args[0].type in STRING_TYPES and _looks_structured(args[1:]):
        return "msg", 0, None, base
    if suffix == "":
        return "print", 0, None, base
    return None


def _split_method(method: str) -> tuple[str | None, str]:
    for base in ("DPanic", "Warning", "Trace", "Debug", "Info", "Warn", "Error", "Panic", "Fatal", "Print", "Log"):
        if method.startswith(base):
            suffix = method[len(base) :]
            if suffix in ("", "f", "ln", "w", "Context", "S", "Depth", "Attrs"):
                return base, suffix
    return None, ""


def _suffix_mode(suffix: str, plain: str) -> str:
    return {"f": "printf", "ln": "println"}.get(suffix, plain)


def _looks_structured(rest: list[tree_sitter.Node]) -> bool:
    """zap fields (`zap.String(...)`) or slog key/value pairs (`"k", v`) after the message."""
    first = rest[0]
    if first.type == "call_expression":
        function = first.child_by_field_name("function")
        if function is not None and function.type == "selector_expression":
            operand = function.child_by_field_name("operand")
            return operand is not None and text_of(operand) in ("zap", "slog", "zapcore")
    return first.type in STRING_TYPES and len(rest) % 2 == 0


def level_of(node: tree_sitter.Node) -> str | None:
    """`slog.LevelWarn`, `zap.WarnLevel`, `zapcore.ErrorLevel`, `logrus.InfoLevel` → a level; variables → None."""
    text = text_of(node)
    if node.type in STRING_TYPES:
        return normalize_level(decode_string_literal(text))
    if node.type == "binary_expression":
        return _slog_offset_level(node)
    if node.type not in ("selector_expression", "identifier"):
        return None
    last = text.rsplit(".", 1)[-1]
    if "Level" not in last:
        return None
    return normalize_level(last.replace("Level", ""))


_SLOG_NUMBERS = {"debug": -4, "info": 0, "warn": 4, "error": 8}


def _slog_offset_level(node: tree_sitter.Node) -> str | None:
    """`slog.LevelError+2`, `slog.LevelInfo-1`: slog levels are integers (Debug -4, Info 0, Warn 4, Error 8)."""
    left, operator, right = node.child_by_field_name("left"), node.child_by_field_name("operator"), \
        node.child_by_field_name("right")
    if left is None or operator is None or right is None or right.type != "int_literal":
        return None
    base = level_of(left)
    if base not in _SLOG_NUMBERS or operator.type not in ("+", "-"):
        return None
    value = _SLOG_NUMBERS[base] + (1 if operator.type == "+" else -1) * int(text_of(right).replace("_", "") or 0)
    return "error" if value >= 8 else "warn" if value >= 4 else "info" if value >= 0 else "debug"


def _is_error_field(node: tree_sitter.Node) -> bool:
    """zap.Error(err) / zap.NamedError / slog "err" key / slog.Any("error", err)."""
    if node.type == "call_expression":
        function = node.child_by_field_name("function")
        name = text_of(function) if function is not None else ""
        if name in ("zap.Error", "zap.NamedError"):
            return True
        args = node.child_by_field_name("arguments")
        if name.startswith("slog.") and args is not None and args.named_children:
            first = args.named_children[0]
            return first.type in STRING_TYPES and decode_string_literal(text_of(first)) in ("err", "error")
        return False
    return node.type in STRING_TYPES and decode_string_literal(text_of(node)) in ("err", "error")


def _receiver_name(node: tree_sitter.Node) -> str | None:
    if node.type == "identifier":
        return text_of(node)
    if node.type == "selector_expression":
        field = node.child_by_field_name("field")
        return text_of(field) if field is not None else None
    return None


def _declared_otherwise(node: tree_sitter.Node, name: str, facts: FileFacts) -> bool:
    """A name the file declares as something else (a non-logger variable, field or an imported package)."""
    if node.type == "selector_expression":
        declared, value = facts.field(name)
        return declared and value is None
    declared, value = facts.variable(name)
    return (declared and value is None) or name in facts.imports
