"""workspace/symbol: log statements by message text (or by a pasted production line), each with its count."""

from __future__ import annotations

from lsprotocol import types

from lsp_helpers import uri
from sample_service import FAILED, JAVA_PATH, RETRY


async def symbols(client, query: str):
    return await client.workspace_symbol_async(types.WorkspaceSymbolParams(query=query))


async def test_search_by_message_text_with_counts(client, workspace):
    found = await symbols(client, "payment")
    names = sorted(s.name for s in found)
    assert names == [
        "Payment failed for order {} — 25 hits · 24h ▲1150%",
        "Payment retry {} for order {} — 3 hits · 24h",
    ]
    failed = next(s for s in found if s.name.startswith("Payment failed"))
    assert failed.location.uri == uri(workspace, JAVA_PATH)
    assert failed.location.range.start.line == FAILED
    assert failed.container_name == f"{JAVA_PATH}:{FAILED + 1} error"


async def test_search_by_a_pasted_production_line(client, workspace):
    found = await symbols(client, "Payment retry 12 for order o-4")
    assert found[0].location.range.start.line == RETRY
    assert found[0].name == "Payment retry {} for order {} — 3 hits · 24h"


async def test_no_match(client, workspace):
    assert await symbols(client, "zzz no such message zzz") == []


async def test_files_changed_on_disk_are_reindexed(client, workspace):
    assert await symbols(client, "stock level") == []
    path = workspace / "app" / "stock.py"
    path.write_text('import logging\nlog = logging.getLogger(__name__)\nlog.warning("stock level low: %d", 3)\n')
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
        changes=[types.FileEvent(uri=uri(workspace, "app/stock.py"), type=types.FileChangeType.Created)]))
    (found,) = await symbols(client, "stock level")
    assert found.name == "stock level low: {} — never seen · 30d"
    path.unlink()
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
        changes=[types.FileEvent(uri=uri(workspace, "app/stock.py"), type=types.FileChangeType.Deleted)]))
    assert await symbols(client, "stock level") == []
