"""Logging wrappers: functions whose parameter flows into a logger call's message are detected, and each call
site becomes a statement with the wrapper's constant text and the call site's level."""

from __future__ import annotations

from prodlens.model import Confidence

from test_python_support import by_line, extract, renders

ENGINE = '''
import logging
log = logging.getLogger(__name__)

class Connection:
    def __init__(self, engine):
        self.engine = engine

    def _log(self, level, msg, *args):
        self.logger.log(level, msg, *args)

    def _log_info(self, message, *arg, **kw):
        fmt = self._message_formatter
        if fmt:
            message = fmt(message)
        self.engine.logger.info(message, *arg, **kw)

    def begin(self):
        self._log_info("BEGIN (implicit)")
        self._log(logging.DEBUG, "x %s", y)
        self._log_info("[%s] %r", stats, params)
        self._log_info(str_statement)
'''


def test_wrappers_are_detected_with_their_parameters():
    result = extract(ENGINE)
    wrappers = {w.name: w for w in result.wrappers}
    assert set(wrappers) == {"_log", "_log_info"}
    log = wrappers["_log"]
    assert (log.message_param, log.level_param, log.args_param, log.method) == (1, 0, 2, True)
    info = wrappers["_log_info"]
    assert (info.message_param, info.level_param, info.level, info.args_param) == (0, None, "info", 1)
    assert info.placeholder_style == "printf" and info.exported


def test_call_sites_become_statements_and_inner_calls_are_marked():
    lines = by_line(extract(ENGINE))
    assert lines[10].wrapper and lines[16].wrapper  # the inner calls
    assert (lines[19].template.text, lines[19].level, lines[19].wrapper) == ("BEGIN (implicit)", "info", False)
    assert (lines[20].template.text, lines[20].level) == ("x {}", "debug")
    assert lines[21].template.text == "[{}] {}"
    assert lines[22].confidence is Confidence.DYNAMIC


def test_wrapper_constant_text_is_part_of_call_site_templates():
    lines = by_line(extract('''
        class Mapper:
            def _log(self, msg, *args):
                self.logger.info("(" + self.class_.__name__ + "|" + self.table + ") " + msg, *args)

            def _log_desc_style(self, msg, *args):
                self.logger.debug("%s " + msg, *((self._log_desc,) + args))

            def configure(self):
                self._log("initialize prop %s", key)
                self._log_desc_style("Identified primary key columns: %s", cols)
    '''))
    assert lines[10].template.text == "({}|{}) initialize prop {}"
    assert lines[10].level == "info"
    assert renders(lines[10].template, "(User|users) initialize prop name")
    assert lines[11].template.text == "{} Identified primary key columns: {}"
    assert lines[11].level == "debug"


def test_local_alias_of_a_wrapper_method():
    lines = by_line(extract('''
        class Result:
            def _log_debug(self, message, *arg):
                self.logger.debug(message, *arg)

            def setup(self):
                log = self.connection._log_debug

                def _log_row(row):
                    log("Row %r", row)
                    return row
    '''))
    assert lines[10].template.text == "Row {}" and lines[10].level == "debug"


def test_transitive_wrappers():
    lines = by_line(extract('''
        import logging
        class InstanceLogger:
            def __init__(self, logger):
                self.logger = logger
            def log(self, level, msg, *args, **kwargs):
                self.logger.log(level, msg, *args, **kwargs)
            def warning(self, msg, *args, **kwargs):
                self.log(logging.WARNING, msg, *args, **kwargs)
            def check(self):
                self.warning("checked %d", n)
    '''))
    assert lines[11].template.text == "checked {}" and lines[11].level == "warn"


def test_wrappers_from_other_files_and_nearest_definition_wins():
    definer = extract('''
        class Connection:
            def _log_debug(self, message, *arg):
                self.engine.logger.debug(message, *arg)
    ''', path="lib/engine/base.py", module="lib.engine.base")
    other = extract('''
        class Mapper:
            def _log_debug(self, msg, *args):
                self.logger.debug("%s " + msg, *((self._log_desc,) + args))
    ''', path="lib/orm/mapper.py", module="lib.orm.mapper")
    wrappers = definer.wrappers + other.wrappers
    caller = extract('''
        class CursorResult:
            def rewind(self):
                self.context.connection._log_debug("rewound %d row(s)", n)
    ''', path="lib/engine/cursor.py", module="lib.engine.cursor", wrappers=wrappers)
    statement = caller.statements[0]
    assert statement.template.text == "rewound {} row(s)" and statement.level == "debug"


def test_parameter_used_as_a_value_is_not_a_wrapper():
    result = extract('''
        import logging
        log = logging.getLogger(__name__)
        def process(name, count):
            log.info("processing " + str(name))
            log.info("count %d", count)
    ''')
    assert result.wrappers == []
    assert not any(s.wrapper for s in result.statements)


def test_configured_logging_method():
    from prodlens.source.extract_types import WrapperDef

    audit = WrapperDef(name="audit", language="python", path="", message_param=0, level="warn", framework="wrapper")
    result = extract('audit("user %s did it", user)\nsomething.audit("via attribute")\n', wrappers=[audit])
    assert [(s.template.text, s.level) for s in result.statements] == [
        ("user %s did it", "warn"), ("via attribute", "warn")]


def test_function_wrapper_from_another_module_needs_an_import():
    definer = extract('''
        import logging
        log = logging.getLogger(__name__)
        def log_debug(msg, *args):
            log.debug("[dbg] " + msg, *args)
    ''', path="pkg/util.py", module="pkg.util")
    caller = extract('''
        from pkg.util import log_debug
        from . import util
        log_debug("imported %s", x)
        util.log_debug("through the module")
        other.log_debug("some other object")
    ''', path="pkg/app.py", module="pkg.app", wrappers=definer.wrappers)
    assert [s.template.text for s in caller.statements] == ["[dbg] imported {}", "[dbg] through the module"]
    unrelated = extract('log_debug("not imported here")\n', path="other/app.py", wrappers=definer.wrappers)
    assert unrelated.statements == []


def test_keyword_message_and_module_constant_level():
    lines = by_line(extract('''
        import logging
        SUBDEBUG = 5
        _logger = logging.getLogger(__name__)
        def sub_debug(msg, *args):
            _logger.log(SUBDEBUG, msg, *args)
        def _log_info(message, *arg):
            _logger.info(message, *arg)
        sub_debug("deep %s", x)
        _log_info(message="by keyword")
    '''))
    assert (lines[6].level, lines[6].wrapper) == ("trace", True)
    assert (lines[9].template.text, lines[9].level) == ("deep {}", "trace")
    assert (lines[10].template.text, lines[10].level) == ("by keyword", "info")


def test_methods_named_like_logging_methods_are_not_exported():
    result = extract('''
        import logging
        class Adapter:
            def log(self, level, msg, *args):
                self.logger.log(level, msg, *args)
            def info(self, msg, *args):
                self.log(logging.INFO, msg, *args)
            def _log_custom(self, msg):
                self.logger.info(msg)
    ''')
    exported = {w.name: w.exported for w in result.wrappers}
    assert exported == {"log": False, "info": False, "_log_custom": True}


def test_wrapper_detection_can_be_turned_off():
    from prodlens.config import IndexConfig
    from prodlens.source.extract_types import ExtractContext
    from prodlens.source.languages import new_parser
    from prodlens.source.python.extractor import EXTRACTOR

    src = b"import logging\nlog = logging.getLogger(__name__)\ndef _log(msg):\n    log.info(msg)\n_log('x')\n"
    context = ExtractContext(config=IndexConfig(detect_wrappers=False))
    result = EXTRACTOR.extract(new_parser("python").parse(src), src, "m.py", context)
    assert result.wrappers == [] and [s.wrapper for s in result.statements] == [False]


def test_own_method_of_the_same_name_shadows_a_foreign_wrapper():
    definer = extract('''
        class Mapper:
            def _log(self, msg, *args):
                self.logger.info("(m) " + msg, *args)
    ''', path="lib/orm/mapper.py", module="lib.orm.mapper")
    caller = extract('''
        class Recorder:
            def _log(self, entry):
                self.entries.append(entry)
            def run(self):
                self._log("not a log statement")
    ''', path="lib/orm/recorder.py", module="lib.orm.recorder", wrappers=definer.wrappers)
    assert caller.statements == []


def test_getattr_method_and_stripped_message():
    definer = extract('''
        import logging
        _logger = None
        def _log(type, message, *args, **kwargs):
            global _logger
            if _logger is None:
                _logger = logging.getLogger("web")
            getattr(_logger, type)(message.rstrip(), *args, **kwargs)
    ''', path="web/_internal.py", module="web._internal")
    [inner] = definer.statements
    assert inner.wrapper and inner.logger == "web" and inner.level is None
    [wrapper] = definer.wrappers
    assert (wrapper.level_param, wrapper.message_param, wrapper.args_param) == (0, 1, 2)
    lines = by_line(extract('''
        from ._internal import _log
        class Handler:
            def log(self, type, message, *args):
                _log(type, f"{self.address} - - [{self.now()}] {message}\\n", *args)
            def log_request(self, code, size):
                self.log("info", '"%s" %s %s', self.requestline, code, size)
            def warn_once(self):
                _log("warning", " * Debugger is active!")
    ''', path="web/serving.py", module="web.serving", wrappers=definer.wrappers))
    assert lines[5].wrapper
    request = lines[7]
    assert (request.template.text, request.level, request.logger) == ('{} - - [{}] "{}" {} {}', "info", "web")
    assert renders(request.template, '127.0.0.1 - - [23/Nov/2026 20:00:00] "GET / HTTP/1.1" 200 -')
    assert (lines[9].template.text, lines[9].level) == (" * Debugger is active!", "warn")
