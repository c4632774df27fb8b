"""Break a tie by where a record's rendered value came from: a string constant only one candidate's code holds.

Statements with the same text, level and logger fit the same records, so the record's constant text cannot tell
them apart — but its *values* sometimes can. A value is often built right beside the call that logs it:
`LOG.debug("Running {}", this)` inside an anonymous `Runnable` whose `toString()` returns `"WriteCheck[" + …`,
a tag assembled from a literal in the same method. When a hole of the record's message begins with a string
constant that appears in the code around exactly one tied candidate (the outermost function enclosing the call,
with everything nested in it: lambdas, closures, anonymous classes) and nowhere else in the candidates' files (not
in another function, not in a field or module-level constant, not around another candidate), that candidate's
code produced the value, so it wrote the record. A constant the files use in several places (`"http://"`, a
shared prefix) could have reached the other candidates' values too, so it is not evidence.

The evidence must be unambiguous or nothing is chosen: candidates must share one template with constant text
(text-less templates fit anything, and tests often hold copies of whole messages); only constants of at least
`_MIN_LITERAL_CHARS` characters with a letter or digit count; the constant must open a hole's value (a constant
merely occurring inside a value — `true` in `cleanSession=true` — is a coincidence, not provenance); a candidate
whose surroundings cannot be read (no enclosing function, unsupported language, unreadable file) stops the rule,
because its constants are unknown. Files are parsed with tree-sitter on demand and cached by path, size and
modification time.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

import tree_sitter

from ..model import Hole, LogStatement, Part
from ..source.languages import language_for_path, new_parser

_MIN_LITERAL_CHARS = 4
_MAX_MESSAGE_CHARS = 65_536  # longer messages are not examined (bounded work per record)
_MAX_SOURCE_BYTES = 8 * 1024 * 1024

# nodes that hold a function body of their own; a statement's scope is the outermost one enclosing it
_FUNCTIONS: dict[str, frozenset[str]] = {
    "java": frozenset({"method_declaration", "constructor_declaration", "compact_constructor_declaration",
                       "lambda_expression", "static_initializer"}),
    "python": frozenset({"function_definition", "lambda"}),
    "javascript": frozenset({"function_declaration", "function_expression", "arrow_function", "method_definition",
                             "generator_function_declaration", "generator_function", "function"}),
    "go": frozenset({"function_declaration", "method_declaration", "func_literal"}),
}
_FUNCTIONS["typescript"] = _FUNCTIONS["tsx"] = _FUNCTIONS["javascript"]
# the text inside string literals, without quotes or interpolations, per grammar
_FRAGMENTS = frozenset({"string_fragment", "multiline_string_fragment", "string_content",
                        "interpreted_string_literal_content", "raw_string_literal_content"})

Scope = tuple[int, int, frozenset[str]]  # first line, last line (1-based), constants inside


@dataclass(frozen=True)
class FileConstants:
    """A file's string constants: per outermost function, and outside every function (fields, module code)."""

    scopes: tuple[Scope, ...]
    outside: frozenset[str]

    def scope_of(self, first: int, last: int) -> int | None:
        for index, (start, end, _) in enumerate(self.scopes):
            if start <= first and last <= end:
                return index
        return None


def _worth_counting(text: str) -> bool:
    return len(text.strip()) >= _MIN_LITERAL_CHARS and any(ch.isalnum() for ch in text)


def _anonymous_class(node: tree_sitter.Node) -> bool:
    """A Java anonymous class (`new Runnable() { … }`): its methods share one scope even outside any method
    (a field initializer), so a `toString()` beside the logging `run()` counts."""
    return node.type == "object_creation_expression" and any(c.type == "class_body" for c in node.children)


def _fragment_text(node: tree_sitter.Node) -> str | None:
    text = node.text.decode("utf-8", "replace") if node.text is not None else ""
    return text if _worth_counting(text) else None


def _constants_under(node: tree_sitter.Node) -> frozenset[str]:
    """The string-literal fragments anywhere below `node`, nested functions included."""
    constants: set[str] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type in _FRAGMENTS:
            text = _fragment_text(current)
            if text is not None:
                constants.add(text)
            continue
        stack.extend(current.children)
    return frozenset(constants)


def _file_constants(root: tree_sitter.Node, functions: frozenset[str]) -> FileConstants:
    """Each outermost function's constants, and the constants outside every function."""
    scopes: list[Scope] = []
    outside: set[str] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type in _FRAGMENTS:
            text = _fragment_text(node)
            if text is not None:
                outside.add(text)
            continue
        if node.type in functions or _anonymous_class(node):
            scopes.append((node.start_point[0] + 1, node.end_point[0] + 1, _constants_under(node)))
            continue
        stack.extend(node.children)
    return FileConstants(tuple(scopes), frozenset(outside))


@lru_cache(maxsize=256)
def _file_scopes(path: str, language: str, size: int, mtime_ns: int) -> FileConstants | None:
    """Constants of one file version (size and mtime are part of the key so an edited file is read again)."""
    if size > _MAX_SOURCE_BYTES:
        return None
    try:
        with open(path, "rb") as handle:
            source = handle.read()
    except OSError:
        return None
    try:
        tree = new_parser(language).parse(source)
    except (ValueError, RecursionError, MemoryError):
        return None
    return _file_constants(tree.root_node, _FUNCTIONS[language])


@lru_cache(maxsize=4096)
def _language(path: str) -> str | None:
    return language_for_path(path)


def _identity(path: str) -> tuple[int, int] | None:
    """(size, mtime) of a file, or None when it cannot be read: part of every cache key, so edits are seen."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns


def _constants_at(path: str, language: str, identity: tuple[int, int], first: int, last: int) -> frozenset[str] | None:
    constants = _file_scopes(path, language, *identity)
    if constants is None:
        return None
    index = constants.scope_of(first, last)
    return None if index is None else constants.scopes[index][2]  # module-level code: not one function


def scope_constants(root: str | os.PathLike, statement: LogStatement) -> frozenset[str] | None:
    """String constants of the outermost function enclosing the statement's call, or None when unknown."""
    language = _language(statement.path)
    if language not in _FUNCTIONS:
        return None
    path = os.path.join(os.fspath(root), statement.path)
    identity = _identity(path)
    if identity is None:
        return None
    return _constants_at(path, language, identity, statement.line, statement.end_line)


@lru_cache(maxsize=4096)
def _evidence(root: str, spans: tuple[tuple[str, int, int], ...],
              identities: tuple[tuple[int, int] | None, ...]) -> tuple[frozenset[str], ...] | None:
    """Per candidate (path, first line, last line): the constants of its surroundings that appear nowhere else in
    the candidates' files — not in another function, not outside functions (a field, a module-level prefix), not
    in another candidate's surroundings. None when some candidate's surroundings are unknown. Cached per tie and
    file versions."""
    files: dict[str, FileConstants] = {}
    places: list[tuple[str, int]] = []
    for (relative, first, last), identity in zip(spans, identities):
        language = _language(relative)
        if identity is None or language not in _FUNCTIONS:
            return None
        constants = files.get(relative) or _file_scopes(os.path.join(root, relative), language, *identity)
        if constants is None:
            return None
        files[relative] = constants
        index = constants.scope_of(first, last)
        if index is None:
            return None
        places.append((relative, index))
    evidence = []
    for place in places:
        relative, index = place
        elsewhere: set[str] = set()
        for other_path, constants in files.items():
            elsewhere |= constants.outside
            for other_index, (_, _, inside) in enumerate(constants.scopes):
                if (other_path, other_index) != place:
                    elsewhere |= inside
        if places.count(place) > 1:
            evidence.append(frozenset())  # two candidates in one function: its constants name neither
        else:
            evidence.append(files[relative].scopes[index][2] - elsewhere)
    return tuple(evidence)


def _occurrences(message: str, text: str, start: int) -> list[int]:
    found = []
    position = message.find(text, start)
    while position != -1:
        found.append(position)
        position = message.find(text, position + 1)
    return found


def opens_a_hole(parts: Sequence[Part], message: str, constant: str) -> bool:
    """True when `message` is an instance of `parts` (every hole taken as any text) in which some hole's value
    begins with `constant`. Tracks reachable positions (an exact set after constant text, "anything from m on"
    after a hole), so the work is linear in the message per part and nothing backtracks."""
    holes = [index for index, part in enumerate(parts) if isinstance(part, Hole)]
    return any(_fits_with(parts, message, constant, target) for target in holes)


def _fits_with(parts: Sequence[Part], message: str, constant: str, target: int) -> bool:
    exact: set[int] | None = {0}  # reachable positions, when known exactly
    floor = 0  # otherwise: every position from `floor` on is reachable
    for index, part in enumerate(parts):
        if isinstance(part, str):
            if exact is None:
                exact = {p + len(part) for p in _occurrences(message, part, floor)}
            else:
                exact = {p + len(part) for p in exact if message.startswith(part, p)}
            if not exact:
                return False
            continue
        if index == target:
            starts = (sorted(p for p in exact if message.startswith(constant, p)) if exact is not None
                      else _occurrences(message, constant, floor)[:1])
            if not starts:
                return False
            floor, exact = starts[0] + len(constant), None
        elif exact is not None:
            floor, exact = min(exact), None
    return len(message) >= floor if exact is None else len(message) in exact


_TIES: dict[tuple, tuple | None] = {}  # candidate keys + root -> (parts, spans, absolute paths), or None
_TIES_LIMIT = 4096


def _tie(candidates: Sequence[LogStatement], root: str | os.PathLike) -> tuple | None:
    """What `choose` needs of a tie that does not depend on the message, remembered per tie (ties repeat)."""
    cache_key = (os.fspath(root), *((c.key, c.path, c.line, c.end_line) for c in candidates))  # keys survive moves
    if cache_key in _TIES:
        return _TIES[cache_key]
    template = candidates[0].template
    if template.is_dynamic or any(c.template.parts != template.parts for c in candidates):
        found = None
    else:
        base = os.fspath(root)
        found = (template.parts, base, tuple((c.path, c.line, c.end_line) for c in candidates),
                 tuple(os.path.join(base, c.path) for c in candidates))
    if len(_TIES) >= _TIES_LIMIT:
        _TIES.clear()
    _TIES[cache_key] = found
    return found


def choose(message: str, candidates: Sequence[LogStatement], root: str | os.PathLike | None) -> LogStatement | None:
    """The one tied candidate whose surrounding code holds a constant that opens a hole of `message`, or None."""
    if root is None or len(candidates) < 2 or len(message) > _MAX_MESSAGE_CHARS:
        return None
    tie = _tie(candidates, root)
    if tie is None:
        return None
    parts, base, spans, paths = tie
    evidence = _evidence(base, spans, tuple(_identity(path) for path in paths))
    if evidence is None:
        return None
    chosen = None
    for candidate, distinct in zip(candidates, evidence):
        if distinct and any(c in message and opens_a_hole(parts, message, c) for c in distinct):
            if chosen is not None:
                return None
            chosen = candidate
    return chosen
