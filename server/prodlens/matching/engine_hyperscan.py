"""The Hyperscan template engine: every template at once, one scan call per message.

Each message is scanned on its own against one compiled database of `render.hyperscan_matcher_regex` patterns
(`\\A(?:body)\\z`, single-match). An earlier version joined many messages into one NUL-separated buffer to save
scan calls; the engine-equality test found Hyperscan 5.4 missing matches in such buffers (fixed only by
start-of-match tracking, which made compiling 2,000 patterns take minutes), so correctness won.
Compiling is slow (seconds for thousands of patterns), so databases are serialized to `cache_dir` under a hash
of the exact pattern list and the Hyperscan version: the same template set is never compiled twice.
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


def available() -> bool:
    return hyperscan is not None


def _encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


class HyperscanEngine:
    """Multi-template matcher; `templates` are the `Template`s (already NUL-cleaned, see verify.prepare)."""

    name = "hyperscan"

    def __init__(self, templates: Sequence[Template], cache_dir: str | os.PathLike | None = None):
        if hyperscan is None:
            raise RuntimeError("hyperscan is not installed")
        patterns = [_encode(hyperscan_matcher_regex(t)) for t in templates]
        self.count = len(patterns)
        self.compiled = False  # True when this instance had to compile (not loaded from cache)
        self._db = self._load_or_compile(patterns, Path(cache_dir) if cache_dir else None) if patterns else None
        self._scratch = hyperscan.Scratch(self._db) if self._db is not None else None

    # ----------------------------------------------------------------------------------------------------------

    def _load_or_compile(self, patterns: list[bytes], cache_dir: Path | None):
        digest = hashlib.sha256()
        digest.update(f"hs={HYPERSCAN_VERSION};flags={_FLAGS};mode=block\n".encode())
        for pattern in patterns:
            digest.update(len(pattern).to_bytes(4, "little"))
            digest.update(pattern)
        cache_file = cache_dir / f"hs-{digest.hexdigest()[:32]}.db" if cache_dir else None
        if cache_file is not None and cache_file.is_file():
            try:
                return hyperscan.loadb(cache_file.read_bytes(), hyperscan.HS_MODE_BLOCK)
            except Exception as exc:  # a truncated or foreign file: recompile and overwrite
                log.warning("ignoring unreadable Hyperscan cache %s: %s", cache_file.name, exc)
        db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        db.compile(
            expressions=patterns,
            ids=list(range(len(patterns))),
            elements=len(patterns),
            flags=[_FLAGS] * len(patterns),
        )
        self.compiled = True
        if cache_file is not None:
            try:
                cache_dir.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(dir=cache_dir, prefix=".hs-", suffix=".tmp")
                with os.fdopen(fd, "wb") as handle:
                    handle.write(hyperscan.dumpb(db))
                os.replace(tmp, cache_file)  # atomic: concurrent processes never read half a file
            except OSError as exc:
                log.warning("cannot cache the Hyperscan database in %s: %s", cache_dir, exc)
        return db

    # ----------------------------------------------------------------------------------------------------------

    def match_ids(self, messages: Sequence[str]) -> list[list[int]]:
        """For each (clean: no NUL) message, the ids of the templates it matches, ascending."""
        if self._db is None:
            return [[] for _ in messages]
        results: list[list[int]] = []
        scan = self._db.scan
        scratch = self._scratch
        found: list[int] = []
        on_match = _collector(found)
        for message in messages:
            try:
                data = message.encode("utf-8")
            except UnicodeEncodeError:
                data = message.encode("utf-8", "surrogatepass")
            scan(data, match_event_handler=on_match, scratch=scratch)
            if found:
                found.sort()
                results.append(found[:])
                found.clear()
            else:
                results.append([])
        return results


def _collector(found: list[int]):
    append = found.append

    def on_match(template_id: int, _from: int, _to: int, _flags: int, _context: object) -> None:
        append(template_id)

    return on_match
