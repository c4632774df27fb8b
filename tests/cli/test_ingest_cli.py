"""`prodlens ingest`: arguments, summary output, progress only on a terminal, exit codes."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys

from cli_helpers import make_project, prodlens, write_log

from prodlens.stores.base import TimeRange
from prodlens.stores.sqlite import SqliteStore


def test_summary_on_stdout_no_progress_when_not_a_terminal(tmp_path):
    root = make_project(tmp_path)
    write_log(root / "app.log", [("Order 1 placed by ann", 1, {}), ("Stock low for order 1", 2, {}),
                                 ("GC pause 12ms", 3, {})])
    result = prodlens("ingest", "app.log", cwd=root)
    assert result.returncode == 0, result.stderr.decode()
    out = result.stdout.decode()
    assert out.startswith("3 records in ")
    assert "records/s" in out and ".prodlens/store.db" in out
    for label, value in (("matched", 2), ("ambiguous", 0), ("unmatched", 1), ("skipped", 0)):
        assert f"  {label:<10} {value:>12,}" in out
    assert result.stderr == b""  # no progress bar, no noise


def test_json_summary_and_store_option(tmp_path):
    root = make_project(tmp_path)
    write_log(root / "app.log", [("Order 1 placed by ann", 1, {})] * 5)
    target = tmp_path / "elsewhere" / "counts.db"
    result = prodlens("ingest", "app.log", "--store", str(target), "--json", cwd=root)
    data = json.loads(result.stdout)
    assert data["store"] == str(target) and target.is_file()
    assert {k: data[k] for k in ("records", "matched", "ambiguous", "unmatched", "skipped")} == {
        "records": 5, "matched": 5, "ambiguous": 0, "unmatched": 0, "skipped": 0}
    assert data["records_per_second"] > 0
    assert not (root / ".prodlens" / "store.db").exists()


def test_service_and_version_fill_records_without_them(tmp_path):
    root = make_project(tmp_path)
    write_log(root / "app.log", [("Order 1 placed by ann", 0.1, {}), ("Order 2 placed by bob", 0.1,
                                                                     {"service": "api", "version": "9"})])
    assert prodlens("ingest", "app.log", "--service", "shop", "--version", "1.2.3", cwd=root).returncode == 0
    from prodlens.config import load_config
    from prodlens.source.index import StatementIndex

    statement = next(s for s in StatementIndex.build(root, load_config(root)).statements if "Order" in s.template.text)
    store = SqliteStore(root / ".prodlens" / "store.db")
    counts = store.counts([statement], TimeRange.ending_now("1h"))[statement.key]
    samples = store.samples(statement, TimeRange.ending_now("1h"), 5)
    store.close()
    assert counts.by_service == {"shop": 1, "api": 1}
    assert counts.by_version == {"1.2.3": 1, "9": 1}
    assert {s.attributes.get("service") for s in samples} == {"shop", "api"}


def test_retention_option_drops_older_records(tmp_path):
    root = make_project(tmp_path)
    write_log(root / "app.log", [("Order 1 placed by ann", 1, {}), ("Order 2 placed by bob", 24 * 3, {})])
    result = prodlens("ingest", "app.log", "--retention", "2d", "--json", cwd=root)
    data = json.loads(result.stdout)
    assert data["records"] == 2 and data["expired"] == 1
    (root / "app.log").unlink()
    write_log(root / "app.log", [("Order 3 placed by cy", 24 * 3, {})])
    assert "older than the retention (not stored): 1" in prodlens("ingest", "app.log", "--retention", "2d",
                                                                  cwd=root).stdout.decode()


def test_progress_bar_on_a_terminal(tmp_path):
    root = make_project(tmp_path)
    write_log(root / "app.log", [("Order 1 placed by ann", 1, {})] * 3000)
    leader, follower = pty.openpty()
    try:
        process = subprocess.Popen([sys.executable, "-m", "prodlens", "ingest", "app.log", "--batch", "100"],
                                   cwd=root, stdout=subprocess.PIPE, stderr=follower)
        os.close(follower)
        out, _ = process.communicate(timeout=300)
        chunks = []
        while True:
            try:
                data = os.read(leader, 65536)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
    finally:
        os.close(leader)
    assert process.returncode == 0
    terminal = b"".join(chunks).decode()
    assert "\ringesting [" in terminal and "records" in terminal
    assert out.decode().startswith("3,000 records in ")


def test_usage_errors(tmp_path):
    root = make_project(tmp_path)
    assert prodlens("ingest", "--format", "xml", cwd=root).returncode == 2
    missing_root = prodlens("ingest", "x.log", "--root", "nope", cwd=root)
    assert missing_root.returncode == 2 and "--root nope: not a directory" in missing_root.stderr.decode()
    remote = tmp_path / "remote"
    make_project(remote)
    (remote / ".prodlens.toml").write_text('[store]\nurl = "clickhouse+http://127.0.0.1:9/"\n')
    result = prodlens("ingest", "x.log", cwd=remote)
    assert result.returncode == 2 and "remote store" in result.stderr.decode()


def test_corrupted_store_is_named(tmp_path):
    root = make_project(tmp_path)
    write_log(root / "app.log", [("Order 1 placed by ann", 1, {})])
    (root / ".prodlens").mkdir()
    (root / ".prodlens" / "store.db").write_bytes(b"not a database" * 1000)
    result = prodlens("ingest", "app.log", cwd=root)
    assert result.returncode == 1
    assert ".prodlens/store.db: the store file is corrupted" in result.stderr.decode()
    assert "Traceback" not in result.stderr.decode()
