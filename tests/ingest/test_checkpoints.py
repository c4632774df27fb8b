"""Checkpoints follow files, not paths: rotation by rename, copytruncate, truncation, the same file twice."""

from __future__ import annotations

import json
import shutil

from ingest_helpers import append, log_lines, prodlens, snapshot


def ingest(project, *inputs: str) -> dict:
    result = prodlens("ingest", *inputs, "--json", cwd=project)
    assert result.returncode == 0, result.stderr.decode()
    return json.loads(result.stdout)


def test_directory_with_rotation_by_rename(project, store):
    logs = project / "logs"
    logs.mkdir()
    append(logs / "app.log", log_lines(0, 100))
    assert ingest(project, "logs")["records"] == 100
    (logs / "app.log").rename(logs / "app.log.1")  # rotated: same inode, new name
    append(logs / "app.log.1", log_lines(100, 10))  # written just before rotation
    append(logs / "app.log", log_lines(110, 30))  # the new live file
    summary = ingest(project, "logs")
    assert summary["records"] == 40
    assert snapshot(store)[1]["records"] == 140


def test_copytruncate_rotation(project, store):
    log = project / "app.log"
    append(log, log_lines(0, 200))
    assert ingest(project, "app.log")["records"] == 200
    append(log, log_lines(200, 20))
    shutil.copyfile(log, project / "app.log.1")  # logrotate copytruncate: copy, then truncate in place
    log.write_text("")
    append(log, log_lines(220, 5))
    summary = ingest(project, "app.log.1", "app.log")
    assert summary["records"] == 25  # 20 unread lines of the copy + 5 new ones
    assert snapshot(store)[1]["records"] == 225


def test_truncated_and_rewritten_file_starts_over(project, store):
    log = project / "app.log"
    append(log, log_lines(0, 50))
    ingest(project, "app.log")
    log.write_text("".join(log_lines(1000, 10)))  # same inode, shorter, different head
    assert ingest(project, "app.log")["records"] == 10


def test_same_content_under_two_names_counted_once(project, store):
    append(project / "a.log", log_lines(0, 60))
    shutil.copyfile(project / "a.log", project / "b.log")
    assert ingest(project, "a.log", "b.log")["records"] == 60


def test_missing_input_reported(project, store):
    result = prodlens("ingest", "nope.log", cwd=project)
    assert result.returncode == 1
    assert "nope.log: no such file" in result.stdout.decode() + result.stderr.decode()
