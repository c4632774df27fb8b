"""Go literal decoding and fmt verb parsing, unit by unit."""

from __future__ import annotations

from prodlens.model import Hole, HoleKind
from prodlens.source.go.formats import printf
from prodlens.source.go.strings import decode_string_literal


def test_interpreted_escapes_build_bytes_then_decode_utf8():
    assert decode_string_literal(r'"a\tb\n\\\"q\""') == 'a\tb\n\\"q"'
    assert decode_string_literal(r'"\u00e9 \U0001F600 \x41\101"') == "é 😀 AA"
    assert decode_string_literal(r'"\xc3\xa9"') == "é"  # two bytes of one UTF-8 character
    assert decode_string_literal(r'"\xff!"') == "\ufffd!"  # invalid UTF-8
    assert decode_string_literal(r'"\a\b\f\v"') == "\a\b\f\v"


def test_raw_strings_keep_backslashes_and_drop_carriage_returns():
    assert decode_string_literal("`a\\n\r\nb`") == "a\\n\nb"


def test_printf_verbs_and_percent():
    parts, count = printf(["%d%% of %s (%[2]v)"])
    assert count == 3
    assert [p.kind if isinstance(p, Hole) else p for p in parts] == [HoleKind.INT, "%", " of ", HoleKind.ANY, " (",
                                                                      HoleKind.ANY, ")"]


def test_printf_leaves_expression_holes_alone():
    hole = Hole(HoleKind.ANY, "prefix")
    parts, count = printf([hole, ": %x"])
    assert parts[0] is hole and count == 1 and parts[2].kind is HoleKind.HEX
