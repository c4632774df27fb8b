"""The `prodlens` command: a thin dispatcher over `prodlens.commands.<name>` modules.

Each command lives in its own module with `register(subparsers)` (adds its parser and sets `run`) and does its
work through library calls users can also make from Python. Modules import heavy dependencies inside `run`, so
`prodlens --help` stays fast. Exit codes: 0 ok, 1 failure, 2 usage.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import Sequence

from . import __version__
from .config import ConfigError

COMMANDS = ("index", "map", "ingest", "stats", "serve", "show", "demo", "dashboard")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="prodlens",
        description="Production log counts on every log statement, in your editor and terminal.",
    )
    parser.add_argument("--version", action="version", version=f"prodlens {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"prodlens.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"prodlens.commands.{name}":
                continue  # command not built yet
            raise
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(args.run(args) or 0)
    except ConfigError as exc:
        print(f"prodlens: configuration error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
