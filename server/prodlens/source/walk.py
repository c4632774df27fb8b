"""Which files of a source tree the index reads, and why the others are skipped.

The walk decides from names and `stat` alone (cheap enough to repeat on every warm start): `.gitignore` files
(every directory's, with git's precedence: a deeper file overrides a shallower one, and an ignored directory is
never entered), `.git/info/exclude`, the configured `index.include` / `index.exclude` globs (gitignore syntax,
relative to the root), the configured languages and the size limit. What needs the bytes — binary and minified
content — is decided by `content_skip_reason`, which the index calls once it has read a file anyway.

Symbolic links to directories are followed once: a directory already visited (same device and inode) is not
entered again, so loops and duplicate copies of a tree are skipped and counted, never followed forever.
"""

from __future__ import annotations

import os
import re
import stat
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import pathspec

from ..config import IndexConfig
from .languages import CONFIG_LANGUAGES, EXTENSIONS

ALWAYS_PRUNED = frozenset({".git", ".hg", ".svn", ".prodlens"})
"""Directories that never hold project sources: VCS metadata and prodlens's own state."""

BINARY_SNIFF_BYTES = 8192
MINIFIED_MIN_BYTES = 2048  # small files are never called minified: one long line in a tiny file is just code
MINIFIED_AVERAGE_LINE = 300  # bytes per line on average above which a file is generated/minified
MINIFIED_NAME_MARKERS = (".min.js", ".min.mjs", ".min.cjs", "-min.js", ".bundle.js")


class SkipReason:
    """Why a file was not indexed. Values are the keys of `IndexReport.skipped`."""

    GITIGNORED = "gitignored"  # file (or directory, counted once) matched by .gitignore / .git/info/exclude
    EXCLUDED = "excluded"  # matched index.exclude, or not matched by a non-empty index.include
    LANGUAGE_OFF = "language_off"  # a known language not listed in index.languages
    TOO_LARGE = "too_large"  # larger than index.max_file_bytes
    BINARY = "binary"  # NUL bytes in the first 8 KiB
    MINIFIED = "minified"  # *.min.js and friends, or very long lines on average
    SYMLINK_LOOP = "symlink_loop"  # a symlinked directory already visited (a loop or a second copy)
    UNREADABLE = "unreadable"  # permission denied, vanished while walking, broken symlink
    NO_EXTRACTOR = "no_extractor"  # the language's extractor is not installed/available


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A file the walk accepted: its repository-relative POSIX path, absolute path, language and stat data."""

    rel_path: str
    abs_path: str
    language: str
    size: int
    mtime_ns: int


@dataclass(slots=True)
class WalkResult:
    files: list[SourceFile] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)
    # every path with a known language extension seen before content checks (the index uses it to find
    # Python packages by their `__init__.py` even when the init file itself is skipped)
    known_paths: set[str] = field(default_factory=set)


class _IgnoreLevel:
    """The .gitignore of one directory, whose patterns are relative to that directory.

    `any_match` is every pattern's regex in one alternation: most paths match no pattern at all, and one
    regex search answers that much faster than pathspec's pattern-by-pattern loop (which then decides the rare
    paths that do match, with git's last-match-wins and negation rules).
    """

    __slots__ = ("prefix", "spec", "any_match", "literals")

    def __init__(self, prefix: str, spec: pathspec.PathSpec, lines: list[str]) -> None:
        self.prefix = prefix  # "" for the root, else "a/b/"
        self.spec = spec
        self.any_match = _combined_regex(spec)
        self.literals = _required_literals(lines)


def _required_literals(lines: list[str]) -> tuple[str, ...] | None:
    """One piece of plain text per pattern that any path it matches must contain (`target` for `**/target/`),
    or None when some pattern has none (`*`). Substring tests on these are cheaper still than the combined regex,
    whose `(?:.+/)?` prefixes backtrack over every slash of a path."""
    literals: list[str] = []
    for line in lines:
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        text = text.removeprefix("!").replace("\\", "")
        text = re.sub(r"\[[^\]]*\]", "*", text)  # a bracket expression is not literal text
        pieces = [piece for piece in re.split(r"[*?/]+", text) if piece]
        if not pieces:
            return None
        literals.append(max(pieces, key=len))
    return tuple(sorted(set(literals)))


def _combined_regex(spec: pathspec.PathSpec) -> re.Pattern[str] | None:
    sources = []
    for pattern in spec.patterns:
        regex = getattr(pattern, "regex", None)
        if getattr(pattern, "include", None) is None or regex is None:
            continue
        # group names repeat across patterns; the quick test needs no groups at all
        sources.append(re.sub(r"\(\?P<[A-Za-z_]\w*>", "(?:", regex.pattern))
    if not sources:
        return None
    try:
        return re.compile("|".join(f"(?:{source})" for source in sources))
    except re.error:
        return None


def _read_ignore_file(prefix: str, path: str) -> _IgnoreLevel | None:
    try:
        with open(path, "rb") as handle:
            text = handle.read(1_000_000).decode("utf-8", errors="replace")
    except OSError:
        return None
    lines = text.splitlines()
    if not any(line.strip() and not line.lstrip().startswith("#") for line in lines):
        return None
    try:
        return _IgnoreLevel(prefix, pathspec.GitIgnoreSpec.from_lines(lines), lines)
    except Exception:  # a malformed pattern must not stop indexing; git itself ignores such lines
        good = []
        for line in lines:
            try:
                pathspec.GitIgnoreSpec.from_lines([line])
            except Exception:
                continue
            good.append(line)
        return _IgnoreLevel(prefix, pathspec.GitIgnoreSpec.from_lines(good), good) if good else None


def _is_ignored(levels: list[_IgnoreLevel], rel: str, is_dir: bool) -> bool:
    """git's rule: the deepest .gitignore with a matching pattern decides (its last matching pattern wins)."""
    for level in reversed(levels):
        if not rel.startswith(level.prefix):
            continue
        local = rel[len(level.prefix):] + ("/" if is_dir else "")
        if level.literals is not None and not any(literal in local for literal in level.literals):
            continue
        if level.any_match is not None and not level.any_match.match(local):
            continue
        result = level.spec.check_file(local)
        if result.include is not None:
            return bool(result.include)
    return False


def _glob_spec(patterns: list[str]) -> pathspec.PathSpec | None:
    cleaned = [p.strip() for p in patterns if p and p.strip()]
    return pathspec.GitIgnoreSpec.from_lines(cleaned) if cleaned else None


def fast_language_for_path(rel: str) -> str | None:
    """`languages.language_for_path` without pathlib (the walk calls it for every file of the tree)."""
    dot = rel.rfind(".")
    if dot <= rel.rfind("/") + 1:  # no dot, or a hidden name like ".py" (no suffix, as pathlib says)
        return None
    language = EXTENSIONS.get(rel[dot:].lower())
    if language is None or rel.endswith(".d.ts"):
        return None
    return language


def enabled_languages(config: IndexConfig) -> set[str]:
    enabled: set[str] = set()
    for name in config.languages:
        enabled.update(CONFIG_LANGUAGES.get(name.lower(), (name.lower(),)))
    return enabled


class PathFilter:
    """The name-only decisions (globs, languages), reusable for a single path (`update_file` of a new file)."""

    def __init__(self, config: IndexConfig) -> None:
        self.include = _glob_spec(config.include)
        self.exclude = _glob_spec(config.exclude)
        self.languages = enabled_languages(config)

    def excluded_dir(self, rel_dir: str) -> bool:
        return bool(self.exclude and self.exclude.match_file(rel_dir + "/"))

    def file_reason(self, rel: str) -> tuple[str | None, str | None]:
        """(language, skip reason); language None with reason None means "not a source file at all"."""
        language = fast_language_for_path(rel)
        if language is None:
            return None, None
        if self.exclude and self.exclude.match_file(rel):
            return language, SkipReason.EXCLUDED
        if self.include and not self.include.match_file(rel):
            return language, SkipReason.EXCLUDED
        if language not in self.languages:
            return language, SkipReason.LANGUAGE_OFF
        if _is_minified_name(rel):
            return language, SkipReason.MINIFIED
        return language, None


def walk_tree(root: str | Path, config: IndexConfig | None = None) -> WalkResult:
    """Every indexable source file under `root`, sorted by path, and counts of what was skipped by reason."""
    config = config or IndexConfig()
    root_str = os.path.abspath(os.fspath(root))
    result = WalkResult()
    path_filter = PathFilter(config)
    levels: list[_IgnoreLevel] = []
    info_exclude = _read_ignore_file("", os.path.join(root_str, ".git", "info", "exclude"))
    if info_exclude is not None:
        levels.append(info_exclude)
    visited: set[tuple[int, int]] = set()
    try:
        st = os.stat(root_str)
        visited.add((st.st_dev, st.st_ino))
    except OSError:
        return result
    for entry in _walk_dir(root_str, "", levels, path_filter, config, visited, result):
        result.files.append(entry)
    result.files.sort(key=lambda f: f.rel_path)
    return result


def _walk_dir(
    abs_dir: str,
    rel_dir: str,
    levels: list[_IgnoreLevel],
    path_filter: PathFilter,
    config: IndexConfig,
    visited: set[tuple[int, int]],
    result: WalkResult,
) -> Iterator[SourceFile]:
    level = _read_ignore_file(rel_dir, os.path.join(abs_dir, ".gitignore"))
    pushed = level is not None
    if pushed:
        levels.append(level)  # type: ignore[arg-type]
    try:
        try:
            with os.scandir(abs_dir) as scan:
                entries = sorted(scan, key=lambda e: e.name)
        except OSError:
            result.skipped[SkipReason.UNREADABLE] += 1
            return
        for entry in entries:
            rel = rel_dir + entry.name
            try:
                is_dir = entry.is_dir(follow_symlinks=True)
            except OSError:
                result.skipped[SkipReason.UNREADABLE] += 1
                continue
            if is_dir:
                if entry.name in ALWAYS_PRUNED:
                    continue
                if levels and _is_ignored(levels, rel, True):
                    result.skipped[SkipReason.GITIGNORED] += 1
                    continue
                if path_filter.excluded_dir(rel):
                    result.skipped[SkipReason.EXCLUDED] += 1
                    continue
                try:
                    st = entry.stat(follow_symlinks=True)
                except OSError:
                    result.skipped[SkipReason.UNREADABLE] += 1
                    continue
                ident = (st.st_dev, st.st_ino)
                if ident in visited:
                    result.skipped[SkipReason.SYMLINK_LOOP] += 1
                    continue
                visited.add(ident)
                yield from _walk_dir(entry.path, rel + "/", levels, path_filter, config, visited, result)
                continue
            language, reason = path_filter.file_reason(rel)
            if language is None:
                continue
            if levels and _is_ignored(levels, rel, False):
                result.skipped[SkipReason.GITIGNORED] += 1
                continue
            result.known_paths.add(rel)
            if reason is not None:
                result.skipped[reason] += 1
                continue
            try:
                st = entry.stat(follow_symlinks=True)
            except OSError:  # broken symlink, vanished file
                result.skipped[SkipReason.UNREADABLE] += 1
                continue
            if not stat.S_ISREG(st.st_mode):
                result.skipped[SkipReason.UNREADABLE] += 1
                continue
            if st.st_size > config.max_file_bytes:
                result.skipped[SkipReason.TOO_LARGE] += 1
                continue
            yield SourceFile(rel, entry.path, language, st.st_size, st.st_mtime_ns)
    finally:
        if pushed:
            levels.pop()


def _is_minified_name(rel: str) -> bool:
    lower = rel.lower()
    return lower.endswith(MINIFIED_NAME_MARKERS)


def content_skip_reason(data: bytes) -> str | None:
    """`binary` or `minified` from the bytes, else None. Cheap: a NUL search in the head and a newline count."""
    if b"\x00" in data[:BINARY_SNIFF_BYTES]:
        return SkipReason.BINARY
    size = len(data)
    if size >= MINIFIED_MIN_BYTES and size / (_line_breaks(data) + 1) > MINIFIED_AVERAGE_LINE:
        return SkipReason.MINIFIED
    return None


def _line_breaks(data: bytes) -> int:
    """Newlines, or carriage returns for old Mac line endings (files like that exist in real trees)."""
    return data.count(b"\n") or data.count(b"\r")


def decode_source(data: bytes) -> tuple[bytes, bool]:
    """UTF-8 bytes for the parser: invalid sequences replaced by U+FFFD (so offsets agree with the decoded
    text editors show). Returns (bytes, whether anything was replaced)."""
    try:
        data.decode("utf-8")
        return data, False
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="replace").encode("utf-8"), True
