"""`--follow` like `tail -F`: appended lines, rotation, truncation, new files in a directory, partial lines."""

from __future__ import annotations

import os

from ingest_helpers import append, log_lines, snapshot, start, stop, wait_for


def records(store):
    return snapshot(store)[1].get("records", 0)


def test_follow_directory_rotation_truncation_and_new_files(project, store):
    logs = project / "logs"
    logs.mkdir()
    append(logs / "app.log", log_lines(0, 20))
    process = start("ingest", "--follow", "logs", cwd=project)
    try:
        wait_for(lambda: records(store) == 20)
        append(logs / "app.log", log_lines(20, 5))
        wait_for(lambda: records(store) == 25)

        # a partial line is not counted until its newline arrives
        line = log_lines(25, 1)[0]
        with (logs / "app.log").open("a") as handle:
            handle.write(line[:30])
        append(logs / "app.log", log_lines(26, 0))
        with (logs / "app.log").open("a") as handle:
            handle.write(line[30:])
        wait_for(lambda: records(store) == 26)

        # rotation: rename, keep writing briefly to the old file, then a new live file
        os.rename(logs / "app.log", logs / "app.log.1")
        append(logs / "app.log.1", log_lines(26, 3))
        append(logs / "app.log", log_lines(29, 7))
        wait_for(lambda: records(store) == 36)

        # truncation in place (copytruncate without the copy)
        (logs / "app.log").write_text("")
        append(logs / "app.log", log_lines(36, 4))
        wait_for(lambda: records(store) == 40)

        # a brand-new file in the directory
        append(logs / "worker.log", log_lines(40, 6))
        wait_for(lambda: records(store) == 46)
    finally:
        code, out, err = stop(process)
    assert code == 0, err
    assert "records" in out
    assert records(store) == 46


def test_follow_single_file_recreated(project, store):
    log = project / "app.log"
    append(log, log_lines(0, 10))
    process = start("ingest", "-f", "app.log", cwd=project)
    try:
        wait_for(lambda: records(store) == 10)
        log.unlink()
        append(log, log_lines(10, 4))  # deleted and recreated: a new file at the same path
        wait_for(lambda: records(store) == 14)
    finally:
        code, _, err = stop(process)
    assert code == 0, err


def test_follow_plain_text_appended_one_line_at_a_time(project, store):
    """The layout is told once from the file's head, so single new lines of a plain-text log still parse."""
    log = project / "app.log"

    def line(i: int) -> str:
        return f"2026-01-0{1 + i % 9} 10:00:0{i % 10},123 INFO [main] shop.orders - Stock low for order {i}\n"

    log.write_text("".join(line(i) for i in range(12)))
    process = start("ingest", "--follow", "app.log", "--retention", "3650d", cwd=project)
    try:
        wait_for(lambda: records(store) == 12)
        for i in range(12, 15):
            append(log, [line(i)])
            wait_for(lambda i=i: records(store) == i + 1)
    finally:
        code, _, err = stop(process)
    assert code == 0, err
    hits, totals = snapshot(store)
    assert totals["matched"] == 15 and totals.get("skipped", 0) == 0
