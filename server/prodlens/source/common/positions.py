"""Positions in the model's terms: tree-sitter reports byte columns, the model and LSP count characters.

A line with non-ASCII text before the node needs its prefix decoded; ASCII prefixes (the common case) skip the
decode. Two spellings of the same rule exist because the extractors call them on the hot path: the Python and
JS extractors pass the source around (`node_range`), the Go and Java ones hold it in a `LineColumns`.
"""

from __future__ import annotations

import tree_sitter

from ...model import Range


def char_column(source: bytes, byte_offset: int, byte_column: int) -> int:
    if byte_column == 0:
        return 0
    prefix = source[byte_offset - byte_column:byte_offset]
    if prefix.isascii():
        return byte_column
    return len(prefix.decode("utf-8", "replace"))


def node_range(node: tree_sitter.Node, source: bytes) -> Range:
    start_row, start_col = node.start_point
    end_row, end_col = node.end_point
    return Range(
        start_row,
        char_column(source, node.start_byte, start_col),
        end_row,
        char_column(source, node.end_byte, end_col),
    )


class LineColumns:
    """Byte columns (what tree-sitter reports) → character columns, for one source held by the extractor."""

    def __init__(self, source: bytes) -> None:
        self.source = source

    def column(self, byte_offset: int, byte_column: int) -> int:
        if byte_column == 0:
            return 0
        segment = self.source[byte_offset - byte_column : byte_offset]
        return byte_column if segment.isascii() else len(segment.decode("utf-8", "replace"))

    def range(self, node: tree_sitter.Node) -> Range:
        start, end = node.start_point, node.end_point
        return Range(start.row, self.column(node.start_byte, start.column), end.row,
                     self.column(node.end_byte, end.column))
