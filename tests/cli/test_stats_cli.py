"""`prodlens stats`: counts per statement in the window, the previous window, never-hit statements, unmatched."""

from __future__ import annotations

import json

import pytest
from cli_helpers import make_project, prodlens, write_log


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = make_project(tmp_path_factory.mktemp("stats"))
    spec = [("Order 1 placed by ann", 1, {})] * 6 + [("Order 2 placed by bob", 30, {})] * 2
    spec += [("Stock low for order 7", 2, {})] + [("Payment failed for order 9", 40, {})] * 3
    spec += [("GC pause 12ms", 1, {}), ("GC pause 340ms", 5, {}), ("cache warmed", 50, {})]
    write_log(root / "app.log", spec)
    result = prodlens("ingest", "app.log", cwd=root)
    assert result.returncode == 0, result.stderr.decode()
    return root


def test_json_lists_every_statement_with_window_and_previous(project):
    result = prodlens("stats", "--json", cwd=project)
    assert result.returncode == 0, result.stderr.decode()
    data = json.loads(result.stdout)
    assert data["window"] == "24h"
    rows = {r["template"]: r for r in data["statements"]}
    assert set(rows) == {"Order {} placed by {}", "Stock low for order {}", "Payment failed for order {}",
                         "Never happens {}"}
    for row in rows.values():
        assert {"key", "path", "line", "end_line", "level", "template", "count", "previous"} <= set(row)
        assert row["path"] == "shop/orders.py"
    assert (rows["Order {} placed by {}"]["count"], rows["Order {} placed by {}"]["previous"]) == (6, 2)
    assert (rows["Stock low for order {}"]["count"], rows["Stock low for order {}"]["previous"]) == (1, 0)
    assert (rows["Payment failed for order {}"]["count"], rows["Payment failed for order {}"]["previous"]) == (0, 3)
    assert rows["Never happens {}"]["count"] == 0 and rows["Never happens {}"]["line"] == 13
    assert [r["template"] for r in data["statements"]][:2] == ["Order {} placed by {}", "Stock low for order {}"]
    assert data["unmatched"] == [{"example": "GC pause 12ms", "count": 2, "shape": "GC pause <n>ms"}]
    assert data["totals"]["records"] == 15 and data["totals"]["unmatched"] == 3


def test_window_option(project):
    data = json.loads(prodlens("stats", "--window", "7d", "--json", cwd=project).stdout)
    rows = {r["template"]: r["count"] for r in data["statements"]}
    assert rows["Order {} placed by {}"] == 8 and rows["Payment failed for order {}"] == 3
    assert {u["example"][:8] for u in data["unmatched"]} == {"GC pause", "cache wa"}


def test_human_output(project):
    out = prodlens("stats", cwd=project).stdout.decode()
    assert "Statements hit in the last 24h (2 of 4):" in out
    order = next(line for line in out.splitlines() if "Order {} placed by {}" in line)
    assert order.split()[:3] == ["6", "2", "▲200%"]
    assert "shop/orders.py:7" in order
    never = out.split("Never hit in the last 24h (2):")[1]
    assert "shop/orders.py:12" in never and "Payment failed for order {}" in never
    assert "Messages no statement explains" in out and "GC pause 12ms" in out
    assert "Store totals (all time): records 15" in out


def test_missing_store_says_run_ingest(tmp_path):
    root = make_project(tmp_path)
    result = prodlens("stats", cwd=root)
    assert result.returncode == 1
    assert "no embedded store at" in result.stderr.decode() and "prodlens ingest" in result.stderr.decode()


def test_bad_window_and_corrupted_store(tmp_path, project):
    assert prodlens("stats", "--window", "fortnight", cwd=project).returncode == 2
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"garbage" * 2000)
    result = prodlens("stats", "--store", str(bad), cwd=project)
    assert result.returncode == 1
    assert f"{bad}: the store file is corrupted" in result.stderr.decode()
