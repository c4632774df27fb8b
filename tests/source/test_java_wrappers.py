"""Java logging wrappers: detected definitions, their call sites in the same file and in other files."""

from __future__ import annotations

import re

from prodlens.config import IndexConfig
from prodlens.render import python_regex
from prodlens.source.extract_types import ExtractContext, WrapperDef
from prodlens.source.java.extractor import EXTRACTOR
from prodlens.source.languages import new_parser

AUDIT = """package org.example;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
public class Audit {
    private static final Logger LOG = LoggerFactory.getLogger(Audit.class);
    public void audit(String fmt, Object... a) { LOG.info("[audit] " + fmt, a); }
    private void say(Level level, String msg) { JUL.log(level, msg); }
    void close(String id) { LOG.info("Closing " + id); }
    void run(String user) {
        audit("user {} left", user);
        this.audit("plain");
        close("x");
    }
}
"""


def extract(source: str, wrappers=(), config: IndexConfig | None = None, path: str = "src/Audit.java"):
    data = source.encode()
    context = ExtractContext(config=config or IndexConfig(), wrappers=list(wrappers))
    return EXTRACTOR.extract(new_parser("java").parse(data), data, path, context)


def test_wrapper_definition_and_same_file_call_sites():
    result = extract(AUDIT)
    [audit] = [w for w in result.wrappers if w.name == "audit"]
    assert audit.template is not None and audit.template.text == "[audit] {}"
    assert (audit.level, audit.message_param, audit.args_param, audit.placeholder_style) == ("info", 0, 1, "slf4j")
    assert audit.exported and audit.method and audit.logger == "org.example.Audit"
    texts = [(s.template.text, s.level, s.wrapper) for s in result.statements]
    assert ("[audit] {}", "info", True) in texts  # the inner call, marked
    assert ("[audit] user {} left", "info", False) in texts
    assert ("[audit] plain", "info", False) in texts
    site = next(s for s in result.statements if s.template.text == "[audit] user {} left")
    assert re.match(python_regex(site.template), "[audit] user bob left", re.S)
    assert site.range.start_line == 9


def test_a_parameter_merely_mentioned_in_a_message_is_not_a_wrapper():
    result = extract(AUDIT)
    assert "close" not in [w.name for w in result.wrappers]
    assert ("Closing {}", False) in [(s.template.text, s.wrapper) for s in result.statements]
    assert "Closing x" not in [s.template.text for s in result.statements]


def test_call_sites_of_a_wrapper_defined_in_another_file():
    [audit] = [w for w in extract(AUDIT).wrappers if w.name == "audit"]
    other = """package org.example;
class Shop { void f(Audit a, int n) { a.audit("sold {} items", n); } }
"""
    statements = extract(other, wrappers=[audit], path="src/Shop.java").statements
    assert [(s.template.text, s.level, s.logger, s.wrapper) for s in statements] == [
        ("[audit] sold {} items", "info", "org.example.Audit", False)]


def test_level_passed_in_to_a_wrapper_comes_from_the_call_site():
    wrapper = WrapperDef(name="say", language="java", path="src/Audit.java", message_param=1, level_param=0,
                         framework="jul")
    statements = extract('class B { void f() { say(Level.WARNING, "disk full"); say(lvl, "maybe"); } }',
                         wrappers=[wrapper], path="src/B.java").statements
    assert [(s.template.text, s.level) for s in statements] == [("disk full", "warn"), ("maybe", None)]


def test_configured_logging_method_with_qualifier():
    configured = WrapperDef(name="Events.emit", language="java", path="", message_param=0, level="info")
    statements = extract('class B { void f() { Events.emit("started {}", 1); other.emit("no"); } }',
                         wrappers=[configured], path="src/B.java").statements
    assert [(s.template.text, s.template.holes, s.level) for s in statements] == [("started {}", 1, "info")]


def test_wrapper_detection_can_be_switched_off():
    result = extract(AUDIT, config=IndexConfig(detect_wrappers=False))
    assert result.wrappers == []
    assert not any(s.wrapper for s in result.statements)


def test_wrapper_named_like_a_logging_method_is_trusted_only_unqualified():
    wrapper = WrapperDef(name="error", language="java", path="src/Base.java", message_param=0, level="error",
                         method=True, exported=True)
    statements = extract('class B extends Base { void f(Result result) { result.error("not a log"); '
                         'error("inherited wrapper"); this.error("this too"); } }',
                         wrappers=[wrapper], path="src/B.java").statements
    assert [s.template.text for s in statements] == ["inherited wrapper", "this too"]


def test_value_parameters_named_like_text_do_not_make_wrappers():
    source = AUDIT.replace("    void run(", '    void send(String msgText) { LOG.info("Creating message: " + msgText); }\n'
                           '    void run(')
    assert "send" not in [w.name for w in extract(source).wrappers]


JDBC = """package org.example.jdbc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
public class JdbcAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcAdapter.class);
    public static void log(String msg, SQLException e) {
        String s = msg + e.getMessage();
        while (e.getNextException() != null) {
            e = e.getNextException();
            s += ", due to: " + e.getMessage();
        }
        LOG.warn(s, e);
    }
}
"""

BROKER = """package org.example;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
public abstract class AbstractConfigBroker {
    private static final Logger LOG = LoggerFactory.getLogger(AbstractConfigBroker.class);
    public void info(String s) { LOG.info(filterPasswords(s)); }
}
"""


def test_message_built_in_a_local_from_the_parameter():
    [wrapper] = extract(JDBC, path="src/jdbc/JdbcAdapter.java").wrappers
    assert (wrapper.name, wrapper.level, wrapper.message_param) == ("log", "warn", 0)
    assert wrapper.template is not None and wrapper.template.text == "{}{}{}"  # message, e.getMessage(), appended
    site = extract('class Store { void f(SQLException e) { JdbcAdapter.log("JDBC Failure: ", e); '
                   'other.log("not the adapter", e); } }', wrappers=[wrapper], path="src/jdbc/Store.java").statements
    assert [(s.template.text, s.level) for s in site] == [("JDBC Failure: {}{}", "warn")]
    assert re.match(python_regex(site[0].template), "JDBC Failure: table locked, due to: timeout", re.S)


def test_parameter_passed_through_a_call_and_receivers_declared_with_the_wrappers_class():
    [wrapper] = extract(BROKER, path="src/AbstractConfigBroker.java").wrappers
    assert (wrapper.name, wrapper.template, wrapper.level) == ("info", None, "info")
    other = """package org.example;
class Processor {
    private final ConfigBroker plugin;
    private final Result result;
    void f() { plugin.info("applied {}"); result.info("not a broker"); info("inherited"); }
}
"""
    statements = extract(other, wrappers=[wrapper], path="src/Processor.java").statements
    assert [s.template.text for s in statements] == ["applied {}", "inherited"]


def test_a_parameter_the_method_also_computes_with_is_a_value_not_a_message():
    source = AUDIT.replace("    void run(", '    private void scan(String pattern) {\n'
                           '        LOG.debug("Scanning " + pattern + " for dumps");\n'
                           '        pattern = pattern.replace("%p", "*");\n        open(new File(pattern));\n    }\n'
                           '    public void info(String s) { LOG.info(filter(s)); buffer += s; }\n'
                           '    void run(')
    names = [w.name for w in extract(source).wrappers]
    assert "scan" not in names
    assert "info" in names  # named for logging: its extra bookkeeping does not disqualify it
