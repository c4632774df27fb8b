"""What the index tests (walk, build, cache, incremental update) build their trees from: a small Python module
with two statements, one with an argument, so a change to either is visible in the templates; and `write`,
which creates the parent folders and keeps bytes as bytes (for invalid-UTF-8 cases)."""

from __future__ import annotations

from pathlib import Path

PYTHON = """import logging
log = logging.getLogger(__name__)

def f(x):
    log.info("hello %s", x)
    log.error("bad")
"""


def write(root: Path, rel: str, text: str | bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path
