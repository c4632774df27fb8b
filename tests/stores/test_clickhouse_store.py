"""ClickHouseStore against a real Debian clickhouse-server 18.16 (legacy layout: countIf(match), unhex values)
and ClickHouse 26.x in chdb (OTel collector layout: multiMatchAllIndices, Map attributes, query parameters).

Every expectation comes from the generated records' truth (tests/stores/logdata.py), never from numbers typed
into the test."""

from __future__ import annotations

import pytest

from prodlens.stores.clickhouse import ClickHouseStore
from prodlens.stores.registry import open_store

from .conftest import store_config
from .logdata import LOGIN, DYNAMIC, NEVER, NOW, PAYING, STATEMENTS, WINDOW


@pytest.fixture
def legacy_store(clickhouse, workspace):
    store = open_store(store_config(f"clickhouse+{clickhouse.url}"), workspace)
    yield store
    store.close()


@pytest.fixture(params=["multimatch", "countif"])
def modern_store(request, chdb_session):
    store = ClickHouseStore.with_chdb_session(chdb_session, store_config("clickhouse+http://unused",
                                                                         strategy=request.param))
    yield store
    store.close()


def _check_counts(store, dataset):
    counts = store.counts(STATEMENTS, WINDOW)
    expected = dataset.expected()
    assert set(counts) == {s.key for s in STATEMENTS}
    for statement in STATEMENTS:
        got, want = counts[statement.key], expected.get(statement.key)
        if want is None:
            assert got.total == 0 and got.previous == 0, statement.template.text
            continue
        assert (got.total, got.previous) == (want["total"], want["previous"]), statement.template.text
        assert got.by_service == dict(want["by_service"])
        assert got.by_version == dict(want["by_version"])
        assert got.by_level == dict(want["by_level"])
        assert sum(b.count for b in got.buckets) == got.total
        assert got.buckets[0].start == WINDOW.start and len(got.buckets) == 24
        assert got.first_seen is not None and got.last_seen <= NOW
        assert not got.stale
    return counts


def test_counts_on_debian_clickhouse_match_the_generated_truth(legacy_store, dataset):
    counts = _check_counts(legacy_store, dataset)
    assert counts[DYNAMIC.key].total > 0  # counted by code location alone
    assert counts[NEVER.key].total == 0
    details = legacy_store.status().details
    assert details["counting"] == "countIf(match)" and details["parameters"] == "unhex literals"
    assert details["version"].startswith("18.")


def test_counts_on_modern_clickhouse_match_the_generated_truth(modern_store, dataset):
    _check_counts(modern_store, dataset)
    details = modern_store.status().details
    assert details["parameters"] == "query parameters"


def test_modern_and_legacy_servers_agree(legacy_store, chdb_session):
    modern = ClickHouseStore.with_chdb_session(chdb_session, store_config("clickhouse+http://unused"))
    a, b = legacy_store.counts(STATEMENTS, WINDOW), modern.counts(STATEMENTS, WINDOW)
    assert {k: (c.total, c.previous, [x.count for x in c.buckets]) for k, c in a.items()} == \
           {k: (c.total, c.previous, [x.count for x in c.buckets]) for k, c in b.items()}


@pytest.mark.parametrize("which", ["legacy", "modern"])
def test_samples_are_newest_first_and_only_the_statements_own(which, legacy_store, chdb_session, dataset):
    store = legacy_store if which == "legacy" else ClickHouseStore.with_chdb_session(
        chdb_session, store_config("clickhouse+http://unused"))
    samples = store.samples(PAYING, WINDOW, limit=4)
    truth = sorted((r for r in dataset.records if r.truth == PAYING.key and WINDOW.start <= r.ts < WINDOW.end),
                   key=lambda r: r.ts, reverse=True)[:4]
    assert [s.message for s in samples] == [r.body for r in truth]
    assert [s.timestamp for s in samples] == [r.ts for r in truth]
    assert samples[0].attributes["service.name"] in ("api", "worker")
    located = store.samples(DYNAMIC, WINDOW, limit=2)
    assert located and all(s.attributes["code.file.path"].endswith("payments.py") for s in located)


def test_samples_are_redacted(legacy_store):
    samples = legacy_store.samples(LOGIN, WINDOW, limit=2)
    assert samples and all("@example.com" not in s.message and "[email]" in s.message for s in samples)
