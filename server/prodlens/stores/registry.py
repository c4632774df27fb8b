"""Open the store a configuration names, by URL scheme.

Store modules are imported only when their scheme is used, so the embedded default never pays for httpx
clients it does not need. Each store class has `from_config(config, root)`.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from ..config import Config, ConfigError
from .base import Store

# scheme prefix -> "module:Class"
_SCHEMES: dict[str, str] = {
    "sqlite": "prodlens.stores.sqlite:SqliteStore",
    "clickhouse": "prodlens.stores.clickhouse:ClickHouseStore",
    "loki": "prodlens.stores.loki:LokiStore",
    "elasticsearch": "prodlens.stores.elasticsearch:ElasticsearchStore",
    "opensearch": "prodlens.stores.elasticsearch:ElasticsearchStore",
}


def store_kind(url: str) -> str:
    """`clickhouse+https://...` -> `clickhouse`; `sqlite:///x.db` -> `sqlite`."""
    scheme = url.split("://", 1)[0] if "://" in url else ""
    kind = scheme.split("+", 1)[0].lower()
    if kind not in _SCHEMES:
        known = ", ".join(f"{k}://" if k == "sqlite" else f"{k}+http(s)://" for k in _SCHEMES)
        raise ConfigError(f"store.url: unsupported store URL scheme {scheme!r} (known: {known})")
    return kind


def open_store(config: Config, root: str | Path) -> Store:
    target = _SCHEMES[store_kind(config.store.url)]
    module_name, class_name = target.split(":")
    cls = getattr(importlib.import_module(module_name), class_name)
    return cls.from_config(config, Path(root))
