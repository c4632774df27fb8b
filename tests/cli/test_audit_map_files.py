"""`prodlens map` and the files it is given: the input is never overwritten nor fed its own output, and a
failing stream is a message, not a traceback."""

from __future__ import annotations

import os
import subprocess
import sys

from cli_helpers import make_project

RECORD = b'{"message": "Order 7 placed by ann", "logger": "shop.orders", "level": "INFO"}\n'


def _map(root, *args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "prodlens", "map", "--root", str(root), *args],
                          capture_output=True, timeout=300, **kwargs)


def test_output_that_is_the_input_file_is_refused_before_touching_it(tmp_path):
    """`--input app.log --output app.log` opened the output first for writing: everything past the first read
    buffer was lost (100,000 records became 114 output lines), with exit 0."""
    root = make_project(tmp_path / "project")
    log = tmp_path / "app.jsonl"
    data = RECORD * 2000  # larger than any read buffer
    log.write_bytes(data)
    for args in (("--input", str(log), "--output", str(log)),
                 ("--input", str(log), "--output", str(tmp_path / "." / "app.jsonl"))):
        result = _map(root, *args)
        assert result.returncode == 2 and b"is the input file" in result.stderr
        assert log.read_bytes() == data
    with log.open("rb") as stdin:
        result = _map(root, "--output", str(log), stdin=stdin)
    assert result.returncode == 2 and log.read_bytes() == data


def test_stdout_appending_to_the_input_file_is_refused(tmp_path):
    """`prodlens map --input app.log >> app.log` read its own output back as input: with more records than one
    batch it never ended and filled the disk."""
    root = make_project(tmp_path / "project")
    log = tmp_path / "app.jsonl"
    data = RECORD * 10
    log.write_bytes(data)
    with log.open("ab") as stdout:
        result = subprocess.run([sys.executable, "-m", "prodlens", "map", "--root", str(root), "--input", str(log)],
                                stdout=stdout, stderr=subprocess.PIPE, timeout=300)
    assert result.returncode == 2 and b"standard output is the input file" in result.stderr
    assert log.read_bytes() == data


def test_a_different_output_file_still_works(tmp_path):
    root = make_project(tmp_path / "project")
    log = tmp_path / "app.jsonl"
    log.write_bytes(RECORD * 3)
    out = tmp_path / "mapped.jsonl"
    result = _map(root, "--input", str(log), "--output", str(out))
    assert result.returncode == 0, result.stderr
    assert len(out.read_text().splitlines()) == 3


def test_truncated_gzip_maps_what_it_holds_and_says_it_ended_early(tmp_path):
    """A .gz cut short (still being written by logrotate, a partial download) ended the run with an EOFError
    traceback, exit 1 and no summary; a corrupt one with a BadGzipFile traceback."""
    import gzip
    import zlib

    root = make_project(tmp_path / "project")
    packed = gzip.compress(RECORD * 20_000)
    cut = tmp_path / "app.jsonl.gz"
    cut.write_bytes(packed[: len(packed) // 2])
    held = zlib.decompressobj(wbits=31).decompress(packed[: len(packed) // 2])
    expected = held.count(b"\n") + (0 if held.endswith(b"\n") else 1)
    result = _map(root, "--input", str(cut))
    assert result.returncode == 0 and b"Traceback" not in result.stderr
    assert len(result.stdout.splitlines()) == expected
    assert f"records: {expected} ".encode() in result.stderr and b"ended early" in result.stderr
    assert _map(root, "--input", str(cut), "--strict").returncode == 1

    corrupt = tmp_path / "corrupt.jsonl.gz"
    corrupt.write_bytes(b"\x1f\x8b" + b"not gzip at all" + RECORD)
    result = _map(root, "--input", str(corrupt))
    assert result.returncode == 2 and b"Traceback" not in result.stderr
    assert b"cannot read" in result.stderr and result.stdout == b""


def test_closed_standard_streams_and_a_full_disk_are_reported_not_tracebacks(tmp_path):
    """stdin or stdout closed (`<&-`, `>&-`) raised AttributeError on None; a full disk (ENOSPC) raised OSError
    out of the write: each ended with a traceback."""
    root = make_project(tmp_path / "project")
    log = tmp_path / "app.jsonl"
    log.write_bytes(RECORD * 3)
    command = [sys.executable, "-m", "prodlens", "map", "--root", str(root)]
    closed_stdin = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300,
                                  preexec_fn=lambda: os.close(0))
    assert closed_stdin.returncode == 2 and b"standard input is closed" in closed_stdin.stderr
    closed_stdout = subprocess.run(command + ["--input", str(log)], stderr=subprocess.PIPE, timeout=300,
                                   preexec_fn=lambda: os.close(1))
    assert closed_stdout.returncode == 2 and b"standard output is closed" in closed_stdout.stderr
    if os.path.exists("/dev/full"):
        for args in (["--output", "/dev/full"], []):
            with open("/dev/full", "w") as full:
                result = subprocess.run(command + ["--input", str(log), *args], stdout=full,
                                        stderr=subprocess.PIPE, timeout=300)
            assert result.returncode == 1, result.stderr
            assert b"No space left on device" in result.stderr and b"Traceback" not in result.stderr


def test_unusable_input_or_output_is_told_before_the_tree_is_indexed(tmp_path):
    """A mistyped --input or --output was reported only after the whole tree was indexed (and its Hyperscan
    database compiled into <root>/.prodlens): seconds to minutes on a large tree, for a typo."""
    root = make_project(tmp_path / "project")
    log = tmp_path / "app.jsonl"
    log.write_bytes(RECORD)
    for args in (("--input", str(tmp_path / "missing.jsonl")),
                 ("--input", str(log), "--output", str(tmp_path / "no" / "such" / "dir" / "out.jsonl")),
                 ("--input", str(log), "--output", str(log))):
        result = _map(root, *args)
        assert result.returncode == 2 and b"Traceback" not in result.stderr
        assert not (root / ".prodlens").exists(), args
    assert _map(root, "--input", str(log)).returncode == 0
