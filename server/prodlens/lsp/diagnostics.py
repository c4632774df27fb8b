"""Diagnostics from production: spiking errors and warnings, statements never hit, fully dynamic messages.

Each kind is switched in `[diagnostics]`; the words are chosen so a user can act on them without opening the
hover. Counts that are not known yet produce no spike or never-hit diagnostic (absence of data is not news).
"""

from __future__ import annotations

from lsprotocol import types

from ..config import DiagnosticsConfig
from ..model import Confidence, LogStatement
from .convert import lsp_range
from .counts import CountCache
from .render import exact, trend

SOURCE = "prodlens"
SPIKE_LEVELS = ("warn", "error", "fatal")


def spike_message(total: int, previous: int, level: str, window: str) -> str:
    rise = trend(total, previous) if previous else "new"
    return f"{level} rate jumped {rise} against the previous {window}: {exact(previous)} → {exact(total)} hits"


def document_diagnostics(
    statements: list[LogStatement], cache: CountCache, settings: DiagnosticsConfig
) -> list[types.Diagnostic]:
    found: list[types.Diagnostic] = []
    for statement in statements:
        counts = cache.counts.get(statement.key)
        if settings.spikes and counts is not None and statement.level in SPIKE_LEVELS:
            if (
                counts.total >= settings.spike_min_hits
                and counts.total >= settings.spike_ratio * max(counts.previous, 1)
            ):
                found.append(
                    types.Diagnostic(
                        range=lsp_range(statement),
                        message=spike_message(counts.total, counts.previous, statement.level, cache.window),
                        severity=types.DiagnosticSeverity.Warning,
                        source=SOURCE,
                        code="spike",
                    )
                )
        if settings.never_hit and counts is not None and not counts.stale:
            if counts.total == 0 and cache.retention_totals.get(statement.key) == 0:
                found.append(
                    types.Diagnostic(
                        range=lsp_range(statement),
                        message=f"never seen in production in the last {cache.retention}",
                        severity=types.DiagnosticSeverity.Hint,
                        source=SOURCE,
                        code="never-hit",
                        tags=[types.DiagnosticTag.Unnecessary],
                    )
                )
        if settings.dynamic and statement.confidence is Confidence.DYNAMIC:
            found.append(
                types.Diagnostic(
                    range=lsp_range(statement),
                    message="the message is fully dynamic: production records can only reach this statement by "
                    "code location, never by their text",
                    severity=types.DiagnosticSeverity.Information,
                    source=SOURCE,
                    code="dynamic-message",
                )
            )
    return found
