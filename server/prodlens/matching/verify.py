"""Decide exactly whether a message matches a template, in pure Python, in time linear in the message.

This is the pure-Python twin of the Hyperscan patterns built by `render.hyperscan_matcher_regex` (the "matcher
dialect"): both must accept exactly the same messages, because the two engines must give identical answers.
A backtracking regex (`re`) cannot be used for this: `a.*?b.*?c` against a hostile 1 MB message is quadratic or
worse. Instead we track the set of positions the template can have reached after each part, as sorted disjoint
intervals, which is a hand-run NFA: every part costs at most one pass over the message.

Hole semantics (ASCII classes, like the Hyperscan patterns; messages never contain NUL):
- ANY / JSON: any text; WORD: a run of non-whitespace (possibly empty);
- INT `[-+]?[0-9]+`; HEX `(0[xX])?[0-9a-fA-F]+`; BOOL `true|false|True|False`;
- NUMBER `[-+]?[0-9.][-+0-9.eE]*` or `[-+]?(NaN|Inf|Infinity|inf|nan)`.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Hole, HoleKind, Template
from ..render import matcher_parts

_WS = frozenset("\t\n\x0b\x0c\r ")
_DIGITS = frozenset("0123456789")
_HEX = frozenset("0123456789abcdefABCDEF")
_NUM_FIRST = frozenset("0123456789.")
_NUM_LOOP = frozenset("0123456789.eE+-")


@dataclass(frozen=True, slots=True)
class _Loop:
    """`prefix first loop*`: a literal prefix, one character of `first`, then any run of `loop`."""

    prefix: str
    first: frozenset
    loop: frozenset


# Each typed hole is a union of branches: loops and fixed words.
_BRANCHES: dict[HoleKind, tuple[object, ...]] = {
    HoleKind.INT: (_Loop("", _DIGITS, _DIGITS), _Loop("-", _DIGITS, _DIGITS), _Loop("+", _DIGITS, _DIGITS)),
    HoleKind.HEX: (_Loop("", _HEX, _HEX), _Loop("0x", _HEX, _HEX), _Loop("0X", _HEX, _HEX)),
    HoleKind.NUMBER: tuple(_Loop(s, _NUM_FIRST, _NUM_LOOP) for s in ("", "-", "+"))
    + tuple(s + w for s in ("", "-", "+") for w in ("NaN", "Inf", "Infinity", "inf", "nan")),
    HoleKind.BOOL: ("true", "false", "True", "False"),
}
_ANY_KINDS = (HoleKind.ANY, HoleKind.JSON)

Intervals = list[tuple[int, int]]  # sorted, disjoint, inclusive positions


def prepare(template: Template) -> tuple:
    """The parts a matcher works on: adjacent holes collapsed as every renderer does, NUL in literals replaced
    the way messages are (see `clean_message`), adjacent literals merged."""
    parts = list(template.parts)
    while True:  # one collapsing pass can create new adjacent holes (INT BOOL ANY → INT ANY → ANY)
        collapsed = matcher_parts(Template(tuple(parts)))
        if collapsed == parts:
            break
        parts = collapsed
    out: list = []
    for part in parts:
        if isinstance(part, str):
            part = part.replace("\x00", "\ufffd")
            if out and isinstance(out[-1], str):
                out[-1] += part
                continue
        out.append(part)
    return tuple(out)


def clean_message(message: str) -> str:
    """Messages are scanned NUL-separated, so a NUL inside one is replaced (identically for both engines)."""
    return message.replace("\x00", "\ufffd") if "\x00" in message else message


def matches(parts: tuple, message: str) -> bool:
    """True when `message` (already `clean_message`d) is exactly an instance of the prepared template `parts`."""
    n = len(message)
    if not parts:
        return n == 0
    first, last = parts[0], parts[-1]
    if isinstance(first, str) and not message.startswith(first):
        return False
    if isinstance(last, str) and (not message.endswith(last) or len(message) < len(last)):
        return False
    state: Intervals = [(0, 0)]
    count = len(parts)
    for index, part in enumerate(parts):
        final = index == count - 1
        if isinstance(part, str):
            size = len(part)
            if final:
                target = n - size
                return target >= 0 and _contains(state, target) and message.endswith(part)
            following = parts[index + 1]
            only_first = isinstance(following, Hole) and following.kind in _ANY_KINDS
            state = _after_literal(message, part, state, only_first)
        elif part.kind in _ANY_KINDS:
            if final:
                return True
            state = [(state[0][0], n)]
        else:
            state = _after_hole(message, _BRANCHES[part.kind] if part.kind is not HoleKind.WORD else None, state)
            if final:
                return _contains(state, n)
        if not state:
            return False
    return _contains(state, n)


def _contains(state: Intervals, position: int) -> bool:
    for start, end in state:
        if start <= position <= end:
            return True
        if start > position:
            return False
    return False


def _after_literal(message: str, literal: str, state: Intervals, only_first: bool) -> Intervals:
    """Positions just after each occurrence of `literal` starting inside `state`. When an ANY hole follows,
    only the first occurrence matters (ANY reaches everything the later ones would)."""
    size = len(literal)
    out: list[int] = []
    last_found = -1
    for start, end in state:
        begin = max(start, last_found + 1)
        while begin <= end:
            found = message.find(literal, begin, end + size)
            if found < 0:
                break
            if only_first:
                return [(found + size, found + size)]
            out.append(found + size)
            last_found = found
            begin = found + 1
    return [(p, p) for p in out]


def _after_hole(message: str, branches: tuple | None, state: Intervals) -> Intervals:
    """Positions reachable by one typed hole from any position in `state` (None = WORD).

    Positions are visited in increasing order, so the end of the character run that a position sits in is
    remembered per character class: every position inside one run ends at the same place, which keeps the
    whole step linear in the message even when `state` covers all of it."""
    n = len(message)
    ends: Intervals = []
    if branches is None:  # WORD: zero or more non-whitespace characters
        for start, end in state:
            position = start
            while position <= end:
                stop = _run(message, position, _WS, negate=True)
                ends.append((position, stop))
                position = stop + 1
        return _merge(ends)
    known_runs: dict[frozenset, tuple[int, int]] = {}
    for start, end in state:
        for position in range(start, end + 1):
            for branch in branches:
                if isinstance(branch, str):
                    if message.startswith(branch, position):
                        stop = position + len(branch)
                        ends.append((stop, stop))
                    continue
                head = position + len(branch.prefix)
                if head >= n or (branch.prefix and not message.startswith(branch.prefix, position)):
                    continue
                if message[head] not in branch.first:
                    continue
                tail = head + 1
                run = known_runs.get(branch.loop)
                if run is not None and run[0] <= tail <= run[1]:
                    stop = run[1]
                else:
                    stop = _run(message, tail, branch.loop)
                    known_runs[branch.loop] = (tail, stop)
                ends.append((tail, stop))
            if len(ends) > 4 * (n + 1):  # merging keeps the list at most n+1 long
                ends = _merge(ends)
    return _merge(ends)


def _run(message: str, position: int, chars: frozenset, negate: bool = False) -> int:
    """Last position reachable by a run of `chars` (or of anything but `chars`) starting at `position`."""
    n = len(message)
    while position < n and ((message[position] in chars) != negate):
        position += 1
    return position


def _merge(intervals: Intervals) -> Intervals:
    if not intervals:
        return []
    intervals.sort()
    merged = [intervals[0]]
    for start, end in intervals[1:]:
        last_start, last_end = merged[-1]
        if start <= last_end + 1:
            if end > last_end:
                merged[-1] = (last_start, end)
        else:
            merged.append((start, end))
    return merged
