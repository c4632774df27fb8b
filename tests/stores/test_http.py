"""Shared remote-store plumbing: URL redaction, credential sources, the stale cache."""

from __future__ import annotations

import pytest

from prodlens.config import StoreConfig
from prodlens.model import Counts
from prodlens.stores.http import RemoteCache, RemoteStoreError, redact_url, resolve_credentials, split_store_url

from .logdata import PAYING, RETRY, WINDOW


def test_redact_url_drops_user_info_and_secret_parameters():
    assert redact_url("https://bob:pw@host:8443/db?password=x&database=logs") == \
        "https://host:8443/db?password=%2A%2A%2A&database=logs"
    assert "tok123" not in redact_url("http://host/?access_token=tok123")


def test_split_store_url():
    assert split_store_url("clickhouse+https://u:p@h:8443/db") == ("clickhouse", "https://u:p@h:8443/db")
    assert split_store_url("loki://h:3100") == ("loki", "http://h:3100")


def test_credentials_precedence(tmp_path):
    env = {"TOKEN": "t0k", "PW": "pw1"}
    assert resolve_credentials(StoreConfig(token_env="TOKEN"), "http://h", env).token == "t0k"
    cred = resolve_credentials(StoreConfig(user="u", password_env="PW"), "http://h", env)
    assert (cred.user, cred.password) == ("u", "pw1") and "pw1" not in cred.describe()
    netrc = tmp_path / "netrc"
    netrc.write_text("machine h login n password np\n")
    netrc.chmod(0o600)
    cred = resolve_credentials(StoreConfig(), "http://h", {"NETRC": str(netrc)})
    assert (cred.user, cred.password, cred.source) == ("n", "np", "netrc")
    with pytest.raises(RemoteStoreError, match="not set"):
        resolve_credentials(StoreConfig(token_env="MISSING"), "http://h", env)


def test_cache_fresh_stale_and_missing():
    cache = RemoteCache(ttl=0.0)
    calls = []

    def ok(todo):
        calls.append(len(todo))
        return {s.key: Counts(total=7) for s in todo}

    def down(todo):
        raise RemoteStoreError("cannot reach loki+http://h", "unreachable")

    assert cache.counts([PAYING], WINDOW, ok)[PAYING.key].total == 7
    stale = cache.counts([PAYING], WINDOW, down)[PAYING.key]
    assert stale.total == 7 and stale.stale
    with pytest.raises(RemoteStoreError):
        cache.counts([PAYING, RETRY], WINDOW, down)
    assert cache.status("loki+http://h").state == "stale"
    fresh = RemoteCache(ttl=3600.0)
    fresh.counts([PAYING], WINDOW, ok)
    fresh.counts([PAYING], WINDOW, ok)
    assert calls == [1, 1]  # the second call to `fresh` was served from cache


def test_a_server_that_never_answers_is_reported_slow_not_waited_for():
    import socket
    import threading

    from prodlens.stores.http import Credentials, HttpOptions, RemoteClient

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    accepted = []
    stop = threading.Event()

    def accept():
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])  # read nothing, answer nothing
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    port = listener.getsockname()[1]
    client = RemoteClient("loki", f"http://127.0.0.1:{port}", Credentials(),
                          HttpOptions(timeout=0.3, connect_timeout=0.3, retries=1, backoff=0.01))
    try:
        with pytest.raises(RemoteStoreError) as info:
            client.request("GET", "/loki/api/v1/query_range")
    finally:
        client.close()
        stop.set()
        thread.join()
        for conn in accepted:
            conn.close()
        listener.close()
    assert info.value.kind == "slow" and "did not answer within 0.3 s" in str(info.value)
    assert len(accepted) == 2  # the first attempt and one retry
