""""Go to monitoring" URLs, parsed back after they are built: the statement's query and the time window must
survive URL encoding (Rison for Kibana/OpenSearch Dashboards, JSON for Grafana, plain for templates)."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from urllib.parse import parse_qs, unquote, urlsplit

import prison
import pytest

from prodlens.config import DashboardConfig
from prodlens.stores.dashboards import (DashboardRequest, build_dashboard_url, discover_url, fill_template,
                                        grafana_explore_url, kql_for_statement)
from prodlens.stores.loki import LokiStore

from .conftest import store_config
from .logdata import HOSTILE_STMT, PAYING, WINDOW

HOSTILE_QUERY = "message:\"it's \\\"x\\\"\" and a & b # c ? d = e % f + g ' ) ( ! , :"


def _request(kind="elasticsearch", query=HOSTILE_QUERY, statement=PAYING):
    return DashboardRequest(store_kind=kind, statement=statement, time_range=WINDOW, query=query,
                            regex="(?s)Customer .* paying", service="api & co")


def _rison_parts(url: str) -> dict:
    fragment = urlsplit(url).fragment
    assert fragment.startswith("/?")
    return {k: prison.loads(unquote(v)) for k, v in (p.split("=", 1) for p in fragment[2:].split("&"))}


def test_kibana_discover_round_trip():
    url = discover_url("https://kibana.example/base/", _request(), data_view="logs-view")
    assert url.startswith("https://kibana.example/base/app/discover#/?")
    parts = _rison_parts(url)
    assert parts["_a"]["query"] == {"language": "kuery", "query": HOSTILE_QUERY}
    assert parts["_a"]["index"] == "logs-view"
    assert parts["_g"]["time"] == {"from": "2026-01-09T12:00:00.000Z", "to": "2026-01-10T12:00:00.000Z"}


@pytest.mark.parametrize("kind,ds_type,field", [("loki", "loki", "expr"),
                                                ("clickhouse", "grafana-clickhouse-datasource", "rawSql")])
def test_grafana_explore_round_trip(kind, ds_type, field):
    url = grafana_explore_url("https://grafana.example", _request(kind), datasource="uid-1", org=3)
    parts = urlsplit(url)
    assert parts.path == "/explore"
    params = parse_qs(parts.query)
    assert params["orgId"] == ["3"]
    pane = json.loads(params["panes"][0])["prodlens"]
    query = pane["queries"][0]
    assert query[field] == HOSTILE_QUERY and query["datasource"] == {"type": ds_type, "uid": "uid-1"}
    start = datetime.fromtimestamp(int(pane["range"]["from"]) / 1000, timezone.utc)
    end = datetime.fromtimestamp(int(pane["range"]["to"]) / 1000, timezone.utc)
    assert (start, end) == (WINDOW.start, WINDOW.end)


def test_user_template_fills_every_placeholder_encoded():
    template = ("https://logs.example/search?q={query}&re={regex}&from={from}&to={to}&svc={service}"
                "&s={statement}&w={window}&at={path}:{line}&json={\"keep\":1}")
    url = fill_template(template, _request(statement=HOSTILE_STMT))
    params = parse_qs(urlsplit(url).query)
    assert params["q"] == [HOSTILE_QUERY]
    assert params["re"] == ["(?s)Customer .* paying"]
    assert params["from"] == ["2026-01-09T12:00:00.000Z"] and params["to"] == ["2026-01-10T12:00:00.000Z"]
    assert params["svc"] == ["api & co"] and params["w"] == ["24h"]
    assert params["s"] == [HOSTILE_STMT.template.text]
    assert params["at"] == [f"{HOSTILE_STMT.path}:{HOSTILE_STMT.line}"]
    assert params["json"] == ['{"keep":1}']  # other braces are left alone


def test_kind_inferred_from_store_and_nothing_without_configuration():
    assert build_dashboard_url(DashboardConfig(), _request()) is None
    url = build_dashboard_url(DashboardConfig(base_url="https://k.example"), _request("opensearch"))
    assert url.startswith("https://k.example/app/discover#/")
    url = build_dashboard_url(DashboardConfig(base_url="https://g.example"), _request("loki"))
    assert url.startswith("https://g.example/explore?")


def test_kql_quotes_literals():
    kql = kql_for_statement(HOSTILE_STMT, "message", "service.name", "api")
    assert kql.startswith('message:"it\'s \\"quoted\\" \\\\ back`tick`')
    assert kql.endswith('service.name:"api"')


def test_loki_store_links_to_grafana_explore_with_its_logql():
    config = store_config("loki+http://127.0.0.1:9", service="api")
    config.dashboard.base_url = "https://grafana.example"
    store = LokiStore(config)
    try:
        url = store.dashboard_url(PAYING, WINDOW)
    finally:
        store.close()
    pane = json.loads(parse_qs(urlsplit(url).query)["panes"][0])["prodlens"]
    assert pane["queries"][0]["expr"] == store.line_filter(PAYING)
    assert pane["queries"][0]["expr"].startswith('{service_name="api"} |~ "')
