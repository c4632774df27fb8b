"""What one Go file says about its loggers: imports (with aliases), logger-typed declarations, constructor calls
(`zap.NewProduction()`, `logger.Sugar()`, `slog.New(...)`, `logrus.New()`, `log.New(...)`), and constants.

A receiver is a logger when these facts say so; a name the file says nothing about is one only by convention.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import tree_sitter

from ..common.syntax import word_offsets
from ..languages import grammar
from .strings import decode_string_literal

# import path -> framework
PACKAGES: dict[str, str] = {
    "log": "log",
    "log/slog": "slog",
    "golang.org/x/exp/slog": "slog",
    "go.uber.org/zap": "zap",
    "github.com/sirupsen/logrus": "logrus",
    "github.com/Sirupsen/logrus": "logrus",
    "k8s.io/klog": "klog",
    "k8s.io/klog/v2": "klog",
    "github.com/golang/glog": "klog",
    "github.com/rs/zerolog": "zerolog",
    "github.com/rs/zerolog/log": "zerolog",
}
# import paths whose package functions log by themselves (`log.Printf`, `slog.Info`, zerolog's `log.Info()`)
_PACKAGE_LOGGERS = {"log": "log", "log/slog": "slog", "golang.org/x/exp/slog": "slog",
                    "github.com/sirupsen/logrus": "logrus", "github.com/Sirupsen/logrus": "logrus",
                    "k8s.io/klog": "klog", "k8s.io/klog/v2": "klog", "github.com/golang/glog": "klog",
                    "github.com/rs/zerolog/log": "zerolog"}
# Kinds of logger values (they decide what a method's arguments mean):
#   log (a *log.Logger or the log package), slog, zap, zap-sugar, logrus, klog
CONVENTION = re.compile(r"^(log|logger|Log|Logger|lg|slogger|sugar|zlog|zlogger)$|[a-z](Log|Logger)$")

_CONSTRUCTORS: dict[str, dict[str, str]] = {
    "log": {"New": "log", "Default": "log"},
    "slog": {"New": "slog", "Default": "slog", "With": "slog", "NewLogLogger": "log"},
    "zap": {"New": "zap", "NewProduction": "zap", "NewDevelopment": "zap", "NewExample": "zap", "NewNop": "zap",
            "L": "zap", "S": "zap-sugar", "Must": "zap"},
    "klog": {"V": "klog", "VDepth": "klog", "WithName": "klog"},
    "zerolog": {"New": "zerolog", "Ctx": "zerolog", "Nop": "zerolog", "With": "zerolog", "Logger": "zerolog",
                "Output": "zerolog", "Level": "zerolog", "Hook": "zerolog", "Sample": "zerolog"},  # klog.V(2).Infof(...): a verbose info logger
    "logrus": {"New": "logrus", "StandardLogger": "logrus", "NewEntry": "logrus", "WithField": "logrus",
               "WithFields": "logrus", "WithError": "logrus", "WithContext": "logrus", "WithTime": "logrus"},
}
_CHAIN_SAME = frozenset({"With", "WithOptions", "WithLazy", "WithGroup", "WithField", "WithFields", "WithError",
                         "WithContext", "WithTime", "Named"})
# zerolog methods that start an event (the record is written by the event's Msg/Msgf/Send)
_ZEROLOG_EVENTS = frozenset({"Trace", "Debug", "Info", "Warn", "Error", "Fatal", "Panic", "Log", "Err", "WithLevel",
                             "Print", "Printf", "Println"})
_TYPE_KINDS = {
    ("log", "Logger"): "log",
    ("slog", "Logger"): "slog",
    ("zap", "Logger"): "zap",
    ("zap", "SugaredLogger"): "zap-sugar",
    ("logrus", "Logger"): "logrus",
    ("logrus", "Entry"): "logrus",
    ("logrus", "FieldLogger"): "logrus",
    ("logrus", "Ext1FieldLogger"): "logrus",
    ("logrus", "StdLogger"): "logrus",
    ("zerolog", "Logger"): "zerolog",
}


@lru_cache(maxsize=None)
def query(name: str) -> tree_sitter.Query:
    """A query of this package, compiled once per process."""
    return tree_sitter.Query(grammar("go"), Path(__file__).with_name(name).read_text(encoding="utf-8"))


def text_of(node: tree_sitter.Node) -> str:
    return (node.text or b"").decode("utf-8", "replace")


@dataclass(frozen=True, slots=True)
class LoggerValue:
    """What an expression is, as far as logging goes. kind None = a logger of unknown kind (by convention)."""

    kind: str | None
    framework: str
    name: str | None = None  # zap's Named("...") chain
    with_error: bool = False  # logrus WithError(...) in the chain


class FileFacts:
    """Facts about one Go file. Imports, constants and struct fields are top-level declarations (read from the
    root's children, no search); variables and parameters are looked up per name, only for the names candidate
    calls use: a byte search for the name, confirmed by the tree (so comments and strings never count)."""

    def __init__(self, root: tree_sitter.Node, source: bytes) -> None:
        self.root = root
        self.source = source
        self.imports: dict[str, str] = {}  # local name -> import path
        self.constants: dict[str, tree_sitter.Node] = {}
        self._field_types: dict[str, str] = {}  # struct field name -> type text (top-level struct types)
        self._variables: dict[str, tuple[bool, LoggerValue | None]] = {}
        self._fields: dict[str, tuple[bool, LoggerValue | None]] = {}
        self._resolving: set[str] = set()
        self._read_top_level()

    def _read_top_level(self) -> None:
        for child in self.root.named_children:
            kind = child.type
            if kind == "import_declaration":
                for spec in _specs(child, "import_spec"):
                    path_node = spec.child_by_field_name("path")
                    if path_node is None:
                        continue
                    path = decode_string_literal(text_of(path_node))
                    alias = spec.child_by_field_name("name")
                    local = text_of(alias) if alias is not None else _default_name(path)
                    if local not in ("_", "."):
                        self.imports[local] = path
            elif kind == "const_declaration":
                for spec in _specs(child, "const_spec"):
                    value = spec.child_by_field_name("value")
                    values = value.named_children if value is not None else []
                    for index, name in enumerate(declared_names(spec)):
                        if index < len(values):
                            self.constants[text_of(name)] = values[index]
            elif kind == "type_declaration":
                for spec in child.named_children:
                    struct = spec.child_by_field_name("type") if spec.type == "type_spec" else None
                    if struct is None or struct.type != "struct_type":
                        continue
                    for fields in struct.named_children:
                        for field_node in fields.named_children if fields.type == "field_declaration_list" else []:
                            type_node = field_node.child_by_field_name("type")
                            for name in declared_names(field_node):
                                self._field_types[text_of(name)] = text_of(type_node) if type_node is not None else ""

    @property
    def file_framework(self) -> str | None:
        """The one logging framework this file imports, if exactly one (the likely kind of a logger it does
        not declare)."""
        found = {PACKAGES[path] for path in self.imports.values() if path in PACKAGES}
        if len(found) > 1:
            found.discard("log")  # the standard `log` is often imported beside a structured logger
        return found.pop() if len(found) == 1 else None

    def package_framework(self, local: str) -> str | None:
        path = self.imports.get(local)
        return PACKAGES.get(path) if path is not None else None

    # ----------------------------------------------------------------------------------------------------------
    def variable(self, name: str) -> tuple[bool, LoggerValue | None]:
        """(declared in this file, the logger it is or None). Undeclared names may still be loggers by
        convention; declared non-loggers never are."""
        if name not in self._variables:
            if name in self._resolving:
                return False, None
            self._resolving.add(name)
            try:
                self._variables[name] = self._resolve_variable(name)
            finally:
                self._resolving.discard(name)
        return self._variables[name]

    def field(self, name: str) -> tuple[bool, LoggerValue | None]:
        """The same for a struct field reached as `x.name`."""
        if name not in self._fields:
            key = "." + name
            if key in self._resolving:
                return False, None
            self._resolving.add(key)
            try:
                self._fields[name] = self._resolve_field(name)
            finally:
                self._resolving.discard(key)
        return self._fields[name]

    def _resolve_variable(self, name: str) -> tuple[bool, LoggerValue | None]:
        declared = False
        found: LoggerValue | None = None
        for start in _declaration_spots(self.source, name.encode()):
            node = self.root.named_descendant_for_byte_range(start, start + len(name.encode()))
            if node is None or node.type != "identifier" or node.parent is None:
                continue
            is_declaration, value = self._declared_at(node)
            declared = declared or is_declaration
            if value is not None and (found is None or found.kind is None):
                found = value
        return declared or found is not None, found

    def _declared_at(self, node: tree_sitter.Node) -> tuple[bool, LoggerValue | None]:
        """Is this occurrence of a name a declaration (or an assignment of a logger), and of what?"""
        parent = node.parent
        kind = parent.type
        if kind in ("parameter_declaration", "variadic_parameter_declaration"):
            if not any(n.start_byte == node.start_byte for n in declared_names(parent)):
                return False, None
            type_node = parent.child_by_field_name("type")
            return True, self.type_kind(text_of(type_node)) if type_node is not None else None
        if kind == "var_spec":
            names = declared_names(parent)
            index = next((i for i, n in enumerate(names) if n.start_byte == node.start_byte), None)
            if index is None:
                return False, None
            type_node = parent.child_by_field_name("type")
            if type_node is not None:
                return True, self.type_kind(text_of(type_node))
            value_list = parent.child_by_field_name("value")
            value = _value_at(value_list, index, len(names))
            return self._declared_value(value)
        if kind == "expression_list" and parent.parent is not None:
            statement = parent.parent
            if statement.type not in ("short_var_declaration", "assignment_statement"):
                return False, None
            left = statement.child_by_field_name("left")
            if left is None or left.start_byte != parent.start_byte:
                return False, None
            items = left.named_children
            index = next((i for i, n in enumerate(items) if n.start_byte == node.start_byte), None)
            if index is None:
                return False, None
            value = _value_at(statement.child_by_field_name("right"), index, len(items))
            if statement.type == "assignment_statement":
                logger = self.evaluate(value) if value is not None else None
                return logger is not None, logger
            return self._declared_value(value)
        return False, None

    def _declared_value(self, value: tree_sitter.Node | None) -> tuple[bool, LoggerValue | None]:
        """A declaration from a value: a logger when the value builds one; declared-not-a-logger only when the
        value plainly is something else (a literal, `make(...)`, a composite literal); unknown otherwise, so
        `logger := newLogger()` can still be a logger by convention."""
        if value is None:
            return False, None
        logger = self.evaluate(value)
        if logger is not None:
            return True, logger
        if value.type in _PLAIN_VALUES or (value.type == "call_expression" and _callee(value) in ("make", "new")):
            return True, None
        return False, None

    def _resolve_field(self, name: str) -> tuple[bool, LoggerValue | None]:
        if name in self._field_types:
            value = self.type_kind(self._field_types[name])
            if value is not None:
                return True, value
        declared = name in self._field_types
        for start in word_offsets(self.source, name.encode(), _WORD_BYTE):
            node = self.root.named_descendant_for_byte_range(start, start + len(name.encode()))
            if node is None or node.type != "field_identifier" or node.parent is None:
                continue
            selector = node.parent
            if selector.type != "selector_expression" or selector.parent is None:
                continue
            items = selector.parent
            statement = items.parent
            if items.type != "expression_list" or statement is None or statement.type != "assignment_statement":
                continue
            left = statement.child_by_field_name("left")
            if left is None or left.start_byte != items.start_byte:
                continue
            index = next((i for i, n in enumerate(items.named_children) if n.start_byte == selector.start_byte), 0)
            value = _value_at(statement.child_by_field_name("right"), index, len(items.named_children))
            logger = self.evaluate(value) if value is not None else None
            if logger is not None:
                return True, logger
        return declared, None

    # ----------------------------------------------------------------------------------------------------------
    def evaluate(self, node: tree_sitter.Node, depth: int = 0) -> LoggerValue | None:
        """Is this expression a logger (or the logging package used as one)? Declared facts only."""
        if depth > 24:
            return None
        kind = node.type
        if kind == "identifier":
            name = text_of(node)
            if name not in self.imports:  # an import is not shadowed in practice (go vet flags it): no search
                declared, value = self.variable(name)
                if declared:
                    return value
            kind = _PACKAGE_LOGGERS.get(self.imports.get(name, ""))
            return LoggerValue(kind, PACKAGES[self.imports[name]]) if kind is not None else None
        if kind == "selector_expression":
            field_node = node.child_by_field_name("field")
            if field_node is None:
                return None
            declared, value = self.field(text_of(field_node))
            return value if declared else None
        if kind == "parenthesized_expression" and node.named_children:
            return self.evaluate(node.named_children[0], depth + 1)
        if kind == "unary_expression" and node.named_children:  # &logger
            return self.evaluate(node.named_children[-1], depth + 1)
        if kind == "call_expression":
            function = node.child_by_field_name("function")
            if function is None or function.type != "selector_expression":
                return None
            operand = function.child_by_field_name("operand")
            method_node = function.child_by_field_name("field")
            if operand is None or method_node is None:
                return None
            method = text_of(method_node)
            if operand.type == "identifier" and text_of(operand) in self.imports:
                framework = self.package_framework(text_of(operand))
                if framework is None:
                    return None
                if framework == "zap" and method == "Must":
                    args = node.child_by_field_name("arguments")
                    inner = args.named_children[0] if args is not None and args.named_children else None
                    return (self.evaluate(inner, depth + 1) if inner is not None else None) or LoggerValue("zap", "zap")
                made = _CONSTRUCTORS.get(framework, {}).get(method)
                return LoggerValue(made, framework, None, method == "WithError") if made else None
            base = self.evaluate(operand, depth + 1)
            if base is None:
                return None
            if method == "Sugar":
                return LoggerValue("zap-sugar", base.framework, base.name, base.with_error)
            if method == "Desugar":
                return LoggerValue("zap", base.framework, base.name, base.with_error)
            if base.kind == "zerolog" and method not in _ZEROLOG_EVENTS:
                return base  # `logger.With().Str("k", v).Logger()`, `.Level(...)`, `.Output(...)`: still a logger
            if method in _CHAIN_SAME:
                name = base.name
                if method == "Named":
                    args = node.child_by_field_name("arguments")
                    arg = args.named_children[0] if args is not None and args.named_children else None
                    suffix = decode_string_literal(text_of(arg)) if arg is not None and arg.type in (
                        "interpreted_string_literal", "raw_string_literal") else None
                    name = None if suffix is None else (f"{name}.{suffix}" if name else suffix)
                carries_error = method == "WithError" or (method == "With" and _has_error_field(node))
                return LoggerValue(base.kind, base.framework, name, base.with_error or carries_error)
            return None
        return None

    def type_kind(self, type_text: str) -> LoggerValue | None:
        match = re.search(r"(\w+)\.(\w+)\s*$", type_text)
        if match is None:
            return None
        framework = self.package_framework(match.group(1))
        if framework is None:
            return None
        kind = _TYPE_KINDS.get((framework, match.group(2)))
        return LoggerValue(kind, framework) if kind else None


_PLAIN_VALUES = frozenset({"interpreted_string_literal", "raw_string_literal", "int_literal", "float_literal",
                           "composite_literal", "true", "false", "nil", "func_literal", "rune_literal"})
_WORD_BYTE = re.compile(rb"\w")


def _has_error_field(call: tree_sitter.Node) -> bool:
    """`logger.With(zap.Error(err))` / `slog.With("err", err)`: the logger's records carry the error."""
    args = call.child_by_field_name("arguments")
    for arg in args.named_children if args is not None else []:
        if arg.type == "call_expression":
            function = arg.child_by_field_name("function")
            if function is not None and text_of(function) in ("zap.Error", "zap.NamedError"):
                return True
        elif arg.type in ("interpreted_string_literal", "raw_string_literal") and \
                decode_string_literal(text_of(arg)) in ("err", "error"):
            return True
    return False


def declared_names(node: tree_sitter.Node) -> list[tree_sitter.Node]:
    """The names of a spec or declaration (`a, b string`): the field also holds the commas between them."""
    return [n for n in node.children_by_field_name("name") if n.is_named]


def _declaration_spots(source: bytes, word: bytes):
    """Offsets of `word` where a declaration or assignment could be: not after `.` (a field), not before `.`,
    `(`, `)`, `{`, `}` or a line end (uses). One C-level regex pass; the tree confirms each spot."""
    pattern = re.compile(re.escape(word) + rb"(?!\w)[ \t]*[^\s.(){};]")
    for match in pattern.finditer(source):
        start = match.start()
        if start and (source[start - 1 : start] == b"." or _WORD_BYTE.match(source, start - 1)):
            continue
        yield start


def _specs(declaration: tree_sitter.Node, spec_type: str) -> list[tree_sitter.Node]:
    out = []
    for child in declaration.named_children:
        if child.type == spec_type:
            out.append(child)
        elif child.type.endswith("_spec_list"):
            out.extend(c for c in child.named_children if c.type == spec_type)
    return out


def _value_at(values: tree_sitter.Node | None, index: int, names: int) -> tree_sitter.Node | None:
    """The value assigned to the index-th name: `a, b := x, y`, or `logger, err := zap.NewProduction()`."""
    if values is None:
        return None
    items = values.named_children if values.type == "expression_list" else [values]
    if len(items) == names:
        return items[index]
    return items[0] if index == 0 and items else None


def _callee(call: tree_sitter.Node) -> str:
    function = call.child_by_field_name("function")
    return text_of(function) if function is not None else ""


def read_facts(root: tree_sitter.Node, source: bytes) -> FileFacts:
    return FileFacts(root, source)


def _default_name(path: str) -> str:
    """The package name Go gives an import without an alias: the last element, minus a `/vN` major version."""
    parts = [p for p in path.split("/") if p]
    if not parts:
        return path
    last = parts[-1]
    if re.fullmatch(r"v\d+", last) and len(parts) > 1:
        last = parts[-2]
    return last.removeprefix("go-").split(".")[0]
