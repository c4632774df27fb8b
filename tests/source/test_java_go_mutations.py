"""Mutated sources (deleted spans, stray quotes and brackets, invalid bytes) never make the Java or Go extractor
raise: every mutation of a realistic file is extracted, with a fixed seed so a failure reproduces."""

from __future__ import annotations

import random

import pytest

from prodlens.source.extract_types import ExtractContext
from prodlens.source.go.extractor import EXTRACTOR as GO
from prodlens.source.java.extractor import EXTRACTOR as JAVA
from prodlens.source.languages import new_parser

from source_mutations import mutate

JAVA_SOURCE = b'''package org.example;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.logging.Level;
public class Shop {
    private static final Logger LOG = LoggerFactory.getLogger(Shop.class);
    static final String PREFIX = "[shop] ";
    public void audit(String fmt, Object... a) { LOG.info("[audit] " + fmt, a); }
    void run(int n, Exception e) {
        if (LOG.isDebugEnabled()) { LOG.debug(PREFIX + "n={} {}", n, "\\u00e9\\t", e); }
        LOG.warn(String.format("%d%% full%n", n));
        JUL.log(Level.WARNING, "Disk {0} full", n);
        String block = """
            text block {}
            """;
        LOG.atInfo().log(block, n);
        audit("user {} left", n);
    }
}
'''

GO_SOURCE = b'''package shop

import (
    "fmt"
    "log"
    "log/slog"
    "go.uber.org/zap"
)

const prefix = "[shop] "

func logf(format string, args ...any) { log.Printf(prefix+format, args...) }

func run(n int, err error) {
    logger, _ := zap.NewProduction()
    sugar := logger.Named("db").Sugar()
    sugar.Infof("pool %d/%d\\n", n, 2)
    logger.Error("failed", zap.Error(err))
    slog.Log(ctx, slog.LevelWarn+1, "w \\xc3\\xa9", "k", n)
    log.Println("a", n, `raw`)
    logf("hello %s", fmt.Sprintf("%q", "x"))
}
'''

INSERTS = [b'"', b"(", b")", b"{", b"}", b"+", b"\\", b"\xff\xfe", b'"""', b"`", b"%", b"{}", b"LOG.info(",
           b"log.Printf(", b"\n", b"'", b"/*", b"*/", b"\x00"]


@pytest.mark.parametrize("language, extractor, source, expected", [
    ("java", JAVA, JAVA_SOURCE, 5),  # JUL is not a declared logger nor named like one
    ("go", GO, GO_SOURCE, 6),
])
def test_mutations_never_raise(language, extractor, source, expected):
    parser = new_parser(language)
    original = extractor.extract(parser.parse(source), source, "f", ExtractContext())
    assert len(original.statements) == expected and original.errors == 0
    rng = random.Random(20261123)
    for _ in range(300):
        data = mutate(source, rng, INSERTS)
        result = extractor.extract(parser.parse(data), data, "f", ExtractContext())
        for statement in result.statements:
            assert statement.range.start_line <= statement.range.end_line
