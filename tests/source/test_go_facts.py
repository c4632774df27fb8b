"""Go FileFacts: imports with aliases, constants, struct fields, and per-name variable resolution confirmed by
the tree (comments and strings never count)."""

from __future__ import annotations

from prodlens.source.go.facts import FileFacts
from prodlens.source.languages import new_parser

SOURCE = b"""package shop

import (
    "log"
    zl "go.uber.org/zap"
    "github.com/sirupsen/logrus"
    _ "embed"
    "k8s.io/klog/v2"
)

const Prefix, Other = "shop: ", "o"

type Server struct {
    logger *zl.Logger
    audit  *zl.SugaredLogger
    names  []string
}

// sugar := zl.S() in a comment does not count
func (s *Server) Run(l *zl.SugaredLogger, t *testing.T) {
    base, err := zl.NewProduction()
    sugar := base.Named("db").Sugar()
    entry := logrus.WithError(err)
    words := []string{"a"}
    other := makeLogger()
    s.audit = sugar
    text := "logger := zl.L()"
}
"""


def facts() -> FileFacts:
    return FileFacts(new_parser("go").parse(SOURCE).root_node, SOURCE)


def test_imports_constants_and_package_names():
    f = facts()
    assert f.imports == {"log": "log", "zl": "go.uber.org/zap", "logrus": "github.com/sirupsen/logrus",
                         "klog": "k8s.io/klog/v2"}
    assert set(f.constants) == {"Prefix", "Other"}
    assert f.package_framework("zl") == "zap" and f.package_framework("klog") == "klog"


def test_variables_by_constructor_chain_type_and_plain_values():
    f = facts()
    declared, base = f.variable("base")
    assert declared and base is not None and base.kind == "zap"
    declared, sugar = f.variable("sugar")
    assert declared and sugar is not None and (sugar.kind, sugar.name) == ("zap-sugar", "db")
    declared, entry = f.variable("entry")
    assert declared and entry is not None and entry.kind == "logrus" and entry.with_error
    declared, param = f.variable("l")
    assert declared and param is not None and param.kind == "zap-sugar"
    assert f.variable("t") == (True, None)  # a parameter of another type: declared, not a logger
    assert f.variable("words") == (True, None)  # a composite literal
    assert f.variable("other") == (False, None)  # built elsewhere: unknown, conventions may still apply
    assert f.variable("logger") == (False, None)  # only inside a string


def test_struct_fields_by_type_and_by_assignment():
    f = facts()
    declared, logger = f.field("logger")
    assert declared and logger is not None and logger.kind == "zap"
    declared, audit = f.field("audit")
    assert declared and audit is not None and audit.kind == "zap-sugar"
    assert f.field("names") == (True, None)
    assert f.field("missing") == (False, None)
