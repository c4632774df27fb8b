"""The pure-Python template engine: which templates match each message, with no dependency beyond `re`.

Answers are identical to `engine_hyperscan` (tested against each other). Speed comes from not trying most
templates at all: each template is indexed under one *anchor* that every matching message must show — its
literal prefix, its literal suffix, or a whole word of its literal text — and only templates whose anchor the
message shows are verified, with the linear-time verifier (`verify.matches`), so no message can make it hang.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Sequence

from ..model import Hole
from .verify import matches

_WORD = re.compile(r"[A-Za-z0-9_]+")
_WORD_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")
_MAX_AFFIX = 16  # prefix/suffix keys are cut to this many characters


class PythonEngine:
    """Multi-template matcher over prepared template parts (`verify.prepare`)."""

    name = "python"

    def __init__(self, templates: Sequence[tuple]):
        self._templates = list(templates)
        self._prefix: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        self._suffix: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        self._words: dict[str, list[int]] = defaultdict(list)
        self._always: list[int] = []
        for template_id, parts in enumerate(self._templates):
            self._index(template_id, parts)
        # freeze into plain dicts: lookups are the hot path
        self._prefix_items = [(size, dict(table)) for size, table in sorted(self._prefix.items())]
        self._suffix_items = [(size, dict(table)) for size, table in sorted(self._suffix.items())]
        self._word_table = dict(self._words)

    def _index(self, template_id: int, parts: tuple) -> None:
        prefix = parts[0] if parts and isinstance(parts[0], str) else ""
        suffix = parts[-1] if parts and isinstance(parts[-1], str) and len(parts) > 1 else ""
        if len(parts) == 1 and isinstance(parts[0], str):
            suffix = ""  # a template of one literal is found by its prefix (the whole text)
        word = _best_word(parts)
        options = [
            (min(len(prefix), _MAX_AFFIX) + 0.2, "prefix"),
            (min(len(suffix), _MAX_AFFIX) + 0.1, "suffix"),
            (len(word), "word"),
        ]
        strength, kind = max(options)
        if strength < 1:
            if not parts:
                self._prefix[0][""].append(template_id)
            else:
                self._always.append(template_id)
        elif kind == "prefix":
            size = min(len(prefix), _MAX_AFFIX)
            self._prefix[size][prefix[:size]].append(template_id)
        elif kind == "suffix":
            size = min(len(suffix), _MAX_AFFIX)
            self._suffix[size][suffix[-size:]].append(template_id)
        else:
            self._words[word].append(template_id)

    def candidates(self, message: str) -> set[int]:
        """Templates whose anchor the message shows (a superset of the matching ones)."""
        found: set[int] = set(self._always)
        for size, table in self._prefix_items:
            hit = table.get(message[:size])
            if hit:
                found.update(hit)
        for size, table in self._suffix_items:
            if size <= len(message):
                hit = table.get(message[len(message) - size:] if size else "")
                if hit:
                    found.update(hit)
        if self._word_table:
            table = self._word_table
            for word in set(_WORD.findall(message)):
                hit = table.get(word)
                if hit:
                    found.update(hit)
        return found

    def match_ids(self, messages: Sequence[str]) -> list[list[int]]:
        """For each (clean) message, the ids of the templates it matches, ascending."""
        templates = self._templates
        out = []
        for message in messages:
            out.append(sorted(t for t in self.candidates(message) if matches(templates[t], message)))
        return out


def _best_word(parts: tuple) -> str:
    """The longest ASCII word of the literal text that any matching message must contain as a whole word.

    A word touching a hole is not whole (the hole may glue more word characters to it), unless it is at the
    very start or end of the template, where the message starts or ends too."""
    best = ""
    last = len(parts) - 1
    for index, part in enumerate(parts):
        if isinstance(part, Hole):
            continue
        for found in _WORD.finditer(part):
            start, end = found.span()
            left_ok = start > 0 or index == 0
            right_ok = end < len(part) or index == last
            if start > 0 and part[start - 1] in _WORD_CHARS:
                left_ok = False
            if left_ok and right_ok and len(found.group()) > len(best):
                best = found.group()
    return best
