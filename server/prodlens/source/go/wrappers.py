"""Go logging wrappers: functions whose message-like string parameter ends up in a logger call's message, and the
statements their call sites make."""

from __future__ import annotations

import re

import tree_sitter

from ...model import Hole, Template
from ..extract_types import RawStatement, WrapperDef
from ..wrappers import name_call_sites
from .calls import LOGGING_METHOD_NAMES, Call, level_of
from .facts import FileFacts, declared_names, text_of
from .messages import MAX_DEPTH, MessageReader
from ..common.positions import LineColumns
from ..common.splice import wrapper_site_statement
from ..common.syntax import concat_operands, used_only_in_logging_calls

# parameter names that say "this is the message" (not `s`, `text` or `msgText`: those are usually values logged)
_MESSAGE_PARAM = re.compile(r"^(?:msg|message|fmt|format|pattern|template|logMessage|messagePattern|formatString)$", re.I)
# a function named for logging: `logf`, `Logf`, `debugLog`, `warnf`, `auditEvent` (not `login`, `catalog`)
_LOGGING_FUNC = re.compile(
    r"^(?:[lL]og|[dD]ebug|[iI]nfo|[wW]arn|[wW]arning|[eE]rror|[tT]race|[fF]atal|[aA]udit|[pP]rint)(?:[A-Z_0-9fw]|ln|$)"
    r"|(?:Log|Logf|Debug|Info|Warn|Warning|Error|Trace|Fatal|Audit)$"
)


def wrapper_of(call: Call, path: str, reader: MessageReader) -> WrapperDef | None:
    """A function whose message-like string parameter is (part of) this call's message."""
    function = _enclosing_function(call.node)
    if function is None or call.mode == "println":
        return None
    params = _parameters(function)
    if not params:
        return None
    names = {name: index for index, (name, _t, _v) in enumerate(params)}
    name_node = function.child_by_field_name("name")
    if name_node is None:
        return None
    func_name = text_of(name_node)
    forwarded = _forwarded_variadic(call.extra + call.message_args, names)
    passes_args = forwarded is not None
    message_param = None
    param_name = ""
    message_nodes = call.message_args[:1] if call.mode != "print" else call.message_args
    for message in message_nodes:
        for operand in concat_operands(message, _sprintf_format):
            if operand.type != "identifier" or text_of(operand) not in names:
                continue
            index = names[text_of(operand)]
            name, type_text, variadic = params[index]
            if variadic or type_text != "string":
                continue
            if passes_args or _MESSAGE_PARAM.search(name) or _LOGGING_FUNC.search(func_name):
                message_param, param_name = index, name
                break
        if message_param is not None:
            break
    if message_param is None:
        return None
    if not _LOGGING_FUNC.search(func_name) and not _used_only_for_logging(
        reader.facts, function, param_name, call.node
    ):
        return None  # the function also computes with the parameter: a value it logs, not a message
    parts, _confidence = reader.message(call.mode, call.message_args, call.extra, hole_for=param_name)
    template = Template.of(parts)
    level_param = None
    if call.level_arg is not None and call.level_arg.type == "identifier" and text_of(call.level_arg) in names:
        level_param = names[text_of(call.level_arg)]
    args_param = forwarded
    sprintf = call.mode != "printf" and args_param is not None  # `log.Print(fmt.Sprintf(format, args...))`
    passthrough = len(template.parts) == 1 and isinstance(template.parts[0], Hole)
    return WrapperDef(
        name=func_name,
        language="go",
        path=path,
        message_param=message_param,
        level_param=level_param,
        level=call.level if level_param is None else None,
        framework=call.framework,
        logger=call.logger,
        template=None if passthrough else template,
        message_hole="message",
        args_param=args_param,
        placeholder_style="printf" if (call.mode == "printf" or sprintf) and args_param is not None else None,
        method=function.type == "method_declaration",
        exported=func_name[:1].isupper(),
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
    function = _enclosing_function(node)
    if function is not None:
        fname = function.child_by_field_name("name")
        if fname is not None and text_of(fname) == name:
            return None  # recursion or delegation inside the wrapper itself
    if not _plausible_site(node, name, wrappers, facts):
        return None
    args_node = node.child_by_field_name("arguments")
    if args_node is None:
        return None
    args = list(args_node.named_children)
    wrapper = next((w for w in wrappers if w.message_param < len(args)), None)
    if wrapper is None:
        return None
    message = args[wrapper.message_param]
    extra = args[wrapper.args_param :] if wrapper.args_param is not None else []
    mode = "printf" if wrapper.placeholder_style == "printf" or (wrapper.path == "" and extra) else "msg"
    if wrapper.path == "" and len(args) > wrapper.message_param + 1:
        mode = "printf"  # a configured logging method with arguments after the message: fmt style
        extra = args[wrapper.message_param + 1 :]
    parts, confidence = reader.message(mode, [message], list(extra))
    level = wrapper.level
    if wrapper.level_param is not None and wrapper.level_param < len(args):
        level = level_of(args[wrapper.level_param])
    return wrapper_site_statement(wrapper, lines.range(node), parts, confidence, level, False)


def _enclosing_function(node: tree_sitter.Node) -> tree_sitter.Node | None:
    current = node.parent
    while current is not None:
        if current.type in ("function_declaration", "method_declaration"):
            return current
        if current.type == "func_literal":
            return None
        current = current.parent
    return None


def _parameters(function: tree_sitter.Node) -> list[tuple[str, str, bool]]:
    """(name, type, variadic) of each parameter, in order (`a, b string` is two)."""
    params = function.child_by_field_name("parameters")
    if params is None:
        return []
    out: list[tuple[str, str, bool]] = []
    for decl in params.named_children:
        if decl.type not in ("parameter_declaration", "variadic_parameter_declaration"):
            continue
        type_node = decl.child_by_field_name("type")
        type_text = text_of(type_node) if type_node is not None else ""
        for child in declared_names(decl):
            out.append((text_of(child), type_text, decl.type == "variadic_parameter_declaration"))
    return out


def _used_only_for_logging(facts: FileFacts, function: tree_sitter.Node, name: str, call: tree_sitter.Node) -> bool:
    """Is parameter `name` used in the function body only inside logging calls? (See the Java extractor.)"""
    body = function.child_by_field_name("body")
    if body is None:
        return False
    return used_only_in_logging_calls(facts.root, facts.source, body, name, rb"\w", [call], "call_expression",
                                      _is_logging_call)


def _is_logging_call(call: tree_sitter.Node) -> bool:
    """`x.Info(...)`, `log.Printf(...)`: a selector call whose method is a logging method name."""
    function_node = call.child_by_field_name("function")
    field = function_node.child_by_field_name("field") if function_node is not None and \
        function_node.type == "selector_expression" else None
    return field is not None and text_of(field) in LOGGING_METHOD_NAMES


def _forwarded_variadic(args: list[tree_sitter.Node], names: dict[str, int], depth: int = 0) -> int | None:
    """Index of the parameter forwarded as `args...`, directly or into `fmt.Sprintf(format, args...)`."""
    if depth > MAX_DEPTH:
        return None
    for arg in args:
        if arg.type == "variadic_argument" and arg.named_children and text_of(arg.named_children[0]) in names:
            return names[text_of(arg.named_children[0])]
        if arg.type == "call_expression":
            function = arg.child_by_field_name("function")
            inner = arg.child_by_field_name("arguments")
            if function is not None and text_of(function) in ("fmt.Sprintf", "fmt.Errorf") and inner is not None:
                found = _forwarded_variadic(list(inner.named_children), names, depth + 1)
                if found is not None:
                    return found
    return None


def _sprintf_format(node: tree_sitter.Node) -> tree_sitter.Node | None:
    """`fmt.Sprintf(format, ...)` stands for its format string."""
    if node.type == "call_expression":
        function = node.child_by_field_name("function")
        args = node.child_by_field_name("arguments")
        if function is not None and text_of(function) == "fmt.Sprintf" and args is not None and args.named_children:
            return args.named_children[0]
    return None


def _plausible_site(node: tree_sitter.Node, name: str, wrappers: list[WrapperDef], facts: FileFacts) -> bool:
    """Could `x.Name(...)` call this wrapper? Not when `x` is another imported package (`fmt.Errorf` is not a
    wrapper named Errorf) or a variable the file declares as something else; and a wrapper named like a logging
    method (`Infof`) is only trusted on plain calls or through its own package, because on any other receiver
    the name says nothing."""
    function = node.child_by_field_name("function")
    if function is None or function.type != "selector_expression":
        return True
    operand = function.child_by_field_name("operand")
    if operand is None:
        return False
    packages = {w.path.rsplit("/", 2)[-2] if w.path.count("/") >= 1 else "" for w in wrappers}
    if operand.type == "identifier":
        local = text_of(operand)
        if local in facts.imports:
            imported = facts.imports[local].rstrip("/").rsplit("/", 1)[-1]
            return local in packages or imported in packages or any(w.path == "" for w in wrappers)
        declared, value = facts.variable(local)
        if declared and value is None:
            return False
        if local in packages:
            return True
    return name not in LOGGING_METHOD_NAMES or any(w.path == "" for w in wrappers)


def wrapper_names(wrappers: list[WrapperDef]) -> dict[str, list[WrapperDef]]:
    out: dict[str, list[WrapperDef]] = {}
    for wrapper in wrappers:
        if wrapper.language != "go":
            continue
        out.setdefault(wrapper.name.rsplit(".", 1)[-1], []).append(wrapper)
    return out


def site_offsets(source: bytes, wrappers: dict[str, list[WrapperDef]],
                 byte_range: tuple[int, int] | None = None) -> list[tuple[int, str]]:
    return name_call_sites(source, wrappers, *byte_range) if byte_range else name_call_sites(source, wrappers)


def call_at(root: tree_sitter.Node, start: int, name: str) -> tree_sitter.Node | None:
    node = root.descendant_for_byte_range(start, start + len(name.encode()))
    if node is None or node.type not in ("identifier", "field_identifier") or node.parent is None:
        return None
    parent = node.parent
    if parent.type == "selector_expression":
        field = parent.child_by_field_name("field")
        if field is None or field.start_byte != node.start_byte:
            return None
        function, call = parent, parent.parent
    else:
        function, call = node, parent
    if call is None or call.type != "call_expression":
        return None
    target = call.child_by_field_name("function")
    if target is None or target.start_byte != function.start_byte or target.end_byte != function.end_byte:
        return None
    return call
