"""structlog and loguru: what their calls emit as message text."""

from __future__ import annotations

from prodlens.model import Confidence

from test_python_support import by_line, extract, renders


def test_structlog_event_is_the_message_and_key_values_are_not():
    lines = by_line(extract('''
        import structlog
        log = structlog.get_logger()
        bound = log.bind(request_id=rid)
        log.info("user logged in", user=u, ip=ip)
        bound.warning("quota low", left=n)
        log.msg("plain msg")
        await log.ainfo("async event", k=1)
        log.error("failed", exc_info=True)
        log.info(event="kw event")
    '''))
    assert lines[5].template.text == "user logged in" and lines[5].framework == "structlog"
    assert lines[5].confidence is Confidence.FULL
    assert lines[6].level == "warn" and lines[6].receiver == "declared"
    assert lines[7].level == "info"
    assert lines[8].template.text == "async event"
    assert lines[9].throwable
    assert lines[10].template.text == "kw event"


def test_structlog_imported_function():
    result = extract('from structlog import get_logger\nlogger = get_logger(__name__)\nlogger.info("hello")\n')
    assert [(s.framework, s.template.text) for s in result.statements] == [("structlog", "hello")]


def test_loguru_braces_and_levels():
    lines = by_line(extract('''
        from loguru import logger
        logger.info("plain {} text")
        logger.info("user {} from {ip}", name, ip=addr)
        logger.success("done {n:d}", n=3)
        logger.log("WARNING", "custom level {}", x)
        logger.opt(exception=True).error("with trace")
        logger.exception("boom {}", x)
        logger.trace("t")
    '''), )
    assert lines[3].template.text == "plain {} text"  # no arguments: loguru leaves braces alone
    assert lines[3].framework == "loguru" and lines[3].logger == "pkg.mod"
    assert lines[4].template.text == "user {} from {}"
    assert renders(lines[4].template, "user {} from {ip}".format("ann", ip="10.1.1.1"))
    assert lines[5].level == "info" and lines[5].template.text == "done {}"
    assert lines[6].level == "warn" and lines[6].template.text == "custom level {}"
    assert lines[7].throwable and lines[7].level == "error"
    assert lines[8].throwable
    assert lines[9].level == "trace"


def test_loguru_percent_is_literal():
    result = extract('from loguru import logger\nlogger.info("100%s literal {}", x)\n')
    assert result.statements[0].template.text == "100%s literal {}"
