"""Where a document link sits on a line: the message literal, found by a scan of the call's first line."""

from __future__ import annotations

from prodlens.lsp.convert import first_literal


def literal(line: str, start: int = 0, end: int | None = None) -> str | None:
    found = first_literal(line, start, len(line) if end is None else end)
    return line[found[0] : found[1]] if found else None


def test_the_first_literal_of_the_call():
    assert literal('    log.error("Payment failed for order {}", customer, e);', 4) == '"Payment failed for order {}"'
    assert literal("logger.info('Order %s', x)") == "'Order %s'"
    assert literal("console.log(`user ${id} left`)") == "`user ${id} left`"


def test_escaped_quotes_stay_inside():
    assert literal(r'log.info("say \"hi\" to {}", who)') == r'"say \"hi\" to {}"'


def test_only_inside_the_call():
    line = 'x = "before"; log.info(payload); y = "after"'
    start = line.index("log.info")
    assert literal(line, start, line.index(";", start)) is None


def test_no_literal_when_it_does_not_close_on_the_line_or_is_a_text_block():
    assert literal('log.info("unterminated') is None
    assert literal('log.info("""') is None
    assert literal('logger.info("""multi') is None
    assert literal('log.info("")') == '""'


def test_hostile_lines():
    assert literal("log.info(" + "\\" * 100_000) is None
    assert literal("\x00" * 10 + '"ok"') == '"ok"'
    assert first_literal("short", 50, 80) is None
