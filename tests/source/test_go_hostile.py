"""Hostile and broken Go source: extraction returns what parses and never crashes or recurses without bound."""

from __future__ import annotations

import re

from prodlens.render import python_regex
from prodlens.source.extract_types import ExtractContext
from prodlens.source.go.extractor import EXTRACTOR
from prodlens.source.languages import new_parser


def extract(data: bytes):
    return EXTRACTOR.extract(new_parser("go").parse(data), data, "x.go", ExtractContext())


def test_statements_around_a_syntax_error_survive():
    data = b'package x\nimport "log"\nfunc f() { log.Print("before") }\nfunc g() { x := := }\nfunc h() { log.Print("after") }\n'
    result = extract(data)
    assert result.errors >= 1
    assert [s.template.text for s in result.statements] == ["before", "after"]


def test_long_concatenation_chain_and_deep_parentheses():
    chain = " + ".join(f'"p{i}"' for i in range(5000))
    nested = "(" * 300 + '"deep"' + ")" * 300
    data = f'package x\nimport "log"\nfunc f() {{\n log.Print({chain})\n log.Print({nested} + " tail")\n}}\n'.encode()
    first, second = extract(data).statements
    assert first.template.text == "".join(f"p{i}" for i in range(5000))
    assert second.template.text.endswith(" tail")


def test_self_referencing_constants_terminate():
    data = b'package x\nimport "log"\nconst a = b + "a"\nconst b = a + "b"\nfunc f() { log.Print(a) }\n'
    [s] = extract(data).statements
    assert "a" in s.template.text


def test_invalid_utf8_huge_literal_and_regex_metacharacters():
    big = "y" * 1_000_000
    meta = r'a.*b (c) [d] {e} $f ^g | \\ */ \" %% end'
    data = (f'package x\nimport "log"\nfunc f() {{\n log.Print("{big}")\n log.Printf("{meta}")\n log.Print("bad '
            ).encode() + b"\xff" + b'")\n}\n'
    big_s, meta_s, bad = extract(data).statements
    assert len(big_s.template.text) == 1_000_000
    expected = 'a.*b (c) [d] {e} $f ^g | \\ */ " % end'
    assert meta_s.template.text == expected and re.match(python_regex(meta_s.template), expected, re.S)
    assert bad.template.text == "bad \ufffd"


def test_garbage_and_empty_input():
    assert extract(b"").statements == []
    assert extract(bytes(range(256)) * 50).statements == []
    assert extract(b"log.Printf(").statements == []


def test_huge_and_non_decimal_integer_operands():
    digits = "9" * 6000
    data = f'package x\nimport "log"\nfunc f() {{ log.Println("n", {digits}, 0x1F, 0o17) }}\n'.encode()
    [s] = extract(data).statements
    assert s.template.text == f"n {digits} {{}} {{}}"


def test_deeply_nested_sprint_and_sprintf_calls():
    nested = "fmt.Sprint(" * 3000 + '"x"' + ")" * 3000
    wrapped = "fmt.Sprintf(" * 3000 + 'format, args...' + ")" * 3000
    data = (f'package x\nimport ("fmt"; "log")\nfunc f() {{ log.Print({nested}) }}\n'
            f'func logf(format string, args ...any) {{ log.Print({wrapped}) }}\n').encode()
    result = extract(data)
    assert len(result.statements) == 2


def test_crlf_line_endings_keep_lines_and_columns():
    data = b'package x\r\nimport "log"\r\nfunc f() {\r\n\tlog.Printf("a %d",\r\n\t\t1)\r\n}\r\n'
    [s] = extract(data).statements
    assert (s.range.start_line, s.range.start_column, s.range.end_line) == (3, 1, 4)
    assert s.template.text == "a {}"
