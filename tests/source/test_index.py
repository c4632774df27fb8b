"""StatementIndex over real trees (Java and Python, whose extractors exist): queries, report, bad input."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from prodlens.config import Config, IndexConfig
from prodlens.source.index import StatementIndex, extract_source
from prodlens.source.languages import extractor

from index_sources import PYTHON, write

JAVA = """package com.acme;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
public class Pay {
    private static final Logger LOG = LoggerFactory.getLogger(Pay.class);
    void pay(String c, int v) {
        LOG.info("Customer {} paying {}", c, v);
        LOG.warn("retry");
        if (v > 1) {
            LOG.error("failed for {}", c);
        }
    }
}
"""


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    write(tmp_path, "src/main/java/com/acme/Pay.java", JAVA)
    write(tmp_path, "app/__init__.py", "")
    write(tmp_path, "app/mod.py", PYTHON)
    write(tmp_path, "app/quiet.py", "x = 1\n")
    return tmp_path


def test_build_finds_every_statement_in_order(tree: Path) -> None:
    index = StatementIndex.build(tree, IndexConfig(), use_cache=False)
    found = [(s.path, s.line, s.level, s.template.text) for s in index.statements]
    assert found == [
        ("app/mod.py", 5, "info", "hello {}"),
        ("app/mod.py", 6, "error", "bad"),
        ("src/main/java/com/acme/Pay.java", 7, "info", "Customer {} paying {}"),
        ("src/main/java/com/acme/Pay.java", 8, "warn", "retry"),
        ("src/main/java/com/acme/Pay.java", 10, "error", "failed for {}"),
    ]
    assert index.root == tree.resolve()


def test_logger_names_come_from_module_and_class(tree: Path) -> None:
    index = StatementIndex.build(tree, IndexConfig(), use_cache=False)
    assert {s.logger for s in index.for_path("app/mod.py")} == {"app.mod"}
    assert {s.logger for s in index.for_path("src/main/java/com/acme/Pay.java")} == {"com.acme.Pay"}


def test_queries(tree: Path) -> None:
    index = StatementIndex.build(tree, IndexConfig(), use_cache=False)
    pay = index.for_path("src/main/java/com/acme/Pay.java")
    assert [s.line for s in pay] == [7, 8, 10]
    assert index.for_path("./src\\main/java/com/acme/Pay.java") == pay  # normalised paths
    assert index.for_path("app/quiet.py") == [] and index.for_path("nope.py") == []
    for statement in index.statements:
        assert index.by_key(statement.key) is statement
    assert index.by_key("0000000000000000") is None
    assert len({s.key for s in index.statements}) == len(index.statements)


def test_report_counts(tree: Path) -> None:
    report = StatementIndex.build(tree, IndexConfig(), use_cache=False).report
    assert report.files_indexed == 4
    assert report.statements == 5
    assert report.languages == {"java": {"files": 1, "statements": 3}, "python": {"files": 3, "statements": 2}}
    assert report.frameworks == {"slf4j": 3, "logging": 2}
    assert report.cache == "disabled"
    assert report.errors == []
    data = report.to_json()
    assert data["statements"] == 5 and data["skipped"] == {}


def test_json_fields(tree: Path) -> None:
    statement = StatementIndex.build(tree, IndexConfig(), use_cache=False).for_path("app/mod.py")[0]
    data = statement.to_json()
    for name in ("key", "path", "line", "end_line", "column", "language", "framework", "level", "logger",
                 "template", "parts", "confidence", "wrapper"):
        assert name in data
    assert data["path"] == "app/mod.py" and data["line"] == 5 and data["column"] == 5


def test_config_object_or_index_config_or_file(tree: Path) -> None:
    write(tree, ".prodlens.toml", '[index]\nlanguages = ["java"]\n')
    from_file = StatementIndex.build(tree, use_cache=False)  # config=None reads .prodlens.toml
    assert {s.language for s in from_file.statements} == {"java"}
    assert from_file.report.skipped["language_off"] == 3
    full = StatementIndex.build(tree, Config(), use_cache=False)
    assert len(full.statements) == 5


def test_progress_callback(tree: Path) -> None:
    calls: list[tuple[int, int]] = []
    StatementIndex.build(tree, IndexConfig(), progress=lambda done, total: calls.append((done, total)),
                         use_cache=False)
    assert calls[-1] == (4, 4) and [d for d, _ in calls] == [1, 2, 3, 4]


def test_syntax_errors_keep_the_parseable_parts(tmp_path: Path) -> None:
    broken = JAVA.replace("LOG.warn(\"retry\");", "LOG.warn(\"retry\"; int = ;;")
    write(tmp_path, "Pay.java", broken)
    write(tmp_path, "broken.py", PYTHON + "\ndef g(:\n    pass\n")
    index = StatementIndex.build(tmp_path, IndexConfig(), use_cache=False)
    assert index.report.syntax_error_files == 2
    assert "Customer {} paying {}" in [s.template.text for s in index.for_path("Pay.java")]
    assert [s.template.text for s in index.for_path("broken.py")] == ["hello {}", "bad"]


def test_hostile_input_never_crashes(tmp_path: Path) -> None:
    write(tmp_path, "deep.py", "x = " + "(" * 5000 + ")" * 5000 + "\nimport logging\nlogging.info('ok')\n")
    write(tmp_path, "long.py", 'import logging\nlogging.warning("' + "a" * 200_000 + '")\n' + "y = 1\n" * 1000)
    write(tmp_path, "latin1.py", b'import logging\nlogging.info("caf\xe9 %s", 1)\n')
    write(tmp_path, "empty.py", b"")
    write(tmp_path, "Weird.java", "\ufeffclass \u00e9 { void f() { log.info(\"\u2603 {}\", x); } }")
    index = StatementIndex.build(tmp_path, IndexConfig(), use_cache=False)
    assert index.report.errors == []
    assert [s.template.text for s in index.for_path("latin1.py")] == ["caf\ufffd {}"]
    assert index.report.replaced_utf8_files == 1
    assert [s.level for s in index.for_path("long.py")] == ["warn"]


def test_missing_extractor_is_skipped_and_counted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A language whose extractor module cannot be imported (not written yet, or not installed) is skipped and
    counted. `sys.modules[name] = None` is Python's own way of making an import fail."""
    monkeypatch.setitem(sys.modules, "prodlens.source.go.extractor", None)
    extractor.cache_clear()
    try:
        write(tmp_path, "main.go", 'package main\nimport "log"\nfunc main() { log.Printf("x %d", 1) }\n')
        write(tmp_path, "app.py", PYTHON)
        index = StatementIndex.build(tmp_path, IndexConfig(), use_cache=False)
        assert index.report.skipped["no_extractor"] == 1
        assert index.report.missing_extractors == {"go": 1}
        assert len(index.statements) == 2
        assert extract_source("main.go", "package main\n") == []
        assert index.update_file("main.go", "package main\n") == []
    finally:
        extractor.cache_clear()


def test_extract_source_single_file() -> None:
    statements = extract_source("src/pkg/mod.py", PYTHON)
    assert [(s.line, s.template.text, s.logger) for s in statements] == [(5, "hello {}", "pkg.mod"),
                                                                         (6, "bad", "pkg.mod")]
    assert extract_source("notes.txt", "log.info('x')") == []
    assert extract_source("x.py", PYTHON.encode()) == statements[:0] + extract_source("x.py", PYTHON)


def test_prefilter_loses_nothing(tree: Path) -> None:
    filtered = StatementIndex.build(tree, IndexConfig(), use_cache=False)
    unfiltered = StatementIndex.build(tree, IndexConfig(), use_cache=False, prefilter=False)
    assert filtered.statements == unfiltered.statements
    assert filtered.report.prefiltered == 2  # app/__init__.py and app/quiet.py were never parsed


def test_every_language_family_in_one_tree(tmp_path: Path) -> None:
    write(tmp_path, "cmd/main.go", 'package main\nimport "log"\nfunc main() { log.Printf("started on %d", 8080) }\n')
    write(tmp_path, "web/app.ts", "export function f(port: number) { console.warn(`listening on ${port}`); }\n")
    write(tmp_path, "web/View.tsx", "export const V = () => { console.error('render failed %s', 1); return <div/>; }\n")
    write(tmp_path, "web/legacy.js", "console.info('ready');\n")
    write(tmp_path, "web/types.d.ts", "declare function f(): void;\n")
    write(tmp_path, "Pay.java", JAVA)
    write(tmp_path, "mod.py", PYTHON)
    index = StatementIndex.build(tmp_path, IndexConfig(), use_cache=False)
    assert set(index.report.languages) == {"go", "typescript", "tsx", "javascript", "java", "python"}
    assert [s.template.text for s in index.for_path("cmd/main.go")] == ["started on {}"]
    assert [(s.template.text, s.level) for s in index.for_path("web/app.ts")] == [("listening on {}", "warn")]
    assert [s.language for s in index.for_path("web/View.tsx")] == ["tsx"]
    assert index.for_path("web/types.d.ts") == []
