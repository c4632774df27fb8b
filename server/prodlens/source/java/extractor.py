"""Find the log statements of a Java file: SLF4J, Logback, Log4j 1/2, commons-logging, java.util.logging, Lombok.

`calls.scm` finds candidate calls (method names logging APIs use) in C; Python then looks only at those: is the
receiver a logger (declared, or named like one when the file is silent), which argument is the message, what
level, what placeholders. Files without candidates cost one query. Wrappers (`void audit(String fmt, Object...
a) { LOG.info("[audit] " + fmt, a); }`) are detected from the candidates that pass a method parameter into the
message; their call sites, and those of wrappers other files or the configuration define, become statements.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import tree_sitter

from ...model import Confidence, Hole, HoleKind, Part, Range, Template, normalize_level
from ..extract_types import ExtractContext, FileExtraction, RawStatement, WrapperDef
from . import formats
from .facts import (
    CONVENTION, LOGGER_TYPES, FileFacts, LoggerVar, from_factory, query, read_facts, simple_type_name, text_of,
)
from .messages import MessageReader, hole_name

_LEVEL_METHODS = {
    "trace": "trace", "debug": "debug", "info": "info", "warn": "warn", "error": "error", "fatal": "fatal",
    "fine": "debug", "finer": "trace", "finest": "trace", "config": "info", "severe": "error", "warning": "warn",
}
# SLF4J 2 / Log4j 2 fluent API: LOG.atInfo().addArgument(x).log("...")
_FLUENT_LEVELS = {"atTrace": "trace", "atDebug": "debug", "atInfo": "info", "atWarn": "warn", "atError": "error",
                  "atFatal": "fatal", "atFine": "debug", "atFiner": "trace", "atFinest": "trace",
                  "atConfig": "info", "atSevere": "error", "atWarning": "warn", "atLevel": ""}
_FACTORY_METHODS = frozenset({"getLogger", "getLog", "getFormatterLogger", "getAnonymousLogger"})
_THROWABLE_NAMES = re.compile(r"^(e|ex|exc|t|th|thr|throwable|exception|cause|err|error|ioe|e\d|ex\d|\w*(Exception|Error|Throwable))$")
_THROWABLE_TYPE = re.compile(r"(Exception|Error|Throwable)$")
# the method names calls.scm treats as logging calls (read from it, so the two cannot disagree)
_LOGGING_METHOD_NAMES = frozenset(re.findall(r'"(\w+)"', Path(__file__).with_name("calls.scm").read_text(encoding="utf-8")))
_MESSAGE_TYPES = frozenset({"String", "CharSequence", "Object", "Supplier"})
# parameter names that say "this is the message" (not `s`, `text` or `msgText`: those are usually values logged)
_MESSAGE_PARAM = re.compile(r"^(?:msg|message|fmt|format|pattern|template|logMessage|messagePattern|formatString)$", re.I)
# a method named for logging: `log`, `logInfo`, `debug_`, `auditEvent`, `writeLog`, `traceDebug` (not `login`)
_LOGGING_METHOD = re.compile(
    r"^(?:log|debug|info|warn|warning|error|trace|fatal|severe|audit)(?:[A-Z_0-9]|$)"
    r"|(?:Log|Debug|Info|Warn|Warning|Error|Trace|Fatal|Audit)$"
)


@dataclass(slots=True)
class _Call:
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


class JavaExtractor:
    languages = ("java",)

    def extract(self, tree: tree_sitter.Tree, source: bytes, path: str, context: ExtractContext) -> FileExtraction:
        root = tree.root_node
        result = FileExtraction()
        wrappers_by_name = _wrapper_names(context.wrappers)
        candidates = tree_sitter.QueryCursor(query("calls.scm")).matches(root)
        wrapper_sites = _wrapper_site_names(source, wrappers_by_name) if wrappers_by_name else []
        if not candidates and not wrapper_sites:
            if root.has_error:
                result.errors = _count_errors(root)
            return result
        facts = read_facts(root, source)
        if root.has_error:
            result.errors = _count_errors(root)
        reader = MessageReader(facts)
        lines = _LineColumns(source)
        handled: set[int] = set()
        local_wrappers: list[WrapperDef] = []
        unqualified: list[tuple[tree_sitter.Node, str]] = []

        for _pattern, caps in candidates:
            node = caps["call"][0]
            method = text_of(caps["method"][0])
            receiver_node = caps.get("receiver", [None])[0]
            if receiver_node is None or receiver_node.type == "this":
                unqualified.append((node, method))  # a wrapper's call site, or nothing
                continue
            call = self._understand(node, method, receiver_node, caps["args"][0], facts, reader)
            if call is None:
                continue
            handled.add(node.start_byte)
            wrapper = self._wrapper_of(call, path, reader, facts) if context.config.detect_wrappers else None
            statement = self._statement(call, reader, lines, wrapper=wrapper is not None)
            if statement is not None:
                result.statements.append(statement)
            if wrapper is not None:
                local_wrappers.append(wrapper)
        result.wrappers = local_wrappers

        known = dict(wrappers_by_name)
        for wrapper in local_wrappers:
            known.setdefault(wrapper.name, []).append(wrapper)
        if known:
            sites: list[tuple[tree_sitter.Node, str]] = [(n, m) for n, m in unqualified if m in known]
            if local_wrappers:
                wrapper_sites = _wrapper_site_names(source, known)
            for start, name in wrapper_sites:
                site = _invocation_at(root, start, name)
                if site is not None:
                    sites.append((site, name))
            seen: set[int] = set()
            for site, name in sites:
                if site.start_byte in handled or site.start_byte in seen:
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
        reader: MessageReader,
    ) -> _Call | None:
        level: str | None = _LEVEL_METHODS.get(_base_method(method))
        fluent_level: str | None = None
        fluent = False
        if method == "log" and receiver_node.type == "method_invocation":
            base, fluent_level, fluent = _fluent_chain(receiver_node)
            if fluent:
                receiver_node = base
        logger = self._receiver(receiver_node, facts, node)
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
                level = _level_of(first)
                message_index = {"log": 1, "logp": 3, "logrb": 4, "printf": 1}[method]
                if method == "log" and len(args) > 2 and not reader.is_stringish(args[1]) and reader.is_stringish(args[2]):
                    message_index = 2  # Log4j 2 log(Level, Marker, String, ...)
        else:
            message_index = 0
            if len(args) >= 2 and _is_marker(args[0], facts):
                message_index = 1  # SLF4J / Log4j 2 Marker first
        if message_index >= len(args):
            return None
        message = args[message_index]
        extra = list(args[message_index + 1 :])
        style = _style(framework, method, extra)
        leading_throwable = message_index == 2 and method == "log" and _is_throwable(args[1], node)
        return _Call(node, framework, level, var.logger_name, receiver_kind, message, extra, style, level_arg,
                     leading_throwable)

    def _receiver(
        self, node: tree_sitter.Node, facts: FileFacts, call: tree_sitter.Node
    ) -> tuple[str, LoggerVar] | None:
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
            if method in _FACTORY_METHODS:
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

    # ----------------------------------------------------------------------------------------------------------
    def _statement(
        self, call: _Call, reader: MessageReader, lines: "_LineColumns", *, wrapper: bool
    ) -> RawStatement | None:
        parts = reader.parts(call.message)
        parts, template, confidence, throwable = _finish(parts, call.style, call.extra, reader, call.node)
        return RawStatement(
            range=lines.range(call.node),
            framework=call.framework,
            level=call.level,
            logger=call.logger,
            template=template,
            confidence=confidence,
            wrapper=wrapper,
            receiver=call.receiver,
            throwable=throwable or call.leading_throwable,
        )

    def _wrapper_of(self, call: _Call, path: str, reader: MessageReader, facts: FileFacts) -> WrapperDef | None:
        """A method whose message-like parameter is (part of) this call's message is a logging wrapper.

        A String parameter merely mentioned in a message (`void close(String id) { LOG.info("Closing " + id); }`)
        does not make a wrapper: the parameter must look like a message (its name, a varargs array passed on
        as the arguments, or a method named for logging)."""
        method = _enclosing_method(call.node)
        if method is None:
            return None
        params = _parameters(method)
        if not params:
            return None
        names = {name: index for index, (name, _type, _spread) in enumerate(params)}
        name_node = method.child_by_field_name("name")
        if name_node is None:
            return None
        method_name = text_of(name_node)
        passes_args = any(a.type == "identifier" and text_of(a) in names for a in call.extra)
        message_node = call.message
        built_on = False
        if message_node.type == "identifier" and text_of(message_node) not in names:
            # `String s = msg + e.getMessage(); ... LOG.warn(s, e)`: the message is a local built from the parameter
            local = _local_initializer(facts, method, call.node, text_of(message_node))
            if local is None:
                return None
            message_node, built_on = local
        message_param = None
        carrier = ""
        for operand in _concat_operands(message_node):
            target = operand
            if operand.type == "method_invocation":
                # `filterPasswords(msg)`: the parameter reaches the message through a call that keeps its text
                args = operand.child_by_field_name("arguments")
                found = [a for a in (args.named_children if args is not None else [])
                         if a.type == "identifier" and text_of(a) in names]
                if len(found) != 1:
                    continue
                target = found[0]
            if target.type != "identifier" or text_of(target) not in names:
                continue
            index = names[text_of(target)]
            name, type_text, spread = params[index]
            simple = simple_type_name(type_text)
            if spread or simple not in _MESSAGE_TYPES:
                continue
            if simple == "Object" and not _MESSAGE_PARAM.search(name):
                continue  # `logResponse(Logger log, Object response)`: a value, not a message
            if passes_args or _MESSAGE_PARAM.search(name) or _LOGGING_METHOD.search(method_name):
                message_param = index
                carrier = hole_name(operand)
                break
        if message_param is None:
            return None
        allowed = [call.node] + ([message_node] if message_node is not call.message else [])
        if not _LOGGING_METHOD.search(method_name) and not _used_only_for_logging(
            facts, method, params[message_param][0], allowed
        ):
            return None  # `scan(String pattern)` logs the pattern but also works with it: not a wrapper
        parts = reader.parts(message_node)
        parts = [Hole(HoleKind.ANY, "message") if isinstance(p, Hole) and p.name == carrier else p for p in parts]
        if built_on:
            parts.append(Hole(HoleKind.ANY, "appended"))  # the local is appended to after its declaration
        if call.style and call.extra:
            parts = _apply_style(parts, call.style)[0]
        level_param = None
        if call.level_arg is not None and call.level_arg.type == "identifier" and text_of(call.level_arg) in names:
            level_param = names[text_of(call.level_arg)]
        args_param = None
        for arg in call.extra:
            if arg.type == "identifier" and text_of(arg) in names:
                args_param = names[text_of(arg)]
                break
        modifiers = next((c for c in method.children if c.type == "modifiers"), None)
        private = modifiers is not None and "private" in text_of(modifiers).split()
        template = Template.of(parts)
        passthrough = len(template.parts) == 1 and isinstance(template.parts[0], Hole) and template.parts[0].name == "message"
        return WrapperDef(
            name=text_of(name_node),
            language="java",
            path=path,
            message_param=message_param,
            level_param=level_param,
            level=call.level if level_param is None else None,
            framework=call.framework,
            logger=call.logger,
            template=None if passthrough else template,
            message_hole="message",
            args_param=args_param,
            placeholder_style=call.style if args_param is not None else None,
            method=True,
            exported=not private,
        )

    def _wrapper_site(
        self,
        node: tree_sitter.Node,
        name: str,
        wrappers: list[WrapperDef],
        reader: MessageReader,
        lines: "_LineColumns",
        facts: FileFacts,
    ) -> RawStatement | None:
        if _enclosing_method_name(node) == name:
            return None  # the wrapper calling itself (an overload delegating): not a site
        args_node = node.child_by_field_name("arguments")
        if args_node is None:
            return None
        args = args_node.named_children
        obj = node.child_by_field_name("object")
        if obj is not None and obj.type not in ("this", "super") and name in _LOGGING_METHOD_NAMES:
            # `result.error(...)`: a wrapper named like a logging method is trusted unqualified, through its own
            # class (`Jdbc.log(...)`), or on a receiver declared with that class
            wrappers = [w for w in wrappers if "." in w.name or _receiver_is_class_of(obj, w, facts)]
            if not wrappers:
                return None
        wrapper = None
        for candidate in wrappers:
            qualifier = candidate.name.rsplit(".", 1)[0] if "." in candidate.name else None
            if qualifier is not None and (obj is None or text_of(obj).rsplit(".", 1)[-1] != qualifier.rsplit(".", 1)[-1]):
                continue
            if candidate.message_param < len(args) and (
                candidate.level_param is None or candidate.level_param < len(args)
            ):
                wrapper = candidate
                break
        if wrapper is None:
            return None
        message = args[wrapper.message_param]
        if not reader.is_stringish(message) and message.type not in ("identifier", "method_invocation", "field_access"):
            return None
        site_parts = reader.parts(message)
        extra = args[wrapper.args_param :] if wrapper.args_param is not None else []
        style = wrapper.placeholder_style if extra else None
        if wrapper.path == "" and wrapper.args_param is None and len(args) > wrapper.message_param + 1:
            # a configured logging method called with arguments after the message: SLF4J style, the common one
            extra = args[wrapper.message_param + 1 :]
            style = "slf4j"
        parts, _template, confidence, throwable = _finish(site_parts, style, list(extra), reader, node)
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
        if wrapper.level_param is not None:
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
            throwable=throwable,
        )


EXTRACTOR = JavaExtractor()


# --------------------------------------------------------------------------------------------------------------
# helpers


def _base_method(method: str) -> str:
    """`infof`/`debugv` (JBoss Logging) → `info`/`debug`."""
    if method in _LEVEL_METHODS:
        return method
    if method[-1:] in ("f", "v") and method[:-1] in _LEVEL_METHODS:
        return method[:-1]
    return method


def _style(framework: str, method: str, extra: list[tree_sitter.Node]) -> str | None:
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


def _apply_style(parts: list[Part], style: str | None) -> tuple[list[Part], int]:
    if style == "slf4j":
        return formats.slf4j(parts)
    if style == "messageformat":
        return formats.message_format(parts)
    if style == "printf":
        return formats.printf(parts)
    return parts, 0


def _finish(
    parts: list[Part], style: str | None, extra: list[tree_sitter.Node], reader: MessageReader, call: tree_sitter.Node
) -> tuple[list[Part], Template, Confidence, bool]:
    """Apply the placeholder style, decide about a trailing Throwable, and rate the result."""
    expression_holes = sum(1 for p in parts if isinstance(p, Hole))
    parts, placeholders = _apply_style(Template.of(parts).parts, style) if style else (list(parts), 0)
    throwable = bool(extra) and _is_throwable(extra[-1], call)
    values = len(extra) - (1 if throwable else 0)
    template = Template.of(parts)
    if template.is_dynamic:
        confidence = Confidence.DYNAMIC
    elif style and expression_holes and placeholders < values:
        confidence = Confidence.PARTIAL  # arguments are formatted into text we cannot see
    else:
        confidence = Confidence.FULL
    return list(template.parts), template, confidence, throwable


def _is_marker(node: tree_sitter.Node, facts: FileFacts) -> bool:
    """An SLF4J/Log4j 2 Marker before the message: declared as one, built by a marker factory, or named so."""
    text = text_of(node)
    if "marker" in text.lower():
        return True  # MarkerFactory.getMarker("X"), MarkerManager.getMarker(...), AUDIT_MARKER, this.marker
    if node.type == "identifier":
        declared = facts.declared_type(text)
        return declared is not None and simple_type_name(declared) == "Marker"
    return False


def _level_of(node: tree_sitter.Node) -> str | None:
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


def _fluent_chain(node: tree_sitter.Node) -> tuple[tree_sitter.Node, str | None, bool]:
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
                    level = _level_of(args.named_children[0])
            obj = current.child_by_field_name("object")
            return (obj if obj is not None else current), level, fluent
        obj = current.child_by_field_name("object")
        if obj is None:
            break
        current = obj
    return node, None, False


def _is_throwable(node: tree_sitter.Node, call: tree_sitter.Node) -> bool:
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
    # a catch clause parameter in scope is certainly a Throwable
    current = call.parent
    while current is not None and current.type not in ("method_declaration", "constructor_declaration", "class_body"):
        if current.type == "catch_clause":
            for child in current.named_children:
                if child.type == "catch_formal_parameter":
                    param = child.child_by_field_name("name")
                    if param is not None and text_of(param) == name:
                        return True
        current = current.parent
    return bool(_THROWABLE_NAMES.match(name))


def _enclosing_method(node: tree_sitter.Node) -> tree_sitter.Node | None:
    current = node.parent
    while current is not None:
        if current.type in ("method_declaration", "constructor_declaration"):
            return current if current.type == "method_declaration" else None
        if current.type in ("class_body", "lambda_expression"):
            return None
        current = current.parent
    return None


def _enclosing_method_name(node: tree_sitter.Node) -> str | None:
    method = _enclosing_method(node)
    if method is None:
        return None
    name = method.child_by_field_name("name")
    return text_of(name) if name is not None else None


_CLASS_AFFIXES = re.compile(r"^(?:Abstract|Base|Default)|(?:Impl|Support|Base)$")


def _receiver_is_class_of(obj: tree_sitter.Node, wrapper: WrapperDef, facts: FileFacts) -> bool:
    """Is `obj` the wrapper's class, or a variable declared with it? Class names are compared without the usual
    abstract-base affixes (a `RuntimeConfigurationBroker plugin` reaches `AbstractRuntimeConfigurationBroker`'s
    methods), because the hierarchy itself is not visible from one file."""
    if not wrapper.path:
        return False
    owner = wrapper.path.rsplit("/", 1)[-1].removesuffix(".java")
    written = text_of(obj).rsplit(".", 1)[-1]
    candidates = {written}
    if obj.type == "identifier":
        declared = facts.declared_type(written)
        if declared:
            candidates.add(simple_type_name(declared))
    owner_core = _CLASS_AFFIXES.sub("", owner)
    return any(c == owner or (_CLASS_AFFIXES.sub("", c) == owner_core and owner_core) for c in candidates)


def _used_only_for_logging(
    facts: FileFacts, method: tree_sitter.Node, name: str, allowed: list[tree_sitter.Node]
) -> bool:
    """Is parameter `name` used, in the method body, only inside logging calls (or `allowed` nodes)? A wrapper's
    message parameter exists to be logged; a parameter the method also computes with is a value it happens to log."""
    body = method.child_by_field_name("body")
    if body is None:
        return False
    source = facts.source
    word = name.encode()
    pattern = re.compile(re.escape(word) + rb"(?![\w$])")
    for match in pattern.finditer(source, body.start_byte, body.end_byte):
        start = match.start()
        previous = source[start - 1 : start]
        if previous == b"." or (previous and re.match(rb"[\w$]", previous)):
            continue
        if any(node.start_byte <= start < node.end_byte for node in allowed):
            continue
        node = facts.root.named_descendant_for_byte_range(start, start + len(word))
        if node is None or node.type != "identifier":
            continue  # inside a string or comment
        current = node.parent
        inside_logging_call = False
        while current is not None and current.start_byte >= body.start_byte and current.end_byte <= body.end_byte:
            if current.type == "method_invocation":
                method_name = current.child_by_field_name("name")
                if method_name is not None and text_of(method_name) in _LOGGING_METHOD_NAMES:
                    inside_logging_call = True
                    break
            current = current.parent
        if not inside_logging_call:
            return False
    return True


def _local_initializer(
    facts: FileFacts, method: tree_sitter.Node, call: tree_sitter.Node, name: str
) -> tuple[tree_sitter.Node, bool] | None:
    """The initializer of local `name` declared in `method` before `call`, and whether it is assigned again."""
    body = method.child_by_field_name("body")
    if body is None:
        return None
    source = facts.source
    word = name.encode()
    initializer = None
    assignments = 0
    start = source.find(word, body.start_byte, call.start_byte)
    while start >= 0:
        end = start + len(word)
        node = facts.root.named_descendant_for_byte_range(start, end)
        if node is not None and node.type == "identifier" and node.start_byte == start and node.parent is not None:
            parent = node.parent
            if parent.type == "variable_declarator" and parent.child_by_field_name("name") == node:
                initializer = parent.child_by_field_name("value")
            elif parent.type == "assignment_expression" and parent.child_by_field_name("left") == node:
                assignments += 1
        start = source.find(word, end, call.start_byte)
    return (initializer, assignments > 0) if initializer is not None else None


def _parameters(method: tree_sitter.Node) -> list[tuple[str, str, bool]]:
    """(name, type, is_varargs) of each formal parameter."""
    params = method.child_by_field_name("parameters")
    if params is None:
        return []
    out: list[tuple[str, str, bool]] = []
    for param in params.named_children:
        if param.type == "formal_parameter":
            name = param.child_by_field_name("name")
            type_node = param.child_by_field_name("type")
            if name is not None:
                out.append((text_of(name), text_of(type_node) if type_node is not None else "", False))
        elif param.type == "spread_parameter":
            declarator = next((c for c in param.named_children if c.type == "variable_declarator"), None)
            name = declarator.child_by_field_name("name") if declarator is not None else None
            if name is not None:
                out.append((text_of(name), "", True))
    return out


def _concat_operands(node: tree_sitter.Node) -> list[tree_sitter.Node]:
    """The operands of a `+` chain (or the node itself), without recursion."""
    out: list[tree_sitter.Node] = []
    stack = [node]
    while stack and len(out) < 256:
        current = stack.pop()
        if current.type == "binary_expression":
            op = current.child_by_field_name("operator")
            if op is not None and op.type == "+":
                stack.extend(reversed(current.named_children))
                continue
        if current.type == "parenthesized_expression" and len(current.named_children) == 1:
            stack.append(current.named_children[0])
            continue
        out.append(current)
    return out


def _wrapper_names(wrappers: list[WrapperDef]) -> dict[str, list[WrapperDef]]:
    out: dict[str, list[WrapperDef]] = {}
    for wrapper in wrappers:
        if wrapper.language not in ("java", "", None):
            continue
        out.setdefault(wrapper.name.rsplit(".", 1)[-1], []).append(wrapper)
        if "." in wrapper.name:
            out.setdefault(wrapper.name, []).append(wrapper)
    return out


def _wrapper_site_names(source: bytes, wrappers: dict[str, list[WrapperDef]]) -> list[tuple[int, str]]:
    """Byte offsets of `name(` for each wrapper name: a cheap scan instead of querying every call."""
    names = sorted({n for n in wrappers if "." not in n}, key=len, reverse=True)
    if not names:
        return []
    pattern = re.compile(rb"\b(" + b"|".join(re.escape(n.encode()) for n in names) + rb")\s*\(")
    return [(m.start(1), m.group(1).decode()) for m in pattern.finditer(source)]


def _invocation_at(root: tree_sitter.Node, start: int, name: str) -> tree_sitter.Node | None:
    node = root.descendant_for_byte_range(start, start + len(name.encode()))
    if node is None or node.type != "identifier" or node.parent is None or node.parent.type != "method_invocation":
        return None
    name_node = node.parent.child_by_field_name("name")
    if name_node is None or name_node.start_byte != node.start_byte:
        return None
    return node.parent


def _count_errors(root: tree_sitter.Node) -> int:
    return len(tree_sitter.QueryCursor(query("errors.scm")).captures(root).get("error", []))


class _LineColumns:
    """Byte columns (what tree-sitter reports) → character columns (what the model and LSP use)."""

    def __init__(self, source: bytes) -> None:
        self.source = source

    def column(self, byte_offset: int, byte_column: int) -> int:
        if byte_column == 0:
            return 0
        segment = self.source[byte_offset - byte_column : byte_offset]
        if segment.isascii():
            return byte_column
        return len(segment.decode("utf-8", "replace"))

    def range(self, node: tree_sitter.Node) -> Range:
        start = node.start_point
        end = node.end_point
        return Range(
            start.row,
            self.column(node.start_byte, start.column),
            end.row,
            self.column(node.end_byte, end.column),
        )
