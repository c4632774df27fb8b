"""Calls that look like logging but are not, and receivers that are loggers only by convention."""

from __future__ import annotations

from prodlens.source.extract_types import ExtractContext
from prodlens.source.java.extractor import EXTRACTOR
from prodlens.source.languages import new_parser


def extract(source: str):
    data = source.encode()
    return EXTRACTOR.extract(new_parser("java").parse(data), data, "src/A.java", ExtractContext()).statements


def test_math_log_and_non_logger_objects_are_not_statements():
    statements = extract("""
import org.slf4j.Logger;
class A {
    private final ChangeLog changelog = new ChangeLog();
    private final Result result = new Result();
    private final Object logger = new Object();
    private final Logger LOG = org.slf4j.LoggerFactory.getLogger(A.class);
    void f(double x, Response response) {
        double y = Math.log(x);
        changelog.info("added");
        result.error("bad");
        response.warn("not a logger");
        logger.info("declared as Object: not a logger");
        info("unqualified call to some method");
        LOG.info("real");
    }
}
""")
    assert [s.template.text for s in statements] == ["real"]


def test_convention_only_when_the_file_is_silent():
    statements = extract("""
package p;
class Child extends Base {
    void f() { LOG.info("inherited {}", 1); logger.warn("also"); getLog().debug("accessor"); }
}
""")
    assert [(s.template.text, s.receiver, s.logger) for s in statements] == [
        ("inherited {}", "convention", None), ("also", "convention", None), ("accessor", "convention", None)]


def test_logger_declared_in_a_field_is_declared_even_with_an_unusual_name():
    statements = extract("""
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
class A {
    private static final Logger SECURITY = LoggerFactory.getLogger("security");
    void f() { SECURITY.warn("denied"); }
}
""")
    assert [(s.receiver, s.logger) for s in statements] == [("declared", "security")]


def test_unusual_name_without_declaration_is_not_guessed():
    assert extract("class A { void f() { audit.info(\"x\"); SECURITY.warn(\"y\"); } }") == []


def test_logger_passed_as_parameter_is_declared():
    statements = extract("""
import org.slf4j.Logger;
class A { static void report(Logger target, int n) { target.info("n={}", n); } }
""")
    assert [(s.receiver, s.framework) for s in statements] == [("declared", "slf4j")]


def test_another_classes_logger_field_is_convention_without_this_files_logger_name():
    statements = extract("""
package p;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
class A {
    static final Logger LOG = LoggerFactory.getLogger(A.class);
    void f() { LOG.info("own"); this.LOG.info("own too"); A.LOG.info("own class"); Other.LOG.info("other"); }
}
""")
    assert [(s.template.text, s.receiver, s.logger) for s in statements] == [
        ("own", "declared", "p.A"), ("own too", "declared", "p.A"), ("own class", "declared", "p.A"),
        ("other", "convention", None)]
