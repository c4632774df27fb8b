"""The dashboard in a real browser: Debian's headless Chromium driven by Playwright.

Loads the overview and a statement page from a store filled by the real ingest, checks what a person would see
(the counts, the chart), and takes a screenshot (the one in docs/dashboard.md with PRODLENS_UPDATE_SCREENSHOTS=1).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "images" / "dashboard.png"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def page():
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is not installed: tests/install-deps.sh installs Debian's `chromium`")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            yield browser.new_page(viewport={"width": 1200, "height": 900})
        finally:
            browser.close()


def test_overview_then_statement_page_in_chromium(page, dashboard, stats, tmp_path):
    page.goto(dashboard + "/?window=24h")
    page.wait_for_selector("table#top")
    rows = page.locator("table#top tr[data-key]")
    shown = {rows.nth(i).get_attribute("data-key"): int(rows.nth(i).get_attribute("data-count"))
             for i in range(rows.count())}
    assert shown == {s["key"]: s["count"] for s in stats["statements"] if s["count"] > 0}
    assert page.locator("table#serious tr[data-key]").count() == 1  # the error statement, listed first

    error_row = next(s for s in stats["statements"] if s["level"] == "error")
    page.locator(f'table#serious tr[data-key="{error_row["key"]}"] a').click()
    page.wait_for_selector("#chart svg")
    assert page.locator("#total").inner_text().replace(",", "") == str(error_row["count"])
    bars = page.locator("#chart rect.bar")
    heights = [float(bars.nth(i).get_attribute("height")) for i in range(bars.count())]
    counts = [int(bars.nth(i).get_attribute("data-count")) for i in range(bars.count())]
    assert sum(counts) == error_row["count"]
    assert max(heights) > 0 and all((h > 0) == (c > 0) for h, c in zip(heights, counts))
    assert page.locator("table#samples tr").count() > 1
    assert "<script>" in page.locator("#template").inner_text()  # shown as text, not executed
    # The docs' screenshot is refreshed on request only, so a test run leaves the work tree as it was.
    target = SCREENSHOT if os.environ.get("PRODLENS_UPDATE_SCREENSHOTS") == "1" else tmp_path / SCREENSHOT.name
    target.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 10_000
