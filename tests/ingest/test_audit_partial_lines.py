"""A line caught half-written by a bulk `prodlens ingest` (the application was writing it at that moment) is one
record once the rest arrives and the next run reads it — not a skipped fragment plus a second fragment."""

from __future__ import annotations

import json

from ingest_helpers import log_lines, prodlens, snapshot


def _ingest(project, *args: str) -> dict:
    result = prodlens("ingest", "app.log", "--json", *args, cwd=project)
    assert result.returncode == 0, result.stderr.decode()
    return json.loads(result.stdout)


def test_json_line_written_in_two_halves_across_runs_is_one_record(project, store):
    log = project / "app.log"
    lines = log_lines(1, 2)  # "Stock low for order 1", "Payment failed for order 2": both match
    text = "".join(lines)
    cut = len(lines[0]) + len(lines[1]) // 2
    log.write_text(text[:cut])
    first = _ingest(project)
    with log.open("a") as handle:
        handle.write(text[cut:])
    second = _ingest(project)
    totals = snapshot(store)[1]
    assert (first["records"], second["records"]) == (1, 1)
    assert totals.get("skipped", 0) == 0
    assert totals["records"] == totals["matched"] == 2


def test_text_line_written_in_two_halves_is_counted_once(project, store):
    log = project / "app.log"
    log.write_text("Stock low for order 1\nPayment failed for ord")
    assert _ingest(project, "--format", "text")["records"] == 2  # a final line without newline counts
    with log.open("a") as handle:
        handle.write("er 2\nStock low for order 3\n")
    assert _ingest(project, "--format", "text")["records"] == 1  # only order 3: the rest of line 2 is not new
    assert snapshot(store)[1]["records"] == 3


def test_unterminated_json_tail_is_left_until_complete_and_counted_then(project, store):
    log = project / "app.log"
    lines = log_lines(0, 6)
    log.write_text("".join(lines) + lines[1][:10])
    assert _ingest(project)["records"] == 6
    assert _ingest(project)["records"] == 0  # still incomplete: nothing counted, nothing skipped
    with log.open("a") as handle:
        handle.write(lines[1][10:])
    assert _ingest(project)["records"] == 1
    totals = snapshot(store)[1]
    assert totals["records"] == 7 and totals.get("skipped", 0) == 0
