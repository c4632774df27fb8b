"""Which names in a JavaScript/TypeScript file are loggers, according to the file itself.

The file says it through `require`/`import` of a logging library and what it does with it:
`require("debug")("ns")`, `createDebug("ns")`, `(0, debug_1.default)("ns")` (TypeScript's CommonJS output),
`pino()`, `winston.createLogger()`, `log4js.getLogger()`, `.child()`/`.extend()` of those. Each library name is
looked up where it is used by a byte search for the name, so cost follows the few names a file binds, not the
size of the file. Names the file is silent about are loggers only by convention (`logger`, `this.log`,
Fastify's `request.log`), and names it binds to something else are not (`const log = []`, `Math`).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from functools import lru_cache

import tree_sitter

from .templates import string_value

LIBRARIES = {
    "debug": "debug", "pino": "pino", "winston": "winston", "bunyan": "bunyan", "log4js": "log4js",
    "loglevel": "loglevel", "consola": "consola", "signale": "signale",
}
MODULE_IS_LOGGER = {"winston", "loglevel", "consola", "signale"}  # `winston.info(...)` logs
INTEROP_HELPERS = ("__importDefault", "__importStar", "_interopRequireDefault", "_interopRequireWildcard",
                   "__toESM", "interopDefault")
FASTIFY_OWNERS = {"request", "req", "reply", "res", "fastify", "app", "server", "instance", "ctx"}
FACTORY_METHODS = {
    "winston": {"createLogger", "Logger"}, "bunyan": {"createLogger"}, "log4js": {"getLogger"},
    "pino": {"pino", "default"}, "debug": {"default", "debug"}, "loglevel": {"getLogger"},
    "consola": {"create", "withTag"}, "signale": {"Signale"},
}


@dataclass(frozen=True, slots=True)
class LoggerInfo:
    framework: str
    logger: str | None
    receiver: str = "declared"


@dataclass(frozen=True, slots=True)
class ModuleBinding:
    spec: str  # the module specifier as written ("debug", "./debug")
    how: str  # module | holder (interop object whose `.default` is the module) | named:<export>


def _text(node: tree_sitter.Node | None) -> str:
    if node is None or node.text is None:
        return ""
    return node.text.decode("utf-8", "replace")


_CONVENTION_RE = re.compile(r"^_*(?:log|logger|lg|lgr|l0g|syslog)$|_(?:log|logger)$|logger$|Logger$|^_*LOG(?:GER)?$", re.I)


def conventional_name(name: str) -> bool:
    """`log`, `logger`, `this.log`, `requestLogger`, `LOG` — not `changelog`, `Math`, `catalog`."""
    return bool(_CONVENTION_RE.search(name))


_NOT_LOGGER_VALUE = rb"(?:\[|\{|'|\"|`|\d|null\b|undefined\b|true\b|false\b|new\s+(?:Array|Map|Set)\b)"


@lru_cache(maxsize=512)
def _literal_binding_re(name: str) -> re.Pattern[bytes]:
    # starts with the literal name so the regex engine can skip ahead; the character before is checked after
    return re.compile(re.escape(name.encode()) + rb"\s*(?::[^=\n]*)?=(?![=>])\s*" + _NOT_LOGGER_VALUE)


def bound_to_literal(source: bytes, name: str) -> bool:
    """Whether the file assigns `name` a literal (`const log = []`): then it is not a logger."""
    for match in _literal_binding_re(name).finditer(source):
        before = source[match.start() - 1:match.start()] if match.start() else b""
        if not before or not (before.isalnum() or before in (b"_", b"$", b".")):
            return True
    return False


@lru_cache(maxsize=512)
def _name_re(name: str) -> re.Pattern[bytes]:
    return re.compile(rb"(?<![\w$.])" + re.escape(name.encode()) + rb"(?![\w$])")


def binding_target(node: tree_sitter.Node) -> tree_sitter.Node | None:
    """The name a value is bound to: `const x = <node>`, `x = <node>`, `this.x = <node>`, `{a, b} = <node>`."""
    parent = node.parent
    # `x = cond ? require("debug")("a") : noop`, `x = y || pino()`: still what x may hold
    while parent is not None and parent.type in ("parenthesized_expression", "await_expression", "as_expression",
                                                 "non_null_expression", "ternary_expression", "binary_expression"):
        if parent.type == "ternary_expression" and parent.child_by_field_name("condition") == node:
            return None
        if parent.type == "binary_expression" and _text(parent.child_by_field_name("operator")) not in ("||", "??"):
            return None
        node, parent = parent, parent.parent
    if parent is None:
        return None
    if parent.type == "variable_declarator" and parent.child_by_field_name("value") == node:
        return parent.child_by_field_name("name")
    if parent.type == "assignment_expression" and parent.child_by_field_name("right") == node:
        return parent.child_by_field_name("left")
    if parent.type in ("public_field_definition", "field_definition") and parent.child_by_field_name("value") == node:
        return parent.child_by_field_name("name") or parent.child_by_field_name("property")
    return None


def target_key(target: tree_sitter.Node) -> str | None:
    if target.type in ("identifier", "shorthand_property_identifier_pattern"):
        return _text(target)
    if target.type == "member_expression":
        return "." + _text(target.child_by_field_name("property"))
    if target.type in ("property_identifier", "private_property_identifier"):
        return "." + _text(target)
    return None


_MAX_DEPTH = 40


@dataclass(slots=True)
class Bindings:
    source: bytes
    root: tree_sitter.Node
    modules: dict[str, ModuleBinding] = field(default_factory=dict)  # local name -> what it was bound from
    instances: dict[str, LoggerInfo] = field(default_factory=dict)  # `debug` / `.logger` -> logger
    libraries: set[str] = field(default_factory=set)  # logging libraries the file brings in
    literal_names: dict[str, bool] = field(default_factory=dict)  # name -> bound to a literal (memo)
    depth: int = 0  # recursion guard of receiver_logger

    # -- collecting ------------------------------------------------------------------------------------------

    def add_require(self, call: tree_sitter.Node, module: tree_sitter.Node) -> None:
        spec = string_value(module)
        if spec is None:
            return
        library = LIBRARIES.get(spec.split("/")[0]) if not spec.startswith(".") else None
        if library:
            self.libraries.add(library)
        parent = call.parent
        # require("debug")("ns"), require("pino")(opts)
        if parent is not None and parent.type == "call_expression" and parent.child_by_field_name("function") == call:
            if library:
                self._instance_from_factory_call(parent, library)
            return
        # __importDefault(require("debug"))
        if parent is not None and parent.type == "arguments" and parent.parent is not None:
            helper = parent.parent
            if helper.type == "call_expression" and _text(helper.child_by_field_name("function")).split(".")[-1] in INTEROP_HELPERS:
                target = binding_target(helper)
                if target is not None and target.type == "identifier":
                    self.modules[_text(target)] = ModuleBinding(spec, "holder")
                return
        # require("winston").createLogger(...) / require("debug").debug
        if parent is not None and parent.type == "member_expression" and parent.child_by_field_name("object") == call:
            prop = _text(parent.child_by_field_name("property"))
            grand = parent.parent
            if library and grand is not None and grand.type == "call_expression" and grand.child_by_field_name("function") == parent:
                self._instance_from_factory_call(grand, library)
                return
            target = binding_target(parent)
            if target is not None and target.type == "identifier":
                self.modules[_text(target)] = ModuleBinding(spec, "module" if prop == "default" else f"named:{prop}")
            return
        target = binding_target(call)
        if target is None:
            return
        if target.type == "identifier":
            self.modules[_text(target)] = ModuleBinding(spec, "module")
        elif target.type == "object_pattern":
            for child in target.named_children:
                if child.type == "shorthand_property_identifier_pattern":
                    self.modules[_text(child)] = ModuleBinding(spec, f"named:{_text(child)}")
                elif child.type == "pair_pattern":
                    key = child.child_by_field_name("key")
                    value = child.child_by_field_name("value")
                    if value is not None and value.type == "identifier":
                        self.modules[_text(value)] = ModuleBinding(spec, f"named:{_text(key)}")

    def add_import(self, statement: tree_sitter.Node, module: tree_sitter.Node) -> None:
        spec = string_value(module)
        if spec is None:
            return
        library = LIBRARIES.get(spec.split("/")[0]) if not spec.startswith(".") else None
        if library:
            self.libraries.add(library)
        clause = next((c for c in statement.named_children if c.type == "import_clause"), None)
        if clause is None:
            return
        for child in clause.named_children:
            if child.type == "identifier":
                self.modules[_text(child)] = ModuleBinding(spec, "module")
            elif child.type == "namespace_import":
                ident = next((c for c in child.named_children if c.type == "identifier"), None)
                if ident is not None:
                    self.modules[_text(ident)] = ModuleBinding(spec, "namespace")
            elif child.type == "named_imports":
                for spec_node in child.named_children:
                    if spec_node.type != "import_specifier":
                        continue
                    name = spec_node.child_by_field_name("name")
                    alias = spec_node.child_by_field_name("alias") or name
                    self.modules[_text(alias)] = ModuleBinding(spec, f"named:{_text(name)}")

    def resolve_instances(self) -> None:
        """Find the logger instances made from the library names the file binds, then their children."""
        for name, binding in list(self.modules.items()):
            library = LIBRARIES.get(binding.spec.split("/")[0]) if not binding.spec.startswith(".") else None
            if library is None:
                continue
            for ident in self._occurrences(name):
                self._use_of_library_name(ident, library, binding)
        frontier = list(self.instances)
        for _ in range(3):
            new: list[str] = []
            for name in frontier:
                if name.startswith("."):
                    continue
                for ident in self._occurrences(name):
                    new.extend(self._child_of_instance(ident, self.instances[name]))
            if not new:
                break
            frontier = new

    def _occurrences(self, name: str) -> list[tree_sitter.Node]:
        if name.encode() not in self.source:
            return []
        out = []
        for match in _name_re(name).finditer(self.source):
            node = self.root.named_descendant_for_byte_range(match.start(), match.end())
            if node is not None and node.type == "identifier" and node.start_byte == match.start():
                out.append(node)
        return out

    def _use_of_library_name(self, ident: tree_sitter.Node, library: str, binding: ModuleBinding) -> None:
        parent = ident.parent
        if parent is None:
            return
        how = binding.how
        if parent.type == "call_expression" and parent.child_by_field_name("function") == ident:
            # createDebug("ns"), pino(), createLogger() imported by name
            if how in ("module", "named:default") or how.startswith("named:") and how[6:] in FACTORY_METHODS.get(library, ()):
                self._instance_from_factory_call(parent, library)
            return
        if parent.type == "new_expression" and how.startswith("named:"):
            self._instance_from_factory_call(parent, library)
            return
        if parent.type == "member_expression" and parent.child_by_field_name("object") == ident:
            prop = _text(parent.child_by_field_name("property"))
            if prop not in FACTORY_METHODS.get(library, ()) and not (how == "holder" and prop == "default"):
                return
            call = parent.parent
            # (0, debug_1.default)("ns")
            if call is not None and call.type == "sequence_expression":
                call = call.parent
                if call is not None and call.type == "parenthesized_expression":
                    call = call.parent
                if call is None or call.type != "call_expression":
                    return
                self._instance_from_factory_call(call, library)
                return
            if call is not None and call.type in ("call_expression", "new_expression"):
                function = call.child_by_field_name("function") or call.child_by_field_name("constructor")
                if function == parent:
                    self._instance_from_factory_call(call, library)

    def _instance_from_factory_call(self, call: tree_sitter.Node, library: str) -> None:
        target = binding_target(call)
        if target is None:
            return
        key = target_key(target)
        if key is None:
            return
        name = None
        args = call.child_by_field_name("arguments")
        values = [a for a in args.named_children if a.type != "comment"] if args is not None else []
        if library in ("debug", "log4js", "loglevel") and values:
            name = string_value(values[0])
        elif library in ("pino", "bunyan", "winston") and values and values[0].type == "object":
            name = _object_string(values[0], "name")
        self.instances.setdefault(key, LoggerInfo(library, name))

    def _child_of_instance(self, ident: tree_sitter.Node, info: LoggerInfo) -> list[str]:
        parent = ident.parent
        if parent is None or parent.type != "member_expression" or parent.child_by_field_name("object") != ident:
            return []
        prop = _text(parent.child_by_field_name("property"))
        if prop not in ("child", "extend", "getLogger", "withTag", "scope"):
            return []
        call = parent.parent
        if call is None or call.type != "call_expression" or call.child_by_field_name("function") != parent:
            return []
        target = binding_target(call)
        key = target_key(target) if target is not None else None
        if key is None or key in self.instances:
            return []
        name = info.logger
        if prop == "extend" and info.framework == "debug":
            args = call.child_by_field_name("arguments")
            values = [a for a in args.named_children if a.type != "comment"] if args is not None else []
            suffix = string_value(values[0]) if values else None
            delimiter = string_value(values[1]) if len(values) > 1 else ":"
            name = f"{info.logger}{delimiter}{suffix}" if info.logger and suffix is not None and delimiter is not None else None
        self.instances[key] = LoggerInfo(info.framework, name)
        return [key]

    # -- resolving -------------------------------------------------------------------------------------------

    @property
    def default_framework(self) -> str:
        named = self.libraries - {"debug"}
        if len(named) == 1:
            return next(iter(named))
        return "unknown"

    def receiver_logger(self, node: tree_sitter.Node) -> LoggerInfo | None:
        """Classify the object a logging method is called on."""
        if self.depth > _MAX_DEPTH:
            return None  # `a.child().child()...` thousands deep: hostile input, not a logger we can name
        self.depth += 1
        try:
            return self._receiver_logger(node)
        finally:
            self.depth -= 1

    def _receiver_logger(self, node: tree_sitter.Node) -> LoggerInfo | None:
        kind = node.type
        while kind in ("parenthesized_expression", "non_null_expression", "as_expression") and node.named_child_count:
            node = node.named_children[0]
            kind = node.type
        if kind == "identifier":
            name = _text(node)
            info = self.instances.get(name)
            if info is not None:
                return None if info.framework == "debug" else info  # debug instances have no level methods
            binding = self.modules.get(name)
            if binding is not None:
                library = LIBRARIES.get(binding.spec.split("/")[0]) if not binding.spec.startswith(".") else None
                if library in MODULE_IS_LOGGER and binding.how in ("module", "namespace", "holder"):
                    return LoggerInfo(library, None)
                if library is not None:
                    return None  # `pino.info` / `debug.info`: the library object, not a logger
            if name == "console":
                return LoggerInfo("console", None)
            if conventional_name(name):
                if name not in self.literal_names:
                    self.literal_names[name] = bound_to_literal(self.source, name)
                if self.literal_names[name]:
                    return None
                return LoggerInfo(self.default_framework, None, receiver="convention")
            return None
        if kind == "member_expression":
            prop = _text(node.child_by_field_name("property"))
            info = self.instances.get("." + prop)
            if info is not None:
                return info
            obj = node.child_by_field_name("object")
            if prop == "log" and obj is not None and (
                _text(obj) in FASTIFY_OWNERS or (obj.type == "this" and b"fastify" in self.source)
            ):
                return LoggerInfo("pino" if self.default_framework == "unknown" else self.default_framework, None,
                                  receiver="convention")
            if conventional_name(prop):
                return LoggerInfo(self.default_framework, None, receiver="convention")
            return None
        if kind == "call_expression":
            function = node.child_by_field_name("function")
            if function is None:
                return None
            if function.type == "member_expression":
                prop = _text(function.child_by_field_name("property"))
                obj = function.child_by_field_name("object")
                if prop in ("child", "getLogger", "withTag", "scope") and obj is not None:
                    base = self.receiver_logger(obj)
                    return base
                if obj is not None and obj.type == "identifier" and obj.text is not None:
                    binding = self.modules.get(_text(obj))
                    if binding is not None:
                        library = LIBRARIES.get(binding.spec.split("/")[0])
                        if library and prop in FACTORY_METHODS.get(library, ()):
                            return LoggerInfo(library, None)
            if function.type == "identifier":
                binding = self.modules.get(_text(function))
                if binding is not None:
                    library = LIBRARIES.get(binding.spec.split("/")[0])
                    if library in ("pino", "bunyan"):
                        return LoggerInfo(library, None)
        return None

    def debug_instance(self, name: str) -> LoggerInfo | None:
        info = self.instances.get(name)
        return info if info is not None and info.framework == "debug" else None

    def resolves_to(self, name: str, from_path: str, target_path: str) -> ModuleBinding | None:
        """The binding of `name` when it was required/imported from the file `target_path`."""
        binding = self.modules.get(name)
        if binding is None or not binding.spec.startswith("."):
            return None
        base = posixpath.normpath(posixpath.join(posixpath.dirname(from_path), binding.spec))
        stem_target = re.sub(r"\.(?:[cm]?[jt]sx?)$", "", target_path)
        if base == target_path or base == stem_target or base + "/index" == stem_target:
            return binding
        return None


def _object_string(obj: tree_sitter.Node, key: str) -> str | None:
    for pair in obj.named_children:
        if pair.type != "pair":
            continue
        pair_key = pair.child_by_field_name("key")
        value = pair.child_by_field_name("value")
        key_text = string_value(pair_key) if pair_key is not None and pair_key.type == "string" else _text(pair_key)
        if key_text == key and value is not None:
            return string_value(value)
    return None


def object_property(obj: tree_sitter.Node, key: str) -> tree_sitter.Node | None:
    for pair in obj.named_children:
        if pair.type == "pair":
            pair_key = pair.child_by_field_name("key")
            key_text = string_value(pair_key) if pair_key is not None and pair_key.type == "string" else _text(pair_key)
            if key_text == key:
                return pair.child_by_field_name("value")
        elif pair.type == "shorthand_property_identifier" and _text(pair) == key:
            return pair
    return None
