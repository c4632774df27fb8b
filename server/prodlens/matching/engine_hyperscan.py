"""The Hyperscan template engine: every template at once, one scan call per message.

Each message is scanned on its own against one compiled database of `render.hyperscan_matcher_regex` patterns
(`\\A(?:body)\\z`, single-match). An earlier version joined many messages into one NUL-separated buffer to save
scan calls; the engine-equality test found Hyperscan 5.4 missing matches in such buffers (fixed only by
start-of-match tracking, which made compiling 2,000 patterns take minutes), so correctness won.
Compiling is slow (seconds for thousands of patterns), so databases are serialized to `cache_dir` under a hash
of the exact pattern list and the Hyperscan version: the same template set is never compiled twice, and a set
that differs a little from a cached one (an edit) compiles only the patterns that one lacks.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from pathlib import Path
from typing import Sequence

from ..model import Template
from ..render import hyperscan_matcher_regex

log = logging.getLogger(__name__)

try:  # Hyperscan is optional: x86-64 Linux wheels only
    import hyperscan

    HYPERSCAN_VERSION = getattr(hyperscan, "__version__", "?")
except ImportError:  # pragma: no cover - exercised on machines without the wheel
    hyperscan = None  # type: ignore[assignment]
    HYPERSCAN_VERSION = None

# DOTALL: `{}` holes cross lines. SINGLEMATCH: a whole-message pattern matches at most once anyway, and telling
# Hyperscan so lets it stop tracking a pattern once it has reported: 1.7x the scan rate on 2,000 templates
# (244k → 408k distinct messages/s of CPU time in one run, benchmarks/map_bench.py's templates).
_FLAGS = (hyperscan.HS_FLAG_DOTALL | hyperscan.HS_FLAG_SINGLEMATCH) if hyperscan is not None else 0
_DELTA_SHARE = 0.25  # a cached base is used when it lacks, and has unneeded, at most this share of the patterns
_DELTA_MIN = 64  # ... or at most this many (small sets)
_KEEP = 8  # compiled databases kept in a cache directory (least recently used removed)


def available() -> bool:
    return hyperscan is not None


def _encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


class HyperscanEngine:
    """Multi-template matcher; `templates` are the `Template`s (already NUL-cleaned, see verify.prepare).

    An edit changes one or two templates of thousands, and compiling them all again takes seconds to minutes. So a
    template set that is not cached whole is matched with a cached *base* — the stored database sharing the most
    patterns with it — plus a small *delta* database of the patterns the base lacks; base matches of patterns
    no longer in the set are dropped. Patterns match independently, so the answers are those of a full compile;
    the price is a second scan call per message while the delta exists. A base is used only when the delta and the
    patterns it no longer needs are each at most `_DELTA_SHARE` of the set (or `_DELTA_MIN` patterns); otherwise the
    set is compiled whole and becomes the base of later edits."""

    name = "hyperscan"

    def __init__(self, templates: Sequence[Template], cache_dir: str | os.PathLike | None = None):
        if hyperscan is None:
            raise RuntimeError("hyperscan is not installed")
        patterns = [_encode(hyperscan_matcher_regex(t)) for t in templates]
        self.count = len(patterns)
        self.compiled_patterns = 0  # how many patterns this instance had to compile (0: all from the cache)
        self._parts: list[tuple] = []  # (database, scratch, the set's ids per database id; None: the same)
        if not patterns:
            return
        cache = _Cache(Path(cache_dir)) if cache_dir else None
        whole = cache.load(patterns) if cache is not None else None
        if whole is not None:
            self._parts = [(whole, hyperscan.Scratch(whole), None)]
            return
        base = cache.closest_base(patterns) if cache is not None else None
        if base is not None:
            base_db, base_patterns = base
            positions: dict[bytes, list[int]] = {}
            for i, pattern in enumerate(patterns):
                positions.setdefault(pattern, []).append(i)
            base_ids: list[tuple[int, ...]] = []
            for pattern in base_patterns:  # a pattern the base holds twice reports through its first copy only
                base_ids.append(tuple(positions.pop(pattern, ())))
            missing = sorted(i for ids in positions.values() for i in ids)
            self._parts = [(base_db, hyperscan.Scratch(base_db), base_ids)]
            if missing:
                delta = self._load_or_compile([patterns[i] for i in missing], cache)
                self._parts.append((delta, hyperscan.Scratch(delta), [(i,) for i in missing]))
            return
        db = self._load_or_compile(patterns, cache)
        self._parts = [(db, hyperscan.Scratch(db), None)]

    @property
    def compiled(self) -> bool:
        """True when this instance compiled anything (rather than loading everything from the cache)."""
        return self.compiled_patterns > 0

    def _load_or_compile(self, patterns: list[bytes], cache: "_Cache | None"):
        db = cache.load(patterns) if cache is not None else None
        if db is not None:
            return db
        db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        db.compile(
            expressions=patterns,
            ids=list(range(len(patterns))),
            elements=len(patterns),
            flags=[_FLAGS] * len(patterns),
        )
        self.compiled_patterns += len(patterns)
        if cache is not None:
            cache.store(patterns, db)
        return db

    # ----------------------------------------------------------------------------------------------------------

    def match_ids(self, messages: Sequence[str]) -> list[list[int]]:
        """For each (clean: no NUL) message, the ids of the templates it matches, ascending."""
        if not self._parts:
            return [[] for _ in messages]
        found: list[int] = []
        scans = [(db.scan, scratch, _collector(found, new_ids)) for db, scratch, new_ids in self._parts]
        results: list[list[int]] = []
        for message in messages:
            try:
                data = message.encode("utf-8")
            except UnicodeEncodeError:
                data = message.encode("utf-8", "surrogatepass")
            for scan, scratch, on_match in scans:
                scan(data, match_event_handler=on_match, scratch=scratch)
            if found:
                found.sort()
                results.append(found[:])
                found.clear()
            else:
                results.append([])
        return results


class _Cache:
    """Compiled databases on disk, each under a hash of its exact pattern list, the Hyperscan version and the
    flags, with a manifest of its patterns (`.pat`) so a later, slightly different set can be built on it.
    Writes are atomic (concurrent processes never read half a file); the least recently used files beyond
    `_KEEP` databases are removed, so editing for a day does not fill the disk with near-copies."""

    def __init__(self, directory: Path):
        self.directory = directory

    def _stem(self, patterns: list[bytes]) -> str:
        digest = hashlib.sha256()
        digest.update(f"hs={HYPERSCAN_VERSION};flags={_FLAGS};mode=block\n".encode())
        for pattern in patterns:
            digest.update(len(pattern).to_bytes(4, "little"))
            digest.update(pattern)
        return f"hs-{digest.hexdigest()[:32]}"

    def load(self, patterns: list[bytes]):
        return self._load_file(self.directory / f"{self._stem(patterns)}.db")

    def _load_file(self, path: Path):
        if not path.is_file():
            return None
        try:
            db = hyperscan.loadb(path.read_bytes(), hyperscan.HS_MODE_BLOCK)
        except Exception as exc:  # a truncated or foreign file: recompile and overwrite
            log.warning("ignoring unreadable Hyperscan cache %s: %s", path.name, exc)
            return None
        try:
            os.utime(path)  # recently used: kept by the pruning
        except OSError:
            pass
        return db

    def closest_base(self, patterns: list[bytes]):
        """(database, its patterns) of the stored set needing the smallest delta, when small enough; else None."""
        wanted = set(patterns)
        limit = max(_DELTA_MIN, int(len(patterns) * _DELTA_SHARE))
        best = None
        for manifest in self._manifests()[:_KEEP]:
            stored = _read_manifest(manifest)
            if stored is None:
                continue
            shared = len(wanted.intersection(stored))
            missing, unneeded = len(wanted) - shared, len(stored) - shared
            if missing <= limit and unneeded <= limit and (best is None or missing + unneeded < best[0]):
                best = (missing + unneeded, manifest, stored)
        if best is None:
            return None
        db = self._load_file(best[1].with_suffix(".db"))
        return (db, best[2]) if db is not None else None

    def store(self, patterns: list[bytes], db) -> None:
        stem = self._stem(patterns)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            self._write(self.directory / f"{stem}.db", hyperscan.dumpb(db))
            self._write(self.directory / f"{stem}.pat", b"".join(len(p).to_bytes(4, "little") + p for p in patterns))
            self._prune()
        except OSError as exc:
            log.warning("cannot cache the Hyperscan database in %s: %s", self.directory, exc)

    def _write(self, path: Path, data: bytes) -> None:
        fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".hs-", suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)

    def _manifests(self) -> list[Path]:
        """Manifests whose database exists, most recently used first."""
        found = []
        for manifest in self.directory.glob("hs-*.pat"):
            try:
                found.append((manifest.with_suffix(".db").stat().st_mtime, manifest))
            except OSError:
                continue
        return [path for _, path in sorted(found, reverse=True)]

    def _prune(self) -> None:
        databases = []
        for path in self.directory.glob("hs-*.db"):
            try:
                databases.append((path.stat().st_mtime, path))
            except OSError:
                continue
        for _, path in sorted(databases, reverse=True)[_KEEP:]:
            for stale in (path, path.with_suffix(".pat")):
                try:
                    stale.unlink()
                except OSError:
                    pass


def _read_manifest(path: Path) -> list[bytes] | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    patterns, position = [], 0
    while position + 4 <= len(data):
        size = int.from_bytes(data[position:position + 4], "little")
        position += 4
        patterns.append(data[position:position + size])
        position += size
    return patterns if position == len(data) else None


def _collector(found: list[int], new_ids: list[tuple[int, ...]] | None):
    """The match callback: appends the template id — for a base or delta database, the set's ids its own id
    stands for (none for a base pattern no longer in the set)."""
    if new_ids is None:
        append = found.append

        def on_match(template_id: int, _from: int, _to: int, _flags: int, _context: object) -> None:
            append(template_id)
    else:
        extend = found.extend

        def on_match(template_id: int, _from: int, _to: int, _flags: int, _context: object) -> None:
            extend(new_ids[template_id])
    return on_match
