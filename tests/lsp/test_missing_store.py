"""No store yet: lenses say so once, the index keeps being served, and an ingest brings the counts in."""

from __future__ import annotations

import pytest
from lsprotocol import types

from lsp_helpers import lens_titles, open_file, wait_for
from sample_service import CHARGING, EXPECTED_LENSES, FAILED, JAVA_PATH, ingest

pytestmark = pytest.mark.no_store


async def test_missing_store_is_told_once_and_lenses_still_come(client, workspace):
    document = open_file(client, workspace, JAVA_PATH)
    titles = await lens_titles(client, document)
    assert sorted(titles) == [9, 13, 15, 19, 20]
    assert titles[CHARGING].startswith("⚠ no store at .prodlens/store.db")
    assert "prodlens ingest" in titles[CHARGING]
    assert {titles[line] for line in titles if line != CHARGING} == {"no counts · 24h"}


async def test_hover_works_without_a_store(client, workspace):
    document = open_file(client, workspace, JAVA_PATH)
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=document), position=types.Position(line=FAILED, character=12)
        )
    )
    assert hover is not None
    assert "no store at .prodlens/store.db" in hover.contents.value
    assert "Payment failed for order {}" in hover.contents.value


async def test_ingest_while_open_fills_the_lenses(client, workspace):
    document = open_file(client, workspace, JAVA_PATH)
    await lens_titles(client, document)
    ingest(workspace, workspace / "logs" / "app.log")

    async def counted():
        titles = await lens_titles(client, document)
        return titles if titles[CHARGING] == EXPECTED_LENSES[(JAVA_PATH, CHARGING)] else None

    titles = await wait_for(counted, "counts after ingest")
    assert titles[FAILED] == EXPECTED_LENSES[(JAVA_PATH, FAILED)]
    assert client.lens_refreshes >= 1
