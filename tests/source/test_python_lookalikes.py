"""Calls that look like logging but are not: receivers are checked, not guessed."""

from __future__ import annotations

from test_python_support import extract


def test_math_log_and_non_loggers_are_not_statements():
    result = extract('''
        import math
        import numpy as np
        import warnings
        math.log(10)
        np.log(x)
        changelog.info()
        dialog.error("boom")
        warnings.warn("deprecated")
        log = []
        log.info("a list named log")
        catalog.debug("no")
        self.history.info("no")
    ''')
    assert result.statements == []


def test_logger_method_names_on_non_logger_attribute():
    result = extract('''
        class Tool:
            def run(self):
                self.report.error("not a logger")
                self.ui.warning("popup")
    ''')
    assert result.statements == []


def test_syntax_errors_keep_the_parts_that_parse():
    result = extract('''
        import logging
        log = logging.getLogger(__name__)
        log.info("before %s", x)
        def broken(:
            pass
        log.warning("after")
    ''')
    assert result.errors >= 1
    assert "before {}" in [s.template.text for s in result.statements]
    assert "after" in [s.template.text for s in result.statements]


def test_invalid_utf8_and_hostile_text():
    src = b'import logging\nlog = logging.getLogger(__name__)\nlog.info("bad \xff\xfe bytes %s", x)\n' \
          b'log.info("quote \\" back\\\\slash */ \\n new")\n'
    result = extract(src)
    texts = [s.template.text for s in result.statements]
    assert texts[0] == "bad \ufffd\ufffd bytes {}"
    assert texts[1] == 'quote " back\\slash */ \n new'


def test_deep_nesting_does_not_crash():
    expr = "+".join(['"a"'] * 3000)
    result = extract(f"import logging\nlog = logging.getLogger(__name__)\nlog.info({expr})\n")
    assert len(result.statements) == 1


def test_long_line():
    text = "x" * 1_000_000
    result = extract(f'import logging\nlog = logging.getLogger(__name__)\nlog.info("{text}")\n')
    assert result.statements[0].template.text == text


def test_hostile_receiver_chains_do_not_crash():
    chain = "log" + ".getChild('x')" * 3000
    name = "__name__" + " + 'x'" * 3000
    result = extract(f"import logging\nlog = logging.getLogger({name})\n{chain}.info('deep')\nlog.info('ok')\n")
    assert "ok" in [s.template.text for s in result.statements]
