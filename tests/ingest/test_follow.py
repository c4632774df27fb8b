"""`--follow` like `tail -F`: appended lines, rotation, truncation, new files in a directory, partial lines."""

from __future__ import annotations

import os
import signal
import time

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
    assert "no such file" not in err  # a file of a followed directory that goes away is not waited for


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


class StderrLines:
    """The stderr of a running process, collected line by line on a thread so a test can wait for a line."""

    def __init__(self, process) -> None:
        import threading

        self.lines: list[str] = []
        self._thread = threading.Thread(target=self._pump, args=(process.stderr,), daemon=True)
        self._thread.start()

    def _pump(self, stream) -> None:
        for raw in iter(stream.readline, b""):
            self.lines.append(raw.decode(errors="replace"))

    def saying(self, text: str) -> list[str]:
        return [line for line in self.lines if text in line]

    def join(self) -> str:
        self._thread.join(timeout=30)
        return "".join(self.lines)


def test_follow_tells_at_once_that_a_file_is_missing_and_when_it_appears(project, store):
    """Like `tail -F`: a followed file that is not there is named on stderr while following (not only at the end
    of a run that may last days), waited for, and followed once it appears; the wait is not an error."""
    log = project / "later.log"
    process = start("ingest", "--follow", "later.log", cwd=project)
    err = StderrLines(process)
    try:
        wait_for(lambda: err.saying("later.log: no such file; waiting for it to appear"))
        append(log, log_lines(0, 6))
        wait_for(lambda: records(store) == 6)
        wait_for(lambda: err.saying("later.log: has appeared; following it"))
        log.unlink()  # deleted and not recreated: waited for again, told once
        time.sleep(1.5)
        append(log, log_lines(6, 2))
        wait_for(lambda: records(store) == 8)
    finally:
        process.send_signal(signal.SIGINT)
        code = process.wait(timeout=30)
    text = err.join()
    assert code == 0, text
    assert len(err.saying("no such file; waiting")) == 2, text  # at the start, and after the deletion
    assert len(err.saying("has appeared")) == 2, text


def test_follow_tells_problems_as_they_happen_and_once(project, store):
    """A file that cannot be read while following is reported once, at once, not on every poll nor only on exit."""
    import gzip

    (project / "old.log.gz").write_bytes(gzip.compress(b"".join(line.encode() for line in log_lines(0, 3))))
    append(project / "app.log", log_lines(0, 4))
    process = start("ingest", "--follow", "old.log.gz", "app.log", cwd=project)
    err = StderrLines(process)
    try:
        wait_for(lambda: err.saying("gzip-compressed"))
        wait_for(lambda: records(store) == 4)
        time.sleep(1.5)  # several polls
    finally:
        process.send_signal(signal.SIGINT)
        code = process.wait(timeout=30)
    text = err.join()
    assert code == 1, text  # an input could not be read: the run says so in its exit code
    assert len(err.saying("gzip-compressed")) == 1, text


def test_an_unfinished_last_line_of_a_rotated_file_is_counted_as_skipped(project, store):
    """A writer that died mid-line, then rotation: the old file will never get its newline, so its broken tail is
    a skipped record (counted once), not a line waited for forever."""
    log = project / "app.log"
    append(log, log_lines(0, 5))
    process = start("ingest", "--follow", "app.log", cwd=project)
    try:
        wait_for(lambda: records(store) == 5)
        with log.open("a") as handle:
            handle.write('{"ts": "2026-01-01T00:00:00Z", "message": "Stock lo')  # cut short, no newline
        time.sleep(1.2)  # polled while unfinished: not counted yet
        assert snapshot(store)[1].get("skipped", 0) == 0
        os.rename(log, project / "app.log.1")
        append(log, log_lines(5, 3))
        wait_for(lambda: records(store) == 8 and snapshot(store)[1].get("skipped", 0) == 1)
    finally:
        code, _, err = stop(process)
    assert code == 0, err
    assert snapshot(store)[1].get("skipped", 0) == 1
