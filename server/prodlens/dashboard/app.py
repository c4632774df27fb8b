"""Build and serve the dashboard: a Datasette instance over the store file with the prodlens plugin.

Read-only by construction: Datasette opens mutable databases with `mode=ro` and query_only, and no write
endpoint is enabled. Binds to 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..config import Config
from ..stores.sqlite import SqliteStore
from . import plugin
from .data import StatementSource

TEMPLATES = Path(__file__).parent / "templates"


def build_datasette(root: Path, config: Config, store_file: Path) -> Any:
    from datasette.app import Datasette
    from datasette.plugins import pm

    if not pm.is_registered(plugin):
        pm.register(plugin, name="prodlens-dashboard")
    store = SqliteStore(store_file, dashboard_host=config.dashboard.host, dashboard_port=config.dashboard.port)
    plugin.configure(plugin.DashboardContext(
        root=root, config=config, store=store, statements=StatementSource(root, config),
        database=store_file.stem,
    ))
    files = [str(store_file)] if store_file.exists() else []
    return Datasette(
        files,
        template_dir=str(TEMPLATES),
        settings={"allow_download": False, "default_page_size": 50, "sql_time_limit_ms": 2000},
        metadata={"title": "prodlens", "description": f"Production log statements of {root.name}"},
    )


def serve(root: Path, config: Config, store_file: Path, host: str, port: int) -> None:
    import uvicorn

    datasette = build_datasette(root, config, store_file)
    uvicorn.run(datasette.app(), host=host, port=port, log_level="warning")
