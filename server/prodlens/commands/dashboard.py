"""`prodlens dashboard`: serve the monitoring page behind "go to monitoring" for the embedded store."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "dashboard",
        help="serve the local monitoring page for the embedded store",
        description="Serve an overview of production log statements and one page per statement, read-only, "
        "from the embedded store. The language server links to it.",
    )
    parser.add_argument("--root", default=".", help="the source tree (default: the current directory)")
    parser.add_argument("--store", help="the SQLite store file (default: from the configuration)")
    parser.add_argument("--host", help="address to bind (default 127.0.0.1; anything else exposes your logs)")
    parser.add_argument("--port", type=int, help="port (default: dashboard.port, 8765)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..config import load_config, store_path

    root = Path(args.root).resolve()
    if not root.is_dir():
        print(f"prodlens dashboard: --root {args.root}: not a directory", file=sys.stderr)
        return 2
    config = load_config(root)
    store_file = Path(args.store) if args.store else store_path(config, root)
    if store_file is None:
        print("prodlens dashboard: the built-in dashboard serves the embedded store only; "
              f"store.url is {config.store.url.split('://')[0]}://… — use your store's own dashboard", file=sys.stderr)
        return 2
    if not store_file.exists():
        print(f"prodlens dashboard: no store at {store_file}; run `prodlens ingest LOGFILE` first "
              "(the page will show data as soon as it exists)", file=sys.stderr)
    host = args.host or config.dashboard.host
    port = args.port or config.dashboard.port
    from ..dashboard.app import serve

    print(f"prodlens dashboard on http://{host}:{port}/  (Ctrl-C to stop)", file=sys.stderr)
    serve(root, config, store_file, host, port)
    return 0
