"""Hostile statement text cannot change a ClickHouse query: proven against the real Debian server (values as
unhex literals) and ClickHouse 26.x in chdb (values as query parameters)."""

from __future__ import annotations

import dataclasses

import pytest

from prodlens.model import Hole, Template
from prodlens.stores.clickhouse import ClickHouseStore

from .conftest import store_config
from .logdata import HOSTILE, HOSTILE_STMT, PAYING, STATEMENTS, WINDOW

ATTACKS = [
    "x' OR 1=1 --",
    "x') OR match(Body, '') OR ('",
    "\\' OR 1=1 /*",
    "*/ OR 1=1 /*",
    "`Body` OR 1",
    "{p0:String}",
    "{p1:Array(String)} {x}",
    "'); DROP TABLE otel_logs; --",
    "line one\nline two\r\n\t'--",
    "unhex('41') ) OR (1",
    "\\x00\x00 nul",
]


def _row_count(store: ClickHouseStore) -> int:
    return int(store.transport.query("SELECT count() FROM otel_logs FORMAT JSONCompact")["data"][0][0])


@pytest.fixture(params=["debian-18.16", "chdb"])
def store(request, clickhouse, chdb_session, workspace):
    if request.param == "chdb":
        s = ClickHouseStore.with_chdb_session(chdb_session, store_config("clickhouse+http://unused"))
    else:
        s = ClickHouseStore.from_config(store_config(f"clickhouse+{clickhouse.url}"), workspace)
    yield s
    s.close()


@pytest.mark.parametrize("attack", ATTACKS)
def test_hostile_templates_count_nothing_and_change_nothing(store, attack, dataset):
    before = _row_count(store)
    hostile = dataclasses.replace(PAYING, key="hostile", template=Template.of(attack, Hole()), level="error",
                                  logger=attack)
    counts = store.counts([hostile, PAYING], WINDOW)
    # the attack text is a literal: no record starts with it, so it counts nothing, and PAYING is unaffected
    assert counts["hostile"].total == 0 and counts["hostile"].previous == 0
    assert counts[PAYING.key].total == dataset.expected()[PAYING.key]["total"]
    assert store.samples(hostile, WINDOW, limit=3) == []
    assert _row_count(store) == before


def test_hostile_text_that_was_really_logged_is_counted_exactly(store, dataset):
    counts = store.counts(STATEMENTS, WINDOW)
    assert counts[HOSTILE_STMT.key].total == dataset.expected()[HOSTILE_STMT.key]["total"] > 0
    samples = store.samples(HOSTILE_STMT, WINDOW, limit=2)
    assert samples and all(s.message.startswith(HOSTILE + "\nsecond line #") for s in samples)


def test_statement_text_never_appears_in_the_sql(store):
    builder = store.builder()
    built = builder.counts(STATEMENTS, WINDOW)
    for probe in ("DROP TABLE", "back`tick", "*/ --", "Customer", "paying"):
        assert probe not in built.sql
    sample_sql = builder.samples(HOSTILE_STMT, WINDOW, 5).sql
    assert "DROP" not in sample_sql and "it's" not in sample_sql


def test_hostile_service_filter_from_configuration(clickhouse, workspace):
    store = ClickHouseStore.from_config(store_config(f"clickhouse+{clickhouse.url}", service="api' OR '1'='1"),
                                        workspace)
    try:
        assert store.counts([PAYING], WINDOW)[PAYING.key].total == 0
    finally:
        store.close()
