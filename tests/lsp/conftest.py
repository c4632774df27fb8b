"""pytest-lsp fixtures: the real `prodlens serve` over stdio, on a real workspace with a real store.

`workspace` is a fresh copy of the sample service per test; its store is filled by the real `prodlens ingest`
unless the test is marked `no_store`. Two clients: `client` advertises VS Code's capabilities (lens refresh,
showDocument, progress), `nvim_client` Neovim 0.7's (none of them), so every capability guard is exercised.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import pytest_lsp
from pytest_lsp import LanguageClient, client_capabilities

from lsp_helpers import SERVER, start_session
from sample_service import make_service


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "no_store: the workspace has no store (prodlens ingest not run)")
    config.addinivalue_line("markers", "init_options(value): initializationOptions sent by the client")


@pytest.fixture(scope="session")
def ingested_service(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample service with its log ingested once by the real `prodlens ingest`; tests get copies."""
    root = tmp_path_factory.mktemp("template") / "shop"
    root.mkdir()
    make_service(root, with_store=True)
    return root


@pytest.fixture
def workspace(tmp_path: Path, request: pytest.FixtureRequest, ingested_service: Path) -> Path:
    root = tmp_path / "shop"
    with_store = request.node.get_closest_marker("no_store") is None
    shutil.copytree(ingested_service, root, ignore=None if with_store else shutil.ignore_patterns(".prodlens"))
    return root


def _init_options(request: pytest.FixtureRequest):
    marker = request.node.get_closest_marker("init_options")
    return marker.args[0] if marker else None


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient, workspace: Path, request: pytest.FixtureRequest):
    await start_session(lsp_client, workspace, client_capabilities("visual-studio-code"), _init_options(request))
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=SERVER)
async def nvim_client(lsp_client: LanguageClient, workspace: Path, request: pytest.FixtureRequest):
    await start_session(lsp_client, workspace, client_capabilities("neovim@0.7.0"), _init_options(request))
    yield
    await lsp_client.shutdown_session()


