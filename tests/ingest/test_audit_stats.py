"""`prodlens stats` against a store filled from another source tree (or before the source changed) says so,
instead of silently listing every statement as never hit."""

from __future__ import annotations

import json

from ingest_helpers import log_lines, make_project, prodlens


def test_stats_warns_when_the_store_was_filled_from_another_root(tmp_path, project, store):
    (project / "app.log").write_text("".join(log_lines(0, 8)))
    assert prodlens("ingest", "app.log", cwd=project).returncode == 0
    same = prodlens("stats", "--json", cwd=project)
    assert same.returncode == 0 and same.stderr.decode() == ""

    other = make_project(tmp_path / "other")
    (other / "src" / "shop" / "orders.py").write_text('import logging\nlogging.getLogger().info("Hello %s", 1)\n')
    result = prodlens("stats", "--store", str(store), "--json", cwd=other)
    assert result.returncode == 0
    data = json.loads(result.stdout)
    assert [s["count"] for s in data["statements"]] == [0]
    warning = result.stderr.decode()
    assert "different set of statements" in warning and "prodlens ingest" in warning
    human = prodlens("stats", "--store", str(store), cwd=other)
    assert "different set of statements" in human.stderr.decode()
