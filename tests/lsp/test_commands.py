"""Commands: openDashboard, findStatement (production → source), setWindow, refresh; capability guards."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time

import pytest
from lsprotocol import types
from prodlens.dashboard.probe import dashboard_running

from lsp_helpers import lens_titles, open_file, uri
from sample_service import CHARGING, FAILED, JAVA_PATH, RETRY


async def run(client, command: str, *arguments):
    return await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=command, arguments=list(arguments))
    )


async def lens_key(client, document: str, line: int) -> str:
    lenses = await client.text_document_code_lens_async(
        types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=document))
    )
    lens = next(lens for lens in lenses if lens.range.start.line == line)
    return lens.command.arguments[0] if lens.command else lens.data["key"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def closed_port(workspace):
    """A dashboard port nothing listens on (the default 8765 may be in use on a shared machine)."""
    port = free_port()
    (workspace / ".prodlens.toml").write_text(f"[dashboard]\nport = {port}\n")
    return port


@pytest.fixture
def dashboard(workspace):
    """The real `prodlens dashboard` on a free port, named in the workspace's .prodlens.toml."""
    port = free_port()
    (workspace / ".prodlens.toml").write_text(f"[dashboard]\nport = {port}\n")
    server = subprocess.Popen([sys.executable, "-m", "prodlens", "dashboard", "--root", str(workspace),
                               "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(1200):  # Datasette takes a moment to start: poll, bounded by pytest-timeout
            if dashboard_running("127.0.0.1", port):
                break
            assert server.poll() is None, server.stderr.read().decode()
            time.sleep(0.05)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


async def test_open_dashboard_shows_the_statement_page(dashboard, client, workspace):
    document = open_file(client, workspace, JAVA_PATH)
    key = await lens_key(client, document, FAILED)
    url = await run(client, "prodlens.openDashboard", key)
    assert url == f"http://127.0.0.1:{dashboard}/statement/{key}?window=24h"
    assert [(d.uri, d.external) for d in client.shown_documents] == [(url, True)]
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=document), position=types.Position(line=FAILED, character=12)))
    assert f"[Open in dashboard]({url})" in hover.contents.value
    assert "not running" not in hover.contents.value


async def test_open_dashboard_when_it_is_not_running(closed_port, client, workspace):
    document = open_file(client, workspace, JAVA_PATH)
    key = await lens_key(client, document, FAILED)
    url = await run(client, "prodlens.openDashboard", key)
    assert url == f"http://127.0.0.1:{closed_port}/statement/{key}?window=24h"
    assert client.shown_documents == []  # no dead page in the browser
    assert any("the dashboard is not running: start it with `prodlens dashboard --root" in m.message
               for m in client.messages)


async def test_open_dashboard_returns_the_url_to_neovim_07(dashboard, nvim_client, workspace):
    document = open_file(nvim_client, workspace, JAVA_PATH)
    key = await lens_key(nvim_client, document, FAILED)
    url = await run(nvim_client, "prodlens.openDashboard", key)
    assert url.endswith(f"/statement/{key}?window=24h")
    assert nvim_client.shown_documents == []


async def test_find_statement_from_a_json_line(client, workspace):
    line = json.dumps({"level": "ERROR", "logger": "com.acme.shop.PaymentService",
                       "message": "Payment failed for order o-77", "timestamp": "2026-01-01T00:00:00Z"})
    found = await run(client, "prodlens.findStatement", line)
    assert found["method"] == "template"
    assert not found["ambiguous"]
    (location,) = found["locations"]
    assert location["uri"] == uri(workspace, JAVA_PATH)
    assert location["range"]["start"]["line"] == FAILED
    assert location["template"] == "Payment failed for order {}"
    (shown,) = client.shown_documents
    assert shown.uri == location["uri"] and shown.selection.start.line == FAILED and shown.take_focus


async def test_find_statement_from_a_plain_line_without_show_document(nvim_client, workspace):
    found = await run(nvim_client, "prodlens.findStatement",
                      "2026-01-01 10:00:00,123 WARN [main] com.acme.shop.PaymentService - Payment retry 3 for order o-9")
    assert [loc["range"]["start"]["line"] for loc in found["locations"]] == [RETRY]
    assert nvim_client.shown_documents == []


async def test_find_statement_that_nothing_wrote(client, workspace):
    found = await run(client, "prodlens.findStatement", "completely unrelated text \x00 ✓")
    assert found["locations"] == []
    assert client.shown_documents == []
    assert any("no log statement" in m.message for m in client.messages)


async def test_set_window_changes_every_lens(client, workspace):
    document = open_file(client, workspace, JAVA_PATH)
    assert (await lens_titles(client, document))[CHARGING].endswith("· 24h ▲33%")
    assert await run(client, "prodlens.setWindow", "7d") == "7d"
    titles = await lens_titles(client, document)
    assert titles[CHARGING] == "70 hits · 7d"
    assert titles[FAILED] == "27 hits · 7d"


async def test_set_window_rejects_an_unknown_window(client, workspace):
    with pytest.raises(Exception, match="window must be one of 15m, 1h, 24h, 7d, 30d"):
        await run(client, "prodlens.setWindow", "3y")
    with pytest.raises(Exception, match="expected a window"):
        await run(client, "prodlens.setWindow")


async def test_refresh_command(client, workspace):
    document = open_file(client, workspace, JAVA_PATH)
    await lens_titles(client, document)
    assert await run(client, "prodlens.refresh") is True
    assert (await lens_titles(client, document))[FAILED] == "25 hits · 24h ▲1150%"
