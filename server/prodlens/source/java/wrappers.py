"""Java logging wrappers: which methods are wrappers (a message-like parameter that ends up in a logger call's
message), and the statements their call sites make.

A wrapper's inner call stays a statement (marked `wrapper`); each call site becomes a statement whose template is
the inner call's constant text around the call site's own message.
"""

from __future__ import annotations

import re

import tree_sitter

from ...model import Hole, HoleKind, Template
from ..extract_types import RawStatement, WrapperDef
from ..wrappers import name_call_sites
from .calls import LOGGING_METHOD_NAMES, Call, apply_style, finish, level_of
from .facts import FileFacts, simple_type_name, text_of
from .messages import MessageReader, hole_name
from ..common.positions import LineColumns
from ..common.splice import wrapper_site_statement
from ..common.syntax import concat_operands, used_only_in_logging_calls

_MESSAGE_TYPES = frozenset({"String", "CharSequence", "Object", "Supplier"})
# parameter names that say "this is the message" (not `s`, `text` or `msgText`: those are usually values logged)
_MESSAGE_PARAM = re.compile(r"^(?:msg|message|fmt|format|pattern|template|logMessage|messagePattern|formatString)$", re.I)
# a method named for logging: `log`, `logInfo`, `debug_`, `auditEvent`, `writeLog`, `traceDebug` (not `login`)
_LOGGING_METHOD = re.compile(
    r"^(?:log|debug|info|warn|warning|error|trace|fatal|severe|audit)(?:[A-Z_0-9]|$)"
    r"|(?:Log|Debug|Info|Warn|Warning|Error|Trace|Fatal|Audit)$"
)
_CLASS_AFFIXES = re.compile(r"^(?:Abstract|Base|Default)|(?:Impl|Support|Base)$")


def wrapper_of(call: Call, path: str, reader: MessageReader, facts: FileFacts) -> WrapperDef | None:
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
    for operand in concat_operands(message_node, _parenthesized):
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
        parts = apply_style(parts, call.style)[0]
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


def wrapper_site(
    node: tree_sitter.Node,
    name: str,
    wrappers: list[WrapperDef],
    reader: MessageReader,
    lines: LineColumns,
    facts: FileFacts,
) -> RawStatement | None:
    """The statement a call of a wrapper makes, or None when the call cannot be one of these wrappers."""
    if _enclosing_method_name(node) == name:
        return None  # the wrapper calling itself (an overload delegating): not a site
    args_node = node.child_by_field_name("arguments")
    if args_node is None:
        return None
    args = args_node.named_children
    obj = node.child_by_field_name("object")
    if obj is not None and obj.type not in ("this", "super") and name in LOGGING_METHOD_NAMES:
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
    parts, _template, confidence, throwable = finish(site_parts, style, list(extra), node)
    level = wrapper.level
    if wrapper.level_param is not None:
        level = level_of(args[wrapper.level_param])
    return wrapper_site_statement(wrapper, lines.range(node), parts, confidence, level, throwable)


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
    return used_only_in_logging_calls(facts.root, facts.source, body, name, rb"[\w$]", allowed, "method_invocation",
                                      _is_logging_call)


def _is_logging_call(invocation: tree_sitter.Node) -> bool:
    method_name = invocation.child_by_field_name("name")
    return method_name is not None and text_of(method_name) in LOGGING_METHOD_NAMES


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


def _parenthesized(node: tree_sitter.Node) -> tree_sitter.Node | None:
    """`(x)` stands for `x`."""
    if node.type == "parenthesized_expression" and len(node.named_children) == 1:
        return node.named_children[0]
    return None


def wrapper_names(wrappers: list[WrapperDef]) -> dict[str, list[WrapperDef]]:
    out: dict[str, list[WrapperDef]] = {}
    for wrapper in wrappers:
        if wrapper.language not in ("java", "", None):
            continue
        out.setdefault(wrapper.name.rsplit(".", 1)[-1], []).append(wrapper)
        if "." in wrapper.name:
            out.setdefault(wrapper.name, []).append(wrapper)
    return out


def wrapper_site_names(source: bytes, wrappers: dict[str, list[WrapperDef]],
                       byte_range: tuple[int, int] | None = None) -> list[tuple[int, str]]:
    """Byte offsets of `name(` for each wrapper name: a cheap scan instead of querying every call."""
    names = (n for n in wrappers if "." not in n)
    return name_call_sites(source, names, *byte_range) if byte_range else name_call_sites(source, names)


def invocation_at(root: tree_sitter.Node, start: int, name: str) -> tree_sitter.Node | None:
    node = root.descendant_for_byte_range(start, start + len(name.encode()))
    if node is None or node.type != "identifier" or node.parent is None or node.parent.type != "method_invocation":
        return None
    name_node = node.parent.child_by_field_name("name")
    if name_node is None or name_node.start_byte != node.start_byte:
        return None
    return node.parent
