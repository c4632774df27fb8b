"""File path → the Python module name a file runs as, so `getLogger(__name__)` gets the logger name production
records carry (`botocore/endpoint.py` → `botocore.endpoint`).

Python decides a module's name by how it is imported, which the source cannot tell for certain; the rule used
here is the one packaging follows: a directory is a package when it holds `__init__.py`, and the module name
is the chain of enclosing packages plus the file's stem. So `src/pkg/a.py` with `src/pkg/__init__.py` is
`pkg.a` (`src` is not a package), and a package's `__init__.py` is the package itself.
"""

from __future__ import annotations

from typing import Callable, Collection

PYTHON_SUFFIXES = (".py", ".pyi")
SOURCE_ROOTS = ("src", "lib", "python")
"""Conventional source directories stripped when there is no tree to look for `__init__.py` in."""


def python_module_name(rel_path: str, is_file: Callable[[str], bool] | Collection[str] | None = None) -> str | None:
    """The dotted module name of a Python file (repository-relative POSIX path), None for other files.

    `is_file` says whether a repository-relative path exists (a callable or a set of paths). Without it (one
    file, no tree: `extract_source`) every directory counts as a package except a leading `src/`, `lib/` or
    `python/`, which is the best guess a lone path allows.
    """
    directory, _, name = rel_path.rpartition("/")
    stem, dot, suffix = name.rpartition(".")
    if not dot or "." + suffix not in PYTHON_SUFFIXES or not stem.isidentifier():
        return None
    directories = [d for d in directory.split("/") if d and d != "."] if directory else []
    if is_file is None:
        package = directories[1:] if directories and directories[0] in SOURCE_ROOTS else directories
    else:
        exists = is_file if callable(is_file) else is_file.__contains__
        depth = len(directories)
        # walk up from the file's directory while each directory is a package
        while depth > 0:
            candidate = "/".join(directories[:depth])
            if not (exists(candidate + "/__init__.py") or exists(candidate + "/__init__.pyi")):
                break
            depth -= 1
        package = directories[depth:]
    # a directory name Python cannot import (e.g. "my-scripts"): only the part below it is a package path
    while package and not all(part.isidentifier() for part in package):
        package = package[1:]
    if stem == "__init__":
        return ".".join(package) if package else None
    return ".".join([*package, stem])


GO_MOD = "go.mod"


def go_module_line(go_mod: bytes) -> str | None:
    """The module path a `go.mod` declares (`module example.com/shop`, possibly quoted), None when it has none."""
    for raw in go_mod.decode("utf-8", errors="replace").splitlines():
        line = raw.split("//", 1)[0].strip()
        if line.startswith("module") and line[6:7] in (" ", "\t", '"'):
            path = line[6:].strip().strip('"`').strip()
            return path or None
    return None


def go_package_path(rel_path: str, module_of_dir: Callable[[str], str | None]) -> str | None:
    """The import path of the Go package a file belongs to (`svc/internal/db/conn.go` under a `svc/go.mod` that
    says `module example.com/svc` → `example.com/svc/internal/db`), None when it is not knowable.

    `module_of_dir(dir)` gives the module path declared by `<dir>/go.mod` (repository-relative POSIX directory,
    "" for the root), or None when that directory has no go.mod; the nearest one above the file wins, as for the
    go command. Files under `testdata/` are not in any package; under `vendor/` the path after the last
    `vendor/` is the package's own import path.

    The index passes it to the Go extractor as the file's module, but the extractor does not report it as the
    statements' logger: a statement's logger is the name its records carry, and no Go framework emits the
    package path by default (`log`, `log/slog`, logrus and zerolog have no logger name; zap's is empty until
    `Named(...)`; klog records carry file:line). Claiming it would make the matcher treat a record from a logger
    named elsewhere (`logger.Named("api")` in main, passed down) as contradicting the statement that wrote it.
    """
    directory, _, name = rel_path.rpartition("/")
    if not name.endswith(".go"):
        return None
    parts = [p for p in directory.split("/") if p] if directory else []
    if "testdata" in parts:
        return None
    if "vendor" in parts:
        below = parts[len(parts) - parts[::-1].index("vendor"):]
        return "/".join(below) or None
    for depth in range(len(parts), -1, -1):
        module = module_of_dir("/".join(parts[:depth]))
        if module is not None:
            return "/".join([module, *parts[depth:]])
    return None
