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


def test_block_reader_equals_readline_reader(monkeypatch):
    monkeypatch.setattr(records, "_BLOCK", 7)  # blocks shorter than lines: every seam is crossed
    rng = random.Random(3)
    pieces = [b"", b"a", b"abc\r", b"\xff\xfe", "é".encode(), b"\r\r", b"\x00", b"x" * 45]
    for _ in range(2000):
        data = b"".join(rng.choice(pieces) + rng.choice([b"\n", b"", b"\r\n"]) for _ in range(rng.randint(0, 8)))
        limit = rng.randint(1, 30)
        assert _fields(records._lines(io.BytesIO(data), limit)) == \
            _fields(records._lines_by_readline(io.BytesIO(data), limit)), (data, limit)


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
