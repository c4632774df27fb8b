"""The persisted cache under <root>/.prodlens/index/: warm starts parse nothing, changes are picked up, and a
damaged or foreign cache is ignored and rebuilt — never a crash."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from prodlens.config import IndexConfig, LoggingMethod
from prodlens.source.cache import CACHE_DIR, CACHE_FILE
from prodlens.source.index import StatementIndex

from index_sources import PYTHON

JAVA = """import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
class Pay {
    private static final Logger LOG = LoggerFactory.getLogger(Pay.class);
    void pay(String c) { LOG.info("Customer {} paying", c); }
}
"""


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "a.py").write_text(PYTHON)
    (tmp_path / "b.py").write_text(PYTHON.replace("hello", "howdy"))
    (tmp_path / "Pay.java").write_text(JAVA)
    (tmp_path / "quiet.py").write_text("x = 1\n")
    return tmp_path


def cache_path(root: Path) -> Path:
    return root / CACHE_DIR / CACHE_FILE


def cold_then_warm(root: Path, config: IndexConfig | None = None) -> tuple[StatementIndex, StatementIndex]:
    cold = StatementIndex.build(root, config or IndexConfig())
    assert cold.save()
    return cold, StatementIndex.build(root, config or IndexConfig())


def test_warm_start_parses_nothing_and_gives_the_same_statements(tree: Path) -> None:
    cold, warm = cold_then_warm(tree)
    assert cold.report.cache == "missing" and cold.report.parsed == 3
    assert warm.report.cache == "loaded"
    assert warm.report.parsed == 0 and warm.report.cache_hits == 4
    assert warm.statements == cold.statements
    assert all(warm.by_key(s.key) == s for s in cold.statements)
    assert (tree / CACHE_DIR / ".gitignore").read_text().strip().endswith("*")


def test_changed_file_is_re_extracted_alone(tree: Path) -> None:
    cold_then_warm(tree)
    (tree / "a.py").write_text(PYTHON.replace("bad", "terrible"))
    os.utime(tree / "a.py", ns=(1, 1))  # a different mtime even on coarse clocks
    index = StatementIndex.build(tree, IndexConfig())
    assert index.report.parsed == 1 and index.report.cache_hits == 3
    assert [s.template.text for s in index.for_path("a.py")] == ["hello {}", "terrible"]


def test_touched_but_unchanged_file_is_a_hit_by_content(tree: Path) -> None:
    cold_then_warm(tree)
    os.utime(tree / "a.py", ns=(10**18, 10**18))
    index = StatementIndex.build(tree, IndexConfig())
    assert index.report.parsed == 0 and index.report.cache_hits == 4


def test_deleted_and_added_files(tree: Path) -> None:
    cold_then_warm(tree)
    (tree / "b.py").unlink()
    (tree / "c.py").write_text(PYTHON)
    index = StatementIndex.build(tree, IndexConfig())
    assert index.for_path("b.py") == [] and len(index.for_path("c.py")) == 2
    assert index.report.parsed == 1


@pytest.mark.parametrize("content", [
    b"",
    b"not json at all \x00\xff",
    b'{"format": 1, "fingerprint": "x", "files": {}',  # truncated
    b"[1, 2, 3]",
    b"[" * 100_000 + b"]" * 100_000,  # deeper than the JSON decoder's recursion limit
])
def test_corrupt_cache_is_ignored_and_rebuilt(tree: Path, content: bytes) -> None:
    cold, _ = cold_then_warm(tree)
    cache_path(tree).write_bytes(content)
    index = StatementIndex.build(tree, IndexConfig())
    assert index.report.cache != "loaded"
    assert index.statements == cold.statements
    assert index.save()
    assert StatementIndex.build(tree, IndexConfig()).report.cache == "loaded"


def test_cache_with_right_fingerprint_but_damaged_entries_is_rejected(tree: Path) -> None:
    cold, _ = cold_then_warm(tree)
    data = json.loads(cache_path(tree).read_text())
    entry = data["files"]["a.py"]
    entry["statements"][0][1] = "not a line number"
    cache_path(tree).write_text(json.dumps(data))
    index = StatementIndex.build(tree, IndexConfig())
    assert index.report.cache.startswith("corrupt")
    assert index.statements == cold.statements

    data["files"]["a.py"] = {"size": "big"}
    cache_path(tree).write_text(json.dumps(data))
    assert StatementIndex.build(tree, IndexConfig()).statements == cold.statements


def test_cache_from_other_content_is_not_believed(tree: Path) -> None:
    """A cache copied from another checkout (same paths, other content): stat and content hash disagree, so
    the file is extracted again."""
    cold_then_warm(tree)
    data = json.loads(cache_path(tree).read_text())
    data["files"]["a.py"].update(mtime_ns=5, digest="0" * 32, statements=[])
    cache_path(tree).write_text(json.dumps(data))
    index = StatementIndex.build(tree, IndexConfig())
    assert index.report.cache == "loaded" and index.report.parsed == 1
    assert [s.template.text for s in index.for_path("a.py")] == ["hello {}", "bad"]


def test_configuration_that_affects_extraction_invalidates(tree: Path) -> None:
    cold_then_warm(tree)
    config = IndexConfig(logging_methods=[LoggingMethod(name="shout", level="warn")])
    index = StatementIndex.build(tree, config)
    assert index.report.cache == "stale" and index.report.parsed == 3
    # globs only choose files: the cache stays valid
    index = StatementIndex.build(tree, IndexConfig(exclude=["b.py"]))
    assert index.report.cache == "loaded" and index.report.parsed == 0


def test_cache_disabled(tree: Path) -> None:
    index = StatementIndex.build(tree, IndexConfig(cache=False))
    assert index.report.cache == "disabled"
    assert index.save() is False
    assert not (tree / ".prodlens").exists()


def test_unwritable_cache_directory_is_reported_not_raised(tree: Path) -> None:
    (tree / ".prodlens").write_text("a file where the directory should be")
    index = StatementIndex.build(tree, IndexConfig())
    assert index.save() is False
    assert any("cache" in error for _, error in index.report.errors)
    assert len(index.statements) == 5


def test_custom_cache_dir(tree: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    elsewhere = tmp_path_factory.mktemp("cache")
    index = StatementIndex.build(tree, IndexConfig(), cache_dir=elsewhere)
    index.save()
    assert (elsewhere / CACHE_FILE).is_file() and not (tree / ".prodlens").exists()
    assert StatementIndex.build(tree, IndexConfig(), cache_dir=elsewhere).report.parsed == 0


def test_editor_buffer_is_not_mistaken_for_the_file_on_disk(tree: Path) -> None:
    index = StatementIndex.build(tree, IndexConfig())
    index.update_file("a.py", PYTHON.replace("bad", "unsaved"))
    index.save()
    again = StatementIndex.build(tree, IndexConfig())
    assert [s.template.text for s in again.for_path("a.py")] == ["hello {}", "bad"]
