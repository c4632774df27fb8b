"""Find the log statements of one Python file: `logging`, structlog, loguru, and logging wrappers.

Work is proportional to the candidates, not to the file: two queries (`calls.scm`, `bindings.scm`) find calls
whose method name is a logging method and the assignments/imports that say what is a logger; call sites of
wrappers are found by searching the source bytes for the wrappers' names and looking up the node there.
"""

from __future__ import annotations

import dataclasses
import re
from functools import lru_cache
from importlib import resources

import tree_sitter

from ...model import Confidence, Hole, Part, Template, normalize_level
from ..extract_types import ExtractContext, FileExtraction, RawStatement, WrapperDef
from ..formats import apply_brace, apply_percent
from ..languages import grammar
from .receivers import Bindings, LoggerInfo
from ..common.positions import node_range
from .scopes import enclosing_function
from ..common.templates import PARAM_PREFIX, Built
from .templates import TemplateBuilder, literal_string
from .wrappers import exported, forwards, hole_name_of, module_matches, splice, wrapper_message_param

LANGUAGE = "python"

METHOD_LEVELS: dict[str, str] = {
    "debug": "debug", "info": "info", "warning": "warn", "warn": "warn", "error": "error",
    "exception": "error", "critical": "fatal", "fatal": "fatal", "trace": "trace", "success": "info",
    "msg": "info",
}
# structlog's async methods: `await log.ainfo(...)`
METHOD_LEVELS.update({"a" + name: level for name, level in list(METHOD_LEVELS.items())})
LOG_METHODS = ("log", "alog")
STANDARD_METHODS = frozenset(METHOD_LEVELS) | frozenset(LOG_METHODS)


@lru_cache(maxsize=None)
def _query(*names: str) -> tree_sitter.Query:
    text = "\n".join(resources.files(__package__).joinpath(name).read_text(encoding="utf-8") for name in names)
    return tree_sitter.Query(grammar(LANGUAGE), text)


def candidates_query() -> tree_sitter.Query:
    """calls.scm and bindings.scm as one query: one pass over the tree finds both (their captures differ)."""
    return _query("calls.scm", "bindings.scm")


def calls_query() -> tree_sitter.Query:
    return _query("calls.scm")


def bindings_query() -> tree_sitter.Query:
    return _query("bindings.scm")


def errors_query() -> tree_sitter.Query:
    return _query("errors.scm")


def _text(node: tree_sitter.Node | None) -> str:
    if node is None or node.text is None:
        return ""
    return node.text.decode("utf-8", "replace")


def level_value(node: tree_sitter.Node | None, source: bytes | None = None) -> str | None:
    """The level an argument names: `logging.WARNING`, `DEBUG`, `"WARNING"`, `30`, a module constant
    `SUBDEBUG = 5`; None when run time decides."""
    if node is None:
        return None
    kind = node.type
    if kind == "attribute":
        return _level_name(_text(node.child_by_field_name("attribute")))
    if kind == "identifier":
        name = _text(node)
        level = _level_name(name)
        if level is None and source is not None and name.isupper():
            match = re.search(rb"(?m)^" + re.escape(name.encode()) + rb"[ \t]*=[ \t]*(\d+)[ \t]*(?:#.*)?$", source)
            if match:
                return normalize_level(int(match.group(1)))
        return level
    if kind == "integer":
        try:
            return normalize_level(int(_text(node), 0))
        except ValueError:
            return None
    literal = literal_string(node)
    if literal is not None:
        return normalize_level(literal)
    return None


def _level_name(name: str) -> str | None:
    if name.upper() != name or not name.isalpha():
        return None  # constants are upper case; `level`, `self.level` are run-time values
    return normalize_level(name)


def _positional(args: tree_sitter.Node) -> list[tree_sitter.Node]:
    return [a for a in args.named_children if a.type not in ("keyword_argument", "dictionary_splat", "comment")]


def _keyword(args: tree_sitter.Node, name: str) -> tree_sitter.Node | None:
    for child in args.named_children:
        if child.type == "keyword_argument" and _text(child.child_by_field_name("name")) == name:
            return child.child_by_field_name("value")
    return None


def _has_keywords(args: tree_sitter.Node) -> bool:
    return any(c.type in ("keyword_argument", "dictionary_splat") for c in args.named_children)


def _truthy(node: tree_sitter.Node | None) -> bool:
    if node is None:
        return False
    return node.type not in ("false", "none") and _text(node) not in ("0", "False", "None", "")


def _count_args(nodes: list[tree_sitter.Node]) -> int | None:
    if any(n.type in ("list_splat", "parenthesized_list_splat") for n in nodes):
        return None
    return len(nodes)


def _confidence(template: Template, partial: bool) -> Confidence:
    if template.is_dynamic:
        return Confidence.DYNAMIC
    return Confidence.PARTIAL if partial else Confidence.FULL


class _FileState:
    """Everything extraction of one file accumulates."""

    def __init__(self, tree: tree_sitter.Tree, source: bytes, path: str, context: ExtractContext) -> None:
        self.tree = tree
        self.source = source
        self.path = path
        self.context = context
        self.bindings = Bindings(module=context.module)
        self.result = FileExtraction()
        self.seen_calls: set[int] = set()
        self.constants: dict[str, str | None] = {}

    def constant(self, name: str) -> str | None:
        """The value of a module-level string constant assigned once (`MSG = "x %s"`), else None."""
        if name in self.constants:
            return self.constants[name]
        value = None
        if name.isupper() or name.lstrip("_").isupper():
            # starts with the literal name so the regex engine can skip ahead; "at a line start" is checked after
            found = [m for m in re.finditer(re.escape(name.encode()) + rb"[ \t]*(?::[^=\n]*)?=(?!=)", self.source)
                     if m.start() == 0 or self.source[m.start() - 1:m.start()] == b"\n"]
            if len(found) == 1:
                node = self.tree.root_node.named_descendant_for_byte_range(found[0].start(), found[0].start() + len(name))
                assignment = node.parent if node is not None else None
                if assignment is not None and assignment.type == "assignment" and assignment.child_by_field_name("left") == node:
                    right = assignment.child_by_field_name("right")
                    value = literal_string(right) if right is not None else None
        self.constants[name] = value
        return value

    # -- logging calls ---------------------------------------------------------------------------------------

    def run_queries(self) -> None:
        """One pass of the candidates query; bindings are read first, since calls are judged by them."""
        root = self.tree.root_node
        self.calls: list[dict[str, list[tree_sitter.Node]]] = []
        for _, captures in tree_sitter.QueryCursor(candidates_query()).matches(root):
            if "call" in captures:
                self.calls.append(captures)
                continue
            if "import" in captures:
                self.bindings.add_import(captures["import"][0])
                continue
            target = captures.get("assign.target")
            factory = captures.get("assign.factory")
            args = captures.get("assign.args")
            if target and factory and args:
                self.bindings.add_assignment(target[0], factory[0], args[0])

    def logging_calls(self) -> None:
        for captures in self.calls:
            call = captures["call"][0]
            receiver = captures["call.receiver"][0]
            args = captures["call.args"][0]
            info = self.bindings.receiver_logger(receiver, self.source)
            if info is None:
                continue
            if "call.getattr" in captures:
                self.logging_call(call, "getattr", args, info, captures["call.level"][0])
            else:
                self.logging_call(call, _text(captures["call.method"][0]), args, info)

    def logging_call(
        self,
        call: tree_sitter.Node,
        method: str,
        args: tree_sitter.Node,
        info: LoggerInfo,
        method_node: tree_sitter.Node | None = None,
    ) -> None:
        """One logging call. `method_node` is the run-time method name of `getattr(logger, name)(...)`."""
        positional = _positional(args)
        framework = info.framework
        level_node = None
        if method_node is not None:
            level_node = method_node
            name = literal_string(method_node)
            level = (METHOD_LEVELS.get(name) or normalize_level(name)) if name is not None else None
            message_index = 0
        elif method in LOG_METHODS:
            if not positional:
                return
            level_node = positional[0]
            level = level_value(level_node, self.source)
            message_index = 1
        else:
            level = METHOD_LEVELS[method]
            message_index = 0
        message = positional[message_index] if len(positional) > message_index else None
        if message is None:
            message = _keyword(args, "event" if framework == "structlog" else "msg")
        if message is not None and message.type in ("list_splat", "parenthesized_list_splat"):
            message = None
        rest = positional[message_index + 1:]
        scope = enclosing_function(call)
        builder = TemplateBuilder(scope.params if scope else None, self.constant)
        built = builder.build(message) if message is not None else Built(parts=[Hole()])
        base_has_holes = any(isinstance(p, Hole) for p in built.parts)
        nargs = _count_args(rest)
        parts = built.parts
        formatted = False
        if framework == "loguru":
            if nargs != 0 or _has_keywords(args):
                parts, _ = apply_brace(parts)
                formatted = True
        elif nargs != 0:
            parts, _ = apply_percent(parts, nargs)
            formatted = True
        template = Template.of(parts)
        throwable = method in ("exception", "aexception") or info.throwable or _truthy(_keyword(args, "exc_info"))
        partial = built.opaque or (formatted and base_has_holes)
        is_wrapper = False
        args_param = None
        if scope is not None and scope.varargs is not None and forwards(rest, scope.varargs):
            args_param = scope.params[scope.varargs]
        message_param = wrapper_message_param(built, args_param is not None, scope.name) if scope is not None else None
        if scope is not None and message_param is not None and self.context.config.detect_wrappers:
            is_wrapper = True
            level_param = None
            if level_node is not None and level_node.type == "identifier" and _text(level_node) in scope.params:
                level_param = scope.params[_text(level_node)]
            self.result.wrappers.append(
                WrapperDef(
                    name=scope.name,
                    language=LANGUAGE,
                    path=self.path,
                    message_param=scope.params[message_param],
                    level_param=level_param,
                    level=None if level_param is not None else level,
                    framework=framework,
                    logger=info.logger,
                    template=Template.of(parts),
                    message_hole=hole_name_of(parts, message_param),
                    args_param=args_param,
                    placeholder_style=("brace" if framework == "loguru" else "printf") if args_param is not None else None,
                    method=scope.method,
                    exported=exported(scope, STANDARD_METHODS),
                )
            )
        self.add(call, framework, level, info.logger, template, partial, is_wrapper, info.receiver, throwable)

    def add(
        self,
        call: tree_sitter.Node,
        framework: str,
        level: str | None,
        logger: str | None,
        template: Template,
        partial: bool,
        wrapper: bool,
        receiver: str,
        throwable: bool,
    ) -> None:
        if call.start_byte in self.seen_calls:
            return
        self.seen_calls.add(call.start_byte)
        if not template.parts:
            template = Template.of("")
        self.result.statements.append(
            RawStatement(
                range=node_range(call, self.source),
                framework=framework,
                level=level,
                logger=logger,
                template=template,
                confidence=_confidence(template, partial),
                wrapper=wrapper,
                receiver=receiver,
                throwable=throwable,
            )
        )

    def module_function_calls(self) -> None:
        """`from logging import warning` then `warning("x")`: bare calls of logging's module functions, found
        by the names the file imported (a query over every call would cost more than the few such files)."""
        root_logger = LoggerInfo("logging", "root")
        for alias, function in self.bindings.module_functions.items():
            pattern = re.compile(rb"(?<![\w.])" + re.escape(alias.encode()) + rb"\s*\(")
            for match in pattern.finditer(self.source):
                ident = self.tree.root_node.named_descendant_for_byte_range(match.start(), match.start() + len(alias))
                call = ident.parent if ident is not None else None
                if (ident is None or ident.type != "identifier" or call is None or call.type != "call"
                        or call.child_by_field_name("function") != ident):
                    continue
                args = call.child_by_field_name("arguments")
                if args is not None and args.type == "argument_list":
                    self.logging_call(call, function, args, root_logger)

    # -- wrapper call sites ----------------------------------------------------------------------------------

    def wrapper_call_sites(self) -> None:
        known: dict[str, list[WrapperDef]] = {}
        for wrapper in self.context.wrappers:
            if wrapper.language in (LANGUAGE, "", None):
                known.setdefault(wrapper.name.rsplit(".", 1)[-1], []).append(wrapper)
        pending = list(self.result.wrappers)
        for wrapper in pending:
            known.setdefault(wrapper.name, []).append(wrapper)
        names = set(known)
        rounds = 0
        while names and rounds < 6:
            rounds += 1
            before = len(self.result.wrappers)
            for name in sorted(names):
                for alias, wrapper in self._aliases_of(name, known[name]):
                    known.setdefault(alias, []).append(wrapper)
                    self._call_sites_of(alias, [wrapper])
                self._call_sites_of(name, known[name])
            new = self.result.wrappers[before:]
            names = set()
            for wrapper in new:
                if wrapper not in known.get(wrapper.name, []):
                    known.setdefault(wrapper.name, []).append(wrapper)
                    names.add(wrapper.name)

    def _aliases_of(self, name: str, wrappers: list[WrapperDef]) -> list[tuple[str, WrapperDef]]:
        """Local names bound to a wrapper method: `log = self.connection._log_debug` then `log("Row %r", r)`."""
        if not name.isidentifier():
            return []
        out = []
        pattern = re.compile(rb"\." + re.escape(name.encode()) + rb"(?![\w(])(?!\s*\()")
        root = self.tree.root_node
        for match in pattern.finditer(self.source):
            start = match.start() + 1
            ident = root.named_descendant_for_byte_range(start, start + len(name))
            attribute = ident.parent if ident is not None else None
            assignment = attribute.parent if attribute is not None else None
            if (
                attribute is None
                or assignment is None
                or attribute.type != "attribute"
                or assignment.type != "assignment"
                or assignment.child_by_field_name("right") != attribute
            ):
                continue
            target = assignment.child_by_field_name("left")
            if target is None or target.type != "identifier":
                continue
            method_wrappers = sorted([w for w in wrappers if w.method] or wrappers, key=self._distance)
            alias = _text(target)
            out.append((alias, dataclasses.replace(method_wrappers[0], name=alias, method=False, path="", exported=False)))
        return out

    def _call_sites_of(self, name: str, wrappers: list[WrapperDef]) -> None:
        if not name.isidentifier():
            return
        if any(w.path and w.path != self.path for w in wrappers) and not any(w.path == self.path for w in wrappers):
            # this file defines its own `name` that is not a wrapper: `self.name(...)` here calls that one
            if re.search(rb"\bdef\s+" + re.escape(name.encode()) + rb"\s*\(", self.source):
                wrappers = [w for w in wrappers if not w.path]
                if not wrappers:
                    return
        pattern = re.compile(rb"(?<![\w])" + re.escape(name.encode()) + rb"\s*\(")
        root = self.tree.root_node
        for match in pattern.finditer(self.source):
            start = match.start()
            ident = root.named_descendant_for_byte_range(start, start + len(name))
            if ident is None or ident.type != "identifier":
                continue
            parent = ident.parent
            if parent is None:
                continue
            receiver = None
            if parent.type == "attribute" and parent.child_by_field_name("attribute") == ident:
                call = parent.parent
                receiver = parent.child_by_field_name("object")
                if call is None or call.type != "call" or call.child_by_field_name("function") != parent:
                    continue
            elif parent.type == "call" and parent.child_by_field_name("function") == ident:
                call = parent
            else:
                continue
            wrapper = self._pick_wrapper(wrappers, call, receiver)
            if wrapper is not None:
                self.wrapper_call(call, wrapper)

    def _pick_wrapper(
        self, wrappers: list[WrapperDef], call: tree_sitter.Node, receiver: tree_sitter.Node | None
    ) -> WrapperDef | None:
        """The wrapper a call site calls. Several files may define a wrapper of that name (`Connection._log_debug`
        and `Mapper._log_debug`); without types, the one defined nearest to this file (same file, then same
        package) is the best guess."""
        for wrapper in sorted(wrappers, key=self._distance):
            if wrapper.method:
                if receiver is None:
                    continue
                receiver_text = _text(receiver)
                if receiver_text in ("self", "cls") or receiver_text.startswith("super("):
                    return wrapper
                if wrapper.name.rsplit(".", 1)[-1] not in STANDARD_METHODS and wrapper.path != self.path:
                    return wrapper
                continue
            if wrapper.path == "":
                return wrapper  # configured: by name
            if wrapper.path == self.path:
                if receiver is None:
                    return wrapper
                continue
            # another file's function: called through what this file imports from that module
            if receiver is None:
                origin = self.bindings.imported.get(_text(call.child_by_field_name("function")))
                if origin is not None and module_matches(origin.rsplit(".", 1)[0], wrapper.path):
                    return wrapper
            elif receiver.type == "identifier":
                origin = self.bindings.imported.get(_text(receiver))
                if origin is not None and module_matches(origin, wrapper.path):
                    return wrapper  # module.function(...)
        return None

    def _distance(self, wrapper: WrapperDef) -> tuple[int, str]:
        if not wrapper.path:
            return (0, "")
        if wrapper.path == self.path:
            return (-1, "")
        mine = self.path.split("/")[:-1]
        theirs = wrapper.path.split("/")[:-1]
        common = 0
        for a, b in zip(mine, theirs):
            if a != b:
                break
            common += 1
        return (len(mine) + len(theirs) - 2 * common, wrapper.path)

    def wrapper_call(self, call: tree_sitter.Node, wrapper: WrapperDef) -> None:
        args = call.child_by_field_name("arguments")
        if args is None or args.type != "argument_list":
            return
        positional = _positional(args)
        if len(positional) > wrapper.message_param:
            message = positional[wrapper.message_param]
        else:
            # `self._log_info(message="...")`: the hole is named after the wrapper's parameter
            hole = wrapper.message_hole.partition("|")[0]
            keyword = hole[len(PARAM_PREFIX):] if hole.startswith(PARAM_PREFIX) else None
            message = _keyword(args, keyword) if keyword else None
            if message is None:
                return
        if wrapper.args_param is not None and wrapper.args_param < wrapper.message_param:
            return
        scope = enclosing_function(call)
        builder = TemplateBuilder(scope.params if scope else None, self.constant)
        if message.type in ("list_splat", "parenthesized_list_splat"):
            built = Built(parts=[Hole()])
        else:
            built = builder.build(message)
        parts: list[Part] = built.parts
        base_has_holes = any(isinstance(p, Hole) for p in parts)
        formatted = False
        if wrapper.args_param is not None:
            rest = positional[wrapper.args_param:] if wrapper.args_param > wrapper.message_param else []
            nargs = _count_args(rest)
            if wrapper.placeholder_style == "brace":
                if nargs != 0 or _has_keywords(args):
                    parts, _ = apply_brace(parts)
                    formatted = True
            elif nargs != 0:
                parts, _ = apply_percent(parts, nargs)
                formatted = True
        spliced = splice(wrapper, parts)
        template = Template.of(spliced)
        level = wrapper.level
        level_param_node = None
        if wrapper.level_param is not None:
            level_param_node = positional[wrapper.level_param] if len(positional) > wrapper.level_param else None
            level = level_value(level_param_node, self.source)
        throwable = _truthy(_keyword(args, "exc_info"))
        partial = built.opaque or (formatted and base_has_holes)
        is_wrapper = False
        args_param = None
        if scope is not None and wrapper.args_param is not None and scope.varargs is not None:
            if forwards(positional[wrapper.args_param:], scope.varargs):
                args_param = scope.params[scope.varargs]
        message_param = wrapper_message_param(built, args_param is not None, scope.name) if scope is not None else None
        if scope is not None and message_param is not None and self.context.config.detect_wrappers:
            is_wrapper = True
            level_param = None
            if (
                level_param_node is not None
                and level_param_node.type == "identifier"
                and _text(level_param_node) in scope.params
            ):
                level_param = scope.params[_text(level_param_node)]
            new = WrapperDef(
                name=scope.name,
                language=LANGUAGE,
                path=self.path,
                message_param=scope.params[message_param],
                level_param=level_param,
                level=None if level_param is not None else level,
                framework=wrapper.framework,
                logger=wrapper.logger,
                template=template,
                message_hole=hole_name_of(template.parts, message_param),
                args_param=args_param,
                placeholder_style=wrapper.placeholder_style if args_param is not None else None,
                method=scope.method,
                exported=exported(scope, STANDARD_METHODS),
            )
            if not any(w.name == new.name and w.path == new.path for w in self.result.wrappers):
                self.result.wrappers.append(new)
        self.add(call, wrapper.framework, level, wrapper.logger, template, partial, is_wrapper, "declared", throwable)

    # -- errors ----------------------------------------------------------------------------------------------

    def count_errors(self) -> None:
        root = self.tree.root_node
        if not root.has_error:
            return
        captures = tree_sitter.QueryCursor(errors_query()).captures(root)
        self.result.errors = sum(len(nodes) for nodes in captures.values()) or 1


class PythonExtractor:
    languages: tuple[str, ...] = (LANGUAGE,)
    # every receiver the extractor accepts has `log` in its name or its factory's (logging, logger, structlog,
    # loguru, LOG, self.log, getLogger): files without it (case-insensitive) need no parse
    prefilter = rb"log"

    def extract(
        self, tree: tree_sitter.Tree, source: bytes, path: str, context: ExtractContext
    ) -> FileExtraction:
        state = _FileState(tree, source, path, context)
        try:
            state.run_queries()
        except UnicodeDecodeError:
            # tree-sitter's query predicates decode node text strictly; the index hands us valid UTF-8, but a
            # direct caller may not: read the file as the index would, with replacement characters
            source = source.decode("utf-8", "replace").encode("utf-8")
            tree = tree_sitter.Parser(grammar(LANGUAGE)).parse(source)
            state = _FileState(tree, source, path, context)
            state.run_queries()
        state.logging_calls()
        state.module_function_calls()
        state.wrapper_call_sites()
        state.result.statements.sort(key=lambda s: (s.range.start_line, s.range.start_column))
        state.count_errors()
        return state.result


EXTRACTOR = PythonExtractor()
