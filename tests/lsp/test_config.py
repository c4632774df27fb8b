"""Configuration: initializationOptions over `.prodlens.toml`, didChangeConfiguration, bad settings reported."""

from __future__ import annotations

import pytest
from lsprotocol import types

from lsp_helpers import lens_titles, open_file, wait_for
from sample_service import CHARGING, FAILED, JAVA_PATH


async def warnings(client):
    return [m.message for m in client.messages if m.type == types.MessageType.Warning]


@pytest.mark.init_options({"window": "7d"})
async def test_initialization_options_choose_the_window(client, workspace):
    titles = await lens_titles(client, open_file(client, workspace, JAVA_PATH))
    assert titles[CHARGING] == "70 hits · 7d"


@pytest.mark.init_options({"prodlens": {"diagnostics": {"spikes": "yes"}}})
async def test_invalid_option_is_reported_and_defaults_used(client, workspace):
    titles = await lens_titles(client, open_file(client, workspace, JAVA_PATH))
    assert titles[FAILED] == "25 hits · 24h ▲1150%"
    (message,) = await wait_for(lambda: warnings(client), "a warning about the setting")
    assert "diagnostics.spikes" in message and "must be true or false" in message


@pytest.mark.init_options({"windw": "7d"})
async def test_unknown_option_is_named(client, workspace):
    open_file(client, workspace, JAVA_PATH)
    (message,) = await wait_for(lambda: warnings(client), "a warning about the setting")
    assert "unknown key `windw`" in message


async def test_did_change_configuration(client, workspace):
    document = open_file(client, workspace, JAVA_PATH)
    assert (await lens_titles(client, document))[CHARGING].endswith("· 24h ▲33%")
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"prodlens": {"window": "1h"}})
    )

    async def switched():
        titles = await lens_titles(client, document)
        return titles if titles[CHARGING].endswith("· 1h") else None

    titles = await wait_for(switched, "lenses in the new window")
    assert titles[CHARGING] == "no hits · 1h"
    assert titles[FAILED] == "3 hits · 1h ▼40%"  # failures 0.5-0.9 h ago; 5 in the hour before


@pytest.fixture
def broken_toml(workspace):
    (workspace / ".prodlens.toml").write_text("window = [unclosed\n")
    return workspace


async def test_broken_config_file_is_reported_and_defaults_used(broken_toml, client, workspace):
    titles = await lens_titles(client, open_file(client, workspace, JAVA_PATH))
    assert titles[FAILED] == "25 hits · 24h ▲1150%"
    (message,) = await wait_for(lambda: warnings(client), "a warning about .prodlens.toml")
    assert ".prodlens.toml: not valid TOML" in message and "using defaults" in message


async def test_changed_index_settings_rebuild_the_index(client, workspace):
    """include/exclude (the `index` section) apply without a restart: the statement set is rebuilt."""

    async def payment_symbols():
        found = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query="payment"))
        return sorted(s.name.split(" — ")[0] for s in found)

    assert await payment_symbols() == ["Payment failed for order {}", "Payment retry {} for order {}"]
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"prodlens": {"index": {"exclude": ["**/*.java"]}}})
    )

    async def excluded():
        return await payment_symbols() == []

    await wait_for(excluded, "the Java statements gone from the index")
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings={"prodlens": {}}))

    async def included():
        return len(await payment_symbols()) == 2

    await wait_for(included, "the Java statements back in the index")
