"""Ingest fixtures: a project with real Python log statements in tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest
from ingest_helpers import make_project


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "proj")


@pytest.fixture
def store(project: Path) -> Path:
    return project / ".prodlens" / "store.db"
