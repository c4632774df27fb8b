"""A mistake in the ingest configuration is a clear one-line error before any reading, not a traceback."""

from __future__ import annotations

from ingest_helpers import log_lines, prodlens, snapshot


def test_invalid_redact_pattern_is_a_clear_error(project, store):
    (project / ".prodlens.toml").write_text('[ingest]\nredact_patterns = ["cust-\\\\d{6}", "(unclosed"]\n')
    (project / "app.log").write_text("".join(log_lines(0, 4)))
    result = prodlens("ingest", "app.log", cwd=project)
    stderr = result.stderr.decode()
    assert result.returncode == 2, stderr
    assert "Traceback" not in stderr
    assert "redact_patterns" in stderr and "(unclosed" in stderr
    assert not store.exists()  # refused before anything was written


def test_store_path_that_is_a_directory_is_named_as_such(tmp_path, project):
    (project / "app.log").write_text("".join(log_lines(0, 4)))
    target = tmp_path / "stores"
    target.mkdir()
    result = prodlens("ingest", "app.log", "--store", str(target), cwd=project)
    stderr = result.stderr.decode()
    assert result.returncode == 1
    assert f"{target}: is a directory" in stderr and "read-only" not in stderr
    assert not (tmp_path / "stores.lock").exists()


def test_store_under_a_regular_file_is_named_as_such(tmp_path, project):
    (project / "app.log").write_text("".join(log_lines(0, 4)))
    blocker = tmp_path / "notes.txt"
    blocker.write_text("not a directory\n")
    result = prodlens("ingest", "app.log", "--store", str(blocker / "store.db"), cwd=project)
    stderr = result.stderr.decode()
    assert result.returncode == 1
    assert f"{blocker} is not a directory" in stderr and "read-only" not in stderr
    assert blocker.read_text() == "not a directory\n"


def test_second_writer_through_a_symlinked_store_path_is_refused(tmp_path, project, store):
    import signal

    from ingest_helpers import snapshot, start, stop, wait_for

    (project / "app.log").write_text("".join(log_lines(0, 5)))
    follower = start("ingest", "--follow", "app.log", cwd=project)
    try:
        wait_for(lambda: snapshot(store)[1].get("records", 0) == 5)
        alias = tmp_path / "alias.db"
        alias.symlink_to(store)
        second = prodlens("ingest", "app.log", "--store", str(alias), cwd=project)
        assert second.returncode == 1, second.stdout.decode()
        assert "already writing this store" in second.stderr.decode()
    finally:
        stop(follower, signal.SIGTERM)


def test_compressed_file_given_by_name_is_a_clear_error(project, store):
    import gzip

    (project / "app.log").write_text("".join(log_lines(0, 4)))
    (project / "app.log.1.gz").write_bytes(gzip.compress("".join(log_lines(10, 4)).encode()))
    result = prodlens("ingest", "app.log.1.gz", "app.log", cwd=project)
    stderr = result.stderr.decode()
    assert result.returncode == 1
    assert "app.log.1.gz: a gzip-compressed file" in stderr
    assert "\\x1f" not in stderr and "\x1f" not in stderr  # no binary dump
    assert "4 records" in result.stdout.decode()  # the other input is still counted


def _database(path, *statements: str):
    """An SQLite file made by someone else, with `statements` run in it."""
    import sqlite3

    conn = sqlite3.connect(path)
    with conn:
        for statement in statements:
            conn.execute(statement)
    conn.close()
    return path


def _ingest_into_foreign(project, foreign, own_table: str) -> tuple[set[str], str]:
    """Ingest into `foreign`, expect a refusal naming `own_table`; (tables, journal mode) of the file after."""
    import sqlite3

    result = prodlens("ingest", "app.log", "--store", str(foreign), cwd=project)
    stderr = result.stderr.decode()
    assert result.returncode == 1, stderr
    assert f"{foreign}: not a prodlens store" in stderr and own_table in stderr
    conn = sqlite3.connect(foreign)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    journal = conn.execute("PRAGMA journal_mode").fetchone()[0]
    conn.close()
    return tables, journal


def test_foreign_sqlite_database_is_not_written(tmp_path, project):
    (project / "app.log").write_text("".join(log_lines(0, 4)))
    foreign = _database(tmp_path / "app.db", "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT)",
                        "INSERT INTO users(email) VALUES ('a@example.com')")
    assert _ingest_into_foreign(project, foreign, "users") == ({"users"}, "delete")


def test_foreign_database_with_its_own_meta_table_is_not_written(tmp_path, project):
    """`meta` is a common table name: a database that has one (of another shape, or without our schema version)
    and tables of its own is still someone else's."""
    (project / "app.log").write_text("".join(log_lines(0, 4)))
    for i, meta in enumerate(("CREATE TABLE meta (key TEXT PRIMARY KEY, val TEXT)",
                              "CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT)")):
        foreign = _database(tmp_path / f"cms{i}.db", meta, "CREATE TABLE pages (id INTEGER PRIMARY KEY, body TEXT)")
        assert _ingest_into_foreign(project, foreign, "pages") == ({"meta", "pages"}, "delete")


def test_a_store_whose_creation_was_cut_short_is_finished(tmp_path, project):
    """Killed between creating `meta` and writing the schema version: only our tables, so it is ours to finish."""
    (project / "app.log").write_text("".join(log_lines(0, 4)))
    store = _database(tmp_path / "half.db", "CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT)")
    result = prodlens("ingest", "app.log", "--store", str(store), "--json", cwd=project)
    assert result.returncode == 0, result.stderr.decode()
    assert snapshot(store)[1]["records"] == 4
