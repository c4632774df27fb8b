"""The block line reader gives exactly what line-by-line reading gives, and does not wait on a live pipe."""

from __future__ import annotations

import io
import os
import random
import threading

from prodlens.matching import records
from prodlens.matching.records import read_records


def _fields(lines):
    return [(line.text, line.end, line.number, line.size, line.warning) for line in lines]


def _by_readline(stream, limit):
    return records._decode(records._byte_lines_by_readline(stream, limit))


def test_block_reader_equals_readline_reader(monkeypatch):
    monkeypatch.setattr(records, "_BLOCK", 7)  # blocks shorter than lines: every seam is crossed
    rng = random.Random(3)
    pieces = [b"", b"a", b"abc\r", b"\xff\xfe", "é".encode(), b"\r\r", b"\x00", b"x" * 45]
    for _ in range(2000):
        data = b"".join(rng.choice(pieces) + rng.choice([b"\n", b"", b"\r\n"]) for _ in range(rng.randint(0, 8)))
        limit = rng.randint(1, 30)
        assert _fields(records._lines(io.BytesIO(data), limit)) == \
            _fields(_by_readline(io.BytesIO(data), limit)), (data, limit)


def test_a_live_pipe_yields_records_before_it_closes():
    read_end, write_end = os.pipe()
    got: list[str] = []
    with os.fdopen(read_end, "rb") as reader, os.fdopen(write_end, "wb", buffering=0) as writer:
        writer.write(b"first record\n")
        thread = threading.Thread(target=lambda: got.append(next(read_records(reader, fmt="text")).record.message),
                                  daemon=True)
        thread.start()
        thread.join(60)  # a hang guard, not a timing threshold: the writer stays open the whole time
        alive = thread.is_alive()
        writer.close()
        thread.join()
    assert not alive and got == ["first record"]


def test_json_parsed_from_bytes_reads_like_json_parsed_from_text():
    """JSON lines are parsed from their bytes; a line that does not parse is decoded and tried again, so the
    outcome (record, reason, warning) is the one the text would give."""
    lines = [b'{"message": "ok \\u00e9", "level": "INFO", "ts": "2026-11-23T10:00:00Z", "thread": "t1"}',
             b'{"message": "bad \xff byte", "level": "WARN"}', b"   ", b"", b"[1, 2]", b'{"message": "nul \x00"}',
             b'{"message": "cut', "\u00a0".encode(), b'{"msg": "pino", "level": 30, "time": 1700000000000}',
             b'\xef\xbb\xbf{"message": "bom"}', b'{"message": "x", "ts": "20261123"}', b"[" * 5000 + b"]" * 5000]
    results = list(read_records(io.BytesIO(b"\n".join(lines) + b"\n"), fmt="jsonl"))
    got = [(r.record.message if r.record else None, r.skipped, r.warning, r.line_no) for r in results]
    assert got[0] == ("ok é", None, None, 1)
    assert results[0].record.attributes == {"thread": "t1", "thread.name": "t1"}
    assert got[1] == ("bad \ufffd byte", None, "invalid UTF-8 (replaced with U+FFFD)", 2)
    # blank and whitespace-only lines (ASCII or not: line 8 is a no-break space) give nothing
    assert [g[3] for g in got[2:]] == [5, 6, 7, 9, 10, 11, 12]
    assert got[2][1].startswith("not a JSON object") and got[3][1] == "NUL byte in JSON"
    assert got[4][1].startswith("invalid JSON")
    assert got[5][0] == "pino" and results[5].record.level == "info"
    assert got[6][1].startswith("invalid JSON")  # a byte-order mark is not JSON, as before
    assert results[7].record.timestamp.year == 1970  # all digits: a Unix time, never ISO 8601 basic format
    assert got[8][0] is None and got[8][1]  # deeply nested: skipped with a reason, never a crash
