"""Calls that look like logging but are not, and bad input that must not crash extraction."""

from __future__ import annotations

from test_js_support import extract


def test_receivers_are_checked():
    result = extract('''
        Math.log(x);
        const log = [];
        log.push(1);
        log.info("a list named log");
        changelog.info();
        catalog.warn("no");
        const debug = require('./debug-flags');
        debug("a local module, not the debug library");
        const pino = require('pino');
        pino.info("the factory, not a logger");
        obj.history.error("no");
        promise.call(this, x);
    ''')
    assert result.statements == []


def test_local_function_named_debug_is_not_the_library():
    result = extract('''
        function debug(x) { return x + 1; }
        debug("not a log");
    ''')
    assert result.statements == []


def test_syntax_errors_keep_the_parts_that_parse():
    result = extract('''
        console.log("before");
        function broken( {
        console.warn("after");
    ''')
    assert result.errors >= 1
    texts = [s.template.text for s in result.statements]
    assert "before" in texts


def test_invalid_utf8_and_hostile_text():
    src = b'console.log("bad \xff bytes */ \\\\ `${x}`");\nconsole.log(`tick \\` ${a} \\${not}`);\n'
    texts = [s.template.text for s in extract(src).statements]
    assert texts[0] == "bad \ufffd bytes */ \\ `${x}`"
    assert texts[1] == "tick ` {} ${not}"


def test_deep_nesting_and_long_lines():
    chain = "+".join(['"a"'] * 3000)
    assert len(extract(f"console.log({chain});\n").statements) == 1
    long_text = "y" * 1_000_000
    assert extract(f'console.log("{long_text}");\n').statements[0].template.text == long_text


def test_hostile_receiver_chains_do_not_crash():
    chain = "logger" + ".child({})" * 3000
    result = extract(f"const logger = require('pino')();\n{chain}.info('deep');\nlogger.info('ok');\n")
    assert "ok" in [s.template.text for s in result.statements]
