"""`shutdown` then `exit` end the server at once, even while a large workspace is still being indexed.

pygls returned through `asyncio.run`, which joins the default executor, so the process lived until the index
build finished (23 s for a 4,000-file workspace) while the editor waited for it or killed it.
"""

from __future__ import annotations

from pathlib import Path

import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities

from conftest import SERVER, _start
from lsp_helpers import wait_for

FILES = 2500


def make_large_workspace(root: Path) -> None:
    """Thousands of Java classes with forty statements each: an index build that takes a while."""
    source = root / "src"
    source.mkdir(parents=True)
    (root / ".git").mkdir()
    for i in range(FILES):
        methods = "\n".join(
            f'    void m{j}() {{ log.info("class {i} method {j} value {{}}", x); }}' for j in range(40)
        )
        (source / f"C{i}.java").write_text(
            f"package p;\nclass C{i} {{\n    static final org.slf4j.Logger log = "
            f"org.slf4j.LoggerFactory.getLogger(C{i}.class);\n{methods}\n}}\n"
        )


@pytest_lsp.fixture(config=SERVER)
async def indexing_client(lsp_client: LanguageClient, tmp_path: Path):
    root = tmp_path / "large"
    make_large_workspace(root)
    lsp_client.root = root  # type: ignore[attr-defined]
    await _start(lsp_client, root, client_capabilities("visual-studio-code"), None)
    yield


async def test_exit_does_not_wait_for_the_index_build(indexing_client):
    client = indexing_client

    async def building():
        """A progress report of an unfinished build: the index build runs on its worker thread now."""
        return any(
            isinstance(report, types.WorkDoneProgressReport) and report.percentage is not None
            and report.percentage < 100
            for reports in client.progress_reports.values() for report in reports
        )

    await wait_for(building, "the index build to report progress")
    await client.shutdown_session()  # shutdown, exit, and wait for the process to end
    assert client._server.returncode == 0
    # The process ended before the build could finish and write its cache: it was not waited for.
    assert not list((client.root / ".prodlens").glob("index/**/*.*"))
