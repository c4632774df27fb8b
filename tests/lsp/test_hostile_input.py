"""Bad input gets an answer, never a crash: huge lines, binary text, garbage lens data, wrong command args."""

from __future__ import annotations

import pytest
from lsprotocol import types

from lsp_helpers import lens_titles, open_file, uri
from sample_service import FAILED, JAVA_PATH


async def test_huge_and_binary_files(client, workspace):
    path = workspace / "src" / "main" / "java" / "com" / "acme" / "shop" / "Huge.java"
    path.write_text(
        "class Huge {\n  void f() {\n    log.info(\"" + "x" * 1_000_000 + "\");\n"
        "    log.warn(\"a\\u0000b \\\" {} \", v);\n  }\n}\n\x00\x01\ufffd\n"
    )
    document = open_file(client, workspace, str(path.relative_to(workspace)))
    titles = await lens_titles(client, document)
    assert set(titles) <= {2, 3}
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=document), position=types.Position(line=2, character=5)))
    assert hover is None or len(hover.contents.value) < 20_000  # the message is cut in the hover, not pasted whole


async def test_positions_and_documents_that_do_not_exist(client, workspace):
    document = open_file(client, workspace, JAVA_PATH)
    far = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=document), position=types.Position(line=10_000, character=0)))
    assert far is None
    outside = await client.text_document_code_lens_async(types.CodeLensParams(
        text_document=types.TextDocumentIdentifier(uri="file:///nowhere/else/Gone.java")))
    assert not outside


async def test_garbage_lens_data_comes_back_unchanged(client, workspace):
    open_file(client, workspace, JAVA_PATH)
    for data in (None, 5, {"key": 5}, {"key": "0" * 16, "uri": uri(workspace, JAVA_PATH)}, {"key": "k", "uri": "x:"}):
        lens = types.CodeLens(range=types.Range(start=types.Position(line=0, character=0),
                                                end=types.Position(line=0, character=0)), data=data)
        resolved = await client.code_lens_resolve_async(lens)
        assert resolved.command is None


async def test_commands_with_wrong_arguments(client, workspace):
    async def run(command, *arguments):
        return await client.workspace_execute_command_async(
            types.ExecuteCommandParams(command=command, arguments=list(arguments)))

    with pytest.raises(Exception, match="expected a statement key"):
        await run("prodlens.openDashboard", 42)
    assert await run("prodlens.openDashboard", "no-such-key") is None
    assert any("no statement with key" in m.message for m in client.messages)
    found = await run("prodlens.findStatement", "x" * 1_000_000)
    assert found["locations"] == []
    with pytest.raises(Exception, match="not defined"):
        await run("prodlens.noSuchCommand")
    document = open_file(client, workspace, JAVA_PATH)
    assert (await lens_titles(client, document))[FAILED] == "25 hits · 24h ▲1150%"  # still serving
