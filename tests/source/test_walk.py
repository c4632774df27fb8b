"""Which files the index reads: .gitignore, include/exclude globs, languages, size, binary/minified content,
symlink loops. Real directory trees in tmp_path; counts by reason are part of the contract (the report)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from prodlens.config import IndexConfig
from prodlens.source.index import StatementIndex
from prodlens.source.languages import language_for_path
from prodlens.source.walk import content_skip_reason, decode_source, fast_language_for_path, walk_tree

from index_sources import write

PY_LOG = 'import logging\nlog = logging.getLogger(__name__)\nlog.info("hello %s", 1)\n'


def paths(root: Path, config: IndexConfig | None = None) -> list[str]:
    return [f.rel_path for f in walk_tree(root, config).files]


def test_gitignore_root_nested_and_negation(tmp_path: Path) -> None:
    write(tmp_path, ".gitignore", "build/\n*.gen.py\n!keep.gen.py\n# comment\n")
    write(tmp_path, "a.py", PY_LOG)
    write(tmp_path, "build/b.py", PY_LOG)
    write(tmp_path, "x.gen.py", PY_LOG)
    write(tmp_path, "keep.gen.py", PY_LOG)
    write(tmp_path, "sub/.gitignore", "local.py\n")
    write(tmp_path, "sub/local.py", PY_LOG)
    write(tmp_path, "sub/kept.py", PY_LOG)
    write(tmp_path, "other/local.py", PY_LOG)  # the nested .gitignore applies below sub/ only
    result = walk_tree(tmp_path)
    assert [f.rel_path for f in result.files] == ["a.py", "keep.gen.py", "other/local.py", "sub/kept.py"]
    # build/ counts once (a directory), x.gen.py and sub/local.py once each
    assert result.skipped["gitignored"] == 3


def test_deeper_gitignore_overrides_shallower(tmp_path: Path) -> None:
    write(tmp_path, ".gitignore", "*.py\n")
    write(tmp_path, "pkg/.gitignore", "!wanted.py\n")
    write(tmp_path, "pkg/wanted.py", PY_LOG)
    write(tmp_path, "pkg/other.py", PY_LOG)
    assert paths(tmp_path) == ["pkg/wanted.py"]


def test_git_info_exclude_and_vcs_dirs(tmp_path: Path) -> None:
    write(tmp_path, ".git/info/exclude", "secret.py\n")
    write(tmp_path, ".git/hooks/hook.py", PY_LOG)
    write(tmp_path, ".prodlens/index/x.py", PY_LOG)
    write(tmp_path, "secret.py", PY_LOG)
    write(tmp_path, "main.py", PY_LOG)
    assert paths(tmp_path) == ["main.py"]


def test_include_and_exclude_globs(tmp_path: Path) -> None:
    for rel in ("src/a.py", "src/gen/b.py", "tests/t.py", "src/C.java"):
        write(tmp_path, rel, PY_LOG)
    config = IndexConfig(include=["src/**"], exclude=["**/gen/"])
    result = walk_tree(tmp_path, config)
    assert [f.rel_path for f in result.files] == ["src/C.java", "src/a.py"]
    assert result.skipped["excluded"] == 2  # src/gen (a directory) and tests/t.py (not included)


def test_languages_setting(tmp_path: Path) -> None:
    write(tmp_path, "a.py", PY_LOG)
    write(tmp_path, "B.java", "class B {}")
    write(tmp_path, "c.ts", "console.log('x')")
    result = walk_tree(tmp_path, IndexConfig(languages=["java"]))
    assert [f.rel_path for f in result.files] == ["B.java"]
    assert result.skipped["language_off"] == 2


def test_unknown_extensions_are_not_counted(tmp_path: Path) -> None:
    write(tmp_path, "README.md", "# hi")
    write(tmp_path, "data.bin", b"\x00\x01")
    write(tmp_path, "types.d.ts", "declare const x: number;")
    result = walk_tree(tmp_path)
    assert result.files == [] and sum(result.skipped.values()) == 0


def test_oversized_binary_and_minified_are_skipped_with_reasons(tmp_path: Path) -> None:
    write(tmp_path, "big.py", PY_LOG + ("#" * 50 + "\n") * 500)
    write(tmp_path, "bin.py", b"import logging\x00\x00\x00" + b"x" * 100)
    write(tmp_path, "lib.min.js", "console.log('x');")
    write(tmp_path, "bundle.py", "x = 1; " * 2000)  # 14 kB on one line: generated
    write(tmp_path, "ok.py", PY_LOG)
    index = StatementIndex.build(tmp_path, IndexConfig(max_file_bytes=20_000), use_cache=False)
    skipped = index.report.skipped
    assert skipped["too_large"] == 1
    assert skipped["binary"] == 1
    assert skipped["minified"] == 2
    assert index.paths == ["ok.py"]


def test_content_checks() -> None:
    assert content_skip_reason(b"abc\x00def") == "binary"
    assert content_skip_reason(b"a" * 5000) == "minified"
    assert content_skip_reason(b"line\n" * 1000) is None
    assert content_skip_reason(b"x" * 100) is None  # short files are never "minified"
    # old Mac line endings are lines too
    assert content_skip_reason(b"short line\r" * 1000) is None


def test_invalid_utf8_is_replaced_not_fatal() -> None:
    data, replaced = decode_source(b'log.info("caf\xe9 %s")\n')
    assert replaced and data.decode("utf-8") == 'log.info("caf\ufffd %s")\n'
    assert decode_source(b"plain") == (b"plain", False)


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks on this platform")
def test_symlink_loops_are_not_followed(tmp_path: Path) -> None:
    write(tmp_path, "pkg/a.py", PY_LOG)
    os.symlink("..", tmp_path / "pkg" / "loop")  # pkg/loop -> the root: a cycle
    os.symlink(tmp_path / "pkg", tmp_path / "alias")  # a second name for pkg/
    os.symlink(tmp_path / "missing.py", tmp_path / "broken.py")
    result = walk_tree(tmp_path)
    assert [f.rel_path for f in result.files] == ["alias/a.py"]  # first name in sorted order wins
    assert result.skipped["symlink_loop"] == 2
    assert result.skipped["unreadable"] == 1  # the broken link


def test_fast_language_lookup_agrees_with_registry() -> None:
    names = ["a.py", "a/b.PY", "x.pyi", "A.java", "m.mjs", "c.cjs", "x.jsx", "t.ts", "t.mts", "t.cts", "v.tsx",
             "g.go", "types.d.ts", "a/.py", ".py", "Makefile", "a.b/c", "x.min.js", "dir.java/file"]
    for name in names:
        assert fast_language_for_path(name) == language_for_path(name), name


def test_missing_root_gives_empty_result(tmp_path: Path) -> None:
    result = walk_tree(tmp_path / "nope")
    assert result.files == []


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_gitignore_semantics_agree_with_git(tmp_path: Path) -> None:
    """git itself is the oracle: the files the walk keeps are the files git does not ignore."""
    write(tmp_path, ".gitignore", "\n".join([
        "*.gen.py", "!keep.gen.py", "[Bb]uild/", "**/out/*.py", "/rooted.py", "docs/*.py", "tmp?.py",
        "logs/", "!logs/", "deep/**/skip.py", "\\#hash.py", "",
    ]))
    write(tmp_path, "nested/.gitignore", "*.py\n!wanted.py\n")
    files = [
        "a.py", "x.gen.py", "keep.gen.py", "Build/b.py", "build/c.py", "src/build/d.py", "out/e.py", "src/out/f.py",
        "src/out/sub/g.py", "rooted.py", "src/rooted.py", "docs/h.py", "docs/sub/i.py", "tmp1.py", "tmp12.py",
        "logs/j.py", "deep/k/l/skip.py", "deep/skip.py", "#hash.py", "nested/n.py", "nested/wanted.py",
        "nested/deeper/wanted.py", "nested/deeper/other.py",
    ]
    for rel in files:
        write(tmp_path, rel, PY_LOG)
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    listed = subprocess.run(["git", "ls-files", "--others", "--exclude-standard"], cwd=tmp_path, check=True,
                            capture_output=True, text=True).stdout.split()
    expected = sorted(p for p in listed if p.endswith(".py"))
    assert "a.py" in expected and "x.gen.py" not in expected and "nested/wanted.py" in expected
    assert paths(tmp_path) == expected
