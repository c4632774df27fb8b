"""`prodlens show FILE`: the file with each statement's lens above it, as the editor shows it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "lsp"))  # the shared sample service
from sample_service import EXPECTED_LENSES, JAVA_PATH, PY_PATH, make_service  # noqa: E402


def show(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "prodlens", "show", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120)


@pytest.fixture(scope="module")
def service(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("show") / "shop"
    root.mkdir()
    make_service(root)
    return root


def test_lens_text_is_printed_above_each_statement(service):
    done = show(PY_PATH, cwd=service)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        " 1 │ import logging",
        " 2 │ ",
        " 3 │ logger = logging.getLogger(__name__)",
        " 4 │ ",
        " 5 │ ",
        " 6 │ def ship(order_id, address):",
        "   │     ▸ no hits · 24h",
        ' 7 │     logger.info("Order %s shipped to %s", order_id, address)',
        " 8 │ ",
        " 9 │ ",
        "10 │ def sync():",
        "   │     ▸ 1 hit · 24h",
        '11 │     logger.error("Inventory sync failed: %s", "timeout")',
    ]


def test_json_output_has_the_editor_titles(service):
    done = show(str(service / JAVA_PATH), "--json", cwd=service.parent)
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    titles = {row["line"] - 1: row["lens"] for row in rows}
    for (path, line), title in EXPECTED_LENSES.items():
        if path == JAVA_PATH:
            assert titles[line] == title
    assert rows[1]["template"] == "Payment failed for order {}" and rows[1]["level"] == "error"


def test_window_option(service):
    done = show(JAVA_PATH, "--window", "7d", "--json", cwd=service)
    assert [json.loads(line)["lens"] for line in done.stdout.splitlines()][:2] == ["70 hits · 7d", "27 hits · 7d"]


def test_without_a_store_the_first_lens_says_why(tmp_path):
    root = tmp_path / "shop"
    root.mkdir()
    make_service(root, with_store=False)
    done = show(PY_PATH, cwd=root)
    assert done.returncode == 0
    assert "▸ ⚠ no store at .prodlens/store.db: run `prodlens ingest` first" in done.stdout
    assert "▸ no counts · 24h" in done.stdout


def test_bad_arguments(service, tmp_path):
    missing = show("nope.py", cwd=service)
    assert missing.returncode == 1 and "no such file" in missing.stderr
    outside = show(str(service / PY_PATH), "--root", str(tmp_path), cwd=service)
    assert outside.returncode == 2 and "not inside the root" in outside.stderr
    window = show(PY_PATH, "--window", "3y", cwd=service)
    assert window.returncode == 2 and "--window must be one of" in window.stderr


def test_binary_and_unsupported_files_do_not_crash(service):
    blob = service / "data.bin"
    blob.write_bytes(b"\x00\xff\xfe" * 1000)
    done = show("data.bin", cwd=service)
    assert done.returncode == 0
    assert "no log statements found in data.bin" in done.stderr
