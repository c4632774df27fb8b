"""A new ingest while files are open: the store is watched, counts refetched, lenses refreshed."""

from __future__ import annotations

from datetime import datetime, timezone

from lsprotocol import types

from lsp_helpers import lens_titles, open_file, wait_for
from sample_service import JAVA_LOGGER, JAVA_PATH, RETRY, _record, ingest, write_log


def more_retries(root, count: int):
    now = datetime.now(timezone.utc)
    lines = [_record(now, 0.1 + i * 0.01, "WARN", JAVA_LOGGER, f"Payment retry {i} for order n-{i}") for i in range(count)]
    return write_log(root, lines, name="more.log")


async def test_new_ingest_refreshes_the_lenses(client, workspace):
    document = open_file(client, workspace, JAVA_PATH)
    assert (await lens_titles(client, document))[RETRY] == "3 hits · 24h"

    async def settled():  # indexing finished and the first counts' refresh went out
        ended = any(isinstance(r, types.WorkDoneProgressEnd) for rs in client.progress_reports.values() for r in rs)
        return ended and client.lens_refreshes >= 1

    await wait_for(settled, "indexing and the first refresh")
    refreshes_before = client.lens_refreshes
    ingest(workspace, more_retries(workspace, 10))

    async def updated():
        return (await lens_titles(client, document))[RETRY] == "13 hits · 24h"

    await wait_for(updated, "the new counts")
    await wait_for(lambda: _more(client, refreshes_before), "workspace/codeLens/refresh after the ingest")


async def _more(client, before: int) -> bool:
    return client.lens_refreshes > before


async def test_neovim_07_sees_new_counts_on_its_next_request(nvim_client, workspace):
    document = open_file(nvim_client, workspace, JAVA_PATH)
    assert (await lens_titles(nvim_client, document))[RETRY] == "3 hits · 24h"
    ingest(workspace, more_retries(workspace, 4))

    async def updated():
        return (await lens_titles(nvim_client, document))[RETRY] == "7 hits · 24h"

    await wait_for(updated, "new counts on the next codeLens request")
    assert nvim_client.lens_refreshes == 0
