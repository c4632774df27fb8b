"""Which names in a Python file are loggers, according to the file itself.

Collected once per file from two cheap query results (imports, and assignments whose value is a call to
something named like a logger factory). A candidate call's receiver is then classified:
- `declared`: the file binds that name from a logger factory (`getLogger`, `structlog.get_logger`,
  `from loguru import logger`, `log.instance_logger(self)`), or it is the `logging` module itself;
- `convention`: the file is silent about it but its name is a logger's (`log`, `self.logger`, `_LOG`);
- not a logger: anything else (`math.log`, `changelog.info()`, a list named `log`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import tree_sitter

from .templates import literal_string


@dataclass(frozen=True, slots=True)
class LoggerInfo:
    framework: str  # logging | structlog | loguru
    logger: str | None  # the name it emits under, when the code says it
    receiver: str = "declared"
    throwable: bool = False  # `logger.opt(exception=True)`


def _text(node: tree_sitter.Node | None) -> str:
    if node is None or node.text is None:
        return ""
    return node.text.decode("utf-8", "replace")


_CONVENTION_RE = re.compile(r"^_*(?:log|logger|logging|lg|lgr|slog|logr|l0g)$|_log$|_logger$|logger$|^_*logger_", re.I)


def conventional_name(name: str) -> bool:
    """`log`, `LOG`, `_logger`, `self.logger`, `audit_log`, `requestLogger` — not `changelog`, `math`, `dialog`."""
    return bool(_CONVENTION_RE.search(name))


# values that are certainly not loggers: literals and displays
_NOT_LOGGER_VALUE = rb"(?:\[|\{|\(|'|\"|\d|None\b|True\b|False\b|[rbfRBF]{1,2}['\"])"


@lru_cache(maxsize=512)
def _plain_assignment_re(name: str) -> re.Pattern[bytes]:
    # starts with the literal name so the regex engine can skip ahead; the line start is checked after
    return re.compile(re.escape(name.encode()) + rb"[ \t]*(?::[^=\n]*)?=(?!=)[ \t]*" + _NOT_LOGGER_VALUE)


def bound_to_literal(source: bytes, name: str) -> bool:
    """Whether the file assigns `name` a literal at the start of a statement (`log = []`)."""
    for match in _plain_assignment_re(name).finditer(source):
        line_start = source.rfind(b"\n", 0, match.start()) + 1
        if not source[line_start:match.start()].strip(b" \t"):
            return True
    return False


_MAX_DEPTH = 40
_MODULE_FUNCTIONS = frozenset({"debug", "info", "warning", "warn", "error", "exception", "critical", "fatal", "log"})


@dataclass(slots=True)
class Bindings:
    """Logger facts of one file."""

    module: str | None = None
    logging_aliases: set[str] = field(default_factory=set)  # names bound to the `logging` module
    structlog_aliases: set[str] = field(default_factory=set)
    factories: dict[str, str] = field(default_factory=dict)  # imported factory function name -> framework
    names: dict[str, LoggerInfo] = field(default_factory=dict)  # `log` / `.logger` (attribute) -> info
    imports_logging: bool = False
    imports_structlog: bool = False
    imports_loguru: bool = False
    literal_names: dict[str, bool] = field(default_factory=dict)  # name -> bound to a literal (memo)
    depth: int = 0  # recursion guard of receiver_logger
    import_nodes: list[tree_sitter.Node] = field(default_factory=list)
    module_functions: dict[str, str] = field(default_factory=dict)  # local name -> logging's function name
    _imported: dict[str, str] | None = None

    @property
    def default_framework(self) -> str:
        if self.imports_loguru and not self.imports_logging:
            return "loguru"
        if self.imports_structlog and not self.imports_logging:
            return "structlog"
        return "logging"

    # -- collecting ------------------------------------------------------------------------------------------

    def add_import(self, node: tree_sitter.Node) -> None:
        """Imports that may concern logging are read now; the rest only if a foreign wrapper needs to know
        what a name was imported from (`imported`): a module with fifty imports and no logging costs little."""
        self.import_nodes.append(node)
        text = node.text or b""
        if b"log" in text or b"LOG" in text or b"Log" in text:
            for alias, module, name in _import_names(node):
                if name is None:
                    self._note_module(module, alias)
                else:
                    self._note_from(module, name, alias)

    @property
    def imported(self) -> dict[str, str]:
        """Local name -> the dotted module it is, or `module.name` it came from."""
        if self._imported is None:
            self._imported = {}
            for node in self.import_nodes:
                for alias, module, name in _import_names(node):
                    if name is not None:
                        self._imported[alias] = f"{module}.{name}"
                    else:  # `import a.b` binds `a`; `import a.b as c` binds `c` to `a.b`
                        self._imported[alias] = alias if module.startswith(alias + ".") else module
        return self._imported

    def _note_module(self, module: str, alias: str) -> None:
        if module == "logging" or module.startswith("logging."):
            self.imports_logging = True
            if module == "logging":
                self.logging_aliases.add(alias)
        elif module == "structlog" or module.startswith("structlog."):
            self.imports_structlog = True
            if module == "structlog":
                self.structlog_aliases.add(alias)
        elif module == "loguru":
            self.imports_loguru = True

    def _note_from(self, module: str, name: str, alias: str) -> None:
        if module == "logging":
            self.imports_logging = True
            if name in ("getLogger", "LoggerAdapter", "getLoggerClass"):
                self.factories[alias] = "logging"
            elif name == "root":
                self.names[alias] = LoggerInfo("logging", "root")
            elif name in _MODULE_FUNCTIONS:
                self.module_functions[alias] = name  # `from logging import warning` then `warning("x")`
        elif module.startswith("structlog"):
            self.imports_structlog = True
            if name in ("get_logger", "getLogger", "wrap_logger", "get_context"):
                self.factories[alias] = "structlog"
        elif module == "loguru":
            self.imports_loguru = True
            if name == "logger":
                self.names[alias] = LoggerInfo("loguru", self.module)

    def add_assignment(self, target: tree_sitter.Node, factory: tree_sitter.Node, args: tree_sitter.Node) -> None:
        info = self.factory_logger(factory, args)
        if info is None:
            return
        key = _target_key(target)
        if key is None:
            return
        self.names.setdefault(key, info)
        if target.type == "identifier" and _in_class_body(target):
            self.names.setdefault("." + key, info)

    # -- resolving -------------------------------------------------------------------------------------------

    def factory_logger(self, factory: tree_sitter.Node, args: tree_sitter.Node | None) -> LoggerInfo | None:
        """The logger a call `factory(args)` returns, or None when it is not a logger factory."""
        if factory.type == "identifier":
            name = _text(factory)
            framework = self.factories.get(name)
            if framework is not None:
                if name == "LoggerAdapter":
                    return LoggerInfo("logging", self._first_arg_logger_name(args))
                return LoggerInfo(framework, self._logger_name(args) if framework == "logging" else None)
            if "logger" in name.lower() and name not in ("Logger", "LoggerAdapter"):
                return LoggerInfo(self.default_framework, self._logger_name(args))
            return None
        if factory.type != "attribute":
            return None
        obj = factory.child_by_field_name("object")
        attr = _text(factory.child_by_field_name("attribute"))
        obj_text = _text(obj) if obj is not None and obj.type == "identifier" else None
        if obj_text is not None and obj_text in self.logging_aliases:
            if attr == "getLogger":
                return LoggerInfo("logging", self._logger_name(args))
            if attr == "LoggerAdapter":
                return LoggerInfo("logging", self._first_arg_logger_name(args))
            return None
        if obj_text is not None and obj_text in self.structlog_aliases:
            if attr in ("get_logger", "getLogger", "wrap_logger"):
                return LoggerInfo("structlog", self._logger_name(args) if args is not None and args.named_children else None)
            return None
        if attr in ("getChild", "bind", "new", "opt", "patch", "bind_contextvars", "child"):
            base = self.receiver_logger(obj) if obj is not None else None
            if base is None or base.receiver != "declared":
                return None
            if attr == "getChild":
                suffix = literal_string(args.named_children[0]) if args is not None and args.named_children else None
                name = f"{base.logger}.{suffix}" if base.logger and suffix else None
                return LoggerInfo(base.framework, name)
            throwable = attr == "opt" and _truthy_keyword(args, "exception")
            return LoggerInfo(base.framework, base.logger, throwable=throwable)
        if "logger" in attr.lower() and attr not in ("Logger", "setLoggerClass", "getLoggerClass"):
            # a project's own factory: `log.instance_logger(self)`, `get_task_logger(__name__)`
            return LoggerInfo(self.default_framework, self._logger_name(args))
        return None

    def _logger_name(self, args: tree_sitter.Node | None) -> str | None:
        if args is None:
            return None
        positional = [a for a in args.named_children if a.type not in ("keyword_argument", "comment")]
        if not positional:
            name_kw = _keyword(args, "name")
            if name_kw is None:
                return "root"
            positional = [name_kw]
        first = positional[0]
        return self.name_value(first)

    def name_value(self, node: tree_sitter.Node, depth: int = 0) -> str | None:
        if depth > _MAX_DEPTH:
            return None
        if node.type == "identifier" and _text(node) == "__name__":
            return self.module
        literal = literal_string(node)
        if literal is not None:
            return literal
        if node.type == "binary_operator" and _text(node.child_by_field_name("operator")) == "+":
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            if left is not None and right is not None:
                a, b = self.name_value(left, depth + 1), self.name_value(right, depth + 1)
                if a is not None and b is not None:
                    return a + b
        return None

    def _first_arg_logger_name(self, args: tree_sitter.Node | None) -> str | None:
        if args is None or not args.named_children:
            return None
        first = args.named_children[0]
        if first.type == "call":
            function = first.child_by_field_name("function")
            info = self.factory_logger(function, first.child_by_field_name("arguments")) if function else None
            return info.logger if info else None
        info = self.receiver_logger(first)
        return info.logger if info else None

    def receiver_logger(self, node: tree_sitter.Node, source: bytes | None = None) -> LoggerInfo | None:
        """Classify the object a logging method is called on."""
        if self.depth > _MAX_DEPTH:
            return None  # `a.getChild(..).getChild(..)...` thousands deep: hostile, not a logger we can name
        self.depth += 1
        try:
            return self._receiver_logger(node, source)
        finally:
            self.depth -= 1

    def _receiver_logger(self, node: tree_sitter.Node, source: bytes | None) -> LoggerInfo | None:
        kind = node.type
        if kind == "identifier":
            name = _text(node)
            if name in self.logging_aliases:
                return LoggerInfo("logging", "root")
            info = self.names.get(name)
            if info is not None:
                return info
            if name in self.structlog_aliases:
                return None
            if conventional_name(name):
                if source is not None:
                    if name not in self.literal_names:
                        self.literal_names[name] = bound_to_literal(source, name)
                    if self.literal_names[name]:
                        return None  # the file binds it to a list/string/number: not a logger
                return LoggerInfo(self.default_framework, None, receiver="convention")
            return None
        if kind == "attribute":
            attr = _text(node.child_by_field_name("attribute"))
            info = self.names.get("." + attr)
            if info is not None:
                return info
            obj = node.child_by_field_name("object")
            if obj is not None and obj.type == "identifier" and _text(obj) in self.logging_aliases:
                return LoggerInfo("logging", "root") if attr == "root" else None
            if conventional_name(attr):
                return LoggerInfo(self.default_framework, None, receiver="convention")
            return None
        if kind == "call":
            function = node.child_by_field_name("function")
            if function is None:
                return None
            return self.factory_logger(function, node.child_by_field_name("arguments"))
        if kind == "parenthesized_expression" and len(node.named_children) == 1:
            return self.receiver_logger(node.named_children[0], source)
        return None


def _import_names(node: tree_sitter.Node) -> list[tuple[str, str, str | None]]:
    """(local alias, module, imported name or None for `import module`) of an import statement."""
    out: list[tuple[str, str, str | None]] = []
    if node.type == "import_statement":
        for child in node.named_children:
            if child.type == "dotted_name":
                module = _text(child)
                out.append((module.split(".")[0], module, None))
            elif child.type == "aliased_import":
                out.append((_text(child.child_by_field_name("alias")), _text(child.child_by_field_name("name")), None))
        return out
    module = _text(node.child_by_field_name("module_name"))
    for child in node.children_by_field_name("name"):
        if child.type == "aliased_import":
            out.append((_text(child.child_by_field_name("alias")), module, _text(child.child_by_field_name("name"))))
        else:
            name = _text(child)
            out.append((name, module, name))
    return out


def _target_key(target: tree_sitter.Node) -> str | None:
    if target.type == "identifier":
        return _text(target)
    if target.type == "attribute":
        attr = target.child_by_field_name("attribute")
        return "." + _text(attr) if attr is not None else None
    return None


def _in_class_body(node: tree_sitter.Node) -> bool:
    parent = node.parent  # assignment -> expression_statement -> block -> class_definition
    for _ in range(4):
        if parent is None:
            return False
        if parent.type == "class_definition":
            return True
        if parent.type in ("function_definition", "module"):
            return False
        parent = parent.parent
    return False


def _keyword(args: tree_sitter.Node | None, name: str) -> tree_sitter.Node | None:
    if args is None:
        return None
    for child in args.named_children:
        if child.type == "keyword_argument" and _text(child.child_by_field_name("name")) == name:
            return child.child_by_field_name("value")
    return None


def _truthy_keyword(args: tree_sitter.Node | None, name: str) -> bool:
    value = _keyword(args, name)
    if value is None:
        return False
    return value.type not in ("false", "none") and _text(value) not in ("0", "False", "None")
