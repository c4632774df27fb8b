"""Rule out tied candidates whose function always logs something first that this thread never logged.

When a function logs X unconditionally and then, further down, B (`LOG.debug("Stopping transport {}")` at the
top of `doStop`, `LOG.debug("Closed socket {}")` after the synchronous close), every run that reaches B has
logged X just before, on the same thread (the same function invocation), under the same logger. So if the
thread that wrote a record has never logged X, the record was not written by B. A tie whose other candidates
are all ruled out this way has one possible statement left: the asynchronous copy of `"Closed socket {}"` in an
anonymous `Runnable`, whose thread never ran `doStop`.

X counts as "always logged before B" only when nothing can skip it and nothing can silence it alone:
- X is a whole expression statement that is just the call (`LOG.debug(…);`, not `err && log.error(err)`), in
  the same block as B or in a block enclosing it, before it, within the same function (a closure, lambda or
  anonymous class body is a function of its own: its thread may differ; a generator is not judged at all, since
  it may resume on another thread). An `if` without `else` around X is accepted only when its whole condition is
  a level check on the object X logs through (`LOG.isDebugEnabled()` around `LOG.debug(…)`,
  `logger.isEnabledFor(logging.DEBUG)`, `isLoggable(Level.FINE)`, `debug.enabled`) whose level B's record implies
  is on — `config.isDebugEnabled()` is an application flag;
- X and B declare the same logger, X's level is at least as severe as B's (if B's level is on, X's is), and X has
  constant text (a text-less statement's records may be placed elsewhere);
- the call starting on X's line is the only indexed statement there.

What the caller must keep (`ThreadHistory`): per thread, every statement its records were placed at **and every
candidate of its tied records** (a tie still says one of them was logged), never forgetting part of it — a
history that lost entries would make absent what was logged. A stream that starts in the middle of a function's
run can rule out that one record's statement wrongly; nothing else can, as long as the thread's records are all
there (no sampling or per-statement filtering) and the earlier statement's own records are placed at it or tied
with it.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from functools import lru_cache
from typing import Collection, Iterable, Sequence

import tree_sitter

from ..model import LEVELS, LogStatement, normalize_level
from ..source.languages import language_for_path, new_parser

_MAX_SOURCE_BYTES = 8 * 1024 * 1024

# nodes whose body runs as a unit of its own (possibly on another thread, later, or never)
_FUNCTIONS: dict[str, frozenset[str]] = {
    "java": frozenset({"method_declaration", "constructor_declaration", "compact_constructor_declaration",
                       "lambda_expression", "static_initializer", "class_body"}),
    "python": frozenset({"function_definition", "lambda", "class_definition"}),
    "javascript": frozenset({"function_declaration", "function_expression", "arrow_function", "method_definition",
                             "generator_function_declaration", "generator_function", "function", "class_body"}),
}
_FUNCTIONS["typescript"] = _FUNCTIONS["tsx"] = _FUNCTIONS["javascript"]
# statement lists run in order: an earlier statement of the list runs before a later one
_BLOCKS: dict[str, frozenset[str]] = {
    "java": frozenset({"block", "constructor_body"}),
    "python": frozenset({"block"}),
    "javascript": frozenset({"statement_block"}),
}
_BLOCKS["typescript"] = _BLOCKS["tsx"] = _BLOCKS["javascript"]
_CALLS = frozenset({"method_invocation", "call", "call_expression"})
_STATEMENT_WRAPPERS = frozenset({"await_expression", "await"})

_LEVEL_WORDS = {"trace": "trace", "finest": "trace", "finer": "trace", "debug": "debug", "fine": "debug",
                "config": "info", "info": "info", "warn": "warn", "warning": "warn", "error": "error",
                "severe": "error", "critical": "fatal", "fatal": "fatal"}
_GUARD = re.compile(
    r"\(?\s*(?P<receiver>[\w$]+(?:\.[\w$]+)*)\.(?:"
    r"is(?P<named>Trace|Debug|Info|Warn|Error|Fatal)Enabled\s*\(\s*\)"
    r"|(?:isEnabledFor|isLoggable|isEnabled)\s*\(\s*(?:[\w$]+\.)*(?P<argument>[A-Za-z]+)\s*\)"
    r"|(?P<debug>enabled)"
    r")\s*\)?")


def _severity(level: str | None) -> int | None:
    normal = normalize_level(level) if level else None
    return LEVELS.index(normal) if normal in LEVELS else None


def _text(node: tree_sitter.Node | None) -> str:
    return node.text.decode("utf-8", "replace") if node is not None and node.text is not None else ""


def _guard(condition: tree_sitter.Node) -> tuple[str, str] | None:
    """(receiver, level) of a condition that is nothing but a level check (`LOG.isDebugEnabled()` → LOG, debug;
    `debug.enabled` → debug, debug), else None."""
    match = _GUARD.fullmatch(_text(condition).strip())
    if match is None:
        return None
    if match.group("named"):
        level = _LEVEL_WORDS.get(match.group("named").lower())
    elif match.group("argument"):
        level = _LEVEL_WORDS.get(match.group("argument").lower())
    else:
        level = "debug"  # the `debug` package: `log.enabled` is on exactly when its namespace logs
    return (match.group("receiver"), level) if level else None


def _receiver(call: tree_sitter.Node) -> str:
    """What a call is made on (`LOG` in `LOG.debug(…)`, `debug` in `debug(…)`): a guard must test that same
    object, or it is an application flag, not a level check."""
    function = call.child_by_field_name("object") or call.child_by_field_name("function")
    if function is not None and function.type in ("attribute", "member_expression"):
        function = function.child_by_field_name("object")
    return _text(function)


def _lone_call(statement: tree_sitter.Node) -> tree_sitter.Node | None:
    """The call an expression statement consists of (`LOG.debug(…);`, `await log(…)`), else None."""
    if statement.type != "expression_statement":
        return None
    expressions = statement.named_children
    if len(expressions) != 1:
        return None
    expression = expressions[0]
    while expression.type in _STATEMENT_WRAPPERS and expression.named_child_count == 1:
        expression = expression.named_children[0]
    return expression if expression.type in _CALLS else None


def _certain_calls(statement: tree_sitter.Node, blocks: frozenset[str]) -> Iterable[tuple[int, int, str | None]]:
    """(line, column, guard level or None) of log calls `statement` certainly makes (0-based positions)."""
    call = _lone_call(statement)
    if call is not None:
        yield call.start_point[0], call.start_point[1], None
        return
    if statement.type != "if_statement" or statement.child_by_field_name("alternative") is not None:
        return
    condition = statement.child_by_field_name("condition")
    body = statement.child_by_field_name("consequence")
    if condition is None or body is None:
        return
    guard = _guard(condition)
    if guard is None:
        return
    receiver, level = guard
    for inner in (body.named_children if body.type in blocks else [body]):
        call = _lone_call(inner)
        if call is not None and _receiver(call) == receiver:
            yield call.start_point[0], call.start_point[1], level


@lru_cache(maxsize=64)
def _tree(path: str, language: str, size: int, mtime_ns: int) -> tuple[tree_sitter.Tree, list[bytes]] | None:
    if size > _MAX_SOURCE_BYTES:
        return None
    try:
        with open(path, "rb") as handle:
            source = handle.read()
        return new_parser(language).parse(source), source.split(b"\n")
    except (OSError, ValueError, RecursionError, MemoryError):
        return None


def _byte_column(lines: list[bytes], line: int, column: int) -> int | None:
    """Statement ranges count characters; tree-sitter counts bytes."""
    if not 0 <= line < len(lines):
        return None
    return len(lines[line].decode("utf-8", "replace")[:column].encode("utf-8", "replace"))


def _char_column(lines: list[bytes], line: int, column: int) -> int:
    return len(lines[line][:column].decode("utf-8", "replace")) if 0 <= line < len(lines) else -1


_YIELDS = frozenset({"yield", "yield_expression"})


def _suspends(function: tree_sitter.Node) -> bool:
    """A generator may be resumed on another thread than the one that ran its start: its order proves nothing."""
    if function.type in ("generator_function_declaration", "generator_function"):
        return True
    stack = list(function.children)
    while stack:
        node = stack.pop()
        if node.type in _YIELDS:
            return True
        stack.extend(node.children)
    return False


def calls_before(root: str | os.PathLike, statement: LogStatement) -> tuple[tuple[int, int, str | None], ...]:
    """Log calls certainly made earlier in the same function run as `statement`: (0-based line, character column,
    guard level). Empty when the file cannot be read, its language is not supported, or the statement's call is
    not found where its range says."""
    language = language_for_path(statement.path)
    if language not in _FUNCTIONS:
        return ()
    path = os.path.join(os.fspath(root), statement.path)
    try:
        info = os.stat(path)
    except OSError:
        return ()
    parsed = _tree(path, language, info.st_size, info.st_mtime_ns)
    if parsed is None:
        return ()
    tree, lines = parsed
    line = statement.range.start_line
    column = _byte_column(lines, line, statement.range.start_column)
    if column is None:
        return ()
    node: tree_sitter.Node | None = tree.root_node.descendant_for_point_range((line, column), (line, column))
    while node is not None and not (node.type in _CALLS and node.start_point == (line, column)):
        node = node.parent  # anchor on the statement's own call, or give up
    functions, blocks = _FUNCTIONS[language], _BLOCKS[language]
    found: list[tuple[int, int, str | None]] = []
    while node is not None and node.parent is not None and node.type not in functions:
        parent = node.parent
        if parent.type in blocks:
            for sibling in parent.named_children:
                if sibling.start_byte >= node.start_byte:
                    break
                found.extend(_certain_calls(sibling, blocks))
        node = parent
    if node is None or node.type not in functions or _suspends(node):
        return ()  # module-level code, or a generator: not one uninterrupted run
    return tuple((at_line, _char_column(lines, at_line, at_column), guard) for at_line, at_column, guard in found)


class Precedence:
    """Which statements must have been logged on a thread before each statement could be (see module doc)."""

    def __init__(self, statements: Sequence[LogStatement], root: str | os.PathLike):
        self._root = os.fspath(root)
        self._by_line: dict[tuple[str, int], list[LogStatement]] = defaultdict(list)
        for statement in statements:
            self._by_line[(statement.path, statement.range.start_line)].append(statement)
        self._required: dict[str, frozenset[str]] = {}

    def required(self, statement: LogStatement) -> frozenset[str]:
        """Keys of statements every run of `statement` logs first on the same thread."""
        known = self._required.get(statement.key)
        if known is not None:
            return known
        severity = _severity(statement.level)
        keys: set[str] = set()
        if severity is not None and statement.logger is not None:
            for line, column, guard in calls_before(self._root, statement):
                on_line = self._by_line.get((statement.path, line), ())
                if len(on_line) != 1:
                    continue
                earlier = on_line[0]
                if earlier.range.start_column != column or earlier.key == statement.key:
                    continue
                earlier_severity = _severity(earlier.level)
                if (earlier.logger != statement.logger or earlier.template.is_dynamic or earlier_severity is None
                        or earlier_severity < severity):
                    continue
                guard_severity = _severity(guard) if guard is not None else severity
                if guard_severity is None or guard_severity < severity:
                    continue  # guarded by a level B's record does not imply is on
                keys.add(earlier.key)
        result = self._required[statement.key] = frozenset(keys)
        return result

    def possible(self, candidates: Sequence[LogStatement], logged: Collection[str] | None) -> list[LogStatement]:
        """The candidates whose prerequisites this thread has all logged (`logged`: keys of the statements the
        thread's earlier records were placed at or tied between; None when that is not known). When none is left
        the history contradicts the stream (it was cut, or records are missing): every candidate is returned."""
        if logged is None or len(candidates) < 2:
            return list(candidates)
        left = [c for c in candidates if all(key in logged for key in self.required(c))]
        return left or list(candidates)

    def choose(self, candidates: Sequence[LogStatement], logged: Collection[str] | None) -> LogStatement | None:
        """The one candidate left by `possible`, when the others are all ruled out; else None."""
        left = self.possible(candidates, logged)
        return left[0] if len(left) == 1 and len(candidates) > 1 else None


class ThreadHistory:
    """Per thread of a stream, the keys of the statements its records were placed at or tied between.

    Memory is bounded (`max_threads` threads, `max_entries` keys in all); past either bound the history is
    dropped and reported unknown (`logged` returns None) until `clear()` — forgetting part of it would turn
    "logged" into "never logged", which rules candidates out wrongly. Unknown only costs the rule its answers."""

    def __init__(self, max_threads: int = 10_000, max_entries: int = 2_000_000):
        self._threads: dict[object, set[str]] = {}
        self._max_threads = max_threads
        self._max_entries = max_entries
        self._known = True

    def logged(self, thread: object) -> Collection[str] | None:
        if not self._known:
            return None
        return self._threads.get(thread, ())

    def add(self, thread: object, key: str | None, candidate_keys: Iterable[str]) -> None:
        """Record one record of `thread`: the statement it was placed at (or None) and every candidate.
        Called for every record of a stream, so the common path is two set operations."""
        seen = self._threads.get(thread)
        if seen is None:
            if not self._known:
                return
            if len(self._threads) >= self._max_threads:
                self._forget()
                return
            seen = self._threads[thread] = set()
        seen.update(candidate_keys)
        if key is not None:
            seen.add(key)

    def check_size(self) -> None:
        """Call now and then (per batch): past `max_entries` keys in all, the history becomes unknown."""
        if self._known and sum(map(len, self._threads.values())) > self._max_entries:
            self._forget()

    def _forget(self) -> None:
        self._threads.clear()
        self._known = False

    def clear(self) -> None:
        self._threads.clear()
        self._known = True
