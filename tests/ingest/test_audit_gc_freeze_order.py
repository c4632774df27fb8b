"""`prodlens ingest` tunes the garbage collector (gc.freeze) only once the statement index and the matcher exist,
so they are frozen out of the collector's walks (prodlens.streaming says why)."""

from __future__ import annotations

import json
import subprocess
import sys

from ingest_helpers import log_lines

PROBE = r"""
import gc, json, sys
import prodlens.streaming as streaming
from prodlens.cli import main

seen = []
original = streaming.tune_for_streaming

def probe():
    from prodlens.matching.matcher import Matcher
    seen.append(any(isinstance(o, Matcher) for o in gc.get_objects()))
    original()

streaming.tune_for_streaming = probe
code = main(["ingest", "app.log", "--json"])
print(json.dumps({"calls": seen, "frozen": gc.get_freeze_count(), "code": code}), file=sys.stderr)
"""


def test_gc_is_frozen_after_the_matcher_is_built(project, store):
    (project / "app.log").write_text("".join(log_lines(0, 8)))
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=project, capture_output=True, timeout=120)
    report = json.loads(result.stderr.decode().strip().splitlines()[-1])
    assert report["code"] == 0
    assert report["calls"] == [True], "tune_for_streaming ran before the matcher (and the index) existed"
    assert report["frozen"] > 0
    assert json.loads(result.stdout)["records"] == 8
