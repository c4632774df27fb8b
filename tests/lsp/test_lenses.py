"""Code lenses: real counts from a store filled by the real ingest, resolve, stable keys across edits."""

from __future__ import annotations

import json
import subprocess
import sys

from lsprotocol import types

from lsp_helpers import lens_titles, open_file, wait_for
from sample_service import AUDIT, CHARGING, DYNAMIC, EXPECTED_LENSES, FAILED, JAVA_PATH, PY_PATH, RETRY


def expected(path: str) -> dict[int, str]:
    return {line: title for (p, line), title in EXPECTED_LENSES.items() if p == path}


async def test_lenses_show_the_ingested_counts(client, workspace):
    for path in (JAVA_PATH, PY_PATH):
        titles = await lens_titles(client, open_file(client, workspace, path))
        want = expected(path)
        if path == JAVA_PATH:
            want[DYNAMIC] = "never seen · 30d"  # log.info(payload): no text to match, no location in the log
        assert titles == want


async def test_resolve_fills_a_lens_sent_without_counts(client, workspace):
    document = open_file(client, workspace, JAVA_PATH)
    await lens_titles(client, document)  # counts cached: resolve answers from the cache, whatever the load
    lenses = await client.text_document_code_lens_async(
        types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=document))
    )
    titled = next(lens for lens in lenses if lens.range.start.line == FAILED)
    # what the server sends while counts are not cached yet: no command, the key and document in `data`
    bare = types.CodeLens(range=titled.range, data={"key": titled.command.arguments[0], "uri": document})
    resolved = await client.code_lens_resolve_async(bare)
    assert resolved.command.title == EXPECTED_LENSES[(JAVA_PATH, FAILED)]
    assert resolved.command.command == "prodlens.openDashboard"
    assert len(resolved.command.arguments) == 1 and isinstance(resolved.command.arguments[0], str)


async def test_editor_shows_what_prodlens_show_prints(client, workspace):
    titles = await lens_titles(client, open_file(client, workspace, JAVA_PATH))
    done = subprocess.run(
        [sys.executable, "-m", "prodlens", "show", str(workspace / JAVA_PATH), "--json"],
        capture_output=True, text=True, check=True,
    )
    printed = {json.loads(line)["line"] - 1: json.loads(line)["lens"] for line in done.stdout.splitlines()}
    assert printed == titles


async def test_unsaved_edit_moves_lenses_and_keeps_counts(client, workspace):
    document = open_file(client, workspace, JAVA_PATH)
    await lens_titles(client, document)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=document, version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(start=types.Position(line=9, character=0), end=types.Position(line=9, character=0)),
                    text="        // two new lines\n        int unused = 0;\n",
                )
            ],
        )
    )
    titles = await lens_titles(client, document)
    assert titles[CHARGING + 2] == EXPECTED_LENSES[(JAVA_PATH, CHARGING)]
    assert titles[FAILED + 2] == EXPECTED_LENSES[(JAVA_PATH, FAILED)]
    assert titles[RETRY + 2] == EXPECTED_LENSES[(JAVA_PATH, RETRY)]
    assert titles[AUDIT + 2] == "never seen · 30d"


async def test_new_statement_typed_in_the_editor_gets_a_lens(client, workspace):
    document = open_file(client, workspace, JAVA_PATH)
    await lens_titles(client, document)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=document, version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(start=types.Position(line=16, character=0), end=types.Position(line=16, character=0)),
                    text='        log.warn("Refund queued for {}", customer);\n',
                )
            ],
        )
    )
    titles = await lens_titles(client, document)
    assert titles[16] == "never seen · 30d"
    assert titles[AUDIT + 1] == "never seen · 30d"
    assert titles[FAILED] == EXPECTED_LENSES[(JAVA_PATH, FAILED)]


async def test_indexing_reports_progress_to_clients_that_have_it(client, workspace):
    open_file(client, workspace, JAVA_PATH)

    async def ended():
        for reports in client.progress_reports.values():
            if any(isinstance(r, types.WorkDoneProgressEnd) for r in reports):
                return reports
        return None

    reports = await wait_for(ended, "the end of indexing progress")
    assert isinstance(reports[0], types.WorkDoneProgressBegin)
    assert reports[0].title == "prodlens: indexing"
    assert reports[-1].message == "7 log statements"


async def test_neovim_07_gets_lenses_without_refresh_or_show_document(nvim_client, workspace):
    titles = await lens_titles(nvim_client, open_file(nvim_client, workspace, JAVA_PATH))
    assert titles[FAILED] == EXPECTED_LENSES[(JAVA_PATH, FAILED)]
    assert nvim_client.lens_refreshes == 0
    assert nvim_client.shown_documents == []


async def test_status_notification_for_status_bars(client, workspace):
    statuses = []
    client.feature("prodlens/status")(lambda params: statuses.append(params))
    open_file(client, workspace, JAVA_PATH)

    async def connected():
        return [s for s in statuses if s.store == "connected"]

    (status,) = await wait_for(connected, "a prodlens/status notification")
    assert status.window == "24h" and status.url == "sqlite:///.prodlens/store.db"
