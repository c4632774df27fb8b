"""Shared helpers for CLI tests: a small real project and real `prodlens` processes."""

from __future__ import annotations

import json
import subprocess
import sys
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


def make_project(root: Path) -> Path:
    (root / "shop").mkdir(parents=True, exist_ok=True)
    (root / "shop" / "orders.py").write_text(SOURCE)
    return root


def write_log(path: Path, spec: list[tuple[str, float, dict]]) -> None:
    """spec: (message, hours ago, extra fields) per line."""
    now = datetime.now(timezone.utc)
    with path.open("w") as handle:
        for message, hours_ago, extra in spec:
            data = {"ts": (now - timedelta(hours=hours_ago)).isoformat(), "level": "INFO", "logger": "shop.orders",
                    "message": message, **extra}
            handle.write(json.dumps(data) + "\n")


def prodlens(*args: str, cwd: Path, input: bytes | None = None, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "prodlens", *args], cwd=cwd, input=input, capture_output=True,
                          timeout=300, **kwargs)
