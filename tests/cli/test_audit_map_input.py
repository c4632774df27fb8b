"""`prodlens map` against hostile and unusual input: every record gets its line, the process never dies."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from cli_helpers import make_project


@pytest.fixture()
def tree(tmp_path):
    return make_project(tmp_path / "project")


def run_map(tree, data: bytes, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "prodlens", "map", "--root", str(tree), *args],
                          input=data, capture_output=True, timeout=300)


def lines_of(result: subprocess.CompletedProcess) -> list[dict]:
    return [json.loads(line) for line in result.stdout.decode().splitlines()]


PLACED = b'{"message": "Order 7 placed by ann", "logger": "shop.orders", "level": "INFO"}\n'


@pytest.mark.parametrize("fmt", ["auto", "jsonl"])
def test_deeply_nested_json_is_skipped_not_a_crash(tree, fmt):
    """100,000 nested objects overflowed orjson's C stack: the process died of SIGSEGV with no output."""
    deep = b'{"message": "x", "a": ' + b'{"a": ' * 100_000 + b"1" + b"}" * 100_000 + b"}\n"
    result = run_map(tree, PLACED * 3 + deep + PLACED, "--format", fmt)
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    out = lines_of(result)
    assert len(out) == 5
    assert out[3]["skipped"] == "invalid JSON (nested too deeply)"
    assert [o["path"] for o in out[:3] + out[4:]] == ["shop/orders.py"] * 4
    assert b"nested too deeply" in result.stderr
