"""Fixtures for the remote-store tests: a real ClickHouse 18.16 server (Debian), ClickHouse 26.x in-process
(chdb), osmem-server for OpenSearch, all loaded with the same generated records."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from prodlens.config import Config

from .logdata import Dataset, make_dataset
from .servers import ClickHouseServer, OpenSearchServer

LEGACY_DDL = """CREATE TABLE {table} (
  Timestamp DateTime, SeverityText String, ServiceName String, Body String, ScopeName String,
  ResourceAttributes Nested(key String, value String),
  LogAttributes Nested(key String, value String)
) ENGINE = MergeTree() PARTITION BY toDate(Timestamp) ORDER BY (ServiceName, Timestamp)"""

# The OpenTelemetry collector's ClickHouse exporter table (abridged: the columns prodlens reads plus a few).
OTEL_DDL = """CREATE TABLE {table} (
  Timestamp DateTime64(9) CODEC(Delta, ZSTD(1)),
  TimestampTime DateTime DEFAULT toDateTime(Timestamp),
  TraceId String CODEC(ZSTD(1)), SpanId String CODEC(ZSTD(1)), TraceFlags UInt8,
  SeverityText LowCardinality(String) CODEC(ZSTD(1)), SeverityNumber UInt8,
  ServiceName LowCardinality(String) CODEC(ZSTD(1)), Body String CODEC(ZSTD(1)),
  ResourceSchemaUrl LowCardinality(String), ResourceAttributes Map(LowCardinality(String), String),
  ScopeSchemaUrl LowCardinality(String), ScopeName String, ScopeVersion LowCardinality(String),
  ScopeAttributes Map(LowCardinality(String), String),
  LogAttributes Map(LowCardinality(String), String)
) ENGINE = MergeTree PARTITION BY toDate(TimestampTime) ORDER BY (ServiceName, TimestampTime, Timestamp)"""


def legacy_rows(data: Dataset) -> bytes:
    lines = []
    for r in data.records:
        keys, values = (["code.file.path", "code.line.number"], [r.file, str(r.line)]) if r.file else ([], [])
        lines.append(json.dumps({
            "Timestamp": r.ts.strftime("%Y-%m-%d %H:%M:%S"), "SeverityText": r.level, "ServiceName": r.service,
            "Body": r.body, "ScopeName": r.logger,
            "ResourceAttributes.key": ["service.version"], "ResourceAttributes.value": [r.version],
            "LogAttributes.key": keys, "LogAttributes.value": values}))
    return ("\n".join(lines) + "\n").encode()


def otel_rows(data: Dataset) -> str:
    lines = []
    for r in data.records:
        attrs = {"code.file.path": r.file, "code.line.number": str(r.line)} if r.file else {}
        lines.append(json.dumps({
            "Timestamp": r.ts.strftime("%Y-%m-%d %H:%M:%S.%f"), "SeverityText": r.level, "ServiceName": r.service,
            "Body": r.body, "ScopeName": r.logger, "ResourceAttributes": {"service.version": r.version},
            "LogAttributes": attrs}))
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="session")
def dataset() -> Dataset:
    return make_dataset()


@pytest.fixture(scope="session")
def clickhouse(tmp_path_factory, dataset):
    """Debian's clickhouse-server 18.16 on a free port, `otel_logs` in the legacy layout, loaded."""
    server = ClickHouseServer(tmp_path_factory.mktemp("clickhouse")).start()
    try:
        server.sql(LEGACY_DDL.format(table="otel_logs"))
        server.sql("INSERT INTO otel_logs FORMAT JSONEachRow", legacy_rows(dataset))
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def chdb_session(tmp_path_factory, dataset):
    """ClickHouse 26.x in-process with the collector's `otel_logs` table (Map attributes, DateTime64)."""
    from chdb import session as chdb_session

    directory = tmp_path_factory.mktemp("chdb")
    rows = directory / "rows.jsonl"
    rows.write_text(otel_rows(dataset))
    cwd = os.getcwd()
    os.chdir(directory)  # chdb reads a config.xml from the working directory: make sure it is ours (none)
    try:
        sess = chdb_session.Session(str(directory / "db"))
    finally:
        os.chdir(cwd)
    sess.query(OTEL_DDL.format(table="otel_logs"))
    sess.query("SET date_time_input_format = 'best_effort'")
    sess.query(f"INSERT INTO otel_logs (Timestamp, SeverityText, ServiceName, Body, ScopeName, ResourceAttributes, "
               f"LogAttributes) SELECT * FROM file('{rows}', JSONEachRow, 'Timestamp DateTime64(9, \\'UTC\\'), "
               "SeverityText String, ServiceName String, Body String, ScopeName String, "
               "ResourceAttributes Map(String, String), LogAttributes Map(String, String)')")
    yield sess
    sess.close()


@pytest.fixture(scope="session")
def opensearch():
    server = OpenSearchServer().start()
    try:
        yield server
    finally:
        server.stop()


def store_config(url: str, **store) -> Config:
    return Config().merged({"store": {"url": url, "retries": 0, "timeout": 10.0, **store}})


@pytest.fixture
def workspace(tmp_path) -> Path:
    return tmp_path
