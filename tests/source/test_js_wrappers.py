"""JavaScript logging wrappers: same-file functions, and modules that forward their arguments to a logger
(follow-redirects' debug.js), resolved in the files that require them."""

from __future__ import annotations

from test_js_support import by_line, extract

FORWARDER = '''
var debug;

module.exports = function () {
  if (!debug) {
    try {
      debug = require("debug")("follow-redirects");
    }
    catch (error) { /* */ }
    if (typeof debug !== "function") {
      debug = function () { /* */ };
    }
  }
  debug.apply(null, arguments);
};
'''

CALLER = '''
var debug = require("./debug");
function redirect(url, options) {
  debug("redirecting to", url);
  debug("options", options);
  debug("plain");
}
'''


def test_module_forwarding_arguments_is_an_exported_wrapper():
    result = extract(FORWARDER, path="follow-redirects/debug.js")
    [wrapper] = result.wrappers
    assert (wrapper.name, wrapper.exported, wrapper.message_param, wrapper.args_param) == ("debug", True, 0, 1)
    assert (wrapper.framework, wrapper.logger, wrapper.level) == ("debug", "follow-redirects", "debug")
    assert [s.wrapper for s in result.statements] == [True]


def test_call_sites_in_the_requiring_file():
    wrappers = extract(FORWARDER, path="follow-redirects/debug.js").wrappers
    lines = by_line(extract(CALLER, path="follow-redirects/index.js", wrappers=wrappers))
    assert (lines[4].template.text, lines[4].logger, lines[4].level) == ("redirecting to {}", "follow-redirects", "debug")
    assert lines[5].template.text == "options {}"
    assert lines[6].template.text == "plain"
    assert not any(s.wrapper for s in lines.values())


def test_without_the_wrapper_the_local_module_is_not_a_logger():
    assert extract(CALLER, path="follow-redirects/index.js").statements == []


def test_wrapper_from_an_unrelated_file_does_not_apply():
    wrappers = extract(FORWARDER, path="other-package/debug.js").wrappers
    assert extract(CALLER, path="follow-redirects/index.js", wrappers=wrappers).statements == []


def test_same_file_function_wrapper_with_constant_text():
    lines = by_line(extract('''
        const logger = require('pino')();
        function audit(fmt, ...args) {
          logger.info("[audit] " + fmt, ...args);
        }
        audit("user %s deleted %d rows", user, n);
    '''))
    assert lines[4].wrapper
    assert (lines[6].template.text, lines[6].level, lines[6].framework) == ("[audit] user {} deleted {} rows", "info", "pino")


def test_method_wrapper_is_called_through_this():
    lines = by_line(extract('''
        class Socket {
          log(msg) {
            console.warn(`[socket ${this.id}] ${msg}`);
          }
          close() {
            this.log("closing");
          }
        }
    '''))
    assert lines[7].template.text == "[socket {}] closing" and lines[7].level == "warn"


def test_value_parameters_are_not_wrappers():
    result = extract('''
        const debug = require('debug')('x');
        function handle(req, err) {
          debug('handling %s', req.url);
          console.error(err);
        }
        handle(a, b);
    ''')
    assert result.wrappers == []
    assert len(result.statements) == 2


def test_level_parameter_of_a_js_wrapper():
    lines = by_line(extract('''
        const winston = require('winston');
        const logger = winston.createLogger({});
        function log(level, msg) {
          logger.log(level, "[app] " + msg);
        }
        log('warn', 'disk full');
        log(lvl, 'run time level');
    '''))
    assert lines[5].wrapper
    assert (lines[7].template.text, lines[7].level) == ("[app] disk full", "warn")
    assert lines[8].level is None


def test_foreign_method_wrapper_through_this_unless_shadowed():
    base = extract('''
        class Base {
          logEvent(msg) { console.info("[evt] " + msg); }
        }
        module.exports = Base;
    ''', path="lib/base.js")
    sub = extract('''
        class Sub extends Base {
          run() { this.logEvent("started"); }
        }
    ''', path="lib/sub.js", wrappers=base.wrappers)
    assert [s.template.text for s in sub.statements] == ["[evt] started"]
    shadow = extract('''
        class Other {
          logEvent(msg) { this.events.push(msg); }
          run() { this.logEvent("not logged"); }
        }
    ''', path="lib/other.js", wrappers=base.wrappers)
    assert shadow.statements == []


def test_computed_method_calls():
    lines = by_line(extract('''
        const logger = require('pino')();
        function log(level, msg, ...args) {
          logger[level]("[svc] " + msg, ...args);
        }
        console['warn']('bracket %s', x);
        handlers[type]('not a logger');
        log('error', 'failed %d times', n);
    '''))
    assert lines[4].wrapper and lines[4].level is None
    assert (lines[6].level, lines[6].template.text) == ("warn", "bracket {}")
    assert 7 not in lines
    assert (lines[8].template.text, lines[8].level) == ("[svc] failed {} times", "error")
