"""A named pipe or a process substitution given as FILE (`prodlens ingest <(kubectl logs -f ...)`) is read like
stdin — streamed, without a checkpoint — instead of failing on a seek a pipe cannot do."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading

import pytest
from ingest_helpers import log_lines, prodlens, snapshot


def test_named_pipe_is_read_as_a_stream(project, store):
    fifo = project / "live.pipe"
    os.mkfifo(fifo)
    lines = "".join(log_lines(0, 12)).encode()

    def writer() -> None:
        with open(fifo, "wb") as handle:
            handle.write(lines)

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    result = prodlens("ingest", str(fifo), "--json", cwd=project, timeout=60)
    thread.join(timeout=30)
    stderr = result.stderr.decode()
    assert "Traceback" not in stderr
    assert result.returncode == 0, stderr
    assert json.loads(result.stdout)["records"] == 12
    assert snapshot(store)[1]["records"] == 12


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash for <(...)")
def test_process_substitution_is_read_as_a_stream(project, store):
    (project / "app.log").write_text("".join(log_lines(0, 8)))
    command = f"{sys.executable} -m prodlens ingest <(cat app.log) --json"
    result = subprocess.run(["bash", "-c", command], cwd=project, capture_output=True, timeout=120)
    stderr = result.stderr.decode()
    assert "Traceback" not in stderr
    assert result.returncode == 0, stderr
    assert json.loads(result.stdout)["records"] == 8
