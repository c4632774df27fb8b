"""Reading records: every format, continuation lines, auto-detection and bad input."""

from __future__ import annotations

import io
import json

import pytest

from prodlens.config import RecordsConfig
from prodlens.matching.records import FormatError, parse_line, read_records


def read(data: bytes, **kwargs):
    return list(read_records(io.BytesIO(data), **kwargs))


def test_json_lines_usual_field_names_and_nested_attributes():
    lines = [
        {"ts": "2024-05-01T10:00:00.5Z", "level": "WARNING", "logger": "pkg.mod", "message": "disk 91% full",
         "exc_info": "Traceback (most recent call last):\n  boom", "code": {"file": {"path": "/app/pkg/mod.py"}}},
        {"time": 1714557600123, "msg": "pino says hi", "level": 30, "name": "api"},
        {"@timestamp": "2024-05-01T10:00:00+02:00", "severity": "error", "logger_name": "a.B", "body": "x"},
    ]
    results = read(b"".join(json.dumps(x).encode() + b"\n" for x in lines))
    first, second, third = (r.record for r in results)
    assert (first.level, first.logger, first.message) == ("warn", "pkg.mod", "disk 91% full")
    assert first.exception.startswith("Traceback")
    assert first.attributes["code.file.path"] == "/app/pkg/mod.py"
    assert first.timestamp.isoformat() == "2024-05-01T10:00:00.500000+00:00"
    assert (second.level, second.logger, second.message) == ("info", "api", "pino says hi")
    assert second.timestamp.year == 2024
    assert third.level == "error" and third.timestamp.hour == 8
    ends = [r.end_offset for r in results]
    sizes = [len(json.dumps(x)) + 1 for x in lines]
    assert ends == [sum(sizes[: i + 1]) for i in range(3)]
    assert [r.line_no for r in results] == [1, 2, 3]


def test_configured_field_names_come_first():
    config = RecordsConfig(message_fields=["text"], level_fields=["sev"], logger_fields=["component"])
    data = json.dumps({"text": "hello", "message": "not this", "sev": "debug", "component": "core"}).encode()
    record = read(data + b"\n", config=config)[0].record
    assert (record.message, record.level, record.logger) == ("hello", "debug", "core")


def test_otlp_json_from_the_collector_file_exporter():
    request = {"resourceLogs": [{
        "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "checkout"}},
                                    {"key": "service.version", "value": {"stringValue": "1.2.3"}}]},
        "scopeLogs": [{"scope": {"name": "com.shop.Cart"}, "logRecords": [
            {"timeUnixNano": "1714557600000000000", "severityNumber": 17, "body": {"stringValue": "cart lost"},
             "attributes": [{"key": "code.filepath", "value": {"stringValue": "Cart.java"}},
                            {"key": "code.lineno", "value": {"intValue": "42"}}]},
            {"severityText": "DEBUG", "body": {"stringValue": "second"}},
        ]}]}]}
    results = read(json.dumps(request).encode() + b"\n")
    assert len(results) == 2
    first = results[0].record
    assert (first.message, first.level, first.logger, first.service, first.version) == (
        "cart lost", "error", "com.shop.Cart", "checkout", "1.2.3")
    assert first.attributes["code.lineno"] == 42
    assert results[1].record.level == "debug"
    assert results[0].end_offset == results[1].end_offset


def test_logfmt():
    data = b'ts=2024-05-01T10:00:00Z level=info logger=db msg="query took 12ms" path="/a b"\n'
    record = read(data)[0].record
    assert (record.message, record.level, record.logger) == ("query took 12ms", "info", "db")
    assert record.attributes["path"] == "/a b"


LOG4J = (
    b"2024-05-01 10:00:00,123 INFO  [main] org.shop.Cart - Cart 7 opened\n"
    b"2024-05-01 10:00:01,000 ERROR [pool-1] org.shop.Cart - Checkout failed for\n"
    b"two lines\n"
    b"java.io.IOException: gone\n"
    b"\tat org.shop.Cart.pay(Cart.java:10)\n"
    b"\t... 3 more\n"
    b"2024-05-01 10:00:02,000 DEBUG [main] org.shop.Cart - last\n"
)


def test_log4j_layout_with_continuation_lines_and_exception():
    results = read(LOG4J, pattern="%d %-5p [%t] %c - %m%n")
    assert len(results) == 3
    failed = results[1].record
    assert failed.message == "Checkout failed for\ntwo lines"
    assert failed.exception.startswith("java.io.IOException: gone\n\tat org.shop.Cart.pay")
    assert failed.attributes["thread.name"] == "pool-1"
    assert (failed.level, failed.logger) == ("error", "org.shop.Cart")
    assert results[1].end_offset == LOG4J.index(b"2024-05-01 10:00:02")
    assert results[2].end_offset == len(LOG4J)


def test_log4j_layout_is_auto_detected():
    assert [r.record.message for r in read(LOG4J)][0] == "Cart 7 opened"


def test_python_logging_format_and_traceback():
    data = (b"2024-05-01 10:00:00,123 WARNING botocore.endpoint Retry needed\n"
            b"Traceback (most recent call last):\n  File \"x.py\", line 1\nValueError: no\n")
    results = read(data, pattern="%(asctime)s %(levelname)s %(name)s %(message)s")
    record = results[0].record
    assert (record.level, record.logger, record.message) == ("warn", "botocore.endpoint", "Retry needed")
    assert record.exception.endswith("ValueError: no")


def test_regex_layout_with_named_groups_and_location():
    data = b"E app/cart.py:42 something broke\n"
    pattern = r"(?P<level>\w) (?P<file>[^:]+):(?P<line>\d+) (?P<message>.*)"
    record = read(data, fmt="pattern", pattern=pattern)[0].record
    assert record.level == "error"
    assert record.attributes["code.file.path"] == "app/cart.py"
    assert record.attributes["code.line.number"] == 42


def test_auto_detection_says_why_it_cannot_tell():
    with pytest.raises(FormatError, match="cannot tell the format"):
        read(b"just some words\nand more words\n")


def test_bad_lines_are_counted_not_fatal():
    data = (
        b'{"message": "ok", "level": "info"}\n'
        b'{"message": "broken\n'
        b"[1, 2]\n"
        b'{"message": "bad \xff utf8"}\n'
        b'{"message": "nul \x00 inside"}\n'
        b"\n"
        b'{"message": "' + b"x" * 3000 + b'"}\n'
        b'{"message": "last"}'
    )
    results = read(data, fmt="jsonl", config=RecordsConfig(max_line_bytes=2048))
    reasons = [r.skipped for r in results]
    assert results[0].record.message == "ok"
    assert reasons[1].startswith("invalid JSON")
    assert reasons[2].startswith("not a JSON object")
    assert results[3].record.message == "bad \ufffd utf8" and "invalid UTF-8" in results[3].warning
    assert reasons[4] is not None  # raw NUL is not valid JSON
    assert reasons[5].startswith("line too long")
    assert results[6].record.message == "last"
    assert results[-1].end_offset == len(data)


def test_empty_input_gives_no_records():
    assert read(b"") == []
    assert read(b"\n\n") == []


def test_iterable_of_byte_lines():
    results = list(read_records([b'{"msg": "a", "level": "info"}\n', b'{"msg": "b", "level": "info"}\n']))
    assert [r.record.message for r in results] == ["a", "b"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ('{"message": "hello", "level": "info"}', ("hello", "info")),
        ("2024-05-01 10:00:00,123 INFO  [main] org.shop.Cart - Cart 7 opened", ("Cart 7 opened", "info")),
        ("WARNING:botocore.hooks:careful", ("careful", "warn")),
        ('level=error msg="it broke"', ("it broke", "error")),
        ("just a message", ("just a message", None)),
    ],
)
def test_parse_line_any_format(text, expected):
    record = parse_line(text)
    assert (record.message, record.level) == expected


def test_logfmt_keeps_a_record_whose_values_are_sloppy():
    """A quote inside a bare value, and a quoted value never closed, are read (the rest of the line is the value)
    instead of losing the whole record as 'not logfmt'; proper quoting and escapes read as before."""
    data = (b'level=info msg=say"hi" user=1\n'
            b'level=info msg="ok \\"q\\" \\\\n" user=2 flag empty=\n'
            b'level=warn msg="unterminated user=3\n')
    records = [r.record for r in read_records(io.BytesIO(data), fmt="logfmt")]
    assert [r.message for r in records] == ['say"hi"', 'ok "q" \\n', "unterminated user=3"]
    assert records[0].attributes == {"user": "1"}
    assert records[1].attributes == {"user": "2", "flag": True, "empty": ""}
    assert records[2].level == "warn" and records[2].attributes == {}
