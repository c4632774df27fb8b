"""Logging wrappers across files: a wrapper defined in one file makes its call sites in other files
statements; configured logging methods; the cache keeps (and invalidates) cross-file results."""

from __future__ import annotations

import os
from pathlib import Path

from prodlens.config import IndexConfig, LoggingMethod
from prodlens.source.extract_types import WrapperDef
from prodlens.source.index import StatementIndex
from prodlens.source.wrappers import WrapperRegistry, configured_wrappers, wrapper_set_fingerprint

HELPERS = """import logging
logger = logging.getLogger(__name__)

def audit(msg, *args):
    logger.info("[audit] " + msg, *args)
"""

VIEWS = """from app.helpers import audit

def login(user):
    audit("user %s logged in", user)
"""

AUDIT_JAVA = """package a;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
public class Audit {
    private static final Logger LOG = LoggerFactory.getLogger(Audit.class);
    public static void audit(String fmt, Object... args) { LOG.info("[audit] " + fmt, args); }
}
"""

USER_JAVA = """package a;
public class User {
    void login(String u) { Audit.audit("user {} in", u); }
}
"""


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def make_tree(root: Path) -> Path:
    write(root, "app/__init__.py", "")
    write(root, "app/helpers.py", HELPERS)
    write(root, "app/views.py", VIEWS)
    write(root, "src/a/Audit.java", AUDIT_JAVA)
    write(root, "src/a/User.java", USER_JAVA)
    return root


def texts(index: StatementIndex, path: str) -> list[str]:
    return [s.template.text for s in index.for_path(path)]


def test_call_sites_in_other_files_become_statements(tmp_path: Path) -> None:
    index = StatementIndex.build(make_tree(tmp_path), IndexConfig(), use_cache=False)
    assert texts(index, "app/views.py") == ["[audit] user {} logged in"]
    assert texts(index, "src/a/User.java") == ["[audit] user {} in"]
    inner = index.for_path("app/helpers.py")[0]
    assert inner.wrapper is True and inner.template.text == "[audit] {}"
    site = index.for_path("app/views.py")[0]
    assert site.wrapper is False and site.level == "info"
    # files are indexed in path order and wrappers known so far are applied at once: callers that come after
    # their wrapper's file need no second extraction
    assert index.report.wrapper_files == 0


def test_callers_before_the_wrapper_are_extracted_again(tmp_path: Path) -> None:
    write(tmp_path, "a_views.py", VIEWS.replace("from app.helpers import audit", "from z_helpers import audit"))
    write(tmp_path, "z_helpers.py", HELPERS)
    index = StatementIndex.build(tmp_path, IndexConfig(), use_cache=False)
    assert texts(index, "a_views.py") == ["[audit] user {} logged in"]
    assert index.report.wrapper_files == 1


def test_wrapper_detection_can_be_turned_off(tmp_path: Path) -> None:
    index = StatementIndex.build(make_tree(tmp_path), IndexConfig(detect_wrappers=False), use_cache=False)
    assert texts(index, "app/views.py") == [] and texts(index, "src/a/User.java") == []


def test_configured_logging_method(tmp_path: Path) -> None:
    write(tmp_path, "job.py", 'def run():\n    report_event("job %s done", 7)\n')
    config = IndexConfig(logging_methods=[LoggingMethod(name="report_event", level="warn", language="python")])
    index = StatementIndex.build(tmp_path, config, use_cache=False)
    statements = index.for_path("job.py")
    assert [(s.template.text, s.level) for s in statements] == [("job {} done", "warn")]
    # the prefilter knows configured names: this file mentions no logger word at all
    assert index.report.prefiltered == 0


def test_configured_wrappers_cover_languages() -> None:
    defs = configured_wrappers(IndexConfig(logging_methods=[
        LoggingMethod(name="audit", level="WARNING", message_arg=1, level_arg=None, language="typescript"),
        LoggingMethod(name="Audit.log"),
    ]))
    ts = [d for d in defs if d.name == "audit"]
    assert {d.language for d in ts} == {"typescript", "tsx"}
    assert ts[0].level == "warn" and ts[0].message_param == 1
    assert {d.language for d in defs if d.name == "Audit.log"} == {"java", "python", "javascript",
                                                                  "typescript", "tsx", "go"}


def test_cross_file_results_survive_warm_start(tmp_path: Path) -> None:
    root = make_tree(tmp_path)
    cold = StatementIndex.build(root, IndexConfig())
    cold.save()
    warm = StatementIndex.build(root, IndexConfig())
    assert warm.report.parsed == 0
    assert warm.statements == cold.statements


def test_changing_a_wrapper_updates_callers_on_the_next_build(tmp_path: Path) -> None:
    root = make_tree(tmp_path)
    StatementIndex.build(root, IndexConfig()).save()
    write(root, "app/helpers.py", HELPERS.replace("[audit] ", "[AUDIT] "))
    os.utime(root / "app/helpers.py", ns=(1, 1))
    index = StatementIndex.build(root, IndexConfig())
    assert texts(index, "app/views.py") == ["[AUDIT] user {} logged in"]
    index.save()
    # removing the wrapper: its call sites stop being statements
    write(root, "app/helpers.py", "def audit(msg, *args):\n    pass\n")
    os.utime(root / "app/helpers.py", ns=(2, 2))
    assert texts(StatementIndex.build(root, IndexConfig()), "app/views.py") == []


def test_update_file_touches_only_its_file_until_resolve(tmp_path: Path) -> None:
    index = StatementIndex.build(make_tree(tmp_path), IndexConfig(), use_cache=False)
    index.update_file("app/helpers.py", HELPERS.replace("[audit] ", "[changed] "))
    assert texts(index, "app/views.py") == ["[audit] user {} logged in"]  # untouched for now
    assert index.resolve_wrappers() == 1
    assert texts(index, "app/views.py") == ["[changed] user {} logged in"]
    # a new caller typed in an editor sees the wrappers of other files at once
    new = index.update_file("app/more.py", "from app.helpers import audit\naudit('again %d', 1)\n")
    assert [s.template.text for s in new] == ["[changed] again {}"]


def test_registry_name_search() -> None:
    registry = WrapperRegistry()
    wrapper = WrapperDef(name="audit", language="python", path="h.py", message_param=0, exported=True)
    private = WrapperDef(name="_log", language="python", path="h.py", message_param=0, exported=False)
    registry.set_file("h.py", [wrapper, private])
    assert registry.foreign_for("v.py", "python", b"x = audit ('m')") == [wrapper]
    assert registry.foreign_for("v.py", "python", b"x = reaudit('m')") == []
    assert registry.foreign_for("v.py", "python", b"_log('m')") == []  # not exported
    assert registry.foreign_for("h.py", "python", b"audit('m')") == []  # its own file
    assert registry.foreign_for("V.java", "java", b"audit('m')") == []  # other language
    assert wrapper_set_fingerprint([wrapper, private]) == wrapper_set_fingerprint([private, wrapper])
    assert wrapper_set_fingerprint([]) == ""
    registry.remove_file("h.py")
    assert registry.foreign_for("v.py", "python", b"audit('m')") == []


def test_configured_logging_method_in_java(tmp_path: Path) -> None:
    write(tmp_path, "Job.java", 'class Job { void run() { Events.emit("job {} done", 7); } }\n')
    config = IndexConfig(logging_methods=[LoggingMethod(name="emit", level="error", language="java")])
    statements = StatementIndex.build(tmp_path, config, use_cache=False).for_path("Job.java")
    assert [(s.template.text, s.level) for s in statements] == [("job {} done", "error")]


def test_wrapper_edited_in_editor_then_saved_reaches_callers_on_next_build(tmp_path: Path) -> None:
    root = make_tree(tmp_path)
    index = StatementIndex.build(root, IndexConfig())
    changed = HELPERS.replace("[audit] ", "[edited] ")
    index.update_file("app/helpers.py", changed)
    index.save()  # callers were not re-resolved: the cache must not claim they were
    write(root, "app/helpers.py", changed)
    again = StatementIndex.build(root, IndexConfig())
    assert texts(again, "app/views.py") == ["[edited] user {} logged in"]
