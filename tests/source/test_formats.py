"""Format-string parsers: placeholders become typed holes exactly where the framework fills them, and the
rendered regex matches what the framework really prints (checked by formatting with the real formatter)."""

from __future__ import annotations

import re

import pytest

from prodlens.model import Hole, HoleKind, Template
from prodlens.render import python_regex
from prodlens.source.formats import apply_brace, apply_percent, apply_util_format, format_spec_kind, literal_text


def kinds(parts):
    return [p.kind for p in parts if isinstance(p, Hole)]


def matches(parts, text: str) -> bool:
    return re.match(python_regex(Template.of(parts)), text, re.S) is not None


@pytest.mark.parametrize(
    "fmt, args",
    [
        ("x %s y %d", ("a b", 42)),
        ("%r and %a", ("it's", "é")),
        ("%5d|%-8s|%.2f|%x|%X|%#x|%o|%e|%g|%%", (7, "ab", 3.14159, 255, 255, 255, 8, 12345.678, 0.5)),
        ("%+d %i %u %c", (-3, 4, 5, "z")),
        ("%*d and %.*f", (5, 42, 2, 1.5)),
    ],
)
def test_percent_holes_match_real_percent_formatting(fmt, args):
    parts, consumed = apply_percent([fmt], len(args))
    assert consumed == len(args)
    assert matches(parts, fmt % args)


def test_percent_types_follow_conversion():
    parts, _ = apply_percent(["%s %d %f %x %r %5d"], 6)
    assert kinds(parts) == [HoleKind.ANY, HoleKind.INT, HoleKind.NUMBER, HoleKind.HEX, HoleKind.ANY, HoleKind.ANY]


def test_percent_mapping_keys_are_named_holes():
    parts, _ = apply_percent(["user %(name)s has %(n)d items"], 1)
    assert [p.name for p in parts if isinstance(p, Hole)] == ["name", "n"]
    assert matches(parts, "user %(name)s has %(n)d items" % {"name": "bo", "n": 3})


def test_percent_without_arguments_is_left_as_written():
    # logging applies `%` only when the record has args: "100%" stays, and so does "%%"
    parts, consumed = apply_percent(["100% sure, %%"], 0)
    assert parts == ["100% sure, %%"] and consumed == 0


def test_percent_passes_existing_holes_through():
    parts, consumed = apply_percent(["a %s ", Hole(HoleKind.ANY, "x"), " %d"], None)
    assert literal_text(parts) == "a   " and consumed == 2
    assert kinds(parts) == [HoleKind.ANY, HoleKind.ANY, HoleKind.INT]


@pytest.mark.parametrize(
    "fmt, args, kwargs",
    [
        ("{} and {}", ("a", 1), {}),
        ("{0} {1!r} {name}", ("a", "b"), {"name": "n"}),
        ("{:d} {:.2f} {:x} {:>6} {:,}", (5, 2.5, 255, "r", 1234567), {}),
        ("literal {{braces}} {}", ("v",), {}),
        ("{obj.attr} {seq[0]}", (), {"obj": type("O", (), {"attr": 1})(), "seq": [9]}),
    ],
)
def test_brace_holes_match_real_str_format(fmt, args, kwargs):
    parts, _ = apply_brace([fmt])
    assert matches(parts, fmt.format(*args, **kwargs))


def test_brace_types_and_counts():
    parts, positional = apply_brace(["{} {name} {0:d} {:.3e} {!r:>4}"])
    assert positional == 4
    assert kinds(parts) == [HoleKind.ANY, HoleKind.ANY, HoleKind.INT, HoleKind.NUMBER, HoleKind.ANY]


def test_brace_unbalanced_keeps_text():
    parts, _ = apply_brace(["oops { not closed"])
    assert literal_text(parts) == "oops { not closed"


def test_format_spec_kinds():
    assert format_spec_kind("d") is HoleKind.INT
    assert format_spec_kind("08d") is HoleKind.ANY  # padding is not a plain number
    assert format_spec_kind(".1f") is HoleKind.NUMBER
    assert format_spec_kind("#x") is HoleKind.ANY
    assert format_spec_kind(None, "r") is HoleKind.ANY


def test_util_format_verbs_and_appending():
    parts, consumed = apply_util_format(["a %s b %d c %j d %o e %O f %i g %f %c h"], 9)
    assert consumed == 9
    assert kinds(parts) == [HoleKind.ANY, HoleKind.NUMBER, HoleKind.JSON, HoleKind.JSON, HoleKind.JSON,
                            HoleKind.NUMBER, HoleKind.NUMBER, HoleKind.ANY]  # %c prints nothing; 1 appended
    assert literal_text(parts).endswith("h ")


def test_util_format_no_arguments_keeps_percent_percent():
    # util.format("100%% %s") with no further arguments returns the string untouched
    assert apply_util_format(["100%% %s"], 0) == (["100%% %s"], 0)


def test_util_format_runs_out_of_arguments():
    parts, consumed = apply_util_format(["%s and %s 100%%"], 1)
    assert consumed == 1
    assert literal_text(parts) == " and %s 100%"


def test_util_format_without_appending():
    parts, consumed = apply_util_format(["msg %s"], 3, append_extra=False)
    assert literal_text(parts) == "msg " and consumed == 1


def test_util_format_unknown_count_takes_every_verb():
    parts, consumed = apply_util_format(["%s-%d"], None)
    assert kinds(parts) == [HoleKind.ANY, HoleKind.NUMBER] and consumed == 2


def test_hostile_text_is_literal():
    text = "a.*b(?:c)\\d$^[x] \x00 \u2028 ☃"
    parts, _ = apply_percent([text + " %s"], 1)
    assert matches(parts, text + " v")
    assert not matches(parts, "aXXb(?:c)\\d$^[x] \x00 \u2028 ☃ v")
