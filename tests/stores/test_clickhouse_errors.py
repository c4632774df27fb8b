"""What the user sees when ClickHouse cannot answer: one clear message naming the store URL without its
credentials, the kind of failure, and stale counts from the last good answer."""

from __future__ import annotations

import pytest

from prodlens.stores.base import StoreError
from prodlens.stores.clickhouse import ClickHouseStore

from .conftest import LEGACY_DDL, legacy_rows, store_config
from .logdata import PAYING, STATEMENTS, WINDOW
from .servers import CLICKHOUSE_PASSWORD, ClickHouseServer, free_port


def _store(url, workspace, environ=None, **store):
    return ClickHouseStore.from_config(store_config(url, **store), workspace)


def test_unreachable_server_is_named_without_credentials(workspace):
    port = free_port()
    store = _store(f"clickhouse+http://alice:hunter2pass@127.0.0.1:{port}", workspace, timeout=2.0)
    with pytest.raises(StoreError) as info:
        store.counts([PAYING], WINDOW)
    message = str(info.value)
    assert f"127.0.0.1:{port}" in message and "cannot reach" in message
    assert "hunter2pass" not in message and "alice" not in message
    assert info.value.kind == "unreachable"
    status = store.status()
    assert status.state == "unreachable" and "hunter2pass" not in status.message + status.url


def test_password_from_environment_variable(clickhouse, workspace, monkeypatch):
    monkeypatch.setenv("PRODLENS_TEST_CH_PASSWORD", CLICKHOUSE_PASSWORD)
    store = _store(f"clickhouse+{clickhouse.url}", workspace, user="secure", password_env="PRODLENS_TEST_CH_PASSWORD")
    assert store.counts([PAYING], WINDOW)[PAYING.key].total > 0


def test_wrong_password_is_an_auth_error_that_never_shows_the_password(clickhouse, workspace, monkeypatch):
    monkeypatch.setenv("PRODLENS_TEST_CH_PASSWORD", "wrong-Passw0rd-xyz")
    store = _store(f"clickhouse+{clickhouse.url}", workspace, user="secure", password_env="PRODLENS_TEST_CH_PASSWORD")
    with pytest.raises(StoreError) as info:
        store.counts([PAYING], WINDOW)
    assert info.value.kind == "auth"
    assert "wrong-Passw0rd-xyz" not in str(info.value)
    assert clickhouse.url.split("//")[1] in str(info.value)


def test_password_variable_not_set_is_a_configuration_error(clickhouse, workspace, monkeypatch):
    monkeypatch.delenv("PRODLENS_TEST_UNSET", raising=False)
    with pytest.raises(StoreError, match=r"\$PRODLENS_TEST_UNSET, which is not set"):
        _store(f"clickhouse+{clickhouse.url}", workspace, password_env="PRODLENS_TEST_UNSET")


def test_netrc_entry_supplies_the_password(clickhouse, workspace, monkeypatch, tmp_path):
    netrc = tmp_path / "netrc"
    netrc.write_text(f"machine 127.0.0.1 login secure password {CLICKHOUSE_PASSWORD}\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    store = _store(f"clickhouse+{clickhouse.url}", workspace)
    assert store.counts([PAYING], WINDOW)[PAYING.key].total > 0


def test_missing_table_is_a_schema_error(clickhouse, workspace):
    store = _store(f"clickhouse+{clickhouse.url}", workspace, table="no_such_logs")
    with pytest.raises(StoreError, match="table no_such_logs does not exist") as info:
        store.counts([PAYING], WINDOW)
    assert info.value.kind == "schema"
    assert store.status().state == "missing"


def test_missing_column_names_the_setting(clickhouse, workspace):
    store = _store(f"clickhouse+{clickhouse.url}", workspace, columns={"message": "Msg"})
    with pytest.raises(StoreError, match=r"store\.columns\.message") as info:
        store.counts([PAYING], WINDOW)
    assert info.value.kind == "schema"


def test_column_override_must_be_an_identifier(clickhouse, workspace):
    store = _store(f"clickhouse+{clickhouse.url}", workspace, columns={"message": "Body) OR (1"})
    with pytest.raises(StoreError, match="not a column name") as info:
        store.counts([PAYING], WINDOW)
    assert info.value.kind == "config"


def test_stale_counts_are_served_when_the_server_goes_away(tmp_path, dataset, workspace):
    server = ClickHouseServer(tmp_path).start()
    try:
        server.sql(LEGACY_DDL.format(table="otel_logs"))
        server.sql("INSERT INTO otel_logs FORMAT JSONEachRow", legacy_rows(dataset))
        store = _store(f"clickhouse+{server.url}", workspace, cache_ttl=0.0, timeout=2.0)
        fresh = store.counts(STATEMENTS, WINDOW)
        assert not any(c.stale for c in fresh.values())
    finally:
        server.stop()
    stale = store.counts(STATEMENTS, WINDOW)
    assert all(c.stale for c in stale.values())
    assert {k: c.total for k, c in stale.items()} == {k: c.total for k, c in fresh.items()}
    status = store.status()
    assert status.state == "stale" and "cannot reach" in status.message
    # a statement never fetched has no honest stale value: the error is raised instead
    with pytest.raises(StoreError):
        store.counts([*STATEMENTS, _other()], WINDOW)


def _other():
    import dataclasses

    return dataclasses.replace(PAYING, key="never-fetched")
