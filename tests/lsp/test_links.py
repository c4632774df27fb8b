"""textDocument/documentLink: a link over each statement's message to its dashboard page, resolved lazily."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest
from lsprotocol import types
from prodlens.dashboard.probe import dashboard_running

from lsp_helpers import lens_titles, open_file, uri, wait_for
from sample_service import AUDIT, CHARGING, DYNAMIC, FAILED, JAVA, JAVA_PATH, PY, PY_PATH, RETRY, SHIPPED

JAVA_LINES = JAVA.splitlines()


async def links(client, document: str) -> dict[int, types.DocumentLink]:
    found = await client.text_document_document_link_async(
        types.DocumentLinkParams(text_document=types.TextDocumentIdentifier(uri=document))
    )
    return {link.range.start.line: link for link in found}


def literal_columns(line: str, literal: str) -> tuple[int, int]:
    start = line.index(literal)
    return start, start + len(literal)


def columns(link: types.DocumentLink) -> tuple[int, int]:
    assert link.range.start.line == link.range.end.line
    return link.range.start.character, link.range.end.character


async def test_links_sit_on_the_message_literals_with_counts(client, workspace):
    document = open_file(client, workspace, JAVA_PATH)
    await lens_titles(client, document)  # counts cached: the tooltips carry them
    found = await links(client, document)
    assert sorted(found) == [CHARGING, FAILED, RETRY, AUDIT, DYNAMIC]
    failed = found[FAILED]
    assert columns(failed) == literal_columns(JAVA_LINES[FAILED], '"Payment failed for order {}"')
    assert failed.tooltip == "Open in dashboard: 25 hits · 24h"
    assert failed.target is None  # filled by documentLink/resolve, when the user opens it
    assert columns(found[CHARGING]) == literal_columns(JAVA_LINES[CHARGING], '"Charging customer {} for {} cents"')
    assert found[CHARGING].tooltip == "Open in dashboard: 40 hits · 24h"
    assert found[AUDIT].tooltip == "Open in dashboard: no hits · 24h"
    # `log.info(payload)`: no message literal, the link covers the call on its first line
    start, end = columns(found[DYNAMIC])
    assert JAVA_LINES[DYNAMIC][start:end] == "log.info(payload)"


async def test_links_in_python(client, workspace):
    document = open_file(client, workspace, PY_PATH)
    await lens_titles(client, document)
    found = await links(client, document)
    line = PY.splitlines()[SHIPPED]
    assert columns(found[SHIPPED]) == literal_columns(line, '"Order %s shipped to %s"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def use_dashboard_port(client, workspace, port: int) -> None:
    """Point the workspace's dashboard at `port` through `.prodlens.toml` (reloaded from the watch event)."""
    (workspace / ".prodlens.toml").write_text(f"[dashboard]\nport = {port}\n")
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
        changes=[types.FileEvent(uri=uri(workspace, ".prodlens.toml"), type=types.FileChangeType.Changed)]))


async def resolve_failed_link(client, workspace):
    document = open_file(client, workspace, JAVA_PATH)
    await lens_titles(client, document)
    return await client.document_link_resolve_async((await links(client, document))[FAILED])


async def test_resolve_links_to_the_running_dashboard(client, workspace):
    port = free_port()
    await use_dashboard_port(client, workspace, port)
    dashboard = subprocess.Popen(
        [sys.executable, "-m", "prodlens", "dashboard", "--root", str(workspace), "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        async def running():
            assert dashboard.poll() is None, "prodlens dashboard exited"
            return dashboard_running("127.0.0.1", port)

        await wait_for(running, "the dashboard to answer", attempts=400)
        link = await resolve_failed_link(client, workspace)
        assert link.target is not None
        assert link.target.startswith(f"http://127.0.0.1:{port}/statement/") and link.target.endswith("?window=24h")
        assert link.tooltip == "Open in dashboard: 25 hits · 24h"
        assert not [m for m in client.messages if "not running" in m.message]
    finally:
        dashboard.terminate()
        dashboard.wait(timeout=30)


async def test_resolve_links_anyway_and_says_how_to_start_the_dashboard(client, workspace):
    port = free_port()  # nothing listens there
    await use_dashboard_port(client, workspace, port)
    link = await resolve_failed_link(client, workspace)
    assert link.target.startswith(f"http://127.0.0.1:{port}/statement/")
    assert link.tooltip.startswith("Open in dashboard: 25 hits · 24h (the dashboard is not running: start it with")
    assert "`prodlens dashboard --root" in link.tooltip

    async def told():
        return [m.message for m in client.messages if "not running" in m.message]

    (message,) = await wait_for(told, "a message saying how to start the dashboard")
    assert message.endswith(f"then reload {link.target}")


async def test_no_tooltips_for_a_client_without_tooltip_support(nvim_client, workspace):
    document = open_file(nvim_client, workspace, JAVA_PATH)
    await lens_titles(nvim_client, document)
    link = (await links(nvim_client, document))[FAILED]
    assert link.tooltip is None
    assert (await nvim_client.document_link_resolve_async(link)).tooltip is None


@pytest.mark.no_store
async def test_a_missing_store_gives_links_that_say_why_they_lead_nowhere(client, workspace):
    link = await resolve_failed_link(client, workspace)
    assert link.target is None
    assert link.tooltip.startswith("Open in dashboard · 24h (no dashboard link: "), link.tooltip
