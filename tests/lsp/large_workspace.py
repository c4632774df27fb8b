"""A workspace large enough that its index build is still running while a test acts (about 10 s of indexing
on a 2-core machine): for checks that the server does not wait for the build."""

from __future__ import annotations

from pathlib import Path

import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities

from lsp_helpers import SERVER, start_session, wait_for

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
    """A started client on the large workspace (`client.root`); the test ends the session its own way."""
    root = tmp_path / "large"
    make_large_workspace(root)
    lsp_client.root = root  # type: ignore[attr-defined]
    await start_session(lsp_client, root, client_capabilities("visual-studio-code"), None)
    yield


async def wait_until_building(client: LanguageClient) -> None:
    """Until a progress report of an unfinished build arrives: the index build is running on its worker."""

    async def building():
        return any(
            isinstance(report, types.WorkDoneProgressReport) and report.percentage is not None
            and report.percentage < 100
            for reports in client.progress_reports.values() for report in reports
        )

    await wait_for(building, "the index build to report progress")


def index_cache_written(client: LanguageClient) -> bool:
    """Whether the build finished and wrote its cache (it did not, when the process ended first)."""
    return bool(list((client.root / ".prodlens").glob("index/**/*.*")))  # type: ignore[attr-defined]
