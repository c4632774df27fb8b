"""Files changed on disk: the server asks clients that can (VS Code) to watch the indexed sources and the
configuration files, and never asks Neovim 0.7, which cannot register watchers."""

from __future__ import annotations

from pathlib import PurePosixPath

from lsprotocol import types

from lsp_helpers import lens_titles, open_file, uri, wait_for
from sample_service import CHARGING, JAVA_PATH

SOURCE_GLOB = "**/*.{java,py,js,mjs,cjs,jsx,ts,mts,cts,tsx,go}"


def _expand(glob: str) -> list[str]:
    """`**/*.{a,b}` → the plain globs PurePosixPath.match understands."""
    head, sep, rest = glob.partition("{")
    if not sep:
        return [glob]
    alternatives, _, tail = rest.partition("}")
    return [head + alternative + tail for alternative in alternatives.split(",")]


def watched(registrations, rel: str) -> bool:
    for registration in registrations:
        for watcher in registration.register_options["watchers"]:
            pattern = watcher["globPattern"]
            for glob in _expand(pattern):
                if PurePosixPath("workspace", rel).match(glob.removeprefix("**/")):
                    return True
    return False


async def test_vscode_is_asked_to_watch_sources_and_config(client, workspace):
    registrations = await wait_for(lambda: _registrations(client), "the watched-files registration")
    (registration,) = registrations
    assert registration.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES
    globs = {w["globPattern"] for w in registration.register_options["watchers"]}
    assert globs == {SOURCE_GLOB, "**/.prodlens.toml", "**/pyproject.toml"}
    for rel in ("app/stock.py", "web/a.tsx", "cmd/main.go", "lib/x.mjs", JAVA_PATH, ".prodlens.toml", "pyproject.toml"):
        assert watched(registrations, rel), rel
    assert not watched(registrations, "logs/app.log")


async def _registrations(client):
    return list(client.registrations)


async def test_a_file_created_on_disk_is_indexed_after_the_watch_notification(client, workspace):
    registrations = await wait_for(lambda: _registrations(client), "the watched-files registration")
    path = workspace / "app" / "stock.py"
    assert watched(registrations, "app/stock.py")
    assert await client.workspace_symbol_async(types.WorkspaceSymbolParams(query="stock level")) == []
    path.write_text('import logging\nlog = logging.getLogger(__name__)\nlog.warning("stock level low: %d", 3)\n')
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
        changes=[types.FileEvent(uri=uri(workspace, "app/stock.py"), type=types.FileChangeType.Created)]))
    (found,) = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query="stock level"))
    assert found.location.uri == uri(workspace, "app/stock.py")
    assert found.location.range.start.line == 2
    # changed again on disk (never opened): the new message replaces the old one
    path.write_text('import logging\nlog = logging.getLogger(__name__)\n\nlog.error("stock gone: %s", "x")\n')
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
        changes=[types.FileEvent(uri=uri(workspace, "app/stock.py"), type=types.FileChangeType.Changed)]))
    assert await client.workspace_symbol_async(types.WorkspaceSymbolParams(query="stock level")) == []
    (found,) = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query="stock gone"))
    assert found.location.range.start.line == 3


async def test_a_config_change_on_disk_is_reloaded(client, workspace):
    document = open_file(client, workspace, JAVA_PATH)
    assert (await lens_titles(client, document))[CHARGING] == "40 hits · 24h ▲33%"
    (workspace / ".prodlens.toml").write_text('window = "7d"\n')
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
        changes=[types.FileEvent(uri=uri(workspace, ".prodlens.toml"), type=types.FileChangeType.Created)]))

    async def seven_day_lens():
        title = (await lens_titles(client, document))[CHARGING]
        return "· 7d" in title and title

    assert await wait_for(seven_day_lens, "a lens counting the 7d window") == "70 hits · 7d"


async def test_neovim_07_is_not_asked_to_watch_files(nvim_client, workspace):
    document = open_file(nvim_client, workspace, JAVA_PATH)
    # A registration is written right after `initialized`, so before any answer to a later request: once
    # the lenses arrived, it would have been seen.
    await lens_titles(nvim_client, document)
    assert nvim_client.registrations == []
