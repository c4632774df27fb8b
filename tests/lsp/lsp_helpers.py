"""Helpers for the language server tests: open a file, read its lens titles, wait for something."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from lsprotocol import types
from pygls import uris
from pytest_lsp import ClientServerConfig, LanguageClient

# The real server over stdio. Test modules import it (and `start_session`) from here, never from conftest: with
# several test folders in one run, `conftest` names whichever folder's conftest was imported first.
SERVER = ClientServerConfig(server_command=[sys.executable, "-m", "prodlens", "serve"])


def uri(root: Path, rel: str) -> str:
    return uris.from_fs_path(str(root / rel))


def open_file(client: LanguageClient, root: Path, rel: str) -> str:
    document_uri = uri(root, rel)
    language = {"java": "java", "py": "python"}[rel.rsplit(".", 1)[1]]
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=document_uri, language_id=language, version=1, text=(root / rel).read_text()
            )
        )
    )
    return document_uri


async def lens_titles(client: LanguageClient, document_uri: str, settle: bool = True) -> dict[int, str]:
    """Every lens of the document by 0-based line, resolving the ones that come without a title.

    With `settle`, asks again while any lens still says "counting…" (a slow first store read on a loaded
    machine); an editor would get there through workspace/codeLens/refresh or its next lens request.
    """
    for _ in range(100):
        lenses = await client.text_document_code_lens_async(
            types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=document_uri))
        )
        titles = {}
        for lens in lenses or []:
            if lens.command is None:
                lens = await client.code_lens_resolve_async(lens)
            titles[lens.range.start.line] = lens.command.title if lens.command else None
        if not settle or not any(t is None or t.startswith("counting…") for t in titles.values()):
            return titles
        await asyncio.sleep(0.1)
    return titles


async def wait_for(predicate, what: str, attempts: int = 600, pause: float = 0.05):
    """Poll an async predicate until it returns something truthy (no timing threshold: pytest-timeout bounds)."""
    last = None
    for _ in range(attempts):
        last = await predicate()
        if last:
            return last
        await asyncio.sleep(pause)
    raise AssertionError(f"gave up waiting for {what}; last value: {last!r}")


async def start_session(lsp_client: LanguageClient, root: Path, capabilities: types.ClientCapabilities, options) -> None:
    """Initialize a session on `root` (one workspace folder), counting lens refreshes and registrations."""
    lsp_client.lens_refreshes = 0  # type: ignore[attr-defined]
    lsp_client.registrations = []  # type: ignore[attr-defined]

    @lsp_client.feature(types.WORKSPACE_CODE_LENS_REFRESH)
    def _refresh(params: None) -> None:
        lsp_client.lens_refreshes += 1  # type: ignore[attr-defined]

    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def _register(params: types.RegistrationParams) -> None:
        lsp_client.registrations.extend(params.registrations)  # type: ignore[attr-defined]

    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities,
            root_uri=uris.from_fs_path(str(root)),
            workspace_folders=[types.WorkspaceFolder(uri=uris.from_fs_path(str(root)), name=root.name)],
            initialization_options=options,
        )
    )
