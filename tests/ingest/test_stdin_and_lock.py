"""stdin input, and one writer per store."""

from __future__ import annotations

import json
import signal
import subprocess

from ingest_helpers import append, log_lines, prodlens, snapshot, start, stop, wait_for


def test_stdin(project, store):
    data = "".join(log_lines(0, 80)).encode()
    result = prodlens("ingest", "-", "--json", cwd=project, input=data)
    assert result.returncode == 0, result.stderr.decode()
    assert json.loads(result.stdout)["records"] == 80
    # stdin has no identity to checkpoint: the same input again is new input
    assert json.loads(prodlens("ingest", "--json", cwd=project, input=data).stdout)["records"] == 80


def test_quiet_pipe_commits_what_arrived(project, store):
    process = start("ingest", "-", cwd=project, stdin=subprocess.PIPE)
    try:
        process.stdin.write("".join(log_lines(0, 7)).encode())
        process.stdin.flush()
        wait_for(lambda: snapshot(store)[1].get("records", 0) == 7)  # committed while the pipe stays open
        out, err = process.communicate(timeout=60)  # closes stdin: end of input
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, err.decode()
    assert b"7 records" in out


def test_second_ingest_refused_while_one_runs(project, store):
    append(project / "app.log", log_lines(0, 5))
    follower = start("ingest", "--follow", "app.log", cwd=project)
    try:
        wait_for(lambda: snapshot(store)[1].get("records", 0) == 5)
        second = prodlens("ingest", "app.log", cwd=project)
        assert second.returncode == 1
        err = second.stderr.decode()
        assert f"another `prodlens ingest` (pid {follower.pid}) is already writing this store" in err
        assert "store.db" in err
    finally:
        code, _, _ = stop(follower, signal.SIGTERM)
    assert code == 0
    assert prodlens("ingest", "app.log", cwd=project).returncode == 0  # the lock died with the process
