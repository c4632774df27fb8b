"""Re-running counts nothing twice; appended lines are counted once; SIGKILL at random points loses nothing."""

from __future__ import annotations

import json
import random
import signal
import time
from pathlib import Path

from ingest_helpers import TEMPLATES, append, log_lines, prodlens, snapshot, start, template_hits


def test_rerun_counts_nothing_twice(project, store):
    log = project / "app.log"
    append(log, log_lines(0, 400))
    first = prodlens("ingest", "app.log", "--json", cwd=project)
    assert first.returncode == 0, first.stderr.decode()
    summary = json.loads(first.stdout)
    assert (summary["records"], summary["matched"], summary["unmatched"]) == (400, 300, 100)
    hits_after_first = template_hits(store, project)
    assert [hits_after_first[t] for t in TEMPLATES] == [100, 100, 100]

    again = json.loads(prodlens("ingest", "app.log", "--json", cwd=project).stdout)
    assert again["records"] == 0
    assert template_hits(store, project) == hits_after_first

    append(log, log_lines(400, 40))
    more = json.loads(prodlens("ingest", "app.log", "--json", cwd=project).stdout)
    assert more["records"] == 40
    assert [template_hits(store, project)[t] for t in TEMPLATES] == [110, 110, 110]
    assert snapshot(store)[1]["records"] == 440


def test_partial_last_line_is_counted_and_not_recounted(project, store):
    log = project / "app.log"
    lines = log_lines(0, 12)
    log.write_text("".join(lines)[:-1])  # no final newline
    assert json.loads(prodlens("ingest", "app.log", "--json", cwd=project).stdout)["records"] == 12
    with log.open("a") as handle:
        handle.write("\n")
    assert json.loads(prodlens("ingest", "app.log", "--json", cwd=project).stdout)["records"] == 0


def test_sigkill_at_random_points_loses_and_duplicates_nothing(tmp_path, project, store):
    log = project / "app.log"
    append(log, log_lines(0, 20_000, minutes_back=3000))
    clean = tmp_path / "clean.db"
    began = time.monotonic()
    result = prodlens("ingest", "app.log", "--store", str(clean), "--batch", "500", "--json", cwd=project)
    wall = time.monotonic() - began
    assert result.returncode == 0, result.stderr.decode()[-3000:]
    reading = json.loads(result.stdout)["seconds"]
    startup = max(0.0, wall - reading)
    expected = snapshot(clean)

    rng = random.Random(4)
    total = expected[1]["records"]
    kills_while_writing = 0
    for attempt in range(8):
        before = snapshot(store)[1].get("records", 0)
        process = start("ingest", "app.log", "--batch", "500", cwd=project)
        if attempt < 2:  # anywhere in start-up: schema creation, index, matcher, first batch
            time.sleep(rng.uniform(0, startup))
        else:  # once this run has committed, at a random point while it writes
            while snapshot(store)[1].get("records", 0) == before and process.poll() is None:
                time.sleep(0.01)
            time.sleep(rng.uniform(0, reading / 6))
        process.send_signal(signal.SIGKILL)
        process.wait()
        process.stdout.close()
        process.stderr.close()
        records = snapshot(store)[1].get("records", 0)
        if attempt >= 2 and before < records < total:
            kills_while_writing += 1
        if kills_while_writing >= 5 or records == total:
            break
    print(f"kills while writing: {kills_while_writing} of {attempt + 1}")
    final = prodlens("ingest", "app.log", "--batch", "500", cwd=project)
    assert final.returncode == 0, final.stderr.decode()[-3000:]
    assert kills_while_writing >= 1, "no kill landed while records were being written; the test proved nothing"
    assert snapshot(store) == expected
