"""Unmatched shapes are re-matched when a statement appears, without re-reading the logs."""

from __future__ import annotations

import json

from ingest_helpers import append, log_lines, prodlens, template_hits


def test_new_statement_claims_stored_unmatched_records(project, store):
    append(project / "app.log", log_lines(0, 40))  # every fourth line is "GC pause {i}ms": unmatched
    first = json.loads(prodlens("ingest", "app.log", "--json", cwd=project).stdout)
    assert first["unmatched"] == 10
    source = project / "src" / "shop" / "gc.py"
    source.write_text('import logging\nlog = logging.getLogger("gc")\n\n\ndef gc(ms):\n    log.info("GC pause %sms", ms)\n')
    again = json.loads(prodlens("ingest", "app.log", "--json", cwd=project).stdout)
    assert again["records"] == 0
    assert again["rematched"] == 10
    assert template_hits(store, project)["GC pause {}ms"] == 10
    stats = json.loads(prodlens("stats", "--json", cwd=project).stdout)
    assert stats["unmatched"] == []
    assert stats["totals"]["unmatched"] == 0 and stats["totals"]["matched"] == 40
