"""The VS Code extension, tested for real: its unit tests (Node's test runner) and VS Code itself.

The end-to-end test installs the built .vsix into code-server (VS Code from npm), opens the `prodlens demo`
workspace in Debian's headless Chromium and checks what a user sees against the store, computed here with the
prodlens CLI and store API (not hard-coded): each lens carries the real count, the hover lists the latest real
occurrence, Find Log Statement with a line from the demo log (prefilled from the clipboard) lands on the
statement that wrote it, Open in Dashboard opens the store's link for the statement under the cursor, the
status bar item switches the window, and a settings change reaches the running server. A second run without
any prodlens installed checks the one notification with the install command. The driving is done by `tests/e2e/vscode/run.mjs` (playwright-core); this module prepares the workspace and
the expectations, runs it, and reports what it saw.

Everything it needs is installed by `vscode-extension/install-deps.sh` (called by tests/install-deps.sh).
Set PRODLENS_UPDATE_SCREENSHOTS=1 to refresh docs/images/vscode-lenses.png from the run.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
EXTENSION = REPO / "vscode-extension"
HARNESS = REPO / "tests" / "e2e" / "vscode"
VSIX = EXTENSION / "prodlens.vsix"
SCREENSHOT = REPO / "docs" / "images" / "vscode-lenses.png"
INSTALL_HINT = "run `bash tests/install-deps.sh` (it calls vscode-extension/install-deps.sh)"


def _prodlens(*args: str, cwd: Path | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [sys.executable, "-m", "prodlens", *args], cwd=cwd, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, f"prodlens {' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
    return done


def _require(path: Path, what: str) -> None:
    assert path.exists(), f"{what} is missing ({path.relative_to(REPO)}): {INSTALL_HINT}"


# --------------------------------------------------------------------------------------------- unit tests


def test_extension_unit_tests() -> None:
    """`npm test` in vscode-extension: TypeScript compiles and Node's test runner passes every test."""
    _require(EXTENSION / "node_modules" / "typescript", "the extension's npm packages")
    done = subprocess.run(["npm", "test"], cwd=EXTENSION, capture_output=True, text=True, timeout=300)
    output = done.stdout + done.stderr
    passed = re.search(r"^# pass (\d+)$", output, re.M)
    failed = re.search(r"^# fail (\d+)$", output, re.M)
    assert done.returncode == 0 and failed and failed.group(1) == "0", f"extension unit tests failed:\n{output[-8000:]}"
    assert passed and int(passed.group(1)) > 0, f"no extension unit test ran:\n{output[-4000:]}"


# ---------------------------------------------------------------------------------------- the workspace


def _make_workspace(root: Path) -> None:
    """The demo workspace: a small multi-language service with a realistic log ingested into its store."""
    _prodlens("demo", str(root))


SMALL_PYTHON_FILE = """\
import logging

logger = logging.getLogger(__name__)


def ship(order_id, address):
    logger.info("Order %s shipped to %s", order_id, address)
"""


# ------------------------------------------------------------------------------------------ expectations


def _log_files(root: Path) -> list[Path]:
    return sorted(
        p for p in root.rglob("*")
        if p.is_file() and p.suffix in {".log", ".jsonl", ".json", ".ndjson"} and ".prodlens" not in p.parts
    )


def _expectations(root: Path) -> dict[str, Any]:
    """What the editor must show, from the store through the prodlens CLI and store API.

    Windows end "now", so a statement whose records sit at a window's edge changes its count or trend while
    the test runs; only statements whose counts stay the same for the next half hour are used (checked with
    the store's own counting at several instants), so editor and CLI must agree exactly.
    """
    stats = json.loads(_prodlens("stats", "--json", "--root", str(root)).stdout)
    window = stats.get("window") or "24h"
    hit = [s for s in stats["statements"] if s["count"] > 0]
    assert hit, f"the demo store has no statement with hits in the window:\n{json.dumps(stats)[:3000]}"
    stable = _stable_keys(root, [s["key"] for s in hit], (window, "7d", "30d"))
    usable = [s for s in hit if s["key"] in stable]
    assert usable, f"every statement's count changes within the next half hour: {hit}"
    hottest = max(usable, key=lambda s: s["count"])
    file = hottest["path"]
    in_file = [s for s in usable if s["path"] == file]

    shown = [json.loads(line) for line in _prodlens("show", "--json", str(root / file), "--root", str(root)).stdout.splitlines() if line.strip()]
    lens_by_line = {item["line"]: item["lens"] for item in shown}
    lenses = []
    for statement in sorted(in_file, key=lambda s: -s["count"])[:4]:
        text = lens_by_line.get(statement["line"])
        assert text is not None, f"prodlens show has no lens on {file}:{statement['line']}: {shown}"
        assert _count_text(statement["count"]) in text, (
            f"`prodlens show` lens {text!r} does not carry the store's count {statement['count']} (stats)"
        )
        lenses.append({"line": statement["line"], "text": text, "count": statement["count"]})

    newest = _newest_sample(root, hottest["key"], window)
    dashboard = _dashboard_url(root, hottest["key"], window)
    find = _find_case(root, file)
    windows = {w: _lenses_for(root, file, hottest["line"], w) for w in ("7d", "30d")}
    return {"file": file, "lenses": lenses, "hover": {"line": hottest["line"], "expect": [newest[:40]]},
            "find": find, "hottest": hottest, "windows": windows, "dashboard": dashboard}


def _dashboard_url(root: Path, key: str, window: str) -> str | None:
    """The monitoring link the store makes for a statement (None when the store has no dashboard)."""
    from prodlens.config import load_config
    from prodlens.source.index import StatementIndex
    from prodlens.stores.base import TimeRange
    from prodlens.stores.registry import open_store

    config = load_config(root)
    statement = StatementIndex.build(root, config).by_key(key)
    assert statement is not None
    store = open_store(config, root)
    try:
        return store.dashboard_url(statement, TimeRange.ending_now(window))
    finally:
        store.close()


def _stable_keys(root: Path, keys: list[str], windows: tuple[str, ...], minutes: int = 30) -> set[str]:
    """Statements whose total, previous and ambiguous counts are the same now and over the next minutes."""
    from prodlens.config import load_config
    from prodlens.source.index import StatementIndex
    from prodlens.stores.base import TimeRange
    from prodlens.stores.registry import open_store

    config = load_config(root)
    index = StatementIndex.build(root, config)
    statements = [st for st in (index.by_key(k) for k in keys) if st is not None]
    store = open_store(config, root)
    now = datetime.now(timezone.utc)
    seen: dict[str, set] = {st.key: set() for st in statements}
    try:
        for window in windows:
            for offset in range(0, minutes + 1, 5):
                counts = store.counts(statements, TimeRange.ending_now(window, now + timedelta(minutes=offset)))
                for key, c in counts.items():
                    if key in seen:
                        seen[key].add((window, c.total, c.previous, c.ambiguous))
    finally:
        store.close()
    return {key for key, values in seen.items() if len(values) == len(windows)}


def _lens_for(root: Path, file: str, line: int, window: str) -> str:
    shown = _prodlens("show", "--json", "--window", window, str(root / file), "--root", str(root)).stdout
    by_line = {item["line"]: item["lens"] for item in map(json.loads, filter(str.strip, shown.splitlines()))}
    assert line in by_line, f"prodlens show --window {window} has no lens on {file}:{line}"
    return by_line[line]


def _lenses_for(root: Path, file: str, line: int, window: str) -> list[dict[str, Any]]:
    return [{"line": line, "text": _lens_for(root, file, line, window)}]


def _count_text(count: int) -> str:
    """The count as lenses write it (humanised above a thousand), by the server's own formatter."""
    from prodlens.lsp.render import humanize

    return humanize(count)


def _newest_sample(root: Path, key: str, window: str) -> str:
    """The newest occurrence's message as the store returns it (redacted) for the hover."""
    from prodlens.config import load_config
    from prodlens.source.index import StatementIndex
    from prodlens.stores.base import TimeRange
    from prodlens.stores.registry import open_store

    config = load_config(root)
    statement = StatementIndex.build(root, config).by_key(key)
    assert statement is not None, f"statement {key} is not in the index"
    store = open_store(config, root)
    try:
        samples = store.samples(statement, TimeRange.ending_now(window), 5)
    finally:
        store.close()
    assert samples, f"the store has no samples for {statement.path}:{statement.line}"
    return samples[0].message.splitlines()[0]


def _find_case(root: Path, preferred_file: str) -> dict[str, Any]:
    """A line of the demo log that `prodlens map` maps to exactly one statement, preferably in `preferred_file`.

    Only lines that start a record are taken (no indented or "Caused by" continuation lines), so each input
    line is one record and results pair with lines one to one; the pairing is checked by count.
    """
    fallback = None
    for log in _log_files(root):
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
        starts = [
            l for l in lines
            if l.strip() and not l[0].isspace() and not l.startswith(("Caused by", "Traceback", "...")) and len(l) < 2000
        ]
        step = max(1, len(starts) // 200)
        sample = starts[::step][:200]
        mapped = subprocess.run(
            [sys.executable, "-m", "prodlens", "map", "--root", str(root)],
            input="\n".join(sample) + "\n", capture_output=True, text=True, timeout=300,
        )
        results = [json.loads(l) for l in mapped.stdout.splitlines() if l.startswith("{")]
        if mapped.returncode != 0 or len(results) != len(sample):
            continue  # records joined or skipped: the pairing would be a guess
        for line, result in zip(sample, results):
            if not result.get("key") or result.get("candidates", 1) != 1:
                continue
            case = {"logLine": line, "path": result["path"], "line": result["line"]}
            if result["path"] == preferred_file:
                return case
            fallback = fallback or case
    assert fallback, f"no line of the demo logs {[str(p) for p in _log_files(root)]} maps to exactly one statement"
    return fallback


# ------------------------------------------------------------------------------------------- the e2e run


def _symbol_query(template: str) -> str:
    """The longest literal run of a template (its holes are `{}`), which symbol search matches on."""
    return max((part.strip() for part in template.split("{}")), key=len)[:30]


def _run_harness(spec_file: Path, artifacts: Path, env: dict[str, str], timeout: float) -> subprocess.CompletedProcess:
    """Run run.mjs; if it overruns, stop it (it cleans up on SIGTERM) and kill what it started regardless."""
    node = shutil.which("node")
    assert node, f"node is missing: {INSTALL_HINT}"
    artifacts.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen([node, str(HARNESS / "run.mjs"), str(spec_file)], cwd=HARNESS, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.terminate()
        try:
            stdout, stderr = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            stdout, stderr = process.communicate()
        stderr += f"\n[test_vscode] the harness overran {timeout:.0f}s and was stopped"
    finally:
        _kill_recorded_groups(artifacts / "process-groups")
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def _kill_recorded_groups(record: Path) -> None:
    if not record.exists():
        return
    for line in record.read_text().split():
        try:
            os.killpg(int(line), signal.SIGKILL)
        except (ProcessLookupError, PermissionError, ValueError):
            pass  # already gone: the harness cleaned up itself


@pytest.mark.timeout(900)
def test_vscode_end_to_end(tmp_path: Path) -> None:
    """Real VS Code (code-server) with the built .vsix: lenses, hover, Find Log Statement, status bar."""
    _require(VSIX, "the built extension")
    _require(HARNESS / "node_modules" / "code-server", "code-server")
    _require(HARNESS / "node_modules" / "playwright-core", "playwright-core")
    chromium = os.environ.get("PRODLENS_CHROMIUM", "/usr/bin/chromium")
    assert Path(chromium).exists() or shutil.which("chromium"), f"Chromium is missing: {INSTALL_HINT}"

    workspace = tmp_path / "demo"
    workspace.mkdir()
    _make_workspace(workspace)
    # "Open in Dashboard" opens the built-in dashboard only while it runs (otherwise the server says how to
    # start it): run it as a user would, on a free port named in the workspace's configuration.
    dashboard_port = _free_port()
    (workspace / ".prodlens.toml").write_text(f"[dashboard]\nport = {dashboard_port}\n", encoding="utf-8")
    dashboard = _start_dashboard(workspace, dashboard_port)
    try:
        _run_end_to_end(tmp_path, workspace)
    finally:
        dashboard.terminate()
        try:
            dashboard.wait(10)
        except subprocess.TimeoutExpired:
            dashboard.kill()


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_dashboard(workspace: Path, port: int) -> subprocess.Popen:
    """A real `prodlens dashboard` for the workspace, ready when its marker page answers."""
    import time
    import urllib.request

    proc = subprocess.Popen([sys.executable, "-m", "prodlens", "dashboard", "--root", str(workspace)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/-/prodlens.json", timeout=1) as response:
                if b"prodlens" in response.read():
                    return proc
        except OSError:
            pass
        if proc.poll() is not None:
            break
        time.sleep(0.2)
    proc.kill()
    raise AssertionError(f"prodlens dashboard did not start: {proc.stderr.read().decode(errors='replace')[-2000:]}")


def _run_end_to_end(tmp_path: Path, workspace: Path) -> None:
    expected = _expectations(workspace)
    other = next((p for p in _source_files(workspace) if p != expected["find"]["path"]), None)

    artifacts = tmp_path / "artifacts"
    update = os.environ.get("PRODLENS_UPDATE_SCREENSHOTS") == "1"
    spec = {
        "workspace": str(workspace),
        "vsix": str(VSIX),
        "artifacts": str(artifacts),
        "screenshot": str(SCREENSHOT if update else artifacts / "vscode-lenses.png"),
        "file": expected["file"],
        "lenses": [{"line": l["line"], "text": l["text"]} for l in expected["lenses"]],
        "hover": expected["hover"],
        "find": {**expected["find"], **({"otherFile": other} if other else {})},
        # workspace symbols find the statement by its message text and show its count
        "symbols": {"query": _symbol_query(expected["hottest"]["template"]),
                    "expect": [_symbol_query(expected["hottest"]["template"]),
                               f'— {_count_text(expected["hottest"]["count"])} hit']},
        # Open in Dashboard from the palette, for the statement under the cursor
        **({"dashboard": {"line": expected["hottest"]["line"]}} if expected["dashboard"] else {}),
        # clicking the status bar item switches the window through the server's prodlens.setWindow
        "windowSwitch": {"window": "7d", "status": "prodlens 7d", "lenses": expected["windows"]["7d"]},
        # a settings change reaches the running server (didChangeConfiguration) and wins over the session's
        "settingsChange": {"settings": {"prodlens.window": "30d"}, "status": "prodlens 30d",
                           "lenses": expected["windows"]["30d"]},
        "timeoutSeconds": 150,
    }
    spec_file = tmp_path / "spec.json"
    spec_file.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")

    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = _run_harness(spec_file, artifacts, env, timeout=840)
    result_line = next((l for l in done.stdout.splitlines() if l.startswith("RESULT ")), None)
    assert result_line, f"the harness printed no result (exit {done.returncode}):\n{done.stdout[-4000:]}\n{done.stderr[-8000:]}"
    seen = json.loads(result_line[len("RESULT "):])
    report = (
        f"\nexpected: {json.dumps(spec, ensure_ascii=False, indent=1)}\nseen: {json.dumps(seen, ensure_ascii=False, indent=1)}"
        f"\nharness log:\n{done.stderr[-6000:]}\nartifacts (failure screenshot, logs): {artifacts}"
    )
    assert done.returncode == 0, f"VS Code did not show what the store holds: {seen.get('error')}{report}"

    # The same facts, checked again here from what the harness saw, so a harness bug cannot pass silently.
    for lens in expected["lenses"]:
        shown = seen["lenses"].get(str(lens["line"]), "")
        assert lens["text"] in shown and _count_text(lens["count"]) in shown, f"lens on line {lens['line']}{report}"
    for text in expected["hover"]["expect"]:
        assert text in (seen["hover"] or ""), f"hover lacks the newest occurrence {text!r}{report}"
    assert "Latest occurrences" in seen["hover"], f"hover has no occurrences section{report}"
    assert seen["find"]["line"] == expected["find"]["line"], f"Find Log Statement landed elsewhere{report}"
    assert Path(expected["find"]["path"]).name in seen["find"]["title"], f"Find Log Statement opened another file{report}"
    assert "prodlens" in (seen["statusBar"] or "") and "24h" in seen["statusBar"], f"status bar item{report}"
    assert seen["clipboardPrefill"] == expected["find"]["logLine"], f"input box not prefilled from the clipboard{report}"
    assert Path(spec["screenshot"]).stat().st_size > 10_000, f"no screenshot{report}"
    assert any(all(e in row for e in spec["symbols"]["expect"]) for row in seen["symbols"]), f"symbols{report}"
    if expected["dashboard"]:
        assert seen["dashboard"]["logged"] == expected["dashboard"], f"Open in Dashboard: another link{report}"
        port = re.search(r":(\d+)/", expected["dashboard"])
        # a browser tab opened the link (code-server sends links to 127.0.0.1 ports through its /proxy/PORT/)
        assert seen["dashboard"]["url"].startswith(expected["dashboard"].split("/statement")[0]) or (
            port and f"/proxy/{port.group(1)}/" in seen["dashboard"]["url"]
        ), f"Open in Dashboard opened no tab for the link{report}"
    for step in ("windowSwitch", "settingsChange"):
        wanted = spec[step]
        for lens in wanted["lenses"]:
            assert lens["text"] in seen[step]["lenses"].get(str(lens["line"]), ""), f"{step}: lens{report}"
        assert wanted["status"] in seen[step]["statusBar"], f"{step}: status bar{report}"


def _path_without_prodlens() -> str:
    """PATH minus every folder holding a `prodlens` program (venv bin, pyenv shims)."""
    kept = [d for d in os.environ.get("PATH", "").split(os.pathsep) if d and not (Path(d) / "prodlens").exists()]
    return os.pathsep.join(kept)


@pytest.mark.timeout(600)
def test_vscode_without_server(tmp_path: Path) -> None:
    """No prodlens anywhere: one notification with the install command and a docs button, no stack trace."""
    _require(VSIX, "the built extension")
    _require(HARNESS / "node_modules" / "code-server", "code-server")
    workspace = tmp_path / "project"
    (workspace / "app").mkdir(parents=True)
    (workspace / "app" / "orders.py").write_text(SMALL_PYTHON_FILE, encoding="utf-8")
    path = _path_without_prodlens()
    assert shutil.which("prodlens", path=path) is None
    artifacts = tmp_path / "artifacts"
    spec = {
        "workspace": str(workspace),
        "vsix": str(VSIX),
        "artifacts": str(artifacts),
        "file": "app/orders.py",
        "missingServer": {"expect": ["not installed", "`pip install prodlens`"]},
        "env": {"PATH": path},
        "timeoutSeconds": 150,
    }
    spec_file = tmp_path / "spec.json"
    spec_file.write_text(json.dumps(spec), encoding="utf-8")
    done = _run_harness(spec_file, artifacts, dict(os.environ), timeout=540)
    result_line = next((l for l in done.stdout.splitlines() if l.startswith("RESULT ")), None)
    assert result_line, f"the harness printed no result (exit {done.returncode}):\n{done.stderr[-8000:]}"
    seen = json.loads(result_line[len("RESULT "):])
    report = f"\nseen: {json.dumps(seen, indent=1)}\nharness log:\n{done.stderr[-6000:]}\nartifacts: {artifacts}"
    assert done.returncode == 0, f"{seen.get('error')}{report}"
    missing = seen["missingServer"]
    assert missing["toasts"] == 1, f"expected exactly one notification{report}"
    assert not re.search(r"Traceback|Error:|\bat \S+ \(|:\d+:\d+\)", missing["message"]), f"stack trace shown{report}"
    assert missing["buttons"] == ["Open Docs", "Show Output"], f"buttons{report}"
    assert re.search(r"readme", missing["docsTab"], re.I), f"Open Docs did not open the docs{report}"
    assert seen["lenses"] == {}, f"lenses without a server?{report}"
    assert "not running" in seen["statusBar"], f"status bar{report}"


def _source_files(root: Path) -> list[str]:
    suffixes = {".java", ".py", ".js", ".jsx", ".ts", ".tsx", ".go"}
    return sorted(
        p.relative_to(root).as_posix() for p in root.rglob("*")
        if p.suffix in suffixes and ".prodlens" not in p.parts and "node_modules" not in p.parts
    )
