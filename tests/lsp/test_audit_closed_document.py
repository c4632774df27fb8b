"""A request for a document the editor has closed never makes it count as open again.

While the workspace index was not built yet (a large workspace, or before `initialized`), a codeLens or hover
request for a closed document read it from disk and recorded that text as the editor's: the file counted as
open for the rest of the session, so the next refresh published its diagnostics again after didClose (stale
problems in the editor for a file nobody has open) and its counts were refetched for ever.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest_lsp
from lsprotocol import types
from pygls import uris
from pytest_lsp import LanguageClient, client_capabilities

from lsp_helpers import SERVER, lens_titles, open_file, wait_for
from sample_service import JAVA_PATH

EXTRA = "app/extra.py"


@pytest_lsp.fixture(config=SERVER)
async def uninitialized_client(lsp_client: LanguageClient, workspace: Path):
    """`initialize` answered, `initialized` not sent yet: the server has not started indexing."""
    lsp_client.capabilities = client_capabilities("neovim@0.7.0")
    await lsp_client.initialize_async(
        types.InitializeParams(
            process_id=os.getpid(),
            capabilities=lsp_client.capabilities,
            root_uri=uris.from_fs_path(str(workspace)),
        )
    )
    yield
    await lsp_client.shutdown_session()


async def test_closed_document_stays_closed(uninitialized_client, workspace: Path):
    client = uninitialized_client
    document = open_file(client, workspace, JAVA_PATH)
    await lens_titles(client, document)
    await wait_for(lambda: _diagnostics(client, document), "the open file's diagnostics")
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=document))
    )
    # An editor asking about the closed file (a peek, a stale view) before the index is built.
    await client.text_document_code_lens_async(
        types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=document))
    )
    await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=document), position=types.Position(line=13, character=12)
        )
    )
    client.initialized(types.InitializedParams())

    async def indexed():
        return any("indexed" in m.message for m in client.log_messages)

    await wait_for(indexed, "the workspace index")
    # Sync point: another file's diagnostics come from a refresh pass after the index was installed; that pass
    # publishes the files the server holds open in the order they were opened, the closed one first if at all.
    (workspace / EXTRA).write_text(
        'import logging\n\nlogger = logging.getLogger(__name__)\n\n\ndef f(x):\n'
        '    logger.warning("Never logged in production %s", x)\n'
    )
    extra = open_file(client, workspace, EXTRA)
    await wait_for(lambda: _diagnostics(client, extra), "the never-hit hint of the other file")
    assert client.diagnostics.get(document) in (None, [], ())


async def _diagnostics(client: LanguageClient, document: str):
    return client.diagnostics.get(document)
