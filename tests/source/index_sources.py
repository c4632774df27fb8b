"""The small Python module the index tests (cache, incremental update) build their trees from: two statements,
one with an argument, so a change to either is visible in the templates."""

PYTHON = """import logging
log = logging.getLogger(__name__)

def f(x):
    log.info("hello %s", x)
    log.error("bad")
"""
