"""Hostile and broken Java: syntax errors, deep concatenations, huge literals, invalid UTF-8, regex metacharacters.
Extraction must return what it can, never crash and never recurse without bound."""

from __future__ import annotations

import re

from prodlens.render import python_regex
from prodlens.source.extract_types import ExtractContext
from prodlens.source.java.extractor import EXTRACTOR
from prodlens.source.languages import new_parser

HEADER = "import org.slf4j.Logger;\nclass A {\n  static final Logger LOG = org.slf4j.LoggerFactory.getLogger(A.class);\n"


def extract(data: bytes):
    return EXTRACTOR.extract(new_parser("java").parse(data), data, "A.java", ExtractContext())


def test_statements_in_the_parts_that_parse_survive_a_syntax_error():
    data = (HEADER + '  void f() { LOG.info("before"); int x = ; }\n  void g() { LOG.warn("after {}", 1); }\n}\n').encode()
    result = extract(data)
    assert result.errors >= 1
    assert [s.template.text for s in result.statements] == ["before", "after {}"]


def test_thousands_of_concatenated_literals_do_not_recurse():
    chain = " + ".join(f'"p{i}"' for i in range(5000))
    result = extract((HEADER + f"  void f() {{ LOG.info({chain}); }}\n}}\n").encode())
    [s] = result.statements
    assert s.template.text == "".join(f"p{i}" for i in range(5000))


def test_deeply_parenthesised_message_becomes_a_hole_not_an_error():
    nested = "(" * 300 + '"x"' + ")" * 300
    result = extract((HEADER + f"  void f() {{ LOG.info({nested} + \" tail\"); }}\n}}\n").encode())
    [s] = result.statements
    assert s.template.text.endswith(" tail")


def test_self_referencing_constants_terminate():
    data = (HEADER + '  static final String A1 = B1 + "a";\n  static final String B1 = A1 + "b";\n'
            '  void f() { LOG.info(A1); }\n}\n').encode()
    [s] = extract(data).statements
    assert "a" in s.template.text


def test_huge_literal_and_invalid_utf8_are_kept():
    big = "x" * 1_000_000
    data = (HEADER + f'  void f() {{ LOG.info("{big}"); LOG.info("caf').encode() + b"\xff\xfe" + b'");\n  }\n}\n'
    result = extract(data)
    assert [len(s.template.text) for s in result.statements][0] == 1_000_000
    assert result.statements[1].template.text == "caf\ufffd\ufffd"


def test_regex_metacharacters_quotes_and_comment_closers_are_literal_text():
    text = r'a.*b (c) [d] {e} $f ^g | \\ */ \" end'
    [s] = extract((HEADER + f'  void f() {{ LOG.info("{text}"); }}\n}}\n').encode()).statements
    expected = 'a.*b (c) [d] {e} $f ^g | \\ */ " end'
    assert s.template.text == expected
    assert re.match(python_regex(s.template), expected, re.S)
    assert not re.match(python_regex(s.template), "aXXb (c) [d] {e} $f ^g | \\ */ \" end", re.S)


def test_empty_and_binary_garbage_inputs():
    assert extract(b"").statements == []
    assert extract(bytes(range(256)) * 50).statements == []
    assert extract(b"LOG.info(").statements == []


def test_huge_numeric_literals_are_text_not_conversions():
    digits = "9" * 6000  # beyond Python's int/str conversion limit: must not raise
    [s] = extract((HEADER + f'  void f() {{ LOG.info("n=" + {digits} + " " + 0x1F); }}\n}}\n').encode()).statements
    assert s.template.text == f"n={digits} {{}}"


def test_deeply_nested_format_calls_and_fluent_chains():
    nested = "String.format(" * 2000 + '"x %d", 1' + ")" * 2000
    chain = "LOG" + ".atInfo()" + ".addArgument(1)" * 2000
    data = (HEADER + f"  void f() {{ LOG.info({nested}); {chain}.log(\"fluent\"); }}\n}}\n").encode()
    statements = extract(data).statements
    # the format nesting becomes holes past the depth limit; a fluent chain longer than 32 calls is not followed
    assert [s.range.start_line for s in statements] == [3]


def test_crlf_line_endings_and_tabs_keep_lines_and_columns():
    data = (HEADER + '  void f() {\r\n\tLOG.info("a\\tb {}",\r\n\t\t1);\r\n  }\r\n}\r\n').encode()
    [s] = extract(data).statements
    assert (s.range.start_line, s.range.start_column, s.range.end_line) == (4, 1, 5)
    assert s.template.text == "a\tb {}"
