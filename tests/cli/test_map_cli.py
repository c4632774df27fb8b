"""`prodlens map` end to end: a real source tree, a real subprocess, the JSON-lines contract on stdout."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

JAVA = """package org.shop;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

public class Cart {
    private static final Logger LOG = LoggerFactory.getLogger(Cart.class);

    void open(int id) {
        LOG.info("Cart {} opened", id);
        LOG.debug("Cart {} has {} items",
                  id, 3);
    }
}
"""

PYTHON = """import logging

logger = logging.getLogger(__name__)


def pay(order):
    logger.warning("Payment for %s declined", order)
"""


@pytest.fixture()
def tree(tmp_path):
    (tmp_path / "src/main/java/org/shop").mkdir(parents=True)
    (tmp_path / "src/main/java/org/shop/Cart.java").write_text(JAVA)
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop/payments.py").write_text(PYTHON)
    return tmp_path


def run_map(tree, data: bytes, *args: str):
    return subprocess.run(
        [sys.executable, "-m", "prodlens", "map", "--root", str(tree), *args],
        input=data, capture_output=True, timeout=120,
    )


def test_one_json_object_per_record_in_order(tree):
    records = [
        {"message": "Cart 7 opened", "level": "INFO", "logger": "org.shop.Cart"},
        {"message": "Cart 7 has 3 items", "level": "DEBUG", "logger": "org.shop.Cart"},
        {"message": "Payment for o-1 declined", "level": "WARNING", "logger": "shop.payments"},
        {"message": "nothing wrote this", "level": "INFO"},
    ]
    data = b"".join(json.dumps(r).encode() + b"\n" for r in records)
    done = run_map(tree, data)
    assert done.returncode == 0, done.stderr.decode()
    out = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert len(out) == 4
    assert set(out[0]) == {"path", "line", "end_line", "key", "method", "candidates"}
    assert (out[0]["path"], out[0]["line"], out[0]["method"]) == ("src/main/java/org/shop/Cart.java", 10, "template")
    assert (out[1]["line"], out[1]["end_line"]) == (11, 12)
    assert (out[2]["path"], out[2]["line"]) == ("shop/payments.py", 7)
    assert out[3] == {"path": None, "line": None, "end_line": None, "key": None, "method": None, "candidates": 0}
    summary = done.stderr.decode()
    assert "records: 4" in summary and "matched: 3" in summary and "unmatched: 1" in summary


def test_plain_text_layout_and_output_file(tree, tmp_path):
    log = (b"2024-05-01 10:00:00,123 INFO  [main] org.shop.Cart - Cart 9 opened\n"
           b"2024-05-01 10:00:00,124 DEBUG [main] org.shop.Cart - Cart 9 has 1 items\n")
    target = tmp_path / "out.jsonl"
    done = run_map(tree, log, "--format", "pattern", "--pattern", "%d %-5p [%t] %c - %m%n", "--output", str(target))
    assert done.returncode == 0, done.stderr.decode()
    lines = [json.loads(x) for x in target.read_text().splitlines()]
    assert [x["line"] for x in lines] == [10, 11]


def test_bad_input_is_counted_and_strict_fails(tree):
    data = (b'{"message": "Cart 1 opened", "level": "INFO", "logger": "org.shop.Cart"}\n'
            b'{"message": broken\n'
            b'{"message": "bad \xff byte"}\n'
            b"\x00\x00\x00\n")
    done = run_map(tree, data, "--format", "jsonl")
    assert done.returncode == 0
    out = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert len(out) == 4 and out[0]["line"] == 10
    assert out[1]["path"] is None and out[1]["skipped"].startswith("invalid JSON")
    stderr = done.stderr.decode()
    assert "skipped: 2" in stderr and "warning:" in stderr
    assert run_map(tree, data, "--format", "jsonl", "--strict").returncode == 1


def test_empty_input_and_undetectable_format(tree):
    empty = run_map(tree, b"")
    assert empty.returncode == 0 and empty.stdout == b"" and "records: 0" in empty.stderr.decode()
    unknown = run_map(tree, b"hello there\nplain words\n")
    assert unknown.returncode == 2
    assert "cannot tell the format" in unknown.stderr.decode()


def test_hostile_message_does_not_hang(tree):
    hostile = "Cart " + "{} " * 200_000 + "opened"  # a 600 kB message that almost matches
    data = json.dumps({"message": hostile, "level": "INFO"}).encode() + b"\n"
    done = run_map(tree, data, "--format", "jsonl")
    assert done.returncode == 0
    assert json.loads(done.stdout)["candidates"] >= 0


def test_gzip_compressed_input_is_read(tree, tmp_path):
    import gzip

    data = b'{"message": "Cart 5 opened", "level": "INFO", "logger": "org.shop.Cart"}\n'
    path = tmp_path / "app.log.gz"
    path.write_bytes(gzip.compress(data))
    done = run_map(tree, b"", "--input", str(path))
    assert done.returncode == 0, done.stderr.decode()
    assert json.loads(done.stdout)["line"] == 10
