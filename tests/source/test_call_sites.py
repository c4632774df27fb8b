"""`name_call_sites` must list exactly what the regex `\\b(name1|name2)\\s*\\(` finds with `finditer` (it replaced
that regex in the Java and Go extractors' wrapper call-site scans because it is much faster)."""

from __future__ import annotations

import random
import re

from prodlens.source.wrappers import name_call_sites


def regex_sites(source: bytes, names: list[str]) -> list[tuple[int, str]]:
    ordered = sorted(set(names), key=len, reverse=True)
    pattern = re.compile(rb"\b(" + b"|".join(re.escape(n.encode()) for n in ordered) + rb")\s*\(")
    return [(m.start(1), m.group(1).decode()) for m in pattern.finditer(source)]


def test_whole_words_followed_by_a_parenthesis():
    source = b"info(a); reinfo(b); info (c); x.info\n\t(d); info; debug(e); infos(f)"
    assert name_call_sites(source, ["info", "debug"]) == [(0, "info"), (20, "info"), (32, "info"), (49, "debug")]


def test_longer_name_wins_where_both_start():
    assert name_call_sites(b"logp(x) log(y)", ["log", "logp"]) == [(0, "logp"), (8, "log")]


def test_no_names_and_empty_source():
    assert name_call_sites(b"info(x)", []) == []
    assert name_call_sites(b"", ["info"]) == []


def test_same_result_as_the_regex_on_generated_text():
    pieces = [b"info", b"inf", b"log", b"logp", b" ", b"(", b"\n", b"x", b"_", b".", b"$", b"\t", b"info (",
              b"logp(", b"\xc3\xa9", b"$log("]
    generator = random.Random(7)
    for _ in range(3000):
        source = b"".join(generator.choice(pieces) for _ in range(generator.randint(0, 25)))
        names = generator.sample(["info", "inf", "log", "logp", "x", "$log", "_"], generator.randint(1, 4))
        assert name_call_sites(source, names) == regex_sites(source, names), (source, names)
