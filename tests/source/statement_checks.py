"""Checks the per-language framework tests share: exactly one statement, and a template that matches the text
the framework really prints (through the same regex rendering the matcher uses)."""

from __future__ import annotations

import re

from prodlens.render import python_regex


def single(statements):
    assert len(statements) == 1, statements
    return statements[0]


def matches(statement, message: str) -> bool:
    return re.match(python_regex(statement.template), message, re.S) is not None
