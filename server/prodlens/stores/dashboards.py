""""Go to monitoring": the URL of the dashboard a team already uses, filtered to one statement and window.

Kinds (`dashboard.kind`, or inferred from the store): Kibana Discover and OpenSearch Dashboards Discover (a KQL
query and the time range, in Rison in the URL fragment), Grafana Explore (a Loki or ClickHouse datasource query
and the time range, in the `panes` JSON), or the user's own `dashboard.url_template` with placeholders. Every
value is URL-encoded here, once: statement text is hostile input like any other.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import quote, urlencode

import prison

from ..config import DashboardConfig
from ..model import LogStatement
from .base import TimeRange

PLACEHOLDERS = ("query", "regex", "from", "to", "from_ms", "to_ms", "service", "statement", "window", "path",
                "line")
_PLACEHOLDER_RE = re.compile(r"\{(" + "|".join(PLACEHOLDERS) + r")\}")

# Which dashboard a store links to when `dashboard.kind` is not set but `dashboard.base_url` is.
DEFAULT_KIND = {"elasticsearch": "kibana", "opensearch": "opensearch", "loki": "grafana", "clickhouse": "grafana"}
GRAFANA_DATASOURCE_TYPES = {"loki": "loki", "clickhouse": "grafana-clickhouse-datasource"}

# Characters Rison needs that survive in a URL fragment unencoded (what Kibana itself writes).
_RISON_SAFE = "(),:!'*-._~/@$"


@dataclass(frozen=True)
class DashboardRequest:
    """What a store knows about one "go to monitoring" click: its native query for the statement."""

    store_kind: str  # clickhouse | loki | elasticsearch | opensearch
    statement: LogStatement
    time_range: TimeRange
    query: str  # KQL for Kibana/OpenSearch, LogQL for Loki, SQL for ClickHouse
    regex: str  # the statement's pattern in the store's dialect
    service: str | None = None


def iso(dt: datetime) -> str:
    """UTC ISO 8601 with milliseconds, the form Kibana and OpenSearch Dashboards write themselves."""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    dt = dt.astimezone(timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def millis(dt: datetime) -> int:
    return int(dt.timestamp() * 1000)


def build_dashboard_url(config: DashboardConfig, request: DashboardRequest) -> str | None:
    """The link for this statement, or None when nothing is configured to link to."""
    if config.url_template:
        return fill_template(config.url_template, request)
    kind = config.kind or (DEFAULT_KIND.get(request.store_kind) if config.base_url else None)
    if kind is None or kind == "builtin" or not config.base_url:
        return None
    if kind in ("kibana", "opensearch"):
        return discover_url(config.base_url, request, data_view=config.data_view)
    if kind == "grafana":
        return grafana_explore_url(config.base_url, request, datasource=config.grafana_datasource,
                                   org=config.grafana_org)
    return None


def fill_template(template: str, request: DashboardRequest) -> str:
    """Replace the known `{placeholders}` with URL-encoded values; any other braces are left alone (a
    Grafana URL template carries JSON)."""
    tr = request.time_range
    values = {
        "query": request.query,
        "regex": request.regex,
        "from": iso(tr.start),
        "to": iso(tr.end),
        "from_ms": str(millis(tr.start)),
        "to_ms": str(millis(tr.end)),
        "service": request.service or "",
        "statement": request.statement.template.text,
        "window": tr.window,
        "path": request.statement.path,
        "line": str(request.statement.line),
    }
    return _PLACEHOLDER_RE.sub(lambda m: quote(values[m.group(1)], safe=""), template)


def discover_url(base_url: str, request: DashboardRequest, data_view: str | None = None) -> str:
    """Kibana Discover / OpenSearch Dashboards Discover (both accept the legacy `#/` route) with a KQL query."""
    tr = request.time_range
    g = {"time": {"from": iso(tr.start), "to": iso(tr.end)}}
    a: dict = {"query": {"language": "kuery", "query": request.query}}
    if data_view:
        a["index"] = data_view
    fragment = "/?" + "&".join(f"{k}={quote(prison.dumps(v), safe=_RISON_SAFE)}" for k, v in (("_g", g), ("_a", a)))
    return f"{base_url.rstrip('/')}/app/discover#{fragment}"


def grafana_explore_url(base_url: str, request: DashboardRequest, datasource: str | None = None,
                        org: int | None = None) -> str:
    """Grafana Explore (the `panes` form of Grafana 10 and later) with a Loki or ClickHouse query."""
    tr = request.time_range
    ds_type = GRAFANA_DATASOURCE_TYPES.get(request.store_kind, request.store_kind)
    ds = {"type": ds_type, "uid": datasource} if datasource else {"type": ds_type}
    query: dict = {"refId": "A", "datasource": ds}
    if request.store_kind == "loki":
        query.update({"expr": request.query, "queryType": "range"})
    else:
        query.update({"rawSql": request.query, "editorType": "sql", "queryType": "logs", "format": 2})
    pane = {"queries": [query], "range": {"from": str(millis(tr.start)), "to": str(millis(tr.end))}}
    if datasource:
        pane["datasource"] = datasource
    params = {"schemaVersion": "1", "panes": json.dumps({"prodlens": pane}, separators=(",", ":"))}
    if org is not None:
        params["orgId"] = str(org)
    return f"{base_url.rstrip('/')}/explore?{urlencode(params, quote_via=quote)}"


# -- KQL, for the Discover links -----------------------------------------------------------------------------


def kql_phrase(field: str, text: str) -> str:
    """`field:"text"` with KQL's escapes inside a quoted value (backslash and double quote)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'{field}:"{escaped}"'


def kql_for_statement(statement: LogStatement, message_field: str, service_field: str | None = None,
                      service: str | None = None, level_field: str | None = None) -> str:
    """A Discover query that finds the statement's records: every literal part of the message as a phrase
    (quoted phrases are what KQL matches reliably on analysed text), plus service and level when known."""
    parts = [kql_phrase(message_field, lit.strip()) for lit in statement.template.literals if lit.strip()]
    if service and service_field:
        parts.append(kql_phrase(service_field, service))
    if statement.level and level_field:
        parts.append(kql_phrase(level_field, statement.level))
    return " and ".join(parts) or f"{message_field}:*"
