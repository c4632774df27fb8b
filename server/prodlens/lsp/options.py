"""Editor settings (initializationOptions, workspace/didChangeConfiguration) → one validated `Config`.

The editor's settings have the same shape as `.prodlens.toml` and override it. A wrong setting must not cost
the user their lenses: it is reported (the caller shows the message) and the file's configuration is used.
VS Code sends settings under a `prodlens` section; both the bare and the sectioned shapes are accepted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import Config, ConfigError, load_config
from ..model import WINDOWS


@dataclass(slots=True)
class ResolvedConfig:
    config: Config
    problems: list[str] = field(default_factory=list)


def unwrap(options: Any) -> dict[str, Any]:
    """The settings table inside whatever the client sent (None, {}, {"prodlens": {...}} or the table)."""
    if not isinstance(options, dict):
        return {}
    inner = options.get("prodlens")
    if isinstance(inner, dict) and len(options) == 1:
        return inner
    return options


def resolve(root: Path, options: Any) -> ResolvedConfig:
    """The file's configuration with the editor's settings on top; defaults and a message when either is bad."""
    problems: list[str] = []
    try:
        base = load_config(root)
    except ConfigError as exc:
        problems.append(f"{exc} — using defaults")
        base = Config()
    if options is not None and not isinstance(options, dict):
        problems.append(f"settings must be an object, not {type(options).__name__} — ignored")
    overrides = unwrap(options)
    config = base
    if overrides:
        try:
            config = base.merged(overrides, "editor settings")
        except ConfigError as exc:
            problems.append(f"{exc} — ignoring the editor settings")
    if config.window not in WINDOWS:
        problems.append(f"window {config.window!r} is not one of {', '.join(WINDOWS)} — using 24h")
        config.window = "24h"
    return ResolvedConfig(config, problems)
