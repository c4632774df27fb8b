"""`prodlens map` on a live stream (`tail -f app.log | prodlens map`): records come out as they come in, and
Ctrl-C leaves the output one line per record with a summary."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time

from cli_helpers import make_project

RECORD = b'{"message": "Order 7 placed by ann", "logger": "shop.orders", "level": "INFO"}\n'
HANG_GUARD = 120  # seconds; not a timing threshold: the writer keeps the pipe open the whole time


def _read_lines(stream, count: int) -> list[bytes]:
    """Read `count` lines from a pipe the other side keeps open (raw reads: nothing waits for end of file)."""
    data = b""
    deadline = time.monotonic() + HANG_GUARD
    while data.count(b"\n") < count and time.monotonic() < deadline:
        ready, _, _ = select.select([stream], [], [], 1)
        if ready:
            chunk = os.read(stream.fileno(), 65536)
            if not chunk:
                break
            data += chunk
    return data.splitlines()


def _start(root, fmt: str = "jsonl"):
    return subprocess.Popen([sys.executable, "-m", "prodlens", "map", "--root", str(root), "--format", fmt],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_records_of_a_live_stream_are_written_before_it_ends(tmp_path):
    """Records were matched in batches of 4096: a live stream's records stayed unwritten until 4096 more came or
    the stream ended."""
    process = _start(make_project(tmp_path / "project"))
    try:
        process.stdin.write(RECORD * 3)
        process.stdin.flush()
        lines = _read_lines(process.stdout, 3)
        assert [json.loads(line)["path"] for line in lines] == ["shop/orders.py"] * 3
        process.stdin.write(RECORD)
        process.stdin.flush()
        assert len(_read_lines(process.stdout, 1)) == 1
        process.stdin.close()
        assert process.wait(HANG_GUARD) == 0
    finally:
        process.kill()
        process.wait()


def test_ctrl_c_keeps_what_was_written_and_reports_it(tmp_path):
    """Ctrl-C used to end the run silently: records read but not yet written were lost, and no summary."""
    process = _start(make_project(tmp_path / "project"))
    try:
        process.stdin.write(RECORD * 5)
        process.stdin.flush()
        assert len(_read_lines(process.stdout, 5)) == 5
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=HANG_GUARD)
    finally:
        process.kill()
        process.wait()
    assert process.returncode == 130
    assert b"records: 5 " in err and b"interrupted" in err and b"Traceback" not in err


def test_the_format_of_a_quiet_live_stream_is_told_from_what_it_sent(tmp_path):
    """Auto-detection waited for 20 lines or the end of the stream: a live stream that had sent fewer got no
    output at all."""
    process = _start(make_project(tmp_path / "project"), "auto")
    try:
        process.stdin.write(RECORD * 2)
        process.stdin.flush()
        lines = _read_lines(process.stdout, 2)
        assert [json.loads(line)["path"] for line in lines] == ["shop/orders.py"] * 2
        process.stdin.close()
        assert process.wait(HANG_GUARD) == 0
    finally:
        process.kill()
        process.wait()
