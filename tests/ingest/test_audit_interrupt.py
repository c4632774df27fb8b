"""Ctrl-C during a bulk `prodlens ingest` (not --follow, where it is the way to stop) says the input was not read
to its end and exits 130 — a script must not take a half-read log for a complete one — and the next run
continues from the checkpoint, counting every record exactly once."""

from __future__ import annotations

import json
import signal

from ingest_helpers import append, log_lines, prodlens, snapshot, start, stop, wait_for


def test_interrupted_bulk_run_says_so_and_the_next_run_finishes(project, store):
    log = project / "app.log"
    append(log, log_lines(0, 30_000, minutes_back=3000))
    process = start("ingest", "app.log", "--batch", "1", "--json", cwd=project)  # a commit per record: slow
    try:
        wait_for(lambda: snapshot(store)[1].get("records", 0) > 0)
    finally:
        code, out, err = stop(process, signal.SIGINT)
    assert code == 130, err
    assert "Traceback" not in err
    assert "interrupted" in err
    summary = json.loads(out)
    assert summary["interrupted"] is True
    assert 0 < summary["records"] < 30_000
    rest = prodlens("ingest", "app.log", "--json", cwd=project)
    assert rest.returncode == 0, rest.stderr.decode()
    assert json.loads(rest.stdout)["interrupted"] is False
    assert snapshot(store)[1]["records"] == 30_000


def test_ctrl_c_in_follow_mode_is_a_normal_stop(project, store):
    append(project / "app.log", log_lines(0, 5))
    process = start("ingest", "--follow", "app.log", "--json", cwd=project)
    try:
        wait_for(lambda: snapshot(store)[1].get("records", 0) == 5)
    finally:
        code, out, err = stop(process, signal.SIGINT)
    assert code == 0, err
    assert json.loads(out)["records"] == 5
