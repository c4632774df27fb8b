"""A missing, corrupted, read-only or full store: a clear error naming the file, and nothing lost."""

from __future__ import annotations

import os
import shutil
import subprocess
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from store_fixtures import NOW, StoreFiller, hit, record, statement

from prodlens.ingest.lock import WriterLock, writer_active
from prodlens.stores.base import StoreError, TimeRange
from prodlens.stores.sqlite import SqliteStore, SqliteWriter

A = statement("a" * 16)
WINDOW = TimeRange.ending_now("1h", NOW + timedelta(seconds=1))


def test_missing_store_says_run_ingest(store_path):
    store = SqliteStore(store_path)
    status = store.status()
    assert status.state == "missing"
    assert str(store_path) in status.message and "prodlens ingest" in status.message
    with pytest.raises(StoreError, match="prodlens ingest"):
        store.counts([A], WINDOW)
    assert not store_path.exists()  # reading never creates the file


def test_corrupted_file_named(store_path):
    store_path.parent.mkdir(parents=True)
    store_path.write_bytes(b"this is not sqlite\n" * 500)
    store = SqliteStore(store_path)
    with pytest.raises(StoreError, match=r"store\.db: the store file is corrupted"):
        store.counts([A], WINDOW)
    assert store.status().state == "unreachable"
    with pytest.raises(StoreError, match=r"store\.db: the store file is corrupted"):
        SqliteWriter(store_path)
    assert store_path.read_bytes().startswith(b"this is not sqlite")  # left as it was


def test_not_a_prodlens_store(store_path):
    import sqlite3

    store_path.parent.mkdir(parents=True)
    sqlite3.connect(store_path).execute("CREATE TABLE other(x)").connection.close()
    with pytest.raises(StoreError, match="not a prodlens store"):
        SqliteStore(store_path).totals()


@contextmanager
def read_only(*paths: Path):
    """Permission bits do not stop root, so root uses the immutable attribute instead."""
    if os.geteuid() == 0:
        if not shutil.which("chattr"):
            pytest.skip("running as root without chattr: cannot make a file read-only")
        subprocess.run(["chattr", "+i", *map(str, paths)], check=True)
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", *map(str, paths)], check=True)
    else:
        modes = [p.stat().st_mode for p in paths]
        for p in paths:
            p.chmod(0o555 if p.is_dir() else 0o444)
        try:
            yield
        finally:
            for p, mode in zip(paths, modes):
                p.chmod(mode)


def test_read_only_store_readable_but_not_writable(filler, store_path):
    filler.write([(record("Order 1 placed"), hit(A.key))])
    filler.close()
    store = SqliteStore(store_path)
    with read_only(store_path, store_path.parent):
        assert store.counts([A], WINDOW)[A.key].total == 1
        with pytest.raises(StoreError, match=r"store\.db: the store is read-only"):
            SqliteWriter(store_path)
        with pytest.raises(StoreError, match=r"store\.db: cannot create the writer lock"):
            WriterLock(store_path).acquire()
    # writable again: the reader does not stay on its read-only fallback connection
    again = StoreFiller(store_path)
    again.write([(record("Order 2 placed"), hit(A.key))])
    again.close()
    assert store.counts([A], WINDOW)[A.key].total == 2
    store.close()


def test_full_disk_rolls_back_the_whole_batch(filler, store, store_path):
    from prodlens.stores.sqlite import Checkpoint

    filler.write([(record("Order 1 placed"), hit(A.key))])
    filler.writer.db.execute("PRAGMA max_page_count = " + str(
        filler.writer.db.execute("PRAGMA page_count").fetchone()[0]))
    filler.aggregator.add_many(
        [record(f"Order {i} placed {'x' * 500}", minutes_ago=i % 500) for i in range(3000)], [hit(A.key)] * 3000
    )
    with pytest.raises(StoreError, match=r"store\.db: the disk is full"):
        filler.writer.apply(filler.aggregator.take(), Checkpoint("app.log", 1, 2, 0, "h", 999))
    assert store.counts([A], WINDOW)[A.key].total == 1
    assert filler.writer.checkpoints_for(1, 2) == []  # the checkpoint did not move either


def test_reader_not_blocked_by_open_write_transaction(filler, store):
    filler.write([(record("Order 1 placed"), hit(A.key))])
    conn = filler.writer.db.conn
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("UPDATE totals SET value = value + 100 WHERE name = 'records'")
    try:
        assert store.totals()["records"] == 1  # the committed snapshot, at once
        assert store.counts([A], WINDOW)[A.key].total == 1
    finally:
        conn.execute("ROLLBACK")


def test_second_writer_refused_with_pid(store_path):
    first = WriterLock(store_path)
    first.acquire()
    try:
        assert writer_active(store_path)
        with pytest.raises(StoreError, match=rf"another `prodlens ingest` \(pid {os.getpid()}\)"):
            WriterLock(store_path).acquire()
    finally:
        first.release()
    assert not writer_active(store_path)
    with WriterLock(store_path):
        pass


def test_a_transaction_left_open_by_an_interrupt_is_rolled_back_and_writing_goes_on(filler, store):
    """Ctrl-C can land just after `BEGIN` returned, before the code that would roll it back: the interrupted
    batch's rows must vanish (its checkpoint never committed) and the final writes must still work."""
    A = statement("a" * 16)
    filler.write([(record("Order placed", minutes_ago=1), hit(A.key))])
    conn = filler.writer.db.conn
    conn.execute("BEGIN IMMEDIATE")  # where the interrupt left it
    conn.execute("UPDATE totals SET value = value + 1000 WHERE name = 'records'")
    filler.writer.abandon_open_transaction()
    assert not conn.in_transaction
    filler.write([(record("Order placed", minutes_ago=1), hit(A.key))])
    assert store.totals()["records"] == 2
    filler.writer.abandon_open_transaction()  # nothing open: nothing happens


def test_the_tables_that_make_a_store_ours_are_the_tables_a_store_has(store_path):
    """`_OUR_TABLES` (a cut-short store is finished, a database with other tables is refused) must follow the
    schema: a table added to `ensure_schema` and not there would make a store whose creation was cut short
    look foreign."""
    import sqlite3

    from prodlens.stores.sqlite import _OUR_TABLES

    SqliteWriter(store_path).close()
    conn = sqlite3.connect(store_path)
    tables = {r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")}
    conn.close()
    assert tables == _OUR_TABLES
