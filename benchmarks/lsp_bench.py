"""Language server latency and memory, measured over stdio against the real `prodlens serve`.

What it measures (budgets from docs/architecture.md / DESIGN.md):
- codeLens on a 3,000-line Java file with 200 statements, counts cached: p50/p99 (budget p99 ≤ 10 ms);
  baseline in the same run: codeLens on a file with no statements (the stdio round trip itself);
- hover on those statements with samples from the embedded store: first hover of each statement (samples read
  from SQLite) and again (cached), p50/p99 (budget p99 ≤ 30 ms);
- first lens after didOpen: didOpen → a codeLens answer holding all 200 lenses (from the per-file index, before
  the workspace index is done), and → every lens titled with counts;
- RSS of the server with 10,000 statements indexed (budget ≤ 150 MB); baseline: the server after initialize
  on an empty folder.

The store is filled by the real `prodlens ingest`. Run: `python benchmarks/lsp_bench.py [--quick]`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from lsprotocol import types
from pygls import uris
from pygls.lsp.client import LanguageClient

LEVELS = ("info", "warn", "error", "debug")


def java_file(class_name: str, statements: int, lines: int) -> tuple[str, list[tuple[int, str, str]]]:
    """A Java class of `lines` lines with `statements` log calls spread evenly; returns (text, [(line, level,
    template)])."""
    out = [
        "package com.bench;",
        "",
        "import org.slf4j.Logger;",
        "import org.slf4j.LoggerFactory;",
        "",
        f"public class {class_name} {{",
        f"    private static final Logger log = LoggerFactory.getLogger({class_name}.class);",
        "",
    ]
    placed: list[tuple[int, str, str]] = []
    per_method = max(1, (lines - 10) // statements)
    for n in range(statements):
        level = LEVELS[n % len(LEVELS)]
        template = f"{class_name} step {n} handled order {{}} in {{}} ms"
        out.append(f"    public void step{n}(String order, long took) {{")
        placed.append((len(out), level, template))
        out.append(f'        log.{level}("{template}", order, took);')
        for filler in range(per_method - 3):
            out.append(f"        int local{filler} = {filler} * 2; // filler line")
        out.append("    }")
    out.append("}")
    return "\n".join(out) + "\n", placed


def write_log(path: Path, class_name: str, placed, records: int) -> None:
    now = datetime.now(timezone.utc)
    rng = random.Random(7)
    with path.open("w") as handle:
        for i in range(records):
            line, level, template = placed[rng.randrange(len(placed))]
            when = now - timedelta(minutes=rng.randrange(0, 48 * 60))
            message = template.replace("{}", f"o-{i}", 1).replace("{}", str(rng.randrange(1, 900)), 1)
            handle.write(json.dumps({
                "timestamp": when.strftime("%Y-%m-%dT%H:%M:%SZ"), "level": level.upper(),
                "logger": f"com.bench.{class_name}", "message": message, "service": "bench", "version": "1.0",
            }) + "\n")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def start(root: Path) -> LanguageClient:
    client = LanguageClient("lsp-bench", "1")

    @client.feature(types.WORKSPACE_CODE_LENS_REFRESH)
    def _refresh(params: None) -> None:
        return None

    @client.feature(types.WINDOW_WORK_DONE_PROGRESS_CREATE)
    def _progress(params) -> None:
        return None

    @client.feature(types.PROGRESS)
    def _progress_report(params) -> None:
        return None

    @client.feature(types.WINDOW_LOG_MESSAGE)
    def _log(params) -> None:
        return None

    @client.feature(types.WINDOW_SHOW_MESSAGE)
    def _show(params) -> None:
        print(f"server says: {params.message}", file=sys.stderr)

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def _diagnostics(params) -> None:
        return None

    await client.start_io(sys.executable, "-m", "prodlens", "serve")
    caps = types.ClientCapabilities(
        workspace=types.WorkspaceClientCapabilities(code_lens=types.CodeLensWorkspaceClientCapabilities(refresh_support=True)),
        window=types.WindowClientCapabilities(work_done_progress=True),
    )
    root_uri = uris.from_fs_path(str(root))
    await client.initialize_async(types.InitializeParams(
        capabilities=caps, root_uri=root_uri, workspace_folders=[types.WorkspaceFolder(uri=root_uri, name="bench")]))
    client.initialized(types.InitializedParams())
    return client


async def stop(client: LanguageClient) -> None:
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()


def open_doc(client: LanguageClient, path: Path) -> str:
    uri = uris.from_fs_path(str(path))
    client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
        uri=uri, language_id="java", version=1, text=path.read_text())))
    return uri


async def lenses(client: LanguageClient, uri: str):
    return await client.text_document_code_lens_async(
        types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=uri)))


class RawConnection:
    """Plain JSON-RPC over the server's stdio. The timing loops use it because a pygls client would add its own
    cattrs decoding of 200 lenses (about the server's own cost again) to each round trip; editors do not pay it."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.reader = process.stdout
        self.writer = process.stdin
        self.next_id = 0

    @classmethod
    async def start(cls, root: Path) -> "RawConnection":
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "prodlens", "serve", stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            limit=16 * 1024 * 1024)
        conn = cls(process)
        root_uri = uris.from_fs_path(str(root))
        await conn.request("initialize", {
            "processId": None, "rootUri": root_uri, "workspaceFolders": [{"uri": root_uri, "name": "bench"}],
            "capabilities": {"workspace": {"codeLens": {"refreshSupport": True}}, "window": {"workDoneProgress": True}},
        })
        conn.notify("initialized", {})
        return conn

    def _send(self, message: dict) -> None:
        body = json.dumps(message).encode()
        self.writer.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def notify(self, method: str, params: dict) -> None:
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    async def request(self, method: str, params: dict | None) -> dict:
        self.next_id += 1
        self._send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        await self.writer.drain()
        while True:
            length = 0
            while True:
                line = await self.reader.readline()
                if line == b"":
                    raise RuntimeError("the server closed its output")
                if line == b"\r\n":
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            message = json.loads(await self.reader.readexactly(length))
            if message.get("id") == self.next_id and "method" not in message:
                return message
            if "method" in message and "id" in message:  # a server request (refresh, progress): answer it
                self._send({"jsonrpc": "2.0", "id": message["id"], "result": None})

    async def close(self) -> None:
        await self.request("shutdown", None)
        self.notify("exit", None)
        await self.writer.drain()
        await self.process.wait()


async def timed(coro_factory, n: int) -> list[float]:
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        await coro_factory()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


async def latency(root: Path, big: Path, empty: Path, placed, rounds: int) -> list[tuple[str, str, str]]:
    conn = await RawConnection.start(root)
    rows = []

    def open_raw(path: Path) -> str:
        uri = uris.from_fs_path(str(path))
        conn.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "java", "version": 1, "text": path.read_text()}})
        return uri

    def lens_request(uri: str):
        return conn.request("textDocument/codeLens", {"textDocument": {"uri": uri}})

    try:
        started = time.perf_counter()
        uri = open_raw(big)
        first = (await lens_request(uri))["result"]
        first_ms = (time.perf_counter() - started) * 1000
        assert len(first) == len(placed), f"{len(first)} lenses, expected {len(placed)}"
        for _ in range(2000):
            got = (await lens_request(uri))["result"]
            if all(lens.get("command") for lens in got):
                break
            await asyncio.sleep(0.005)
        else:
            raise SystemExit("lenses never got their counts")
        titled_ms = (time.perf_counter() - started) * 1000
        rows.append(("first lens after didOpen (200 lenses, from the per-file index)", f"{first_ms:.1f} ms", ""))
        rows.append(("didOpen → every lens titled with counts", f"{titled_ms:.1f} ms", ""))
        empty_uri = open_raw(empty)
        await timed(lambda: lens_request(uri), 20)  # warm-up
        base = await timed(lambda: lens_request(empty_uri), rounds)
        lens = await timed(lambda: lens_request(uri), rounds)
        assert len((await lens_request(uri))["result"]) == len(placed)
        rows.append(("codeLens, file without statements (baseline: stdio round trip)",
                     f"p50 {pct(base, 50):.2f} ms", f"p99 {pct(base, 99):.2f} ms"))
        rows.append(("codeLens, 3,000 lines / 200 statements, counts cached",
                     f"p50 {pct(lens, 50):.2f} ms", f"p99 {pct(lens, 99):.2f} ms"))
        lines = [line for line, _, _ in placed]
        second = big.with_name("Checkout2.java")
        second.write_text(java_file("Checkout2", 200, 3000)[0])
        started = time.perf_counter()
        second_uri = open_raw(second)
        assert len((await lens_request(second_uri))["result"]) == len(placed)
        rows.insert(1, ("first lens after didOpen of another such file (parser warm)",
                        f"{(time.perf_counter() - started) * 1000:.1f} ms", ""))

        def hover_at(line: int):
            return conn.request("textDocument/hover", {"textDocument": {"uri": uri},
                                                       "position": {"line": line, "character": 12}})

        cold = []
        for line in lines:
            t = time.perf_counter()
            result = await hover_at(line)
            cold.append((time.perf_counter() - t) * 1000)
            assert "hits" in result["result"]["contents"]["value"], result
        order = [random.Random(3).choice(lines) for _ in range(rounds)]
        it = iter(order)
        warm = await timed(lambda: hover_at(next(it)), rounds)
        rows.append(("hover, first time per statement (samples read from SQLite)",
                     f"p50 {pct(cold, 50):.2f} ms", f"p99 {pct(cold, 99):.2f} ms"))
        rows.append(("hover, again (samples cached)", f"p50 {pct(warm, 50):.2f} ms", f"p99 {pct(warm, 99):.2f} ms"))
    finally:
        await conn.close()
    return rows


async def memory(root: Path, empty_root: Path, statements: int) -> list[tuple[str, str, str]]:
    client = await start(empty_root)
    try:
        await client.workspace_symbol_async(types.WorkspaceSymbolParams(query=""))
        base = rss_mb(client._server.pid)
    finally:
        await stop(client)
    client = await start(root)
    try:
        started = time.perf_counter()
        await client.workspace_symbol_async(types.WorkspaceSymbolParams(query="zz"))  # answers once the index is built
        indexed = time.perf_counter() - started
        big = rss_mb(client._server.pid)
    finally:
        await stop(client)
    return [
        ("RSS after initialize, empty folder (baseline)", f"{base:.0f} MB", ""),
        (f"RSS with {statements:,} statements indexed", f"{big:.0f} MB", f"indexed in {indexed:.2f} s"),
    ]


def ingest(root: Path, log: Path) -> None:
    subprocess.run([sys.executable, "-m", "prodlens", "ingest", str(log), "--root", str(root)], check=True,
                   capture_output=True)


def step(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds (development)")
    args = parser.parse_args()
    rounds = 100 if args.quick else 500
    with tempfile.TemporaryDirectory(prefix="prodlens-lsp-bench-") as tmp:
        tmp_path = Path(tmp)
        root = tmp_path / "service"
        (root / "src").mkdir(parents=True)
        text, placed = java_file("Checkout", 200, 3000)
        big = root / "src" / "Checkout.java"
        big.write_text(text)
        empty = root / "src" / "Empty.java"
        empty.write_text("package com.bench;\n\npublic class Empty {\n}\n")
        write_log(tmp_path / "app.log", "Checkout", placed, 5000)
        step("ingesting")
        ingest(root, tmp_path / "app.log")
        step("latency")
        rows = asyncio.run(latency(root, big, empty, placed, rounds))

        many = tmp_path / "many"
        (many / "src").mkdir(parents=True)
        for n in range(50):
            body, _ = java_file(f"Service{n}", 200, 1200)
            (many / "src" / f"Service{n}.java").write_text(body)
        blank = tmp_path / "blank"
        blank.mkdir()
        step("memory")
        rows += asyncio.run(memory(many, blank, 50 * 200))

    width = max(len(r[0]) for r in rows)
    print(f"{'what':<{width}}  {'value':>14}  {'':>14}")
    for what, a, b in rows:
        print(f"{what:<{width}}  {a:>14}  {b:>14}")


if __name__ == "__main__":
    main()
