"""What one Java file says about its loggers: declarations, imports, package, constants, Lombok annotations.

Receivers are checked against these facts rather than guessed from names: a variable declared with a logger type
or assigned from a logger factory is a logger (`declared`); one declared with another type is not; only a name
the file says nothing about falls back to naming conventions. The facts come from one tree-sitter query
(`declarations.scm`) and are computed only for files that have candidate calls.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import tree_sitter

from ..languages import grammar
from .strings import decode_string_literal

# Simple names of types that are loggers in the frameworks we read.
LOGGER_TYPES = frozenset(
    {"Logger", "Log", "XLogger", "ExtendedLogger", "ExtendedLoggerWrapper", "LocationAwareLogger", "BasicLogger",
     "FluentLogger", "TaggedLogger", "LoggerWrapper"}
)
# Names a logger variable conventionally has (used only when the file says nothing about the name).
CONVENTION = re.compile(r"^_?(log|LOG|Log|logger|LOGGER|Logger)$|[a-z0-9](Log|Logger)$|_(LOG|LOGGER)$")

# import prefix -> framework
_IMPORT_FRAMEWORKS: tuple[tuple[str, str], ...] = (
    ("org.slf4j.", "slf4j"),
    ("org.apache.logging.log4j.", "log4j2"),
    ("org.apache.log4j.", "log4j"),
    ("org.apache.commons.logging.", "commons-logging"),
    ("java.util.logging.", "jul"),
    ("java.lang.System.Logger", "jul"),
    ("org.jboss.logging.", "jboss-logging"),
    ("com.google.common.flogger.", "flogger"),
    ("org.tinylog.", "tinylog"),
)
# factory class simple name -> framework, when imports do not say
_FACTORY_FRAMEWORKS = {"LoggerFactory": "slf4j", "LogManager": "log4j2", "LogFactory": "commons-logging",
                       "System": "jul", "FluentLogger": "flogger"}
_LOMBOK = {"Slf4j": "slf4j", "XSlf4j": "slf4j", "Log4j": "log4j", "Log4j2": "log4j2", "Log": "jul",
           "CommonsLog": "commons-logging", "JBossLog": "jboss-logging", "Flogger": "flogger",
           "CustomLog": "unknown"}
_CLASS_TYPES = frozenset({"class_declaration", "interface_declaration", "enum_declaration", "record_declaration"})


@lru_cache(maxsize=None)
def query(name: str) -> tree_sitter.Query:
    """A query of this package, compiled once per process (compiling costs far more than running)."""
    text = (Path(__file__).with_name(name)).read_text(encoding="utf-8")
    return tree_sitter.Query(grammar("java"), text)


def text_of(node: tree_sitter.Node) -> str:
    return (node.text or b"").decode("utf-8", "replace")


def simple_type_name(type_text: str) -> str:
    """`org.slf4j.Logger` → `Logger`; `Map<String, Logger>` → `Map`; `Logger[]` → `Logger`."""
    base = type_text.split("<", 1)[0].strip().rstrip("[] ")
    return base.rsplit(".", 1)[-1]


@dataclass(slots=True)
class LoggerVar:
    """A variable the file declares. `is_logger` False means: declared, and not a logger."""

    is_logger: bool
    framework: str | None = None
    logger_name: str | None = None


@dataclass(slots=True)
class FileFacts:
    package: str = ""
    imports: dict[str, str] = field(default_factory=dict)  # simple name -> qualified name
    wildcard_imports: list[str] = field(default_factory=list)  # package prefixes of `import x.y.*`
    variables: dict[str, LoggerVar] = field(default_factory=dict)
    constants: dict[str, tree_sitter.Node] = field(default_factory=dict)  # static final String fields
    classes: dict[str, tree_sitter.Node] = field(default_factory=dict)  # simple name -> name node
    lombok: list[tuple[tree_sitter.Node, LoggerVar]] = field(default_factory=list)  # class node -> `log` field
    errors: int = 0
    _file_framework: str | None = None

    # ----------------------------------------------------------------------------------------------------------
    @property
    def file_framework(self) -> str | None:
        """The logging framework the file imports, if any (for receivers declared elsewhere)."""
        if self._file_framework is None:
            found = ""
            for qualified in list(self.imports.values()) + self.wildcard_imports:
                framework = _framework_of_import(qualified)
                if framework:
                    found = framework
                    break
            self._file_framework = found
        return self._file_framework or None

    def framework_of_type(self, type_text: str) -> str | None:
        base = type_text.split("<", 1)[0].strip()
        if "." in base:
            framework = _framework_of_import(base)
            if framework:
                return framework
        simple = simple_type_name(type_text)
        qualified = self.imports.get(simple)
        if qualified:
            return _framework_of_import(qualified)
        for prefix in self.wildcard_imports:
            framework = _framework_of_import(prefix + ".")
            if framework:
                return framework
        if simple == "Log":
            return "commons-logging"
        return self.file_framework

    def class_fqn(self, node: tree_sitter.Node) -> str | None:
        """Fully qualified name of the class enclosing `node` (nested classes joined with `$`)."""
        names: list[str] = []
        current = node.parent
        while current is not None:
            if current.type in _CLASS_TYPES:
                name = current.child_by_field_name("name")
                if name is not None:
                    names.append(text_of(name))
            current = current.parent
        if not names:
            return None
        return self.qualify("$".join(reversed(names)))

    def qualify(self, name: str) -> str:
        return f"{self.package}.{name}" if self.package else name

    def resolve_class(self, written: str, context: tree_sitter.Node) -> str:
        """A class name as written in `X.class` → the name the runtime gives it."""
        written = re.sub(r"\s+", "", written)
        if "." in written:
            head = written.split(".", 1)[0]
            if head[:1].islower():
                return written  # already qualified by a package
            outer = self.resolve_class(head, context)
            return outer + "$" + written.split(".", 1)[1].replace(".", "$")
        if written in self.classes:
            return self.class_fqn(self.classes[written]) or self.qualify(written)
        if written in self.imports:
            return self.imports[written]
        return self.qualify(written)


def _framework_of_import(qualified: str) -> str | None:
    for prefix, framework in _IMPORT_FRAMEWORKS:
        if qualified.startswith(prefix) or qualified + "." == prefix:
            return framework
    return None


def read_facts(root: tree_sitter.Node) -> FileFacts:
    facts = FileFacts()
    declared: list[tuple[str, tree_sitter.Node | None, tree_sitter.Node | None]] = []
    assigned: list[tuple[str, tree_sitter.Node]] = []
    lombok: list[tuple[tree_sitter.Node, tree_sitter.Node | None]] = []
    for _pattern, caps in tree_sitter.QueryCursor(query("declarations.scm")).matches(root):
        if "decl.name" in caps:
            type_node = caps.get("decl.type", [None])[0]
            value = caps.get("decl.value", [None])[0]
            declared.append((text_of(caps["decl.name"][0]), type_node, value))
        elif "import" in caps:
            text = text_of(caps["import"][0])
            body = text.removeprefix("import").strip().rstrip(";").strip()
            if body.startswith("static "):
                continue
            body = re.sub(r"\s+", "", body)
            if body.endswith(".*"):
                facts.wildcard_imports.append(body[:-2])
            else:
                facts.imports[body.rsplit(".", 1)[-1]] = body
        elif "const.name" in caps:
            modifiers = text_of(caps["const.modifiers"][0])
            if "final" in modifiers.split() and "static" in modifiers.split():
                facts.constants[text_of(caps["const.name"][0])] = caps["const.value"][0]
        elif "class" in caps:
            node = caps["class"][0]
            facts.classes.setdefault(text_of(node), node)
        elif "package" in caps:
            facts.package = re.sub(r"\s+", "", text_of(caps["package"][0]))
        elif "assign.name" in caps:
            assigned.append((text_of(caps["assign.name"][0]), caps["assign.value"][0]))
        elif "lombok" in caps:
            lombok.append((caps["lombok"][0], caps.get("lombok.args", [None])[0]))
        elif "error" in caps:
            facts.errors += 1

    for name, type_node, value in declared:
        var = _classify(facts, type_node, value)
        previous = facts.variables.get(name)
        # the same name declared twice (a field and a local, two methods): a logger declaration wins, because a
        # logging call on that name is far more likely to mean the logger
        if previous is None or (var.is_logger and (not previous.is_logger or previous.logger_name is None)):
            facts.variables[name] = var
    for name, value in assigned:
        previous = facts.variables.get(name)
        if previous is None or (previous.is_logger and previous.logger_name is None):
            facts.variables[name] = from_factory(facts, value, previous.framework if previous else None)
    for annotation, args in lombok:
        _read_lombok(facts, annotation, args)
    return facts


def _classify(facts: FileFacts, type_node: tree_sitter.Node | None, value: tree_sitter.Node | None) -> LoggerVar:
    type_text = text_of(type_node) if type_node is not None else "var"
    simple = simple_type_name(type_text)
    if simple in LOGGER_TYPES:
        framework = facts.framework_of_type(type_text)
        if value is not None and value.type == "method_invocation":
            return from_factory(facts, value, framework)
        return LoggerVar(True, framework, None)
    if value is not None and value.type == "method_invocation" and simple in ("var", "Object"):
        name = value.child_by_field_name("name")
        if name is not None and text_of(name) in ("getLogger", "getLog", "getFormatterLogger"):
            return from_factory(facts, value, None)
    return LoggerVar(False)


def from_factory(facts: FileFacts, call: tree_sitter.Node, framework: str | None) -> LoggerVar:
    """`LoggerFactory.getLogger(Foo.class)` and friends: the framework and the logger's name."""
    obj = call.child_by_field_name("object")
    factory = simple_type_name(text_of(obj)) if obj is not None else ""
    if framework is None:
        qualified = facts.imports.get(factory, "")
        framework = _framework_of_import(qualified) if qualified else None
        if framework is None and obj is not None and "." in text_of(obj):
            framework = _framework_of_import(text_of(obj))
        if framework is None:
            if factory == "Logger":
                framework = facts.file_framework or "jul"
            else:
                framework = _FACTORY_FRAMEWORKS.get(factory) or facts.file_framework
    args = call.child_by_field_name("arguments")
    method = text_of(call.child_by_field_name("name")) if call.child_by_field_name("name") else ""
    name = None
    if args is not None:
        arg_nodes = args.named_children
        if not arg_nodes:
            if method in ("getLogger", "forEnclosingClass", "getFormatterLogger"):
                name = facts.class_fqn(call)  # Log4j 2 LogManager.getLogger() / Flogger: the calling class
        else:
            name = logger_name_of(facts, arg_nodes[0])
    return LoggerVar(True, framework, name)


def logger_name_of(facts: FileFacts, arg: tree_sitter.Node, depth: int = 0) -> str | None:
    """The name a logger factory argument gives: `Foo.class`, `getClass()`, `"explicit.name"`,
    `Foo.class.getName() + ".Transport"`, `Foo.class.getPackage().getName()`, a String constant..."""
    if depth > 16:
        return None
    kind = arg.type
    if kind == "class_literal":
        return facts.resolve_class(text_of(arg.named_children[0]), arg) if arg.named_children else None
    if kind == "string_literal":
        return decode_string_literal(text_of(arg))
    if kind == "binary_expression":
        operator = arg.child_by_field_name("operator")
        left = arg.child_by_field_name("left")
        right = arg.child_by_field_name("right")
        if operator is None or operator.type != "+" or left is None or right is None:
            return None
        left_text = logger_name_of(facts, left, depth + 1)
        right_text = logger_name_of(facts, right, depth + 1) if left_text is not None else None
        return left_text + right_text if left_text is not None and right_text is not None else None
    if kind == "parenthesized_expression" and len(arg.named_children) == 1:
        return logger_name_of(facts, arg.named_children[0], depth + 1)
    if kind == "method_invocation":
        name_node = arg.child_by_field_name("name")
        method = text_of(name_node) if name_node is not None else ""
        obj = arg.child_by_field_name("object")
        if method in ("getClass", "lookupClass"):
            return facts.class_fqn(arg)
        if method in ("getName", "getTypeName") and obj is not None:
            if obj.type == "method_invocation":
                inner_name = obj.child_by_field_name("name")
                inner_obj = obj.child_by_field_name("object")
                if inner_name is not None and text_of(inner_name) == "getPackage" and inner_obj is not None:
                    qualified = logger_name_of(facts, inner_obj, depth + 1)
                    return qualified.rsplit(".", 1)[0] if qualified and "." in qualified else None
            return logger_name_of(facts, obj, depth + 1)
        if method == "getSimpleName" and obj is not None:
            inner = logger_name_of(facts, obj, depth + 1)
            return inner.rsplit(".", 1)[-1].rsplit("$", 1)[-1] if inner else None
        return None
    if kind == "identifier" and text_of(arg) in facts.constants:
        return logger_name_of(facts, facts.constants[text_of(arg)], depth + 1)
    return None


def _read_lombok(facts: FileFacts, annotation: tree_sitter.Node, args: tree_sitter.Node | None) -> None:
    written = text_of(annotation)
    simple = written.rsplit(".", 1)[-1]
    framework = _LOMBOK.get(simple)
    if framework is None:
        return
    qualified = written if "." in written else facts.imports.get(simple, "")
    if not qualified.startswith("lombok.") and not any(p.startswith("lombok") for p in facts.wildcard_imports):
        return
    class_node = annotation.parent
    while class_node is not None and class_node.type not in _CLASS_TYPES:
        class_node = class_node.parent
    if class_node is None:
        return
    name_node = class_node.child_by_field_name("name")
    logger_name = facts.class_fqn(name_node) if name_node is not None else None
    if args is not None:
        for pair in args.named_children:
            if pair.type == "element_value_pair":
                key = pair.child_by_field_name("key")
                value = pair.child_by_field_name("value")
                if key is not None and text_of(key) == "topic" and value is not None and value.type == "string_literal":
                    logger_name = decode_string_literal(text_of(value))
    facts.lombok.append((class_node, LoggerVar(True, framework, logger_name)))
