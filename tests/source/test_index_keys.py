"""Statement keys: stable across line moves and unrelated edits, changed by a new message, distinct for
repeated identical statements (ordinal among equal (template, level) in the file)."""

from __future__ import annotations

from pathlib import Path

from prodlens.config import IndexConfig
from prodlens.model import Template, statement_key
from prodlens.source.index import StatementIndex, extract_source

JAVA = """import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
class Pay {
    private static final Logger LOG = LoggerFactory.getLogger(Pay.class);
    void pay(String c, int v) {
        LOG.info("Customer {} paying {}", c, v);
        LOG.warn("retry");
        LOG.info("Customer {} paying {}", c, v);
    }
}
"""


def keys_by_text(statements) -> dict[tuple[str, int], str]:
    """(template, n-th occurrence) -> key, independent of lines."""
    seen: dict[str, int] = {}
    result = {}
    for s in statements:
        n = seen.get(s.template.text, 0)
        seen[s.template.text] = n + 1
        result[(s.template.text, n)] = s.key
    return result


def test_key_is_the_documented_function() -> None:
    first = extract_source("Pay.java", JAVA)[0]
    assert first.key == statement_key("Pay.java", Template.of(first.template.parts), "info", 0)


def test_inserting_lines_above_keeps_keys() -> None:
    before = extract_source("Pay.java", JAVA)
    moved_text = JAVA.replace("class Pay {", "// a comment\n\n/** docs */\nclass Pay {\n    int unrelated = 1;")
    after = extract_source("Pay.java", moved_text)
    assert [s.line for s in after] == [s.line + 4 for s in before]
    assert [s.key for s in after] == [s.key for s in before]


def test_editing_another_statement_keeps_keys() -> None:
    before = keys_by_text(extract_source("Pay.java", JAVA))
    after = keys_by_text(extract_source("Pay.java", JAVA.replace('"retry"', '"retrying now"')))
    assert after[("Customer {} paying {}", 0)] == before[("Customer {} paying {}", 0)]
    assert after[("Customer {} paying {}", 1)] == before[("Customer {} paying {}", 1)]
    assert ("retry", 0) not in after


def test_changing_the_message_changes_the_key() -> None:
    before = extract_source("Pay.java", JAVA)
    after = extract_source("Pay.java", JAVA.replace('"retry"', '"Retry"'))
    assert before[1].line == after[1].line
    assert before[1].key != after[1].key
    assert [before[0].key, before[2].key] == [after[0].key, after[2].key]


def test_changing_the_level_changes_the_key() -> None:
    before = extract_source("Pay.java", JAVA)
    after = extract_source("Pay.java", JAVA.replace('LOG.warn("retry")', 'LOG.error("retry")'))
    assert before[1].key != after[1].key


def test_identical_statements_get_distinct_keys_by_ordinal() -> None:
    statements = extract_source("Pay.java", JAVA)
    assert statements[0].template == statements[2].template
    assert statements[0].key != statements[2].key
    assert statements[2].key == statement_key("Pay.java", statements[2].template, "info", 1)


def test_same_text_in_another_file_has_another_key() -> None:
    assert extract_source("A.java", JAVA)[0].key != extract_source("B.java", JAVA)[0].key


def test_keys_survive_build_update_and_cache(tmp_path: Path) -> None:
    (tmp_path / "Pay.java").write_text(JAVA)
    index = StatementIndex.build(tmp_path, IndexConfig())
    keys = [s.key for s in index.statements]
    index.save()
    assert [s.key for s in StatementIndex.build(tmp_path, IndexConfig()).statements] == keys
    moved = index.update_file("Pay.java", "\n\n" + JAVA)
    assert [s.key for s in moved] == keys and [s.line for s in moved] == [8, 9, 10]
