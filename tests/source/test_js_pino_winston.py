"""pino (and Fastify's request.log), winston, and the other libraries a file can bind."""

from __future__ import annotations

from prodlens.model import Confidence

from test_js_support import by_line, extract


def test_pino_merging_object_then_message():
    lines = by_line(extract('''
        const pino = require('pino');
        const logger = pino({ name: 'api' });
        const child = logger.child({ module: 'db' });
        logger.info({ obj: 1 }, "msg %s", x);
        logger.info("msg only");
        child.warn("from child");
        logger.error(err, "failed to %s", op);
        logger.info({ a: 1 });
        logger.info("extra args are not appended", 1, 2);
        logger.fatal(new Error("x"), "fatal %d", code);
    '''))
    assert (lines[5].framework, lines[5].level, lines[5].logger, lines[5].template.text) == ("pino", "info", "api", "msg {}")
    assert lines[6].template.text == "msg only"
    assert (lines[7].level, lines[7].logger, lines[7].receiver) == ("warn", "api", "declared")
    assert lines[8].template.text == "failed to {}" and lines[8].throwable
    assert lines[9].confidence is Confidence.DYNAMIC
    assert lines[10].template.text == "extra args are not appended"
    assert lines[11].level == "fatal" and lines[11].throwable


def test_fastify_loggers_are_pino():
    lines = by_line(extract('''
        function onRequest(request, reply) {
          request.log.info({ req: request }, 'incoming request');
          reply.log.error({ err }, err.message);
          this.log.trace({ err }, `client ${label}`);
          fastify.log.warn('deprecated');
        }
    '''))
    assert [(lines[n].framework, lines[n].receiver, lines[n].level) for n in (3, 4, 5, 6)] == [
        ("pino", "convention", "info"), ("pino", "convention", "error"),
        ("pino", "convention", "trace"), ("pino", "convention", "warn")]
    assert lines[3].template.text == "incoming request"
    assert lines[4].confidence is Confidence.DYNAMIC and lines[4].throwable
    assert lines[5].template.text == "client {}"


def test_winston_forms():
    lines = by_line(extract('''
        const winston = require('winston');
        const logger = winston.createLogger({ level: 'info' });
        logger.info('hello %s', who);
        logger.log('warn', 'disk %d%% full', pct);
        logger.log({ level: 'error', message: 'object form' });
        logger.log(level, 'run-time level');
        winston.info('default logger');
        logger.silly('silly');
        logger.verbose('verbose');
    '''))
    assert (lines[4].framework, lines[4].level, lines[4].template.text) == ("winston", "info", "hello {}")
    assert (lines[5].level, lines[5].template.text) == ("warn", "disk {}% full")
    assert (lines[6].level, lines[6].template.text) == ("error", "object form")
    assert lines[7].level is None and lines[7].template.text == "run-time level"
    assert lines[8].framework == "winston" and lines[8].receiver == "declared"
    assert lines[9].level == "trace" and lines[10].level == "debug"


def test_es_module_imports():
    lines = by_line(extract('''
        import pino from 'pino';
        import { createLogger } from 'winston';
        import * as log4js from 'log4js';
        const p = pino();
        const w = createLogger({});
        const l = log4js.getLogger('cat');
        p.info('p');
        w.warn('w');
        l.error('l %s', x);
    ''', path="src/app.mjs"))
    assert [(lines[n].framework, lines[n].receiver) for n in (8, 9, 10)] == [
        ("pino", "declared"), ("winston", "declared"), ("log4js", "declared")]
    assert lines[10].logger == "cat" and lines[10].template.text == "l {}"


def test_this_logger_member():
    lines = by_line(extract('''
        const pino = require('pino');
        class Service {
          constructor() { this.logger = pino(); }
          run() { this.logger.info('running %d', n); }
        }
    '''))
    assert lines[5].receiver == "declared" and lines[5].framework == "pino"


def test_logger_of_unknown_make():
    # the file does not say what `log` is: an object first is a merging object (pino style), otherwise text
    # arguments are joined like util.format does (proc-log, npmlog, console-like loggers)
    lines = by_line(extract('''
        const { log } = require('proc-log');
        class Builder {
          run() {
            log.verbose('tarball', 'done parsing', n);
            log.warn({ code }, 'obj first');
            this.log.info('this.log outside a Fastify file');
          }
        }
    '''))
    assert (lines[5].framework, lines[5].receiver, lines[5].level) == ("unknown", "convention", "debug")
    assert lines[5].template.text == "tarball done parsing"  # `n` may be context, not text: partial
    assert lines[5].confidence is Confidence.PARTIAL
    assert lines[6].template.text == "obj first"
    assert lines[7].framework == "unknown"


def test_unknown_logger_appends_text_but_not_values():
    lines = by_line(extract("""
        logger.info('user created', { id });
        logger.verbose('cache miss', correlationId);
        logger.warn('stage', `step ${n}`);
    """))
    assert lines[2].template.text == "user created" and lines[2].confidence is Confidence.PARTIAL
    assert lines[3].template.text == "cache miss"
    assert lines[4].template.text == "stage step {}"


def test_bunyan_fields_object_then_util_format():
    lines = by_line(extract('''
        const bunyan = require('bunyan');
        const log = bunyan.createLogger({ name: 'svc' });
        log.info({ req }, 'start %s', id, 'tail');
        log.warn('plain', n);
    '''))
    assert (lines[4].framework, lines[4].logger, lines[4].template.text) == ("bunyan", "svc", "start {} tail")
    assert lines[5].template.text == "plain {}"


def test_pino_with_a_const_message():
    statement = extract('''
        const logger = require('pino')();
        const MSG = 'listening on %s';
        logger.info(MSG, addr);
    ''').statements[0]
    assert statement.template.text == "listening on {}"
