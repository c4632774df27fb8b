"""Configuration: `.prodlens.toml`, or `[tool.prodlens]` in `pyproject.toml`, overridden by the editor.

One typed model with defaults, validated once. Unknown keys are errors that name the key, because a typo that
silently does nothing is the worst kind of configuration bug. Defaults work with no file at all.

Each section is a dataclass; a part of prodlens that needs a setting adds a field to its section here, with a
default and a comment saying what it does (that comment is the documentation's source: docs/configuration.md).
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args, get_origin, get_type_hints


class ConfigError(ValueError):
    """A configuration value or key is wrong. The message names the key and the file; with several problems, each
    is its own line (`problems`), so a file with three mistakes is fixed in one pass, not three."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        self.problems = problems or [message]
        super().__init__(message)

    @classmethod
    def of(cls, problems: list[str]) -> "ConfigError":
        if len(problems) == 1:
            return cls(problems[0])
        return cls(f"{len(problems)} problems:\n" + "\n".join(f"  {p}" for p in problems), problems)


@dataclass
class LoggingMethod:
    """A project's own logging method, declared so its call sites become statements."""

    name: str  # method/function name, e.g. "audit" or "Audit.log"
    level: str | None = None  # fixed level, or None to take it from `level_arg`
    message_arg: int = 0  # which argument (0-based) is the message
    level_arg: int | None = None  # which argument is the level, when passed in
    language: str | None = None  # restrict to one language


@dataclass
class IndexConfig:
    include: list[str] = field(default_factory=list)  # globs; empty = every file of a known language
    exclude: list[str] = field(default_factory=list)  # globs, in addition to .gitignore
    max_file_bytes: int = 2_000_000  # larger files are skipped (reported)
    languages: list[str] = field(default_factory=lambda: ["java", "python", "javascript", "typescript", "go"])
    logging_methods: list[LoggingMethod] = field(default_factory=list)
    detect_wrappers: bool = True
    cache: bool = True  # persisted cache under .prodlens/


@dataclass
class RecordsConfig:
    """How log records are read (`prodlens map`, `prodlens ingest`)."""

    format: str = "auto"  # auto | jsonl | otlp | logfmt | pattern
    pattern: str | None = None  # log4j PatternLayout, Python logging format, or a regex with named groups
    message_fields: list[str] = field(default_factory=list)  # tried before the built-in names
    level_fields: list[str] = field(default_factory=list)
    logger_fields: list[str] = field(default_factory=list)
    time_fields: list[str] = field(default_factory=list)
    exception_fields: list[str] = field(default_factory=list)
    location_fields: list[str] = field(default_factory=list)  # [path_field, line_field]
    path_prefixes: dict[str, str] = field(default_factory=dict)  # deployed prefix -> repository prefix
    # (matching) lines longer than this many bytes are skipped with a reason instead of being read into memory
    max_line_bytes: int = 4_000_000


@dataclass
class StoreConfig:
    url: str = "sqlite:///.prodlens/store.db"  # relative sqlite paths are relative to the workspace root
    token_env: str | None = None  # name of the environment variable holding a bearer token
    user: str | None = None
    password_env: str | None = None  # name of the environment variable holding the password
    timeout: float = 5.0  # seconds, per request
    retries: int = 2
    table: str | None = None  # ClickHouse table (default otel_logs)
    index: str | None = None  # Elasticsearch/OpenSearch index pattern
    selector: str | None = None  # Loki stream selector
    columns: dict[str, str] = field(default_factory=dict)  # schema overrides: logical name -> column/field
    service: str | None = None  # restrict counts to one service
    # Remote stores (ClickHouse, Loki, Elasticsearch/OpenSearch):
    connect_timeout: float = 3.0  # seconds to establish a connection (capped at `timeout`)
    backoff: float = 0.2  # seconds before the first retry; doubled for each further retry
    cache_ttl: float = 60.0  # seconds a remote answer is reused without asking again (then refreshed)
    anchored: bool | None = None  # match the whole message (ClickHouse/ES default) or search in it (Loki)
    match_logger: bool = True  # a statement with a known logger only counts records from that logger
    concurrency: int = 4  # Loki: requests in flight at once for one document
    batch: int = 20  # Loki: statements per LogQL query (joined with `or`)
    level_label: str | None = None  # Loki: label holding the level (e.g. detected_level): counts narrowed by level
    strategy: str = "auto"  # ClickHouse: auto | multimatch | countif (how one query counts many regexes)


@dataclass
class IngestConfig:
    retention: str = "30d"
    samples: int = 20  # latest occurrences kept per statement
    redact: bool = True
    redact_patterns: list[str] = field(default_factory=list)  # extra regexes whose matches are masked
    rollup_after: str = "2d"  # minute buckets older than this are rolled up to hours
    max_store_bytes: int = 2_000_000_000
    max_unmatched_shapes: int = 2000  # (ingest issue) unmatched message shapes kept; least frequent dropped


@dataclass
class DiagnosticsConfig:
    spikes: bool = True  # error/warning statements whose rate jumped against the previous window
    spike_ratio: float = 2.0
    spike_min_hits: int = 10
    never_hit: bool = True  # statements never hit in the retention period (hint)
    dynamic: bool = True  # statements whose message is fully dynamic (information)


@dataclass
class DashboardConfig:
    url_template: str | None = None  # {query} {regex} {from} {to} {service} {statement} {window}
    kind: str | None = None  # kibana | opensearch | grafana | builtin
    grafana_datasource: str | None = None
    base_url: str | None = None  # Kibana / OpenSearch Dashboards / Grafana address for "go to monitoring"
    data_view: str | None = None  # Kibana/OpenSearch Dashboards data view (index pattern) id, optional
    grafana_org: int | None = None  # Grafana organisation id (orgId=), optional
    port: int = 8765
    host: str = "127.0.0.1"


@dataclass
class Config:
    window: str = "24h"
    service: str | None = None
    index: IndexConfig = field(default_factory=IndexConfig)
    records: RecordsConfig = field(default_factory=RecordsConfig)
    store: StoreConfig = field(default_factory=StoreConfig)
    ingest: IngestConfig = field(default_factory=IngestConfig)
    diagnostics: DiagnosticsConfig = field(default_factory=DiagnosticsConfig)
    dashboard: DashboardConfig = field(default_factory=DashboardConfig)

    def merged(self, overrides: dict[str, Any], source: str = "overrides") -> "Config":
        """A copy with `overrides` (same shape as the file) applied on top; validated the same way."""
        data = to_dict(self)
        _deep_update(data, overrides)
        return from_dict(data, source)


def _deep_update(base: dict[str, Any], new: dict[str, Any]) -> None:
    for key, value in new.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _deep_update(base[key], value)
        else:
            base[key] = value


def to_dict(config: Any) -> dict[str, Any]:
    return dataclasses.asdict(config)


def from_dict(data: dict[str, Any], source: str = "configuration") -> Config:
    """Build a Config from parsed TOML/JSON, raising one ConfigError that names every bad key."""
    return _build(Config, data, source, "")


def _build(cls: type, data: Any, source: str, prefix: str) -> Any:
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: `{prefix.rstrip('.') or 'root'}` must be a table")
    hints = get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    kwargs: dict[str, Any] = {}
    problems: list[str] = []  # every bad key of the table is told, not only the first
    for key, value in data.items():
        norm = key.replace("-", "_")
        if norm not in names:
            known = ", ".join(sorted(names))
            problems.append(f"{source}: unknown key `{prefix}{key}` (known keys here: {known})")
            continue
        try:
            kwargs[norm] = _coerce(hints[norm], value, source, f"{prefix}{key}")
        except ConfigError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ConfigError.of(problems)
    try:
        return cls(**kwargs)
    except TypeError as exc:  # a required field missing (e.g. LoggingMethod.name)
        raise ConfigError(f"{source}: `{prefix.rstrip('.')}`: {exc}") from None


def _coerce(hint: Any, value: Any, source: str, key: str) -> Any:
    origin = get_origin(hint)
    args = get_args(hint)
    if dataclasses.is_dataclass(hint):
        return _build(hint, value, source, key + ".")
    if origin is list:
        if not isinstance(value, list):
            raise ConfigError(f"{source}: `{key}` must be a list")
        items, problems = [], []
        for i, v in enumerate(value):
            try:
                items.append(_coerce(args[0], v, source, f"{key}[{i}]"))
            except ConfigError as exc:
                problems.extend(exc.problems)
        if problems:
            raise ConfigError.of(problems)
        return items
    if origin is dict:
        if not isinstance(value, dict):
            raise ConfigError(f"{source}: `{key}` must be a table")
        return {str(k): _coerce(args[1], v, source, f"{key}.{k}") for k, v in value.items()}
    if args and type(None) in args:  # Optional[X]
        if value is None:
            return None
        inner = [a for a in args if a is not type(None)]
        return _coerce(inner[0], value, source, key)
    if hint is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{source}: `{key}` must be true or false, not {value!r}")
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{source}: `{key}` must be a whole number, not {value!r}")
        return value
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{source}: `{key}` must be a number, not {value!r}")
        return float(value)
    if hint is str:
        if not isinstance(value, str):
            raise ConfigError(f"{source}: `{key}` must be a string, not {value!r}")
        return value
    return value


CONFIG_FILE = ".prodlens.toml"
PROJECT_MARKERS = (CONFIG_FILE, ".prodlens", ".git")  # what makes a folder a project root


def marked_project_root(file: Path) -> Path | None:
    """The nearest folder above `file` holding a project marker, or None. `prodlens show` and a language server
    opened without a workspace folder both find the project (and so its store) this way."""
    for folder in file.parents:
        if any((folder / marker).exists() for marker in PROJECT_MARKERS):
            return folder
    return None


def load_config(root: str | Path) -> Config:
    """Read `.prodlens.toml` or `[tool.prodlens]` from `root`; defaults when neither exists."""
    root = Path(root)
    path = root / CONFIG_FILE
    if path.is_file():
        return from_dict(_read_toml(path), str(path.name))
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        data = _read_toml(pyproject).get("tool", {}).get("prodlens")
        if data is not None:
            return from_dict(data, "pyproject.toml [tool.prodlens]")
    return Config()


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path.name}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{path.name}: cannot be read: {exc.strerror}") from None


def store_path(config: Config, root: str | Path) -> Path | None:
    """The embedded store's file for a `sqlite:///` URL (relative to root), else None."""
    url = config.store.url
    if not url.startswith("sqlite:///"):
        return None
    raw = url[len("sqlite:///"):]
    path = Path(raw)
    return path if path.is_absolute() else Path(root) / path
