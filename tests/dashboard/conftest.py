"""A small workspace whose store is filled by the real `prodlens ingest`, and a real dashboard process."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

SOURCE = '''import logging
log = logging.getLogger(__name__)


def pay(customer, amount):
    log.info("Customer %s paying %d", customer, amount)
    if amount > 100:
        log.error("Payment of %d failed for <script>alert(1)</script> %s", amount, customer)
    log.warning("never happens %s", customer)
'''


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "prodlens", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120, check=True)


@pytest.fixture(scope="session")
def workspace(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("dash-ws")
    (root / "svc").mkdir()
    (root / "svc" / "__init__.py").write_text("")
    (root / "svc" / "app.py").write_text(SOURCE)
    now = datetime.now(timezone.utc)
    lines = []
    for i in range(300):
        when = now - timedelta(minutes=3 * i + 1)  # spread over the last 15 hours
        if i % 6 == 0:
            lines.append({"ts": when.isoformat(), "level": "ERROR", "logger": "svc.app",
                          "message": f"Payment of {i} failed for <script>alert(1)</script> ann{i}@example.com"})
        else:
            lines.append({"ts": when.isoformat(), "level": "INFO", "logger": "svc.app",
                          "message": f"Customer c{i} paying {i}"})
    lines.append({"ts": now.isoformat(), "level": "INFO", "message": "a line no statement wrote 42"})
    (root / "app.log").write_text("".join(json.dumps(x) + "\n" for x in lines))
    _run("ingest", "app.log", "--root", ".", cwd=root)
    return root


@pytest.fixture(scope="session")
def stats(workspace: Path) -> dict:
    return json.loads(_run("stats", "--root", ".", "--json", cwd=workspace).stdout)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def dashboard(workspace: Path):
    """A real `prodlens dashboard` process; yields its base URL."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "prodlens", "dashboard", "--root", str(workspace),
                             "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + "/-/prodlens.json", timeout=1) as r:
                    if b"prodlens" in r.read():
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                out = proc.stdout.read().decode() if proc.stdout else ""
                raise RuntimeError(f"dashboard did not start: {out}")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
