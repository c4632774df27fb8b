"""update_file / remove_file: incremental re-parse that gives exactly what a fresh parse gives, touching only
the edited file."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from prodlens.config import IndexConfig
from prodlens.source.index import StatementIndex, compute_edit, extract_source
from prodlens.source.languages import new_parser

from index_sources import PYTHON

JAVA = """import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
class Pay {
    private static final Logger LOG = LoggerFactory.getLogger(Pay.class);
    void pay(String c, int v) {
        LOG.info("Customer {} paying {}", c, v);
        LOG.warn("retry");
    }
}
"""


@pytest.fixture
def index(tmp_path: Path) -> StatementIndex:
    (tmp_path / "a.py").write_text(PYTHON)
    (tmp_path / "b.py").write_text(PYTHON)
    (tmp_path / "Pay.java").write_text(JAVA)
    return StatementIndex.build(tmp_path, IndexConfig(), use_cache=False)


def test_update_touches_only_that_file(index: StatementIndex) -> None:
    others = {path: index.for_path(path) for path in ("b.py", "Pay.java")}
    new = index.update_file("a.py", PYTHON.replace('"bad"', '"worse"'))
    assert [s.template.text for s in new] == ["hello {}", "worse"]
    assert index.for_path("a.py") == new
    for path, statements in others.items():
        assert all(a is b for a, b in zip(index.for_path(path), statements))
    assert [s.template.text for s in index.statements if s.path == "a.py"] == ["hello {}", "worse"]
    assert index.report.statements == 6


def test_update_replaces_keys(index: StatementIndex) -> None:
    old_key = index.for_path("a.py")[1].key
    new = index.update_file("a.py", PYTHON.replace('"bad"', '"worse"'))
    assert index.by_key(old_key) is None
    assert index.by_key(new[1].key) is new[1]


def test_update_new_file_and_remove(index: StatementIndex) -> None:
    added = index.update_file("pkg/new.py", PYTHON)
    assert len(added) == 2 and index.for_path("pkg/new.py") == added
    key = added[0].key
    index.remove_file("pkg/new.py")
    assert index.for_path("pkg/new.py") == [] and index.by_key(key) is None
    assert all(s.path != "pkg/new.py" for s in index.statements)
    index.remove_file("never/existed.py")  # no error


def test_update_accepts_bytes_with_invalid_utf8(index: StatementIndex) -> None:
    statements = index.update_file("a.py", PYTHON.encode().replace(b'"bad"', b'"b\xffd"'))
    assert statements[1].template.text == "b\ufffdd"


def test_update_of_non_source_or_excluded_file(index: StatementIndex) -> None:
    assert index.update_file("notes.txt", "log.info('x')") == []
    assert index.update_file("lib.min.js", "console.log('x')") == []


def test_incremental_equals_fresh_extraction_over_many_edits(index: StatementIndex) -> None:
    """Random one-span edits (insertions, deletions, replacements, including ones that break the syntax):
    after each, the incremental result equals extracting the same text from scratch."""
    rng = random.Random(7)
    text = JAVA
    snippets = ["\n", "LOG.info(\"n {}\", x);\n", "}", "{", "\"", "// c\n", "int y = 2;", "LOG.debug(\"q\");"]
    for _ in range(60):
        start = rng.randrange(len(text) + 1)
        end = min(len(text), start + rng.choice([0, 0, 1, 3, 10]))
        text = text[:start] + rng.choice(snippets + [""]) + text[end:]
        assert index.update_file("Pay.java", text) == extract_source("Pay.java", text)


def test_incremental_tree_matches_fresh_parse() -> None:
    parser = new_parser("python")
    old = PYTHON.encode()
    tree = parser.parse(old)
    for new in (old.replace(b"hello", b"hi there"), old.replace(b"\n\n", b"\n\n\n\n"), b"", old + "é\n".encode()):
        edit = compute_edit(old, new)
        tree.edit(**edit)
        tree = parser.parse(new, tree)
        assert str(tree.root_node) == str(parser.parse(new).root_node)
        old = new


def test_compute_edit_spans() -> None:
    assert compute_edit(b"abc", b"abc") is None
    edit = compute_edit(b"line1\nline2\nline3\n", b"line1\nLINE two\nline3\n")
    assert edit == {
        "start_byte": 6, "old_end_byte": 11, "new_end_byte": 14,
        "start_point": (1, 0), "old_end_point": (1, 5), "new_end_point": (1, 8),
    }
    # repeated characters: prefix and suffix never overlap
    edit = compute_edit(b"aaaa", b"aaaaaa")
    assert edit["start_byte"] == 4 and edit["old_end_byte"] == 4 and edit["new_end_byte"] == 6


def test_unchanged_text_is_cheap_and_equal(index: StatementIndex) -> None:
    first = index.update_file("a.py", PYTHON)
    assert index.update_file("a.py", PYTHON) == first


def test_close_file_keeps_statements(index: StatementIndex) -> None:
    index.update_file("a.py", PYTHON)
    index.close_file("a.py")
    assert len(index.for_path("a.py")) == 2
    assert index.update_file("a.py", PYTHON.replace("hello", "bye"))[0].template.text == "bye {}"


SERVICE_JAVA = """package shop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
public class Service {
    private static final Logger LOG = LoggerFactory.getLogger(Service.class);
    private final String name = "svc";

    public Service() {
        LOG.debug("created {}", name);
    }

    private void audit(String fmt, Object... args) {
        LOG.info("[audit] " + fmt, args);
    }

    public void start(int port) {
        LOG.info("starting on {}", port);
        audit("start {}", port);
        if (port < 1024) {
            LOG.warn("privileged port {}", port);
        }
    }

    public void stop() {
        LOG.info("stopping");
        audit("stop");
    }

    static class Inner {
        void run() { LOG.error("inner failed"); }
    }
}
"""

INITIALIZERS_JAVA = """package shop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
public class Registry {
    private static final Logger LOG = LoggerFactory.getLogger(Registry.class);
    private static final java.util.Map<String, String> NAMES = new java.util.HashMap<>();

    static {
        NAMES.put("a", "b");
        LOG.info("registry loaded {} names", NAMES.size());
    }

    {
        LOG.debug("instance of {} created", getClass());
    }

    public void add(String name) {
        LOG.info("adding {}", name);
        NAMES.put(name, name);
    }

    static {
        LOG.warn("second static block");
    }

    private final Runnable tick = () -> LOG.info("tick {}", NAMES.size());

    private final Runnable task = new Runnable() {
        @Override
        public void run() {
            LOG.debug("anonymous task ran");
        }
    };
}
"""

SERVICE_PY = """import logging

logger = logging.getLogger(__name__)
logger.info("module loaded")


def helper(x):
    logger.debug("helper %s", x)


class Service:
    def __init__(self):
        self.log = logging.getLogger("svc")

    def _log(self, level, msg, *args):
        self.log.log(level, "[svc] " + msg, *args)

    @property
    def name(self):
        logger.info("name read")
        return "n"

    def start(self, port):
        self.log.info("starting on %d", port)
        self._log(logging.WARNING, "port %s", port)
"""


SERVICE_GO = """package shop

import (
	"log/slog"

	"go.uber.org/zap"
)

var logger = zap.NewExample()

func audit(format string, args ...any) {
	slog.Info("[audit] "+format, args...)
}

type Service struct {
	name string
}

func (s *Service) Start(port int) {
	logger.Info("starting", zap.Int("port", port))
	audit("start %d", port)
	if port < 1024 {
		slog.Warn("privileged port", "port", port)
	}
}

func (s *Service) Stop() {
	slog.Info("stopping", "name", s.name)
	audit("stop")
}

func helper(x int) int {
	slog.Debug("helper called", "x", x)
	return x * 2
}
"""


def _valid_edits(text: str, statements, rng: random.Random) -> str:
    """An edit a person makes while typing: inside a message, a blank line, a duplicated statement line."""
    lines = text.split("\n")
    statement = rng.choice(statements)
    row = statement.range.start_line
    line = lines[row]
    quote = line.find('"')
    choice = rng.random()
    if choice < 0.5 and quote >= 0:
        lines[row] = line[:quote + 1] + rng.choice(["X", "ab ", "{} ", "%s ", ""]) + line[quote + 1:]
    elif choice < 0.75:
        lines.insert(row + 1, "")
    elif line.rstrip().endswith((";", ")")) and line.count("(") == line.count(")"):
        lines.insert(row, line)
    else:
        lines.insert(row, "")
    return "\n".join(lines)


@pytest.mark.parametrize("path, text", [("Service.java", SERVICE_JAVA), ("service.py", SERVICE_PY),
                                        ("Registry.java", INITIALIZERS_JAVA), ("service.go", SERVICE_GO)])
def test_member_updates_equal_fresh_extraction(tmp_path: Path, path: str, text: str) -> None:
    """Edits inside one method re-extract only that method from a skeleton of the file; the result must be
    exactly the fresh extraction of the whole text, keys included."""
    index = StatementIndex(tmp_path, IndexConfig())
    index.update_file(path, text)
    rng = random.Random(3)
    for _ in range(80):
        text = _valid_edits(text, index.for_path(path), rng)
        assert index.update_file(path, text) == extract_source(path, text)
    assert index.report.member_updates > 20  # the fast path was really taken (not for every edit)


def test_go_files_importing_a_logging_package_under_another_name_take_the_full_path(tmp_path: Path) -> None:
    """`lg.NewExample()` binds a logger the skeleton's words do not recognise, so such files are always re-read
    whole; with the usual import names the member path is taken."""
    index = StatementIndex(tmp_path, IndexConfig())
    renamed = SERVICE_GO.replace('\t"go.uber.org/zap"', '\tlg "go.uber.org/zap"').replace("zap.", "lg.")
    for text, member_path in ((renamed, False), (SERVICE_GO, True)):
        index.update_file("service.go", text)
        before = index.report.member_updates
        edited = text.replace('"helper called"', '"helper X called"')
        assert index.update_file("service.go", edited) == extract_source("service.go", edited)
        assert (index.report.member_updates == before + 1) is member_path


def test_edits_inside_java_initializer_blocks_take_the_member_path(tmp_path: Path) -> None:
    index = StatementIndex(tmp_path, IndexConfig())
    index.update_file("Registry.java", INITIALIZERS_JAVA)
    for old, new in (('"registry loaded', '"registry X loaded'), ('"instance of', '"instance Y of'),
                     ('"second static', '"second Z static')):
        before = index.report.member_updates
        text = INITIALIZERS_JAVA.replace(old, new)
        assert index.update_file("Registry.java", text) == extract_source("Registry.java", text)
        assert index.report.member_updates == before + 1, old
        index.update_file("Registry.java", INITIALIZERS_JAVA)


def test_editing_a_wrapper_re_reads_its_call_sites(tmp_path: Path) -> None:
    index = StatementIndex(tmp_path, IndexConfig())
    index.update_file("Service.java", SERVICE_JAVA)
    changed = SERVICE_JAVA.replace('"[audit] "', '"[AUDIT] "')
    statements = index.update_file("Service.java", changed)
    assert statements == extract_source("Service.java", changed)
    assert "[AUDIT] start {}" in [s.template.text for s in statements]


def test_edits_across_members_and_syntax_errors_fall_back_correctly(tmp_path: Path) -> None:
    index = StatementIndex(tmp_path, IndexConfig())
    index.update_file("Service.java", SERVICE_JAVA)
    for text in (
        SERVICE_JAVA.replace("    public void stop() {", "    }\n    public void stop() {"),  # breaks structure
        SERVICE_JAVA.replace('LOG.info("stopping");', 'LOG.info("stopping";'),  # syntax error in a member
        SERVICE_JAVA.replace("private final String name", "private final Logger other = LoggerFactory"
                             ".getLogger(\"x\");\n    private final String name"),  # a field: not a member
        SERVICE_JAVA,
    ):
        assert index.update_file("Service.java", text) == extract_source("Service.java", text)


LOGS_JAVA = """package shop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
public final class Logs {
    private static final Logger LOG = LoggerFactory.getLogger(Logs.class);

    public static void info(String fmt, Object... args) {
        LOG.info("[shop] " + fmt, args);
    }

    public static void debug(String fmt, Object... args) {
        LOG.debug("[shop] " + fmt, args);
    }
}
"""

BROKER_JAVA = """package shop;
import static shop.Logs.info;
import static shop.Logs.debug;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
public class Broker {
    private static final Logger LOG = LoggerFactory.getLogger(Broker.class);
    private final String information = "info (not a call)";

    public void start(int port) {
        info("broker starting on {}", port);
        LOG.info("listening on {}", port);
    }

    public void stop() {
        debug("broker stopping");
        LOG.warn("stopped {}", information);
        reinfo("not a wrapper");
    }

    private void reinfo(String s) {
        info ("spaced call {}", s);
    }
}
"""


def test_member_updates_with_cross_file_wrappers_equal_a_fresh_build(tmp_path: Path) -> None:
    """ActiveMQ's case: wrappers named `info`/`debug` defined in another file, their call sites found by name in
    the edited file's skeleton. Every one-member update must equal a fresh build of the tree from disk."""
    (tmp_path / "Logs.java").write_text(LOGS_JAVA)
    (tmp_path / "Broker.java").write_text(BROKER_JAVA)
    index = StatementIndex.build(tmp_path, IndexConfig(), use_cache=False)
    templates = [s.template.text for s in index.for_path("Broker.java")]
    assert {"[shop] broker starting on {}", "[shop] broker stopping", "[shop] spaced call {}"} <= set(templates)
    text = BROKER_JAVA
    rng = random.Random(5)
    for _ in range(40):
        text = _valid_edits(text, index.for_path("Broker.java"), rng)
        updated = index.update_file("Broker.java", text)
        (tmp_path / "Broker.java").write_text(text)
        assert updated == StatementIndex.build(tmp_path, IndexConfig(), use_cache=False).for_path("Broker.java")
    assert index.report.member_updates > 10
