"""Tree and byte scans the Go and Java extractors share: their grammars name these nodes and fields alike."""

from __future__ import annotations

import re
from typing import Callable, Iterator

import tree_sitter


def count_errors(root: tree_sitter.Node, errors_query: tree_sitter.Query) -> int:
    """How many syntax errors the language's `errors.scm` finds (only asked when `root.has_error`)."""
    return len(tree_sitter.QueryCursor(errors_query).captures(root).get("error", []))


def call_candidates(calls_query: tree_sitter.Query, root: tree_sitter.Node, byte_range: tuple[int, int] | None
                    ) -> list[tuple[int, dict[str, list[tree_sitter.Node]]]]:
    """The `calls.scm` matches of a file, or only those whose call starts in `byte_range` (the index re-reading
    one edited member: the cursor visits that range alone, and yields what intersects it)."""
    cursor = tree_sitter.QueryCursor(calls_query)
    if byte_range is None:
        return cursor.matches(root)
    low, high = byte_range
    cursor.set_byte_range(low, high)
    return [(pattern, caps) for pattern, caps in cursor.matches(root) if low <= caps["call"][0].start_byte < high]


def plus_operands(node: tree_sitter.Node) -> list[tree_sitter.Node] | None:
    """The operands of a `+` chain (`binary_expression`), left to right, or None when `node` is another operator.

    Walks the left spine iteratively: 5,000 concatenated literals must not recurse 5,000 deep."""
    operator = node.child_by_field_name("operator")
    if operator is None or operator.type != "+":
        return None
    rights: list[tree_sitter.Node] = []
    left = node
    while left.type == "binary_expression":
        op = left.child_by_field_name("operator")
        if op is None or op.type != "+":
            break
        right = left.child_by_field_name("right")
        if right is not None:
            rights.append(right)
        next_left = left.child_by_field_name("left")
        if next_left is None:
            break
        left = next_left
    rights.append(left)
    rights.reverse()
    return rights


def word_offsets(source: bytes, word: bytes, word_byte: re.Pattern[bytes]) -> Iterator[int]:
    """Offsets where `word` occurs as a whole identifier (`word_byte` matches a byte an identifier may hold).
    `bytes.find` is far faster than a regex scan that starts with a character class or `\\b`, and names are
    found far more often than they are declared."""
    size = len(word)
    if not size:
        return
    start = source.find(word)
    while start >= 0:
        before = source[start - 1 : start] if start else b""
        after = source[start + size : start + size + 1]
        if not (before and word_byte.match(before)) and not (after and word_byte.match(after)):
            yield start
        start = source.find(word, start + size)


def used_only_in_logging_calls(
    root: tree_sitter.Node,
    source: bytes,
    body: tree_sitter.Node,
    name: str,
    word_class: bytes,
    allowed: list[tree_sitter.Node],
    call_type: str,
    is_logging_call: Callable[[tree_sitter.Node], bool],
) -> bool:
    """Is identifier `name` used in `body` only inside logging calls (or inside the `allowed` nodes)? A wrapper's
    message parameter exists to be logged; a parameter the function also computes with is a value it happens to
    log. `word_class` is the regex class of identifier bytes; `is_logging_call` is asked only about ancestors of
    type `call_type`."""
    word = name.encode()
    pattern = re.compile(re.escape(word) + rb"(?!" + word_class + rb")")
    for match in pattern.finditer(source, body.start_byte, body.end_byte):
        start = match.start()
        previous = source[start - 1 : start]
        if previous == b"." or (previous and re.match(word_class, previous)):
            continue
        if any(node.start_byte <= start < node.end_byte for node in allowed):
            continue
        node = root.named_descendant_for_byte_range(start, start + len(word))
        if node is None or node.type != "identifier":
            continue  # inside a string or comment
        current = node.parent
        inside_logging_call = False
        while current is not None and current.start_byte >= body.start_byte and current.end_byte <= body.end_byte:
            if current.type == call_type and is_logging_call(current):
                inside_logging_call = True
                break
            current = current.parent
        if not inside_logging_call:
            return False
    return True


def concat_operands(
    node: tree_sitter.Node, see_through: Callable[[tree_sitter.Node], tree_sitter.Node | None]
) -> list[tree_sitter.Node]:
    """The operands of a `+` chain (or the node itself), left to right, without recursion and at most 256.
    `see_through` names the one expression an operand stands for (`(x)`, `fmt.Sprintf(format, ...)`), if any."""
    out: list[tree_sitter.Node] = []
    stack = [node]
    while stack and len(out) < 256:
        current = stack.pop()
        if current.type == "binary_expression":
            op = current.child_by_field_name("operator")
            if op is not None and op.type == "+":
                stack.extend(reversed(current.named_children))
                continue
        inner = see_through(current)
        if inner is not None:
            stack.append(inner)
            continue
        out.append(current)
    return out
