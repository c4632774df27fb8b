"""The language server's lens assertions (tests/lsp) with the ClickHouse store instead of SQLite: the same
sample service, its production log loaded into Debian's clickhouse-server as OpenTelemetry-style rows, and the
real `prodlens serve` over stdio showing the same lens titles."""

from __future__ import annotations

import json
import sys
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pygls import uris
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from .conftest import LEGACY_DDL

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "lsp"))
from lsp_helpers import lens_titles, open_file  # noqa: E402
from sample_service import DYNAMIC, EXPECTED_LENSES, JAVA_PATH, PY_PATH, log_records, write_service  # noqa: E402

SERVER = ClientServerConfig(server_command=[sys.executable, "-m", "prodlens", "serve"])


@pytest.fixture
def ch_workspace(tmp_path: Path, clickhouse) -> Path:
    database = f"lsp_{uuid.uuid4().hex[:8]}"
    clickhouse.sql(f"CREATE DATABASE {database}")
    clickhouse.sql(LEGACY_DDL.format(table=f"{database}.otel_logs"))
    rows = []
    for line in log_records(datetime.now(timezone.utc)):
        record = json.loads(line)
        when = datetime.strptime(record["timestamp"], "%Y-%m-%dT%H:%M:%S.%fZ")
        rows.append(json.dumps({
            "Timestamp": when.strftime("%Y-%m-%d %H:%M:%S"), "SeverityText": record["level"],
            "ServiceName": record["service"], "Body": record["message"], "ScopeName": record["logger"],
            "ResourceAttributes.key": ["service.version"], "ResourceAttributes.value": [record["version"]],
            "LogAttributes.key": [], "LogAttributes.value": []}))
    clickhouse.sql(f"INSERT INTO {database}.otel_logs FORMAT JSONEachRow", ("\n".join(rows) + "\n").encode())
    root = tmp_path / "shop"
    root.mkdir()
    write_service(root)
    (root / ".prodlens.toml").write_text(f'[store]\nurl = "clickhouse+{clickhouse.url}/{database}"\n')
    return root


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient, ch_workspace: Path):
    @lsp_client.feature(types.WORKSPACE_CODE_LENS_REFRESH)
    def _refresh(params: None) -> None:
        pass

    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def _register(params: types.RegistrationParams) -> None:
        pass  # the server registers file watchers with clients that support it, as VS Code does

    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"),
        root_uri=uris.from_fs_path(str(ch_workspace)),
        workspace_folders=[types.WorkspaceFolder(uri=uris.from_fs_path(str(ch_workspace)), name="shop")],
    ))
    yield
    await lsp_client.shutdown_session()


async def test_lenses_from_clickhouse_match_the_sqlite_expectations(client, ch_workspace):
    for path in (JAVA_PATH, PY_PATH):
        titles = await lens_titles(client, open_file(client, ch_workspace, path))
        want = {line: title for (p, line), title in EXPECTED_LENSES.items() if p == path}
        if path == JAVA_PATH:
            want[DYNAMIC] = "never seen · 30d"  # log.info(payload): no text to match, no location in the log
        assert titles == want
