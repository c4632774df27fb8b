"""Java literal decoding and placeholder syntaxes, unit by unit."""

from __future__ import annotations

from prodlens.model import Hole, HoleKind
from prodlens.source.java.formats import message_format, printf, slf4j
from prodlens.source.java.strings import decode_char_literal, decode_string_literal, decode_text_block


def test_escapes_octal_unicode_and_surrogate_pairs():
    assert decode_string_literal(r'"a\tb\n\\\"q\"\s"') == 'a\tb\n\\"q" '
    assert decode_string_literal(r'"\u00e9\uu0041\101\0\7"') == "éAA\x00\x07"
    assert decode_string_literal(r'"\uD83D\uDE00"') == "😀"  # UTF-16 pair: one character
    assert decode_string_literal(r'"\uD83D!"') == "\ufffd!"  # lone surrogate
    assert decode_char_literal(r"'\''") == "'" and decode_char_literal(r"'\u00e9'") == "é"


def test_text_blocks_strip_incidental_indentation_and_join_continuations():
    assert decode_text_block('"""\n    a\n      b\n    """') == "a\n  b\n"
    assert decode_text_block('"""\n    a \\\n    b"""') == "a b"
    assert decode_text_block('"""\n    trailing   \n  """') == "  trailing\n"


def _shape(parts):
    return [p.kind if isinstance(p, Hole) else p for p in parts]


def test_slf4j_placeholders_and_escapes():
    parts, count = slf4j([r"a {} b \{} c \\{} d"])
    assert count == 2
    assert _shape(parts) == ["a ", HoleKind.ANY, " b {} c \\", HoleKind.ANY, " d"]


def test_message_format_elements_and_quotes():
    parts, count = message_format(["'{0}' is {0}, it''s {1,number,#.##} {x}"])
    assert count == 2
    assert _shape(parts) == ["{0} is ", HoleKind.ANY, ", it's ", HoleKind.ANY, " {x}"]


def test_printf_conversions_flags_and_specials():
    parts, count = printf(["%s=%d %5d %.2f %x %b %n %% %1$s %tY"])
    assert count == 8
    assert _shape(parts) == [HoleKind.ANY, "=", HoleKind.INT, " ", HoleKind.ANY, " ", HoleKind.NUMBER, " ",
                             HoleKind.HEX, " ", HoleKind.BOOL, " ", "\n", " ", "%", " ", HoleKind.ANY, " ",
                             HoleKind.ANY]
