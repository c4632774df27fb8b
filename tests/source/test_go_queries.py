"""Pin what each capture of the Go queries means. (Declarations are not queried: `facts.FileFacts` looks up the
few names candidate calls use; tests/source/test_go_facts.py covers it.)"""

from __future__ import annotations

import tree_sitter

from prodlens.source.go.facts import query
from prodlens.source.languages import new_parser

SOURCE = b"""package shop

import (
    "log"
    zl "go.uber.org/zap"
)

const Prefix = "shop: "

type Server struct {
    logger *zl.Logger
    name   string
}

func (s *Server) Run(l *zl.SugaredLogger, n int) {
    sugar := s.logger.Sugar()
    var std = log.New(os.Stderr, "", 0)
    log.Printf("n=%d", n)
    s.logger.Info("run", zl.Int("n", n))
    math.Log(2)
    helper("x")
}
"""


def _captures(name: str) -> dict[str, list[str]]:
    tree = new_parser("go").parse(SOURCE)
    out: dict[str, list[str]] = {}
    for _pattern, caps in tree_sitter.QueryCursor(query(name)).matches(tree.root_node):
        for capture, nodes in caps.items():
        	out.setdefault(capture, []).extend(n.text.decode() for n in nodes)
    return out


def test_calls_query_captures_selector_calls_with_logging_names():
    caps = _captures("calls.scm")
    assert caps["method"] == ["Printf", "Info", "Log"]
    assert caps["receiver"] == ["log", "s.logger", "math"]
    assert caps["call"][0] == 'log.Printf("n=%d", n)'
    assert caps["args"][1] == '("run", zl.Int("n", n))'
