"""The contract between language extractors and the index.

A language extractor reads one parsed file and returns what it found: statements without keys (keys need the
whole file's statements to assign ordinals, which the index does) and the logging wrappers the file defines
(call sites of wrappers may live in other files, which only the index sees).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import tree_sitter

from ..config import IndexConfig
from ..model import Confidence, Range, Template


@dataclass(frozen=True, slots=True)
class RawStatement:
    """A LogStatement before the index gives it a key and a path."""

    range: Range
    framework: str
    level: str | None
    logger: str | None
    template: Template
    confidence: Confidence
    wrapper: bool = False
    receiver: str = "declared"
    throwable: bool = False


@dataclass(frozen=True, slots=True)
class WrapperDef:
    """A function or method whose parameter ends up as (part of) a logger call's message.

    `template` is the inner call's message with the wrapper's message parameter written as a hole named
    `message_hole` (e.g. `[audit] {fmt}`); a call site's own message template is spliced in at that hole.
    """

    name: str  # the name call sites use: "audit", "_log_info", "debug"
    language: str
    path: str  # defining file ("" for configured methods)
    message_param: int  # 0-based index of the message parameter (after self/this)
    level_param: int | None = None  # index of a level parameter, when the level is passed in
    level: str | None = None  # fixed level when not passed in
    framework: str = "wrapper"
    logger: str | None = None
    template: Template | None = None  # None = the message is passed through unchanged
    message_hole: str = "message"
    args_param: int | None = None  # index of the varargs that fill the message's placeholders (*args, Object...)
    placeholder_style: str | None = None  # how call-site messages are formatted: "printf", "slf4j", "brace", ...
    method: bool = False  # called as a method (self._log / this.log) rather than a plain function
    exported: bool = False  # visible to other files (module-level function, public method)


@dataclass(slots=True)
class ExtractContext:
    config: IndexConfig = field(default_factory=IndexConfig)
    wrappers: list[WrapperDef] = field(default_factory=list)  # from other files and configuration
    module: str | None = None  # Python dotted module name / Java package.Class of the file, when known
    # only the statements whose call starts in [start, end) are wanted (one edited member; facts still come from the
    # whole tree). Honoured by extractors with `supports_byte_range = True`; others extract everything.
    byte_range: tuple[int, int] | None = None


@dataclass(slots=True)
class FileExtraction:
    statements: list[RawStatement] = field(default_factory=list)
    wrappers: list[WrapperDef] = field(default_factory=list)
    errors: int = 0  # syntax error nodes seen (statements in the parts that parse are still returned)


class LanguageExtractor(Protocol):
    languages: tuple[str, ...]

    def extract(
        self, tree: tree_sitter.Tree, source: bytes, path: str, context: ExtractContext
    ) -> FileExtraction:
        ...
