"""Find the log statements of one JavaScript, TypeScript or TSX file.

Candidates come from `calls.scm` (member calls named like logging methods) and from a byte search for the
names the file binds to `debug` instances (`debug("x")` is a plain call). Each candidate's receiver is
classified from what the file says (receivers.py); its message is read the way its library formats it:
- console, debug, log4js, bunyan: Node's `util.format` (verbs, then leftover arguments appended with spaces);
- pino (and Fastify's `request.log`): an optional merging object first, then `msg` with verbs; extra
  arguments are not appended;
- winston: `logger.info(msg, ...meta)`, `logger.log(level, msg)`, `logger.log({level, message})`.
Functions whose parameter (or `arguments`) flows into a logger call's message are logging wrappers; their call
sites in this file, and those of wrappers from other files passed in the context, become statements.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import tree_sitter

from ...model import Confidence, Hole, HoleKind, Part, Template, normalize_level
from ..extract_types import ExtractContext, FileExtraction, RawStatement, WrapperDef
from ..formats import apply_util_format
from ..languages import grammar
from .receivers import Bindings, LoggerInfo, object_property
from .scopes import Scope, defining_function, enclosing_function, stem
from ..common.positions import node_range
from ..common.templates import param_hole_name
from .templates import TemplateBuilder, string_value, stringish
from ..common.splice import splice_first
from .wrappers import ERROR_NAMES, wrapper_message_param

LANGUAGES = ("javascript", "typescript", "tsx")
CONSOLE_LEVELS = {"log": "info", "info": "info", "debug": "debug", "warn": "warn", "error": "error", "trace": "trace"}
LEVEL_METHODS = {
    "trace": "trace", "debug": "debug", "info": "info", "warn": "warn", "warning": "warn", "error": "error",
    "fatal": "fatal", "silly": "trace", "verbose": "debug", "http": "info", "notice": "info", "crit": "fatal",
    "critical": "fatal", "alert": "fatal", "emerg": "fatal", "log": "info",
}
# how call-site messages of a wrapper are formatted, by the inner call's framework
APPENDING = {"console", "debug", "log4js", "bunyan", "loglevel", "consola", "signale"}  # console-like output


@lru_cache(maxsize=None)
def _query(language: str, *names: str) -> tree_sitter.Query:
    text = "\n".join(resources.files(__package__).joinpath(name).read_text(encoding="utf-8") for name in names)
    return tree_sitter.Query(grammar(language), text)


def candidates_query(language: str) -> tree_sitter.Query:
    """calls.scm and bindings.scm as one query: one pass over the tree finds both (their captures differ)."""
    return _query(language, "calls.scm", "bindings.scm")


def calls_query(language: str) -> tree_sitter.Query:
    return _query(language, "calls.scm")


def bindings_query(language: str) -> tree_sitter.Query:
    return _query(language, "bindings.scm")


def errors_query(language: str) -> tree_sitter.Query:
    return _query(language, "errors.scm")


def _text(node: tree_sitter.Node | None) -> str:
    if node is None or node.text is None:
        return ""
    return node.text.decode("utf-8", "replace")


@dataclass(frozen=True, slots=True)
class Spread:
    """Arguments only known at run time: `...args`, or the array given to `.apply(this, arguments)`."""

    node: tree_sitter.Node
    name: str | None  # identifier spread, if it is one


Arg = tree_sitter.Node | Spread


def _arguments(args: tree_sitter.Node | None) -> list[Arg]:
    if args is None:
        return []
    out: list[Arg] = []
    for child in args.named_children:
        if child.type == "comment":
            continue
        if child.type == "spread_element":
            inner = child.named_children[0] if child.named_children else child
            out.append(Spread(inner, _text(inner) if inner.type == "identifier" else None))
        else:
            out.append(child)
    return out


def _count(args: list[Arg]) -> int | None:
    return None if any(isinstance(a, Spread) for a in args) else len(args)


def _is_object(arg: Arg) -> bool:
    return not isinstance(arg, Spread) and arg.type in ("object", "new_expression")


def _throwable(args: list[Arg]) -> bool:
    for arg in args:
        if isinstance(arg, Spread):
            continue
        if arg.type == "identifier" and ERROR_NAMES.match(_text(arg)):
            return True
        if arg.type == "object" and (object_property(arg, "err") is not None or object_property(arg, "error") is not None):
            return True
        if arg.type == "new_expression" and "Error" in _text(arg.child_by_field_name("constructor")):
            return True
    return False


@dataclass(slots=True)
class Message:
    parts: list[Part]
    partial: bool
    params: list[str]
    forwards: str | None  # the rest parameter (or `arguments`) passed on as placeholder arguments


class _FileState:
    def __init__(self, tree: tree_sitter.Tree, source: bytes, path: str, language: str, context: ExtractContext):
        self.tree = tree
        self.source = source
        self.path = path
        self.language = language
        self.context = context
        self.bindings = Bindings(source, tree.root_node)
        self.result = FileExtraction()
        self.seen: set[int] = set()
        self.constants: dict[str, str | None] = {}

    def _stringish(self, node: tree_sitter.Node) -> bool:
        """Visibly a string, or a `const` the file binds to one."""
        return stringish(node) or (node.type == "identifier" and self.constant(_text(node)) is not None)

    def constant(self, name: str) -> str | None:
        """The value of a `const NAME = "text"` declared once in the file (any scope), else None."""
        if name in self.constants:
            return self.constants[name]
        value = None
        if name.encode() in self.source:
            # starts with the literal `const` so the regex engine can skip ahead; the word boundary is checked after
            found = [m for m in re.finditer(rb"const\s+" + re.escape(name.encode()) + rb"\s*(?::[^=\n]*)?=(?!=)",
                                            self.source)
                     if m.start() == 0 or not (self.source[m.start() - 1:m.start()].isalnum()
                                               or self.source[m.start() - 1:m.start()] in (b"_", b"$"))]
            if len(found) == 1:
                start = found[0].start() + found[0].group(0).index(name.encode())
                node = self.tree.root_node.named_descendant_for_byte_range(start, start + len(name))
                declarator = node.parent if node is not None else None
                if declarator is not None and declarator.type == "variable_declarator" and declarator.child_by_field_name("name") == node:
                    init = declarator.child_by_field_name("value")
                    value = string_value(init) if init is not None else None
        self.constants[name] = value
        return value

    # -- bindings --------------------------------------------------------------------------------------------

    def run_queries(self) -> None:
        """One pass of the candidates query; bindings are read first, since calls are judged by them."""
        self.calls: list[dict[str, list[tree_sitter.Node]]] = []
        for _, captures in tree_sitter.QueryCursor(candidates_query(self.language)).matches(self.tree.root_node):
            if "call" in captures:
                self.calls.append(captures)
            elif "require" in captures:
                self.bindings.add_require(captures["require"][0], captures["require.module"][0])
            elif "import" in captures:
                self.bindings.add_import(captures["import"][0], captures["import.module"][0])
        self.bindings.resolve_instances()

    # -- candidates ------------------------------------------------------------------------------------------

    def member_calls(self) -> None:
        for captures in self.calls:
            call = captures["call"][0]
            receiver = captures["call.receiver"][0]
            args = _arguments(captures["call.args"][0])
            if "call.level" in captures:
                self._computed_call(call, receiver, captures["call.level"][0], args)
                continue
            method = _text(captures["call.method"][0])
            if method in ("apply", "call"):
                self._apply_call(call, receiver, method, args)
                continue
            info = self.bindings.receiver_logger(receiver)
            if info is None:
                continue
            if info.framework == "console" and method not in CONSOLE_LEVELS:
                continue
            self.logging_call(call, info, method, args)

    def _computed_call(self, call: tree_sitter.Node, receiver: tree_sitter.Node, index: tree_sitter.Node,
                       args: list[Arg]) -> None:
        """`logger[level](msg)`: a level name as the index gives the level; a parameter makes a wrapper's
        level parameter; anything else leaves the level to run time."""
        info = self.bindings.receiver_logger(receiver)
        if info is None or info.framework == "debug":
            return
        name = string_value(index)
        if name is not None:
            if name not in LEVEL_METHODS and name not in CONSOLE_LEVELS:
                return  # `logger["child"](...)`, `console["table"](...)`
            self.logging_call(call, info, name, args)
            return
        self.logging_call(call, info, None, args, level_node=index)

    def _apply_call(self, call: tree_sitter.Node, target: tree_sitter.Node, method: str, args: list[Arg]) -> None:
        """`debug.apply(null, arguments)`, `logger.info.apply(logger, args)`, `console.log.call(console, x)`."""
        if not args:
            return
        if method == "apply":
            forwarded: list[Arg] = [Spread(args[1], _text(args[1]) if args[1].type == "identifier" else None)] \
                if len(args) > 1 and not isinstance(args[1], Spread) else []
        else:
            forwarded = args[1:]
        if target.type == "identifier":
            info = self.bindings.debug_instance(_text(target))
            if info is None and _text(target) == "debug" and self._debug_by_convention():
                info = LoggerInfo("debug", None, receiver="convention")
            if info is not None:
                self.logging_call(call, info, None, forwarded)
            return
        if target.type == "member_expression":
            inner_method = _text(target.child_by_field_name("property"))
            obj = target.child_by_field_name("object")
            if inner_method not in LEVEL_METHODS or obj is None:
                return
            info = self.bindings.receiver_logger(obj)
            if info is None or (info.framework == "console" and inner_method not in CONSOLE_LEVELS):
                return
            self.logging_call(call, info, inner_method, forwarded)

    def debug_calls(self) -> None:
        """Plain calls of `debug` instances: `debug("x %o", y)`."""
        names = [name for name, info in self.bindings.instances.items() if info.framework == "debug" and not name.startswith(".")]
        for name in names:
            for call in self._plain_calls(name):
                self.logging_call(call, self.bindings.instances[name], None, _arguments(call.child_by_field_name("arguments")))
        if "debug" not in self.bindings.instances and b"debug" in self.source and self._debug_by_convention():
            info = LoggerInfo("debug", None, receiver="convention")
            for call in self._plain_calls("debug"):
                self.logging_call(call, info, None, _arguments(call.child_by_field_name("arguments")))
        # `this.debug("x")` where `this.debug = require("debug")("ns")`
        for key, info in self.bindings.instances.items():
            if key.startswith(".") and info.framework == "debug":
                for call in self._member_calls(key[1:]):
                    self.logging_call(call, info, None, _arguments(call.child_by_field_name("arguments")))

    def _debug_by_convention(self) -> bool:
        """A file that calls `debug(...)` without saying what it is (body-parser passes its `debug` instance
        as a parameter) is using the debug library, unless it binds `debug` to something else itself."""
        if "debug" in self.bindings.modules:
            return False
        return not re.search(rb"function\s*\*?\s*debug\s*\(|(?:const|let|var)\s+debug\s*=\s*(?![\w$.]*\()", self.source)

    def _plain_calls(self, name: str) -> list[tree_sitter.Node]:
        if name.encode() not in self.source:
            return []
        pattern = re.compile(rb"(?<![\w$.])" + re.escape(name.encode()) + rb"\s*\(")
        root = self.tree.root_node
        out = []
        for match in pattern.finditer(self.source):
            ident = root.named_descendant_for_byte_range(match.start(), match.start() + len(name))
            if ident is None or ident.type != "identifier" or ident.start_byte != match.start():
                continue
            parent = ident.parent
            if parent is not None and parent.type == "call_expression" and parent.child_by_field_name("function") == ident:
                out.append(parent)
        return out

    def _member_calls(self, name: str) -> list[tree_sitter.Node]:
        if name.encode() not in self.source:
            return []
        pattern = re.compile(rb"\.\s*" + re.escape(name.encode()) + rb"\s*\(")
        root = self.tree.root_node
        out = []
        for match in pattern.finditer(self.source):
            start = match.start() + match.group(0).index(name.encode())
            ident = root.named_descendant_for_byte_range(start, start + len(name))
            if ident is None or ident.type != "property_identifier":
                continue
            member = ident.parent
            call = member.parent if member is not None else None
            if call is not None and call.type == "call_expression" and call.child_by_field_name("function") == member:
                out.append(call)
        return out

    # -- one logging call ------------------------------------------------------------------------------------

    def logging_call(self, call: tree_sitter.Node, info: LoggerInfo, method: str | None, args: list[Arg],
                     level_node: tree_sitter.Node | None = None) -> None:
        """One logging call. `level_node`: the run-time method name of `logger[level](...)`."""
        framework = info.framework
        level: str | None
        if level_node is not None:
            level = None
        elif framework == "debug" or method is None:
            level = "debug"
        elif framework == "console":
            level = CONSOLE_LEVELS.get(method, "info")
        else:
            level = LEVEL_METHODS.get(method) or normalize_level(method)
        level_arg: tree_sitter.Node | None = level_node
        if method == "log" and framework != "console" and args:
            first = args[0]
            if not isinstance(first, Spread) and first.type == "object" and len(args) == 1:
                # winston: logger.log({ level: "info", message: "..." })
                level_node = object_property(first, "level")
                message_node = object_property(first, "message")
                level = normalize_level(string_value(level_node)) if level_node is not None and string_value(level_node) else None
                args = [message_node] if message_node is not None else []
                framework = "winston" if framework == "unknown" else framework
            elif len(args) >= 2 and not _is_object(first):
                value = string_value(first) if not isinstance(first, Spread) else None
                named = normalize_level(value) if value is not None else None
                if named is not None or (not isinstance(first, Spread) and not self._stringish(first)):
                    level = named
                    level_arg = first
                    args = args[1:]
                    framework = "winston" if framework == "unknown" else framework
        scope = enclosing_function(call, self.path)
        message = self.message(framework, args, scope)
        template = Template.of(message.parts) if message.parts else Template.dynamic()
        level_param = None
        if level_arg is not None and scope is not None and level_arg.type == "identifier":
            level_param = scope.params.get(_text(level_arg))  # `function log(level, msg) { logger.log(level, msg) }`
        is_wrapper = self._maybe_wrapper(scope, message, framework, level if level_param is None else None,
                                         info.logger, level_param)
        self.add(call, framework, level, info.logger, template, message.partial, is_wrapper, info.receiver,
                 _throwable(args))

    def message(self, framework: str, args: list[Arg], scope: Scope | None, *, style: str | None = None) -> Message:
        """The message a framework makes of these arguments. `style` overrides the framework's formatting
        (call sites of wrappers format the way the wrapped call does)."""
        builder = TemplateBuilder(scope.params if scope else None, self.constant)
        style = style or _style(framework)
        object_first = style in ("object-first", "object-first-append", "object-first-util")
        append = style in ("util", "object-first-append", "object-first-util")
        if object_first and args and len(args) >= 2:
            first, second = args[0], args[1]
            if _is_object(first) or (
                not isinstance(first, Spread) and not self._stringish(first) and (
                    isinstance(second, Spread) or self._stringish(second)
                    or second.type in ("identifier", "member_expression", "call_expression"))
            ):
                args = args[1:]
        elif object_first and len(args) == 1 and _is_object(args[0]):
            return Message([Hole()], False, [], None)
        if not args:
            return Message([Hole()], False, [], None)
        first, rest = args[0], args[1:]
        forwards = None
        uncertain = False
        if isinstance(first, Spread):
            name = first.name
            if scope is not None and name is not None and (name in scope.params or name == "arguments"):
                if name == "arguments":
                    builder.params = dict(builder.params, arguments=0)
                parts: list[Part] = [Hole(HoleKind.ANY, param_hole_name(name))]
                return Message(parts, True, [name], name)
            return Message([Hole()], True, [], None)
        built = builder.build(first)
        for arg in rest:
            if isinstance(arg, Spread) and scope is not None and arg.name is not None and (
                arg.name == scope.rest or arg.name == "arguments"
            ):
                forwards = arg.name
        nargs = _count(rest)
        parts = built.parts
        formatted = False
        if style != "none":
            if self._stringish(first) or (first.type in ("identifier", "member_expression", "call_expression") and append):
                parts, consumed = apply_util_format(parts, nargs, append_extra=False)
                formatted = consumed > 0 and any(isinstance(p, Hole) for p in built.parts)
                if append and nargs is not None:
                    # util.format appends what the verbs left, strings as they are, other values inspected;
                    # a logger of unknown make given a trailing object literal is taken to treat it as metadata
                    # (winston's `logger.info("created", { id })`), not as text
                    extras = rest[consumed:]
                    if style == "object-first-append":
                        # a logger of unknown make: text arguments are appended (npmlog, proc-log, console-like
                        # loggers); other values are more often context than text (winston's metadata object,
                        # MSAL's correlation id, pino drops them), so they are left out and the statement is
                        # marked partial
                        kept = [e for e in extras if not isinstance(e, Spread) and stringish(e)]
                        uncertain = len(kept) != len(extras)
                        extras = kept
                    for extra in extras:
                        parts.append(" ")
                        if not isinstance(extra, Spread) and stringish(extra):
                            parts.extend(builder.build(extra).parts)
                        else:
                            parts.append(Hole(HoleKind.ANY, _text(extra.node if isinstance(extra, Spread) else extra)[:40] or None))
            elif append:
                # debug: a non-string first argument is printed with %O; console inspects it. Both then append.
                parts = [Hole(HoleKind.JSON if framework == "debug" else HoleKind.ANY, _text(first)[:40] or None)]
                parts, _ = apply_util_format(parts, nargs, append_extra=True)
        partial = built.opaque or formatted or uncertain
        return Message(parts, partial, built.params, forwards)

    def _maybe_wrapper(self, scope: Scope | None, message: Message, framework: str, level: str | None,
                       logger: str | None, level_param: int | None = None) -> bool:
        if scope is None or scope.name is None or not message.params or not self.context.config.detect_wrappers:
            return False
        param = wrapper_message_param(message.params, message.parts, message.forwards, scope.name)
        if param is None:
            return False
        message_param = 0 if param == "arguments" else scope.params.get(param)
        if message_param is None:
            return False
        args_param = None
        if message.forwards == "arguments":
            args_param = 1 if param == "arguments" else None
        elif message.forwards is not None and message.forwards in scope.params:
            args_param = scope.params[message.forwards] + (1 if message.forwards == param else 0)
        self.result.wrappers.append(
            WrapperDef(
                name=scope.name,
                language=self.language,
                path=self.path,
                message_param=message_param,
                level_param=level_param,
                level=level,
                framework=framework,
                logger=logger,
                template=Template.of(message.parts),
                message_hole=param_hole_name(param),
                args_param=args_param,
                placeholder_style=_style(framework) if args_param is not None else None,
                method=scope.method,
                # methods named like logging methods are called through logger-like receivers (statements
                # already); exported, every `this.info(...)` elsewhere would become one
                exported=scope.exported and not (scope.method and scope.name in LEVEL_METHODS),
            )
        )
        return True

    def add(self, call: tree_sitter.Node, framework: str, level: str | None, logger: str | None, template: Template,
            partial: bool, wrapper: bool, receiver: str, throwable: bool) -> None:
        if call.start_byte in self.seen:
            return
        self.seen.add(call.start_byte)
        if template.is_dynamic:
            confidence = Confidence.DYNAMIC
        else:
            confidence = Confidence.PARTIAL if partial else Confidence.FULL
        self.result.statements.append(
            RawStatement(range=node_range(call, self.source), framework=framework, level=level, logger=logger,
                         template=template, confidence=confidence, wrapper=wrapper, receiver=receiver,
                         throwable=throwable)
        )

    # -- wrappers --------------------------------------------------------------------------------------------

    def wrapper_call_sites(self) -> None:
        pending: list[WrapperDef] = [w for w in self.context.wrappers if w.language in LANGUAGES or not w.language]
        pending += self.result.wrappers
        done: set[tuple[str, str]] = set()
        rounds = 0
        while pending and rounds < 6:
            rounds += 1
            before = len(self.result.wrappers)
            for wrapper in pending:
                key = (wrapper.path, wrapper.name)
                if key in done:
                    continue
                done.add(key)
                for call in self._wrapper_calls(wrapper):
                    self.wrapper_call(call, wrapper)
            pending = self.result.wrappers[before:]

    def _wrapper_calls(self, wrapper: WrapperDef) -> list[tree_sitter.Node]:
        """Call sites of a wrapper in this file. A wrapper from another file is called only through a name
        this file binds by `require`/`import` of that file (or as `this.method(...)` for methods); a wrapper of
        this file by its name; a configured one (no path) by its name anywhere."""
        name = wrapper.name.rsplit(".", 1)[-1]
        out: list[tree_sitter.Node] = []
        if wrapper.path and wrapper.path != self.path:
            # other files: only through a binding that resolves to the wrapper's file
            for local, binding in self.bindings.modules.items():
                if self.bindings.resolves_to(local, self.path, wrapper.path) is None:
                    continue
                if binding.how == "module" and not wrapper.method and wrapper.name == stem(wrapper.path):
                    out.extend(self._plain_calls(local))  # the module's default export
                elif binding.how == f"named:{name}":
                    out.extend(self._plain_calls(local))
                if binding.how in ("module", "namespace", "holder"):
                    for call in self._member_calls(name):
                        obj = call.child_by_field_name("function").child_by_field_name("object")
                        if _text(obj) in (local, f"{local}.default"):
                            out.append(call)
            # `this.name(...)` calls another file's method wrapper only if this file has no method of that name
            own_method = re.search(rb"(?m)^\s*(?:(?:static|async|public|private|protected)\s+)*"
                                   + re.escape(name.encode()) + rb"\s*\([^)]*\)\s*(?::[^{]*)?\{", self.source)
            if wrapper.method and own_method is None:
                for call in self._member_calls(name):
                    obj = call.child_by_field_name("function").child_by_field_name("object")
                    if obj is not None and obj.type == "this":
                        out.append(call)
            return out
        if wrapper.method:
            for call in self._member_calls(name):
                obj = call.child_by_field_name("function").child_by_field_name("object")
                if wrapper.path == "" or (obj is not None and obj.type in ("this", "super")):
                    out.append(call)
                elif obj is not None and obj.type == "identifier" and name not in LEVEL_METHODS:
                    out.append(call)
            if wrapper.path == "":
                out.extend(self._plain_calls(name))
            return out
        out.extend(self._plain_calls(name))
        if wrapper.path == "":
            out.extend(self._member_calls(name))
        return out

    def wrapper_call(self, call: tree_sitter.Node, wrapper: WrapperDef) -> None:
        args = _arguments(call.child_by_field_name("arguments"))
        if wrapper.message_param >= len(args) and not any(isinstance(a, Spread) for a in args):
            return
        scope = enclosing_function(call, self.path)
        if scope is not None and scope.node == defining_function(call, wrapper, self.path):
            return
        message_args = args[wrapper.message_param:]
        if wrapper.args_param is None:
            message_args = message_args[:1]
        style = wrapper.placeholder_style or "none"
        message = self.message(wrapper.framework, message_args, scope, style=style)
        parts = splice_first(wrapper, message.parts)
        template = Template.of(parts) if parts else Template.dynamic()
        level = wrapper.level
        if wrapper.level_param is not None:
            node = args[wrapper.level_param] if wrapper.level_param < len(args) else None
            value = string_value(node) if node is not None and not isinstance(node, Spread) else None
            level = normalize_level(value) if value is not None else None
        is_wrapper = self._maybe_wrapper(scope, message, wrapper.framework, level, wrapper.logger) if scope else False
        if is_wrapper and self.result.wrappers:
            new = self.result.wrappers[-1]
            self.result.wrappers[-1] = dataclasses.replace(new, template=Template.of(splice_first(wrapper, list(new.template.parts))),
                                                           placeholder_style=new.placeholder_style and wrapper.placeholder_style)
        self.add(call, wrapper.framework, level, wrapper.logger, template, message.partial, is_wrapper, "declared",
                 _throwable(args))

    def count_errors(self) -> None:
        root = self.tree.root_node
        if not root.has_error:
            return
        captures = tree_sitter.QueryCursor(errors_query(self.language)).captures(root)
        self.result.errors = sum(len(nodes) for nodes in captures.values()) or 1


def _style(framework: str) -> str:
    """How a framework turns arguments into the message: `util` (util.format, extra arguments appended),
    `object-first` (pino: optional merging object, then msg with verbs, extras dropped), `util-noappend`
    (winston: extras are metadata), `object-first-util` (bunyan: optional fields object, then util.format),
    `object-first-append` (a logger of unknown make: object first as pino allows, then text arguments joined
    like util.format as console, proc-log, npmlog and most hand-written loggers do)."""
    if framework == "bunyan":
        return "object-first-util"  # bunyan: optional fields object, then util.format of the rest
    if framework in APPENDING:
        return "util"
    if framework == "pino":
        return "object-first"
    if framework == "unknown":
        return "object-first-append"
    return "util-noappend"


class JsExtractor:
    languages: tuple[str, ...] = LANGUAGES
    # a file with none of these words (case-insensitive) cannot hold a statement the extractor would find: the
    # index skips parsing it. `debug` matters: a file may call a `debug` instance it was handed as a parameter.
    prefilter = rb"log|console|debug|pino|winston|bunyan|signale|consola"

    def extract(self, tree: tree_sitter.Tree, source: bytes, path: str, context: ExtractContext) -> FileExtraction:
        language = _language_of(tree)
        state = _FileState(tree, source, path, language, context)
        try:
            state.run_queries()
        except UnicodeDecodeError:
            # tree-sitter's query predicates decode node text strictly; the index hands us valid UTF-8, but a
            # direct caller may not: read the file as the index would, with replacement characters
            source = source.decode("utf-8", "replace").encode("utf-8")
            tree = tree_sitter.Parser(grammar(language)).parse(source)
            state = _FileState(tree, source, path, language, context)
            state.run_queries()
        state.member_calls()
        state.debug_calls()
        state.wrapper_call_sites()
        state.result.statements.sort(key=lambda s: (s.range.start_line, s.range.start_column))
        state.count_errors()
        return state.result


def _language_of(tree: tree_sitter.Tree) -> str:
    language = tree.language
    for name in LANGUAGES:
        if grammar(name) == language or getattr(language, "name", None) == name:
            return name
    return "javascript"


EXTRACTOR = JsExtractor()
