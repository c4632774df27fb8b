"""Debian's Neovim 0.7, headless, as the client: lens titles and hover text from a real store.

Neovim 0.7 has no workspace/codeLens/refresh handler and no showDocument; the init script asks for lenses
again until the counts are in, as a user's CursorHold autocommand would (see docs/editors/neovim.md).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "lsp"))  # the shared sample service
from sample_service import EXPECTED_LENSES, FAILED, JAVA_PATH, make_service  # noqa: E402

INIT = Path(__file__).with_name("neovim_init.lua")
NVIM = shutil.which("nvim")


@pytest.fixture
def nvim() -> str:
    if NVIM is None:
        pytest.fail("nvim is not installed (tests/install-deps.sh installs Debian's neovim)")
    return NVIM


def test_neovim_shows_lenses_and_hover(nvim: str, tmp_path: Path):
    root = tmp_path / "shop"
    root.mkdir()
    make_service(root)
    out = tmp_path / "nvim-result.json"
    env = dict(
        os.environ,
        PRODLENS_PYTHON=sys.executable,
        PRODLENS_ROOT=str(root),
        PRODLENS_OUT=str(out),
        PRODLENS_HOVER_LINE=str(FAILED),
        PRODLENS_WAIT_FOR="hits · 24h",
        XDG_CONFIG_HOME=str(tmp_path / "xdg-config"),
        XDG_DATA_HOME=str(tmp_path / "xdg-data"),
        XDG_STATE_HOME=str(tmp_path / "xdg-state"),
    )
    done = subprocess.run(
        [nvim, "--headless", "-n", "-i", "NONE", "-u", str(INIT), str(root / JAVA_PATH)],
        cwd=root, env=env, capture_output=True, text=True, timeout=240, stdin=subprocess.DEVNULL,
    )
    assert out.exists(), f"nvim wrote no result (exit {done.returncode}):\n{done.stdout}\n{done.stderr}"
    result = json.loads(out.read_text())
    assert result["errors"] == []
    titles = {lens["line"]: lens["title"] for lens in result["lenses"]}
    for (path, line), title in EXPECTED_LENSES.items():
        if path == JAVA_PATH:
            assert titles[line] == title
    assert result["show_document"] is False
    hover = result["hover"]
    assert "**25 hits** in the last 24h (previous 24h: 2, ▲1150%)" in hover
    assert "Payment failed for order o-0" in hover
    assert "[Open in dashboard](http://127.0.0.1:8765/statement/" in hover
