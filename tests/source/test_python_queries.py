"""Pin what each capture of the Python queries means, so a grammar upgrade or a query edit that changes them
fails here rather than as missing statements somewhere else."""

from __future__ import annotations

import tree_sitter

from prodlens.source.languages import new_parser
from prodlens.source.python.extractor import bindings_query, calls_query, errors_query

SOURCE = b'''import logging
import structlog as sl
from loguru import logger as lg
log = logging.getLogger(__name__)
self.logger = log.instance_logger(self)
x = compute(1)
log.info("a %s", b)
self.engine.logger.exception("e")
math.log(2)
obj.append(3)
sl.get_logger().warning("w")
'''


def _captures(query: tree_sitter.Query) -> dict[str, list[str]]:
    tree = new_parser("python").parse(SOURCE)
    out: dict[str, list[str]] = {}
    for _pattern, caps in tree_sitter.QueryCursor(query).matches(tree.root_node):
        for capture, nodes in caps.items():
            out.setdefault(capture, []).extend(n.text.decode() for n in nodes)
    return out


def test_calls_query_captures_logging_method_calls_only():
    caps = _captures(calls_query())
    assert caps["call.method"] == ["info", "exception", "log", "warning"]
    assert caps["call.receiver"] == ["log", "self.engine.logger", "math", "sl.get_logger()"]
    assert caps["call.args"][0] == '("a %s", b)'
    assert caps["call"][1] == 'self.engine.logger.exception("e")'


def test_bindings_query_captures_factory_assignments_and_imports():
    caps = _captures(bindings_query())
    assert caps["assign.target"] == ["log", "self.logger"]  # `x = compute(1)` is not a factory
    assert caps["assign.factory"] == ["logging.getLogger", "log.instance_logger"]
    assert caps["assign.args"] == ["(__name__)", "(self)"]
    assert caps["import"] == ["import logging", "import structlog as sl", "from loguru import logger as lg"]


def test_errors_query():
    missing = new_parser("python").parse(b"def f(:\n  pass\n")
    assert [n.type for n in tree_sitter.QueryCursor(errors_query()).captures(missing.root_node)["missing"]] == [")"]
    broken = new_parser("python").parse(b"x = = 1\n")
    assert tree_sitter.QueryCursor(errors_query()).captures(broken.root_node)["error"]


def test_calls_query_captures_getattr_method_calls():
    tree = new_parser("python").parse(b"getattr(_logger, kind)(msg.rstrip(), *args)\ngetattr(obj, 'x')\n")
    matches = tree_sitter.QueryCursor(calls_query()).matches(tree.root_node)
    assert len(matches) == 1
    caps = {name: [n.text.decode() for n in nodes] for name, nodes in matches[0][1].items()}
    assert caps["call.getattr"] == ["getattr"]
    assert caps["call.receiver"] == ["_logger"] and caps["call.level"] == ["kind"]
    assert caps["call.args"] == ["(msg.rstrip(), *args)"]
