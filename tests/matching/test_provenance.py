"""A tie is broken by a value's provenance only when a constant opening one of the record's holes lies in exactly
one candidate's surrounding code (real files, real extraction and tree-sitter parsing)."""

from __future__ import annotations

import os
from pathlib import Path

from prodlens.config import IndexConfig
from prodlens.matching.matcher import Matcher
from prodlens.matching.provenance import choose, opens_a_hole, scope_constants
from prodlens.model import Hole, LogRecord, LogStatement, Template
from prodlens.source.index import StatementIndex

MONITOR = """\
package org.shop.transport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

public class Monitor {
    private static final Logger LOG = LoggerFactory.getLogger(Monitor.class);

    void writeCheck() {
        executor.execute(new Runnable() {
            @Override
            public void run() {
                LOG.debug("Running {}", this);
            }

            @Override
            public String toString() {
                return "WriteCheck[" + address() + "]";
            }
        });
    }

    void readCheck() {
        executor.execute(new Runnable() {
            @Override
            public void run() {
                LOG.debug("Running {}", this);
            }

            @Override
            public String toString() {
                return "ReadCheck[" + address() + "]";
            }
        });
    }

    private final Runnable fieldTask = new Runnable() {
        public void run() {
            LOG.debug("Running {}", this);
        }

        public String toString() {
            return "FieldTask:" + address();
        }
    };
}
"""

SEMAPHORES = """\
import logging

logger = logging.getLogger(__name__)


class TaskSemaphore:
    def acquire(self, tag):
        logger.debug("Acquiring %s for %s", tag, "anyone")
        return None


class WindowSemaphore:
    def acquire(self, tag):
        label = f"window-{tag}"
        logger.debug("Acquiring %s for %s", label, "anyone")
        return 1


def both_have_it(tag):
    logger.debug("Leaving %s", "shared-" + tag)


def also_shared(tag):
    logger.debug("Leaving %s", "shared-" + tag)


logger.debug("Leaving %s", "module-level")
"""

STREAMS = """\
const debug = require('debug')('shop:stream')

function pipeFile (path) {
  const name = `file:${path}`
  debug('stat "%s"', name)
}

function pipeIndex (path) {
  debug('stat "%s"', 'index:' + path)
}
"""


def _index(tmp_path: Path) -> list[LogStatement]:
    (tmp_path / "src" / "org" / "shop" / "transport").mkdir(parents=True)
    (tmp_path / "src" / "org" / "shop" / "transport" / "Monitor.java").write_text(MONITOR)
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "semaphores.py").write_text(SEMAPHORES)
    (tmp_path / "streams.js").write_text(STREAMS)
    return StatementIndex.build(tmp_path, IndexConfig(), use_cache=False).statements


def _with_text(statements: list[LogStatement], text: str) -> list[LogStatement]:
    found = sorted((s for s in statements if s.template.text == text), key=lambda s: (s.path, s.line))
    assert len(found) >= 2, f"the extractor should find the repeated statement {text!r}"
    return found


def test_a_constant_in_one_anonymous_class_names_its_run_method(tmp_path):
    running = _with_text(_index(tmp_path), "Running {}")
    write, read, field = running
    assert (write.line, read.line, field.line) == (13, 27, 39)
    assert choose("Running WriteCheck[tcp://127.0.0.1:61616]", running, tmp_path) is write
    assert choose("Running ReadCheck[tcp://127.0.0.1:61616]", running, tmp_path) is read
    # a field initializer's anonymous class is one scope too: its toString() is beside the logging run()
    assert choose("Running FieldTask:tcp://127.0.0.1:61616", running, tmp_path) is field
    # nothing the code holds: the tie stays
    assert choose("Running org.shop.transport.Monitor$1@1b6d3586", running, tmp_path) is None


def test_the_constant_must_open_a_hole_not_merely_occur_in_the_value(tmp_path):
    running = _with_text(_index(tmp_path), "Running {}")
    assert choose("Running probe(WriteCheck[x])", running, tmp_path) is None
    assert choose("Running WriteCheck[a] ReadCheck[b]", running, tmp_path) is running[0]  # the value opens with one
    assert choose("Running ReadCheck[a] WriteCheck[b]", running, tmp_path) is running[1]


def test_python_f_string_constants_count_and_shared_constants_do_not(tmp_path):
    statements = _index(tmp_path)
    acquiring = _with_text(statements, "Acquiring {} for {}")
    task, window = acquiring
    assert choose("Acquiring window-7 for anyone", acquiring, tmp_path) is window
    assert choose("Acquiring 7 for anyone", acquiring, tmp_path) is None  # "anyone" is in both: not evidence
    leaving = [s for s in _with_text(statements, "Leaving {}") if s.line < 25]
    assert len(leaving) == 2
    assert choose("Leaving shared-7", leaving, tmp_path) is None


def test_module_level_code_has_no_known_surroundings(tmp_path):
    leaving = _with_text(_index(tmp_path), "Leaving {}")
    module_level = [s for s in leaving if s.line > 25]
    assert len(module_level) == 1 and scope_constants(tmp_path, module_level[0]) is None
    assert choose("Leaving module-level", leaving, tmp_path) is None


def test_javascript_template_literals_and_concatenation(tmp_path):
    stat = _with_text(_index(tmp_path), 'stat "{}"')
    assert choose('stat "file:/srv/www/a.txt"', stat, tmp_path) is stat[0]
    assert choose('stat "index:/srv/www/"', stat, tmp_path) is stat[1]
    assert choose('stat "/srv/www/a.txt"', stat, tmp_path) is None


def test_only_ties_of_one_template_with_constant_text_are_judged(tmp_path):
    statements = _index(tmp_path)
    running = _with_text(statements, "Running {}")
    acquiring = _with_text(statements, "Acquiring {} for {}")
    assert choose("Running WriteCheck[x]", running[:1], tmp_path) is None  # nothing to break
    assert choose("Running WriteCheck[x]", [running[0], acquiring[1]], tmp_path) is None  # different templates
    assert choose("Running WriteCheck[x]", running, None) is None  # no source root
    dynamic = [s for s in running]
    for index, statement in enumerate(dynamic):
        dynamic[index] = LogStatement(**{**{f: getattr(statement, f) for f in statement.__dataclass_fields__},
                                         "template": Template.dynamic()})
    assert choose("WriteCheck[x]", dynamic, tmp_path) is None  # text-less: tests often hold whole messages


def test_unreadable_or_edited_sources(tmp_path):
    running = _with_text(_index(tmp_path), "Running {}")
    java = tmp_path / "src" / "org" / "shop" / "transport" / "Monitor.java"
    edited = MONITOR.replace('"ReadCheck["', '"WriteCheck["')
    java.write_text(edited)
    os.utime(java, ns=(java.stat().st_atime_ns, java.stat().st_mtime_ns + 1_000_000_000))
    assert choose("Running WriteCheck[x]", running, tmp_path) is None  # now both hold it: read again, no guess
    java.unlink()
    assert choose("Running ReadCheck[x]", running, tmp_path) is None
    java.write_bytes(b"\xff\xfe not java {{{" * 1000)
    assert choose("Running ReadCheck[x]", running, tmp_path) is None


def test_hostile_messages_are_bounded(tmp_path):
    running = _with_text(_index(tmp_path), "Running {}")
    assert choose("Running " + "WriteCheck[" * 200_000, running, tmp_path) is None  # over the size bound
    long_value = "Running " + "ReadCheck[" + "x" * 60_000
    assert choose(long_value, running, tmp_path) is running[1]
    assert choose("Running \x00WriteCheck[\udcff", running, tmp_path) is None


def test_opens_a_hole_follows_the_template():
    parts = Template.of("a ", Hole(), " b ", Hole(), " c").parts
    assert opens_a_hole(parts, "a X1 b Y2 c", "Y")
    assert opens_a_hole(parts, "a X1 b Y2 c", "X1")
    assert not opens_a_hole(parts, "a X1 b Y2 c", "1")
    assert not opens_a_hole(parts, "a X1 b Y2 d", "X")  # not an instance of the template
    assert opens_a_hole(parts, "a  b  b Z c", "Z")  # the first hole may swallow " b "
    adjacent = Template.of(Hole(), Hole(), "!").parts
    assert opens_a_hole(adjacent, "abcQ!", "Q") and not opens_a_hole(adjacent, "abc!", "Q")


def test_matcher_ties_it_would_break_are_real_ties(tmp_path):
    """The rule's input is what the matcher reports: the three runs tie, and only provenance separates them."""
    statements = _index(tmp_path)
    matcher = Matcher(statements, root=tmp_path, cache_dir=tmp_path / "cache")
    record = LogRecord("Running WriteCheck[tcp://h:1]", level="debug", logger="org.shop.transport.Monitor")
    tie = matcher.match(record)
    if tie.key is None:  # until the matcher calls the rule itself
        assert tie.candidates == 3
        chosen = choose(record.message, [matcher.statement(k) for k in tie.candidate_keys], tmp_path)
        assert chosen is not None and chosen.line == 13
    else:
        assert matcher.statement(tie.key).line == 13


SHARED = """\
import logging

logger = logging.getLogger(__name__)
PREFIX = "tenant:"


def by_url(host):
    url = "https://" + host
    logger.info("Fetching %s", url)


def by_config(config):
    logger.info("Fetching %s", config.url)


def helper(host):
    return "https://" + host + "/health"


def by_tenant(name):
    logger.info("Loading %s", "tenant:" + name)


def by_setting(setting):
    logger.info("Loading %s", PREFIX + setting)
"""


def test_constants_used_elsewhere_in_the_files_are_not_evidence(tmp_path):
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "shared.py").write_text(SHARED)
    statements = StatementIndex.build(tmp_path, IndexConfig(), use_cache=False).statements
    fetching = _with_text(statements, "Fetching {}")
    loading = _with_text(statements, "Loading {}")
    # "https://" is also written by helper(): the other candidate's value may come from anywhere
    assert choose("Fetching https://shop.example", fetching, tmp_path) is None
    # "tenant:" is also a module-level constant the other candidate uses
    assert choose("Loading tenant:acme", loading, tmp_path) is None


GO_WORKERS = """\
package main

import "log"

func alpha(id string) {
	name := "alpha-" + id
	log.Printf("Running %s", name)
}

func beta(id string) {
	log.Printf("Running %s", id)
}
"""


def test_go_functions(tmp_path):
    (tmp_path / "main.go").write_text(GO_WORKERS)
    statements = StatementIndex.build(tmp_path, IndexConfig(), use_cache=False).statements
    running = _with_text(statements, "Running {}")
    assert choose("Running alpha-7", running, tmp_path) is running[0]
    assert choose("Running 7", running, tmp_path) is None
