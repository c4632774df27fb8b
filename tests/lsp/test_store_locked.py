"""A store locked by a writer, or broken under the server, never blocks a request.

WAL readers are never blocked by a writer, so the lock is taken on a store switched to the rollback journal
(as a store on a filesystem without shared memory would be), where a writer's EXCLUSIVE transaction locks
readers out: the worst case a reader can meet. The embedded store then reads the last committed file
(see stores/sqlite.py), so the lenses keep their counts. A store that breaks (replaced by a file that is not a
database) makes the server keep its cached counts, marked stale, and tell what is wrong in the hover.
"""

from __future__ import annotations

import os
import sqlite3

import pytest
from lsprotocol import types

from lsp_helpers import lens_titles, open_file, wait_for
from sample_service import CHARGING, EXPECTED_LENSES, FAILED, JAVA_PATH


@pytest.fixture
def writer(workspace):
    store = workspace / ".prodlens" / "store.db"
    conn = sqlite3.connect(store, isolation_level=None)
    assert conn.execute("PRAGMA journal_mode=DELETE").fetchone()[0] == "delete"
    yield conn
    conn.close()


async def hover_text(client, document: str, line: int) -> str:
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=document),
                          position=types.Position(line=line, character=12))
    )
    return hover.contents.value


async def test_writer_holding_an_exclusive_lock_blocks_nothing(writer, client, workspace):
    writer.execute("BEGIN EXCLUSIVE")
    writer.execute("INSERT INTO meta (name, value) VALUES ('half-written', 'x')")
    probe = sqlite3.connect(f"file:{workspace / '.prodlens' / 'store.db'}?mode=ro", uri=True, timeout=0)
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        probe.execute("SELECT count(*) FROM meta").fetchone()  # the lock is real
    probe.close()
    document = open_file(client, workspace, JAVA_PATH)
    titles = await lens_titles(client, document)
    assert titles[FAILED] == EXPECTED_LENSES[(JAVA_PATH, FAILED)]
    assert "**25 hits** in the last 24h" in await hover_text(client, document, FAILED)
    writer.execute("ROLLBACK")


async def test_broken_store_keeps_cached_counts_marked_stale(client, workspace):
    document = open_file(client, workspace, JAVA_PATH)
    assert (await lens_titles(client, document))[FAILED] == EXPECTED_LENSES[(JAVA_PATH, FAILED)]
    store = workspace / ".prodlens" / "store.db"
    broken = store.with_name("broken.db")
    broken.write_bytes(b"this is not a database\n" * 100)
    for suffix in ("-wal", "-shm"):
        store.with_name(store.name + suffix).unlink(missing_ok=True)
    os.replace(broken, store)

    async def stale():
        titles = await lens_titles(client, document)
        return titles if titles[FAILED].endswith(" · stale") else None

    titles = await wait_for(stale, "stale lenses once the store broke")
    assert titles[FAILED] == EXPECTED_LENSES[(JAVA_PATH, FAILED)] + " · stale"
    assert titles[CHARGING] == EXPECTED_LENSES[(JAVA_PATH, CHARGING)] + " · stale"
    text = await hover_text(client, document, FAILED)
    assert "**25 hits** in the last 24h" in text
    assert "_stale: served from cache, the store did not answer" in text
