"""Interpreter settings for the commands that stream millions of records through one process (`map`, `ingest`).

CPython's cyclic garbage collector runs a young-generation pass every 700 container allocations, and every
few of those it also walks the older generations — which by then hold the whole statement index, the compiled
templates and the batch in flight. A streaming loop allocates several containers per record (the parsed object,
the record, its attributes), so the collector ran tens of thousands of times per million records and took a
quarter to a third of the time (benchmarks/map_bench.py, same run: JSON lines 90k → 114k records/s).
Nothing in the hot loop creates reference cycles, so collecting rarely loses no memory that matters; freezing
moves what exists at start-up (the index) out of the collector's sight for good.

The language server does not call this: it is long-lived and interactive, and its allocations are small.
"""

from __future__ import annotations

import gc

# young-generation threshold: one pass per 100k allocations instead of 700 — a batch's worth, so a full batch's
# objects are looked at about once; older generations as rarely as before relative to it
_THRESHOLDS = (100_000, 20, 100)


def tune_for_streaming() -> None:
    """Call in a command, before the first record is read — best once the index is built, so freezing also
    takes the index out of the collector's walks. Not for library code: it changes the whole process."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*_THRESHOLDS)
