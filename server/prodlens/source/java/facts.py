"""What one Java file says about its loggers: declarations, imports, package, constants, Lombok annotations.

Receivers are checked against these facts rather than guessed from names: a variable declared with a logger type
or assigned from a logger factory is a logger (`declared`); one declared with another type is not; only a name
the file says nothing about falls back to naming conventions. The facts come from one tree-sitter query
(`declarations.scm`) and are computed only for files that have candidate calls.
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

# Simple names of types that are loggers in the frameworks we read.
LOGGER_TYPES = frozenset(
    {"Logger", "Log", "XLogger", "ExtendedLogger", "ExtendedLoggerWrapper", "LocationAwareLogger", "BasicLogger",
     "FluentLogger", "TaggedLogger", "LoggerWrapper"}
)
# Methods that make a logger from a name or class (their argument gives the logger's name)
FACTORY_METHODS = frozenset({"getLogger", "getLog", "getFormatterLogger", "getAnonymousLogger", "forEnclosingClass",
                             "getContextLogger"})
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


class FileFacts:
    """Facts about one file, looked up lazily and cached per name.

    Only the names candidate calls use are ever resolved (typically one or two receivers and a few constants),
    so instead of a second query over the whole tree, a byte-level regex finds the places where a name could be
    declared and the tree confirms each one (`_declaration_of`). Comments and strings that happen to match the
    regex are rejected by that confirmation.
    """

    def __init__(self, root: tree_sitter.Node, source: bytes) -> None:
        self.root = root
        self.source = source
        self.package = ""
        self.imports: dict[str, str] = {}  # simple name -> qualified name
        self.wildcard_imports: list[str] = []  # package prefixes of `import x.y.*`
        self._variables: dict[str, LoggerVar | None] = {}  # None: the file does not declare the name
        self._types: dict[str, str] = {}  # name -> the type text of its first declaration
        self._resolving: set[str] = set()  # names being resolved (aliases may refer to each other)
        self._constants: dict[str, list[int] | tree_sitter.Node] | None = None  # offsets, then the value
        self._classes: dict[str, tree_sitter.Node] | None = None
        self._lombok: list[tuple[tree_sitter.Node, LoggerVar]] | None = None
        self._file_framework: str | None = None
        self._read_header()

    def _read_header(self) -> None:
        """Package and imports are top-level children of the tree: no search needed."""
        for child in self.root.named_children:
            kind = child.type
            if kind == "import_declaration":
                words = (child.text or b"").decode("utf-8", "replace").split()
                if len(words) < 2 or words[1] == "static":
                    continue
                body = "".join(words[1:]).rstrip(";")
                if body.endswith(".*"):
                    self.wildcard_imports.append(body[:-2])
                elif body:
                    self.imports[body.rsplit(".", 1)[-1]] = body
            elif kind == "package_declaration":
                words = (child.text or b"").decode("utf-8", "replace").split()
                self.package = "".join(w for w in words[1:] if not w.startswith("@")).rstrip(";")
            elif kind in _CLASS_TYPES:
                break  # imports come before the first type declaration

    # ----------------------------------------------------------------------------------------------------------
    def variable(self, name: str) -> LoggerVar | None:
        """What the file declares `name` as: a logger (with framework and name when known), a non-logger
        (`LoggerVar(False)`), or None when the file does not declare it (then conventions may apply)."""
        if name in self._variables:
            return self._variables[name]
        found = self._resolve_variable(name)
        self._variables[name] = found
        return found

    def _resolve_variable(self, name: str) -> LoggerVar | None:
        result: LoggerVar | None = None
        source = self.source
        word = name.encode()
        assignments: list[int] = []
        # one C-level pass over the places where the name is followed by what ends a declarator
        for after in re.finditer(re.escape(word) + rb"(?![\w$])\s*([=;,):])", source):
            start = after.start()
            end = start + len(word)
            previous = source[start - 1 : start]
            if previous and _WORD_BYTE.match(previous):
                continue  # the end of a longer name
            if after.group(1) == b"=" and source[after.end() : after.end() + 1] != b"=":
                assignments.append(start)  # `log = ...` or `this.log = ...`
            if previous == b".":
                continue
            # a declaration has a type (word, `>` or `]`) before the name: `Logger LOG`, `Map<K, V> m`, `T[] a`
            if not _TYPE_BEFORE.search(source, max(0, start - 64), start):
                continue
            node = self.root.named_descendant_for_byte_range(start, end)
            declared = _declaration_of(node) if node is not None else None
            if declared is None:
                continue
            type_node, value = declared
            if type_node is not None:
                self._types.setdefault(name, text_of(type_node))
            var = _classify(self, type_node, value)
            # the same name declared twice (a field and a local, two methods): a logger declaration wins, because
            # a logging call on that name is far more likely to mean the logger
            if result is None or (var.is_logger and (not result.is_logger or result.logger_name is None)):
                result = var
        if result is not None and not result.is_logger:
            return result
        # assignments: `log = LoggerFactory.getLogger(...)` in a constructor, `LOGGER = logger;` in a static block
        derived: list[LoggerVar | None] = []
        for start in assignments:
            node = self.root.named_descendant_for_byte_range(start, start + len(word))
            value = _assigned_value(node) if node is not None else None
            if value is not None:
                derived.append(self.logger_from_value(value, result.framework if result else None))
        if not derived:
            return result
        first = next((d for d in derived if d is not None), None)
        if result is None or result.logger_name is None:
            result = first if first is not None else result
        if result is not None and any(d is None or d.logger_name != result.logger_name for d in derived):
            # assigned different loggers, or something we cannot read: its name is only known at run time
            result = LoggerVar(True, result.framework, None)
        return result

    def logger_from_value(self, value: tree_sitter.Node, framework: str | None) -> LoggerVar | None:
        """The logger an expression yields: a factory call, or another logger variable of this file."""
        if value.type == "method_invocation":
            method = value.child_by_field_name("name")
            if method is not None and text_of(method) in FACTORY_METHODS:
                return from_factory(self, value, framework)
            return None
        if value.type == "identifier":
            name = text_of(value)
            if name in self._resolving:
                return None
            self._resolving.add(name)
            try:
                var = self.variable(name)
            finally:
                self._resolving.discard(name)
            return var if var is not None and var.is_logger else None
        return None

    def declared_type(self, name: str) -> str | None:
        """The type `name` is declared with in this file (its first declaration), if any."""
        self.variable(name)
        return self._types.get(name)

    def constant(self, name: str) -> tree_sitter.Node | None:
        """The initializer of a `static final String name = ...` field of this file."""
        if self._constants is None:
            self._constants = {}
            source = self.source
            for match in _STRING_DECLARATION.finditer(source):
                if match.start() and _WORD_BYTE.match(source, match.start() - 1):
                    continue  # `MyString x =`
                offsets = self._constants.setdefault(match.group(1).decode("ascii", "replace"), [])
                assert isinstance(offsets, list)
                offsets.append(match.start(1))
        offsets = self._constants.get(name)
        if not offsets:
            return None
        if isinstance(offsets, tree_sitter.Node):
            return offsets
        for start in offsets:
            node = self.root.named_descendant_for_byte_range(start, start + len(name.encode()))
            value = _static_final_string(node) if node is not None else None
            if value is not None:
                self._constants[name] = value
                return value
        self._constants[name] = []
        return None

    @property
    def classes(self) -> dict[str, tree_sitter.Node]:
        """Simple name -> name node of each class, interface, enum and record declared in the file."""
        if self._classes is None:
            self._classes = {}
            source = self.source
            for keyword in (b"class", b"interface", b"enum", b"record"):
                for start in word_offsets(source, keyword, _WORD_BYTE):
                    match = _CLASS_NAME.match(source, start + len(keyword))
                    if match is None:
                        continue
                    node = self.root.named_descendant_for_byte_range(match.start(1), match.end(1))
                    if node is not None and node.type == "identifier" and node.parent is not None \
                            and node.parent.type in _CLASS_TYPES:
                        self._classes.setdefault(text_of(node), node)
        return self._classes

    @property
    def lombok(self) -> list[tuple[tree_sitter.Node, LoggerVar]]:
        """Classes annotated with Lombok's logger annotations, with the `log` field each one gets."""
        if self._lombok is None:
            self._lombok = []
            for match in re.finditer(rb"@\s*((?:[\w.]+\.)?(?:Slf4j|XSlf4j|Log4j2?|Log|CommonsLog|JBossLog|Flogger|CustomLog))\b",
                                     self.source):
                node = self.root.named_descendant_for_byte_range(match.start(1), match.end(1))
                while node is not None and node.type not in ("marker_annotation", "annotation"):
                    node = node.parent if node.type in ("identifier", "scoped_identifier") else None
                if node is None:
                    continue
                name = node.child_by_field_name("name")
                if name is not None:
                    _read_lombok(self, name, node.child_by_field_name("arguments"))
        return self._lombok

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
        if written in self.imports:
            return self.imports[written]
        current = context.parent
        while current is not None:  # the enclosing classes first: no search needed for `Foo.class` inside Foo
            if current.type in _CLASS_TYPES:
                name = current.child_by_field_name("name")
                if name is not None and text_of(name) == written:
                    return self.class_fqn(name) or self.qualify(written)
            current = current.parent
        if written in self.classes:
            return self.class_fqn(self.classes[written]) or self.qualify(written)
        return self.qualify(written)


_TYPE_BEFORE = re.compile(rb"[\w>\]]\s+\Z")
_STRING_DECLARATION = re.compile(rb"String\s+(\w+)\s*=")
_CLASS_NAME = re.compile(rb"\s+(\w+)")
_WORD_BYTE = re.compile(rb"[\w$]")


_DECLARATOR_PARENTS = frozenset({"field_declaration", "local_variable_declaration", "constant_declaration"})


def _declaration_of(node: tree_sitter.Node) -> tuple[tree_sitter.Node | None, tree_sitter.Node | None] | None:
    """(type, initializer) when `node` is the name in a declaration; None when it is a use, a comment, ..."""
    if node.type != "identifier" or node.parent is None:
        return None
    parent = node.parent
    if parent.type == "variable_declarator":
        name = parent.child_by_field_name("name")
        if name is None or name.start_byte != node.start_byte:
            return None
        holder = parent.parent
        if holder is None:
            return None
        if holder.type in _DECLARATOR_PARENTS or holder.type == "resource":
            return holder.child_by_field_name("type"), parent.child_by_field_name("value")
        if holder.type == "spread_parameter":
            return None
        return None
    if parent.type in ("formal_parameter", "catch_formal_parameter", "resource", "enhanced_for_statement"):
        name = parent.child_by_field_name("name")
        if name is None or name.start_byte != node.start_byte:
            return None
        type_node = parent.child_by_field_name("type")
        if parent.type == "catch_formal_parameter":
            type_node = next((c for c in parent.named_children if c.type == "catch_type"), None)
        value = parent.child_by_field_name("value") if parent.type == "resource" else None
        return type_node, value
    return None


def _assigned_value(node: tree_sitter.Node) -> tree_sitter.Node | None:
    """The right-hand side of `name = ...` / `this.name = ...`, when `node` is that name."""
    if node.type != "identifier" or node.parent is None:
        return None
    target = node
    if node.parent.type == "field_access":
        field = node.parent.child_by_field_name("field")
        if field is None or field.start_byte != node.start_byte:
            return None
        target = node.parent
    assignment = target.parent
    if assignment is None or assignment.type != "assignment_expression":
        return None
    left = assignment.child_by_field_name("left")
    right = assignment.child_by_field_name("right")
    if left is None or right is None or left.start_byte != target.start_byte:
        return None
    return right


def _static_final_string(node: tree_sitter.Node) -> tree_sitter.Node | None:
    if node.type != "identifier" or node.parent is None or node.parent.type != "variable_declarator":
        return None
    declarator = node.parent
    field_node = declarator.parent
    if field_node is None or field_node.type not in ("field_declaration", "constant_declaration"):
        return None
    type_node = field_node.child_by_field_name("type")
    if type_node is None or text_of(type_node) not in ("String", "java.lang.String"):
        return None
    if field_node.type == "field_declaration":  # interface constants are implicitly static final
        modifiers = next((c for c in field_node.children if c.type == "modifiers"), None)
        words = text_of(modifiers).split() if modifiers is not None else []
        if "static" not in words or "final" not in words:
            return None
    return declarator.child_by_field_name("value")


def _framework_of_import(qualified: str) -> str | None:
    for prefix, framework in _IMPORT_FRAMEWORKS:
        if qualified.startswith(prefix) or qualified + "." == prefix:
            return framework
    return None


def read_facts(root: tree_sitter.Node, source: bytes) -> FileFacts:
    return FileFacts(root, source)


def _classify(facts: FileFacts, type_node: tree_sitter.Node | None, value: tree_sitter.Node | None) -> LoggerVar:
    type_text = text_of(type_node) if type_node is not None else "var"
    simple = simple_type_name(type_text)
    if simple in LOGGER_TYPES:
        framework = facts.framework_of_type(type_text)
        derived = facts.logger_from_value(value, framework) if value is not None else None
        return derived if derived is not None else LoggerVar(True, framework, None)
    if value is not None and value.type == "method_invocation" and simple in ("var", "Object"):
        derived = facts.logger_from_value(value, None)
        if derived is not None:
            return derived
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
    if kind == "identifier":
        constant = facts.constant(text_of(arg))
        return logger_name_of(facts, constant, depth + 1) if constant is not None else None
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
    facts._lombok.append((class_node, LoggerVar(True, framework, logger_name)))  # noqa: SLF001 (filled while built)
