"""`--follow` with only stdin ends at the end of the pipe (as `tail -f` does for a pipe): there is nothing left
that could grow, and waiting forever would look like a hang."""

from __future__ import annotations

import json
import subprocess

from ingest_helpers import log_lines, prodlens


def test_follow_on_stdin_alone_ends_with_the_pipe(project, store):
    try:
        result = prodlens("ingest", "--follow", "-", "--json", cwd=project,
                          input="".join(log_lines(0, 6)).encode(), timeout=30)
    except subprocess.TimeoutExpired:
        raise AssertionError("prodlens ingest --follow - kept running after its only input, the pipe, ended")
    assert result.returncode == 0, result.stderr.decode()
    assert json.loads(result.stdout)["records"] == 6
