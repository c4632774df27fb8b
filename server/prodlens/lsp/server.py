"""The prodlens language server: thin LSP handlers over `session.ProdlensServer`.

Each handler finds the document's workspace, asks the session, and returns LSP types built by `convert`.
See docs/lsp.md for the features, commands and settings.
"""

from __future__ import annotations

from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams

from ..model import WINDOWS
from . import convert
from .session import ProdlensServer

server = ProdlensServer()


@server.feature(types.INITIALIZE)
def initialize(ls: ProdlensServer, params: types.InitializeParams) -> None:
    ls.open_workspaces(params)


@server.feature(types.INITIALIZED)
def initialized(ls: ProdlensServer, params: types.InitializedParams) -> None:
    for ws in ls.workspaces.values():
        ls.report_problems(ws)
        ls.start_indexing(ws)
    ls.register_file_watchers()


@server.feature(types.SHUTDOWN)
def shutdown(ls: ProdlensServer, params: None) -> None:
    ls.close()


@server.feature(types.EXIT)
def exit_server(ls: ProdlensServer, params: None) -> None:
    ls.exit_now()


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: ProdlensServer, params: types.DidOpenTextDocumentParams) -> None:
    ls.document_changed(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: ProdlensServer, params: types.DidChangeTextDocumentParams) -> None:
    ls.document_changed(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: ProdlensServer, params: types.DidCloseTextDocumentParams) -> None:
    ls.document_closed(params.text_document.uri)


@server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
def did_change_watched_files(ls: ProdlensServer, params: types.DidChangeWatchedFilesParams) -> None:
    ls.files_changed(params.changes)


@server.feature(types.TEXT_DOCUMENT_CODE_LENS, types.CodeLensOptions(resolve_provider=True))
def code_lens(ls: ProdlensServer, params: types.CodeLensParams) -> list[types.CodeLens]:
    return ls.lenses(params.text_document.uri)


@server.feature(types.CODE_LENS_RESOLVE)
async def code_lens_resolve(ls: ProdlensServer, lens: types.CodeLens) -> types.CodeLens:
    return await ls.resolve_lens(lens)


@server.feature(types.TEXT_DOCUMENT_DOCUMENT_LINK, types.DocumentLinkOptions(resolve_provider=True))
def document_link(ls: ProdlensServer, params: types.DocumentLinkParams) -> list[types.DocumentLink]:
    return ls.document_links(params.text_document.uri)


@server.feature(types.DOCUMENT_LINK_RESOLVE)
async def document_link_resolve(ls: ProdlensServer, link: types.DocumentLink) -> types.DocumentLink:
    return await ls.resolve_link(link)


@server.feature(types.TEXT_DOCUMENT_HOVER)
async def hover(ls: ProdlensServer, params: types.HoverParams) -> types.Hover | None:
    return await ls.hover(params.text_document.uri, params.position)


@server.feature(types.WORKSPACE_SYMBOL)
async def workspace_symbol(ls: ProdlensServer, params: types.WorkspaceSymbolParams) -> list[types.WorkspaceSymbol]:
    return await ls.symbols(params.query)


@server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
def did_change_configuration(ls: ProdlensServer, params: types.DidChangeConfigurationParams) -> None:
    if params.settings is not None:
        ls.reconfigure(params.settings)


@server.command(convert.OPEN_DASHBOARD)
async def open_dashboard(ls: ProdlensServer, *args: Any) -> str | None:
    return await ls.open_dashboard(_text_arg(args, "a statement key"))


@server.command(convert.FIND_STATEMENT)
async def find_statement(ls: ProdlensServer, *args: Any) -> dict[str, Any]:
    return await ls.find_statement(_text_arg(args, "a log line"))


@server.command(convert.SET_WINDOW)
def set_window(ls: ProdlensServer, *args: Any) -> str:
    window = _text_arg(args, f"a window ({', '.join(WINDOWS)})").strip()
    if window not in WINDOWS:
        raise JsonRpcInvalidParams.of(ValueError(f"window must be one of {', '.join(WINDOWS)}, not {window!r}"))
    ls.set_window(window)
    return window


@server.command(convert.REFRESH)
def refresh(ls: ProdlensServer, *args: Any) -> bool:
    ls.refresh_all()
    return True


def _text_arg(args: tuple, what: str) -> str:
    """Commands take one string; editors pass it as the first argument (or inside a one-key object)."""
    if args and isinstance(args[0], dict) and len(args[0]) == 1:
        args = tuple(args[0].values())
    if not args or not isinstance(args[0], str):
        raise JsonRpcInvalidParams.of(ValueError(f"expected {what} as the first argument"))
    return args[0]
