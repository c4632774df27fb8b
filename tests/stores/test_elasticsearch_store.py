"""ElasticsearchStore against osmem-server (an OpenSearch-API server from PyPI, run on 127.0.0.1), plus
Elasticsearch's documented error shapes served by a small local HTTP peer."""

from __future__ import annotations

import json
import httpx
import pytest

from prodlens.stores.base import StoreError
from prodlens.stores.elasticsearch import ElasticsearchStore
from prodlens.stores.registry import open_store

from .conftest import store_config
from .servers import CannedServer
from .logdata import CONNECTED_INFO, DYNAMIC, PAYING, RETRY, STATEMENTS, WINDOW

MAPPING = {"mappings": {"properties": {
    "@timestamp": {"type": "date"},
    "message": {"type": "text", "fields": {"keyword": {"type": "keyword", "ignore_above": 4096}}},
    "log": {"properties": {"level": {"type": "keyword"}, "logger": {"type": "keyword"},
                           "origin": {"properties": {"file": {"properties": {
                               "name": {"type": "keyword"}, "line": {"type": "integer"}}}}}}},
    "service": {"properties": {"name": {"type": "keyword"}, "version": {"type": "keyword"}}},
}}}


@pytest.fixture(scope="module")
def es_url(opensearch, dataset):
    client = httpx.Client(base_url=opensearch.url, timeout=30)
    assert client.put("/logs-app", json=MAPPING).status_code == 200
    lines = []
    for r in dataset.records:
        doc = {"@timestamp": r.ts.isoformat().replace("+00:00", "Z"), "message": r.body,
               "log": {"level": r.level, "logger": r.logger},
               "service": {"name": r.service, "version": r.version}}
        if r.file:
            doc["log"]["origin"] = {"file": {"name": r.file, "line": r.line}}
        lines += [json.dumps({"index": {"_index": "logs-app"}}), json.dumps(doc)]
    response = client.post("/_bulk", params={"refresh": "true"}, content="\n".join(lines) + "\n",
                           headers={"Content-Type": "application/x-ndjson"})
    assert response.status_code == 200 and not response.json()["errors"]
    client.close()
    return opensearch.url


def _store(url, workspace, **store):
    return open_store(store_config(f"opensearch+{url}", **store), workspace)


def test_counts_with_keyword_regexp_match_the_truth(es_url, workspace, dataset):
    store = _store(es_url, workspace, columns={"message_keyword": "message.keyword"})
    counts = store.counts(STATEMENTS, WINDOW)
    expected = dataset.expected()
    for statement in STATEMENTS:
        want = expected.get(statement.key, {"total": 0, "previous": 0})
        got = counts[statement.key]
        assert (got.total, got.previous) == (want["total"], want["previous"]), statement.template.text
        if got.total:
            assert got.by_service == dict(want["by_service"])
            assert got.by_level == dict(want["by_level"])
            assert sum(b.count for b in got.buckets) == got.total and len(got.buckets) == 24
    assert counts[DYNAMIC.key].total > 0  # by code location


def test_phrase_only_counts_are_a_superset(es_url, workspace, dataset):
    store = _store(es_url, workspace)
    counts = store.counts(STATEMENTS, WINDOW)
    expected = dataset.expected()
    assert counts[RETRY.key].total == expected[RETRY.key]["total"]
    assert counts[CONNECTED_INFO.key].total == expected[CONNECTED_INFO.key]["total"]
    assert counts[PAYING.key].total >= expected[PAYING.key]["total"]


def test_samples_newest_first(es_url, workspace, dataset):
    store = _store(es_url, workspace, columns={"message_keyword": "message.keyword"})
    samples = store.samples(PAYING, WINDOW, limit=3)
    truth = sorted((r for r in dataset.records if r.truth == PAYING.key and WINDOW.start <= r.ts < WINDOW.end),
                   key=lambda r: r.ts, reverse=True)[:3]
    assert [s.message for s in samples] == [r.body for r in truth]
    assert samples[0].level == "info" and samples[0].attributes["service.name"] in ("api", "worker")


def test_missing_index_counts_zero_and_bad_field_is_a_schema_error(es_url, workspace):
    store = _store(es_url, workspace, index="nothing-here-*")
    assert store.counts([PAYING], WINDOW)[PAYING.key].total == 0


@pytest.mark.parametrize("status,body,kind,text", [
    (404, {"error": {"root_cause": [{"type": "index_not_found_exception", "reason": "no such index [logs-x]"}],
                     "type": "index_not_found_exception", "reason": "no such index [logs-x]"}, "status": 404},
     "schema", "no such index"),
    (400, {"error": {"root_cause": [{"type": "query_shard_exception", "reason": "failed to create query"}],
                     "type": "search_phase_execution_exception", "reason": "all shards failed"}, "status": 400},
     "schema", "store.columns"),
    (401, {"error": {"type": "security_exception", "reason": "missing authentication credentials"}, "status": 401},
     "auth", "refused the credentials"),
])
def test_documented_elasticsearch_errors(status, body, kind, text, monkeypatch):
    monkeypatch.setenv("PRODLENS_TEST_ES_TOKEN", "tok-SECRET-123")
    with CannedServer(status, body) as server:
        store = ElasticsearchStore(store_config(f"elasticsearch+{server.url}", token_env="PRODLENS_TEST_ES_TOKEN"))
        with pytest.raises(StoreError) as info:
            store.counts([PAYING], WINDOW)
        store.close()
    assert info.value.kind == kind and text in str(info.value)
    assert "tok-SECRET-123" not in str(info.value) and server.url.split("//")[1] in str(info.value)
    assert server.headers_seen[0]["Authorization"] == "Bearer tok-SECRET-123"


def test_messages_too_long_for_the_keyword_copy_still_count(opensearch, workspace):
    """Dynamic mappings index `message.keyword` only up to `ignore_above` characters: a longer message has no
    keyword value, so the regexp cannot see it. It must still count on the phrase (as a record without a level
    does), not silently vanish."""
    client = httpx.Client(base_url=opensearch.url, timeout=30)
    mapping = {"mappings": {"properties": {
        "@timestamp": {"type": "date"},
        "message": {"type": "text", "fields": {"keyword": {"type": "keyword", "ignore_above": 40}}}}}}
    assert client.put("/long-messages", json=mapping).status_code == 200
    at = (WINDOW.end - (WINDOW.end - WINDOW.start) / 2).isoformat().replace("+00:00", "Z")
    messages = ["Customer c1 paying 12.5",  # short: the regexp decides, and it fits
                "Customer " + "c" * 60 + " paying 99.5",  # long: no keyword value, counted on the phrase
                "Not a customer but paying anyway"]  # short: the regexp rules it out
    lines = []
    for message in messages:
        lines += [json.dumps({"index": {"_index": "long-messages"}}), json.dumps({"@timestamp": at, "message": message})]
    response = client.post("/_bulk", params={"refresh": "true"}, content="\n".join(lines) + "\n",
                           headers={"Content-Type": "application/x-ndjson"})
    assert response.status_code == 200 and not response.json()["errors"]
    client.close()
    store = _store(opensearch.url, workspace, index="long-messages", columns={"message_keyword": "message.keyword"})
    assert store.counts([PAYING], WINDOW)[PAYING.key].total == 2
