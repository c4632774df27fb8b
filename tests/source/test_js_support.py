"""Shared helpers for the JavaScript/TypeScript extraction tests (no tests here)."""

from __future__ import annotations

import re
import textwrap

from prodlens.model import Template
from prodlens.render import python_regex
from prodlens.source.extract_types import ExtractContext, FileExtraction, WrapperDef
from prodlens.source.js.extractor import EXTRACTOR
from prodlens.source.languages import new_parser


def extract(src: str | bytes, path: str = "lib/app.js", language: str = "javascript",
            wrappers: list[WrapperDef] | None = None) -> FileExtraction:
    data = textwrap.dedent(src).encode() if isinstance(src, str) else src
    return EXTRACTOR.extract(new_parser(language).parse(data), data, path, ExtractContext(wrappers=wrappers or []))


def by_line(result: FileExtraction) -> dict[int, object]:
    return {s.range.start_line + 1: s for s in result.statements}


def renders(template: Template, message: str) -> bool:
    return re.match(python_regex(template), message, re.S) is not None
