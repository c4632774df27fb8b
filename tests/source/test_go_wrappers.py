"""Go logging wrappers: detection, same-file and cross-file call sites, configured methods."""

from __future__ import annotations

import re

from prodlens.render import python_regex
from prodlens.source.extract_types import ExtractContext, WrapperDef
from prodlens.source.go.extractor import EXTRACTOR
from prodlens.source.languages import new_parser

SOURCE = """package shop
import "log"

func Logf(format string, args ...interface{}) {
    log.Printf("[shop] "+format, args...)
}

func (s *Server) warn(msg string) {
    log.Println("WARN", msg)
}

func greet(name string) {
    log.Printf("hello %s", name)
}

func run(n int) {
    Logf("started %d workers", n)
    s.warn("low disk")
    greet("bob")
}
"""


def extract(source: str, wrappers=(), path="shop/log.go"):
    data = source.encode()
    return EXTRACTOR.extract(new_parser("go").parse(data), data, path, ExtractContext(wrappers=list(wrappers)))


def test_wrapper_definitions_and_call_sites_in_the_same_file():
    result = extract(SOURCE)
    by_name = {w.name: w for w in result.wrappers}
    assert set(by_name) == {"Logf"}  # warn: Println operands are not a message parameter we splice; greet: a value
    logf = by_name["Logf"]
    assert (logf.exported, logf.method, logf.args_param, logf.placeholder_style) == (True, False, 1, "printf")
    assert logf.template is not None and logf.template.text == "[shop] {}"
    texts = [(s.template.text, s.wrapper) for s in result.statements]
    assert ("[shop] {}", True) in texts and ("[shop] started {} workers", False) in texts
    site = next(s for s in result.statements if s.template.text == "[shop] started {} workers")
    assert re.match(python_regex(site.template), "[shop] started 8 workers", re.S)
    assert ("hello {}", False) in texts  # greet's inner call stays an ordinary statement


def test_cross_file_call_sites_use_the_other_files_wrapper():
    [logf] = extract(SOURCE).wrappers
    other = 'package shop\nfunc f() {\n\tshop.Logf("reloaded %s", path)\n\tLogf(msg)\n}\n'
    statements = extract(other, wrappers=[logf], path="shop/other.go").statements
    assert [(s.template.text, s.confidence.value) for s in statements] == [
        ("[shop] reloaded {}", "full"), ("[shop] {}", "partial")]


def test_configured_method_with_level_argument():
    configured = WrapperDef(name="Emit", language="go", path="", message_param=1, level_param=0)
    statements = extract('package x\nfunc f() { events.Emit("warn", "queue %s full", q) }\n',
                         wrappers=[configured], path="x.go").statements
    assert [(s.template.text, s.level) for s in statements] == [("queue {} full", "warn")]


def test_wrapper_named_like_a_logging_method_is_not_matched_on_other_packages():
    wrapper = WrapperDef(name="Errorf", language="go", path="grpclog/zapgrpc.go", message_param=0, args_param=1,
                         placeholder_style="printf", level="error", method=True, exported=True)
    source = ('package x\nimport (\n "fmt"\n "example.com/grpclog"\n)\n'
              'func f(b *strings.Builder) {\n _ = fmt.Errorf("wrapped %w", err)\n'
              ' grpclog.Errorf("via the package %d", 1)\n other.Errorf("unknown receiver")\n}\n')
    statements = extract(source, wrappers=[wrapper], path="x/x.go").statements
    assert [(s.template.text, s.level) for s in statements] == [("via the package {}", "error")]


def test_wrapper_formatting_through_sprintf_and_level_parameter():
    source = """package shop
import (
    "fmt"
    "log/slog"
)

func warnf(format string, args ...any) {
    slog.Warn(fmt.Sprintf("[shop] "+format, args...))
}

func logAt(level slog.Level, msg string, args ...any) {
    slog.Log(ctx, level, "shop: "+msg, args...)
}

func run() {
    warnf("disk %d%% full", 97)
    logAt(slog.LevelError, "gave up", "tries", 3)
}
"""
    result = extract(source)
    by_name = {w.name: w for w in result.wrappers}
    assert by_name["warnf"].placeholder_style == "printf" and by_name["warnf"].level == "warn"
    assert by_name["logAt"].level_param == 0 and by_name["logAt"].level is None
    sites = [(s.template.text, s.level) for s in result.statements if not s.wrapper]
    assert sites == [("[shop] disk {}% full", "warn"), ("shop: gave up", "error")]


def test_a_parameter_the_function_also_computes_with_is_not_a_message():
    source = ('package x\nimport "log"\nfunc scan(pattern string) {\n'
              '    log.Print("scanning " + pattern)\n    files, _ := filepath.Glob(pattern)\n    use(files)\n}\n'
              'func notify(format string, args ...any) {\n    log.Printf(format, args...)\n}\n')
    assert [w.name for w in extract(source, path="x/x.go").wrappers] == ["notify"]
