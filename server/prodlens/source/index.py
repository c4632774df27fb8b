"""The statement index: every log statement of a source tree, with stable keys, kept current file by file.

Public API (used by the language server, the matcher, ingest and the CLI; keep it stable)::

    from prodlens.source.index import StatementIndex, extract_source

    idx = StatementIndex.build(root, config=None, progress=None)  # progress(done, total), optional
    idx.root                        # Path of the tree
    idx.statements                  # list[LogStatement], sorted by (path, position)
    idx.by_key(key)                 # LogStatement | None
    idx.for_path("src/A.java")      # list[LogStatement] of one file, sorted by position
    idx.update_file(rel_path, text) # re-extract one file from new text (str or bytes); returns its statements
    idx.remove_file(rel_path)       # forget a deleted file
    idx.report                      # IndexReport: files, statements, skipped by reason, errors, per language...
    idx.save()                      # write the cache under <root>/.prodlens/index/ (build() loads it)

    extract_source(rel_path, text, config=None)  # one file, no tree: tests and `prodlens show`

How a build works (and why):
1. `walk.walk_tree` lists the files (gitignore, include/exclude, languages, size) from names and `stat`.
2. Each file whose `stat` (or, failing that, content hash) matches the cache is taken from the cache without
   parsing; the others are read, checked for binary/minified content, passed through a cheap byte-level
   prefilter (a file that never mentions a logger cannot hold a log call: no parse needed), parsed with
   tree-sitter and given to its language's extractor with only the configured logging methods as wrappers.
3. Wrappers exported by all files are collected (`wrappers.WrapperRegistry`); the files that call a wrapper
   defined elsewhere are extracted again with those wrappers (`_resolve_wrappers`).
4. Keys: `model.statement_key(path, template, level, ordinal)`, the ordinal counting earlier statements of the
   same file with the same (template text, level). Inserting lines or editing another statement keeps a key.

`update_file` re-parses incrementally: the tree of each recently updated file is kept, the edit is computed
from the old and new text (common prefix and suffix), applied with `Tree.edit`, and the new tree is parsed
with the old one as a base. When the edit lies inside one function or method, only that member is extracted
again, from a skeleton of the file whose other members are blanked (`skeleton`); otherwise the whole file is.
It touches only that file: when the file's exported wrappers change, other files keep their statements until
`resolve_wrappers()` or the next build. Also: `idx.paths` (indexed files), `idx.close_file(path)` (drop a
kept tree), `idx.resolve_wrappers()`.

Languages whose extractor is not installed are skipped and counted (`report.skipped["no_extractor"]`,
`report.missing_extractors`). Nothing in a source tree makes indexing raise: unreadable files, syntax
errors, invalid UTF-8 and extractor failures are counted in the report.
"""

from __future__ import annotations

import dataclasses
import os
import re
import threading
import time
from bisect import bisect_right
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Callable, Iterable

import tree_sitter

from ..config import Config, IndexConfig, load_config
from ..model import LogStatement, Range, statement_key
from .cache import (
    CACHE_DIR,
    CachedFile,
    content_digest,
    extraction_fingerprint,
    load_cache,
    save_cache,
)
from . import skeleton
from .extract_types import ExtractContext, LanguageExtractor, RawStatement, WrapperDef
from .languages import FAMILY, extractor as load_extractor, language_for_path, new_parser
from .modules import GO_MOD, go_module_line, go_package_path, python_module_name
from .walk import PathFilter, SkipReason, SourceFile, content_skip_reason, decode_source, walk_tree
from .wrappers import WrapperRegistry, call_name, configured_wrappers, wrapper_set_fingerprint

ProgressCallback = Callable[[int, int], None]

OPEN_TREES = 16
"""Trees kept for incremental re-parsing: the files most recently passed to `update_file` (open editors). A tree
costs ~15× its source in memory (plus the skeleton's), so a few megabytes for a large file: keep it bounded."""

# Words without which a file cannot contain a log call of any framework the extractors know; a file that has
# none of them is not parsed at all. Extractors may override with a `prefilter` attribute (bytes regex).
_PREFILTER_WORDS: dict[str, tuple[bytes, ...]] = {
    "java": (b"log",),
    "python": (b"log",),
    "js": (b"log", b"console", b"pino", b"winston", b"bunyan", b"signale", b"consola"),
    "go": (b"log", b"zap", b"zerolog"),
}


# ---------------------------------------------------------------------------------------------------------------
# report


@dataclass(slots=True)
class IndexReport:
    """What an index holds and what it left out, for `prodlens index`, the LSP's status and the benchmark."""

    root: str
    files_indexed: int = 0  # files read and extracted (or taken from the cache), with or without statements
    statements: int = 0
    skipped: dict[str, int] = field(default_factory=dict)  # reason (walk.SkipReason) -> files
    errors: list[tuple[str, str]] = field(default_factory=list)  # (path, what went wrong)
    syntax_error_files: int = 0  # files with syntax errors (their parseable parts were still indexed)
    replaced_utf8_files: int = 0  # files with invalid UTF-8, decoded with replacement characters
    languages: dict[str, dict[str, int]] = field(default_factory=dict)  # language -> {"files", "statements"}
    frameworks: dict[str, int] = field(default_factory=dict)  # framework -> statements
    missing_extractors: dict[str, int] = field(default_factory=dict)  # language -> files skipped
    cache: str = "disabled"  # loaded | missing | stale | corrupt: ... | disabled
    cache_hits: int = 0  # files taken from the cache
    parsed: int = 0  # files parsed during the build (including re-extraction for wrappers)
    prefiltered: int = 0  # files read but not parsed: no logger word in them
    wrapper_files: int = 0  # files re-extracted because they call a wrapper defined in another file
    member_updates: int = 0  # update_file calls that re-extracted only the edited function (skeleton)
    seconds: float = 0.0  # build time

    def to_json(self) -> dict[str, Any]:
        return {
            "root": self.root,
            "files_indexed": self.files_indexed,
            "statements": self.statements,
            "skipped": dict(sorted(self.skipped.items())),
            "errors": [{"path": p, "error": e} for p, e in self.errors],
            "syntax_error_files": self.syntax_error_files,
            "replaced_utf8_files": self.replaced_utf8_files,
            "languages": self.languages,
            "frameworks": dict(sorted(self.frameworks.items())),
            "missing_extractors": self.missing_extractors,
            "cache": self.cache,
            "cache_hits": self.cache_hits,
            "parsed": self.parsed,
            "prefiltered": self.prefiltered,
            "wrapper_files": self.wrapper_files,
            "member_updates": self.member_updates,
            "seconds": round(self.seconds, 4),
        }


# ---------------------------------------------------------------------------------------------------------------
# one file


def _index_config(config: Config | IndexConfig | None) -> IndexConfig:
    if config is None:
        return IndexConfig()
    if isinstance(config, Config):
        return config.index
    return config


def normalize_rel_path(rel_path: str | os.PathLike[str]) -> str:
    """Repository-relative POSIX form: `./a\\b.py` and `a/b.py` are the same file."""
    text = os.fspath(rel_path).replace("\\", "/")
    parts = [p for p in PurePosixPath(text).parts if p not in (".", "")]
    return "/".join(parts)


def assign_keys(path: str, language: str, raws: Iterable[RawStatement]) -> list[LogStatement]:
    """LogStatements in source order, keyed by (path, template, level, ordinal among equal (template, level))."""
    ordered = sorted(
        raws, key=lambda r: (r.range.start_line, r.range.start_column, r.range.end_line, r.range.end_column)
    )
    seen: Counter[tuple[str, str | None]] = Counter()
    result: list[LogStatement] = []
    for raw in ordered:
        text = raw.template.text
        ordinal = seen[(text, raw.level)]
        seen[(text, raw.level)] += 1
        result.append(
            LogStatement(
                key=statement_key(path, raw.template, raw.level, ordinal),
                path=path,
                range=raw.range,
                language=language,
                framework=raw.framework,
                level=raw.level,
                logger=raw.logger,
                template=raw.template,
                confidence=raw.confidence,
                wrapper=raw.wrapper,
                receiver=raw.receiver,
                throwable=raw.throwable,
            )
        )
    return result


def _key_info(statements: Iterable[LogStatement]) -> dict[str, tuple[str, int]]:
    seen: Counter[tuple[str, str | None]] = Counter()
    info: dict[str, tuple[str, int]] = {}
    for statement in statements:
        text = statement.template.text
        ordinal = seen[(text, statement.level)]
        seen[(text, statement.level)] += 1
        info[statement.key] = (text, ordinal)
    return info


def _rekey(
    path: str,
    language: str,
    carried: list[LogStatement],
    fresh: list[RawStatement],
    info: dict[str, tuple[str, int]],
) -> tuple[list[LogStatement], dict[str, tuple[str, int]]]:
    """`assign_keys` for a member update: carried statements keep their object (and key) unless their ordinal
    moved; only the fresh statements of the edited member are keyed from scratch."""
    def position(item: LogStatement | RawStatement) -> tuple[int, int, int, int]:
        r = item.range
        return r.start_line, r.start_column, r.end_line, r.end_column

    items: list[tuple[tuple[int, int, int, int], int, LogStatement | RawStatement]] = [
        (position(s), 0, s) for s in carried
    ]
    items.extend((position(r), 1, r) for r in fresh)
    items.sort(key=lambda item: (item[0], item[1]))
    seen: Counter[tuple[str, str | None]] = Counter()
    result: list[LogStatement] = []
    new_info: dict[str, tuple[str, int]] = {}
    for _, is_fresh, item in items:
        if not is_fresh:
            text, old_ordinal = info[item.key]  # type: ignore[union-attr]
        else:
            text, old_ordinal = item.template.text, -1
        ordinal = seen[(text, item.level)]
        seen[(text, item.level)] += 1
        if not is_fresh and ordinal == old_ordinal:
            result.append(item)  # type: ignore[arg-type]
            new_info[item.key] = (text, ordinal)  # type: ignore[union-attr]
            continue
        statement = assign_keys(path, language, [item])[0]  # ordinal 0 there: re-key with the real one
        if ordinal:
            statement = dataclasses.replace(statement, key=statement_key(path, item.template, item.level, ordinal))
        result.append(statement)
        new_info[statement.key] = (text, ordinal)
    return result, new_info


def _available_extractor(language: str) -> LanguageExtractor | None:
    """The language's extractor, or None while it is not installed (another team may still be writing it)."""
    try:
        return load_extractor(language)
    except (ImportError, AttributeError):
        return None


@dataclass(slots=True)
class _Extracted:
    statements: list[LogStatement]
    wrappers: list[WrapperDef]
    errors: int = 0
    failure: str | None = None


def _run_extractor(
    extractor: LanguageExtractor,
    tree: tree_sitter.Tree | None,
    source: bytes,
    path: str,
    language: str,
    module: str | None,
    config: IndexConfig,
    wrappers: list[WrapperDef],
) -> _Extracted:
    if tree is None:
        return _Extracted([], [], failure="parser returned no tree")
    context = ExtractContext(config=config, wrappers=wrappers, module=module)
    try:
        extraction = extractor.extract(tree, source, path, context)
        statements = assign_keys(path, language, extraction.statements)
        return _Extracted(statements, list(extraction.wrappers), int(extraction.errors or 0))
    except RecursionError:
        return _Extracted([], [], failure="extractor failed: nesting too deep")
    except Exception as exc:  # an extractor bug on one file must not lose the other files
        return _Extracted([], [], failure=f"extractor failed: {type(exc).__name__}: {exc}"[:500])


def _prefilter(
    language: str, extractor: LanguageExtractor, extra_names: Iterable[str]
) -> Callable[[bytes], bool]:
    """Whether a file may hold a log call: a case-insensitive substring test per word (lowering the bytes once
    and using `in` is several times faster than one case-insensitive regex), or the extractor's own pattern."""
    names = [call_name(n).lower().encode() for n in extra_names if call_name(n)]
    custom = getattr(extractor, "prefilter", None)
    if isinstance(custom, (bytes, str)):
        pattern = re.compile(custom.encode() if isinstance(custom, str) else custom)

        def custom_test(source: bytes) -> bool:
            lowered = source.lower()
            return pattern.search(source) is not None or any(name in lowered for name in names)

        return custom_test
    words = tuple(w.lower() for w in _PREFILTER_WORDS.get(FAMILY.get(language, ""), (b"log",))) + tuple(names)

    def test(source: bytes) -> bool:
        lowered = source.lower()
        return any(word in lowered for word in words)

    return test


def extract_source(
    rel_path: str, text: str | bytes, config: Config | IndexConfig | None = None
) -> list[LogStatement]:
    """Statements of one file given its text, without a tree around it (no wrappers from other files; a
    Python module name guessed from the path alone). Empty for files of no supported language."""
    path = normalize_rel_path(rel_path)
    language = language_for_path(path)
    if language is None:
        return []
    extractor = _available_extractor(language)
    if extractor is None:
        return []
    index_config = _index_config(config)
    source = text.encode("utf-8", errors="replace") if isinstance(text, str) else decode_source(text)[0]
    module = python_module_name(path) if language == "python" else None
    tree = new_parser(language).parse(source)
    return _run_extractor(
        extractor, tree, source, path, language, module, index_config, configured_wrappers(index_config)
    ).statements


# ---------------------------------------------------------------------------------------------------------------
# incremental edits


@dataclass(slots=True)
class _Skeleton:
    """The last skeleton of an open file (see `skeleton`): which member it keeps, its text and its tree."""

    member_start: int
    member_end: int
    source: bytes
    tree: tree_sitter.Tree


@dataclass(slots=True)
class _OpenTree:
    language: str
    source: bytes
    tree: tree_sitter.Tree
    skeleton: _Skeleton | None = None
    members: list[skeleton.Member] | None = None  # functions/methods of `tree`, when known
    key_info: dict[str, tuple[str, int]] | None = None  # statement key -> (template text, ordinal)


def _common_prefix(a: bytes, b: bytes) -> int:
    """Length of the common prefix, by bisection over slices (memcmp in C; no per-byte Python loop)."""
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[lo:mid] == b[lo:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _common_suffix(a: bytes, b: bytes, limit: int) -> int:
    """Length of the common suffix, at most `limit` (so prefix and suffix never overlap)."""
    la, lb = len(a), len(b)
    lo, hi = 0, limit
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[la - mid:la - lo] == b[lb - mid:lb - lo]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _point(source: bytes, offset: int) -> tuple[int, int]:
    row = source.count(b"\n", 0, offset)
    column = offset - (source.rfind(b"\n", 0, offset) + 1)
    return row, column


def compute_edit(old: bytes, new: bytes) -> dict[str, Any] | None:
    """The `Tree.edit` arguments turning `old` into `new` as one replaced span; None when they are equal."""
    if old == new:
        return None
    prefix = _common_prefix(old, new)
    suffix = _common_suffix(old, new, min(len(old), len(new)) - prefix)
    old_end = len(old) - suffix
    new_end = len(new) - suffix
    start_row, start_column = _point(old, prefix)
    # the end points from the start point: only the changed span is scanned again
    return {
        "start_byte": prefix,
        "old_end_byte": old_end,
        "new_end_byte": new_end,
        "start_point": (start_row, start_column),
        "old_end_point": _span_end(old, prefix, old_end, start_row, start_column),
        "new_end_point": _span_end(new, prefix, new_end, start_row, start_column),
    }


def _span_end(source: bytes, start: int, end: int, row: int, column: int) -> tuple[int, int]:
    breaks = source.count(b"\n", start, end)
    if not breaks:
        return row, column + (end - start)
    return row + breaks, end - (source.rfind(b"\n", start, end) + 1)


# ---------------------------------------------------------------------------------------------------------------
# the index


class StatementIndex:
    """All log statements of a tree; see the module docstring for the API and how building works.

    Thread-safe: the language server updates it from one thread and reads from others.
    """

    def __init__(self, root: str | os.PathLike[str], config: Config | IndexConfig | None = None,
                 *, cache_dir: str | os.PathLike[str] | None = None) -> None:
        """An empty index; use `StatementIndex.build` to fill one from the tree."""
        self.root = Path(root).resolve()
        self.config: IndexConfig = _index_config(config)
        self.cache_dir = Path(cache_dir) if cache_dir is not None else self.root / CACHE_DIR
        self._lock = threading.RLock()
        self._entries: dict[str, CachedFile] = {}
        self._by_key: dict[str, LogStatement] = {}
        self._statements: list[LogStatement] | None = None
        self._known_paths: set[str] = set()
        self._go_modules: dict[str, str | None] = {}  # directory -> module path its go.mod declares
        self._trees: OrderedDict[str, _OpenTree] = OrderedDict()
        self._parsers: dict[str, tree_sitter.Parser] = {}
        self._registry = WrapperRegistry()
        self._configured = configured_wrappers(self.config)
        self._fingerprint: str | None = None
        self._path_filter = PathFilter(self.config)
        self._skipped: Counter[str] = Counter()
        self._missing: Counter[str] = Counter()
        self._errors: list[tuple[str, str]] = []
        self._replaced_utf8: set[str] = set()
        self._report = IndexReport(root=str(self.root))
        self._prefilters: dict[str, Callable[[bytes], bool]] = {}
        self._resolved_sets: dict[str, str] = {}  # wrapper set per family when wrappers were last resolved
        self._use_prefilter = True

    # ---- construction -----------------------------------------------------------------------------------------

    @classmethod
    def build(
        cls,
        root: str | os.PathLike[str],
        config: Config | IndexConfig | None = None,
        progress: ProgressCallback | None = None,
        *,
        cache_dir: str | os.PathLike[str] | None = None,
        use_cache: bool | None = None,
        prefilter: bool = True,
    ) -> "StatementIndex":
        """Index every source file under `root`.

        `config`: a `Config` or its `IndexConfig`; None reads `.prodlens.toml` / `pyproject.toml` in `root`
        (raising `ConfigError` when that file is invalid). `progress(done, total)` is called as files are
        processed. The cache under `<root>/.prodlens/index/` (or `cache_dir`) is loaded when
        `index.cache` is on (`use_cache` overrides); call `save()` to write it. `prefilter=False` parses every
        file, even those that mention no logger (the benchmark uses it to check the prefilter loses nothing).
        """
        if config is None:
            config = load_config(root)
        index = cls(root, config, cache_dir=cache_dir)
        index._use_prefilter = prefilter
        index._build(progress, index.config.cache if use_cache is None else use_cache)
        return index

    def _build(self, progress: ProgressCallback | None, use_cache: bool) -> None:
        started = time.perf_counter()
        walked = walk_tree(self.root, self.config)
        self._known_paths = set(walked.known_paths)
        self._go_modules = {}  # a build re-reads go.mod files
        self._skipped = Counter(walked.skipped)
        report = self._report
        fingerprint = self._extraction_fingerprint()
        cached: dict[str, CachedFile] = {}
        cached_wrapper_sets: dict[str, str] = {}
        if use_cache:
            loaded = load_cache(self.cache_dir, fingerprint)
            cached, report.cache, cached_wrapper_sets = loaded.entries, loaded.status, loaded.wrapper_sets
        else:
            report.cache = "disabled"

        sources: dict[str, bytes] = {}  # files read in this build, kept for the wrapper pass
        total = len(walked.files)
        for done, source_file in enumerate(walked.files, 1):
            self._index_walked_file(source_file, cached.get(source_file.rel_path), sources)
            if progress is not None:
                progress(done, total)
        if self.config.detect_wrappers:
            self._resolve_wrappers(sources, cached_wrapper_sets)
        self._resolved_sets = self._registry.family_fingerprints()
        self._rebuild_keys()
        report.seconds = time.perf_counter() - started

    def _extraction_fingerprint(self) -> str:
        if self._fingerprint is None:
            self._fingerprint = extraction_fingerprint(self.config)
        return self._fingerprint

    def _index_walked_file(
        self, source_file: SourceFile, cached: CachedFile | None, sources: dict[str, bytes]
    ) -> None:
        rel, language = source_file.rel_path, source_file.language
        extractor = _available_extractor(language)
        if extractor is None:
            self._skipped[SkipReason.NO_EXTRACTOR] += 1
            self._missing[language] += 1
            return
        module = self._module_for(rel, language)
        if (
            cached is not None
            and cached.size == source_file.size
            and cached.mtime_ns == source_file.mtime_ns
            and cached.language == language
            and cached.module == module
        ):
            self._report.cache_hits += 1
            self._set_entry(rel, cached)
            return
        try:
            with open(source_file.abs_path, "rb") as handle:
                data = handle.read(self.config.max_file_bytes + 1)
        except OSError as exc:
            self._skipped[SkipReason.UNREADABLE] += 1
            self._errors.append((rel, f"cannot read: {exc.strerror or exc}"))
            return
        digest = content_digest(data)
        if cached is not None and cached.digest == digest and cached.language == language \
                and cached.module == module:
            cached.size, cached.mtime_ns = source_file.size, source_file.mtime_ns
            self._report.cache_hits += 1
            self._set_entry(rel, cached)
            if cached.skip is None:
                sources[rel] = decode_source(data)[0]
            return
        # wrappers of files indexed so far are applied at once (files after a wrapper's definition then need no
        # second extraction); `_resolve_wrappers` completes the rest
        source = decode_source(data)[0]
        foreign = self._registry.foreign_for(rel, language, source) if self.config.detect_wrappers else []
        entry = self._extract_bytes(rel, language, extractor, data, digest, module, self._configured + foreign,
                                    prefilter=not foreign, foreign=wrapper_set_fingerprint(foreign))
        entry.size, entry.mtime_ns = source_file.size, source_file.mtime_ns
        self._set_entry(rel, entry)
        if entry.skip is None:
            sources[rel] = source

    def _extract_bytes(
        self,
        rel: str,
        language: str,
        extractor: LanguageExtractor,
        data: bytes,
        digest: str,
        module: str | None,
        wrappers: list[WrapperDef],
        *,
        prefilter: bool = True,
        foreign: str = "",
    ) -> CachedFile:
        """Extract one file's bytes (already read) into a cache entry; content checks and prefilter first."""
        entry = CachedFile(size=len(data), mtime_ns=-1, digest=digest, language=language, module=module)
        if len(data) > self.config.max_file_bytes:
            entry.skip = SkipReason.TOO_LARGE
            return entry
        reason = content_skip_reason(data)
        if reason is not None:
            entry.skip = reason
            return entry
        source, replaced = decode_source(data)
        if replaced:
            self._replaced_utf8.add(rel)
        else:
            self._replaced_utf8.discard(rel)
        if prefilter and self._use_prefilter and not self._prefilter_for(language, extractor)(source):
            self._report.prefiltered += 1
            return entry
        tree = self._parser(language).parse(source)
        self._report.parsed += 1
        extracted = _run_extractor(extractor, tree, source, rel, language, module, self.config, wrappers)
        entry.statements, entry.wrappers = extracted.statements, extracted.wrappers
        entry.errors, entry.failure, entry.foreign = extracted.errors, extracted.failure, foreign
        return entry

    def _prefilter_for(self, language: str, extractor: LanguageExtractor) -> Callable[[bytes], bool]:
        pattern = self._prefilters.get(language)
        if pattern is None:
            names = [w.name for w in self._configured if FAMILY.get(w.language) == FAMILY.get(language)]
            pattern = self._prefilters[language] = _prefilter(language, extractor, names)
        return pattern

    def _parser(self, language: str) -> tree_sitter.Parser:
        parser = self._parsers.get(language)
        if parser is None:
            parser = self._parsers[language] = new_parser(language)
        return parser

    def _module_for(self, rel: str, language: str) -> str | None:
        """Python: the dotted module name; Go: the package import path from the nearest go.mod (the Go extractor
        does not use it as a logger name: no Go framework emits one by default)."""
        if language == "python":
            return python_module_name(rel, self._known_paths)
        if language == "go":
            return go_package_path(rel, self._go_module_of_dir)
        return None

    def _go_module_of_dir(self, directory: str) -> str | None:
        """The module path `<directory>/go.mod` declares, read once per directory per index."""
        if directory in self._go_modules:
            return self._go_modules[directory]
        module = None
        try:
            with open(self.root / directory / GO_MOD, "rb") as handle:
                module = go_module_line(handle.read(65536))
        except OSError:
            pass
        self._go_modules[directory] = module
        return module

    def _set_entry(self, rel: str, entry: CachedFile) -> None:
        self._entries[rel] = entry
        self._registry.set_file(rel, entry.wrappers)

    # ---- wrappers across files -------------------------------------------------------------------------------

    def _resolve_wrappers(self, sources: dict[str, bytes], cached_sets: dict[str, str]) -> None:
        """Re-extract the files whose set of called foreign wrappers differs from what they were extracted with.

        A cached file is re-checked only when its family's wrapper set changed since the cache was written
        (then it is read again); files read in this build are checked from the bytes in hand.
        """
        current_sets = self._registry.family_fingerprints()
        for rel, entry in list(self._entries.items()):
            if entry.skip is not None:
                continue
            family = FAMILY.get(entry.language, "")
            data = sources.get(rel)
            if data is None:
                if current_sets.get(family, "") == cached_sets.get(family, ""):
                    continue  # nothing changed in this family: the cached result is right
                data = self._read_source(rel)
                if data is None:
                    continue
            foreign = self._registry.foreign_for(rel, entry.language, data)
            fingerprint = wrapper_set_fingerprint(foreign)
            if fingerprint == entry.foreign:
                continue
            extractor = _available_extractor(entry.language)
            if extractor is None:
                continue
            fresh = self._extract_bytes(
                rel, entry.language, extractor, data, entry.digest, entry.module,
                self._configured + foreign, prefilter=False, foreign=fingerprint,
            )
            fresh.size, fresh.mtime_ns, fresh.wrappers = entry.size, entry.mtime_ns, entry.wrappers
            self._entries[rel] = fresh  # its own wrappers do not depend on foreign ones: registry unchanged
            self._report.wrapper_files += 1

    def _read_source(self, rel: str) -> bytes | None:
        try:
            with open(self.root / rel, "rb") as handle:
                data = handle.read(self.config.max_file_bytes + 1)
        except OSError:
            return None
        return decode_source(data)[0]

    def resolve_wrappers(self) -> int:
        """Re-extract files affected by wrapper changes made through `update_file` (reads them from disk, or
        uses the text of files kept open). Returns how many files changed. Not called by `update_file`, which
        touches only its own file."""
        with self._lock:
            before = self._report.wrapper_files
            sources = {rel: t.source for rel, t in self._trees.items()}
            self._resolve_wrappers(sources, self._resolved_sets)
            self._resolved_sets = self._registry.family_fingerprints()
            self._rebuild_keys()
            return self._report.wrapper_files - before

    # ---- queries ----------------------------------------------------------------------------------------------

    def _rebuild_keys(self) -> None:
        self._by_key = {s.key: s for entry in self._entries.values() for s in entry.statements}
        self._statements = None

    @property
    def statements(self) -> list[LogStatement]:
        """Every statement, sorted by path then position. The list is shared: do not modify it."""
        with self._lock:
            if self._statements is None:
                self._statements = [
                    s for rel in sorted(self._entries) for s in self._entries[rel].statements
                ]
            return self._statements

    def by_key(self, key: str) -> LogStatement | None:
        return self._by_key.get(key)

    def for_path(self, rel_path: str) -> list[LogStatement]:
        """Statements of one file (repository-relative POSIX path), sorted by position; [] when none."""
        entry = self._entries.get(normalize_rel_path(rel_path))
        return list(entry.statements) if entry is not None else []

    @property
    def paths(self) -> list[str]:
        """Indexed files (with or without statements), sorted."""
        with self._lock:
            return sorted(rel for rel, e in self._entries.items() if e.skip is None)

    @property
    def report(self) -> IndexReport:
        """Counts as of now (after any `update_file`/`remove_file`)."""
        with self._lock:
            report = self._report
            languages: dict[str, dict[str, int]] = {}
            frameworks: Counter[str] = Counter()
            skipped = Counter(self._skipped)
            files = statements = syntax = 0
            errors = list(self._errors)
            for rel, entry in sorted(self._entries.items()):
                if entry.skip is not None:
                    skipped[entry.skip] += 1
                    continue
                files += 1
                statements += len(entry.statements)
                syntax += 1 if entry.errors else 0
                if entry.failure:
                    errors.append((rel, entry.failure))
                counts = languages.setdefault(entry.language, {"files": 0, "statements": 0})
                counts["files"] += 1
                counts["statements"] += len(entry.statements)
                frameworks.update(s.framework for s in entry.statements)
            report.files_indexed, report.statements, report.syntax_error_files = files, statements, syntax
            report.skipped = dict(skipped)
            report.errors = errors
            report.languages = dict(sorted(languages.items()))
            report.frameworks = dict(frameworks)
            report.missing_extractors = dict(self._missing)
            report.replaced_utf8_files = len(self._replaced_utf8)
            return report

    # ---- incremental ------------------------------------------------------------------------------------------

    def update_file(self, rel_path: str, text: str | bytes) -> list[LogStatement]:
        """Re-extract one file from its new text (an editor buffer or the file on disk) and return its
        statements. Incremental: the previous tree of this file, when kept, is edited and reused by the parser,
        and an edit inside one function re-extracts only that function (see `skeleton`). Only this file's
        statements change. Files outside the index's languages/globs yield []."""
        rel = normalize_rel_path(rel_path)
        with self._lock:
            language, reason = self._path_filter.file_reason(rel)
            extractor = _available_extractor(language) if language is not None and reason is None else None
            if extractor is None or language is None:
                self._drop(rel)
                return []
            if isinstance(text, str):
                source = text.encode("utf-8", errors="replace")
            else:
                source = text
            if len(source) > self.config.max_file_bytes or content_skip_reason(source) is not None:
                self._drop(rel)
                return []
            source, replaced = decode_source(source)
            if replaced:
                self._replaced_utf8.add(rel)
            else:
                self._replaced_utf8.discard(rel)
            self._known_paths.add(rel)
            old = self._entries.get(rel)
            previous = self._trees.get(rel)
            if previous is not None and previous.source == source and old is not None and old.mtime_ns == -1:
                return list(old.statements)  # the same text again (didSave after didChange)
            tree, edit = self._incremental_parse(rel, language, source)
            foreign = self._registry.foreign_for(rel, language, source) if self.config.detect_wrappers else []
            foreign_fingerprint = wrapper_set_fingerprint(foreign)
            module = self._module_for(rel, language)
            wrappers = self._configured + foreign
            entry = None
            if edit is not None and tree is not None and old is not None and previous is not None \
                    and old.foreign == foreign_fingerprint and old.module == module:
                entry = self._update_member(rel, language, extractor, source, tree, edit, old, previous, wrappers)
            if entry is None:
                extracted = _run_extractor(extractor, tree, source, rel, language, module, self.config, wrappers)
                entry = CachedFile(
                    size=-1, mtime_ns=-1, digest="", language=language, module=module,
                    errors=extracted.errors, failure=extracted.failure, wrappers=extracted.wrappers,
                    foreign=foreign_fingerprint, statements=extracted.statements,
                )
            # editor text may differ from disk: size/mtime -1 never match a stat, and the digest is computed
            # when the cache is saved (hashing on every keystroke would be wasted work)
            entry.size, entry.mtime_ns, entry.digest = -1, -1, ""
            if old is not None:
                for statement in old.statements:
                    if self._by_key.get(statement.key) is statement:
                        del self._by_key[statement.key]
            self._set_entry(rel, entry)
            for statement in entry.statements:
                self._by_key[statement.key] = statement
            self._statements = None
            return list(entry.statements)

    def _update_member(
        self,
        rel: str,
        language: str,
        extractor: LanguageExtractor,
        source: bytes,
        tree: tree_sitter.Tree,
        edit: dict[str, Any],
        old: CachedFile,
        previous: "_OpenTree",
        wrappers: list[WrapperDef],
    ) -> CachedFile | None:
        """The file's new entry when the edit lies inside one function/method, re-extracting only that member
        from a skeleton of the file; None when the full extraction must run (see `skeleton`)."""
        if old.skip is not None or old.failure is not None or old.errors or not skeleton.supported(language, source):
            return None
        row_delta = edit["new_end_point"][0] - edit["old_end_point"][0]
        byte_delta = edit["new_end_byte"] - edit["old_end_byte"]
        found, moved = self._members_after_edit(previous, tree, edit, byte_delta, row_delta, language, source)
        if not found:
            return None
        keep = skeleton.enclosing(found, edit["start_byte"], edit["new_end_byte"])
        if keep is None:
            return None
        # an edit that adds or removes a logger binding changes other members' statements: full extraction
        if skeleton.may_bind_logger(source[keep.start_byte:keep.end_byte]) or skeleton.may_bind_logger(
                previous.source[keep.start_byte:keep.end_byte - byte_delta]):
            return None
        old_keep_end_row = keep.end_row - row_delta
        # An extractor that reads a byte range runs on the whole new tree for the edited member alone, and every
        # other statement is carried over (moved): no skeleton to build or parse. Otherwise the skeleton's
        # extraction re-reads everything but the blanked members, whose statements are carried over.
        by_range = getattr(extractor, "supports_byte_range", False)
        if by_range and tree.root_node.has_error:
            return None  # the full extraction counts the errors
        # old statements: in the edited member (replaced), in other members (kept, moved), elsewhere (re-read
        # from the skeleton, or kept and moved when reading by range)
        member_starts = [m.start_row for m in found]
        carried: list[LogStatement] = []
        for statement in old.statements:
            start_row, end_row = statement.range.start_line, statement.range.end_line
            if keep.start_row <= start_row and end_row <= old_keep_end_row:
                if statement.wrapper:
                    return None  # the member defines a wrapper: its call sites elsewhere may change
                continue
            if start_row > old_keep_end_row:
                start_row, end_row = start_row + row_delta, end_row + row_delta
            position = bisect_right(member_starts, start_row) - 1
            if by_range or (position >= 0 and found[position] is not keep and end_row <= found[position].end_row):
                if row_delta and statement.range.start_line > old_keep_end_row:
                    r = statement.range
                    statement = dataclasses.replace(
                        statement, range=Range(r.start_line + row_delta, r.start_column, r.end_line + row_delta,
                                               r.end_column))
                carried.append(statement)
        context = ExtractContext(config=self.config, wrappers=wrappers + old.wrappers, module=old.module)
        if by_range:
            context.byte_range = (keep.start_byte, keep.end_byte)
            read_tree, read_source = tree, source
        else:
            read_source, skeleton_tree = self._skeleton_tree(
                language, source, found, keep, previous.skeleton if moved else None, edit, byte_delta)
            if skeleton_tree is None:
                return None
            read_tree = skeleton_tree
        try:
            extraction = extractor.extract(read_tree, read_source, rel, context)
        except Exception:
            return None  # let the full extraction report it
        if extraction.wrappers or extraction.errors or any(r.wrapper for r in extraction.statements):
            return None
        current = self._trees.get(rel)
        if current is not None and current.source is source:
            if not by_range:
                current.skeleton = _Skeleton(keep.start_byte, keep.end_byte, read_source, read_tree)
            current.members = found
        info = previous.key_info
        if info is None or len(info) != len(old.statements) or any(s.key not in info for s in old.statements):
            info = _key_info(old.statements)
        statements, new_info = _rekey(rel, language, carried, extraction.statements, info)
        if current is not None and current.source is source:
            current.key_info = new_info
        self._report.member_updates += 1
        return CachedFile(size=-1, mtime_ns=-1, digest="", language=language, module=old.module,
                          errors=0, failure=None, wrappers=old.wrappers, foreign=old.foreign,
                          statements=statements)

    def _members_after_edit(
        self,
        previous: "_OpenTree",
        tree: tree_sitter.Tree,
        edit: dict[str, Any],
        byte_delta: int,
        row_delta: int,
        language: str,
        source: bytes,
    ) -> tuple[list[skeleton.Member] | None, bool]:
        """The members of the new tree, and whether they are the previous ones moved. Walking a large class costs
        milliseconds, so when the edit was inside one member and tree-sitter reports no structural change
        outside it, the previous list is moved instead."""
        last = previous.members
        if last:
            member = skeleton.enclosing(last, edit["start_byte"], edit["old_end_byte"])
            if member is not None:
                new_end = member.end_byte + byte_delta
                changed = previous.tree.changed_ranges(tree)
                if all(member.start_byte < r.start_byte and r.end_byte < new_end for r in changed):
                    return skeleton.shifted(last, member, byte_delta, row_delta), True
        return skeleton.members(tree, language, source), False

    def _skeleton_tree(
        self,
        language: str,
        source: bytes,
        found: list[skeleton.Member],
        keep: skeleton.Member,
        last: "_Skeleton | None",
        edit: dict[str, Any],
        byte_delta: int,
    ) -> tuple[bytes, tree_sitter.Tree | None]:
        """The skeleton's text and tree: incrementally from the previous skeleton when the edit is in the same
        member as last time (the usual case while typing), else built and parsed afresh."""
        parser = self._parser(language)
        if last is not None and last.member_start == keep.start_byte \
                and last.member_end + byte_delta == keep.end_byte and edit["old_end_byte"] < last.member_end:
            # same member as last time: the skeleton changes exactly as the file did (same offsets and points)
            text = last.source[:keep.start_byte] + source[keep.start_byte:keep.end_byte] \
                + last.source[last.member_end:]
            last.tree.edit(**edit)
            return text, parser.parse(text, last.tree)
        text = skeleton.blank_others(source, found, keep, language)
        return text, parser.parse(text)

    def _incremental_parse(
        self, rel: str, language: str, source: bytes
    ) -> tuple[tree_sitter.Tree | None, dict[str, Any] | None]:
        """The new tree of a file, re-using its previous tree when kept, and the edit between them (None when
        there was no previous tree)."""
        parser = self._parser(language)
        previous = self._trees.pop(rel, None)
        tree: tree_sitter.Tree | None
        edit = None
        if previous is not None and previous.language == language:
            edit = compute_edit(previous.source, source)
            if edit is None:
                tree = previous.tree
            else:
                previous.tree.edit(**edit)
                tree = parser.parse(source, previous.tree)
        else:
            previous = None
            tree = parser.parse(source)
        if tree is not None:
            kept = _OpenTree(language, source, tree)
            self._trees[rel] = kept
            while len(self._trees) > OPEN_TREES:
                self._trees.popitem(last=False)
        return tree, edit

    def close_file(self, rel_path: str) -> None:
        """Forget the kept tree of a file (the editor closed it); its statements stay."""
        with self._lock:
            self._trees.pop(normalize_rel_path(rel_path), None)

    def remove_file(self, rel_path: str) -> None:
        """Forget a file (deleted or renamed away): its statements, tree and wrappers."""
        with self._lock:
            self._drop(normalize_rel_path(rel_path))

    def _drop(self, rel: str) -> None:
        entry = self._entries.pop(rel, None)
        self._trees.pop(rel, None)
        self._registry.remove_file(rel)
        self._replaced_utf8.discard(rel)
        if entry is not None:
            for statement in entry.statements:
                if self._by_key.get(statement.key) is statement:
                    del self._by_key[statement.key]
            self._statements = None

    # ---- persistence ------------------------------------------------------------------------------------------

    def save(self) -> bool:
        """Write the cache (atomically). Returns False, without raising, when it cannot be written (read-only
        checkout) or when `index.cache` is off; the index itself is unaffected."""
        if not self.config.cache:
            return False
        with self._lock:
            entries = {}
            for rel, entry in self._entries.items():
                if not entry.digest:  # from update_file: hash the text when it is still at hand, else drop
                    open_tree = self._trees.get(rel)
                    if open_tree is None:
                        continue
                    entry.digest = content_digest(open_tree.source)
                entries[rel] = entry
            # the wrapper sets the entries were last resolved against (not the registry's current ones: a wrapper
            # changed by update_file has not reached its callers until resolve_wrappers, so the next build must
            # see the difference and re-check them)
            wrapper_sets = dict(self._resolved_sets)
        try:
            save_cache(self.cache_dir, self._extraction_fingerprint(), entries, wrapper_sets)
        except OSError as exc:
            self._errors.append((str(self.cache_dir), f"cannot write the index cache: {exc.strerror or exc}"))
            return False
        return True
