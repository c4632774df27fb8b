import re
from datetime import timedelta

import pytest

from prodlens import render
from prodlens.config import ConfigError, from_dict, load_config
from prodlens.model import Hole, HoleKind, Template, normalize_level, parse_window, statement_key


def test_template_merges_literals_and_writes_holes_as_braces():
    t = Template.of("Customer ", Hole(), " paying", " ", Hole(HoleKind.INT))
    assert t.parts == ("Customer ", Hole(), " paying ", Hole(HoleKind.INT))
    assert t.text == "Customer {} paying {}"
    assert t.literal_chars == len("Customer  paying ")
    assert Template.from_json(t.to_json()) == t
    assert Template.dynamic().is_dynamic and not t.is_dynamic


def test_python_regex_escapes_hostile_literals():
    hostile = 'a.*b(?x)\\ "`{}` */ -- \n end'
    t = Template.of(hostile, Hole(HoleKind.INT))
    rx = re.compile(render.python_regex(t), re.S)
    assert rx.match(hostile + "42")
    assert not rx.match(hostile + "x42")
    assert not rx.match("aXXb(?x)\\ \"`{}` */ -- \n end42")


def test_re2_and_lucene_and_like_render_literals_escaped():
    t = Template.of("100% done_", Hole(), ' "x" [y]')
    assert render.sql_like(t) == "100\\% done\\_%" + ' "x" [y]'
    assert render.lucene_regexp(t) == '100% done_.*' + ' \\"x\\" \\[y\\]'
    assert render.re2(t) == '(?s)100% done_.* "x" \\[y\\]'


def test_levels_normalise():
    assert normalize_level("WARNING") == "warn"
    assert normalize_level("SEVERE") == "error"
    assert normalize_level("finest") == "trace"
    assert normalize_level("CRITICAL") == "fatal"
    assert normalize_level(20) == "info"
    assert normalize_level("nonsense") is None


def test_windows():
    assert parse_window("15m") == timedelta(minutes=15)
    assert parse_window("7d") == timedelta(days=7)
    with pytest.raises(ValueError):
        parse_window("soon")


def test_key_ignores_line_but_not_text():
    t = Template.of("hello ", Hole())
    assert statement_key("a.py", t, "info", 0) == statement_key("a.py", t, "info", 0)
    assert statement_key("a.py", t, "info", 0) != statement_key("a.py", Template.of("hi ", Hole()), "info", 0)
    assert statement_key("a.py", t, "info", 0) != statement_key("a.py", t, "info", 1)


def test_unknown_config_key_is_named(tmp_path):
    (tmp_path / ".prodlens.toml").write_text('window = "1h"\n[store]\nurll = "x"\n')
    with pytest.raises(ConfigError, match="store.urll"):
        load_config(tmp_path)
    assert from_dict({"window": "1h"}).window == "1h"
    assert load_config(tmp_path / "nothing").store.url.startswith("sqlite:///")


def test_every_bad_key_of_a_config_file_is_named_at_once(tmp_path):
    """A file with several mistakes is fixed in one pass: each is its own line of the one error."""
    (tmp_path / ".prodlens.toml").write_text(
        'window = 3\n[store]\nurll = "x"\n[index]\ninclude = "src"\n'
        '[[index.logging_methods]]\nname = 1\n[[index.logging_methods]]\nname = "audit"\n'
    )
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert caught.value.problems == [
        ".prodlens.toml: `window` must be a string, not 3",
        caught.value.problems[1],
        ".prodlens.toml: `index.include` must be a list",
        ".prodlens.toml: `index.logging_methods[0].name` must be a string, not 1",
    ]
    assert "unknown key `store.urll`" in caught.value.problems[1]
    assert str(caught.value).startswith("4 problems:\n")
    with pytest.raises(ConfigError, match=r"^\.prodlens\.toml: `window` must be a string, not 3$"):
        from_dict({"window": 3}, ".prodlens.toml")  # one problem: the message is that problem alone


def test_normalize_level_of_nan_and_infinity_is_no_level():
    """Python's json.dumps writes NaN/Infinity, and a level field may hold one: no level, not a ValueError."""
    from prodlens.model import normalize_level

    assert [normalize_level(v) for v in (float("nan"), float("inf"), float("-inf"))] == [None, None, None]
    assert normalize_level(30.0) == normalize_level(30)
