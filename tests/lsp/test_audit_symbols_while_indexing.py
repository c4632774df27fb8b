"""workspace/symbol answers while a large workspace is still being indexed, from the open files.

It waited for the whole index build (23 s for a 4,000-file workspace) before answering, so the editor's symbol
search showed nothing, or a spinner, for that long after start-up.
"""

from __future__ import annotations

from lsprotocol import types

from large_workspace import indexing_client, wait_until_building  # noqa: F401 (fixture)


async def test_symbols_answer_from_open_files_during_indexing(indexing_client):  # noqa: F811
    client = indexing_client
    path = client.root / "src" / "C7.java"
    document = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=document, language_id="java", version=1, text=path.read_text())
        )
    )
    await wait_until_building(client)
    found = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query="method 39 value"))
    # Every class has a `method 39`: the whole index would answer from a hundred files; the answer came
    # from the open file alone, without waiting for the build.
    assert [s.name.split(" — ")[0] for s in found] == ["class 7 method 39 value {}"]
    assert found[0].location.uri == document
    await client.shutdown_session()
