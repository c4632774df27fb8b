"""Diagnostics: spiking errors (warning), statements never hit (hint), fully dynamic messages (information)."""

from __future__ import annotations

import pytest
from lsprotocol import types

from lsp_helpers import open_file, wait_for
from sample_service import AUDIT, DYNAMIC, FAILED, JAVA_PATH, PY_PATH, SHIPPED


def by_code(diagnostics) -> dict[str, list[types.Diagnostic]]:
    found: dict[str, list[types.Diagnostic]] = {}
    for diagnostic in diagnostics:
        found.setdefault(diagnostic.code, []).append(diagnostic)
    return found


async def published(client, document: str, *codes: str):
    async def ready():
        found = by_code(client.diagnostics.get(document, []))
        return found if all(code in found for code in codes) else None

    return await wait_for(ready, f"diagnostics {codes}")


async def test_spike_never_hit_and_dynamic(client, workspace):
    document = open_file(client, workspace, JAVA_PATH)
    found = await published(client, document, "spike", "never-hit", "dynamic-message")
    (spike,) = found["spike"]
    assert spike.range.start.line == FAILED
    assert spike.severity == types.DiagnosticSeverity.Warning
    assert spike.message == "error rate jumped ▲1150% against the previous 24h: 2 → 25 hits"
    assert spike.source == "prodlens"
    assert sorted(d.range.start.line for d in found["never-hit"]) == [AUDIT, DYNAMIC]
    assert all(d.severity == types.DiagnosticSeverity.Hint for d in found["never-hit"])
    assert found["never-hit"][0].message == "never seen in production in the last 30d"
    (dynamic,) = found["dynamic-message"]
    assert dynamic.range.start.line == DYNAMIC
    assert dynamic.severity == types.DiagnosticSeverity.Information


async def test_statement_quiet_now_but_seen_before_is_not_never_hit(client, workspace):
    document = open_file(client, workspace, PY_PATH)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=document, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(
                text=(workspace / PY_PATH).read_text() + '\n\ndef audit(x):\n    logger.warning("Never printed %s", x)\n'
            )],
        )
    )
    found = await published(client, document, "never-hit")
    assert [d.range.start.line for d in found["never-hit"]] == [14]  # the new one, not SHIPPED (seen 26 h ago)
    assert SHIPPED != 14


@pytest.mark.init_options({"diagnostics": {"spikes": False, "dynamic": False}})
async def test_each_kind_can_be_switched_off(client, workspace):
    document = open_file(client, workspace, JAVA_PATH)
    found = await published(client, document, "never-hit")
    assert "spike" not in found and "dynamic-message" not in found
