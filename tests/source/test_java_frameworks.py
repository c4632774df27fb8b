"""Java frameworks: the template, level, logger name and flags each one's calls produce.

Every template is also checked against the text the framework really prints for it (written out by hand from
the framework's documented formatting), through the same regex rendering the matcher uses.
"""

from __future__ import annotations

from prodlens.model import Confidence, HoleKind
from prodlens.source.extract_types import ExtractContext
from prodlens.source.java.extractor import EXTRACTOR
from prodlens.source.languages import new_parser

from statement_checks import matches, single


def extract(body: str, header: str = "import org.slf4j.Logger;\nimport org.slf4j.LoggerFactory;\n",
            fields: str = "    private static final Logger LOG = LoggerFactory.getLogger(Shop.class);\n"):
    source = ("package org.example;\n" + header + "public class Shop {\n" + fields
              + "    void run(Exception e, int n, String s) {\n" + body + "\n    }\n}\n").encode()
    return EXTRACTOR.extract(new_parser("java").parse(source), source, "src/Shop.java", ExtractContext()).statements


def only(body: str, **kw):
    return single(extract(body, **kw))


def test_slf4j_placeholders_level_logger_and_trailing_throwable():
    s = only('LOG.warn("Order {} failed after {} tries", n, 3, e);')
    assert s.template.text == "Order {} failed after {} tries"
    assert (s.framework, s.level, s.logger, s.receiver) == ("slf4j", "warn", "org.example.Shop", "declared")
    assert s.throwable and s.confidence is Confidence.FULL
    assert matches(s, "Order 42 failed after 3 tries")
    assert not matches(s, "Order 42 failed")


def test_slf4j_escaped_placeholder_and_message_without_arguments_is_literal():
    s = only(r'LOG.info("set \\{} to {}", n);')
    assert s.template.text == "set {} to {}" and s.template.holes == 1
    plain = only('LOG.info("literal {} braces");')
    assert plain.template.holes == 0 and matches(plain, "literal {} braces")


def test_every_level_method_and_marker_first_argument():
    for method, level in [("trace", "trace"), ("debug", "debug"), ("info", "info"), ("warn", "warn"), ("error", "error")]:
        assert only(f'LOG.{method}("m");').level == level
    s = only('LOG.info(MarkerFactory.getMarker("AUDIT"), "user {} in", s);')
    assert s.template.text == "user {} in"


def test_isenabled_guard_keeps_the_calls_level_and_multi_line_concatenation():
    statements = extract('if (LOG.isTraceEnabled()) {\n'
                         '            LOG.debug("Stopping transport "\n'
                         '                + this\n'
                         '                + " now");\n'
                         '        }')
    assert len(statements) == 1
    s = statements[0]
    assert s.level == "debug"
    assert s.template.text == "Stopping transport {} now"
    assert (s.range.start_line, s.range.end_line) == (7, 9)  # 0-based: the call's first and last line
    assert matches(s, "Stopping transport tcp://127.0.0.1:61616 now")


def test_log4j1_and_commons_logging_concatenation_and_throwable_argument():
    s = only('LOG.error("Failed " + s + " {}", e);',
             header="import org.apache.log4j.Logger;\n", fields="    static Logger LOG = Logger.getLogger(Shop.class);\n")
    assert s.framework == "log4j" and s.throwable
    assert s.template.text == "Failed {} {}"  # log4j 1 does not format {}: the braces are literal
    assert matches(s, "Failed disk {}")
    c = only('log.info("Stopping transport " + this);', header="import org.apache.commons.logging.Log;\n"
             "import org.apache.commons.logging.LogFactory;\n",
             fields="    private final Log log = LogFactory.getLog(getClass());\n")
    assert (c.framework, c.level, c.logger) == ("commons-logging", "info", "org.example.Shop")
    assert c.template.text == "Stopping transport {}"


def test_java_util_logging_levels_log_logp_and_message_format():
    header = "import java.util.logging.Level;\nimport java.util.logging.Logger;\n"
    fields = '    static final Logger LOGGER = Logger.getLogger("com.shop.disk");\n'
    s = only('LOGGER.log(Level.WARNING, "Disk {0} full ({1,number,#}%)", new Object[]{s, n});', header=header, fields=fields)
    assert (s.framework, s.level, s.logger) == ("jul", "warn", "com.shop.disk")
    assert s.template.text == "Disk {} full ({}%)"
    assert matches(s, "Disk /var full (97%)")
    for method, level in [("fine", "debug"), ("finer", "trace"), ("finest", "trace"), ("config", "info"), ("severe", "error")]:
        assert only(f'LOGGER.{method}("m");', header=header, fields=fields).level == level
    p = only('LOGGER.logp(Level.SEVERE, "Shop", "run", "it''s {0}", s);', header=header, fields=fields)
    assert p.level == "error" and p.template.text == "its {}"
    t = only('LOGGER.log(Level.SEVERE, "boom", e);', header=header, fields=fields)
    assert t.throwable and t.template.text == "boom"
    dynamic_level = only('LOGGER.log(level, "m");', header=header, fields=fields)
    assert dynamic_level.level is None


def test_log4j2_getlogger_without_arguments_and_printf_method():
    header = "import org.apache.logging.log4j.LogManager;\nimport org.apache.logging.log4j.Logger;\n"
    fields = "    private static final Logger logger = LogManager.getLogger();\n"
    s = only('logger.info("x {}", n);', header=header, fields=fields)
    assert (s.framework, s.logger) == ("log4j2", "org.example.Shop")
    p = only('logger.printf(Level.INFO, "%d items at %.2f", n, 1.5);', header=header, fields=fields)
    assert p.level == "info" and p.template.text == "{} items at {}"
    assert [h.kind for h in p.template.parts if not isinstance(h, str)] == [HoleKind.INT, HoleKind.NUMBER]


def test_string_format_and_message_format_as_the_message():
    s = only('LOG.info(String.format("Disk %s is %d%% full%n", s, n));')
    assert s.template.text == "Disk {} is {}% full\n"
    assert matches(s, "Disk /var is 97% full\n")
    m = only('LOG.info(MessageFormat.format("Queue {0} has {1} messages", s, n));')
    assert m.template.text == "Queue {} has {} messages"


def test_lombok_log_field_gives_declared_receiver_and_class_name():
    s = only('log.info("lombok {}", n);', header="import lombok.extern.slf4j.Slf4j;\n", fields="")
    assert s.receiver == "convention"  # no annotation on this class: the file is silent about `log`
    source = (b"package org.example;\nimport lombok.extern.slf4j.Slf4j;\n@Slf4j\npublic class Cart {\n"
              b"  void f() { log.debug(\"cart {}\", 1); }\n}\n")
    result = EXTRACTOR.extract(new_parser("java").parse(source), source, "Cart.java", ExtractContext()).statements
    assert [(r.framework, r.receiver, r.logger) for r in result] == [("slf4j", "declared", "org.example.Cart")]
    topic = b"package p;\nimport lombok.extern.log4j.Log4j2;\n@Log4j2(topic = \"audit\")\nclass A { void f() { log.info(\"a\"); } }\n"
    result = EXTRACTOR.extract(new_parser("java").parse(topic), topic, "A.java", ExtractContext()).statements
    assert [(r.framework, r.logger) for r in result] == [("log4j2", "audit")]


def test_logger_names_nested_classes_get_class_lookup_and_explicit_strings():
    source = b"""package a.b;
import org.slf4j.*;
import java.lang.invoke.MethodHandles;
public class Outer {
    static final Logger A = LoggerFactory.getLogger(Outer.Inner.class);
    static final Logger B = LoggerFactory.getLogger(MethodHandles.lookup().lookupClass());
    static final Logger C = LoggerFactory.getLogger("explicit.name");
    static final Logger D = LoggerFactory.getLogger(Outer.class.getName() + ".Transport");
    static class Inner {
        private final Logger log = LoggerFactory.getLogger(getClass());
        void f() { log.info("i"); A.info("a"); B.info("b"); C.info("c"); D.info("d"); }
    }
}
"""
    result = EXTRACTOR.extract(new_parser("java").parse(source), source, "Outer.java", ExtractContext()).statements
    assert [r.logger for r in result] == ["a.b.Outer$Inner", "a.b.Outer$Inner", "a.b.Outer", "explicit.name",
                                          "a.b.Outer.Transport"]


def test_constants_text_blocks_and_escapes_are_decoded():
    fields = ('    private static final Logger LOG = LoggerFactory.getLogger(Shop.class);\n'
              '    static final String PREFIX = "[shop] ";\n'
              '    static final String FULL = PREFIX + "full:";\n')
    s = only('LOG.info(FULL + " {}\\t\\u00e9\\101" + \'!\', n);', fields=fields)
    assert s.template.text == "[shop] full: {}\té\x41!"
    block = only('LOG.info("""\n            Report:\n              total {}\n            """, n);', fields=fields)
    assert block.template.text == "Report:\n  total {}\n"
    assert matches(block, "Report:\n  total 5\n")


def test_fluent_api_takes_level_from_at_method():
    s = only('LOG.atWarn().addArgument(n).setCause(e).log("fluent {}");')
    assert (s.level, s.template.text) == ("warn", "fluent {}")


def test_message_without_constant_text_is_dynamic_and_unseen_format_is_partial():
    assert only("LOG.info(s);").confidence is Confidence.DYNAMIC
    partial = only('LOG.info("prefix " + s, n);')
    assert partial.confidence is Confidence.PARTIAL
    assert only('LOG.info("x " + s);').confidence is Confidence.FULL


def test_columns_count_characters_not_bytes():
    s = only('String é = "é"; LOG.info("x");')
    line = ('String é = "é"; LOG.info("x");')
    assert s.range.start_column == line.index("LOG")  # two é before it: 2 bytes each, 1 character each
    assert s.range.end_column == len(line) - 1


def test_message_suppliers_are_read_through_the_lambda():
    s = only('LOG.debug(() -> "lazy " + n);', header="import org.apache.logging.log4j.Logger;\n",
             fields="    private static final Logger LOG = org.apache.logging.log4j.LogManager.getLogger();\n")
    assert (s.framework, s.template.text) == ("log4j2", "lazy {}")
    header = "import java.util.logging.Level;\nimport java.util.logging.Logger;\n"
    fields = '    static final Logger LOGGER = Logger.getLogger(Shop.class.getName());\n'
    j = only('LOGGER.log(Level.FINE, () -> "supplied " + s);', header=header, fields=fields)
    assert (j.level, j.logger, j.template.text) == ("debug", "org.example.Shop", "supplied {}")


def test_statements_in_initializers_constructors_lambdas_anonymous_classes_enums_and_interfaces():
    source = b"""package p;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
public enum Mode {
    A, B;
    private static final Logger LOG = LoggerFactory.getLogger(Mode.class);
    static { LOG.info("static init"); }
    Mode() { }
    void f(java.util.List<String> xs) {
        xs.forEach(x -> LOG.debug("item {}", x));
        new Thread(new Runnable() { public void run() { LOG.warn("anonymous"); } }).start();
        final Logger local = LoggerFactory.getLogger("local.name");
        local.error("local logger");
    }
    interface Api { Logger L = LoggerFactory.getLogger(Api.class); default void g() { L.trace("default method"); } }
}
"""
    statements = EXTRACTOR.extract(new_parser("java").parse(source), source, "Mode.java", ExtractContext()).statements
    assert [(s.template.text, s.level, s.logger) for s in statements] == [
        ("static init", "info", "p.Mode"), ("item {}", "debug", "p.Mode"), ("anonymous", "warn", "p.Mode"),
        ("local logger", "error", "local.name"), ("default method", "trace", "p.Mode$Api")]


def test_markers_are_recognised_by_declaration_factory_or_name_not_by_position():
    fields = ("    private static final Logger LOG = LoggerFactory.getLogger(Shop.class);\n"
              '    private static final Marker AUDIT = MarkerFactory.getMarker("AUDIT");\n')
    assert only('LOG.info(AUDIT, "audited {}", n);', fields=fields).template.text == "audited {}"
    assert only('LOG.info(SECURITY_MARKER, "secure");').template.text == "secure"
    # a message held in a variable, followed by a string argument: the variable is the message, not a marker
    s = only('LOG.info(s, "argument");')
    assert s.template.text == "{}" and s.confidence is Confidence.DYNAMIC


def test_flogger_formats_printf_style_and_tinylog_static_calls():
    header = "import com.google.common.flogger.FluentLogger;\n"
    fields = "    private static final FluentLogger logger = FluentLogger.forEnclosingClass();\n"
    s = only('logger.atWarning().withCause(e).log("disk %s at %d%%", s, n);', header=header, fields=fields)
    assert (s.framework, s.level, s.logger, s.template.text) == ("flogger", "warn", "org.example.Shop", "disk {} at {}%")
    t = only('Logger.info("tiny {}", n);', header="import org.tinylog.Logger;\n", fields="")
    assert (t.framework, t.receiver, t.template.text) == ("tinylog", "declared", "tiny {}")
    assert extract('Result.error("imported class, not a logger");', header="import org.example.Result;\n", fields="") == []


def test_jul_throwable_before_a_message_supplier():
    header = "import java.util.logging.Level;\nimport java.util.logging.Logger;\n"
    fields = '    static final Logger LOGGER = Logger.getLogger("x");\n'
    s = only('LOGGER.log(Level.WARNING, e, () -> "Unable to read " + s);', header=header, fields=fields)
    assert (s.level, s.template.text, s.throwable) == ("warn", "Unable to read {}", True)


def test_jboss_logging_printf_and_message_format_methods():
    header = "import org.jboss.logging.Logger;\n"
    fields = "    private static final Logger log = Logger.getLogger(Shop.class);\n"
    f = only('log.infof("Deployed %s in %d ms", s, n);', header=header, fields=fields)
    assert (f.framework, f.level, f.logger, f.template.text) == ("jboss-logging", "info", "org.example.Shop",
                                                                 "Deployed {} in {} ms")
    v = only('log.warnv("Retry {0} of {1}", n, 3);', header=header, fields=fields)
    assert (v.level, v.template.text) == ("warn", "Retry {} of {}")


def test_throwable_parameters_are_recognised_by_their_declared_type():
    source = b"""package p;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
class B {
    static final Logger LOG = LoggerFactory.getLogger(B.class);
    void failed(Throwable reason) { LOG.trace("failed, listener: {}", this.listener, reason); }
    void named(String e) { LOG.info("value {}", e); }
}
"""
    result = EXTRACTOR.extract(new_parser("java").parse(source), source, "B.java", ExtractContext()).statements
    assert [s.throwable for s in result] == [True, False]  # `e` declared a String: not a Throwable
