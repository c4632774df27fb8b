"""A client that closes the pipe without `exit` (an editor that crashed or was killed) ends the server at once.

The server returned through `asyncio.run`, which joined the index build running in the default executor: it
lived on, burning a core, until the build of a large workspace finished (19 s for 4,000 files), and said 0.
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


async def test_closed_pipe_ends_the_server_during_indexing(indexing_client):
    client = indexing_client

    async def building():
        """A progress report of an unfinished build: the index build runs on its worker thread now."""
        return any(
            isinstance(report, types.WorkDoneProgressReport) and report.percentage is not None
            and report.percentage < 100
            for reports in client.progress_reports.values() for report in reports
        )

    await wait_for(building, "the index build to report progress")
    client._server.stdin.close()  # the editor is gone: no shutdown, no exit
    assert await client._server.wait() == 1  # exit without shutdown, as the LSP specifies
    # The process ended before the build could finish and write its cache: it was not waited for.
    assert not list((client.root / ".prodlens").glob("index/**/*.*"))
