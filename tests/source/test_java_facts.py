"""FileFacts: lazy, name-by-name resolution of declarations, constants, classes and Lombok annotations.

The regex that finds candidate places may match comments, strings and uses; the tree must reject all of those."""

from __future__ import annotations

from prodlens.source.java.facts import FileFacts
from prodlens.source.languages import new_parser

SOURCE = b"""package org.example.app;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.*;
import static java.util.Objects.requireNonNull;
// Logger NOT_A_FIELD = LoggerFactory.getLogger("comment");
public class Shop {
    private static final Logger LOG = LoggerFactory.getLogger(Shop.class);
    static final String PREFIX = "shop: ";
    String notStatic = "x";
    private ChangeLog changelog;
    private final Logger late;
    static final String TEXT = "Logger FAKE = null;";
    Shop() { this.late = LoggerFactory.getLogger("late.name"); }
    void sell(Logger audit, Map<String, Logger> byName) {
        for (Logger each : byName.values()) { each.info("x"); }
        LOG.info("sold");
    }
    interface Api { String KEY = "k"; }
    enum Kind { A }
}
"""


def facts() -> FileFacts:
    return FileFacts(new_parser("java").parse(SOURCE).root_node, SOURCE)


def test_header_package_and_imports():
    f = facts()
    assert f.package == "org.example.app"
    assert f.imports == {"Logger": "org.slf4j.Logger", "LoggerFactory": "org.slf4j.LoggerFactory"}
    assert f.wildcard_imports == ["java.util"]
    assert f.file_framework == "slf4j"


def test_variables_fields_parameters_assignments_and_non_loggers():
    f = facts()
    log = f.variable("LOG")
    assert log is not None and log.is_logger and (log.framework, log.logger_name) == ("slf4j", "org.example.app.Shop")
    late = f.variable("late")
    assert late is not None and late.logger_name == "late.name"  # assigned in the constructor
    audit = f.variable("audit")
    assert audit is not None and audit.is_logger and audit.logger_name is None
    each = f.variable("each")
    assert each is not None and each.is_logger  # enhanced for variable
    changelog = f.variable("changelog")
    assert changelog is not None and not changelog.is_logger
    assert f.variable("NOT_A_FIELD") is None  # only in a comment
    assert f.variable("FAKE") is None  # only inside a string
    assert f.variable("nothing") is None


def test_constants_are_static_final_strings_including_interface_constants():
    f = facts()
    assert f.constant("PREFIX") is not None and f.constant("PREFIX").text == b'"shop: "'
    assert f.constant("notStatic") is None
    assert f.constant("KEY") is not None
    assert f.constant("missing") is None


def test_classes_and_their_runtime_names():
    f = facts()
    assert set(f.classes) == {"Shop", "Api", "Kind"}
    node = f.classes["Api"]
    assert f.class_fqn(node) == "org.example.app.Shop$Api"
    assert f.resolve_class("Shop.Kind", node) == "org.example.app.Shop$Kind"
    assert f.resolve_class("LoggerFactory", node) == "org.slf4j.LoggerFactory"
    assert f.resolve_class("Other", node) == "org.example.app.Other"


def test_logger_aliases_and_conflicting_assignments():
    source = b"""package p;
import java.util.logging.Logger;
class U {
    private static final Logger LOGGER;
    static {
        Logger logger = Logger.getLogger(U.class.getName());
        LOGGER = logger;
    }
    private static final Logger BASE = Logger.getLogger("base");
    void f(Dest dest) {
        Logger log = BASE;
        if (dest != null) { log = dest.getLog(); }
        Logger same = BASE;
    }
}
"""
    f = FileFacts(new_parser("java").parse(source).root_node, source)
    assert f.variable("LOGGER").logger_name == "p.U"  # assigned from another logger variable
    assert f.variable("same").logger_name == "base"  # an alias
    log = f.variable("log")
    assert log.is_logger and log.logger_name is None  # sometimes another logger: only known at run time
