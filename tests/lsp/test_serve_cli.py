"""`prodlens serve`: stdio is exercised by every other test here; this one checks --tcp and bad arguments."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time

import pytest


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def frame(message: dict) -> bytes:
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def read_message(stream) -> dict:
    length = 0
    while True:
        line = stream.readline()
        if line in (b"\r\n", b""):
            break
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    return json.loads(stream.read(length))


def test_tcp(tmp_path):
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "prodlens", "serve", "--tcp", f"127.0.0.1:{port}"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        for _ in range(600):  # the server binds after importing pygls: poll, bounded by pytest-timeout
            try:
                conn = socket.create_connection(("127.0.0.1", port), timeout=30)
                break
            except ConnectionRefusedError:
                assert server.poll() is None, server.stderr.read().decode()
                time.sleep(0.05)
        stream = conn.makefile("rwb")
        stream.write(frame({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                            "params": {"processId": None, "rootUri": tmp_path.as_uri(), "capabilities": {}}}))
        stream.flush()
        reply = read_message(stream)
        assert reply["id"] == 1
        capabilities = reply["result"]["capabilities"]
        assert capabilities["codeLensProvider"] == {"resolveProvider": True}
        assert set(capabilities["executeCommandProvider"]["commands"]) == {
            "prodlens.openDashboard", "prodlens.findStatement", "prodlens.setWindow", "prodlens.refresh"}
        assert capabilities["hoverProvider"] and capabilities["workspaceSymbolProvider"]
        assert reply["result"]["serverInfo"]["name"] == "prodlens"
        stream.write(frame({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}))
        stream.write(frame({"jsonrpc": "2.0", "method": "exit"}))
        stream.flush()
        conn.close()
        assert server.stdout.read() == b""  # the protocol went over the socket; stdout stayed clean
    finally:
        server.kill()
        server.wait()


@pytest.mark.parametrize("address", ["nope", "127.0.0.1:", "127.0.0.1:99999", ":x"])
def test_bad_tcp_address(address):
    done = subprocess.run([sys.executable, "-m", "prodlens", "serve", "--tcp", address],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "--tcp wants HOST:PORT" in done.stderr
