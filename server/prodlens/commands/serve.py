"""`prodlens serve`: the language server, over stdio (what editors start) or TCP (for debugging clients).

stdout belongs to the protocol: everything the server says goes to stderr and `window/logMessage`.
"""

from __future__ import annotations

import argparse
import logging
import sys


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("serve", help="run the language server (stdio by default)")
    parser.add_argument("--stdio", action="store_true", help="talk LSP over stdin/stdout (the default)")
    parser.add_argument("--tcp", metavar="HOST:PORT", help="listen on a TCP address instead of stdio")
    parser.add_argument("--log-level", default="WARNING", help="stderr log level (DEBUG, INFO, WARNING, ...)")
    parser.set_defaults(run=run)


def parse_address(text: str) -> tuple[str, int]:
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"--tcp wants HOST:PORT, not {text!r}")
    return host or "127.0.0.1", int(port)


def run(args: argparse.Namespace) -> int:
    level = getattr(logging, str(args.log_level).upper(), None)
    if not isinstance(level, int):
        print(f"prodlens serve: unknown log level {args.log_level!r}", file=sys.stderr)
        return 2
    logging.basicConfig(stream=sys.stderr, level=level, format="prodlens %(levelname)s %(name)s: %(message)s")
    address = None
    if args.tcp:
        try:
            address = parse_address(args.tcp)
        except ValueError as exc:
            print(f"prodlens serve: {exc}", file=sys.stderr)
            return 2
    from ..lsp.server import server

    if address:
        server.start_tcp(*address)
    else:
        server.start_io()
    return 0
