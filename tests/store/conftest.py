"""Fixtures for the embedded store: a real SQLite file in tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest
from store_fixtures import StoreFiller

from prodlens.stores.sqlite import SqliteStore


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / ".prodlens" / "store.db"


@pytest.fixture
def filler(store_path: Path):
    f = StoreFiller(store_path)
    yield f
    f.close()


@pytest.fixture
def store(store_path: Path):
    s = SqliteStore(store_path)
    yield s
    s.close()
