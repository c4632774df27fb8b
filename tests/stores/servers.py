"""Real servers on 127.0.0.1 for the store tests: Debian's clickhouse-server and osmem-server.

Each is a plain child process on a free port with its data in a temporary directory, stopped (and killed if it
does not stop) when the fixture ends, so no test leaves a process behind.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

import httpx

CLICKHOUSE_BINARY = "/usr/sbin/clickhouse-server"

_CONFIG = """<yandex>
  <logger><level>warning</level><log>{dir}/server.log</log><errorlog>{dir}/error.log</errorlog></logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>{http_port}</http_port>
  <tcp_port>{tcp_port}</tcp_port>
  <path>{dir}/data/</path>
  <tmp_path>{dir}/tmp/</tmp_path>
  <user_files_path>{dir}/user_files/</user_files_path>
  <users_config>{dir}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mark_cache_size>53687091</mark_cache_size>
</yandex>
"""

_USERS = """<yandex>
  <profiles><default></default></profiles>
  <users>
    <default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
      <profile>default</profile><quota>default</quota></default>
    <secure><password>{password}</password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
      <profile>default</profile><quota>default</quota></secure>
  </users>
  <quotas><default></default></quotas>
</yandex>
"""

CLICKHOUSE_PASSWORD = "s3cret-Passw0rd"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def clickhouse_binary() -> str:
    found = shutil.which("clickhouse-server") or (CLICKHOUSE_BINARY if Path(CLICKHOUSE_BINARY).exists() else None)
    if not found:
        raise RuntimeError("clickhouse-server is not installed (Debian package clickhouse-server; "
                           "tests/install-deps.sh installs it)")
    return found


class ClickHouseServer:
    def __init__(self, directory: Path):
        self.directory = directory
        self.process: subprocess.Popen | None = None
        self.http_port = 0

    def start(self) -> "ClickHouseServer":
        binary = clickhouse_binary()
        for _attempt in range(5):
            self.http_port, tcp_port = free_port(), free_port()
            config = self.directory / "config.xml"
            config.write_text(_CONFIG.format(dir=self.directory, http_port=self.http_port, tcp_port=tcp_port))
            (self.directory / "users.xml").write_text(_USERS.format(password=CLICKHOUSE_PASSWORD))
            self.process = subprocess.Popen([binary, f"--config-file={config}"], cwd=self.directory,
                                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and self.process.poll() is None:
                try:
                    if httpx.get(f"{self.url}/ping", timeout=1).text.strip() == "Ok.":
                        return self
                except httpx.HTTPError:
                    pass
                time.sleep(0.05)
            self.stop()
        raise RuntimeError(f"clickhouse-server did not start; see {self.directory}/error.log")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    def sql(self, query: str, data: bytes | None = None) -> str:
        if data is None:
            response = httpx.post(self.url, content=query.encode(), timeout=60)
        else:
            response = httpx.post(self.url, params={"query": query}, content=data, timeout=60)
        if response.status_code != 200:
            raise RuntimeError(response.text)
        return response.text

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class OpenSearchServer:
    """osmem-server (PyPI): an in-memory OpenSearch-API server for tests."""

    def __init__(self):
        self.process: subprocess.Popen | None = None
        self.port = 0

    def start(self) -> "OpenSearchServer":
        from osmem_server import resolve_binary

        for _attempt in range(5):
            self.port = free_port()
            self.process = subprocess.Popen(
                [resolve_binary(), "-addr", f"127.0.0.1:{self.port}", "-no-stdin-watch", "-no-ja"],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and self.process.poll() is None:
                try:
                    if httpx.get(self.url, timeout=1).status_code == 200:
                        return self
                except httpx.HTTPError:
                    pass
                time.sleep(0.05)
            self.stop()
        raise RuntimeError("osmem-server did not start")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(3)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class CannedServer:
    """A real HTTP peer on 127.0.0.1 that answers every request with one status and JSON body: for error
    shapes a test server cannot be made to produce (Elasticsearch's security and shard errors)."""

    def __init__(self, status: int, body: dict):
        import json
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        payload = json.dumps(body).encode()
        seen = self.headers_seen = []

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                seen.append(dict(self.headers))
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = _answer

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> "CannedServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
