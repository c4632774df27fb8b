"""Is our dashboard listening? Asked by the language server before it links to the built-in dashboard.

A short GET of `/-/prodlens.json` with a tight timeout: a closed port answers at once, and anything else on the
port (another program) is told apart by the marker, so the editor never links to a stranger or waits.
"""

from __future__ import annotations

import json
import urllib.request


def dashboard_running(host: str, port: int, timeout: float = 0.3) -> bool:
    try:
        with urllib.request.urlopen(f"http://{host}:{port}/-/prodlens.json", timeout=timeout) as response:
            return "prodlens" in json.loads(response.read(4096) or b"{}")
    except (OSError, ValueError):
        return False


def how_to_start(root_hint: str = ".") -> str:
    return f"The dashboard is not running: start it with `prodlens dashboard --root {root_hint}`."
