"""Pin what each capture of the JavaScript queries means, in all three grammars that share them."""

from __future__ import annotations

import pytest
import tree_sitter

from prodlens.source.js.extractor import bindings_query, calls_query, errors_query
from prodlens.source.languages import new_parser

SOURCE = b'''const debug = require("debug")("ns");
import pino from "pino";
const x = compute(1);
logger.info("a %s", b);
request.log.warn({ a }, "w");
Math.log(2);
list.push(3);
debug.apply(null, arguments);
'''


def _captures(language: str, query: tree_sitter.Query) -> dict[str, list[str]]:
    tree = new_parser(language).parse(SOURCE)
    out: dict[str, list[str]] = {}
    for _pattern, caps in tree_sitter.QueryCursor(query).matches(tree.root_node):
        for capture, nodes in caps.items():
            out.setdefault(capture, []).extend(n.text.decode() for n in nodes)
    return out


@pytest.mark.parametrize("language", ["javascript", "typescript", "tsx"])
def test_calls_query_captures_logging_method_calls_only(language):
    caps = _captures(language, calls_query(language))
    assert caps["call.method"] == ["info", "warn", "log", "apply"]
    assert caps["call.receiver"] == ["logger", "request.log", "Math", "debug"]
    assert caps["call.args"][0] == '("a %s", b)'
    assert caps["call"][1] == 'request.log.warn({ a }, "w")'


@pytest.mark.parametrize("language", ["javascript", "typescript", "tsx"])
def test_bindings_query_captures_requires_and_imports(language):
    caps = _captures(language, bindings_query(language))
    assert caps["require.module"] == ['"debug"']
    assert caps["require"] == ['require("debug")']
    assert caps["import.module"] == ['"pino"']
    assert caps["import"] == ['import pino from "pino";']


@pytest.mark.parametrize("language", ["javascript", "typescript", "tsx"])
def test_errors_query(language):
    tree = new_parser(language).parse(b"function f( {\n")
    captures = tree_sitter.QueryCursor(errors_query(language)).captures(tree.root_node)
    assert captures.get("error") or captures.get("missing")


@pytest.mark.parametrize("language", ["javascript", "typescript", "tsx"])
def test_calls_query_captures_computed_method_calls(language):
    tree = new_parser(language).parse(b"logger[level]('m', x);\nobj.prop('n');\n")
    matches = tree_sitter.QueryCursor(calls_query(language)).matches(tree.root_node)
    assert len(matches) == 1
    caps = {name: [n.text.decode() for n in nodes] for name, nodes in matches[0][1].items()}
    assert caps["call.receiver"] == ["logger"] and caps["call.level"] == ["level"]
    assert caps["call.args"] == ["('m', x)"] and caps["call"] == ["logger[level]('m', x)"]
