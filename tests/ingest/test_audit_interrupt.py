"""Ctrl-C during a bulk `prodlens ingest` (not --follow, where it is the way to stop) says the input was not read
to its end and exits 130 — a script must not take a half-read log for a complete one — and the next run
continues from the checkpoint, counting every record exactly once."""

from __future__ import annotations

import json
import signal
import time

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


def test_ctrl_c_at_random_points_counts_nothing_twice(tmp_path, project, store):
    """Like the SIGKILL test, with Ctrl-C: the interrupted run still writes its samples at the end, and must not
    write with them the counts of a batch whose checkpoint was never committed."""
    import random

    log = project / "app.log"
    lines = log_lines(0, 12_000, minutes_back=3000)
    lines[5::7] = ["not json at all\n"] * len(lines[5::7])  # skipped lines are counted too
    append(log, lines)
    clean = tmp_path / "clean.db"
    assert prodlens("ingest", "app.log", "--store", str(clean), cwd=project).returncode == 0
    expected = snapshot(clean)
    rng = random.Random(7)
    for _ in range(6):
        before = snapshot(store)[1].get("records", 0)
        process = start("ingest", "app.log", "--batch", "300", cwd=project)
        try:
            wait_for(lambda: snapshot(store)[1].get("records", 0) > before or process.poll() is not None)
            time.sleep(rng.uniform(0, 0.05))
        finally:
            code, _, err = stop(process, signal.SIGINT)
        assert "Traceback" not in err
        # -SIGINT: the signal came as the interpreter was exiting after a complete run
        assert code in (0, 130, -signal.SIGINT), err
    final = prodlens("ingest", "app.log", cwd=project)
    assert final.returncode == 0, final.stderr.decode()
    assert snapshot(store) == expected
