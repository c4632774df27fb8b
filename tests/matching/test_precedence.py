"""A tied candidate is ruled out when its function always logs something first that the thread never logged
(real files, real extraction, tree-sitter parsing)."""

from __future__ import annotations

from pathlib import Path

from prodlens.config import IndexConfig
from prodlens.matching.matcher import Matcher
from prodlens.matching.precedence import Precedence, ThreadHistory, calls_before
from prodlens.model import LogRecord, LogStatement
from prodlens.source.index import StatementIndex

TRANSPORT = """\
package org.shop.transport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

public class Transport {
    private static final Logger LOG = LoggerFactory.getLogger(Transport.class);

    protected void doStop() throws Exception {
        if (LOG.isDebugEnabled()) {
            LOG.debug("Stopping transport {}", this);
        }
        if (socket != null) {
            if (closeAsync) {
                executor.execute(new Runnable() {
                    @Override
                    public void run() {
                        LOG.trace("Closing socket {}", socket);
                        socket.close();
                        LOG.debug("Closed socket {}", socket);
                    }
                });
            } else {
                LOG.trace("Closing socket {}", socket);
                try {
                    socket.close();
                    LOG.debug("Closed socket {}", socket);
                } catch (IOException e) {
                    LOG.debug("Close failed {}", socket);
                }
            }
        }
    }

    void guards(boolean featureOn) {
        if (LOG.isTraceEnabled()) {
            LOG.trace("Guarded by trace {}", this);
        }
        if (featureOn) {
            LOG.info("Feature on {}", this);
        }
        if (!LOG.isDebugEnabled()) {
            LOG.info("Negated guard {}", this);
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("Guard with else {}", this);
        } else {
            other();
        }
        LOG.trace("Less severe {}", this);
        OTHER.debug("Other logger {}", this);
        LOG.debug("{}", this);
        try {
            LOG.debug("Inside try {}", this);
            LOG.debug("After it in the try block {}", this);
        } catch (RuntimeException e) {
            LOG.debug("Closed socket {}", socket);
        }
        LOG.debug("Closed socket {}", socket);
    }
}
"""

CONNECTIONS = """\
import logging

logger = logging.getLogger(__name__)


def connect(host):
    logger.debug("Connecting %s", host)
    if logger.isEnabledFor(logging.DEBUG):
        logger.debug("Resolving %s", host)
    logger.debug("Connected %s", host)


def reconnect(host):
    logger.debug("Connected %s", host)


logger.debug("Connecting %s", "module")
logger.debug("Connected %s", "module")
"""

STREAMS = """\
const debug = require('debug')('shop:conn')

function open (x, err) {
  err && debug('failed %s', x)
  debug('opening %s', x)
  debug('opened %s', x)
}

function reopen (x) {
  debug('opened %s', x)
}
"""


def _index(tmp_path: Path) -> list[LogStatement]:
    (tmp_path / "src" / "org" / "shop" / "transport").mkdir(parents=True)
    (tmp_path / "src" / "org" / "shop" / "transport" / "Transport.java").write_text(TRANSPORT)
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "connections.py").write_text(CONNECTIONS)
    (tmp_path / "streams.js").write_text(STREAMS)
    return StatementIndex.build(tmp_path, IndexConfig(), use_cache=False).statements


def _at(statements: list[LogStatement], path_end: str, line: int) -> LogStatement:
    found = [s for s in statements if s.path.endswith(path_end) and s.line == line]
    assert len(found) == 1, f"no single statement at {path_end}:{line}"
    return found[0]


def test_the_synchronous_close_needs_the_guarded_stop_message_first(tmp_path):
    statements = _index(tmp_path)
    precedence = Precedence(statements, tmp_path)
    stopping = _at(statements, "Transport.java", 11)
    asynchronous = _at(statements, "Transport.java", 20)
    synchronous = _at(statements, "Transport.java", 27)
    assert precedence.required(synchronous) == {stopping.key}  # the trace line before it is less severe
    assert precedence.required(asynchronous) == frozenset()  # its own function: another thread, no prerequisite
    assert precedence.choose([asynchronous, synchronous], logged=set()) is asynchronous
    assert precedence.choose([asynchronous, synchronous], logged={stopping.key}) is None  # both possible
    assert precedence.choose([asynchronous], logged=set()) is None  # nothing to break


def test_only_certain_earlier_calls_count(tmp_path):
    statements = _index(tmp_path)
    precedence = Precedence(statements, tmp_path)
    inside_try, after_it = _at(statements, "Transport.java", 54), _at(statements, "Transport.java", 55)
    in_catch, last = _at(statements, "Transport.java", 57), _at(statements, "Transport.java", 59)
    # seen as made before the last call: the trace-guarded one (37), the less severe one (50), the other
    # logger's (51) and the text-less one (52); not the feature-guarded (40), negated-guard (43) or guard-with-else
    # (46) ones, nor the try block's (the try may fail before them)
    assert {line + 1 for line, _, _ in calls_before(tmp_path, last)} == {37, 50, 51, 52}
    assert precedence.required(last) == frozenset()  # each of those four is rejected by the statement checks
    assert precedence.required(after_it) == {inside_try.key}  # a try block still runs in order
    assert precedence.required(in_catch) == frozenset()


def test_python_guards_and_module_level_code(tmp_path):
    statements = _index(tmp_path)
    precedence = Precedence(statements, tmp_path)
    connecting, resolving = _at(statements, "connections.py", 7), _at(statements, "connections.py", 9)
    connected, reconnected = _at(statements, "connections.py", 10), _at(statements, "connections.py", 14)
    assert precedence.required(connected) == {connecting.key, resolving.key}
    assert precedence.required(reconnected) == frozenset()
    assert precedence.choose([connected, reconnected], {connecting.key}) is reconnected  # resolving never logged
    assert precedence.choose([connected, reconnected], {connecting.key, resolving.key}) is None
    module_level = _at(statements, "connections.py", 18)
    assert precedence.required(module_level) == frozenset()  # not one function run


def test_javascript_conditional_calls_do_not_count(tmp_path):
    statements = _index(tmp_path)
    precedence = Precedence(statements, tmp_path)
    opening, opened, reopened = (_at(statements, "streams.js", line) for line in (5, 6, 10))
    assert precedence.required(opened) == {opening.key}  # `err && debug(...)` may not run
    assert precedence.choose([opened, reopened], set()) is reopened


def test_unreadable_or_changed_files_rule_nothing_out(tmp_path):
    statements = _index(tmp_path)
    asynchronous = _at(statements, "Transport.java", 20)
    synchronous = _at(statements, "Transport.java", 27)
    java = tmp_path / "src" / "org" / "shop" / "transport" / "Transport.java"
    java.unlink()
    assert Precedence(statements, tmp_path).choose([asynchronous, synchronous], set()) is None
    java.write_bytes(b"\xff\xfe{{{ not java" * 5000)
    assert Precedence(statements, tmp_path).choose([asynchronous, synchronous], set()) is None
    assert Precedence(statements, tmp_path / "missing").choose([asynchronous, synchronous], set()) is None


def test_the_matcher_reports_the_tie_this_rule_breaks(tmp_path):
    folder = tmp_path / "src" / "org" / "shop" / "transport"
    folder.mkdir(parents=True)
    (folder / "Transport.java").write_text(TRANSPORT.split("    void guards")[0] + "}\n")  # doStop only
    statements = StatementIndex.build(tmp_path, IndexConfig(), use_cache=False).statements
    matcher = Matcher(statements, root=tmp_path, cache_dir=tmp_path / "cache")
    record = LogRecord("Closed socket Socket[addr=/127.0.0.1,port=5]", level="debug",
                       logger="org.shop.transport.Transport", attributes={"thread": "Task-1"})
    tie = matcher.match_many([record])[0]
    precedence = Precedence(statements, tmp_path)
    if tie.key is None:  # until the matcher calls the rule itself
        assert tie.candidates == 2
        chosen = precedence.choose([matcher.statement(k) for k in tie.candidate_keys], set())
        assert chosen is not None and chosen.line == 20
    else:
        assert matcher.statement(tie.key).line == 20
    # with the guards method too, two more copies without prerequisites stay possible: no answer
    full = _index(tmp_path / "full")
    copies = [s for s in full if s.template.text == "Closed socket {}"]
    assert len(copies) == 4 and Precedence(full, tmp_path / "full").choose(copies, set()) is None


SAFEGUARDS = """\
import logging

logger = logging.getLogger(__name__)


def flagged(config, host):
    if config.isEnabledFor(logging.DEBUG):
        logger.debug("Flag on %s", host)
    logger.debug("After the flag %s", host)


def generator(hosts):
    logger.debug("Starting %s", hosts)
    for host in hosts:
        yield host
    logger.debug("Finished %s", hosts)


def accented(host):
    logger.debug("Préparation %s", host)
    café = host; logger.debug("Prêt %s", café)
"""


def test_guards_on_another_object_generators_and_wide_characters(tmp_path):
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "safeguards.py").write_text(SAFEGUARDS, encoding="utf-8")
    statements = StatementIndex.build(tmp_path, IndexConfig(), use_cache=False).statements
    precedence = Precedence(statements, tmp_path)
    after_flag, finished = _at(statements, "safeguards.py", 9), _at(statements, "safeguards.py", 16)
    preparing, ready = _at(statements, "safeguards.py", 20), _at(statements, "safeguards.py", 21)
    # `config.isEnabledFor(...)` tests an application object, not the logger that logs inside it
    assert precedence.required(after_flag) == frozenset()
    # a generator may resume on another thread than the one that logged its start
    assert precedence.required(finished) == frozenset()
    # non-ASCII text before the call on its line: character and byte columns differ, the call is still found
    assert ready.range.start_column != len("    café = host; ".encode())
    assert precedence.required(ready) == {preparing.key}


def test_thread_history_keeps_ties_and_never_forgets_part_of_itself():
    history = ThreadHistory(max_threads=2)
    history.add("main", "a", ("a",))
    history.add("main", None, ("b", "c"))  # a tie: one of them was logged
    history.add("worker", "d", ("d", "e"))  # placed by a tie-breaking rule: its other candidate may have run
    assert set(history.logged("main")) == {"a", "b", "c"} and set(history.logged("worker")) == {"d", "e"}
    assert list(history.logged("new")) == []
    history.add("third", "f", ("f",))  # over the bound: the history is no longer known
    assert history.logged("main") is None and history.logged("third") is None
    precedence_free = Precedence([], ".")
    assert precedence_free.choose([], None) is None
    history.clear()
    assert list(history.logged("main")) == []


def test_possible_narrows_a_tie_and_never_empties_it(tmp_path):
    statements = _index(tmp_path)
    precedence = Precedence(statements, tmp_path)
    copies = sorted((s for s in statements if s.template.text == "Closed socket {}"), key=lambda s: s.line)
    asynchronous, synchronous = copies[0], copies[1]
    assert [s.line for s in copies] == [20, 27, 57, 59]
    # the two copies in guards() have no prerequisite: the synchronous close alone is ruled out
    assert precedence.possible(copies, set()) == [asynchronous, copies[2], copies[3]]
    assert precedence.possible(copies, None) == copies  # history unknown: nothing ruled out
    connecting = _at(statements, "connections.py", 10)
    reconnected = _at(statements, "connections.py", 14)
    only_ruled_out = [connecting, synchronous]  # both need something never logged: the history is contradicted
    assert precedence.possible(only_ruled_out, set()) == only_ruled_out
    assert precedence.choose(only_ruled_out, set()) is None
    assert precedence.choose([connecting, reconnected], set()) is reconnected


def test_thread_history_past_its_entry_bound_becomes_unknown_until_cleared():
    history = ThreadHistory(max_entries=3)
    history.add("main", None, ("a", "b"))
    history.check_size()
    assert set(history.logged("main")) == {"a", "b"}
    history.add("worker", None, ("c", "d"))
    history.check_size()  # 4 keys in all: dropped, never half-kept
    assert history.logged("main") is None and history.logged("worker") is None
    history.clear()
    assert list(history.logged("main")) == []
