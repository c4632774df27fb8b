"""Remembered decisions (per message, logger, level, exception?) never change an answer and stay bounded."""

from __future__ import annotations

from prodlens.matching import matcher as matcher_module
from prodlens.matching.matcher import Matcher
from prodlens.model import Confidence, Hole, LogRecord, LogStatement, Range, Template, statement_key


def _statement(path: str, line: int, logger: str, throwable: bool = False) -> LogStatement:
    template = Template.of("Dispatching ", Hole(), " messages")
    return LogStatement(
        key=statement_key(path, template, "debug", line), path=path, range=Range(line - 1, 4, line - 1, 40),
        language="java", framework="slf4j", level="debug", logger=logger, template=template,
        confidence=Confidence.FULL, throwable=throwable)


QUEUE = _statement("src/main/java/org/shop/Queue.java", 10, "org.shop.Queue")
TOPIC = _statement("src/main/java/org/shop/Topic.java", 20, "org.shop.Topic")


def test_same_message_other_logger_or_exception_is_decided_afresh(tmp_path):
    matcher = Matcher([QUEUE, TOPIC], cache_dir=tmp_path, engine="python")
    records = [LogRecord("Dispatching 5 messages", level="debug", logger="org.shop.Queue"),
               LogRecord("Dispatching 5 messages", level="debug", logger="org.shop.Topic"),
               LogRecord("Dispatching 5 messages", level="debug"),
               LogRecord("Dispatching 5 messages", level="debug", logger="org.shop.Queue")]
    first = [m.key for m in matcher.match_many(records, context=False)]
    again = [m.key for m in matcher.match_many(records, context=False)]
    assert first == again == [QUEUE.key, TOPIC.key, None, QUEUE.key]
    fresh = Matcher([QUEUE, TOPIC], cache_dir=tmp_path, engine="python")
    assert [fresh.match(r).key for r in records] == first


def test_a_trace_still_decides_a_remembered_tie(tmp_path):
    matcher = Matcher([QUEUE, TOPIC], cache_dir=tmp_path, engine="python")
    tie = LogRecord("Dispatching 5 messages", level="debug", exception="java.io.IOException: x")
    assert matcher.match(tie).candidates == 2
    traced = LogRecord("Dispatching 5 messages", level="debug",
                       exception="java.io.IOException: x\n\tat org.shop.Topic.send(Topic.java:20)")
    assert matcher.match(traced).key == TOPIC.key


def test_memory_is_bounded(tmp_path, monkeypatch):
    monkeypatch.setattr(matcher_module, "_REMEMBER_LIMIT", 8)
    matcher = Matcher([QUEUE, TOPIC], cache_dir=tmp_path, engine="python")
    records = [LogRecord(f"Dispatching {n} messages", level="debug", logger="org.shop.Queue") for n in range(50)]
    assert all(m.key == QUEUE.key for m in matcher.match_many(records))
    assert len(matcher._remembered) <= 8
