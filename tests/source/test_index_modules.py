"""File path -> Python module name (the logger name `getLogger(__name__)` emits under)."""

from __future__ import annotations

from pathlib import Path

from prodlens.config import IndexConfig
from prodlens.source.index import StatementIndex
from prodlens.source.modules import python_module_name

TREE = {"botocore/__init__.py", "src/pkg/__init__.py", "src/pkg/sub/__init__.py", "a/b/__init__.py"}


def test_packages_by_init_files() -> None:
    assert python_module_name("botocore/endpoint.py", TREE) == "botocore.endpoint"
    assert python_module_name("src/pkg/a.py", TREE) == "pkg.a"
    assert python_module_name("src/pkg/sub/m.py", TREE) == "pkg.sub.m"
    assert python_module_name("a/b/c.py", TREE) == "b.c"  # a/ has no __init__.py: not a package
    assert python_module_name("botocore/__init__.py", TREE) == "botocore"
    assert python_module_name("os.py", TREE) == "os"
    assert python_module_name("tools/script.py", TREE) == "script"


def test_callable_lookup_and_stubs() -> None:
    assert python_module_name("pkg/m.pyi", lambda p: p == "pkg/__init__.pyi") == "pkg.m"


def test_without_a_tree_the_path_is_the_guess() -> None:
    assert python_module_name("botocore/endpoint.py") == "botocore.endpoint"
    assert python_module_name("src/pkg/a.py") == "pkg.a"
    assert python_module_name("lib/x/y.py") == "x.y"


def test_not_python_modules() -> None:
    assert python_module_name("README.md", TREE) is None
    assert python_module_name("my-script.py", TREE) is None
    assert python_module_name("__init__.py", TREE) is None
    assert python_module_name("x/my-dir/y.py") == "y"  # directories Python cannot import stop the chain


def test_index_uses_the_tree(tmp_path: Path) -> None:
    for rel, text in {
        "src/shop/__init__.py": "",
        "src/shop/cart.py": "import logging\nlogging.getLogger(__name__).info('added %s', 1)\n",
    }.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    index = StatementIndex.build(tmp_path, IndexConfig(), use_cache=False)
    assert [s.logger for s in index.for_path("src/shop/cart.py")] == ["shop.cart"]
