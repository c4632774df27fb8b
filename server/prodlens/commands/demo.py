"""`prodlens demo [DIR]`: a multi-language sample service with three days of production logs, ingested, so a
newcomer sees lenses and stats within seconds of installing prodlens.

A thin wrapper over `prodlens.demo.create_demo`; prints what it made and the next commands to run.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

DEFAULT_DIR = "prodlens-demo"


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "demo",
        help="create a sample service with production logs, ingested, to try prodlens",
        description="Write a small shop service (Java, Python, TypeScript and Go) and three days of its "
        "production logs into DIR, ingest the logs into DIR/.prodlens/store.db, and print how to look at the "
        "result in the terminal, VS Code or Neovim. Running it again on the same DIR starts the demo over.",
    )
    parser.add_argument("directory", nargs="?", default=DEFAULT_DIR, metavar="DIR",
                        help=f"where to create the demo (default: ./{DEFAULT_DIR})")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.set_defaults(run=run)


NEOVIM_SNIPPET = """  vim.lsp.start({{ name = "prodlens", cmd = {{ "prodlens", "serve" }}, root_dir = {root} }})"""


def run(args: argparse.Namespace) -> int:
    import json

    from ..demo.create import DemoError, create_demo

    directory = Path(args.directory)
    try:
        result = create_demo(directory)
    except DemoError as exc:
        print(f"prodlens demo: {exc}", file=sys.stderr)
        return 1
    summary = result.summary
    shown = directory / "checkout/src/main/java/com/acme/shop/checkout/PaymentClient.java"
    if args.json:
        print(json.dumps({
            "directory": str(directory), "store": str(result.store),
            "sources": [str(p.relative_to(directory)) for p in result.sources],
            "logs": [str(p.relative_to(directory)) for p in result.logs.files],
            "ingest": summary.to_json(),
        }))
        return 1 if summary.errors else 0
    d = shlex.quote(str(directory))
    languages = "Java, Python, TypeScript, Go"
    print(f"Created a sample shop service in {directory}/ ({len(result.sources)} source files: {languages})")
    print(f"  logs:     {directory}/logs/ ({result.logs.records:,} records over the last 3 days)")
    print(f"  ingested: {summary.records:,} records: {summary.matched:,} matched, {summary.ambiguous:,} ambiguous, "
          f"{summary.unmatched:,} unmatched → {result.store}")
    for error in summary.errors:
        print(f"  error: {error}")
    print()
    print("See production counts next to the code:")
    print(f"  prodlens show {shlex.quote(str(shown))}")
    print(f"  prodlens stats --root {d}")
    print(f"  prodlens dashboard --root {d}     # the monitoring page lenses link to: http://127.0.0.1:8765/")
    print()
    print("Open it in an editor:")
    print(f"  VS Code:  install the extension (`code --install-extension vscode-extension/prodlens.vsix` from this repository), then `code {d}` and open a source file")
    print("  Neovim:   add to init.lua (Neovim 0.8+; 0.7 needs vim.lsp.start_client, see the editor docs):")
    print(NEOVIM_SNIPPET.format(root=json.dumps(str(directory.resolve()))))
    return 1 if summary.errors else 0
