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


BOM = b"\xef\xbb\xbf"


class _Trickle(io.RawIOBase):
    """A stream whose read1 gives one byte at a time, like a pipe written byte by byte."""

    def __init__(self, data: bytes):
        self._data = io.BytesIO(data)

    def read1(self, size: int = -1) -> bytes:
        return self._data.read(1)


@pytest.mark.parametrize("fmt, first, second", [
    ("auto", b'{"message": "Order 1 placed by ann", "level": "INFO"}', b'{"message": "two"}'),
    ("jsonl", b'{"message": "Order 1 placed by ann", "level": "INFO"}', b'{"message": "two"}'),
    ("auto", b'level=info msg="Order 1 placed by ann"', b"level=info msg=two"),
    ("auto", b"2024-01-01 10:00:00,123 INFO shop.orders Order 1 placed by ann",
     b"2024-01-01 10:00:01,123 INFO shop.orders two"),
    ("text", b"Order 1 placed by ann", b"two"),
])
def test_a_byte_order_mark_opening_the_input_is_not_part_of_the_first_record(fmt, first, second):
    """A UTF-8 BOM at the start of a file made its first JSON line invalid, its first logfmt key `\\ufefflevel`,
    its first text message start with U+FEFF, and a one-line file's format impossible to tell."""
    data = BOM + first + b"\r\n" + second + b"\n"
    readers = {"block": io.BytesIO(data), "trickle": _Trickle(data), "lines": [BOM + first + b"\r\n", second + b"\n"]}
    for how, stream in readers.items():
        results = list(read_records(stream, fmt=fmt))
        assert [r.record.message for r in results] == ["Order 1 placed by ann", "two"], how
        assert [r.end_offset for r in results] == [len(BOM + first) + 2, len(data)], how
        assert fmt == "text" or results[0].record.level == "info", how
    alone = list(read_records(io.BytesIO(BOM + first + b"\n"), fmt=fmt))
    assert [r.record.message for r in alone] == ["Order 1 placed by ann"]


def test_only_the_opening_byte_order_mark_is_dropped():
    data = BOM + b'{"message": "one"}\n' + BOM + b'{"message": "two"}\n'
    results = list(read_records(io.BytesIO(data), fmt="jsonl"))
    assert results[0].record.message == "one" and results[1].skipped.startswith("invalid JSON")
    assert list(read_records(io.BytesIO(BOM[:2]), fmt="text"))[0].record.message == "\ufffd"


def test_numbers_beyond_a_double_and_nan_are_read_not_skipped():
    """Python's json.dumps writes NaN and Infinity, and ids can have hundreds of digits: orjson refused those
    lines, so the record was skipped as invalid JSON though every other field was fine."""
    lines = [b'{"message": "m1", "latency": NaN, "level": "INFO"}',
             b'{"message": "m2", "ratio": Infinity, "delta": -Infinity, "level": "INFO"}',
             b'{"message": "m3", "id": ' + b"9" * 400 + b', "level": "INFO"}',
             b'{"message": "m4", "big": 1e400, "level": "INFO"}',
             b'{"message": "m5", "level": "INFO"',
             b'{"message": "m6 \\ud800", "x": NaN}']
    results = list(read_records(io.BytesIO(b"\n".join(lines) + b"\n"), fmt="auto"))
    assert [r.record.message if r.record else None for r in results] == ["m1", "m2", "m3", "m4", None, None]
    assert results[2].record.attributes["id"] == int("9" * 400)
    assert results[1].record.attributes["ratio"] == float("inf") and results[0].record.level == "info"
    assert results[4].skipped.startswith("invalid JSON") and results[5].skipped.startswith("invalid JSON")


@pytest.mark.parametrize("line", [
    b'{"message": "m", "level": NaN, "msg": "m"}',
    b'{"message": "m", "level": Infinity}',
    b'{"message": "m", "ts": Infinity, "time": 1e400}',
    b'{"message": "m", "ts": ' + b"9" * 400 + b"}",
    b'{"message": "m", "ts": "' + b"9" * 5000 + b'"}',
    b'{"message": "m", "code.file.path": "shop/orders.py", "code.line.number": Infinity}',
    b'{"resourceLogs": [{"scopeLogs": [{"logRecords": [{"body": {"stringValue": "m"}, "severityNumber": Infinity, '
    b'"severityText": NaN, "timeUnixNano": 1e400, "attributes": [{"key": "code.file.path", "value": '
    b'{"stringValue": "shop/orders.py"}}, {"key": "code.line.number", "value": {"intValue": Infinity}}]}]}]}]}',
], ids=["pino-nan", "level-inf", "ts-inf", "ts-400-digits", "ts-5000-digit-text", "line-inf", "otlp"])
def test_odd_numbers_in_record_fields_are_no_level_no_time_no_location(line):
    """Such values reached int()/float() unguarded (ValueError, OverflowError out of the reader or the
    location lookup): the whole run ended with a traceback."""
    from prodlens.matching.location import record_location

    results = list(read_records(io.BytesIO(line + b"\n"), fmt="jsonl"))
    assert len(results) == 1 and results[0].record is not None
    record = results[0].record
    assert record.message == "m" and record.level is None and record.timestamp is None
    assert record_location(record.attributes) is None


@pytest.mark.parametrize("data", [
    b"\tat org.shop.Cart.open(Cart.java:10)\n\t... 3 more\n"
    b"2024-01-01 10:00:00,123 ERROR [main] org.shop.Cart - Cart 1 opened\n"
    b"2024-01-01 10:00:01,123 INFO  [main] org.shop.Cart - Cart 2 opened\n",
    b'  File "/app/shop/orders.py", line 12, in fail\n    raise ValueError("boom")\nValueError: boom\n\n'
    b"2024-01-01 10:00:00,123 INFO shop.orders Cart 1 opened\n"
    b"2024-01-01 10:00:01,123 INFO shop.orders Cart 2 opened\n",
], ids=["java", "python"])
def test_a_log_cut_inside_a_stack_trace_is_still_told(data):
    """`tail -n 500 app.log` or a rotated file often opens inside a stack trace; auto-detection required the very
    first line to match a layout and stopped with 'cannot tell the format'."""
    results = list(read_records(io.BytesIO(data)))
    messages = [r.record.message for r in results if r.record is not None]
    assert messages == ["Cart 1 opened", "Cart 2 opened"]
    assert all(r.skipped == "line does not match the log layout" for r in results if r.record is None)


def test_one_matching_line_that_does_not_open_the_sample_is_not_enough():
    from prodlens.matching.records import FormatError

    with pytest.raises(FormatError, match="cannot tell the format"):
        list(read_records(io.BytesIO(b"some words\n2024-01-01 10:00:00,123 INFO shop.orders Cart 1 opened\n")))


def test_told_otlp_still_reads_plain_json_records_beside_it():
    """One OTLP request among the first lines made auto-detection read the whole input as strict OTLP: every
    plain JSON record was skipped as 'not an OTLP/JSON logs request', though JSON lines read both."""
    data = (b'{"message": "one"}\n' + json.dumps(_otlp([GOOD])).encode() + b'\n{"message": "three"}\n')
    assert [r.record.message for r in read_records(io.BytesIO(data))] == ["one", "Order 1 placed by ann", "three"]
    strict = list(read_records(io.BytesIO(data), fmt="otlp"))
    assert [r.record is None for r in strict] == [True, False, True]


def test_a_pretty_printed_otlp_request_is_read_as_one_document():
    """An OTLP/JSON request saved indented (a debug exporter, curl) was one invalid JSON line per line: format
    not told (exit 2), and with --format otlp hundreds of skipped lines and not one record."""
    request = _otlp([GOOD, {"body": {"stringValue": "second"}}], scope={"name": "shop.orders"})
    text = json.dumps(request, indent=2).encode() + b"\n"
    data = text + json.dumps(_otlp([GOOD]), indent=4).encode() + b"\n"
    for fmt in ("auto", "otlp", "jsonl"):
        results = list(read_records(io.BytesIO(data), fmt=fmt))
        assert [r.record.message for r in results] == ["Order 1 placed by ann", "second", "Order 1 placed by ann"]
        assert [r.line_no for r in results] == [1, 1, text.count(b"\n") + 1]
        assert [r.end_offset for r in results] == [len(text), len(text), len(data)]
        assert results[0].record.logger == "shop.orders"


def test_json_arrays_of_records_give_one_result_per_element():
    one_line = json.dumps([{"message": "a"}, 5, {"message": "b"}]).encode()
    indented = json.dumps([{"message": "c"}, {"message": "d"}], indent=2).encode()
    results = list(read_records(io.BytesIO(one_line + b"\n" + indented + b"\n[1, 2]\n"), fmt="jsonl"))
    assert [(r.record.message if r.record else r.skipped) for r in results] == \
        ["a", "not a JSON object (int)", "b", "c", "d", "not a JSON object (list)"]


@pytest.mark.parametrize("data, expected", [
    # a stray opening line among JSON lines: read line by line, nothing lost
    (b'{"message": "a"}\n{\n{"message": "b"}\n', ["a", "invalid JSON", "b"]),
    # never closed: each line on its own, as before
    (b'{\n  "message": "a",\n', ["invalid JSON", "invalid JSON"]),
    # closed, but not JSON inside: each line on its own
    (b'{\n  "message": oops\n}\n{"message": "b"}\n', ["invalid JSON"] * 3 + ["b"]),
])
def test_what_only_looks_like_a_document_is_read_line_by_line(data, expected):
    results = list(read_records(io.BytesIO(data), fmt="jsonl"))
    got = [r.record.message if r.record else r.skipped.split(" (")[0] for r in results]
    assert got == expected
    assert [r.line_no for r in results] == sorted(r.line_no for r in results)


@pytest.mark.parametrize("line, expected", [
    (7, 7), ("7", 7), (7.0, 7), ("7.0", 7), (" 7 ", 7),
    (7.9, None), ("7.9", None), ("seven", None), (0, None), (-3, None), ("9" * 40, None), (True, None),
])
def test_a_location_line_is_a_whole_number_or_none(line, expected):
    """Exporters that write every number as a double give 7.0 (or "7.0"): line 7. A fraction names no line:
    truncating 7.9 to 7 claimed a line the record never gave, while "7.0" was ignored."""
    from prodlens.matching.location import record_location

    found = record_location({"code.file.path": "shop/orders.py", "code.line.number": line})
    assert (found[1] if found else None) == expected
