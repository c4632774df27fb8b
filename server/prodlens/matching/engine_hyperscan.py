"""The Hyperscan template engine: every template at once, many messages per scan call.

Messages are joined into one NUL-separated buffer and scanned with one compiled database of
`render.hyperscan_batch_regex` patterns (`\\x00(?:body)\\x00`, holes that cannot cross a NUL), so the per-record
cost in Python is one callback per matching template, not one scan call per record. Compiling is slow
(seconds for thousands of patterns), so databases are serialized to `cache_dir` under a hash of the exact
pattern list and the Hyperscan version: the same template set is never compiled twice.
"""

from __future__ import annotations

import bisect
import hashlib
import logging
import os
import tempfile
from pathlib import Path
from typing import Sequence

from ..model import Template
from ..render import hyperscan_batch_regex

log = logging.getLogger(__name__)

try:  # Hyperscan is optional: x86-64 Linux wheels only
    import hyperscan

    HYPERSCAN_VERSION = getattr(hyperscan, "__version__", "?")
except ImportError:  # pragma: no cover - exercised on machines without the wheel
    hyperscan = None  # type: ignore[assignment]
    HYPERSCAN_VERSION = None

_BATCH_BYTES = 4 << 20  # scan at most this much per call (keeps the joined buffer small)
# SOM_LEFTMOST: without it Hyperscan 5.4 misses some matches of these NUL-delimited patterns in multi-record
# buffers (found by the engine-equality test); with it the answers equal the pure-Python engine.
_FLAGS = hyperscan.HS_FLAG_SOM_LEFTMOST if hyperscan is not None else 0


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
        patterns = [_encode(hyperscan_batch_regex(t)) for t in templates]
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
        results: list[list[int]] = [[] for _ in messages]
        if self._db is None or not messages:
            return results
        start = 0
        total = len(messages)
        while start < total:
            chunks = [b""]
            ends: list[int] = []  # offset just after the NUL that closes each message of this batch
            offset = 1
            stop = start
            while stop < total and (offset < _BATCH_BYTES or stop == start):
                data = _encode(messages[stop])
                chunks.append(data)
                offset += len(data) + 1
                ends.append(offset)
                stop += 1
            buffer = b"\x00".join(chunks) + b"\x00"
            self._scan(buffer, ends, results, start)
            start = stop
        for ids in results:
            if len(ids) > 1:
                ids.sort()
        return results

    def _scan(self, buffer: bytes, ends: list[int], results: list[list[int]], base: int) -> None:
        index_of = bisect.bisect_left

        def on_match(template_id: int, _from: int, to: int, _flags: int, _context: object) -> None:
            results[base + index_of(ends, to)].append(template_id)

        self._db.scan(buffer, match_event_handler=on_match, scratch=self._scratch)
