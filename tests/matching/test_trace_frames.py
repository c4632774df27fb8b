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


def test_python_logger_naming_module_and_class_picks_the_class(tmp_path):
    source = ("import logging\nlogger = logging.getLogger(__name__)\n\n\nclass QueuePool:\n"
              "    def recreate(self):\n        self.logger.info('Pool recreating')\n\n\n"
              "class NullPool:\n    def recreate(self):\n        self.logger.info('Pool recreating')\n")
    (tmp_path / "shop" / "pool").mkdir(parents=True)
    (tmp_path / "shop" / "pool" / "impl.py").write_text(source)
    template = Template.of("Pool recreating")
    first, second = (LogStatement(
        key=statement_key("shop/pool/impl.py", template, "info", line), path="shop/pool/impl.py",
        range=Range(line - 1, 8, line - 1, 40), language="python", framework="logging", level="info", logger=None,
        template=template, confidence=Confidence.FULL) for line in (7, 12))
    matcher = Matcher([first, second], root=tmp_path, cache_dir=tmp_path / "cache")
    assert matcher.match(LogRecord("Pool recreating", level="info", logger="shop.pool.impl.NullPool")).key == second.key
    assert matcher.match(LogRecord("Pool recreating", level="info", logger="shop.pool.impl.QueuePool.main")).key \
        == first.key
    unknown_class = matcher.match(LogRecord("Pool recreating", level="info", logger="shop.pool.impl.StaticPool"))
    assert unknown_class.key is None and unknown_class.candidates == 2
    assert matcher.match(LogRecord("Pool recreating", level="info", logger="shop.pool.impl")).candidates == 2
