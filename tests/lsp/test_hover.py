"""Hover: exact counts, sparkline, breakdowns, first/last seen, latest occurrences, matching, dashboard link."""

from __future__ import annotations

import re

from lsprotocol import types
from prodlens.lsp.render import SPARK_BARS as SPARK

from lsp_helpers import open_file
from sample_service import AUDIT, FAILED, JAVA_PATH


async def hover_at(client, document: str, line: int, character: int = 12):
    return await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=document),
            position=types.Position(line=line, character=character),
        )
    )


async def test_hover_tells_the_whole_story(client, workspace):
    document = open_file(client, workspace, JAVA_PATH)
    hover = await hover_at(client, document, FAILED)
    text = hover.contents.value
    assert hover.contents.kind == types.MarkupKind.Markdown
    assert "**25 hits** in the last 24h (previous 24h: 2, ▲1150%)" in text
    assert re.search(f"`[{SPARK}]{{24}}`", text), text
    assert "- level: `error` 25" in text
    assert "- service: `shop` 25" in text
    assert "- version: `1.4.3` 20 · `1.4.2` 5" in text
    # the log was written relative to the time of the (session-wide) ingest: minutes may have passed since
    assert re.search(r"- first seen 1 d ago \(\d{4}-\d\d-\d\d \d\d:\d\d UTC\)", text)  # 31 h before the ingest
    assert re.search(r"- last seen \d+ min ago", text)  # 30 min before the ingest
    assert "**Latest occurrences**" in text
    latest = text.split("**Latest occurrences**")[1]
    assert re.search(r"^- \d+ min ago error `Payment failed for order o-0`$", latest, re.M)
    assert latest.count("\n- ") == 5
    assert "slf4j · error · `Payment failed for order {}` — matched by template" in text
    assert re.search(r"\[Open in dashboard\]\(http://127\.0\.0\.1:8765/statement/[0-9a-f]{16}\?window=24h\)", text)
    assert hover.range.start.line == FAILED


async def test_hover_on_a_statement_never_seen(client, workspace):
    document = open_file(client, workspace, JAVA_PATH)
    text = (await hover_at(client, document, AUDIT)).contents.value
    assert text.startswith("**never seen** in the last 30d")
    assert "Latest occurrences" not in text


async def test_no_hover_away_from_statements(client, workspace):
    document = open_file(client, workspace, JAVA_PATH)
    assert await hover_at(client, document, 2) is None
