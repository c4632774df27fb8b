"""Helpers for the language server tests: open a file, read its lens titles, wait for something."""

from __future__ import annotations

import asyncio
from pathlib import Path

from lsprotocol import types
from pygls import uris
from pytest_lsp import LanguageClient


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
