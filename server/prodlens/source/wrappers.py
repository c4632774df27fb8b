"""Logging wrappers across files: which wrappers exist, and which files need them.

An extractor sees one file. It finds the wrappers that file defines (`FileExtraction.wrappers`) and applies
the wrappers it is given (`ExtractContext.wrappers`) to call sites. The index extracts every file once with
only the configured logging methods, collects the exported wrappers of all files here, and then re-extracts
just the files that call a wrapper defined in another file — found by a byte-level search for `name(`, which
may over-select (a same-named unrelated function) but never misses a call, so the extractor decides.

Wrappers apply within a language family (JavaScript, TypeScript and TSX call each other's functions).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import re
from typing import Iterable

from ..config import IndexConfig, LoggingMethod
from ..model import normalize_level
from .extract_types import WrapperDef
from .languages import CONFIG_LANGUAGES, FAMILY


def configured_wrappers(config: IndexConfig) -> list[WrapperDef]:
    """`index.logging_methods` as WrapperDefs, one per language the method applies to."""
    result: list[WrapperDef] = []
    for method in config.logging_methods:
        result.extend(_configured(method))
    return result


def _configured(method: LoggingMethod) -> list[WrapperDef]:
    if method.language:
        languages = CONFIG_LANGUAGES.get(method.language.lower(), (method.language.lower(),))
    else:
        languages = tuple(FAMILY)
    level = normalize_level(method.level) if method.level else None
    # arguments after the message (and the level) fill its placeholders, in the language's usual style
    args_param = max(method.message_arg, method.level_arg if method.level_arg is not None else -1) + 1
    return [
        WrapperDef(
            name=method.name,
            language=language,
            path="",
            message_param=method.message_arg,
            level_param=method.level_arg,
            level=level,
            framework="wrapper",
            args_param=args_param,
            placeholder_style=DEFAULT_PLACEHOLDER_STYLE.get(language),
            exported=True,
        )
        for language in languages
    ]


DEFAULT_PLACEHOLDER_STYLE = {
    "java": "slf4j",  # {} placeholders: SLF4J, Log4j 2, Logback
    "python": "printf",  # %-style, as the logging module
    "go": "printf",
    "javascript": "util",  # util.format verbs, as console/winston
    "typescript": "util",
    "tsx": "util",
}


def call_name(name: str) -> str:
    """The identifier a call site spells: `Audit.log` is called as `...log(`."""
    return name.rsplit(".", 1)[-1]


def wrapper_set_fingerprint(wrappers: Iterable[WrapperDef]) -> str:
    """Order-independent fingerprint: the same wrappers found in another order give the same result."""
    rows = sorted(json.dumps(_wrapper_material(w), sort_keys=True, default=str) for w in wrappers)
    if not rows:
        return ""
    return hashlib.blake2b("\n".join(rows).encode(), digest_size=12).hexdigest()


def _wrapper_material(w: WrapperDef) -> dict[str, object]:
    data = {f.name: getattr(w, f.name) for f in dataclasses.fields(WrapperDef)}
    data["template"] = [str(p) if isinstance(p, str) else ["hole", p.kind.value] for p in w.template.parts] \
        if w.template is not None else None
    return data


class WrapperRegistry:
    """Exported wrappers of every indexed file, by language family, with a fast name search per family."""

    def __init__(self) -> None:
        self._by_path: dict[str, list[WrapperDef]] = {}
        self._patterns: dict[str, list[tuple[bytes, re.Pattern[bytes]]]] = {}

    def set_file(self, path: str, wrappers: Iterable[WrapperDef]) -> None:
        exported = [w for w in wrappers if w.exported and w.name]
        old = self._by_path.get(path)
        if exported:
            self._by_path[path] = exported
        else:
            self._by_path.pop(path, None)
        if old != (exported or None):
            self._patterns.clear()

    def remove_file(self, path: str) -> None:
        if self._by_path.pop(path, None) is not None:
            self._patterns.clear()

    def family_wrappers(self, family: str) -> list[WrapperDef]:
        return [w for ws in self._by_path.values() for w in ws if FAMILY.get(w.language) == family]

    def family_fingerprints(self) -> dict[str, str]:
        families = sorted(set(FAMILY.values()))
        return {family: wrapper_set_fingerprint(self.family_wrappers(family)) for family in families}

    def _names(self, family: str) -> list[tuple[bytes, re.Pattern[bytes]]]:
        """(name, call pattern) per wrapper name of the family. The plain `in` test on the name comes first:
        it is a fast substring search, and most files contain none of the names."""
        if family not in self._patterns:
            names = sorted({call_name(w.name) for w in self.family_wrappers(family)} - {""})
            # the pattern starts with the literal name, so the regex engine can skip ahead to it; the character
            # before the name is checked by hand (a leading lookbehind would defeat that optimisation)
            self._patterns[family] = [(n.encode(), re.compile(re.escape(n.encode()) + rb"\s*[(<]")) for n in names]
        return self._patterns[family]

    def foreign_for(self, path: str, language: str, source: bytes) -> list[WrapperDef]:
        """Wrappers defined in other files of the same family whose name this file calls (by name search)."""
        family = FAMILY.get(language)
        if family is None:
            return []
        called = {
            name.decode() for name, pattern in self._names(family) if name in source and _called(pattern, source)
        }
        if not called:
            return []
        return [
            w
            for other, ws in sorted(self._by_path.items())
            if other != path
            for w in ws
            if FAMILY.get(w.language) == family and call_name(w.name) in called
        ]


def name_call_sites(source: bytes, names: Iterable[str], start: int = 0, end: int | None = None
                    ) -> list[tuple[int, str]]:
    """Offsets of `name(` for each name (a whole word by regex `\\b`, then optional whitespace, then `(`), the same
    list `re.finditer(rb"\\b(name1|name2)\\s*\\(")` gives, found much faster.

    Why not that regex: an alternation led by `\\b` has no literal prefix, so Python's engine tries it at every
    byte (~2 ms on a 120 KB file, on every keystroke). `bytes.find` per name is a memchr-speed scan; the regex is
    then only tried, anchored, where a name occurs. `start`/`end`: only names starting in that byte range."""
    ordered = sorted({n for n in names if n}, key=len, reverse=True)
    if not ordered:
        return []
    pattern = _site_pattern(tuple(ordered))
    starts: set[int] = set()
    for name in ordered:
        needle = name.encode()
        limit = len(source) if end is None else min(len(source), end - 1 + len(needle))
        position = source.find(needle, start, limit)
        while position >= 0:
            starts.add(position)
            position = source.find(needle, position + 1, limit)
    found: list[tuple[int, str]] = []
    end = 0
    for start in sorted(starts):
        if start < end:  # finditer's matches do not overlap
            continue
        match = pattern.match(source, start)
        if match is not None:
            found.append((start, match.group(1).decode()))
            end = match.end()
    return found


@functools.lru_cache(maxsize=64)
def _site_pattern(names: tuple[str, ...]) -> re.Pattern[bytes]:
    return re.compile(rb"\b(" + b"|".join(re.escape(n.encode()) for n in names) + rb")\s*\(")


def _is_identifier_byte(byte: int) -> bool:
    return byte == 0x24 or byte == 0x5F or 0x30 <= byte <= 0x39 or 0x41 <= byte <= 0x5A or 0x61 <= byte <= 0x7A \
        or byte >= 0x80


def _called(pattern: re.Pattern[bytes], source: bytes) -> bool:
    """Whether `name(` occurs as a whole identifier (not the end of a longer one: `reaudit(`)."""
    for match in pattern.finditer(source):
        start = match.start()
        if start == 0 or not _is_identifier_byte(source[start - 1]):
            return True
    return False
