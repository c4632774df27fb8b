"""Python `logging`: receivers, levels, logger names, and message templates of every message form."""

from __future__ import annotations

import logging

from prodlens.model import Confidence, HoleKind

from test_python_support import by_line, extract, renders


def test_module_logger_levels_and_name():
    result = extract('''
        import logging
        log = logging.getLogger(__name__)
        log.debug("d")
        log.info("i")
        log.warning("w")
        log.warn("w2")
        log.error("e")
        log.critical("c")
        log.fatal("f")
        log.exception("x")
    ''')
    got = [(s.level, s.logger, s.framework, s.receiver, s.throwable) for s in result.statements]
    assert got == [
        ("debug", "pkg.mod", "logging", "declared", False),
        ("info", "pkg.mod", "logging", "declared", False),
        ("warn", "pkg.mod", "logging", "declared", False),
        ("warn", "pkg.mod", "logging", "declared", False),
        ("error", "pkg.mod", "logging", "declared", False),
        ("fatal", "pkg.mod", "logging", "declared", False),
        ("fatal", "pkg.mod", "logging", "declared", False),
        ("error", "pkg.mod", "logging", "declared", True),
    ]


def test_logger_names_as_written():
    result = extract('''
        import logging
        from logging import getLogger
        a = logging.getLogger("explicit.name")
        b = getLogger(__name__ + ".sub")
        c = logging.getLogger()
        d = a.getChild("kid")
        a.info("a"); b.info("b"); c.info("c"); d.info("d")
        logging.info("root module function")
    ''', module="botocore.endpoint")
    assert [s.logger for s in result.statements] == [
        "explicit.name", "botocore.endpoint.sub", "root", "explicit.name.kid", "root"]


def test_name_unknown_without_module():
    result = extract('import logging\nlog = logging.getLogger(__name__)\nlog.info("x")\n', module=None)
    assert result.statements[0].logger is None


def test_percent_arguments_become_typed_holes():
    result = extract('''
        import logging
        log = logging.getLogger(__name__)
        log.debug("x %s y %d z %.2f", a, b, c)
    ''')
    statement = result.statements[0]
    assert statement.template.text == "x {} y {} z {}"
    assert [p.kind for p in statement.template.parts if not isinstance(p, str)] == [
        HoleKind.ANY, HoleKind.INT, HoleKind.NUMBER]
    assert statement.confidence is Confidence.FULL
    assert renders(statement.template, "x %s y %d z %.2f" % ("a b", 3, 1.5))


def test_message_forms():
    lines = by_line(extract('''
        import logging
        log = logging.getLogger(__name__)
        log.info(f"f {a!r} and {b:.1f} {{literal}}")
        log.info("fmt {} {name}".format(a, name=b))
        log.info("pct %s/%d" % (a, b))
        log.info("con" + str(a) + "cat")
        log.info("implicit " "concat" ' of\\tliterals')
        log.info("100% literal")
        log.info(message)
        log.info("cond " + ("yes" if ok else "no"))
        log.info("mapping %(user)s did %(n)d", {"user": u, "n": 1})
        log.info(r"raw \\d+ %s", x)
    '''))
    assert lines[4].template.text == "f {} and {} {literal}"
    assert lines[5].template.text == "fmt {} {}"
    assert lines[6].template.text == "pct {}/{}"
    assert lines[7].template.text == "con{}cat"
    assert lines[8].template.text == "implicit concat of\tliterals"
    assert lines[9].template.text == "100% literal"
    assert lines[10].template.text == "{}" and lines[10].confidence is Confidence.DYNAMIC
    assert lines[11].template.text == "cond {}" and lines[11].confidence is Confidence.PARTIAL
    assert lines[12].template.text == "mapping {} did {}"
    assert lines[13].template.text == "raw \\d+ {}"
    assert renders(lines[4].template, f"f {'q'!r} and {2.25:.1f} {{literal}}")
    assert renders(lines[12].template, "mapping %(user)s did %(n)d" % {"user": "bo", "n": 2})


def test_log_with_level_constant_or_passed_in():
    lines = by_line(extract('''
        import logging
        from logging import DEBUG
        log = logging.getLogger(__name__)
        log.log(logging.WARNING, "w %s", x)
        log.log(DEBUG, "d")
        log.log(level, "run time")
        log.log(40, "numeric")
    '''))
    assert lines[5].level == "warn" and lines[5].template.text == "w {}"
    assert lines[6].level == "debug"
    assert lines[7].level is None and lines[7].template.text == "run time"
    assert lines[8].level == "error"


def test_throwable_from_exc_info():
    lines = by_line(extract('''
        import logging
        log = logging.getLogger(__name__)
        log.error("a", exc_info=True)
        log.error("b", exc_info=False)
        log.warning("c", exc_info=err)
        log.exception("d")
    '''))
    assert [lines[n].throwable for n in (4, 5, 6, 7)] == [True, False, True, True]


def test_self_and_class_attribute_loggers():
    result = extract('''
        import logging
        class Engine:
            logger = logging.getLogger("engine.cls")
            def __init__(self):
                self.log = logging.getLogger("engine.inst")
            def run(self):
                self.logger.info("class attr")
                self.log.info("instance attr")
                Engine.logger.info("via class")
    ''')
    assert [(s.logger, s.receiver) for s in result.statements] == [
        ("engine.cls", "declared"), ("engine.inst", "declared"), ("engine.cls", "declared")]


def test_convention_only_when_file_is_silent():
    result = extract('''
        def f(logger, conn):
            logger.info("param named logger")
            conn.log.warning("attribute named log")
    ''')
    assert [(s.receiver, s.level) for s in result.statements] == [("convention", "info"), ("convention", "warn")]


def test_multi_line_call_range_covers_the_whole_call():
    result = extract('''
        import logging
        log = logging.getLogger(__name__)
        def f():
            log.info(
                "spans %s "
                "lines",
                value,
            )
    ''')
    statement = result.statements[0]
    assert (statement.range.start_line, statement.range.start_column) == (4, 4)
    assert statement.range.end_line == 8
    assert statement.template.text == "spans {} lines"


def test_columns_count_characters_not_bytes():
    result = extract('import logging\nlog = logging.getLogger(__name__)\nx = "ééé"; log.info("after")\n')
    assert result.statements[0].range.start_column == len('x = "ééé"; ')


def test_templates_match_real_logging_output():
    cases = [
        ('log.info("user %s logged in from %s:%d", u, h, p)', ("bob", "10.0.0.1", 22)),
        ('log.info("ratio %5.1f%%", r)', (12.345,)),
        ('log.info("obj %r", o)', ({"k": [1, 2]},)),
    ]
    for call, args in cases:
        src = "import logging\nlog = logging.getLogger(__name__)\n" + call + "\n"
        statement = extract(src).statements[0]
        fmt = call.split('"')[1]
        record = logging.LogRecord("n", logging.INFO, "p", 1, fmt, args, None)
        assert renders(statement.template, record.getMessage()), (call, statement.template.text)


def test_fstring_self_documenting_and_nested_specs():
    lines = by_line(extract('''
        import logging
        log = logging.getLogger(__name__)
        log.info(f"{count=} and {ratio=:.2f} w{value:{width}}")
        log.info(f"bytes {b'x'!r} \\N{BULLET} {{x}}")
    '''))
    assert lines[4].template.text == "count={} and ratio={} w{}"
    count, ratio, width = 3, 0.5, 4
    value = 7
    assert renders(lines[4].template, f"{count=} and {ratio=:.2f} w{value:{width}}")
    assert lines[5].template.text == "bytes {} \u2022 {x}"


def test_module_level_string_constants_are_message_text():
    lines = by_line(extract('''
        import logging
        log = logging.getLogger(__name__)
        RETRY_MSG = "retrying %s in %d s"
        PREFIX: str = "[db] "
        twice = "lower case names are variables"
        log.info(RETRY_MSG, name, n)
        log.info(PREFIX + "ready")
        log.info(twice)
    '''))
    assert lines[7].template.text == "retrying {} in {} s" and lines[7].confidence is Confidence.FULL
    assert lines[8].template.text == "[db] ready"
    assert lines[9].template.text == "{}"


def test_constants_in_fstrings_and_formatting():
    lines = by_line(extract('''
        import logging
        log = logging.getLogger(__name__)
        TAG = "[cache]"
        TEMPLATE = "hit ratio %.1f%%"
        log.info(f"{TAG} miss {key}")
        log.info(TEMPLATE % ratio)
        log.info("{} done".format(TAG))
    '''))
    assert lines[6].template.text == "[cache] miss {}"
    assert lines[7].template.text == "hit ratio {}%"
    assert lines[8].template.text == "{} done"


def test_module_functions_imported_by_name():
    lines = by_line(extract('''
        from logging import warning, log as emit, WARNING
        warning("disk %s low", d)
        emit(WARNING, "via alias")
        other.warning("not the logging function")
    '''))
    assert (lines[3].template.text, lines[3].level, lines[3].logger) == ("disk {} low", "warn", "root")
    assert (lines[4].template.text, lines[4].level) == ("via alias", "warn")
    assert 5 not in lines
