"""Ranking and placement: logger ↔ file, level, literal text, ties, statements without constant text, location."""

from __future__ import annotations

import pytest

from prodlens.matching import engine_hyperscan
from prodlens.matching.matcher import Matcher
from prodlens.model import Confidence, Hole, HoleKind, LogRecord, LogStatement, Range, Template, statement_key

ENGINES = ["python"] + (["hyperscan"] if engine_hyperscan.available() else [])


def stmt(path, line, *parts, level="info", logger=None, throwable=False, end_line=None):
    template = Template.of(*parts)
    confidence = Confidence.DYNAMIC if template.is_dynamic else Confidence.FULL
    return LogStatement(
        key=statement_key(path, template, level, line), path=path,
        range=Range(line - 1, 4, (end_line or line) - 1, 40), language="java", framework="slf4j",
        level=level, logger=logger, template=template, confidence=confidence, throwable=throwable)


QUEUE = "broker/src/main/java/org/shop/broker/Queue.java"
TOPIC = "broker/src/main/java/org/shop/broker/Topic.java"
MOD = "shop/db/engine.py"


@pytest.fixture(params=ENGINES)
def engine(request):
    return request.param


def test_logger_names_the_file_when_text_is_identical(engine, tmp_path):
    queue = stmt(QUEUE, 10, "Dispatching ", Hole(), " messages", level="debug")
    topic = stmt(TOPIC, 20, "Dispatching ", Hole(), " messages", level="debug")
    matcher = Matcher([queue, topic], cache_dir=tmp_path, engine=engine)
    record = LogRecord("Dispatching 5 messages", level="debug", logger="org.shop.broker.Topic")
    assert matcher.match(record).key == topic.key
    anonymous = matcher.match(LogRecord("Dispatching 5 messages", level="debug"))
    assert anonymous.key is None and anonymous.candidates == 2
    assert set(anonymous.candidate_keys) == {queue.key, topic.key}


def test_level_then_literal_characters_then_fewer_holes(engine, tmp_path):
    warn = stmt(QUEUE, 10, "Slow consumer ", Hole(), level="warn")
    debug = stmt(QUEUE, 20, "Slow consumer ", Hole(), level="debug")
    specific = stmt(QUEUE, 30, "Slow consumer ", Hole(), " on ", Hole(), level="debug")
    matcher = Matcher([warn, debug, specific], cache_dir=tmp_path, engine=engine)
    assert matcher.match(LogRecord("Slow consumer c1", level="warn")).key == warn.key
    assert matcher.match(LogRecord("Slow consumer c1 on q", level="debug")).key == specific.key
    assert matcher.match(LogRecord("Slow consumer c1", level="debug")).key == debug.key
    assert matcher.match(LogRecord("Fast consumer", level="debug")).candidates == 0


def test_python_module_and_module_plus_class_loggers(engine, tmp_path):
    in_engine = stmt(MOD, 5, "BEGIN (implicit)", logger=None)
    elsewhere = stmt("shop/db/pool.py", 9, "BEGIN (implicit)", logger=None)
    matcher = Matcher([in_engine, elsewhere], cache_dir=tmp_path, engine=engine)
    assert matcher.match(LogRecord("BEGIN (implicit)", level="info", logger="shop.db.engine")).key == in_engine.key
    assert matcher.match(LogRecord("BEGIN (implicit)", level="info", logger="shop.db.pool.Pool")).key == elsewhere.key


def test_statements_without_constant_text_need_logger_and_level(engine, tmp_path):
    dynamic = stmt(MOD, 40, Hole(), level="info")
    other_dynamic = stmt("shop/web/app.py", 7, Hole(), level="info")
    text = stmt("shop/web/app.py", 9, "Request ", Hole(), level="info")
    matcher = Matcher([dynamic, other_dynamic, text], cache_dir=tmp_path, engine=engine)
    sql = "SELECT * FROM orders"
    assert matcher.match(LogRecord(sql, level="info", logger="shop.db.engine")).key == dynamic.key
    assert matcher.match(LogRecord(sql, level="info")).key is None  # no logger: never placed
    assert matcher.match(LogRecord(sql, level="error", logger="shop.db.engine")).key is None  # level disagrees
    # constant text beats a statement without any, for the same logger
    assert matcher.match(LogRecord("Request 42", level="info", logger="shop.web.app")).key == text.key


def test_ties_are_reported_never_resolved_by_luck(engine, tmp_path):
    first = stmt(QUEUE, 10, "Acquiring ", Hole(), level="debug")
    second = stmt(QUEUE, 50, "Acquiring ", Hole(), level="debug")
    matcher = Matcher([first, second], cache_dir=tmp_path, engine=engine)
    result = matcher.match(LogRecord("Acquiring 0", level="debug", logger="org.shop.broker.Queue"))
    assert result.key is None and result.candidates == 2


def test_attached_exception_prefers_a_statement_passing_a_throwable(engine, tmp_path):
    plain = stmt(QUEUE, 10, "Send failed: ", Hole(), level="warn")
    with_throwable = stmt(QUEUE, 20, "Send failed: ", Hole(), level="warn", throwable=True)
    matcher = Matcher([plain, with_throwable], cache_dir=tmp_path, engine=engine)
    logger = "org.shop.broker.Queue"
    failing = LogRecord("Send failed: io", level="warn", logger=logger, exception="java.io.IOException\n\tat x")
    assert matcher.match(failing).key == with_throwable.key
    assert matcher.match(LogRecord("Send failed: io", level="warn", logger=logger)).key == plain.key


def test_multi_line_message_matches_as_one_record(engine, tmp_path):
    canonical = stmt(MOD, 3, "CanonicalRequest:\n", Hole(), level="debug")
    matcher = Matcher([canonical], cache_dir=tmp_path, engine=engine)
    assert matcher.match(LogRecord("CanonicalRequest:\nGET\n/\n\nhost:x", level="debug")).key == canonical.key


def test_location_first_with_deployed_paths(engine, tmp_path):
    queue = stmt(QUEUE, 10, "Dispatching ", Hole(), end_line=12)
    topic = stmt(TOPIC, 10, "Dispatching ", Hole())
    matcher = Matcher([queue, topic], cache_dir=tmp_path, engine=engine)
    attributes = {"code.filepath": "/opt/app/classes/org/shop/broker/Queue.java", "code.lineno": 11}
    result = matcher.match(LogRecord("whatever text", attributes=attributes))
    assert (result.key, result.method.value) == (queue.key, "location")
    new_style = {"code.file.path": "Topic.java", "code.line.number": "10"}
    assert matcher.match(LogRecord("x", attributes=new_style)).key == topic.key
    # a line with no statement falls back to the text
    off = {"code.file.path": "Topic.java", "code.line.number": 99}
    fallback = matcher.match(LogRecord("Dispatching 3", logger="org.shop.broker.Topic", attributes=off))
    assert (fallback.key, fallback.method.value) == (topic.key, "template")


def test_configured_prefixes_and_fields(tmp_path):
    from prodlens.config import RecordsConfig

    queue = stmt(QUEUE, 10, "Dispatching ", Hole())
    copy = stmt("other/org/shop/broker/Queue.java", 10, "Dispatching ", Hole())
    config = RecordsConfig(location_fields=["src", "ln"], path_prefixes={"/srv/": "broker/src/main/java/"})
    matcher = Matcher([queue, copy], config=config, cache_dir=tmp_path)
    record = LogRecord("x", attributes={"src": "/srv/org/shop/broker/Queue.java", "ln": 10})
    assert matcher.match(record).key == queue.key


def test_match_many_equals_match_and_both_engines_agree(tmp_path):
    statements = [stmt(QUEUE, i, f"event {i} ", Hole(HoleKind.INT), level="debug") for i in range(1, 200)]
    statements.append(stmt(QUEUE, 500, "event ", Hole(), level="debug"))
    records = [LogRecord(f"event {i % 250} {i}", level="debug", logger="org.shop.broker.Queue")
               for i in range(600)]
    answers = [Matcher(statements, cache_dir=tmp_path, engine=e).match_many(records) for e in ENGINES]
    assert all(a == answers[0] for a in answers)
    single = Matcher(statements, cache_dir=tmp_path, engine="python")
    assert [single.match(r) for r in records] == answers[0]


def test_a_statement_whose_declared_logger_contradicts_the_record_is_not_named(engine, tmp_path):
    router = stmt("router/index.js", 155, "dispatching ", Hole(), level="debug", logger="router")
    matcher = Matcher([router], cache_dir=tmp_path, engine=engine)
    assert matcher.match(LogRecord("dispatching GET /", level="debug", logger="router")).key == router.key
    assert matcher.match(LogRecord("dispatching GET /", level="debug")).key == router.key  # no logger: no evidence
    assert matcher.match(LogRecord("dispatching GET /", level="debug", logger="socket.io:socket")).key is None


def test_stream_context_breaks_ties_by_the_threads_previous_statement(engine, tmp_path):
    canonical = stmt(MOD, 441, "CanonicalRequest:\n", Hole(), level="debug")
    first = stmt(MOD, 443, "StringToSign:\n", Hole(), level="debug")
    hmac = stmt(MOD, 1003, "Calculating signature using hmacv1 auth.", level="debug")
    second = stmt(MOD, 1008, "StringToSign:\n", Hole(), level="debug")
    matcher = Matcher([canonical, first, hmac, second], cache_dir=tmp_path, engine=engine)
    def rec(message, thread):
        return LogRecord(message, level="debug", logger="shop.db.engine", attributes={"thread.name": thread})
    stream = [rec("CanonicalRequest:\nGET", "t1"), rec("Calculating signature using hmacv1 auth.", "t2"),
              rec("StringToSign:\nAWS4", "t1"), rec("StringToSign:\nGET", "t2"), rec("StringToSign:\nx", "t3")]
    keys = [m.key for m in matcher.match_many(stream)]
    assert keys == [canonical.key, hmac.key, first.key, second.key, None]  # t3 has no context: still a tie
    assert matcher.match(rec("StringToSign:\nAWS4", "t1")).key is None  # a single record has no context
