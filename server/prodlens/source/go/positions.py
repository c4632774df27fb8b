"""Positions in the model's terms: tree-sitter reports byte columns, the model and LSP count characters."""

from __future__ import annotations

import tree_sitter

from ...model import Range


class LineColumns:
    """Byte columns (what tree-sitter reports) → character columns (what the model and LSP use)."""

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
