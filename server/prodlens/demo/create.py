"""Write the demo service and its logs, then ingest them like a user would."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from pathlib import Path

from ..stores.base import StoreError
from .generate import GeneratedLogs, generate_logs

MARKER = ".prodlens-demo"
README = """# acme shop (a prodlens demo)

Four small services, one per language, and three days of their production logs in `logs/`:

- `checkout/` Java (slf4j): checkout and the payment client
- `payments/` Python (logging): card capture, fraud check, refunds
- `web/` TypeScript (pino): the HTTP front end and the cart
- `inventory/` Go (log/slog): stock reservations

`prodlens demo` already ran `prodlens ingest logs` here. Try:

    prodlens show checkout/src/main/java/com/acme/shop/checkout/PaymentClient.java
    prodlens stats

or open this folder in an editor with the prodlens language server.
"""


class DemoError(RuntimeError):
    """The demo cannot be written where asked (the message says why)."""


@dataclass
class DemoResult:
    directory: Path
    sources: list[Path]
    logs: GeneratedLogs
    summary: object  # prodlens.ingest.pipeline.IngestSummary
    store: Path


def _service_files() -> list[tuple[str, bytes]]:
    base = resources.files("prodlens") / "demo_data" / "shop"
    out: list[tuple[str, bytes]] = []

    def walk(node, prefix: str) -> None:
        for child in sorted(node.iterdir(), key=lambda c: c.name):
            rel = f"{prefix}{child.name}"
            if child.is_dir():
                if child.name != "__pycache__":
                    walk(child, rel + "/")
            else:
                out.append((rel, child.read_bytes()))

    walk(base, "")
    return out


def _prepare(directory: Path) -> None:
    if directory.exists() and not directory.is_dir():
        raise DemoError(f"{directory} exists and is not a directory")
    if directory.is_dir() and any(directory.iterdir()) and not (directory / MARKER).exists():
        raise DemoError(
            f"{directory} is not empty and was not made by `prodlens demo`; choose a new directory "
            "(e.g. `prodlens demo prodlens-demo`)"
        )
    if (directory / MARKER).exists():  # a previous demo: start over so counts are not doubled
        for name in ("logs", ".prodlens"):
            shutil.rmtree(directory / name, ignore_errors=True)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / MARKER).write_text("created by `prodlens demo`; safe to delete with the whole folder\n")


def create_demo(directory: str | Path, *, now: datetime | None = None, seed: int = 7, scale: float = 0.4,
                progress=None) -> DemoResult:
    from ..config import load_config, store_path
    from ..ingest.pipeline import IngestOptions, ingest

    directory = Path(directory)
    try:
        _prepare(directory)
        sources = []
        for rel, data in _service_files():
            target = directory / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            sources.append(target)
        (directory / "README.md").write_text(README, encoding="utf-8")
        logs = generate_logs(directory / "logs", now=now, seed=seed, scale=scale)
    except OSError as exc:
        raise DemoError(f"cannot write the demo into {directory}: {exc.strerror or exc}") from None
    config = load_config(directory)
    store = store_path(config, directory)
    assert store is not None  # a fresh directory has no configuration: the embedded default
    try:
        summary = ingest([str(directory / "logs")], root=directory, config=config, store=store,
                         options=IngestOptions(service=None), progress=progress)
    except StoreError as exc:
        raise DemoError(str(exc)) from None
    return DemoResult(directory, sources, logs, summary, store)
