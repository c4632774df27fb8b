"""ClickHouse: counts for a whole document in one query, pushed down into the server.

Default schema: the OpenTelemetry collector's `otel_logs` table (Timestamp, SeverityText, ServiceName, Body,
ScopeName, ResourceAttributes, LogAttributes, ...). Every logical column can be pointed elsewhere with
`store.columns` (`message = "msg"`, `file_path = "attrs['code.file.path']"`), and old servers without the Map
type are served by a legacy layout with Nested attributes (docs/stores/clickhouse.md).

How one query counts N statements: each row of the time range is turned into the list of statements it fits
(`multiMatchAllIndices` with every statement's RE2 pattern where the server has Hyperscan, N `match()` calls
otherwise), narrowed by level and logger, replaced by the code location when the row carries one, reduced to
the statements with the most literal text (the matcher's tie-break), then `ARRAY JOIN`ed and aggregated per
statement: totals for this window and the previous one, one bucket per sparkline step, per level, service and
version. Raw rows never leave the server.

Values never become SQL text: on servers with query parameters (19.x and later) every string from a statement
or from configuration travels as a `{pN:String}` parameter; on servers without them (Debian's 18.16) strings
are written as `unhex('…')` of their UTF-8 bytes, so only hex digits reach the SQL parser. Identifiers from
configuration are checked against a strict pattern and back-quoted.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Sequence

from .. import render
from ..config import Config
from ..model import _LEVEL_ALIASES, LEVELS, Bucket, Counts, LogStatement, Sample
from .base import StoreStatus, TimeRange
from .dashboards import DashboardRequest, build_dashboard_url
from .http import (RemoteCache, RemoteClient, RemoteStoreError, SampleRedactor, client_from_config, redact_url,
                   split_store_url)

DEFAULT_TABLE = "otel_logs"

# logical name -> column reference(s); the first one present in the table wins
DEFAULT_COLUMNS: dict[str, tuple[str, ...]] = {
    "timestamp": ("Timestamp",),
    "message": ("Body",),
    "level": ("SeverityText",),
    "service": ("ServiceName",),
    "logger": ("ScopeName",),
    "version": ("ResourceAttributes['service.version']",),
    "file_path": ("LogAttributes['code.file.path']", "LogAttributes['code.filepath']"),
    "line": ("LogAttributes['code.line.number']", "LogAttributes['code.lineno']"),
}
REQUIRED = ("timestamp", "message")

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_COLUMN_REF = re.compile(r"""^(?P<col>[A-Za-z_][A-Za-z0-9_]*)(?:\[(?P<q>['"])(?P<key>[^'"\\]+)(?P=q)\])?$""")
_ERROR_CODE = re.compile(r"Code:\s*(\d+)")

# ClickHouse error codes that mean "your schema is not what prodlens expects"
_SCHEMA_CODES = {16, 47, 60, 81, 115}  # no such column, unknown identifier, unknown table/database, setting
_AUTH_CODES = {192, 193, 194, 195, 497, 516}
_SLOW_CODES = {159, 160, 209, 210}  # timeout exceeded, too slow, socket timeout, network error


def _bucket_step(seconds: float) -> int:
    """A sparkline step that gives 12..40 buckets for the common windows (15m→1m, 1h→5m, 24h→1h, 7d→6h)."""
    for step in (60, 300, 900, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400, 7 * 86400):
        if seconds / step <= 40:
            return step
    return 30 * 86400


# --------------------------------------------------------------------------------------------------------------
# Safe values


def tsv_escape(value: str) -> str:
    """ClickHouse reads query parameter values in its escaped text format: backslashes, tabs and newlines
    must be escaped or `\\.` in a regex would arrive as `.`."""
    return (value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
            .replace("\0", "\\0"))


class Values:
    """Turns Python values into SQL placeholders: `{pN:String}` with a parameter, or (servers without query
    parameters) `unhex('…')`. Integers are ours (timestamps, line numbers, indices) and are written as digits."""

    def __init__(self, native: bool):
        self.native = native
        self.params: dict[str, str] = {}

    def s(self, value: str) -> str:
        if self.native:
            name = f"p{len(self.params)}"
            self.params[name] = value
            return "{%s:String}" % name
        return "unhex('%s')" % value.encode("utf-8", "surrogatepass").hex().upper()

    @staticmethod
    def i(value: int) -> str:
        return str(int(value))

    def strings(self, values: Sequence[str]) -> str:
        return "[" + ", ".join(self.s(v) for v in values) + "]" if values else "emptyArrayString()"

    @staticmethod
    def ints(values: Sequence[int]) -> str:
        return "[" + ", ".join(str(int(v)) for v in values) + "]"


def quote_ident(name: str) -> str:
    if not _IDENT.match(name):
        raise RemoteStoreError(f"not a plain ClickHouse identifier: {name!r}", "config")
    return f"`{name}`"


# --------------------------------------------------------------------------------------------------------------
# Transports: the same SQL over HTTP (any server) or in-process (chdb)


class HttpTransport:
    """ClickHouse's HTTP interface: the query in the POST body, parameters as `param_x`, settings as URL
    parameters (18.16 has no SET over HTTP without a session)."""

    def __init__(self, client: RemoteClient, database: str | None, timeout: float):
        self.client = client
        self.database = database
        self.timeout = timeout
        self.display_url = client.display_url

    def query(self, sql: str, params: dict[str, str] | None = None) -> dict[str, Any]:
        url_params: dict[str, str] = {"max_execution_time": str(max(1, int(self.timeout)))}
        if self.database:
            url_params["database"] = self.database
        for name, value in (params or {}).items():
            url_params[f"param_{name}"] = tsv_escape(value)
        try:
            response = self.client.request("POST", "/", params=url_params, content=sql.encode("utf-8"),
                                           describe_error=_clickhouse_error_text)
        except RemoteStoreError as exc:
            if exc.kind == "query":  # ClickHouse's own error: say which kind (schema, auth, slow) it is
                raise _classified(self.display_url, str(exc)) from None
            raise
        return _parse_json(response.text, self.display_url)

    def close(self) -> None:
        self.client.close()


class ChdbTransport:
    """ClickHouse in-process (the `chdb` package): the modern engine (Map, Hyperscan) without a server. Used by
    the tests and the benchmark, and by users who keep logs in a local chdb directory."""

    def __init__(self, session: Any, display_url: str, owns_session: bool):
        self.session = session
        self.display_url = display_url
        self._owns = owns_session
        self._lock = threading.Lock()  # a chdb session is not safe for concurrent queries

    @classmethod
    def open(cls, path: Path) -> "ChdbTransport":
        try:
            from chdb import session as chdb_session
        except ImportError:
            raise RemoteStoreError("store.url uses clickhouse+chdb://, but the chdb package is not installed "
                                   "(pip install chdb)", "config") from None
        return cls(chdb_session.Session(str(path)), f"clickhouse+chdb://{path}", True)

    def query(self, sql: str, params: dict[str, str] | None = None) -> dict[str, Any]:
        escaped = {k: tsv_escape(v) for k, v in (params or {}).items()}
        try:
            with self._lock:
                result = self.session.query(sql, "JSONCompact", params=escaped or None)
        except Exception as exc:  # chdb raises plain RuntimeError with the server's message
            raise _classified(self.display_url, str(exc)) from None
        return _parse_json(result.bytes().decode("utf-8", "replace"), self.display_url)

    def close(self) -> None:
        if self._owns:
            self.session.close()


def _clickhouse_error_text(response: Any) -> str:
    text = response.text.strip().replace("\n", " ")
    return text[:400]


def _classified(display_url: str, text: str) -> RemoteStoreError:
    match = _ERROR_CODE.search(text)
    code = int(match.group(1)) if match else -1
    short = text.strip().replace("\n", " ")[:400]
    if code in _AUTH_CODES:
        return RemoteStoreError(f"{display_url} refused the credentials: {short}", "auth")
    if code in _SLOW_CODES:
        return RemoteStoreError(f"{display_url} gave up on a slow query (store.timeout): {short}", "slow")
    if code in _SCHEMA_CODES:
        return RemoteStoreError(f"{display_url}: the table does not have the expected schema: {short}", "schema")
    return RemoteStoreError(f"{display_url}: query failed: {short}", "query")


def _parse_json(text: str, display_url: str) -> dict[str, Any]:
    try:
        return json.loads(text)
    except ValueError:
        raise _classified(display_url, text) from None


# --------------------------------------------------------------------------------------------------------------
# Schema


@dataclass(frozen=True)
class ColumnRef:
    """A logical column resolved against the table: a plain column, a Map key, or a Nested key/value pair."""

    column: str
    key: str | None = None
    layout: str = "plain"  # plain | map | nested

    def sql(self, values: Values) -> str:
        if self.layout == "plain":
            return quote_ident(self.column)
        assert self.key is not None
        if self.layout == "map":
            return f"{quote_ident(self.column)}[{values.s(self.key)}]"
        keys = f"`{self.column}.key`"
        vals = f"`{self.column}.value`"
        return f"{vals}[indexOf({keys}, {values.s(self.key)})]"


@dataclass
class Capabilities:
    version: tuple[int, ...]
    version_text: str
    query_parameters: bool
    multimatch: bool


@dataclass
class Schema:
    database: str | None
    table: str
    columns: dict[str, ColumnRef] = field(default_factory=dict)
    timestamp_type: str = "DateTime"

    @property
    def qualified(self) -> str:
        name = quote_ident(self.table)
        return f"{quote_ident(self.database)}.{name}" if self.database else name

    def has(self, logical: str) -> bool:
        return logical in self.columns


def resolve_schema(column_types: dict[str, str], database: str | None, table: str,
                   overrides: dict[str, str]) -> Schema:
    """Map logical names onto the table's real columns. Raises a schema error naming what is missing."""
    schema = Schema(database, table)
    unknown = set(overrides) - set(DEFAULT_COLUMNS)
    if unknown:
        raise RemoteStoreError(f"store.columns: unknown logical column(s) {', '.join(sorted(unknown))} "
                               f"(known: {', '.join(DEFAULT_COLUMNS)})", "config")
    for logical, defaults in DEFAULT_COLUMNS.items():
        candidates = (overrides[logical],) if logical in overrides else defaults
        for candidate in candidates:
            ref = _resolve_ref(candidate, column_types, f"store.columns.{logical}")
            if ref is not None:
                schema.columns[logical] = ref
                break
        else:
            if logical in REQUIRED or logical in overrides:
                where = f"{database}.{table}" if database else table
                raise RemoteStoreError(
                    f"table {where} has no column {candidates[0]} for the log {logical} "
                    f"(set store.columns.{logical}; columns there: {', '.join(sorted(column_types)[:30])})",
                    "schema")
    ts_type = column_types[schema.columns["timestamp"].column]
    if not re.match(r"^(Nullable\()?DateTime", ts_type):
        raise RemoteStoreError(f"column {schema.columns['timestamp'].column} is {ts_type}, not a DateTime "
                               "(store.columns.timestamp)", "schema")
    schema.timestamp_type = ts_type
    return schema


def _resolve_ref(text: str, column_types: dict[str, str], key_name: str) -> ColumnRef | None:
    match = _COLUMN_REF.match(text.strip())
    if not match:
        raise RemoteStoreError(f"{key_name}: {text!r} is not a column name or Column['key']", "config")
    column, key = match.group("col"), match.group("key")
    if key is None:
        return ColumnRef(column) if column in column_types else None
    if column in column_types and column_types[column].startswith("Map("):
        return ColumnRef(column, key, "map")
    if f"{column}.key" in column_types and f"{column}.value" in column_types:
        return ColumnRef(column, key, "nested")
    return None


# --------------------------------------------------------------------------------------------------------------
# Query building (pure: tested without a server)


def _level_sql(level_ref: str) -> str:
    """Normalise the level column once per row to prodlens's six names ('' when unknown)."""
    by_level: dict[str, list[str]] = {name: [] for name in LEVELS}
    for alias, name in _LEVEL_ALIASES.items():
        if alias.isalpha():
            by_level[name].append(alias)
    branches = []
    for name in LEVELS:
        aliases = ", ".join(f"'{a}'" for a in sorted(by_level[name]))
        branches.append(f"lower(toString({level_ref})) IN ({aliases}), '{name}'")
    return "multiIf(" + ", ".join(branches) + ", '')"


def _weight(statement: LogStatement) -> int:
    """The matcher's tie-break as one number: most literal characters first, then fewest holes."""
    return statement.template.literal_chars * 100 + max(0, 99 - statement.template.holes)


def _path_tail(path: str) -> str:
    parts = [p for p in path.split("/") if p]
    return "/".join(parts[-2:])


@dataclass
class BuiltQuery:
    sql: str
    params: dict[str, str]
    step: int = 0
    buckets: int = 0


class QueryBuilder:
    def __init__(self, schema: Schema, caps: Capabilities, *, strategy: str = "auto", anchored: bool = True,
                 match_logger: bool = True, service: str | None = None):
        self.schema = schema
        self.caps = caps
        if strategy not in ("auto", "multimatch", "countif"):
            raise RemoteStoreError(f"store.strategy must be auto, multimatch or countif, not {strategy!r}",
                                   "config")
        if strategy == "multimatch" and not caps.multimatch:
            raise RemoteStoreError(f"store.strategy = multimatch, but ClickHouse {caps.version_text} has no "
                                   "multiMatchAllIndices", "config")
        self.multimatch = caps.multimatch if strategy == "auto" else strategy == "multimatch"
        self.anchored = anchored
        self.match_logger = match_logger
        self.service = service

    def pattern(self, statement: LogStatement) -> str:
        """RE2 for ClickHouse. ClickHouse compiles `match`/`multiMatch*` patterns with `.` matching newlines
        and `^`/`$` at the ends of the whole value, so the `(?s)\\A…\\z` form render.re2 writes for other RE2
        users is written `^…$` here: same meaning, and 3x faster on 18.16, whose literal prefilter does not see
        through `(?s)\\A` (one run on a shared machine: 50 patterns over 1M rows, 1.97 s vs 0.64 s)."""
        pattern = render.re2(statement.template)
        if pattern.startswith("(?s)"):
            pattern = pattern[len("(?s)"):]
        # render.re2 has no top-level alternation (holes group theirs, literals escape `|`): no group needed
        return f"^{pattern}$" if self.anchored else pattern

    # -- shared pieces ---------------------------------------------------------------------------------------

    def _columns(self, v: Values) -> dict[str, str]:
        cols = self.schema.columns
        out = {name: ref.sql(v) for name, ref in cols.items()}
        out["ts_raw"] = out["timestamp"]
        out["ts"] = f"toUInt32(toDateTime({out['timestamp']}))"
        out["level_norm"] = _level_sql(out["level"]) if "level" in cols else "''"
        for name in ("service", "version", "logger", "file_path"):
            out[name] = f"toString({out[name]})" if name in cols else "''"
        out["line"] = f"toUInt32OrZero(toString({out['line']}))" if "line" in cols else "toUInt32(0)"
        return out

    def _where(self, v: Values, c: dict[str, str], start: int, end: int) -> str:
        ts = c["ts_raw"]
        where = f"{ts} >= toDateTime({v.i(start)}) AND {ts} < toDateTime({v.i(end)})"
        if self.service and self.schema.has("service"):
            where += f" AND {c['service']} = {v.s(self.service)}"
        return where

    def _template_ok(self, statement: LogStatement) -> bool:
        return not statement.template.is_dynamic

    def _filter_cond(self, statement: LogStatement, v: Values, c: dict[str, str]) -> str:
        """Level and logger narrowing for a template match (rows that do not say their level always fit)."""
        conds = []
        if statement.level and self.schema.has("level"):
            conds.append(f"(lvl = '' OR lvl = {v.s(statement.level)})")
        if self.match_logger and statement.logger and self.schema.has("logger"):
            name = statement.logger
            conds.append(f"(lg = '' OR lg = {v.s(name)} OR endsWith(lg, {v.s('.' + name)}) OR "
                         f"endsWith({v.s(name)}, concat('.', lg)))")
        return " AND ".join(conds)

    def _location_cond(self, statement: LogStatement, v: Values) -> str:
        tail = _path_tail(statement.path)
        return (f"(endsWith(concat('/', f), {v.s('/' + tail)}) OR endsWith({v.s('/' + statement.path)}, "
                f"concat('/', f))) AND ln >= {v.i(statement.line)} AND ln <= {v.i(statement.end_line)}")

    # -- counts ------------------------------------------------------------------------------------------------

    def counts(self, statements: Sequence[LogStatement], tr: TimeRange) -> BuiltQuery:
        v = Values(self.caps.query_parameters)
        c = self._columns(v)
        start, end = int(tr.start.timestamp()), int(tr.end.timestamp())
        prev = start - (end - start)
        step = _bucket_step(end - start)
        n_buckets = -(-(end - start) // step)
        by_template, by_location = self._matched(statements, v, c)
        # Layers, not aliases: the old analyzer pastes an alias's whole expression wherever it is used, so
        # per-row values (level, file, line) are computed once in a subquery and referenced as columns.
        base = (
            f"SELECT {c['ts']} AS ts, {c['level_norm']} AS lvl, {c['service']} AS svc, {c['version']} AS ver, "
            f"{c['logger']} AS lg, {c['file_path']} AS f, {c['line']} AS ln, toString({c['message']}) AS msg "
            f"FROM {self.schema.qualified} WHERE {self._where(v, c, prev, end)}"
        )
        if by_location is None:
            with_matches = (f"SELECT ts, lvl, lg, svc, ver, 0 AS located, emptyArrayUInt32() AS loc, "
                            f"{by_template} AS tmpl FROM ({base})")
        else:
            with_matches = (f"SELECT ts, lvl, lg, svc, ver, f != '' AS located, {by_location} AS loc, "
                            f"{by_template} AS tmpl FROM (SELECT *, "
                            f"arrayStringConcat(arraySlice(splitByChar('/', f), -2), '/') AS ftail FROM ({base}))")
        s = v.i(start)
        # Grouped by the statements a row fits by location and by template (plus bucket, level, logger,
        # service, version): the groups are few, and the choice between location and template, narrowing by
        # level/logger and the literal-length tie-break are done on them in Python (`fold_counts`). Done per
        # row in SQL they need if() around multiMatch or constant arrays inside lambdas: measured 5-10x slower
        # at 1,000 statements.
        sql = (
            f"SELECT loc, tmpl, located, if(ts >= {s}, intDiv(ts - {s}, {v.i(step)}), -1) AS b, lvl, lg, svc, "
            "ver, count() AS n, min(ts) AS first_ts, max(ts) AS last_ts "
            f"FROM ({with_matches}) WHERE notEmpty(loc) OR notEmpty(tmpl) "
            "GROUP BY loc, tmpl, located, b, lvl, lg, svc, ver FORMAT JSONCompact"
        )
        return BuiltQuery(sql, v.params, step, n_buckets)

    def _matched(self, statements: Sequence[LogStatement], v: Values, c: dict[str, str]) -> tuple[str, str | None]:
        """SQL for the 1-based indices of the statements a row fits: by template, and by code location (None
        when the table has no location column); rows that carry a location use the second.

        Kept small on purpose: ClickHouse's analysis time grows with the expression, so the path test is
        written once per distinct file (a document has one), the per-statement location test is integer
        comparisons, and level/logger narrowing is one lambda over constant arrays instead of N conditions.
        """
        by_template = self._by_template(statements, v, c)
        if not self.schema.has("file_path"):
            return by_template, None
        paths = sorted({s.path for s in statements if s.path})
        if not paths:
            return by_template, None
        path_ok = {}
        for k, path in enumerate(paths):
            # equality with constants only: endsWith(constant, column) copies the constant for every row
            path_ok[path] = f"(ftail = {v.s(_path_tail(path))} OR f = {v.s(path.rsplit('/', 1)[-1])})"
        items = []
        for path in paths:
            # line -> statement, as one hash lookup per row (transform with constant arrays); a lambda over
            # per-statement arrays would copy them for every row
            lines: dict[int, int] = {}
            for i, s in enumerate(statements, 1):
                if s.path == path:
                    for line in range(s.line, s.end_line + 1):
                        lines.setdefault(line, i)
            items.append(f"if({path_ok[path]}, transform(ln, {Values.ints(list(lines))}, "
                         f"{Values.ints(list(lines.values()))}, 0), 0)")
        by_location = f"arrayFilter(x -> x > 0, [{', '.join(items)}])"
        return by_template, by_location

    def _by_template(self, statements: Sequence[LogStatement], v: Values, c: dict[str, str]) -> str:
        indexed = [(i, s) for i, s in enumerate(statements, 1) if self._template_ok(s)]
        if not indexed:
            return "emptyArrayUInt32()"
        msg = "msg"  # a column of the base layer
        if self.multimatch:
            patterns = v.strings([self.pattern(s) for _, s in indexed])
            if [i for i, _ in indexed] == list(range(1, len(indexed) + 1)):
                hits = f"multiMatchAllIndices({msg}, {patterns})"
            else:
                hits = f"arrayMap(k -> {Values.ints([i for i, _ in indexed])}[k], multiMatchAllIndices({msg}, {patterns}))"
        else:
            items = [f"if(match({msg}, {v.s(self.pattern(s))}), {i}, 0)" for i, s in indexed]
            hits = "arrayFilter(x -> x > 0, [" + ", ".join(items) + "])"
        return hits

    # -- samples -----------------------------------------------------------------------------------------------

    def samples(self, statement: LogStatement, tr: TimeRange, limit: int) -> BuiltQuery:
        v = Values(self.caps.query_parameters)
        c = self._columns(v)
        start, end = int(tr.start.timestamp()), int(tr.end.timestamp())
        conds = []
        if self._template_ok(statement):
            cond = f"match(msg, {v.s(self.pattern(statement))})"
            extra = self._filter_cond(statement, v, c)
            conds.append(cond + (f" AND {extra}" if extra else ""))
        template = " AND ".join(conds) or "0"
        if self.schema.has("file_path") and statement.path:
            fits = f"if(f != '', {self._location_cond(statement, v)}, {template})"
        else:
            fits = template
        sql = (
            f"SELECT ts, msg, lvl, svc, ver, f, ln FROM ("
            f"SELECT {c['ts']} AS ts, {c['ts_raw']} AS ts_order, toString({c['message']}) AS msg, "
            f"{c['level_norm']} AS lvl, {c['service']} AS svc, {c['version']} AS ver, {c['logger']} AS lg, "
            f"{c['file_path']} AS f, {c['line']} AS ln "
            f"FROM {self.schema.qualified} WHERE {self._where(v, c, start, end)}) "
            f"WHERE {fits} ORDER BY ts_order DESC LIMIT {v.i(limit)} FORMAT JSONCompact"
        )
        return BuiltQuery(sql, v.params)


# --------------------------------------------------------------------------------------------------------------
# The store


class ClickHouseStore:
    """The Store protocol over ClickHouse (HTTP or in-process chdb)."""

    def __init__(self, transport: HttpTransport | ChdbTransport, config: Config, *, url: str | None = None):
        store = config.store
        self.transport = transport
        self.url = url or transport.display_url
        self.config = config
        database, table = _split_table(store.table or DEFAULT_TABLE, getattr(transport, "database", None))
        self.database = database
        self.table = table
        self.cache = RemoteCache(ttl=store.cache_ttl)
        self.redactor = SampleRedactor(config.ingest)
        self._lock = threading.Lock()
        self._schema: Schema | None = None
        self._caps: Capabilities | None = None
        self._builder: QueryBuilder | None = None

    @classmethod
    def from_config(cls, config: Config, root: Path) -> "ClickHouseStore":
        kind, endpoint = split_store_url(config.store.url)
        if endpoint.startswith("chdb://"):
            raw = endpoint[len("chdb://"):]
            path = Path(raw)
            if not path.is_absolute():
                path = Path(root) / raw.lstrip("/")
            return cls(ChdbTransport.open(path), config)
        if not endpoint.startswith(("http://", "https://")):
            raise RemoteStoreError(f"store.url: ClickHouse needs clickhouse+http(s)://, got "
                                   f"{redact_url(config.store.url)}", "config")
        client = client_from_config("clickhouse", config.store)
        path = endpoint.split("://", 1)[1].partition("/")[2].split("?")[0].strip("/")
        return cls(HttpTransport(client, path or None, config.store.timeout), config)

    @classmethod
    def with_chdb_session(cls, session: Any, config: Config) -> "ClickHouseStore":
        """A store over a chdb session the caller owns (tests, benchmarks)."""
        return cls(ChdbTransport(session, "clickhouse+chdb://session", False), config)

    # -- connection facts (once per connection) -----------------------------------------------------------

    def builder(self) -> QueryBuilder:
        with self._lock:
            if self._builder is None:
                caps = self._detect_capabilities()
                schema = self._detect_schema(caps)
                store = self.config.store
                anchored = True if store.anchored is None else store.anchored
                self._builder = QueryBuilder(schema, caps, strategy=store.strategy, anchored=anchored,
                                             match_logger=store.match_logger,
                                             service=store.service or self.config.service)
                self._caps, self._schema = caps, schema
            return self._builder

    def _detect_capabilities(self) -> Capabilities:
        version_text = str(self.transport.query("SELECT version() FORMAT JSONCompact")["data"][0][0])
        version = tuple(int(p) for p in re.findall(r"\d+", version_text)[:3])
        try:
            probe = self.transport.query("SELECT {probe:UInt8} AS probe FORMAT JSONCompact", {"probe": "7"})
            native = str(probe["data"][0][0]) == "7"
        except RemoteStoreError as exc:
            if exc.kind in ("unreachable", "slow", "auth"):
                raise
            native = False
        rows = self.transport.query(
            "SELECT name FROM system.functions WHERE name = 'multiMatchAllIndices' FORMAT JSONCompact")["data"]
        return Capabilities(version, version_text, native, bool(rows))

    def _detect_schema(self, caps: Capabilities) -> Schema:
        v = Values(caps.query_parameters)
        database = v.s(self.database) if self.database else "currentDatabase()"
        sql = (f"SELECT name, type FROM system.columns WHERE database = {database} AND table = {v.s(self.table)} "
               "FORMAT JSONCompact")
        rows = self.transport.query(sql, v.params)["data"]
        if not rows:
            where = f"{self.database}.{self.table}" if self.database else self.table
            raise RemoteStoreError(f"{self.url}: table {where} does not exist (store.table)", "schema")
        return resolve_schema({r[0]: r[1] for r in rows}, self.database, self.table, self.config.store.columns)

    # -- Store protocol ------------------------------------------------------------------------------------------

    def counts(self, statements: Sequence[LogStatement], time_range: TimeRange) -> dict[str, Counts]:
        unique = list({s.key: s for s in statements}.values())
        if not unique:
            return {}
        return self.cache.counts(unique, time_range, lambda todo: self._fetch_counts(todo, time_range))

    def _fetch_counts(self, statements: Sequence[LogStatement], tr: TimeRange) -> dict[str, Counts]:
        built = self.builder().counts(statements, tr)
        rows = self.transport.query(built.sql, built.params)["data"]
        start = int(tr.start.timestamp())
        result = {s.key: Counts(buckets=_empty_buckets(start, built.step, built.buckets)) for s in statements}
        fold_counts(rows, statements, result, built, match_logger=self.builder().match_logger)
        return result

    def samples(self, statement: LogStatement, time_range: TimeRange, limit: int = 5) -> list[Sample]:
        return self.cache.samples(statement, time_range, limit,
                                  lambda: self._fetch_samples(statement, time_range, limit))

    def _fetch_samples(self, statement: LogStatement, tr: TimeRange, limit: int) -> list[Sample]:
        built = self.builder().samples(statement, tr, max(1, min(int(limit), 1000)))
        rows = self.transport.query(built.sql, built.params)["data"]
        samples = []
        for ts, msg, lvl, svc, ver, path, line in rows:
            attributes = {k: str(val) for k, val in (("service.name", svc), ("service.version", ver),
                                                     ("code.file.path", path)) if val}
            if int(line):
                attributes["code.line.number"] = str(line)
            samples.append(Sample(datetime.fromtimestamp(int(ts), timezone.utc), msg, lvl or None, attributes))
        return self.redactor(samples)

    def dashboard_url(self, statement: LogStatement, time_range: TimeRange) -> str | None:
        regex = render.re2(statement.template, anchored=False)
        table = f"{self.database}.{self.table}" if self.database else self.table
        message = (self.config.store.columns.get("message") or DEFAULT_COLUMNS["message"][0])
        timestamp = (self.config.store.columns.get("timestamp") or DEFAULT_COLUMNS["timestamp"][0])
        sql = (f"SELECT {timestamp}, {message} FROM {table} WHERE match({message}, '{_sql_string(regex)}') "
               f"AND $__timeFilter({timestamp}) ORDER BY {timestamp} DESC LIMIT 100")
        request = DashboardRequest(store_kind="clickhouse", statement=statement, time_range=time_range,
                                   query=sql, regex=regex, service=self.config.store.service or self.config.service)
        return build_dashboard_url(self.config.dashboard, request)

    def status(self) -> StoreStatus:
        status = self.cache.status(self.url)
        if status.state == "ok" and self._caps is not None:
            status.details = {"version": self._caps.version_text,
                              "counting": "multiMatchAllIndices" if self._builder and self._builder.multimatch
                              else "countIf(match)",
                              "parameters": "query parameters" if self._caps.query_parameters else "unhex literals"}
        return status

    def close(self) -> None:
        self.transport.close()


def fits_row(statement: LogStatement, level: str, logger: str, match_logger: bool) -> bool:
    """A template hit stands unless the row's level or logger contradicts the statement's (rows that do not
    say their level or logger always fit)."""
    if statement.level and level and statement.level != level:
        return False
    if match_logger and statement.logger and logger and not logger_fits(statement.logger, logger):
        return False
    return True


def logger_fits(expected: str, actual: str) -> bool:
    """Logger names from source are partly guessed (a Python module name depends on where the package root
    is): `orders` fits `app.orders` and the other way round, `orders` does not fit `backorders`."""
    return expected == actual or actual.endswith("." + expected) or expected.endswith("." + actual)


def fold_counts(rows: list, statements: Sequence[LogStatement], result: dict[str, Counts], built: BuiltQuery, *,
                match_logger: bool) -> None:
    """Attribute each group of rows to the statements it fits best: location hits as they are; template hits
    narrowed by level and logger, then the most literal text wins, ties counted for each and as ambiguous."""
    for loc, tmpl, located, bucket, lvl, lg, svc, ver, n, first_ts, last_ts in rows:
        candidates = [statements[int(i) - 1] for i in (loc if int(located) else tmpl)]
        if not candidates:
            continue
        if not int(located):
            candidates = [s for s in candidates if fits_row(s, lvl, lg, match_logger)]
            if not candidates:
                continue
            best = max(_weight(s) for s in candidates)
            candidates = [s for s in candidates if _weight(s) == best]
        n, bucket = int(n), int(bucket)
        first = datetime.fromtimestamp(int(first_ts), timezone.utc)
        last = datetime.fromtimestamp(int(last_ts), timezone.utc)
        for statement in {s.key: s for s in candidates}.values():
            counts = result[statement.key]
            if bucket < 0:
                counts.previous += n
                continue
            counts.total += n
            if len(candidates) > 1:
                counts.ambiguous += n
            if bucket < built.buckets:
                counts.buckets[bucket] = Bucket(counts.buckets[bucket].start, counts.buckets[bucket].count + n)
            for mapping, key in ((counts.by_level, lvl), (counts.by_service, svc), (counts.by_version, ver)):
                if key:
                    mapping[key] = mapping.get(key, 0) + n
            counts.first_seen = first if counts.first_seen is None else min(counts.first_seen, first)
            counts.last_seen = last if counts.last_seen is None else max(counts.last_seen, last)


def _sql_string(text: str) -> str:
    """A SQL string literal body for the dashboard link only (it is shown to a person in Grafana, never run by
    prodlens)."""
    return text.replace("\\", "\\\\").replace("'", "\\'")


def _split_table(name: str, database: str | None) -> tuple[str | None, str]:
    if "." in name:
        db, table = name.split(".", 1)
        return db, table
    return database, name


def _empty_buckets(start: int, step: int, n: int) -> list[Bucket]:
    return [Bucket(datetime.fromtimestamp(start + i * step, timezone.utc), 0) for i in range(n)]


__all__ = ["ClickHouseStore", "QueryBuilder", "Values", "resolve_schema", "tsv_escape"]
