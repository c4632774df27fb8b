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


def test_thread_given_as_an_array_does_not_end_the_run(tree):
    """The matcher keys its per-thread context by the thread attribute: an array there raised TypeError
    (unhashable) and the run ended with a traceback and no output at all."""
    otlp = {"resourceLogs": [{"scopeLogs": [{"scope": {"name": "shop.orders"}, "logRecords": [
        {"body": {"stringValue": "Order 8 placed by bo"}, "severityText": "INFO", "attributes": [
            {"key": "thread.name", "value": {"arrayValue": {"values": [{"stringValue": "main"}]}}}]}]}]}]}
    records = [{"message": "Order 7 placed by ann", "logger": "shop.orders", "level": "INFO", "thread": ["main"]},
               {"message": "Order 7 placed by ann", "logger": "shop.orders", "level": "INFO", "thread": "",
                "threadName": {"id": 3}},
               otlp,
               {"message": "Order 9 placed by cy", "logger": "shop.orders", "level": "INFO",
                "process": {"thread": {"name": [1, 2]}}}]
    data = b"".join(json.dumps(r).encode() + b"\n" for r in records)
    result = run_map(tree, data, "--format", "jsonl")  # (JSON lines, one of them an OTLP request)
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    assert [o["path"] for o in lines_of(result)] == ["shop/orders.py"] * 4


def test_one_warning_line_per_kind_of_bad_input(tree):
    """The reason of an invalid JSON line names its column: 300 cut lines of different lengths gave 300 warning
    lines on stderr instead of one for the kind."""
    cut = b"".join(b'{"message": "' + b"y" * n + b'"\n' for n in range(1, 301))
    result = run_map(tree, PLACED * 3 + cut + b"[1]\n" + b'"text"\n', "--format", "jsonl")
    assert result.returncode == 0
    assert len(lines_of(result)) == 305
    warnings = [line for line in result.stderr.decode().splitlines() if line.startswith("warning:")]
    assert len(warnings) == 2, warnings
    assert warnings[0].startswith("warning: skipped 300 record(s): invalid JSON (300 variants, e.g. ")
    assert warnings[1].startswith("warning: skipped 2 record(s): not a JSON object (2 variants, e.g. ")


@pytest.mark.parametrize("fmt", ["jsonl", "otlp", "logfmt", "text"])
def test_a_pattern_with_a_format_it_cannot_apply_to_is_a_usage_error(tree, fmt):
    """--pattern with --format text (or jsonl, ...) was silently ignored: every line became a whole message."""
    line = b"2024-01-01 10:00:00,123 INFO shop.orders Order 7 placed by ann\n"
    result = run_map(tree, line, "--format", fmt, "--pattern", "%(asctime)s %(levelname)s %(name)s %(message)s")
    assert result.returncode == 2 and b"--pattern" in result.stderr and result.stdout == b""


def test_a_pattern_with_format_pattern_or_auto_is_used(tree):
    line = b"2024-01-01 10:00:00,123 INFO shop.orders Order 7 placed by ann\n"
    for fmt in ("auto", "pattern"):
        result = run_map(tree, line, "--format", fmt, "--pattern", "%(asctime)s %(levelname)s %(name)s %(message)s")
        assert result.returncode == 0 and lines_of(result)[0]["path"] == "shop/orders.py"
