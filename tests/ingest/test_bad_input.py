"""Malformed lines, invalid UTF-8, 1 MB lines, unknown formats: counted as skipped or reported, never a crash."""

from __future__ import annotations

import json

from ingest_helpers import log_lines, prodlens, snapshot


def test_malformed_lines_are_skipped_and_the_rest_counted(project, store):
    good = log_lines(0, 8)
    data = (
        "".join(good[:4]).encode()
        + b'{"ts": "2024-01-01T00:00:00Z", "message": "broken\n'  # invalid JSON
        + b'{"message": "Stock low for order \xff\xfe", "level": "warn"}\n'  # invalid UTF-8 inside
        + b'{"message": "' + b"x" * (1 << 20) + b'"}\n'  # a 1 MB line
        + b"\x00\x00\x00\n"
        + "".join(good[4:]).encode()
    )
    (project / "app.log").write_bytes(data)
    result = prodlens("ingest", "app.log", "--format", "jsonl", "--json", cwd=project)
    assert result.returncode == 0, result.stderr.decode()
    summary = json.loads(result.stdout)
    assert summary["records"] + summary["skipped"] == 12
    assert summary["records"] >= 9  # the eight good lines and the repaired UTF-8 one
    assert summary["skipped"] >= 1
    assert snapshot(store)[1]["records"] == summary["records"]
    again = json.loads(prodlens("ingest", "app.log", "--format", "jsonl", "--json", cwd=project).stdout)
    assert again["records"] == 0 and again["skipped"] == 0


def test_binary_garbage_does_not_crash(project, store):
    (project / "app.log").write_bytes(bytes(range(256)) * 4000)
    result = prodlens("ingest", "app.log", cwd=project)
    assert result.returncode == 1
    assert "app.log: cannot tell the format" in result.stderr.decode()
    assert "Traceback" not in result.stderr.decode()


def test_bad_pattern_is_a_clear_error(project, store):
    (project / "app.log").write_text("2024-01-01 INFO hello\n")
    result = prodlens("ingest", "app.log", "--format", "pattern", "--pattern", "%d{", cwd=project)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr.decode()
    assert "app.log: log layout '%d{'" in result.stderr.decode()


def test_bad_retention_is_a_usage_error(project):
    result = prodlens("ingest", "x.log", "--retention", "forever", cwd=project)
    assert result.returncode == 2
    assert "--retention" in result.stderr.decode()


def test_a_size_cap_too_small_keeps_the_newest_hour_and_says_so(project, store):
    """`ingest.max_store_bytes` below what one hour takes: the counts of the newest hour stay, and stderr says the
    cap is too small instead of silently emptying the store."""
    (project / ".prodlens.toml").write_text("[ingest]\nmax_store_bytes = 1\n")
    (project / "app.log").write_text("".join(log_lines(0, 30, minutes_back=30)))
    result = prodlens("ingest", "app.log", "--json", cwd=project)
    err = result.stderr.decode()
    assert result.returncode == 0, err
    assert "still larger than ingest.max_store_bytes" in err
    assert err.count("still larger than") == 1  # pruned at the start and at the end, told once
    assert sum(snapshot(store)[0].values()) > 0


def test_the_summary_says_why_records_were_skipped_once_per_kind(project, store):
    """300 cut JSON lines are one kind of damage: one summary line with its count (in --json too), not 300."""
    cut = [line[: 30 + i % 20] + "\n" for i, line in enumerate(log_lines(0, 300))]
    (project / "app.log").write_text("".join(cut) + "".join(log_lines(300, 5)) + "\x00\x00\n")
    result = prodlens("ingest", "app.log", "--format", "jsonl", cwd=project)
    out = result.stdout.decode()
    assert result.returncode == 0, result.stderr.decode()
    kinds = [line for line in out.splitlines() if line.strip().startswith("skipped ") and ":" in line]
    assert len(kinds) == 2, out
    assert kinds[0].strip().startswith("skipped 300: invalid JSON (") and "variants" in kinds[0], out
    (project / "app.log").write_text("".join(cut[:3]))
    again = json.loads(prodlens("ingest", "app.log", "--format", "jsonl", "--json", "--store", "other.db",
                                cwd=project).stdout)
    assert sum(again["skipped_by_kind"].values()) == again["skipped"] == 3


def test_distinct_skip_reasons_are_bounded():
    from collections import Counter

    from prodlens.skip_reasons import MAX_DISTINCT_REASONS, by_kind, tally

    reasons: Counter[str] = Counter()
    for i in range(MAX_DISTINCT_REASONS * 3):
        tally(reasons, f"line too long ({i} bytes)")
    assert len(reasons) <= MAX_DISTINCT_REASONS + 1
    assert sum(reasons.values()) == MAX_DISTINCT_REASONS * 3
    [(text, count)] = by_kind(reasons)
    assert text.startswith("line too long (") and count == MAX_DISTINCT_REASONS * 3
