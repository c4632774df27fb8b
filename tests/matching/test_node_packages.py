"""Identical build copies in an npm package: only the file Node's `require` reaches from the package's entry
points may win a tie; without entry points (or outside packages) the tie stays reported."""

from __future__ import annotations

import json

from prodlens.matching.matcher import Matcher
from prodlens.model import Confidence, Hole, LogRecord, LogStatement, Range, Template, statement_key
from prodlens.source.packages import node_loadable

LINE = 'const debug = require("debug")("pkg:socket");\ndebug("flushing %d packets", n);\n'


def _statement(path: str) -> LogStatement:
    template = Template.of("flushing ", Hole(), " packets")
    return LogStatement(
        key=statement_key(path, template, "debug", 2), path=path, range=Range(1, 0, 1, 30),
        language="javascript", framework="debug", level="debug", logger="pkg:socket", template=template,
        confidence=Confidence.FULL)


def _package(root, manifest):
    base = root / "pkg"
    for build in ("build/cjs", "build/esm-debug", "dist"):
        (base / build).mkdir(parents=True)
        (base / build / "index.js").write_text('const s = require("./socket");\nexport * from "./socket.js";\n')
        (base / build / "socket.js").write_text(LINE)
    (base / "build/esm-debug/package.json").write_text(json.dumps({"name": "pkg", "type": "module"}))
    if manifest is not None:
        (base / "package.json").write_text(json.dumps(manifest))
    return ["pkg/build/cjs/socket.js", "pkg/build/esm-debug/socket.js", "pkg/dist/socket.js"]


def test_exports_require_condition_decides_which_copy_runs(tmp_path):
    paths = _package(tmp_path, {"name": "pkg", "main": "./dist/index.js", "exports": {
        ".": {"import": {"node": "./build/esm-debug/index.js"}, "require": {"default": "./build/cjs/index.js"}},
        "./dist/index.js": "./dist/index.js"}})
    assert node_loadable(tmp_path, paths) == {paths[0]: True, paths[1]: False, paths[2]: False}
    matcher = Matcher([_statement(p) for p in paths], root=tmp_path, cache_dir=tmp_path / "cache")
    match = matcher.match(LogRecord("flushing 3 packets", level="debug", logger="pkg:socket"))
    assert matcher.statement(match.key).path == paths[0]


def test_main_without_exports(tmp_path):
    paths = _package(tmp_path, {"name": "pkg", "main": "dist/index"})
    assert node_loadable(tmp_path, paths) == {paths[0]: False, paths[1]: False, paths[2]: True}


def test_no_entry_points_leaves_the_tie(tmp_path):
    paths = _package(tmp_path, {"name": "pkg"})
    assert node_loadable(tmp_path, paths) == {}
    matcher = Matcher([_statement(p) for p in paths], root=tmp_path, cache_dir=tmp_path / "cache")
    match = matcher.match(LogRecord("flushing 3 packets", level="debug", logger="pkg:socket"))
    assert match.key is None and match.candidates == 3


def test_broken_manifest_is_not_fatal(tmp_path):
    paths = _package(tmp_path, None)
    (tmp_path / "pkg" / "package.json").write_bytes(b"{not json\xff")
    assert node_loadable(tmp_path, paths) == {}
    matcher = Matcher([_statement(p) for p in paths], root=tmp_path, cache_dir=tmp_path / "cache")
    assert matcher.match(LogRecord("flushing 3 packets", level="debug", logger="pkg:socket")).candidates == 3


def test_typescript_sources_in_a_package_are_not_what_require_loads(tmp_path):
    paths = _package(tmp_path, {"name": "pkg", "main": "./build/cjs/index.js"})
    (tmp_path / "pkg/examples").mkdir()
    (tmp_path / "pkg/examples/server.ts").write_text(LINE)
    loadable = node_loadable(tmp_path, [*paths, "pkg/examples/server.ts"])
    assert loadable["pkg/examples/server.ts"] is False and loadable[paths[0]] is True
