"""LokiStore against a fake Loki (tests/stores/fake_loki.py, built from Loki's documented HTTP API: no Loki
server can be installed here). Expected counts come from searching the generated lines with Python's `re`,
which is what `|~` means."""

from __future__ import annotations

import re

import pytest

from prodlens.model import normalize_level
from prodlens.render import python_regex
from prodlens.stores.base import StoreError
from prodlens.stores.loki import LokiStore, logql_string
from prodlens.stores.registry import open_store

from .conftest import store_config
from .fake_loki import FakeLoki, Parser, Stream
from .logdata import CONNECTED_INFO, CONNECTED_WARN, HOSTILE, HOSTILE_STMT, PAYING, STATEMENTS, WINDOW


def _line(r) -> str:
    return f"{r.ts.isoformat()} {r.level} {r.logger} - {r.body}"


@pytest.fixture
def loki(dataset):
    streams: dict[tuple, Stream] = {}
    for r in dataset.records:
        labels = {"service_name": r.service, "level": normalize_level(r.level) or ""}
        stream = streams.setdefault(tuple(sorted(labels.items())), Stream(labels))
        stream.entries.append((int(r.ts.timestamp() * 1e9), _line(r)))
    with FakeLoki(list(streams.values()), token="loki-TOKEN-42") as fake:
        yield fake


def _expected(dataset, statement, start, end):
    pattern = re.compile(python_regex(statement.template, anchored=False), re.DOTALL)
    return sum(1 for r in dataset.records if start <= r.ts < end and pattern.search(_line(r)))


@pytest.fixture
def store(loki, workspace, monkeypatch):
    monkeypatch.setenv("PRODLENS_TEST_LOKI_TOKEN", "loki-TOKEN-42")
    s = open_store(store_config(f"loki+{loki.url}", token_env="PRODLENS_TEST_LOKI_TOKEN", batch=3,
                                concurrency=2), workspace)
    yield s
    s.close()


def test_counts_are_batched_concurrent_and_right(store, loki, dataset):
    counts = store.counts(STATEMENTS, WINDOW)
    for statement in STATEMENTS:
        got = counts[statement.key]
        if statement.template.is_dynamic:
            assert got.total == 0  # nothing in a line identifies a fully dynamic message
            continue
        assert got.total == _expected(dataset, statement, WINDOW.start, WINDOW.end), statement.template.text
        assert got.previous == _expected(dataset, statement, WINDOW.previous_start, WINDOW.start)
        assert sum(b.count for b in got.buckets) == got.total and len(got.buckets) == 24
    assert counts[PAYING.key].total > 0 and counts[HOSTILE_STMT.key].total > 0
    count_requests = [r for r in loki.requests if "step" in r]
    assert len(count_requests) == 3  # 7 countable statements in batches of 3
    assert all(" or " in r["query"] for r in count_requests[:2])


def test_samples_are_the_newest_lines(store, dataset):
    samples = store.samples(PAYING, WINDOW, limit=3)
    truth = sorted((r for r in dataset.records if r.truth == PAYING.key and WINDOW.start <= r.ts < WINDOW.end),
                   key=lambda r: r.ts, reverse=True)[:3]
    assert [s.message for s in samples] == [_line(r) for r in truth]
    assert samples[0].attributes["service_name"] in ("api", "worker")


def test_hostile_text_survives_logql_quoting():
    for text in (HOSTILE, 'a"b\\c`d\ne\tf{g}', "\x01"):
        parsed = Parser("{a=" + logql_string(text) + "}").log_expr()
        assert parsed[1] == [("a", "=", text)]


def test_429_is_retried_with_backoff(loki, dataset, monkeypatch):
    monkeypatch.setenv("PRODLENS_TEST_LOKI_TOKEN", "loki-TOKEN-42")
    store = LokiStore(store_config(f"loki+{loki.url}", token_env="PRODLENS_TEST_LOKI_TOKEN", retries=2,
                                   backoff=0.01))
    loki.fail_next = 2
    counts = store.counts([PAYING], WINDOW)
    assert loki.fail_next == 0
    assert counts[PAYING.key].total == _expected(dataset, PAYING, WINDOW.start, WINDOW.end)


def test_wrong_token_is_an_auth_error(loki, workspace, monkeypatch):
    monkeypatch.setenv("PRODLENS_TEST_LOKI_TOKEN", "not-the-token-99")
    s = LokiStore(store_config(f"loki+{loki.url}", token_env="PRODLENS_TEST_LOKI_TOKEN"))
    with pytest.raises(StoreError) as info:
        s.counts([PAYING], WINDOW)
    assert info.value.kind == "auth" and "not-the-token-99" not in str(info.value)


def test_parse_error_body_is_reported(loki, workspace, monkeypatch):
    monkeypatch.setenv("PRODLENS_TEST_LOKI_TOKEN", "loki-TOKEN-42")
    s = LokiStore(store_config(f"loki+{loki.url}", token_env="PRODLENS_TEST_LOKI_TOKEN",
                               selector='{service_name="api",}'))
    with pytest.raises(StoreError, match="parse error"):
        s.counts([PAYING], WINDOW)


def test_selector_must_look_like_one(workspace):
    with pytest.raises(StoreError, match="store.selector"):
        LokiStore(store_config("loki+http://127.0.0.1:1", selector="service_name=api"))


def _expected_at_level(dataset, statement, start, end):
    pattern = re.compile(python_regex(statement.template, anchored=False), re.DOTALL)
    return sum(1 for r in dataset.records if start <= r.ts < end and pattern.search(_line(r))
               and normalize_level(r.level) in (statement.level, None))


def test_level_label_narrows_counts_between_same_text_statements(loki, dataset, workspace, monkeypatch):
    """"Connected to {}" is logged at info and at warn: with `level_label` each statement counts its own lines;
    without it both count every line."""
    monkeypatch.setenv("PRODLENS_TEST_LOKI_TOKEN", "loki-TOKEN-42")
    narrowed = LokiStore(store_config(f"loki+{loki.url}", token_env="PRODLENS_TEST_LOKI_TOKEN", level_label="level"))
    plain = LokiStore(store_config(f"loki+{loki.url}", token_env="PRODLENS_TEST_LOKI_TOKEN"))
    by_level = narrowed.counts(STATEMENTS, WINDOW)
    unnarrowed = plain.counts([CONNECTED_INFO, CONNECTED_WARN], WINDOW)
    info = by_level[CONNECTED_INFO.key].total
    warn = by_level[CONNECTED_WARN.key].total
    assert info == _expected_at_level(dataset, CONNECTED_INFO, WINDOW.start, WINDOW.end) > 0
    assert warn == _expected_at_level(dataset, CONNECTED_WARN, WINDOW.start, WINDOW.end) > 0
    assert unnarrowed[CONNECTED_INFO.key].total == unnarrowed[CONNECTED_WARN.key].total == info + warn
    for statement in STATEMENTS:
        if not statement.template.is_dynamic:
            assert by_level[statement.key].total == _expected_at_level(dataset, statement, WINDOW.start,
                                                                       WINDOW.end), statement.template.text


def test_level_label_accepts_every_spelling_and_unknown_levels():
    now = int(WINDOW.end.timestamp() * 1e9) - 10**9
    line = "Connected to db-1"
    streams = [Stream({"service_name": "api", "detected_level": level}, [(now, line)])
               for level in ("WARNING", "warn", "Info", "unknown", "", "error")]
    with FakeLoki(streams) as fake:
        store = LokiStore(store_config(f"loki+{fake.url}", level_label="detected_level", service="api"))
        counts = store.counts([CONNECTED_INFO, CONNECTED_WARN], WINDOW)
        samples = store.samples(CONNECTED_WARN, WINDOW, limit=10)
    assert counts[CONNECTED_WARN.key].total == 4  # WARNING, warn, unknown, no level
    assert counts[CONNECTED_INFO.key].total == 3  # Info, unknown, no level
    assert sorted(s.level or "" for s in samples) == ["", "unknown", "warn", "warn"]


def test_level_label_must_be_a_label_name(workspace):
    with pytest.raises(StoreError, match="store.level_label"):
        LokiStore(store_config("loki+http://127.0.0.1:1", level_label='level="x"'))
