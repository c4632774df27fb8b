"""`prodlens index` as a user runs it: a real subprocess on a real tree."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

PYTHON = """import logging
log = logging.getLogger(__name__)

def f(x):
    log.info("hello %s\\n", x)
    log.error("bad")
"""

JAVA = """import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
class Pay {
    private static final Logger LOG = LoggerFactory.getLogger(Pay.class);
    void pay(String c) { LOG.warn("Customer {} paying", c); }
}
"""

REQUIRED = {"key", "path", "line", "end_line", "column", "language", "framework", "level", "logger", "template",
            "parts", "confidence", "wrapper"}


def prodlens(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "prodlens", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=120)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "mod.py").write_text(PYTHON)
    (tmp_path / "Pay.java").write_text(JAVA)
    (tmp_path / "blob.py").write_bytes(b"\x00\x01binary")
    return tmp_path


def test_table(tree: Path) -> None:
    result = prodlens("index", str(tree))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["Pay.java:5", "warn", "Customer", "{}", "paying", "slf4j"]
    assert lines[1].split() == ["app/mod.py:5", "info", "hello", "{}\\n", "logging"]  # newline shown escaped
    assert lines[2].split() == ["app/mod.py:6", "error", "bad", "logging"]
    summary = "\n".join(lines[3:])
    assert "3 statements in 3 files" in summary
    assert "java" in summary and "python" in summary
    assert "slf4j 1" in summary and "logging 2" in summary
    assert "skipped: binary 1" in summary
    assert result.stderr == ""  # no progress bar when stderr is not a terminal


def test_json(tree: Path) -> None:
    result = prodlens("index", str(tree), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [(d["path"], d["line"], d["level"]) for d in data] == [
        ("Pay.java", 5, "warn"), ("app/mod.py", 5, "info"), ("app/mod.py", 6, "error")]
    for item in data:
        assert REQUIRED <= set(item)
    assert data[1]["template"] == "hello {}\n" and data[1]["logger"] == "app.mod"
    assert data[0]["parts"] == [{"text": "Customer "}, {"hole": "any"}, {"text": " paying"}]


def test_default_root_is_the_current_directory_and_cache_is_written(tree: Path) -> None:
    first = prodlens("index", "--json", cwd=tree)
    assert first.returncode == 0, first.stderr
    assert (tree / ".prodlens" / "index" / "cache.json").is_file()
    second = prodlens("index", "--json", cwd=tree)
    assert second.stdout == first.stdout
    table = prodlens("index", cwd=tree)
    assert "cache: loaded" in table.stdout


def test_no_cache(tree: Path) -> None:
    result = prodlens("index", str(tree), "--no-cache")
    assert result.returncode == 0 and "cache: disabled" in result.stdout
    assert not (tree / ".prodlens").exists()


def test_empty_tree(tmp_path: Path) -> None:
    result = prodlens("index", str(tmp_path), "--json")
    assert result.returncode == 0 and json.loads(result.stdout) == []
    table = prodlens("index", str(tmp_path))
    assert table.returncode == 0 and "0 statements in 0 files" in table.stdout


def test_missing_root_is_a_usage_error(tmp_path: Path) -> None:
    result = prodlens("index", str(tmp_path / "nope"))
    assert result.returncode == 2
    assert "not a directory" in result.stderr


def test_bad_configuration_is_a_usage_error(tree: Path) -> None:
    (tree / ".prodlens.toml").write_text("[index]\nincluded = ['x']\n")
    result = prodlens("index", str(tree))
    assert result.returncode == 2
    assert "included" in result.stderr


def test_unknown_option_is_a_usage_error(tree: Path) -> None:
    assert prodlens("index", str(tree), "--frobnicate").returncode == 2


def test_progress_bar_only_on_a_terminal(tree: Path) -> None:
    """stderr attached to a pseudo-terminal gets the bar (and it is cleared); stdout stays the plain table."""
    import os
    import pty

    main_fd, child_fd = pty.openpty()
    try:
        result = subprocess.run([sys.executable, "-m", "prodlens", "index", str(tree), "--no-cache"],
                                stdout=subprocess.PIPE, stderr=child_fd, text=True, timeout=120)
        os.close(child_fd)
        chunks = []
        while True:
            try:
                data = os.read(main_fd, 65536)
            except OSError:  # the terminal side is closed: everything was read
                break
            if not data:
                break
            chunks.append(data)
    finally:
        os.close(main_fd)
    terminal = b"".join(chunks).decode("utf-8", "replace")
    assert result.returncode == 0
    assert "indexing [" in terminal and "4/4 files" in terminal  # __init__.py, mod.py, Pay.java, blob.py
    assert "indexing" not in result.stdout and "Pay.java:5" in result.stdout
