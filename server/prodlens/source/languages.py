"""Which language a file is, its tree-sitter grammar, and the extractor that reads it.

Grammars are loaded once per process (loading is cheap, but Parser objects are reused by callers that parse
many files). Extractors live in `prodlens.source.<family>.extractor` as `EXTRACTOR`; queries beside them as
`.scm` files.
"""

from __future__ import annotations

import importlib
from functools import lru_cache
from pathlib import PurePosixPath

import tree_sitter

from .extract_types import LanguageExtractor

EXTENSIONS: dict[str, str] = {
    ".java": "java",
    ".py": "python",
    ".pyi": "python",
    ".js": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
    ".jsx": "javascript",
    ".ts": "typescript",
    ".mts": "typescript",
    ".cts": "typescript",
    ".tsx": "tsx",
    ".go": "go",
}

# language -> extractor family (the package under prodlens.source)
FAMILY: dict[str, str] = {
    "java": "java",
    "python": "python",
    "javascript": "js",
    "typescript": "js",
    "tsx": "js",
    "go": "go",
}

# language names a user may write in configuration -> the languages they cover
CONFIG_LANGUAGES: dict[str, tuple[str, ...]] = {
    "java": ("java",),
    "python": ("python",),
    "javascript": ("javascript",),
    "typescript": ("typescript", "tsx"),
    "tsx": ("tsx",),
    "go": ("go",),
}


def language_for_path(path: str) -> str | None:
    if path.endswith(".d.ts"):
        return None  # declarations only: no statements
    return EXTENSIONS.get(PurePosixPath(path).suffix.lower())


@lru_cache(maxsize=None)
def grammar(language: str) -> tree_sitter.Language:
    if language == "java":
        import tree_sitter_java as mod

        return tree_sitter.Language(mod.language())
    if language == "python":
        import tree_sitter_python as mod

        return tree_sitter.Language(mod.language())
    if language == "javascript":
        import tree_sitter_javascript as mod

        return tree_sitter.Language(mod.language())
    if language == "typescript":
        import tree_sitter_typescript as mod

        return tree_sitter.Language(mod.language_typescript())
    if language == "tsx":
        import tree_sitter_typescript as mod

        return tree_sitter.Language(mod.language_tsx())
    if language == "go":
        import tree_sitter_go as mod

        return tree_sitter.Language(mod.language())
    raise ValueError(f"unknown language {language!r}")


def new_parser(language: str) -> tree_sitter.Parser:
    return tree_sitter.Parser(grammar(language))


@lru_cache(maxsize=None)
def extractor(language: str) -> LanguageExtractor:
    module = importlib.import_module(f"prodlens.source.{FAMILY[language]}.extractor")
    return module.EXTRACTOR
