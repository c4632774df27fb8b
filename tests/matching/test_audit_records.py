"""The record reader on input of odd shapes: every input record gives exactly one result, nothing raises."""

from __future__ import annotations

import io
import json

import pytest

from prodlens.matching.records import parse_line, read_records


def _otlp(log_records, resource=None, scope=None) -> dict:
    scope_logs = {"logRecords": log_records}
    if scope is not None:
        scope_logs["scope"] = scope
    resource_logs = {"scopeLogs": [scope_logs]}
    if resource is not None:
        resource_logs["resource"] = resource
    return {"resourceLogs": [resource_logs]}


GOOD = {"body": {"stringValue": "Order 1 placed by ann"}}

ODD_OTLP = [
    {"resourceLogs": 1},
    {"resourceLogs": [{"scopeLogs": 1}]},
    {"resourceLogs": [{"scopeLogs": [{"logRecords": 1}]}]},
    _otlp([GOOD], resource="svc"),
    _otlp([GOOD], resource={"attributes": {"service.name": "svc"}}),
    _otlp([GOOD], scope=["shop.orders"]),
    _otlp([GOOD], scope={"name": {"stringValue": "shop.orders"}}),
    _otlp([{"body": {"kvlistValue": "x"}}]),
    _otlp([{"body": {"kvlistValue": {"values": None}}}]),
    _otlp([{"body": {"kvlistValue": {"values": [1, {"key": "a", "value": {"arrayValue": "x"}}]}}}]),
    _otlp([{"body": {"arrayValue": {"values": None}}}]),
    _otlp([{"body": {"stringValue": "x"}, "attributes": [{"key": "logger.name", "value": {"intValue": "3"}}]}]),
]


@pytest.mark.parametrize("request_", ODD_OTLP, ids=range(len(ODD_OTLP)))
def test_otlp_of_odd_shape_gives_one_result_per_line(request_):
    """A null, number or string where OTLP/JSON has an object or array used to raise (AttributeError,
    TypeError) out of the reader and end `prodlens map` with a traceback and no output."""
    data = json.dumps(request_).encode() + b"\n" + json.dumps(_otlp([GOOD])).encode() + b"\n"
    results = list(read_records(io.BytesIO(data), fmt="otlp"))
    assert [r.line_no for r in results] == [1, 2]
    assert results[1].record.message == "Order 1 placed by ann"
    first = results[0]
    assert (first.record is None) == (first.skipped == "OTLP request without log records")
    if first.record is not None:
        assert first.record.logger is None or isinstance(first.record.logger, str)
    assert parse_line(json.dumps(request_)) is not None


def test_otlp_odd_values_are_read_as_well_as_they_can_be():
    results = list(read_records(io.BytesIO(json.dumps(_otlp(
        [{"body": {"kvlistValue": {"values": [1, {"key": "a", "value": {"intValue": "7"}}]}},
          "attributes": [{"key": "code.line.number", "value": {"intValue": "12"}}]}],
        resource="svc", scope={"name": "shop.orders"})).encode()), fmt="otlp"))
    record = results[0].record
    assert json.loads(record.message) == {"a": 7}
    assert record.logger == "shop.orders" and record.attributes["code.line.number"] == 12
