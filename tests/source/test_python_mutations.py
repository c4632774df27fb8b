"""Mutated sources (deleted spans, stray quotes and brackets, invalid bytes) never make the Python or
JavaScript/TypeScript extractors raise: every mutation of a realistic file is extracted, with a fixed seed so a
failure reproduces. (One module for both families: the mutation harness is the same.)"""

from __future__ import annotations

import random

import pytest

from prodlens.model import Template
from prodlens.render import python_regex
from prodlens.source.extract_types import ExtractContext
from prodlens.source.js.extractor import EXTRACTOR as JS
from prodlens.source.languages import new_parser

from source_mutations import mutate
from prodlens.source.python.extractor import EXTRACTOR as PYTHON

PYTHON_SOURCE = b'''import logging
import structlog
from loguru import logger as lg
log = logging.getLogger(__name__)
slog = structlog.get_logger()

class Conn:
    logger = logging.getLogger("conn")
    def _log_info(self, message, *arg, **kw):
        self.logger.info("[c] " + message, *arg, **kw)
    def run(self, a, b):
        log.debug("x %s y %d", a, b)
        log.info(f"f {a!r:>4} {{b}}" "tail")
        self._log_info("BEGIN %s", a)
        slog.warning("event", k=a)
        lg.info("brace {} {n}", a, n=b)
        log.log(logging.ERROR, "pct %(k)s" % {"k": a}, exc_info=True)
'''

JS_SOURCE = b'''const debug = require('debug')('app:web');
const pino = require('pino');
const logger = pino({ name: 'api' }).child({ m: 1 });
function audit(fmt, ...args) { logger.info("[audit] " + fmt, ...args); }
class Svc {
  run(req, reply) {
    debug('got %o from %s', req.body, req.ip);
    console.log(`tmpl ${req.url} \\u00e9`, 1);
    req.log.info({ req }, 'incoming %s', req.id);
    logger.error(err, "failed: " + err.message);
    audit("user %s", req.user);
  }
}
'''

INSERTS = [b'"', b"'", b"(", b")", b"{", b"}", b"[", b"+", b"\\", b"\xff\xfe", b'"""', b"`", b"${", b"%", b"{}",
           b"log.info(", b"debug(", b"f\"", b"\n", b"    ", b"#", b"/*", b"*/", b"\x00", b"lambda:", b"=>"]


@pytest.mark.parametrize("language, extractor, source, expected", [
    ("python", PYTHON, PYTHON_SOURCE, 7),
    ("javascript", JS, JS_SOURCE, 6),
    ("typescript", JS, JS_SOURCE, 6),
])
def test_mutations_never_raise(language, extractor, source, expected):
    parser = new_parser(language)
    original = extractor.extract(parser.parse(source), source, "pkg/f", ExtractContext(module="pkg.f"))
    assert len(original.statements) == expected and original.errors == 0
    rng = random.Random(20261123)
    for _ in range(300):
        data = mutate(source, rng, INSERTS)
        result = extractor.extract(parser.parse(data), data, "pkg/f", ExtractContext(module="pkg.f"))
        lines = data.count(b"\n")
        for statement in result.statements:
            assert 0 <= statement.range.start_line <= statement.range.end_line <= lines
            python_regex(Template.of(statement.template.parts))  # every template renders
