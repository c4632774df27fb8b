"""Which JavaScript files Node's `require` can actually load, from the packages' own `package.json` files.

npm packages often ship several builds of the same code (`build/cjs`, `build/esm`, `build/esm-debug`, `dist/`
bundles, browser builds) with identical log statements. Under Node only the copy reachable from the package's
runtime entry points runs: `main`, or `exports` under the `require` / `node` / `default` conditions, plus every
file those files `require`/`import` by relative path. A matcher can prefer those files among otherwise identical
candidates; files outside any package with entry points are left undecided (`None`).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import PurePosixPath
from typing import Iterable

_JS_SUFFIXES = (".js", ".cjs", ".mjs")
# TypeScript sources shipped in a package (examples, typings' neighbours) are never what `require` loads: the
# package's compiled JavaScript is
_TS_SUFFIXES = (".ts", ".mts", ".cts", ".tsx")
_CONDITIONS = ("require", "node", "default")  # what a CommonJS `require` from Node honours, in priority order
_RELATIVE_SPECIFIER = re.compile(
    r"""(?:\brequire\s*\(\s*|\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(["'])(\.{1,2}/[^"'\n]*|\.{1,2})\1""")
_MAX_FILE_BYTES = 4 * 1024 * 1024
_MAX_FILES_PER_PACKAGE = 20_000


def _entry_targets(exports: object) -> list[str]:
    """Targets of an `exports` value under the require/node/default conditions (all subpaths)."""
    if isinstance(exports, str):
        return [exports]
    if isinstance(exports, list):
        for item in exports:  # fallbacks: Node uses the first valid one
            found = _entry_targets(item)
            if found:
                return found
        return []
    if not isinstance(exports, dict):
        return []
    if any(key.startswith(".") for key in exports):  # subpath map
        if "." in exports:  # what `require("pkg")` loads; deep subpaths (bundles, maps) are opt-in copies
            return _entry_targets(exports["."])
        targets: list[str] = []
        for value in exports.values():
            targets.extend(_entry_targets(value))
        return targets
    for condition in _CONDITIONS:  # condition map: the first matching condition wins
        if condition in exports:
            return _entry_targets(exports[condition])
    return []


def _resolve(base_dir: str, specifier: str, package_dir: str) -> str | None:
    """A relative specifier → an existing file inside the package (Node's file/extension/index rules)."""
    joined = os.path.normpath(os.path.join(base_dir, specifier))
    if not (joined == package_dir or joined.startswith(package_dir + os.sep)):
        return None
    for candidate in (joined, *(joined + s for s in _JS_SUFFIXES), *(os.path.join(joined, "index" + s)
                                                                      for s in _JS_SUFFIXES)):
        if os.path.isfile(candidate) and candidate.endswith(_JS_SUFFIXES):
            return candidate
    if os.path.isfile(os.path.join(joined, "package.json")):
        try:
            with open(os.path.join(joined, "package.json"), "rb") as handle:
                main = json.load(handle).get("main")
        except (OSError, ValueError, AttributeError):
            main = None
        if isinstance(main, str):
            return _resolve(joined, "./" + main, package_dir)
    return None


def _package_entries(package_dir: str) -> list[str] | None:
    """Entry files of the package in `package_dir`, or None when it declares none (nothing to decide by)."""
    try:
        with open(os.path.join(package_dir, "package.json"), "rb") as handle:
            manifest = json.load(handle)
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict):
        return None
    targets: list[str] = []
    if "exports" in manifest:
        targets = _entry_targets(manifest["exports"])
    elif isinstance(manifest.get("main"), str):
        targets = [manifest["main"]]
    else:
        return None
    entries = []
    for target in targets:
        if isinstance(target, str) and "*" not in target:
            resolved = _resolve(package_dir, target if target.startswith(".") else "./" + target, package_dir)
            if resolved:
                entries.append(resolved)
    return entries or None


def _reachable(package_dir: str, entries: list[str]) -> set[str]:
    seen: set[str] = set()
    stack = list(entries)
    while stack and len(seen) < _MAX_FILES_PER_PACKAGE:
        path = stack.pop()
        if path in seen:
            continue
        seen.add(path)
        try:
            if os.path.getsize(path) > _MAX_FILE_BYTES:
                continue
            with open(path, encoding="utf-8", errors="replace") as handle:
                text = handle.read()
        except OSError:
            continue
        base = os.path.dirname(path)
        for match in _RELATIVE_SPECIFIER.finditer(text):
            resolved = _resolve(base, match.group(2), package_dir)
            if resolved and resolved not in seen:
                stack.append(resolved)
    return seen


def _is_package(directory: str, known: dict[str, bool]) -> bool:
    """A package root: a package.json declaring entry points (build folders hold `{"type": "module"}` markers,
    sometimes with a name, that are not what `require("pkg")` resolves)."""
    if directory not in known:
        try:
            with open(os.path.join(directory, "package.json"), "rb") as handle:
                manifest = json.load(handle)
            known[directory] = isinstance(manifest, dict) and any(k in manifest for k in ("main", "exports"))
        except (OSError, ValueError):
            known[directory] = False
    return known[directory]


def node_loadable(root: str | os.PathLike, paths: Iterable[str]) -> dict[str, bool]:
    """For each JavaScript or TypeScript path (relative to `root`) inside a package that declares entry points:
    can Node's `require` of that package load it? Paths outside such packages are absent from the answer."""
    root_text = os.path.abspath(os.fspath(root))
    packages: dict[str, set[str] | None] = {}
    manifests: dict[str, bool] = {}
    answer: dict[str, bool] = {}
    for relative in paths:
        if not relative.endswith(_JS_SUFFIXES + _TS_SUFFIXES):
            continue
        absolute = os.path.normpath(os.path.join(root_text, relative))
        directory = os.path.dirname(absolute)
        package_dir = None
        while directory.startswith(root_text) and len(directory) >= len(root_text):
            if _is_package(directory, manifests):
                package_dir = directory
                break
            if directory == root_text:
                break
            directory = os.path.dirname(directory)
        if package_dir is None:
            continue
        if package_dir not in packages:
            entries = _package_entries(package_dir)
            packages[package_dir] = _reachable(package_dir, entries) if entries else None
        reachable = packages[package_dir]
        if reachable is not None:
            answer[PurePosixPath(relative).as_posix()] = absolute in reachable
    return answer
