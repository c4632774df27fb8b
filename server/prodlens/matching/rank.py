"""Rank the statements whose templates fit a record; name one only when it is strictly best.

Evidence, strongest first (compared in this order):
1. logger ↔ file (`logger_affinity`): the record's logger name against the statement's declared logger and its
   path — a Java class FQN is the file's package path plus class name, a Python logger is usually the module
   (`pkg.mod` ↔ `pkg/mod.py`), sometimes module + class; a `debug` namespace (`engine:socket`) names the package
   and file loosely, so its words are compared with the path's words;
2. level agreement; 3. production code over tests; 4. most literal characters; 5. fewest holes;
6. an attached exception agreeing with a statement that passes a throwable;
7. the runtime can load the file (of identical build copies in an npm package, only the one `require` reaches
   runs: `prodlens.source.packages`);
8. finer logger evidence (share of the logger's words in the path, fewest extra path words).
Equal keys on the best statements mean the record is ambiguous: no key, `candidates` says how many.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..model import LogStatement, normalize_level

_SPLIT = re.compile(r"[^A-Za-z0-9]+")
_SOURCE_SUFFIXES = (".java", ".py", ".pyi", ".js", ".mjs", ".cjs", ".ts", ".tsx", ".go", ".kt", ".scala")

EXACT, MODULE_AND_CLASS, WORDS, NONE = 3, 2, 1, 0


@lru_cache(maxsize=65536)
def _path_forms(path: str) -> tuple[str, frozenset[str], int]:
    """(dotted module path, lower-case words of the path, number of words)."""
    stem = path
    for suffix in _SOURCE_SUFFIXES:
        if stem.endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    for tail in ("/__init__", "/index"):
        if stem.endswith(tail):
            stem = stem[: -len(tail)]
    dotted = stem.replace("/", ".")
    words = [w.lower() for w in _SPLIT.split(stem) if w]
    return dotted, frozenset(words), len(set(words))


@lru_cache(maxsize=4096)
def _logger_forms(logger: str) -> tuple[str, frozenset[str]]:
    dotted = re.sub(r"[:/]+", ".", logger.split("$", 1)[0]).strip(".")
    return dotted, frozenset(w.lower() for w in _SPLIT.split(logger.split("$", 1)[0]) if w)


@lru_cache(maxsize=262144)
def logger_affinity(record_logger: str | None, statement_logger: str | None, path: str) -> tuple[int, float, int]:
    """(tier, share of the logger's words found in the path, -extra path words). Higher is closer."""
    if not record_logger:
        return (NONE, 0.0, 0)
    if statement_logger and statement_logger == record_logger:
        return (EXACT, 1.0, 0)
    logger_dotted, logger_words = _logger_forms(record_logger)
    dotted, path_words, path_word_count = _path_forms(path)
    if statement_logger and _logger_forms(statement_logger)[0] == logger_dotted:
        return (EXACT, 1.0, 0)
    if logger_dotted and (dotted == logger_dotted or dotted.endswith("." + logger_dotted)):
        return (EXACT, 1.0, 0)
    extra = -(path_word_count - len(path_words & logger_words))
    head, _, _ = logger_dotted.rpartition(".")
    while head and "." in head:
        # module + class (`sqlalchemy.orm.mapper.Mapper` ↔ sqlalchemy/orm/mapper.py); two components at least so
        # a bare top-level package never counts as a module
        if dotted == head or dotted.endswith("." + head):
            return (MODULE_AND_CLASS, 1.0, extra)
        head, _, _ = head.rpartition(".")
    if not logger_words:
        return (NONE, 0.0, 0)
    share = len(logger_words & path_words) / len(logger_words)
    if share < 1.0 and "." in logger_dotted:
        # loggers often carry an instance suffix (`sqlalchemy.engine.Engine.shop`): a dotted prefix of at
        # least two components whose words are all in the path is as good
        head = logger_dotted.rpartition(".")[0]
        while "." in head:
            words = frozenset(w.lower() for w in _SPLIT.split(head) if w)
            if words <= path_words:
                return (WORDS, len(words) / len(logger_words), extra)
            head = head.rpartition(".")[0]
    return (WORDS if share == 1.0 else NONE, share, extra)


_TEST_PATH = re.compile(
    r"(?:^|/)(?:tests?|__tests__|spec|testing|src/test|test-?utils?)/|(?:^|/)test_[^/]*$|[._-](?:test|spec|tst)\.[^/]+$"
    r"|_test\.(?:go|py)$"
)


@lru_cache(maxsize=65536)
def production_code(path: str) -> int:
    """1 for production code, 0 for tests: production logs are written by production code, so a test's copy of
    a message (tests often log or assert the same text) must not win over the real statement."""
    return 0 if _TEST_PATH.search(path) else 1


def contradicts(record_logger: str | None, statement: LogStatement) -> bool:
    """The statement declares a logger, the record names another one, and nothing in the statement's path
    relates to the record's logger: the record was written elsewhere (the statement that did may be missing
    from the index). Dropping such candidates turns a wrong answer into an honest "unmatched"."""
    if not record_logger or not statement.logger or statement.logger == record_logger:
        return False
    return logger_affinity(record_logger, statement.logger, statement.path)[0] == NONE


def level_agreement(record_level: str | None, statement_level: str | None) -> int:
    """2 same level, 1 unknown on either side, 0 different."""
    if record_level is None or statement_level is None:
        return 1
    return 2 if normalize_level(statement_level) == record_level else 0


def rank_key(statement: LogStatement, logger: str | None, level: str | None, has_exception: bool,
             loadable: int = 1) -> tuple:
    """`loadable`: 0 when the runtime cannot load the statement's file (an unused build copy), else 1."""
    tier, share, extra = logger_affinity(logger, statement.logger, statement.path)
    template = statement.template
    return (
        tier,
        level_agreement(level, statement.level),
        production_code(statement.path),
        template.literal_chars,
        -template.holes,
        1 if statement.throwable == has_exception else 0,
        loadable,
        share,
        # fewer unrelated path words is weak evidence: enough between two texts, not for text-less statements
        0 if template.is_dynamic else extra,
    )


def score(key: tuple) -> float:
    """One number summarising a rank key (for display and thresholds; ranking compares the keys)."""
    tier, level, production, literal, holes, throwable, _loadable, share, _extra = key
    return round(tier * 10 + level * 2 + production + min(literal, 200) / 40 + holes / 100 + share + throwable / 10,
                 3)
