"""Helpers for ingest tests: a real little project, real log files, real `prodlens ingest` processes."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

SOURCE = '''import logging

logger = logging.getLogger(__name__)


def place(order_id, user):
    logger.info("Order %s placed by %s", order_id, user)
    logger.warning("Stock low for order %s", order_id)


def fail(order_id):
    logger.error("Payment failed for order %s", order_id)
    logger.debug("Never happens %d", 1)
'''

MESSAGES = ("Order {i} placed by user{i}@example.com", "Stock low for order {i}", "Payment failed for order {i}",
            "GC pause {i}ms")
TEMPLATES = ("Order {} placed by {}", "Stock low for order {}", "Payment failed for order {}")


def make_project(root: Path) -> Path:
    (root / "src" / "shop").mkdir(parents=True, exist_ok=True)
    (root / "src" / "shop" / "orders.py").write_text(SOURCE)
    return root


def log_lines(start: int, count: int, minutes_back: float = 600.0) -> list[str]:
    """JSON lines cycling through the messages (three matched, one unmatched), newest last."""
    now = datetime.now(timezone.utc)
    lines = []
    for i in range(start, start + count):
        ts = now - timedelta(minutes=minutes_back * (1 - (i - start) / max(count, 1)))
        message = MESSAGES[i % len(MESSAGES)].format(i=i)
        lines.append(json.dumps({"ts": ts.isoformat(), "level": "INFO", "logger": "shop.orders",
                                 "message": message, "service": "shop"}) + "\n")
    return lines


def append(path: Path, lines: list[str]) -> None:
    with path.open("a") as handle:
        handle.writelines(lines)


def prodlens(*args: str, cwd: Path | None = None, input: bytes | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "prodlens", *args], cwd=cwd, input=input, capture_output=True,
                          timeout=timeout)


def start(*args: str, cwd: Path | None = None, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "prodlens", *args], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, **kwargs)


def snapshot(store: Path) -> tuple[dict[str, int], dict[str, int]]:
    """(hits per statement key, totals) straight from the SQLite file."""
    if not store.exists():
        return {}, {}
    conn = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    try:
        hits = dict(conn.execute("SELECT key, hits FROM seen").fetchall())
        totals = dict(conn.execute("SELECT name, value FROM totals").fetchall())
        return hits, totals
    except sqlite3.OperationalError:  # killed before the schema existed
        return {}, {}
    finally:
        conn.close()


def template_hits(store: Path, root: Path) -> dict[str, int]:
    """Hits per template text (independent of keys), via the real index."""
    from prodlens.config import load_config
    from prodlens.source.index import StatementIndex

    index = StatementIndex.build(root, load_config(root), use_cache=False)
    hits, _ = snapshot(store)
    return {s.template.text: hits.get(s.key, 0) for s in index.statements}


def wait_for(predicate, timeout: float = 60.0, interval: float = 0.1):
    """Poll until `predicate()` is truthy (a generous deadline: this waits for work, it does not time it)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not reached within {timeout} s: {predicate}")
        time.sleep(interval)


def stop(process: subprocess.Popen, sig: int = signal.SIGINT) -> tuple[int, str, str]:
    if process.poll() is None:
        process.send_signal(sig)
    try:
        out, err = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
    return process.returncode, out.decode(), err.decode()
