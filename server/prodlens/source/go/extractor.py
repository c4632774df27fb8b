"""Find the log statements of a Go file: `log`, `log/slog`, zap (plain and sugared), logrus, klog/glog.

`calls.scm` finds `x.Method(...)` calls with logging method names; Python checks each receiver against the file's
imports and declarations (`facts.py`) and reads the message by what the method means: a message plus attributes
(slog, zap, `Infow`), a `fmt` format (`Printf`, `Infof`), or `fmt.Sprint`/`Sprintln` operands (`Print`, `Info` of
logrus and sugared zap, `Println`). Attributes and fields are never message text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import tree_sitter

from ...model import Confidence, Hole, HoleKind, Part, Range, Template, normalize_level
from ..extract_types import ExtractContext, FileExtraction, RawStatement, WrapperDef
from . import formats
from .facts import CONVENTION, FileFacts, LoggerValue, declared_names, query, read_facts, text_of
from .strings import decode_string_literal

_STRING_TYPES = ("interpreted_string_literal", "raw_string_literal")
_MAX_DEPTH = 24
# parameter names that say "this is the message" (not `s`, `text` or `msgText`: those are usually values logged)
_MESSAGE_PARAM = re.compile(r"^(?:msg|message|fmt|format|pattern|template|logMessage|messagePattern|formatString)$", re.I)
# a function named for logging: `logf`, `Logf`, `debugLog`, `warnf`, `auditEvent` (not `login`, `catalog`)
_LOGGING_FUNC = re.compile(
    r"^(?:[lL]og|[dD]ebug|[iI]nfo|[wW]arn|[wW]arning|[eE]rror|[tT]race|[fF]atal|[aA]udit|[pP]rint)(?:[A-Z_0-9fw]|ln|$)"
    r"|(?:Log|Logf|Debug|Info|Warn|Warning|Error|Trace|Fatal|Audit)$"
)
# the method names calls.scm treats as logging calls (read from it, so the two cannot disagree)
_LOGGING_METHOD_NAMES = frozenset(re.findall(r'"(\w+)"', Path(__file__).with_name("calls.scm").read_text(encoding="utf-8")))
_LEVEL_NAMES = {"Trace": "trace", "Debug": "debug", "Info": "info", "Warn": "warn", "Warning": "warn",
                "Error": "error", "DPanic": "fatal", "Panic": "fatal", "Fatal": "fatal", "Print": None, "Log": None}


@dataclass(slots=True)
class _Call:
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


class GoExtractor:
    languages = ("go",)

    def extract(self, tree: tree_sitter.Tree, source: bytes, path: str, context: ExtractContext) -> FileExtraction:
        root = tree.root_node
        result = FileExtraction()
        wrappers_by_name = _wrapper_names(context.wrappers)
        candidates = tree_sitter.QueryCursor(query("calls.scm")).matches(root)
        wrapper_sites = _site_offsets(source, wrappers_by_name) if wrappers_by_name else []
        if not candidates and not wrapper_sites:
            if root.has_error:
                result.errors = len(tree_sitter.QueryCursor(query("errors.scm")).captures(root).get("error", []))
            return result
        facts = read_facts(root, source)
        if root.has_error:
            result.errors = len(tree_sitter.QueryCursor(query("errors.scm")).captures(root).get("error", []))
        reader = _MessageReader(facts)
        lines = _LineColumns(source)
        handled: set[int] = set()
        for _pattern, caps in candidates:
            node = caps["call"][0]
            call = self._understand(node, text_of(caps["method"][0]), caps["receiver"][0], caps["args"][0], facts, context)
            if call is None:
                continue
            handled.add(node.start_byte)
            wrapper = self._wrapper_of(call, path, reader) if context.config.detect_wrappers else None
            result.statements.append(self._statement(call, reader, lines, wrapper=wrapper is not None))
            if wrapper is not None:
                result.wrappers.append(wrapper)
        known = dict(wrappers_by_name)
        for wrapper in result.wrappers:
            known.setdefault(wrapper.name, []).append(wrapper)
        if known:
            if result.wrappers:
                wrapper_sites = _site_offsets(source, known)
            seen: set[int] = set()
            for start, name in wrapper_sites:
                site = _call_at(root, start, name)
                if site is None or site.start_byte in handled or site.start_byte in seen:
                    continue
                seen.add(site.start_byte)
                statement = self._wrapper_site(site, name, known[name], reader, lines, facts)
                if statement is not None:
                    result.statements.append(statement)
        result.statements.sort(key=lambda s: (s.range.start_line, s.range.start_column))
        return result

    # ----------------------------------------------------------------------------------------------------------
    def _understand(
        self,
        node: tree_sitter.Node,
        method: str,
        receiver_node: tree_sitter.Node,
        args_node: tree_sitter.Node,
        facts: FileFacts,
        context: ExtractContext,
    ) -> _Call | None:
        value = facts.evaluate(receiver_node)
        receiver = "declared"
        if value is None:
            name = _receiver_name(receiver_node)
            if name is None or not CONVENTION.search(name) or _declared_otherwise(receiver_node, name, facts):
                return None
            value = LoggerValue(None, facts.file_framework or "unknown")
            receiver = "convention"
        args = list(args_node.named_children)
        shape = _shape(value.kind, method, args)
        if shape is None:
            return None
        mode, message_index, level_index, base = shape
        level = _LEVEL_NAMES.get(base)
        if base == "Print" and value.kind == "logrus":
            level = "info"
        level_arg = None
        if level_index is not None:
            if level_index >= len(args):
                return None
            level_arg = args[level_index]
            level = _level_of(level_arg)
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
        logger = value.name or context.module
        return _Call(node, framework, level, logger, receiver, mode, message_args, extra, level_arg, throwable)

    def _statement(self, call: _Call, reader: "_MessageReader", lines: "_LineColumns", *, wrapper: bool) -> RawStatement:
        parts, confidence = reader.message(call.mode, call.message_args, call.extra)
        return RawStatement(
            range=lines.range(call.node),
            framework=call.framework,
            level=call.level,
            logger=call.logger,
            template=Template.of(parts),
            confidence=confidence,
            wrapper=wrapper,
            receiver=call.receiver,
            throwable=call.throwable,
        )

    def _wrapper_of(self, call: _Call, path: str, reader: "_MessageReader") -> WrapperDef | None:
        """A function whose message-like string parameter is (part of) this call's message."""
        function = _enclosing_function(call.node)
        if function is None or call.mode == "println":
            return None
        params = _parameters(function)
        if not params:
            return None
        names = {name: index for index, (name, _t, _v) in enumerate(params)}
        name_node = function.child_by_field_name("name")
        if name_node is None:
            return None
        func_name = text_of(name_node)
        forwarded = _forwarded_variadic(call.extra + call.message_args, names)
        passes_args = forwarded is not None
        message_param = None
        param_name = ""
        message_nodes = call.message_args[:1] if call.mode != "print" else call.message_args
        for message in message_nodes:
            for operand in _concat_operands(message):
                if operand.type != "identifier" or text_of(operand) not in names:
                    continue
                index = names[text_of(operand)]
                name, type_text, variadic = params[index]
                if variadic or type_text != "string":
                    continue
                if passes_args or _MESSAGE_PARAM.search(name) or _LOGGING_FUNC.search(func_name):
                    message_param, param_name = index, name
                    break
            if message_param is not None:
                break
        if message_param is None:
            return None
        if not _LOGGING_FUNC.search(func_name) and not _used_only_for_logging(
            reader.facts, function, param_name, call.node
        ):
            return None  # the function also computes with the parameter: a value it logs, not a message
        parts, _confidence = reader.message(call.mode, call.message_args, call.extra, hole_for=param_name)
        template = Template.of(parts)
        level_param = None
        if call.level_arg is not None and call.level_arg.type == "identifier" and text_of(call.level_arg) in names:
            level_param = names[text_of(call.level_arg)]
        args_param = forwarded
        sprintf = call.mode != "printf" and args_param is not None  # `log.Print(fmt.Sprintf(format, args...))`
        passthrough = len(template.parts) == 1 and isinstance(template.parts[0], Hole)
        return WrapperDef(
            name=func_name,
            language="go",
            path=path,
            message_param=message_param,
            level_param=level_param,
            level=call.level if level_param is None else None,
            framework=call.framework,
            logger=call.logger,
            template=None if passthrough else template,
            message_hole="message",
            args_param=args_param,
            placeholder_style="printf" if (call.mode == "printf" or sprintf) and args_param is not None else None,
            method=function.type == "method_declaration",
            exported=func_name[:1].isupper(),
        )

    def _wrapper_site(
        self,
        node: tree_sitter.Node,
        name: str,
        wrappers: list[WrapperDef],
        reader: "_MessageReader",
        lines: "_LineColumns",
        facts: FileFacts,
    ) -> RawStatement | None:
        function = _enclosing_function(node)
        if function is not None:
            fname = function.child_by_field_name("name")
            if fname is not None and text_of(fname) == name:
                return None  # recursion or delegation inside the wrapper itself
        if not _plausible_site(node, name, wrappers, facts):
            return None
        args_node = node.child_by_field_name("arguments")
        if args_node is None:
            return None
        args = list(args_node.named_children)
        wrapper = next((w for w in wrappers if w.message_param < len(args)), None)
        if wrapper is None:
            return None
        message = args[wrapper.message_param]
        extra = args[wrapper.args_param :] if wrapper.args_param is not None else []
        mode = "printf" if wrapper.placeholder_style == "printf" or (wrapper.path == "" and extra) else "msg"
        if wrapper.path == "" and len(args) > wrapper.message_param + 1:
            mode = "printf"  # a configured logging method with arguments after the message: fmt style
            extra = args[wrapper.message_param + 1 :]
        parts, confidence = reader.message(mode, [message], list(extra))
        if wrapper.template is not None:
            spliced: list[Part] = []
            for part in wrapper.template.parts:
                if isinstance(part, Hole) and part.name == wrapper.message_hole:
                    spliced.extend(parts)
                else:
                    spliced.append(part)
            parts = spliced
        template = Template.of(parts)
        if template.is_dynamic:
            confidence = Confidence.DYNAMIC
        elif confidence is Confidence.DYNAMIC:
            confidence = Confidence.PARTIAL  # the wrapper adds constant text around a message built elsewhere
        level = wrapper.level
        if wrapper.level_param is not None and wrapper.level_param < len(args):
            level = _level_of(args[wrapper.level_param])
        return RawStatement(
            range=lines.range(node),
            framework=wrapper.framework,
            level=level,
            logger=wrapper.logger,
            template=template,
            confidence=confidence,
            wrapper=False,
            receiver="declared",
            throwable=False,
        )


EXTRACTOR = GoExtractor()


# --------------------------------------------------------------------------------------------------------------
# what a method's arguments mean


def _shape(kind: str | None, method: str, args: list[tree_sitter.Node]) -> tuple[str, int, int | None, str] | None:
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
        return ("msg", 2, 1, "Log") if len(args) >= 3 and args[2].type in _STRING_TYPES else None
    if suffix == "Context":
        return "msg", 1, None, base
    if suffix == "w" or suffix == "S":
        return "msg", 0, None, base
    if suffix in ("f", "ln"):
        return _suffix_mode(suffix, "print"), 0, None, base
    if suffix == "" and len(args) >= 2 and args[0].type in _STRING_TYPES and _looks_structured(args[1:]):
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
    return first.type in _STRING_TYPES and len(rest) % 2 == 0


def _level_of(node: tree_sitter.Node) -> str | None:
    """`slog.LevelWarn`, `zap.WarnLevel`, `zapcore.ErrorLevel`, `logrus.InfoLevel` → a level; variables → None."""
    text = text_of(node)
    if node.type in _STRING_TYPES:
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
    base = _level_of(left)
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
            return first.type in _STRING_TYPES and decode_string_literal(text_of(first)) in ("err", "error")
        return False
    return node.type in _STRING_TYPES and decode_string_literal(text_of(node)) in ("err", "error")


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


# --------------------------------------------------------------------------------------------------------------
# messages


class _MessageReader:
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
        if node.type in _STRING_TYPES or (node.type == "identifier" and text_of(node) in self.facts.constants
                                          and self.facts.constants[text_of(node)].type in _STRING_TYPES):
            return True
        if node.type == "binary_expression" and any(c.type in _STRING_TYPES for c in node.named_children):
            return True
        if node.type in ("int_literal", "float_literal", "true", "false", "rune_literal"):
            return False
        return None

    def _parts(self, node: tree_sitter.Node, depth: int, hole_for: str | None) -> list[Part]:
        kind = node.type
        if depth > _MAX_DEPTH:
            return [_hole(node)]
        if kind in _STRING_TYPES:
            return [decode_string_literal(text_of(node))]
        if kind == "binary_expression":
            operator = node.child_by_field_name("operator")
            if operator is None or operator.type != "+":
                return [_hole(node)]
            operands: list[tree_sitter.Node] = []
            rights: list[tree_sitter.Node] = []
            left = node
            while left.type == "binary_expression":
                op = left.child_by_field_name("operator")
                if op is None or op.type != "+":
                    break
                right = left.child_by_field_name("right")
                if right is not None:
                    rights.append(right)
                next_left = left.child_by_field_name("left")
                if next_left is None:
                    break
                left = next_left
            operands = [left] + list(reversed(rights))
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
                    if value.type in _STRING_TYPES or value.type == "binary_expression":
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


# --------------------------------------------------------------------------------------------------------------
# wrappers


def _enclosing_function(node: tree_sitter.Node) -> tree_sitter.Node | None:
    current = node.parent
    while current is not None:
        if current.type in ("function_declaration", "method_declaration"):
            return current
        if current.type == "func_literal":
            return None
        current = current.parent
    return None


def _parameters(function: tree_sitter.Node) -> list[tuple[str, str, bool]]:
    """(name, type, variadic) of each parameter, in order (`a, b string` is two)."""
    params = function.child_by_field_name("parameters")
    if params is None:
        return []
    out: list[tuple[str, str, bool]] = []
    for decl in params.named_children:
        if decl.type not in ("parameter_declaration", "variadic_parameter_declaration"):
            continue
        type_node = decl.child_by_field_name("type")
        type_text = text_of(type_node) if type_node is not None else ""
        for child in declared_names(decl):
            out.append((text_of(child), type_text, decl.type == "variadic_parameter_declaration"))
    return out


def _used_only_for_logging(facts: FileFacts, function: tree_sitter.Node, name: str, call: tree_sitter.Node) -> bool:
    """Is parameter `name` used in the function body only inside logging calls? (See the Java extractor.)"""
    body = function.child_by_field_name("body")
    if body is None:
        return False
    source = facts.source
    word = name.encode()
    for match in re.compile(re.escape(word) + rb"(?!\w)").finditer(source, body.start_byte, body.end_byte):
        start = match.start()
        previous = source[start - 1 : start]
        if previous == b"." or (previous and re.match(rb"\w", previous)):
            continue
        if call.start_byte <= start < call.end_byte:
            continue
        node = facts.root.named_descendant_for_byte_range(start, start + len(word))
        if node is None or node.type != "identifier":
            continue  # inside a string or comment
        current = node.parent
        inside_logging_call = False
        while current is not None and current.start_byte >= body.start_byte and current.end_byte <= body.end_byte:
            if current.type == "call_expression":
                function_node = current.child_by_field_name("function")
                field = function_node.child_by_field_name("field") if function_node is not None and \
                    function_node.type == "selector_expression" else None
                if field is not None and text_of(field) in _LOGGING_METHOD_NAMES:
                    inside_logging_call = True
                    break
            current = current.parent
        if not inside_logging_call:
            return False
    return True


def _forwarded_variadic(args: list[tree_sitter.Node], names: dict[str, int], depth: int = 0) -> int | None:
    """Index of the parameter forwarded as `args...`, directly or into `fmt.Sprintf(format, args...)`."""
    if depth > _MAX_DEPTH:
        return None
    for arg in args:
        if arg.type == "variadic_argument" and arg.named_children and text_of(arg.named_children[0]) in names:
            return names[text_of(arg.named_children[0])]
        if arg.type == "call_expression":
            function = arg.child_by_field_name("function")
            inner = arg.child_by_field_name("arguments")
            if function is not None and text_of(function) in ("fmt.Sprintf", "fmt.Errorf") and inner is not None:
                found = _forwarded_variadic(list(inner.named_children), names, depth + 1)
                if found is not None:
                    return found
    return None


def _concat_operands(node: tree_sitter.Node) -> list[tree_sitter.Node]:
    out: list[tree_sitter.Node] = []
    stack = [node]
    while stack and len(out) < 256:
        current = stack.pop()
        if current.type == "binary_expression":
            op = current.child_by_field_name("operator")
            if op is not None and op.type == "+":
                stack.extend(reversed(current.named_children))
                continue
        if current.type == "call_expression":
            function = current.child_by_field_name("function")
            args = current.child_by_field_name("arguments")
            if function is not None and text_of(function) == "fmt.Sprintf" and args is not None and args.named_children:
                stack.append(args.named_children[0])
                continue
        out.append(current)
    return out


def _plausible_site(node: tree_sitter.Node, name: str, wrappers: list[WrapperDef], facts: FileFacts) -> bool:
    """Could `x.Name(...)` call this wrapper? Not when `x` is another imported package (`fmt.Errorf` is not a
    wrapper named Errorf) or a variable the file declares as something else; and a wrapper named like a logging
    method (`Infof`) is only trusted on plain calls or through its own package, because on any other receiver
    the name says nothing."""
    function = node.child_by_field_name("function")
    if function is None or function.type != "selector_expression":
        return True
    operand = function.child_by_field_name("operand")
    if operand is None:
        return False
    packages = {w.path.rsplit("/", 2)[-2] if w.path.count("/") >= 1 else "" for w in wrappers}
    if operand.type == "identifier":
        local = text_of(operand)
        if local in facts.imports:
            imported = facts.imports[local].rstrip("/").rsplit("/", 1)[-1]
            return local in packages or imported in packages or any(w.path == "" for w in wrappers)
        declared, value = facts.variable(local)
        if declared and value is None:
            return False
        if local in packages:
            return True
    return name not in _LOGGING_METHOD_NAMES or any(w.path == "" for w in wrappers)


def _wrapper_names(wrappers: list[WrapperDef]) -> dict[str, list[WrapperDef]]:
    out: dict[str, list[WrapperDef]] = {}
    for wrapper in wrappers:
        if wrapper.language != "go":
            continue
        out.setdefault(wrapper.name.rsplit(".", 1)[-1], []).append(wrapper)
    return out


def _site_offsets(source: bytes, wrappers: dict[str, list[WrapperDef]]) -> list[tuple[int, str]]:
    names = sorted(wrappers, key=len, reverse=True)
    if not names:
        return []
    pattern = re.compile(rb"\b(" + b"|".join(re.escape(n.encode()) for n in names) + rb")\s*\(")
    return [(m.start(1), m.group(1).decode()) for m in pattern.finditer(source)]


def _call_at(root: tree_sitter.Node, start: int, name: str) -> tree_sitter.Node | None:
    node = root.descendant_for_byte_range(start, start + len(name.encode()))
    if node is None or node.type not in ("identifier", "field_identifier") or node.parent is None:
        return None
    parent = node.parent
    if parent.type == "selector_expression":
        field = parent.child_by_field_name("field")
        if field is None or field.start_byte != node.start_byte:
            return None
        function, call = parent, parent.parent
    else:
        function, call = node, parent
    if call is None or call.type != "call_expression":
        return None
    target = call.child_by_field_name("function")
    if target is None or target.start_byte != function.start_byte or target.end_byte != function.end_byte:
        return None
    return call


class _LineColumns:
    """Byte columns (what tree-sitter reports) → character columns (what the model and LSP use)."""

    def __init__(self, source: bytes) -> None:
        self.source = source

    def column(self, byte_offset: int, byte_column: int) -> int:
        if byte_column == 0:
            return 0
        segment = self.source[byte_offset - byte_column : byte_offset]
        return byte_column if segment.isascii() else len(segment.decode("utf-8", "replace"))

    def range(self, node: tree_sitter.Node) -> Range:
        start, end = node.start_point, node.end_point
        return Range(start.row, self.column(node.start_byte, start.column), end.row,
                     self.column(node.end_byte, end.column))
