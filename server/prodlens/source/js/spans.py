"""LSP ranges for tree-sitter nodes: 0-based lines, columns counted in characters of the decoded line.

tree-sitter reports byte columns; editors count characters, so a line with non-ASCII text before the call needs
its prefix decoded. ASCII prefixes (the common case) skip the decode.
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
