"""Datasette plugin hooks: the overview at `/` and one page per statement at `/statement/<key>?window=24h`.

The statement URL is built only from the statement key and the window, so it stays valid across line moves and
is what the language server's "go to monitoring" opens. Datasette's own pages (tables, SQL, JSON, CSV) stay
available under `/<database>`.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from datasette import Response, hookimpl

from .. import __version__
from ..config import Config
from ..model import WINDOWS, parse_window
from ..stores.base import StoreError
from . import data
from .chart import bar_chart

MARKER_PATH = "/-/prodlens.json"


@dataclass
class DashboardContext:
    root: Path
    config: Config
    store: Any  # SqliteStore (the Store protocol plus unmatched/totals)
    statements: data.StatementSource
    database: str  # Datasette's name for the store database, for links to raw tables


_context: DashboardContext | None = None


def configure(context: DashboardContext) -> None:
    """Set what the routes serve; called once by `app.build_datasette` before the first request."""
    global _context
    _context = context


def _window(request: Any) -> str:
    window = request.args.get("window") or (_context.config.window if _context else "24h")
    try:
        parse_window(window)
    except ValueError:
        return "24h"
    return window


async def _render(datasette: Any, request: Any, template: str, context: dict[str, Any], status: int = 200) -> Response:
    html = await datasette.render_template(template, context, request=request)
    return Response.html(html, status=status)


async def overview_view(datasette: Any, request: Any) -> Response:
    assert _context is not None
    window = _window(request)
    try:
        statements = (await asyncio.to_thread(_context.statements.index)).statements
        view = await asyncio.to_thread(data.overview, statements, _context.store, window)
        error = None
    except StoreError as exc:
        view, error = None, str(exc)
    return await _render(datasette, request, "prodlens_overview.html", {
        "view": view, "error": error, "window": window, "windows": WINDOWS, "root": str(_context.root),
        "database": _context.database, "relative": data.relative,
    }, status=200 if error is None else 503)


async def statement_view(datasette: Any, request: Any) -> Response:
    assert _context is not None
    window = _window(request)
    key = request.url_vars["key"]
    index = await asyncio.to_thread(_context.statements.index)
    statement = index.by_key(key)
    if statement is None:
        return await _render(datasette, request, "prodlens_statement.html", {
            "page": None, "key": key, "error": f"No statement with key {key} in the current source tree "
            "(its message may have changed, or the file was removed).", "window": window, "windows": WINDOWS,
        }, status=404)
    same = sum(1 for s in index.statements if s.template.text == statement.template.text) - 1
    try:
        page = await asyncio.to_thread(data.statement_page, _context.root, statement, same, _context.store, window)
        error = None
    except StoreError as exc:
        page, error = None, str(exc)
    return await _render(datasette, request, "prodlens_statement.html", {
        "page": page, "key": key, "error": error, "window": window, "windows": WINDOWS,
        "chart": bar_chart(page.counts.buckets) if page else "", "relative": data.relative,
        "database": _context.database,
    }, status=200 if error is None else 503)


async def marker_view(request: Any) -> Response:
    """Lets the language server tell our dashboard from anything else listening on the port."""
    root = str(_context.root) if _context else None
    return Response.json({"prodlens": __version__, "root": root})


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    return [
        (r"^/$", overview_view),
        (r"^/statement/(?P<key>[0-9a-zA-Z_-]+)$", statement_view),
        (r"^/-/prodlens\.json$", marker_view),
    ]
