"""A small real service (Java + Python) and a production log for it, shared by the LSP, CLI and editor tests.

The log is written relative to "now" so the counts are known exactly for the 24h window and its previous
window; `EXPECTED_LENSES` is what the editor must show for it (worked out by hand from `log_records`).
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

JAVA_PATH = "src/main/java/com/acme/shop/PaymentService.java"
JAVA = """\
package com.acme.shop;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

public class PaymentService {
    private static final Logger log = LoggerFactory.getLogger(PaymentService.class);

    public void charge(String customer, long cents, int attempt) {
        log.info("Charging customer {} for {} cents", customer, cents);
        try {
            gateway.charge(customer, cents);
        } catch (GatewayException e) {
            log.error("Payment failed for order {}", customer, e);
        }
        log.warn("Payment retry {} for order {}", attempt, customer);
    }

    public void audit(String payload) {
        log.debug("Audit trail flushed for {}", payload);
        log.info(payload);
    }
}
"""
# 0-based lines of the statements above
CHARGING, FAILED, RETRY, AUDIT, DYNAMIC = 9, 13, 15, 19, 20

PY_PATH = "app/orders.py"
PY = """\
import logging

logger = logging.getLogger(__name__)


def ship(order_id, address):
    logger.info("Order %s shipped to %s", order_id, address)


def sync():
    logger.error("Inventory sync failed: %s", "timeout")
"""
SHIPPED, SYNC = 6, 10

EXPECTED_LENSES = {
    (JAVA_PATH, CHARGING): "40 hits · 24h ▲33%",
    (JAVA_PATH, FAILED): "25 hits · 24h ▲1150%",
    (JAVA_PATH, RETRY): "3 hits · 24h",
    (JAVA_PATH, AUDIT): "never seen · 30d",
    (PY_PATH, SHIPPED): "no hits · 24h",
    (PY_PATH, SYNC): "1 hit · 24h",
}

JAVA_LOGGER = "com.acme.shop.PaymentService"


def _record(now: datetime, hours_ago: float, level: str, logger: str, message: str, version: str = "1.4.2") -> str:
    when = now - timedelta(hours=hours_ago)
    return json.dumps(
        {
            "timestamp": when.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "level": level,
            "logger": logger,
            "message": message,
            "service": "shop",
            "version": version,
        }
    )


def log_records(now: datetime) -> list[str]:
    """40/30 charging, 25/2 failures, 3/0 retries, 0/5 shipped, 1/0 sync (current 24h / previous 24h)."""
    lines = []
    for i in range(40):
        lines.append(_record(now, 1 + i * 0.5, "INFO", JAVA_LOGGER, f"Charging customer c{i} for {100 + i} cents"))
    for i in range(30):
        lines.append(_record(now, 25 + i * 0.5, "INFO", JAVA_LOGGER, f"Charging customer p{i} for {200 + i} cents"))
    for i in range(25):
        version = "1.4.3" if i < 20 else "1.4.2"
        lines.append(_record(now, 0.5 + i * 0.2, "ERROR", JAVA_LOGGER, f"Payment failed for order o-{i}", version))
    for i in range(2):
        lines.append(_record(now, 30 + i, "ERROR", JAVA_LOGGER, f"Payment failed for order old-{i}"))
    for i in range(3):
        lines.append(_record(now, 2 + i, "WARN", JAVA_LOGGER, f"Payment retry {i + 1} for order o-{i}"))
    for i in range(5):
        lines.append(_record(now, 26 + i, "INFO", "app.orders", f"Order {i} shipped to Berlin"))
    lines.append(_record(now, 3, "ERROR", "app.orders", "Inventory sync failed: timeout"))
    lines.sort()
    return lines


def write_service(root: Path) -> None:
    for rel, text in ((JAVA_PATH, JAVA), (PY_PATH, PY)):
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / ".git").mkdir(exist_ok=True)  # marks the root (prodlens show, editors)


def write_log(root: Path, lines: list[str], name: str = "app.log") -> Path:
    path = root / "logs" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        for line in lines:
            handle.write(line + "\n")
    return path


def ingest(root: Path, log_file: Path) -> subprocess.CompletedProcess:
    """The real `prodlens ingest`, as a user runs it."""
    done = subprocess.run(
        [sys.executable, "-m", "prodlens", "ingest", str(log_file), "--root", str(root)],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, f"prodlens ingest failed:\n{done.stdout}\n{done.stderr}"
    return done


def make_service(root: Path, *, with_store: bool = True, now: datetime | None = None) -> Path:
    """The service with its log ingested (or not, for the missing-store tests). Returns the log file."""
    write_service(root)
    log_file = write_log(root, log_records(now or datetime.now(timezone.utc)))
    if with_store:
        ingest(root, log_file)
    return log_file
