"""Re-extracting one edited function without re-reading the whole file (the ≤ 2 ms keystroke budget).

An extractor reads a whole tree; its queries cost time in proportion to the file, ~10 ms for a 3,000-line Java
class even when one character changed. But an edit strictly inside one function or method can only change the
statements of that member (plus, when the member defines a logging wrapper, its call sites: then we do not use
this path). So the index extracts a *skeleton* of the file: the same bytes, with every other function/method
replaced by whitespace (newlines kept, so every position is unchanged). Imports, fields, class headers and
module-level code — where extractors find loggers and frameworks — stay. Statements of the blanked members are
taken from the previous result, moved by the lines the edit added or removed.

The skeleton has its own tree, re-parsed incrementally while edits stay in the same member. Whenever anything
is unusual (the edit crosses a member boundary, members share a line, the member defines or loses a wrapper,
a language without a member table), the caller falls back to the full extraction, which is always right.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import NamedTuple

import tree_sitter

# node types that hold members (descended into) and node types that are members (blanked), per language
_CONTAINERS: dict[str, frozenset[str]] = {
    "java": frozenset({"program", "class_declaration", "class_body", "interface_declaration", "interface_body",
                       "enum_declaration", "enum_body", "enum_body_declarations", "record_declaration"}),
    "python": frozenset({"module", "class_definition", "block"}),
    "javascript": frozenset({"program", "class_declaration", "class_body", "class"}),
    "go": frozenset({"source_file"}),
}
_MEMBERS: dict[str, frozenset[str]] = {
    # initializer blocks (`static { … }`, `{ … }` in a class body) run like methods: an edit inside one is local
    "java": frozenset({"method_declaration", "constructor_declaration", "compact_constructor_declaration",
                       "static_initializer", "block"}),
    "python": frozenset({"function_definition", "decorated_definition"}),
    "javascript": frozenset({"function_declaration", "generator_function_declaration", "method_definition"}),
    "go": frozenset({"function_declaration", "method_declaration"}),
}
for _ts in ("typescript", "tsx"):
    _CONTAINERS[_ts] = _CONTAINERS["javascript"] | {"abstract_class_declaration"}
    _MEMBERS[_ts] = _MEMBERS["javascript"]

# A member whose text may bind a logger (`self.log = logging.getLogger(...)` in `__init__`, `this.logger =
# pino()` in a constructor, `l := zap.NewExample()`) can change what *other* members' calls mean, so it is never
# blanked (and an edit inside one takes the full path). The pattern errs towards "may": it costs speed, not
# correctness.
_FACT_WORDS = (
    b"getlog", b"get_logger", b"getchild", b"loggerfactory", b"logmanager", b"logfactory", b"createlogger", b"pino",
    b"winston", b"bunyan", b"structlog", b"loguru", b"zerolog", b"log.new",
    b".child(", b".bind(", b".with(", b".named(", b".sugar(",
    # Go: the constructors and logger types `go/facts.py` reads (not every `slog.`/`zap.`/`logrus.` call: those
    # log, and a member that only logs can be re-read alone)
    b"log.default", b"slog.with", b"zap.new", b"zap.l(", b"zap.s(", b"zap.must", b"klog.v(", b"klog.vdepth",
    b"klog.withname", b"logrus.new", b"logrus.standardlogger", b"logrus.with", b"log.logger", b"zap.logger",
    b"zap.sugaredlogger", b"logrus.logger", b"logrus.entry", b"logrus.fieldlogger", b"logrus.ext1fieldlogger",
    b"logrus.stdlogger",
)
# Those Go words name the packages by their own names: a file importing a logging package under another name
# (`import lg "go.uber.org/zap"`, or `.`) could bind a logger the words miss, so it never takes the member path.
_GO_RENAMED_LOGGING_IMPORT = re.compile(
    rb'^\s*(?:import\s+)?(?:[A-Za-z_]\w*|\.)\s+"(?:log|log/slog|golang\.org/x/exp/slog|go\.uber\.org/zap'
    rb'|github\.com/[sS]irupsen/logrus|k8s\.io/klog(?:/v2)?|github\.com/golang/glog|github\.com/rs/zerolog(?:/log)?)"',
    re.MULTILINE)
_BINDING = re.compile(rb"log(?:ger)?\s*[:=](?!=)")  # `log = ...`, `logger: Logger`, `log := ...`


def may_bind_logger(text: bytes) -> bool:
    """Substring tests on the lowered text (fast), then one literal-led regex for `log =` / `logger =`."""
    lowered = text.lower()
    if any(word in lowered for word in _FACT_WORDS):
        return True
    for match in _BINDING.finditer(lowered):
        start = match.start()
        if start == 0 or not (lowered[start - 1:start].isalnum() or lowered[start - 1:start] in (b"_", b"$")):
            return True
    return False


_BLANK = bytes(10 if i in (10, 13) else 32 for i in range(256))  # keep line breaks, spaces for the rest


def supported(language: str, source: bytes = b"") -> bool:
    """Can an edit inside one member of this file be re-read alone?"""
    if language == "go" and _GO_RENAMED_LOGGING_IMPORT.search(source):
        return False
    return language in _MEMBERS


class Member(NamedTuple):
    """A function or method: its bytes and rows. A tuple, because a large class has hundreds of them and the
    list is rebuilt (shifted) on every keystroke."""

    start_byte: int
    end_byte: int
    start_row: int
    end_row: int


def members(tree: tree_sitter.Tree, language: str, source: bytes) -> list[Member] | None:
    """Top-level functions and the methods of (nested) classes that may be blanked, in order (members that may
    bind a logger are left out: they stay in every skeleton); None when a member shares a line with other code
    (row-based bookkeeping would be ambiguous: the caller extracts in full)."""
    containers, member_types = _CONTAINERS[language], _MEMBERS[language]
    found: list[Member] = []
    stack = [tree.root_node]
    while stack:
        children = stack.pop().children
        for index, child in enumerate(children):
            kind = child.type
            member = False
            if kind in member_types:
                if kind == "decorated_definition":
                    definition = child.child_by_field_name("definition")
                    if definition is not None and definition.type == "class_definition":
                        stack.append(definition)
                        continue
                member = True
            elif kind == "export_statement":
                declaration = child.child_by_field_name("declaration")
                if declaration is not None and declaration.type in member_types:
                    member = True
                elif declaration is not None and declaration.type in containers:
                    stack.append(declaration)
            elif kind in containers:
                stack.append(child)
            if not member:
                continue
            start_row, end_row = child.start_point[0], child.end_point[0]
            if index > 0:
                previous = children[index - 1]
                if previous.end_point[0] == start_row and previous.type != "{":
                    return None
            if index + 1 < len(children):
                following = children[index + 1]
                if following.start_point[0] == end_row and following.type not in ("}", ";"):
                    return None
            if may_bind_logger(source[child.start_byte:child.end_byte]):
                continue
            found.append(Member(child.start_byte, child.end_byte, start_row, end_row))
    found.sort(key=lambda m: m.start_byte)
    for before, after in zip(found, found[1:]):
        if after.start_row <= before.end_row:
            return None
    return found


def enclosing(found: list[Member], start: int, end: int) -> Member | None:
    """The member strictly containing bytes [start, end) (an edit touching a boundary is not "inside")."""
    starts = [m.start_byte for m in found]
    index = bisect_right(starts, start) - 1
    if index < 0:
        return None
    member = found[index]
    if member.start_byte < start and end < member.end_byte:
        return member
    return None


def shifted(found: list[Member], edited: Member, byte_delta: int, row_delta: int) -> list[Member]:
    """The member list after an edit inside `edited` that added `byte_delta` bytes and `row_delta` lines."""
    index = found.index(edited)
    before = found[:index]
    if not byte_delta and not row_delta:
        return found
    make = tuple.__new__  # half the cost of calling Member(...) per member, on every keystroke
    moved = [
        make(Member, (start + byte_delta, end + byte_delta, first + row_delta, last + row_delta))
        for start, end, first, last in found[index + 1:]
    ]
    start, end, first, last = edited
    return [*before, Member(start, end + byte_delta, first, last + row_delta), *moved]


def blank_others(source: bytes, found: list[Member], keep: Member, language: str) -> bytes:
    """`source` with every member but `keep` blanked (Python members become `pass`, which keeps blocks valid)."""
    pieces: list[bytes] = []
    position = 0
    for member in found:
        if member == keep:
            continue
        pieces.append(source[position:member.start_byte])
        blank = source[member.start_byte:member.end_byte].translate(_BLANK)
        if language == "python" and len(blank) >= 4:
            blank = b"pass" + blank[4:]
        pieces.append(blank)
        position = member.end_byte
    pieces.append(source[position:])
    return b"".join(pieces)
