"""The persisted index cache under `<root>/.prodlens/index/`, so a warm start reads no source file.

One JSON file holds, per repository-relative path, what indexing that file produced — its statements (with
keys), the logging wrappers it defines, its syntax-error count or content skip reason — and what the result
depends on: the file's content hash (BLAKE2b), its size and mtime (a `stat` that still matches means the hash
is still right, as git's index assumes), its Python module name, and the fingerprint of the wrappers from other
files that were applied to it. The whole cache is valid only for one fingerprint of the prodlens version, the
extractor code and the configuration that affects extraction; anything else is discarded.

Why JSON and not pickle: the cache lives inside the project, and a project can be anyone's checkout. Loading
must not be able to run code, and a damaged or hostile cache is ignored (and rebuilt), never a crash.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import __version__
from ..config import IndexConfig
from ..model import Confidence, Hole, HoleKind, LogStatement, Range, Template
from .extract_types import WrapperDef

CACHE_FORMAT = 1
CACHE_DIR = Path(".prodlens") / "index"
CACHE_FILE = "cache.json"
MAX_CACHE_BYTES = 512 * 1024 * 1024  # a cache larger than this is not ours: ignore it rather than load it

# IndexConfig fields that only choose which files are read; they do not change what a file yields
_WALK_ONLY_FIELDS = frozenset({"include", "exclude", "max_file_bytes", "cache", "languages", "workers"})


def content_digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _code_fingerprint() -> str:
    """Size and mtime of every extractor source (.py, .scm): editing an extractor invalidates old results even
    when the version number has not moved (which is every day during development)."""
    source_dir = Path(__file__).resolve().parent
    digest = hashlib.blake2b(digest_size=16)
    for dirpath, dirnames, filenames in os.walk(source_dir):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for name in sorted(filenames):
            if name.endswith((".py", ".scm")):
                try:
                    st = os.stat(os.path.join(dirpath, name))
                except OSError:
                    continue
                rel = os.path.relpath(os.path.join(dirpath, name), source_dir)
                digest.update(f"{rel}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def extraction_fingerprint(config: IndexConfig) -> str:
    """What every cached result depends on besides the file itself."""
    settings = {k: v for k, v in dataclasses.asdict(config).items() if k not in _WALK_ONLY_FIELDS}
    material = json.dumps(
        [CACHE_FORMAT, __version__, _code_fingerprint(), settings], sort_keys=True, default=str
    )
    return hashlib.blake2b(material.encode(), digest_size=16).hexdigest()


@dataclass(slots=True)
class CachedFile:
    """What indexing one file produced, and what that result depends on."""

    size: int
    mtime_ns: int
    digest: str
    language: str
    module: str | None = None
    skip: str | None = None  # content skip reason (binary, minified): no statements
    errors: int = 0  # syntax error nodes
    failure: str | None = None  # the extractor failed on this file (message), no statements
    wrappers: list[WrapperDef] = field(default_factory=list)  # wrappers this file defines
    foreign: str = ""  # fingerprint of wrappers from other files applied to this file ("" = none)
    statements: list[LogStatement] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------------------------
# encoding


def _parts_to_json(template: Template) -> list[Any]:
    return [p if isinstance(p, str) else [p.kind.value, p.name] for p in template.parts]


_HOLE_KINDS = {k.value: k for k in HoleKind}
_HOLES: dict[tuple[str, str | None], Hole] = {}  # Holes are immutable: share them (warm starts decode many)


def _hole(kind: str, name: Any) -> Hole:
    key = (kind, name if type(name) is str else None)
    hole = _HOLES.get(key)
    if hole is None:
        hole = Hole(_HOLE_KINDS[kind], key[1])
        if len(_HOLES) < 10_000:
            _HOLES[key] = hole
    return hole


def _parts_from_json(data: list[Any]) -> Template:
    return Template(tuple(item if type(item) is str else _hole(*item) for item in data))


def _statement_row(s: LogStatement) -> list[Any]:
    r = s.range
    return [
        s.key, r.start_line, r.start_column, r.end_line, r.end_column, s.framework, s.level, s.logger,
        _parts_to_json(s.template), s.confidence.value, s.wrapper, s.receiver, s.throwable,
    ]


_CONFIDENCE = {c.value: c for c in Confidence}


def _statement_from_row(row: list[Any], path: str, language: str) -> LogStatement:
    key, sl, sc, el, ec, framework, level, logger, parts, confidence, wrapper, receiver, throwable = row
    if type(key) is not str or type(sl) is not int or type(sc) is not int or type(el) is not int \
            or type(ec) is not int:
        raise ValueError("bad statement row")
    return LogStatement(
        key=key, path=path, range=Range(sl, sc, el, ec), language=language, framework=str(framework),
        level=level if isinstance(level, str) else None, logger=logger if isinstance(logger, str) else None,
        template=_parts_from_json(parts), confidence=_CONFIDENCE[confidence], wrapper=bool(wrapper),
        receiver=str(receiver), throwable=bool(throwable),
    )


def wrapper_to_json(w: WrapperDef) -> dict[str, Any]:
    data = {f.name: getattr(w, f.name) for f in dataclasses.fields(WrapperDef)}
    data["template"] = _parts_to_json(w.template) if w.template is not None else None
    return data


def wrapper_from_json(data: dict[str, Any]) -> WrapperDef:
    values = dict(data)
    template = values.get("template")
    values["template"] = _parts_from_json(template) if template is not None else None
    known = {f.name for f in dataclasses.fields(WrapperDef)}
    return WrapperDef(**{k: v for k, v in values.items() if k in known})


def _entry_to_json(entry: CachedFile) -> dict[str, Any]:
    data: dict[str, Any] = {
        "size": entry.size, "mtime_ns": entry.mtime_ns, "digest": entry.digest, "language": entry.language,
    }
    if entry.module is not None:
        data["module"] = entry.module
    if entry.skip is not None:
        data["skip"] = entry.skip
    if entry.errors:
        data["errors"] = entry.errors
    if entry.failure is not None:
        data["failure"] = entry.failure
    if entry.wrappers:
        data["wrappers"] = [wrapper_to_json(w) for w in entry.wrappers]
    if entry.foreign:
        data["foreign"] = entry.foreign
    if entry.statements:
        data["statements"] = [_statement_row(s) for s in entry.statements]
    return data


def _entry_from_json(path: str, data: dict[str, Any]) -> CachedFile:
    language = data["language"]
    size, mtime_ns, digest = data["size"], data["mtime_ns"], data["digest"]
    if not (isinstance(language, str) and isinstance(size, int) and isinstance(mtime_ns, int)
            and isinstance(digest, str)):
        raise ValueError("bad cache entry")
    return CachedFile(
        size=size, mtime_ns=mtime_ns, digest=digest, language=language,
        module=data.get("module"), skip=data.get("skip"), errors=int(data.get("errors", 0)),
        failure=data.get("failure"),
        wrappers=[wrapper_from_json(w) for w in data.get("wrappers", ())],
        foreign=str(data.get("foreign", "")),
        statements=[_statement_from_row(row, path, language) for row in data.get("statements", ())],
    )


# ---------------------------------------------------------------------------------------------------------------
# files


@dataclass(slots=True)
class LoadResult:
    entries: dict[str, CachedFile]
    status: str  # "loaded" | "missing" | "stale" (other fingerprint) | "corrupt: <why>" | "disabled"
    wrapper_sets: dict[str, str] = field(default_factory=dict)  # language family -> fingerprint of its wrappers


def cache_file(cache_dir: Path) -> Path:
    return cache_dir / CACHE_FILE


def load_cache(cache_dir: Path, fingerprint: str) -> LoadResult:
    """The cached entries when the cache exists and was written for `fingerprint`; empty otherwise.

    Never raises: a cache that cannot be read or decoded is reported in `status` and treated as absent.
    """
    path = cache_file(cache_dir)
    try:
        size = path.stat().st_size
    except OSError:
        return LoadResult({}, "missing")
    if size > MAX_CACHE_BYTES:
        return LoadResult({}, "corrupt: too large")
    try:
        data = json.loads(path.read_bytes())
        if not isinstance(data, dict) or data.get("format") != CACHE_FORMAT:
            return LoadResult({}, "stale")
        if data.get("fingerprint") != fingerprint:
            return LoadResult({}, "stale")
        files = data["files"]
        if not isinstance(files, dict):
            raise ValueError("files is not a table")
        entries = {str(p): _entry_from_json(str(p), e) for p, e in files.items()}
        wrapper_sets = {str(k): str(v) for k, v in dict(data.get("wrapper_sets", {})).items()}
    except Exception as exc:  # any damage at all: rebuild from the sources, which are the truth
        return LoadResult({}, f"corrupt: {type(exc).__name__}")
    return LoadResult(entries, "loaded", wrapper_sets)


def save_cache(
    cache_dir: Path, fingerprint: str, entries: dict[str, CachedFile], wrapper_sets: dict[str, str] | None = None
) -> None:
    """Write atomically (temporary file + rename), so a reader never sees half a cache. Raises OSError when the
    directory is not writable; callers decide whether that matters."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    ignore = cache_dir / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# prodlens index cache: never commit\n*\n", encoding="utf-8")
    payload = {
        "format": CACHE_FORMAT,
        "version": __version__,
        "fingerprint": fingerprint,
        "wrapper_sets": wrapper_sets or {},
        "files": {path: _entry_to_json(entry) for path, entry in sorted(entries.items())},
    }
    # ASCII-only output: lone surrogates (possible in Python strings) survive as \u escapes
    text = json.dumps(payload, separators=(",", ":"), ensure_ascii=True)
    fd, tmp = tempfile.mkstemp(prefix=".cache-", suffix=".tmp", dir=cache_dir)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(text)
        os.replace(tmp, cache_file(cache_dir))
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
