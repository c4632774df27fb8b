"""prodlens types → LSP types. The only place `source/` and `stores/` results meet lsprotocol."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types
from pygls import uris

from ..model import Confidence, LogStatement

OPEN_DASHBOARD = "prodlens.openDashboard"
FIND_STATEMENT = "prodlens.findStatement"
SET_WINDOW = "prodlens.setWindow"
REFRESH = "prodlens.refresh"

# What the server asks clients to watch on disk: the indexed languages' sources and the configuration files.
WATCHED_GLOBS = (
    "**/*.{java,py,js,mjs,cjs,jsx,ts,mts,cts,tsx,go}",
    "**/.prodlens.toml",
    "**/pyproject.toml",
)
CONFIG_FILES = frozenset({".prodlens.toml", "pyproject.toml"})  # at the workspace root: reload the config
QUOTES = "\"'`"


def lsp_range(statement: LogStatement) -> types.Range:
    r = statement.range
    return types.Range(
        start=types.Position(line=r.start_line, character=r.start_column),
        end=types.Position(line=r.end_line, character=r.end_column),
    )


def uri_for(root: Path, statement: LogStatement) -> str:
    return uris.from_fs_path(str(root / statement.path)) or ""


def location(root: Path, statement: LogStatement) -> types.Location:
    return types.Location(uri=uri_for(root, statement), range=lsp_range(statement))


def lens(statement: LogStatement, uri: str, title: str | None) -> types.CodeLens:
    """A lens on the call's first line; without a title it carries only `data` and waits for resolve."""
    line_start = types.Range(
        start=types.Position(line=statement.range.start_line, character=statement.range.start_column),
        end=types.Position(line=statement.range.start_line, character=statement.range.start_column),
    )
    if title:  # complete: no resolve will come, so no data to carry (200 lenses a request: bytes count)
        return types.CodeLens(range=line_start, command=lens_command(statement, title))
    return types.CodeLens(range=line_start, data={"key": statement.key, "uri": uri})


def lens_command(statement: LogStatement, title: str) -> types.Command:
    return types.Command(
        title=title, command=OPEN_DASHBOARD, arguments=[statement.key])


def document_link(
    statement: LogStatement, uri: str, lines: list[str] | None, tooltip: str | None
) -> types.DocumentLink:
    """A link over the message literal when it sits on the call's first line, else over the call's first
    line; `data` lets `documentLink/resolve` find the statement again."""
    return types.DocumentLink(
        range=link_range(statement, lines), tooltip=tooltip, data={"key": statement.key, "uri": uri}
    )


def link_range(statement: LogStatement, lines: list[str] | None) -> types.Range:
    r = statement.range
    line = lines[r.start_line] if lines is not None and r.start_line < len(lines) else None
    end = r.end_column if r.end_line == r.start_line else (len(line) if line is not None else r.start_column + 1)
    if line is not None and statement.confidence is not Confidence.DYNAMIC:
        literal = first_literal(line, r.start_column, end)
        if literal is not None:
            start, end = literal
            return types.Range(
                start=types.Position(line=r.start_line, character=start),
                end=types.Position(line=r.start_line, character=end),
            )
    end = max(end, r.start_column + 1)
    return types.Range(
        start=types.Position(line=r.start_line, character=r.start_column),
        end=types.Position(line=r.start_line, character=end),
    )


def first_literal(line: str, start: int, end: int) -> tuple[int, int] | None:
    """Columns [start, end) of the first complete string literal (quotes included) in `line[start:end]`.

    A scan, not a parse: the extractor's tree is not kept per statement, and the link only needs a good
    place to sit; a literal split over lines or a text block falls back to the call."""
    i = start
    end = min(end, len(line))
    while i < end:
        quote = line[i]
        if quote in QUOTES:
            j = i + 1
            while j < end:
                if line[j] == "\\":
                    j += 2
                    continue
                if line[j] == quote:
                    if j == i + 1 and line[j + 1 : j + 2] == quote:
                        return None  # a triple-quoted string or text block: the call is the better target
                    return i, j + 1
                j += 1
            return None
        i += 1
    return None


def symbol(root: Path, statement: LogStatement, count_text: str) -> types.WorkspaceSymbol:
    name = statement.template.text.strip() or "(dynamic message)"
    if len(name) > 120:
        name = name[:119] + "…"
    return types.WorkspaceSymbol(
        name=f"{name} — {count_text}",
        kind=types.SymbolKind.String,
        location=location(root, statement),
        container_name=f"{statement.path}:{statement.line} {statement.level or ''}".strip(),
    )


def _lens_json(lens: types.CodeLens) -> dict:
    """CodeLens → JSON without cattrs' generic walk: a 200-lens answer spent ~3 ms of its ~10 ms there."""
    start, end = lens.range.start, lens.range.end
    out: dict = {
        "range": {
            "start": {"line": start.line, "character": start.character},
            "end": {"line": end.line, "character": end.character},
        }
    }
    command = lens.command
    if command is not None:
        entry: dict = {"title": command.title, "command": command.command}
        if command.arguments is not None:
            entry["arguments"] = list(command.arguments)
        if command.tooltip is not None:
            entry["tooltip"] = command.tooltip
        out["command"] = entry
    if lens.data is not None:
        out["data"] = lens.data
    return out


def converter_factory():
    """pygls' converter with a direct CodeLens encoder (lenses are the hot path: every scroll asks again)."""
    from pygls.protocol import default_converter

    converter = default_converter()
    converter.register_unstructure_hook(types.CodeLens, _lens_json)
    return converter
