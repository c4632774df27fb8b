"""workspace/symbol answers while a large workspace is still being indexed, from the open files.

It waited for the whole index build (23 s for a 4,000-file workspace) before answering, so the editor's symbol
search showed nothing, or a spinner, for that long after start-up.
"""

from __future__ import annotations

from pathlib import Path

import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities

from conftest import SERVER, _start
from lsp_helpers import wait_for
from test_audit_exit import make_large_workspace


@pytest_lsp.fixture(config=SERVER)
async def indexing_client(lsp_client: LanguageClient, tmp_path: Path):
    root = tmp_path / "large"
    make_large_workspace(root)
    lsp_client.root = root  # type: ignore[attr-defined]
    await _start(lsp_client, root, client_capabilities("visual-studio-code"), None)
    yield
    await lsp_client.shutdown_session()


async def test_symbols_answer_from_open_files_during_indexing(indexing_client):
    client = indexing_client
    path = client.root / "src" / "C7.java"
    document = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=document, language_id="java", version=1, text=path.read_text())
        )
    )

    async def building():
        """A progress report of an unfinished build: the index build runs on its worker thread now."""
        return any(
            isinstance(report, types.WorkDoneProgressReport) and report.percentage is not None
            and report.percentage < 100
            for reports in client.progress_reports.values() for report in reports
        )

    await wait_for(building, "the index build to report progress")
    found = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query="method 39 value"))
    # Every class has a `method 39`: the whole index would answer from a hundred files; the answer came
    # from the open file alone, without waiting for the build.
    assert [s.name.split(" — ")[0] for s in found] == ["class 7 method 39 value {}"]
    assert found[0].location.uri == document
