"""Grafana Loki: counts with LogQL metric queries, batched and run concurrently with a bound.

Per statement: `sum(count_over_time({selector} |~ "regex" [step]))`. Loki has no multi-pattern count, so a
batch of statements (`store.batch`) is joined into one query with `or`, each branch labelled with
`label_replace(…, "prodlens_stmt", "<n>", "", "")`, and evaluated once with `query_range` over this window and
the previous one: the matrix gives the sparkline, the total and the previous total from the same request.
Batches run in parallel, at most `store.concurrency` at a time. Samples are the newest lines of a log query
(`direction=backward`). The stream selector comes from `store.selector` (default: `service_name`).

Loki matches lines, so the RE2 pattern searches (unanchored) unless `store.anchored` says otherwise. There is
no logger narrowing or location matching: the line is all Loki has. Levels are narrowed only when
`store.level_label` names a label (or structured metadata, such as Loki 3's `detected_level`) that holds them:
then `| <label>=~"(?i)…"` keeps the lines whose level is one of the statement's spellings, or unknown — as
ClickHouse and Elasticsearch do, a line that does not state its level always fits.
"""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Sequence

import httpx

from .. import render
from ..config import Config
from ..model import Bucket, Counts, LogStatement, Sample, level_aliases, normalize_level
from .base import StoreStatus, TimeRange
from .clickhouse import _bucket_step
from .dashboards import DashboardRequest, build_dashboard_url
from .http import RemoteCache, RemoteStoreError, SampleRedactor, client_from_config

STMT_LABEL = "prodlens_stmt"
_LABEL_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SELECTOR_RE = re.compile(r"^\{\s*[A-Za-z_][A-Za-z0-9_]*\s*(=|!=|=~|!~)\s*\".*\}$", re.DOTALL)


def logql_string(text: str) -> str:
    """A double-quoted LogQL string (Go syntax): backslash, quote and control characters escaped. Backtick
    strings cannot hold a backtick at all, so statement text is never put in one."""
    out = []
    for ch in text:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 32 or ch == "\x7f":
            out.append("\\u%04x" % ord(ch))
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def level_matcher(label: str, level: str) -> str:
    """A label filter keeping lines at `level` in any spelling, and lines whose level is not known: the label
    missing or empty, or Loki's `detected_level` saying `unknown`."""
    return f"{label}=~" + logql_string("(?i)" + "|".join((*level_aliases(level), "unknown", "")))


def default_selector(service: str | None) -> str:
    if service:
        return "{service_name=%s}" % logql_string(service)
    return '{service_name=~".+"}'


def _loki_error(response: httpx.Response) -> str:
    """Loki answers errors as plain text (`parse error at line 1, col 5: …`); some proxies send Prometheus-style
    JSON (`{"status":"error","errorType":…,"error":…}`)."""
    text = response.text.strip()
    try:
        body = json.loads(text)
    except ValueError:
        return text[:300]
    if isinstance(body, dict) and "error" in body:
        return f"{body.get('errorType', 'error')}: {body['error']}"[:300]
    return text[:300]


class LokiStore:
    def __init__(self, config: Config, transport: httpx.BaseTransport | None = None):
        store = config.store
        self.config = config
        self.service = store.service or config.service
        self.selector = (store.selector or default_selector(self.service)).strip()
        if not _SELECTOR_RE.match(self.selector):
            raise RemoteStoreError(f"store.selector must be a LogQL stream selector like "
                                   f'{{service_name="api"}}, not {self.selector!r}', "config")
        self.anchored = bool(store.anchored) if store.anchored is not None else False
        self.level_label = store.level_label or None
        if self.level_label is not None and not _LABEL_NAME.fullmatch(self.level_label):
            raise RemoteStoreError(f"store.level_label must be a label name like detected_level, not "
                                   f"{self.level_label!r}", "config")
        self.batch = max(1, store.batch)
        self.concurrency = max(1, store.concurrency)
        self.client = client_from_config("loki", store, transport=transport)
        self.url = self.client.display_url
        self.cache = RemoteCache(ttl=store.cache_ttl)
        self.redactor = SampleRedactor(config.ingest)

    @classmethod
    def from_config(cls, config: Config, root: Path) -> "LokiStore":
        return cls(config)

    # -- queries ----------------------------------------------------------------------------------------------

    def line_filter(self, statement: LogStatement) -> str:
        query = f"{self.selector} |~ {logql_string(render.re2(statement.template, anchored=self.anchored))}"
        if self.level_label and statement.level:
            query += f" | {level_matcher(self.level_label, statement.level)}"
        return query

    def count_query(self, statements: Sequence[tuple[int, LogStatement]], step: int) -> str:
        branches = []
        for n, statement in statements:
            inner = f"sum(count_over_time({self.line_filter(statement)} [{step}s]))"
            branches.append(f'label_replace({inner}, "{STMT_LABEL}", "{n}", "", "")')
        return " or ".join(branches)

    def _get(self, path: str, params: dict[str, Any]) -> dict:
        response = self.client.request("GET", path, params=params, describe_error=_loki_error)
        try:
            body = response.json()
        except ValueError:
            raise RemoteStoreError(f"{self.url} did not answer JSON: {response.text[:200]}", "query") from None
        if body.get("status") != "success":
            raise RemoteStoreError(f"{self.url}: {body.get('errorType', 'error')}: {body.get('error')}", "query")
        return body["data"]

    # -- Store protocol -----------------------------------------------------------------------------------------

    def counts(self, statements: Sequence[LogStatement], time_range: TimeRange) -> dict[str, Counts]:
        unique = list({s.key: s for s in statements}.values())
        if not unique:
            return {}
        return self.cache.counts(unique, time_range, lambda todo: self._fetch_counts(todo, time_range))

    def _fetch_counts(self, statements: Sequence[LogStatement], tr: TimeRange) -> dict[str, Counts]:
        start, end = int(tr.start.timestamp()), int(tr.end.timestamp())
        step = _bucket_step(end - start)
        n_buckets = -(-(end - start) // step)
        countable = [(i, s) for i, s in enumerate(statements) if not s.template.is_dynamic]
        batches = [countable[k:k + self.batch] for k in range(0, len(countable), self.batch)]
        params = {"start": str(start - (end - start) + step), "end": str(end), "step": f"{step}s"}

        def run(batch: list[tuple[int, LogStatement]]) -> list[dict]:
            data = self._get("/loki/api/v1/query_range", {**params, "query": self.count_query(batch, step)})
            if data.get("resultType") != "matrix":
                raise RemoteStoreError(f"{self.url}: expected a matrix, got {data.get('resultType')}", "query")
            return data.get("result", [])

        with ThreadPoolExecutor(max_workers=min(self.concurrency, max(1, len(batches)))) as pool:
            results = list(pool.map(run, batches))
        counts = {s.key: Counts(buckets=[Bucket(datetime.fromtimestamp(start + k * step, timezone.utc), 0)
                                         for k in range(n_buckets)]) for s in statements}
        for series_list in results:
            for series in series_list:
                index = int(series.get("metric", {}).get(STMT_LABEL, -1))
                if not 0 <= index < len(statements):
                    continue
                c = counts[statements[index].key]
                for ts, value in series.get("values", []):
                    t, n = int(float(ts)), int(float(value))
                    bucket_start = t - step  # the point at t counts (t - step, t]
                    if bucket_start < start:
                        c.previous += n
                        continue
                    c.total += n
                    k = (bucket_start - start) // step
                    if 0 <= k < n_buckets:
                        c.buckets[k] = Bucket(c.buckets[k].start, c.buckets[k].count + n)
                        if n:
                            first = datetime.fromtimestamp(bucket_start, timezone.utc)
                            last = datetime.fromtimestamp(t, timezone.utc)
                            c.first_seen = first if c.first_seen is None else min(c.first_seen, first)
                            c.last_seen = last if c.last_seen is None else max(c.last_seen, last)
        return counts

    def samples(self, statement: LogStatement, time_range: TimeRange, limit: int = 5) -> list[Sample]:
        return self.cache.samples(statement, time_range, limit,
                                  lambda: self._fetch_samples(statement, time_range, limit))

    def _fetch_samples(self, statement: LogStatement, tr: TimeRange, limit: int) -> list[Sample]:
        if statement.template.is_dynamic:
            return []
        limit = max(1, min(int(limit), 1000))
        data = self._get("/loki/api/v1/query_range", {
            "query": self.line_filter(statement), "limit": str(limit), "direction": "backward",
            "start": str(int(tr.start.timestamp() * 1e9)), "end": str(int(tr.end.timestamp() * 1e9))})
        lines = []
        for stream in data.get("result", []):
            labels = {k: str(v) for k, v in stream.get("stream", {}).items()}
            for ts, line in stream.get("values", []):
                lines.append((int(ts), line, labels))
        lines.sort(key=lambda item: item[0], reverse=True)
        level_label = self.level_label or "level"
        samples = [Sample(datetime.fromtimestamp(ts / 1e9, timezone.utc), line,
                          normalize_level(labels.get(level_label)) or labels.get(level_label), labels)
                   for ts, line, labels in lines[:limit]]
        return self.redactor(samples)

    def dashboard_url(self, statement: LogStatement, time_range: TimeRange) -> str | None:
        request = DashboardRequest(store_kind="loki", statement=statement, time_range=time_range,
                                   query=self.line_filter(statement),
                                   regex=render.re2(statement.template, anchored=self.anchored),
                                   service=self.service)
        return build_dashboard_url(self.config.dashboard, request)

    def status(self) -> StoreStatus:
        return self.cache.status(self.url)

    def close(self) -> None:
        self.client.close()
