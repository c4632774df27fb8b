"""Pin what each capture of the Java queries means, so a grammar upgrade or a query edit that changes them fails
here rather than as missing statements somewhere else. (Declarations are not queried: `facts.FileFacts` looks up
the few names candidate calls use; tests/source/test_java_facts.py covers it.)"""

from __future__ import annotations

import tree_sitter

from prodlens.source.java.facts import query
from prodlens.source.languages import new_parser

SOURCE = b"""package org.example.app;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import lombok.extern.slf4j.Slf4j;
@Slf4j
public class Shop {
    private static final Logger LOG = LoggerFactory.getLogger(Shop.class);
    static final String PREFIX = "shop: ";
    private Log changelog;
    private Object logger;
    private Logger late;
    Shop() { late = LoggerFactory.getLogger("late"); }
    void sell(Logger audit, int n) {
        var local = LoggerFactory.getLogger(getClass());
        LOG.info("sold {}", n);
        this.LOG.warn("w");
        Math.log(2.0);
        helper("x");
    }
}
"""


def _captures(name: str) -> dict[str, list[str]]:
    tree = new_parser("java").parse(SOURCE)
    out: dict[str, list[str]] = {}
    for _pattern, caps in tree_sitter.QueryCursor(query(name)).matches(tree.root_node):
        for capture, nodes in caps.items():
            out.setdefault(capture, []).extend(n.text.decode() for n in nodes)
    return out


def test_calls_query_captures_logging_method_calls_with_receiver_name_and_arguments():
    caps = _captures("calls.scm")
    assert caps["method"] == ["info", "warn", "log"]
    assert caps["receiver"] == ["LOG", "this.LOG", "Math"]
    assert caps["call"][0] == 'LOG.info("sold {}", n)'
    assert caps["args"][1] == '("w")'
    assert "helper" not in " ".join(caps["call"])  # only logging method names are candidates


def test_error_query_counts_syntax_errors():
    tree = new_parser("java").parse(b"class A { void f() { LOG.info(\"x\" +; } }")
    assert tree_sitter.QueryCursor(query("errors.scm")).captures(tree.root_node).get("error")
