"""The dashboard's HTML, fetched over HTTP from a real `prodlens dashboard` process."""

from __future__ import annotations

import re
import socket
import urllib.error
import urllib.request

from prodlens.dashboard.probe import dashboard_running


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_overview_lists_statements_with_the_stores_counts(dashboard, stats):
    status, html = get(dashboard + "/?window=24h")
    assert status == 200
    shown = dict(re.findall(r'<tr data-key="([0-9a-f]+)" data-count="(\d+)">', html))
    expected = {s["key"]: str(s["count"]) for s in stats["statements"] if s["count"] > 0}
    assert expected and shown == expected
    assert "never happens {}" in html  # the never-hit statement
    assert "a line no statement wrote 42" in html  # unmatched shapes


def test_hostile_statement_text_is_escaped(dashboard):
    _, html = get(dashboard + "/")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_statement_page_has_chart_breakdown_samples_and_source(dashboard, stats):
    row = next(s for s in stats["statements"] if s["level"] == "error")
    status, html = get(f"{dashboard}/statement/{row['key']}?window=24h")
    assert status == 200
    assert f'data-count="{row["count"]}"' in html
    bars = [int(n) for n in re.findall(r'class="bar"[^>]*data-count="(\d+)"', html)]
    assert sum(bars) == row["count"]
    assert "ann0@example.com" not in html  # samples are redacted before they are stored
    assert re.search(r"vscode://file/[^\"]+/svc/app\.py:%d:\d+" % row["line"], html)
    assert "log.error(" in html  # the source of the call


def test_unknown_statement_is_a_clear_404(dashboard):
    status, html = get(dashboard + "/statement/0000000000000000")
    assert status == 404 and "No statement with key" in html


def test_bad_window_falls_back_to_default(dashboard):
    status, _ = get(dashboard + "/?window=forever")
    assert status == 200


def test_probe_tells_our_dashboard_from_a_closed_port(dashboard):
    host, port = dashboard.removeprefix("http://").split(":")
    assert dashboard_running(host, int(port))
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    assert not dashboard_running("127.0.0.1", closed)


def test_datasette_tables_stay_available_read_only(dashboard):
    status, body = get(dashboard + "/store/totals.json?_shape=array")
    assert status == 200 and '"records"' in body
    status, _ = get(dashboard + "/store/-/query.json?sql=delete+from+totals")
    assert status in (400, 403)
