"""A client without workspace folders (rootUri null, e.g. `nvim file.java` with no root detection): each opened
file's project becomes a workspace, found like `prodlens show` finds it (.prodlens.toml, .prodlens or .git).

The server took the file's own directory as the workspace, so the store at the project root was not found
(`⚠ no store`), and a file of a second project opened later got no lenses at all.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities

from lsp_helpers import SERVER, lens_titles, open_file
from sample_service import EXPECTED_LENSES, JAVA_PATH, PY_PATH


@pytest_lsp.fixture(config=SERVER)
async def rootless_client(lsp_client: LanguageClient):
    await lsp_client.initialize_session(
        types.InitializeParams(capabilities=client_capabilities("neovim@0.7.0"), root_uri=None)
    )
    yield
    await lsp_client.shutdown_session()


def counted(titles: dict[int, str], rel: str) -> bool:
    """Every statement of the sample's expected lenses shows its count from the project's store."""
    return all(titles.get(line) == title for (path, line), title in EXPECTED_LENSES.items() if path == rel)


async def test_opened_files_bring_their_projects(rootless_client, workspace: Path, tmp_path: Path):
    client = rootless_client
    titles = await lens_titles(client, open_file(client, workspace, JAVA_PATH))
    assert counted(titles, JAVA_PATH)  # the store at the project root, not "no store" beside the file

    second = tmp_path / "second"
    shutil.copytree(workspace, second)
    titles = await lens_titles(client, open_file(client, second, PY_PATH))
    assert counted(titles, PY_PATH)  # a second project, outside the first one: lenses too
    assert not [m for m in client.messages if m.type == types.MessageType.Warning]


async def test_requests_for_unopened_files_do_not_add_workspaces(rootless_client, workspace: Path):
    client = rootless_client
    lenses = await client.text_document_code_lens_async(
        types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=workspace.as_uri() + "/" + JAVA_PATH))
    )
    assert not lenses  # not opened: no workspace is made up for it (it could be any directory)
    titles = await lens_titles(client, open_file(client, workspace, JAVA_PATH))
    assert counted(titles, JAVA_PATH)


async def test_a_chosen_window_also_applies_to_projects_opened_later(rootless_client, workspace: Path,
                                                                      tmp_path: Path):
    """`prodlens.setWindow` changed only the workspaces that existed: a project opened afterwards showed the
    configured 24h beside the others' chosen 7d."""
    client = rootless_client
    await lens_titles(client, open_file(client, workspace, JAVA_PATH))
    chosen = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="prodlens.setWindow", arguments=["7d"]))
    assert chosen == "7d"
    second = tmp_path / "second"
    shutil.copytree(workspace, second)
    titles = await lens_titles(client, open_file(client, second, PY_PATH))
    counted_lenses = [t for t in titles.values() if t and " hits · " in t]
    assert counted_lenses and all(t.split(" · ")[1].startswith("7d") for t in counted_lenses), titles
