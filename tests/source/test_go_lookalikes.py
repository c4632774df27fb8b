"""Go calls that look like logging but are not; convention-only receivers."""

from __future__ import annotations

from prodlens.source.extract_types import ExtractContext
from prodlens.source.go.extractor import EXTRACTOR
from prodlens.source.languages import new_parser


def extract(source: str):
    data = source.encode()
    return EXTRACTOR.extract(new_parser("go").parse(data), data, "x.go", ExtractContext()).statements


def test_math_testing_fmt_errors_and_unknown_receivers_are_not_statements():
    statements = extract("""package x
import (
    "fmt"
    "log"
    "math"
    "testing"
)
type Tracker struct{ log []string }
func TestX(t *testing.T, b *strings.Builder, tr Tracker) {
    _ = math.Log(2)
    t.Logf("test output %d", 1)
    t.Errorf("failed %v", 1)
    _ = fmt.Errorf("wrap: %w", err)
    fmt.Println("stdout, not a logger")
    tr.log.Print("field declared as a slice")
    result.Error("x")
    log.Printf("real")
}
""")
    assert [s.template.text for s in statements] == ["real"]


def test_zap_package_itself_has_no_info_function():
    statements = extract('package x\nimport "go.uber.org/zap"\nfunc f() { zap.Info("no such function") }\n')
    assert statements == []


def test_methods_a_logger_kind_lacks_are_not_statements():
    # *log.Logger has no Info, *slog.Logger has no Infof
    statements = extract('package x\nimport ("log"; "log/slog")\nfunc f(l *log.Logger, s *slog.Logger) {\n'
                         ' l.Info("a")\n s.Infof("b %d", 1)\n s.Info("c")\n}\n')
    assert [s.template.text for s in statements] == ["c"]


def test_convention_receivers_when_the_file_is_silent():
    statements = extract('package x\nfunc (s *Server) f() {\n s.logger.Infof("conv %d", 1)\n'
                         ' logger.Info("zap-like", zap.String("k", "v"))\n}\n')
    assert [(s.template.text, s.receiver, s.framework) for s in statements] == [
        ("conv {}", "convention", "unknown"), ("zap-like", "convention", "unknown")]


def test_a_shadowing_import_is_not_a_convention_logger():
    # a package imported under the name "log" that is not a logging package
    statements = extract('package x\nimport log "example.com/changelog"\nfunc f() { log.Info("entry") }\n')
    assert statements == []


def test_convention_receivers_take_the_framework_the_file_imports():
    statements = extract('package x\nimport (\n "log"\n "go.uber.org/zap"\n)\n'
                         'func (s *Server) f() { s.lg.Warn("slow", zap.Duration("took", d)) }\n')
    assert [(s.framework, s.receiver, s.level, s.template.text) for s in statements] == [
        ("zap", "convention", "warn", "slow")]
