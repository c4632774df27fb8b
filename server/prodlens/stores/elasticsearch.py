"""Elasticsearch / OpenSearch: counts for a whole document in one `_search`.

One request with `size: 0` and a `filters` aggregation — one named filter per statement — under which a
`date_histogram` (aligned to the window's start, covering this window and the previous one) gives the total,
the previous total and the sparkline, and a `filter` on the current window holds per-level/service/version
`terms` and first/last seen. Field names follow ECS by default (`message`, `log.level`, `log.logger`,
`service.name`, `service.version`, `@timestamp`, `log.origin.file.name`, `log.origin.file.line`) and are
configurable with `store.columns`.

A statement's filter: a `match_phrase` on its longest literal (fast, analysed text), plus a Lucene `regexp` on a
keyword copy of the message when `store.columns.message_keyword` names one (exact). Records that carry a code
location are matched by it instead. Level and logger narrow the match when the record states them.
"""

from __future__ import annotations

import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Sequence

import httpx

from .. import render
from ..config import Config
from ..model import Bucket, Counts, LogStatement, Sample, level_aliases, normalize_level
from .base import StoreStatus, TimeRange
from .clickhouse import _bucket_step
from .dashboards import DashboardRequest, build_dashboard_url, kql_for_statement
from .http import RemoteCache, RemoteStoreError, SampleRedactor, client_from_config, split_store_url

DEFAULT_INDEX = "logs-*"
DEFAULT_FIELDS = {
    "timestamp": "@timestamp",
    "message": "message",
    "message_keyword": "",  # e.g. "message.keyword": enables the exact regexp check
    "level": "log.level",
    "logger": "log.logger",
    "service": "service.name",
    "version": "service.version",
    "file_path": "log.origin.file.name",
    "line": "log.origin.file.line",
}
TERMS_SIZE = 20


def _es_error(response: httpx.Response) -> str:
    """`type: reason` from Elasticsearch's error body (`{"error": {"type", "reason", "root_cause"}}`)."""
    try:
        body = response.json()
    except ValueError:
        return response.text.strip()[:300]
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        causes = error.get("root_cause") or []
        cause = causes[0] if causes and isinstance(causes[0], dict) else error
        return f"{cause.get('type', error.get('type'))}: {cause.get('reason', error.get('reason'))}"
    return str(error or body)[:300]


def _level_terms(level: str) -> list[str]:
    return sorted({v for a in level_aliases(level) for v in (a, a.upper(), a.capitalize())})


class QueryBuilder:
    def __init__(self, fields: dict[str, str], *, service: str | None = None, match_logger: bool = True,
                 anchored: bool = True):
        self.f = fields
        self.service = service
        self.match_logger = match_logger
        self.anchored = anchored

    def _range(self, start: datetime, end: datetime) -> dict:
        return {"range": {self.f["timestamp"]: {"gte": _iso(start), "lt": _iso(end),
                                                "format": "strict_date_optional_time"}}}

    def _scope(self, start: datetime, end: datetime) -> dict:
        filters: list[dict] = [self._range(start, end)]
        if self.service:
            filters.append({"term": {self.f["service"]: self.service}})
        return {"bool": {"filter": filters}}

    def statement_filter(self, statement: LogStatement) -> dict:
        """Location when the record has one, else template (+ level and logger when the record states them)."""
        template: list[dict] = []
        if statement.template.is_dynamic:
            template.append({"match_none": {}})
        else:
            literal = statement.template.longest_literal.strip()
            if literal:
                template.append({"match_phrase": {self.f["message"]: literal}})
            if self.f.get("message_keyword"):
                pattern = render.lucene_regexp(statement.template)
                if not self.anchored:
                    pattern = f".*{pattern}.*"
                # a message longer than the keyword copy's `ignore_above` has no keyword value: it fits on the
                # phrase alone (a superset for such messages only), rather than vanishing from the count
                template.append(_or_missing(self.f["message_keyword"], {
                    "regexp": {self.f["message_keyword"]: {"value": pattern, "flags": "NONE"}}}))
        if statement.level and self.f.get("level"):
            template.append(_or_missing(self.f["level"], {"terms": {self.f["level"]: _level_terms(statement.level)}}))
        if self.match_logger and statement.logger and self.f.get("logger"):
            # `orders` fits `app.orders`: logger names from source are partly guessed
            logger_field = self.f["logger"]
            template.append(_or_missing(logger_field, {"bool": {"should": [
                {"term": {logger_field: statement.logger}},
                {"wildcard": {logger_field: {"value": "*." + _wildcard_escape(statement.logger)}}}],
                "minimum_should_match": 1}}))
        file_field, line_field = self.f.get("file_path"), self.f.get("line")
        if not (file_field and line_field and statement.path):
            return {"bool": {"filter": template}}
        name = statement.path.rsplit("/", 1)[-1]
        tail = "/".join(statement.path.split("/")[-2:])
        by_location = {"bool": {"filter": [
            {"bool": {"should": [{"term": {file_field: name}}, {"term": {file_field: statement.path}},
                                 {"wildcard": {file_field: {"value": "*/" + _wildcard_escape(tail)}}}],
                      "minimum_should_match": 1}},
            {"range": {line_field: {"gte": statement.line, "lte": statement.end_line}}},
        ]}}
        by_template = {"bool": {"filter": template, "must_not": [{"exists": {"field": file_field}}]}}
        return {"bool": {"should": [by_location, by_template], "minimum_should_match": 1}}

    def counts(self, statements: Sequence[LogStatement], tr: TimeRange) -> tuple[dict, int]:
        start, end = tr.start, tr.end
        step = _bucket_step((end - start).total_seconds())
        offset = int(start.timestamp()) % step
        current = {"filter": self._range(start, end), "aggs": {
            "first": {"min": {"field": self.f["timestamp"]}},
            "last": {"max": {"field": self.f["timestamp"]}},
        }}
        for name in ("level", "service", "version"):
            if self.f.get(name):
                current["aggs"][name] = {"terms": {"field": self.f[name], "size": TERMS_SIZE}}
        body = {
            "size": 0,
            "track_total_hits": False,
            "query": self._scope(tr.previous_start, end),
            "aggs": {"statements": {
                "filters": {"filters": {f"s{i}": self.statement_filter(s) for i, s in enumerate(statements)}},
                "aggs": {
                    "series": {"date_histogram": {"field": self.f["timestamp"], "fixed_interval": f"{step}s",
                                                  "offset": f"{offset}s", "min_doc_count": 1}},
                    "current": current,
                },
            }},
        }
        return body, step

    def samples(self, statement: LogStatement, tr: TimeRange, limit: int) -> dict:
        scope = self._scope(tr.start, tr.end)
        scope["bool"]["filter"].append(self.statement_filter(statement))
        return {"size": limit, "query": scope, "sort": [{self.f["timestamp"]: {"order": "desc"}}]}


def _or_missing(field: str, clause: dict) -> dict:
    return {"bool": {"should": [clause, {"bool": {"must_not": [{"exists": {"field": field}}]}}],
                     "minimum_should_match": 1}}


def _wildcard_escape(text: str) -> str:
    return "".join("\\" + ch if ch in "*?\\" else ch for ch in text)


def _iso(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _parse_time(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(value / 1000, timezone.utc)
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")).astimezone(timezone.utc)
    except ValueError:
        return None


def _get(source: dict, dotted: str) -> Any:
    """ECS fields arrive nested (`{"log": {"level": ..}}`) or flat (`{"log.level": ..}`)."""
    if dotted in source:
        return source[dotted]
    value: Any = source
    for part in dotted.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


class ElasticsearchStore:
    """The Store protocol over Elasticsearch or OpenSearch (`elasticsearch+http(s)://`, `opensearch+…`)."""

    def __init__(self, config: Config, transport: httpx.BaseTransport | None = None):
        store = config.store
        self.kind, _ = split_store_url(store.url)
        unknown = set(store.columns) - set(DEFAULT_FIELDS)
        if unknown:
            raise RemoteStoreError(f"store.columns: unknown field name(s) {', '.join(sorted(unknown))} "
                                   f"(known: {', '.join(DEFAULT_FIELDS)})", "config")
        self.fields = {**DEFAULT_FIELDS, **store.columns}
        self.config = config
        self.index = store.index or DEFAULT_INDEX
        if any(ch in self.index for ch in "/?#& "):
            raise RemoteStoreError(f"store.index: {self.index!r} is not an index pattern", "config")
        self.client = client_from_config(self.kind, store, transport=transport)
        self.url = self.client.display_url
        self.cache = RemoteCache(ttl=store.cache_ttl)
        self.redactor = SampleRedactor(config.ingest)
        self.builder = QueryBuilder(self.fields, service=store.service or config.service,
                                    match_logger=store.match_logger,
                                    anchored=True if store.anchored is None else store.anchored)
        self._lock = threading.Lock()

    @classmethod
    def from_config(cls, config: Config, root: Path) -> "ElasticsearchStore":
        return cls(config)

    def _search(self, body: dict) -> dict:
        response = self.client.request("POST", f"/{self.index}/_search", json=body,
                                       params={"ignore_unavailable": "true", "allow_no_indices": "true"},
                                       describe_error=_es_error)
        try:
            data = response.json()
        except ValueError:
            raise RemoteStoreError(f"{self.url} did not answer JSON: {response.text[:200]}", "query") from None
        if data.get("timed_out"):
            raise RemoteStoreError(f"{self.url}: the search timed out (store.timeout)", "slow")
        return data

    def counts(self, statements: Sequence[LogStatement], time_range: TimeRange) -> dict[str, Counts]:
        unique = list({s.key: s for s in statements}.values())
        if not unique:
            return {}
        return self.cache.counts(unique, time_range, lambda todo: self._fetch_counts(todo, time_range))

    def _fetch_counts(self, statements: Sequence[LogStatement], tr: TimeRange) -> dict[str, Counts]:
        try:
            body, step = self.builder.counts(statements, tr)
            data = self._search(body)
        except RemoteStoreError as exc:
            raise _schema_hint(exc, self.index) from None
        buckets = (data.get("aggregations") or {}).get("statements", {}).get("buckets", {})
        start = int(tr.start.timestamp())
        n = -(-int(tr.length.total_seconds()) // step)
        result: dict[str, Counts] = {}
        for i, statement in enumerate(statements):
            agg = buckets.get(f"s{i}", {})
            counts = Counts(buckets=[Bucket(datetime.fromtimestamp(start + k * step, timezone.utc), 0)
                                     for k in range(n)])
            for b in agg.get("series", {}).get("buckets", []):
                key = int(b["key"]) // 1000
                if key < start:
                    counts.previous += int(b["doc_count"])
                    continue
                index = (key - start) // step
                counts.total += int(b["doc_count"])
                if 0 <= index < n:
                    counts.buckets[index] = Bucket(counts.buckets[index].start, int(b["doc_count"]))
            current = agg.get("current", {})
            for name, target in (("level", counts.by_level), ("service", counts.by_service),
                                 ("version", counts.by_version)):
                for t in current.get(name, {}).get("buckets", []):
                    key = str(t.get("key_as_string", t["key"]))
                    if name == "level":
                        key = normalize_level(key) or key
                    target[key] = target.get(key, 0) + int(t["doc_count"])
            if counts.total:
                counts.first_seen = _parse_time(current.get("first", {}).get("value"))
                counts.last_seen = _parse_time(current.get("last", {}).get("value"))
            result[statement.key] = counts
        return result

    def samples(self, statement: LogStatement, time_range: TimeRange, limit: int = 5) -> list[Sample]:
        return self.cache.samples(statement, time_range, limit,
                                  lambda: self._fetch_samples(statement, time_range, limit))

    def _fetch_samples(self, statement: LogStatement, tr: TimeRange, limit: int) -> list[Sample]:
        data = self._search(self.builder.samples(statement, tr, max(1, min(int(limit), 1000))))
        samples = []
        for hit in data.get("hits", {}).get("hits", []):
            source = hit.get("_source", {})
            attributes = {}
            for logical, name in (("service", "service.name"), ("version", "service.version"),
                                  ("file_path", "code.file.path"), ("line", "code.line.number")):
                value = _get(source, self.fields[logical]) if self.fields.get(logical) else None
                if value not in (None, ""):
                    attributes[name] = str(value)
            level = _get(source, self.fields["level"]) if self.fields.get("level") else None
            samples.append(Sample(_parse_time(_get(source, self.fields["timestamp"])),
                                  str(_get(source, self.fields["message"]) or ""),
                                  normalize_level(level) if level else None, attributes))
        return self.redactor(samples)

    def dashboard_url(self, statement: LogStatement, time_range: TimeRange) -> str | None:
        service = self.config.store.service or self.config.service
        query = kql_for_statement(statement, self.fields["message"], self.fields.get("service"), service,
                                  None)
        request = DashboardRequest(store_kind=self.kind, statement=statement, time_range=time_range, query=query,
                                   regex=render.lucene_regexp(statement.template), service=service)
        return build_dashboard_url(self.config.dashboard, request)

    def status(self) -> StoreStatus:
        return self.cache.status(self.url)

    def close(self) -> None:
        self.client.close()


def _schema_hint(exc: RemoteStoreError, index: str) -> RemoteStoreError:
    text = str(exc)
    if "index_not_found" in text or "no such index" in text:
        return RemoteStoreError(f"{text} (store.index = {index!r})", "schema")
    if any(k in text for k in ("illegal_argument_exception", "search_phase_execution_exception",
                               "query_shard_exception")):
        return RemoteStoreError(f"{text} (check store.columns: fields must exist and the keyword/date types "
                                "must match)", "schema")
    return exc
