"""A file's checkpoint outlives the retention while the file is still there: pruning old data must not make the
next run read an unchanged file again (records without a timestamp would be counted twice, at "now")."""

from __future__ import annotations

import json
import signal
import sqlite3
import time

from ingest_helpers import append, prodlens, snapshot, start, stop, wait_for

DAYS = 86400


def _age_checkpoints(store, seconds: float) -> None:
    """What the clock does to a checkpoint nobody wrote for `seconds` (no new lines in its file)."""
    conn = sqlite3.connect(store)
    with conn:
        conn.execute("UPDATE checkpoints SET updated = ?", [time.time() - seconds])
    conn.close()


def _ingest(project, *args: str) -> dict:
    result = prodlens("ingest", *args, "--format", "text", "--json", cwd=project)
    assert result.returncode == 0, result.stderr.decode()
    return json.loads(result.stdout)


def test_unchanged_file_is_not_read_again_after_the_retention(project, store):
    rotated = project / "app.log.1"
    rotated.write_text("".join(f"Stock low for order {i}\n" for i in range(20)))  # no timestamps
    assert _ingest(project, "app.log.1")["records"] == 20
    _age_checkpoints(store, 40 * DAYS)  # older than the 30d retention
    assert _ingest(project, "app.log.1")["records"] == 0
    _age_checkpoints(store, 40 * DAYS)
    assert _ingest(project, "app.log.1")["records"] == 0  # the run before kept the checkpoint alive
    assert snapshot(store)[1]["records"] == 20


def test_followed_quiet_file_keeps_its_checkpoint_through_pruning(project, store):
    log = project / "app.log"
    append(log, [f"Stock low for order {i}\n" for i in range(5)])
    process = start("ingest", "--follow", "app.log", "--format", "text", "--retention", "1h", cwd=project)
    try:
        wait_for(lambda: snapshot(store)[1].get("records", 0) == 5)
        _age_checkpoints(store, 2 * 3600)  # quiet for longer than the retention
    finally:
        code, _, err = stop(process, signal.SIGINT)  # pruning runs at the end of the run
    assert code == 0, err
    assert _ingest(project, "app.log", "--retention", "1h")["records"] == 0
    assert snapshot(store)[1]["records"] == 5
