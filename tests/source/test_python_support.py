"""Shared helpers for the Python extraction tests (no tests here): extract a snippet the way the index does."""

from __future__ import annotations

import re
import textwrap

from prodlens.model import Template
from prodlens.render import python_regex
from prodlens.source.extract_types import ExtractContext, FileExtraction, WrapperDef
from prodlens.source.languages import new_parser
from prodlens.source.python.extractor import EXTRACTOR


def extract(src: str | bytes, path: str = "pkg/mod.py", module: str | None = "pkg.mod",
            wrappers: list[WrapperDef] | None = None) -> FileExtraction:
    data = textwrap.dedent(src).encode() if isinstance(src, str) else src
    return EXTRACTOR.extract(new_parser("python").parse(data), data, path, ExtractContext(module=module, wrappers=wrappers or []))


def by_line(result: FileExtraction) -> dict[int, object]:
    """Statements by 1-based first line."""
    return {s.range.start_line + 1: s for s in result.statements}


def renders(template: Template, message: str) -> bool:
    return re.match(python_regex(template), message, re.S) is not None
