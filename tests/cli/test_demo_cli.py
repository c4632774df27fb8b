"""`prodlens demo`: the newcomer path, end to end through the real index, matcher, ingest and store."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from prodlens.demo import create_demo


def prodlens(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "prodlens", *args], cwd=cwd, capture_output=True, timeout=300)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    directory = tmp_path_factory.mktemp("demo") / "shop"
    return create_demo(directory, scale=0.15)


def test_demo_writes_four_languages_and_logs(demo):
    suffixes = {p.suffix for p in demo.sources}
    assert {".java", ".py", ".ts", ".go"} <= suffixes
    assert [p.name for p in demo.logs.files] == ["checkout.log", "payments.log", "web.log", "inventory.log"]
    assert demo.store.is_file()
    assert demo.summary.records == demo.logs.records and demo.summary.skipped == 0


def test_every_demo_statement_counted_exactly(demo):
    stats = json.loads(prodlens("stats", "--root", str(demo.directory), "--window", "30d", "--json",
                                cwd=demo.directory).stdout)
    rows = stats["statements"]
    found: dict[tuple[str, str], dict] = {}
    for (path, needle), written in demo.logs.per_statement.items():
        matching = [r for r in rows if r["path"] == path and needle in r["template"]]
        assert len(matching) == 1, f"{path}: no single statement with {needle!r} in the index"
        found[(path, needle)] = matching[0]
    java_retry = ("checkout/src/main/java/com/acme/shop/checkout/PaymentClient.java", "Retrying request")
    ts_retry = ("web/src/server.ts", "Retrying request")
    for ident, row in found.items():
        assert row["count"] + row["previous"] <= demo.logs.per_statement[ident]
        assert row["count"] > 0, ident
    thirty_days = {ident: row["count"] for ident, row in found.items()}
    # web's logger-less retries fit the Java statement too, but that one always logs "Payment gateway timeout"
    # first, which web's stream never did (matching.precedence): each retry is placed, none is ambiguous
    assert found[ts_retry]["ambiguous"] == 0 and found[java_retry]["ambiguous"] == 0
    for ident, count in thirty_days.items():
        assert count == demo.logs.per_statement[ident], ident
    never = {r["template"] for r in rows if r["count"] == 0}
    assert any("Legacy coupon" in t for t in never)
    assert sum(u["count"] for u in stats["unmatched"]) == demo.logs.unexplained
    assert stats["totals"]["records"] == demo.logs.records


def test_trends_show_in_24h_window(demo):
    stats = json.loads(prodlens("stats", "--root", str(demo.directory), "--json", cwd=demo.directory).stdout)
    by_template = {r["template"]: r for r in stats["statements"]}
    timeout = next(r for t, r in by_template.items() if t.startswith("Payment gateway timeout"))
    assert timeout["count"] > timeout["previous"] > 0  # the story: timeouts jumped after the deploy


def test_demo_command_prints_next_steps_and_reruns_cleanly(tmp_path):
    first = prodlens("demo", "shop", cwd=tmp_path)
    assert first.returncode == 0, first.stderr.decode()
    out = first.stdout.decode()
    assert "Java, Python, TypeScript, Go" in out
    assert "prodlens show shop/checkout/src/main/java/com/acme/shop/checkout/PaymentClient.java" in out
    assert "VS Code" in out and "Neovim" in out
    assert (tmp_path / "shop" / ".prodlens" / "store.db").is_file()
    records = json.loads(prodlens("stats", "--root", "shop", "--json", cwd=tmp_path).stdout)["totals"]["records"]
    again = prodlens("demo", "shop", "--json", cwd=tmp_path)
    assert again.returncode == 0, again.stderr.decode()
    rerun = json.loads(prodlens("stats", "--root", "shop", "--json", cwd=tmp_path).stdout)["totals"]["records"]
    assert rerun == json.loads(again.stdout)["ingest"]["records"]
    assert abs(rerun - records) < records * 0.2  # started over, not doubled


def test_demo_refuses_a_foreign_non_empty_directory(tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    result = prodlens("demo", "mine", cwd=tmp_path)
    assert result.returncode == 1
    assert "not empty and was not made by `prodlens demo`" in result.stderr.decode()
    assert (tmp_path / "mine" / "notes.txt").read_text() == "keep me"
