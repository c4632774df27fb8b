"""What one Go file says about its loggers: imports (with aliases), logger-typed declarations, constructor calls
(`zap.NewProduction()`, `logger.Sugar()`, `slog.New(...)`, `logrus.New()`, `log.New(...)`), and constants.

A receiver is a logger when these facts say so; a name the file says nothing about is one only by convention.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import tree_sitter

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
}
# Kinds of logger values (they decide what a method's arguments mean):
#   log (a *log.Logger or the log package), slog, zap, zap-sugar, logrus, klog
CONVENTION = re.compile(r"^(log|logger|Log|Logger|lg|slogger|sugar|zlog|zlogger)$|[a-z](Log|Logger)$")

_PACKAGE_LEVEL_KIND = {"log": "log", "slog": "slog", "logrus": "logrus", "klog": "klog"}  # zap has no Info()
_CONSTRUCTORS: dict[str, dict[str, str]] = {
    "log": {"New": "log", "Default": "log"},
    "slog": {"New": "slog", "Default": "slog", "With": "slog", "NewLogLogger": "log"},
    "zap": {"New": "zap", "NewProduction": "zap", "NewDevelopment": "zap", "NewExample": "zap", "NewNop": "zap",
            "L": "zap", "S": "zap-sugar", "Must": "zap"},
    "logrus": {"New": "logrus", "StandardLogger": "logrus", "NewEntry": "logrus", "WithField": "logrus",
               "WithFields": "logrus", "WithError": "logrus", "WithContext": "logrus", "WithTime": "logrus"},
}
_CHAIN_SAME = frozenset({"With", "WithOptions", "WithLazy", "WithGroup", "WithField", "WithFields", "WithError",
                         "WithContext", "WithTime", "Named"})
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


@dataclass(slots=True)
class FileFacts:
    imports: dict[str, str] = field(default_factory=dict)  # local name -> import path
    variables: dict[str, LoggerValue | None] = field(default_factory=dict)  # None: declared, not a logger
    fields: dict[str, LoggerValue | None] = field(default_factory=dict)  # struct fields, reached as `x.name`
    constants: dict[str, tree_sitter.Node] = field(default_factory=dict)
    errors: int = 0

    def package_framework(self, local: str) -> str | None:
        path = self.imports.get(local)
        return PACKAGES.get(path) if path is not None else None

    def evaluate(self, node: tree_sitter.Node, depth: int = 0) -> LoggerValue | None:
        """Is this expression a logger (or the logging package used as one)? Declared facts only."""
        if depth > 24:
            return None
        kind = node.type
        if kind == "identifier":
            name = text_of(node)
            if name in self.variables:
                return self.variables[name]
            framework = self.package_framework(name)
            if framework is not None and framework in _PACKAGE_LEVEL_KIND:
                return LoggerValue(_PACKAGE_LEVEL_KIND[framework], framework)
            return None
        if kind == "selector_expression":
            field_node = node.child_by_field_name("field")
            if field_node is not None and text_of(field_node) in self.fields:
                return self.fields[text_of(field_node)]
            operand = node.child_by_field_name("operand")
            if operand is not None and operand.type == "identifier" and field_node is not None:
                # pkg.Logger: a package-level logger variable of an imported package is unknown here
                return None
            return None
        if kind == "parenthesized_expression" and node.named_children:
            return self.evaluate(node.named_children[0], depth + 1)
        if kind == "call_expression":
            function = node.child_by_field_name("function")
            if function is None or function.type != "selector_expression":
                return None
            operand = function.child_by_field_name("operand")
            method_node = function.child_by_field_name("field")
            if operand is None or method_node is None:
                return None
            method = text_of(method_node)
            if operand.type == "identifier":
                framework = self.package_framework(text_of(operand))
                if framework is not None and text_of(operand) not in self.variables:
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
            if method in _CHAIN_SAME:
                name = base.name
                if method == "Named":
                    args = node.child_by_field_name("arguments")
                    arg = args.named_children[0] if args is not None and args.named_children else None
                    suffix = decode_string_literal(text_of(arg)) if arg is not None and arg.type in (
                        "interpreted_string_literal", "raw_string_literal") else None
                    name = None if suffix is None else (f"{name}.{suffix}" if name else suffix)
                return LoggerValue(base.kind, base.framework, name, base.with_error or method == "WithError")
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


def read_facts(root: tree_sitter.Node) -> FileFacts:
    facts = FileFacts()
    typed: list[tuple[str, str, bool]] = []
    assigned: list[tuple[tree_sitter.Node, tree_sitter.Node]] = []
    for _pattern, caps in tree_sitter.QueryCursor(query("declarations.scm")).matches(root):
        if "import.path" in caps:
            path = decode_string_literal(text_of(caps["import.path"][0]))
            alias = caps.get("import.name", [None])[0]
            local = text_of(alias) if alias is not None else _default_name(path)
            if local not in ("_", "."):
                facts.imports[local] = path
        elif "decl.name" in caps:
            typed.append((text_of(caps["decl.name"][0]), text_of(caps["decl.type"][0]), False))
        elif "field.name" in caps:
            typed.append((text_of(caps["field.name"][0]), text_of(caps["field.type"][0]), True))
        elif "assign.left" in caps:
            assigned.append((caps["assign.left"][0], caps["assign.value"][0]))
        elif "const.name" in caps:
            facts.constants[text_of(caps["const.name"][0])] = caps["const.value"][0]
        elif "error" in caps:
            facts.errors += 1
    for name, type_text, is_field in typed:
        value = facts.type_kind(type_text)
        target = facts.fields if is_field else facts.variables
        if value is not None or name not in target:
            target[name] = value
    # constructors may build on each other (`logger := zap.NewExample(); sugar := logger.Sugar()`): two passes
    for _round in range(2):
        for left, value_node in assigned:
            first = left.named_children[0] if left.type == "expression_list" and left.named_children else left
            target = facts.variables
            if first.type == "selector_expression":
                field_node = first.child_by_field_name("field")
                name = text_of(field_node) if field_node is not None else ""
                target = facts.fields
            else:
                name = text_of(first)
            if not name or name == "_":
                continue
            value = facts.evaluate(value_node)
            if value is not None:
                target[name] = value
    return facts


def _default_name(path: str) -> str:
    """The package name Go gives an import without an alias: the last element, minus a `/vN` major version."""
    parts = [p for p in path.split("/") if p]
    if not parts:
        return path
    last = parts[-1]
    if re.fullmatch(r"v\d+", last) and len(parts) > 1:
        last = parts[-2]
    return last.removeprefix("go-").split(".")[0]
