"""A mistake in the ingest configuration is a clear one-line error before any reading, not a traceback."""

from __future__ import annotations

from ingest_helpers import log_lines, prodlens


def test_invalid_redact_pattern_is_a_clear_error(project, store):
    (project / ".prodlens.toml").write_text('[ingest]\nredact_patterns = ["cust-\\\\d{6}", "(unclosed"]\n')
    (project / "app.log").write_text("".join(log_lines(0, 4)))
    result = prodlens("ingest", "app.log", cwd=project)
    stderr = result.stderr.decode()
    assert result.returncode == 2, stderr
    assert "Traceback" not in stderr
    assert "redact_patterns" in stderr and "(unclosed" in stderr
    assert not store.exists()  # refused before anything was written
