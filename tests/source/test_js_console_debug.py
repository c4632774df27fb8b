"""console.* and the `debug` library: levels, namespaces, util.format verbs, and the ways code binds debug."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from prodlens.model import Confidence, HoleKind

from test_js_support import by_line, extract, renders


def test_console_levels_and_util_format():
    lines = by_line(extract('''
        console.log("user %s has %d items", name, n);
        console.info("info");
        console.debug("debug");
        console.warn("warn %j", obj);
        console.error("failed:", err);
        console.trace("trace here");
        console.dir(obj);
        console.log("a", b, c);
    '''))
    assert (lines[2].level, lines[2].template.text, lines[2].framework) == ("info", "user {} has {} items", "console")
    assert [p.kind for p in lines[2].template.parts if not isinstance(p, str)] == [HoleKind.ANY, HoleKind.NUMBER]
    assert lines[3].level == "info" and lines[4].level == "debug"
    assert lines[5].level == "warn" and lines[5].template.text == "warn {}"
    assert lines[6].level == "error" and lines[6].template.text == "failed: {}" and lines[6].throwable
    assert lines[7].level == "trace"
    assert 8 not in lines  # console.dir is not a log statement
    assert lines[9].template.text == "a {} {}"


def test_debug_bindings_give_namespaces():
    result = extract('''
        const debug = require('debug')('express:router');
        import createDebug from 'debug';
        const d2 = createDebug('app:web');
        const debug_1 = __importDefault(require("debug"));
        const d3 = (0, debug_1.default)("socket.io:client");
        let d4;
        d4 = require("debug")("engine:socket");
        const d5 = d2.extend('sub');
        const d6 = debug_1.default("plain:default");
        debug('a');
        d2('b');
        d3('c');
        d4('d');
        d5('e');
        d6('f');
    ''')
    assert [(s.logger, s.level, s.framework, s.template.text) for s in result.statements] == [
        ("express:router", "debug", "debug", "a"),
        ("app:web", "debug", "debug", "b"),
        ("socket.io:client", "debug", "debug", "c"),
        ("engine:socket", "debug", "debug", "d"),
        ("app:web:sub", "debug", "debug", "e"),
        ("plain:default", "debug", "debug", "f"),
    ]


def test_debug_formatters():
    statement = extract('''
        const debug = require('debug')('x');
        debug('packet %o on %s (%d bytes) %O', pkt, nsp, n, extra, more);
    ''').statements[0]
    assert statement.template.text == "packet {} on {} ({} bytes) {} {}"
    kinds = [p.kind for p in statement.template.parts if not isinstance(p, str)]
    assert kinds == [HoleKind.JSON, HoleKind.ANY, HoleKind.NUMBER, HoleKind.JSON, HoleKind.ANY]


def test_debug_passed_as_parameter_is_a_debug_call_by_convention():
    result = extract('''
        function read(req, res, next, parse, debug, options) {
          debug('read body');
        }
    ''')
    assert [(s.framework, s.receiver, s.template.text) for s in result.statements] == [
        ("debug", "convention", "read body")]


def test_template_literals_and_concatenation():
    lines = by_line(extract('''
        const debug = require('debug')('x');
        debug(`received packet ${packet.type} \\n\\u0041`);
        debug('parse ' + (extended ? 'extended ' : '') + 'urlencoding');
        debug("esc \\x41\\t'q'" + n);
    '''))
    assert lines[3].template.text == "received packet {} \nA"
    assert lines[4].template.text == "parse {}urlencoding" and lines[4].confidence is Confidence.PARTIAL
    assert renders(lines[4].template, "parse urlencoding")
    assert lines[5].template.text == "esc A\t'q'{}"


def test_multi_line_call_range():
    statement = extract('''
        const debug = require('debug')('x');
        function f() {
          debug(
            'spans %s',
            lines
          );
        }
    ''').statements[0]
    assert (statement.range.start_line, statement.range.start_column, statement.range.end_line) == (3, 2, 6)


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_templates_match_real_util_format_output():
    calls = [
        ('"user %s has %d items and %j"', ["bo", 3, {"a": 1}]),
        ('"100%% done %s"', ["now"]),
        ('"extra args"', ["x", 2]),
        ('"%o then %O"', [[1, 2], {"k": "v"}]),
        ('"%i %f %c|"', [42.9, 1.5, "color: red"]),
    ]
    for fmt, args in calls:
        arg_list = ", ".join(f"a{i}" for i in range(len(args)))
        statement = extract(f"console.log({fmt}, {arg_list});\n").statements[0]
        script = f"const util = require('util'); const a = {json.dumps(args)}; " \
                 f"process.stdout.write(util.format({fmt}, ...a));"
        out = subprocess.run(["node", "-e", script], capture_output=True, text=True, check=True, timeout=30).stdout
        assert renders(statement.template, out), (fmt, out, statement.template.text)


def test_conditional_debug_binding():
    result = extract('''
        const debug = process.env.QUIET ? function () {} : require('debug')('quiet:maybe');
        debug('maybe');
    ''')
    assert [(s.logger, s.template.text) for s in result.statements] == [("quiet:maybe", "maybe")]


def test_const_strings_are_message_text():
    lines = by_line(extract('''
        const debug = require('debug')('x');
        const FMT = 'loaded %d plugins';
        let mutable = 'may change';
        debug(FMT, n);
        console.log(mutable);
    '''))
    assert lines[5].template.text == "loaded {} plugins"
    assert lines[6].confidence is Confidence.DYNAMIC
