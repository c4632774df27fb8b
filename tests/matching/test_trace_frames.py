"""A stack trace attached to a record breaks a tie only when it names exactly one candidate's call lines."""

from __future__ import annotations

from prodlens.matching.frames import named_by_trace, trace_frames
from prodlens.matching.matcher import Matcher
from prodlens.model import Confidence, Hole, LogRecord, LogStatement, Range, Template, statement_key

JAVA_PATH = "broker/src/main/java/org/shop/jmx/Context.java"


def _statement(path: str, line: int, language: str = "java", end_line: int | None = None) -> LogStatement:
    template = Template.of("Unregistering ", Hole())
    return LogStatement(
        key=statement_key(path, template, "debug", line), path=path,
        range=Range(line - 1, 8, (end_line or line) - 1, 50), language=language, framework="slf4j",
        level="debug", logger=None, template=template, confidence=Confidence.FULL)


def test_frames_of_java_python_and_v8_traces():
    trace = ("java.io.IOException: boom\n\tat org.shop.jmx.Context$Inner.stop(Context.java:208)\n"
             'Traceback (most recent call last):\n  File "/srv/app/site-packages/shop/db.py", line 12, in f\n'
             "    at Reply.send (/app/node_modules/fastify/lib/reply.js:162:26)\n")
    assert trace_frames(trace) == [("org/shop/jmx/Context.java", 208), ("/srv/app/site-packages/shop/db.py", 12),
                                   ("/app/node_modules/fastify/lib/reply.js", 162)]


def test_trace_names_one_candidate(tmp_path):
    first, second = _statement(JAVA_PATH, 208), _statement(JAVA_PATH, 454, end_line=456)
    trace = "java.lang.IllegalStateException: x\n\tat org.shop.jmx.Context.unregister(Context.java:455)\n"
    assert named_by_trace(trace, [first, second]) is second
    matcher = Matcher([first, second], cache_dir=tmp_path)
    placed = matcher.match(LogRecord("Unregistering queue", level="debug", exception=trace))
    assert placed.key == second.key
    bare = matcher.match(LogRecord("Unregistering queue", level="debug"))
    assert bare.key is None and bare.candidates == 2


def test_trace_naming_both_or_another_package_keeps_the_tie():
    first, second = _statement(JAVA_PATH, 208), _statement(JAVA_PATH, 454)
    both = "\tat org.shop.jmx.Context.a(Context.java:208)\n\tat org.shop.jmx.Context.b(Context.java:454)\n"
    assert named_by_trace(both, [first, second]) is None
    other_package = "\tat org.other.Context.a(Context.java:208)\n"
    assert named_by_trace(other_package, [first, second]) is None
    assert named_by_trace("not a trace at all\x00" * 1000, [first, second]) is None
