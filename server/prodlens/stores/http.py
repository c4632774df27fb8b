"""What every remote store shares: one httpx client, credentials, retries, clear errors, and a cache.

Remote stores are called from the language server's worker threads. They must never hang (connect and read
timeouts), never hammer a struggling store (bounded retries with backoff), never leak credentials (they live in
headers built from environment variables or netrc, and every URL we show is redacted), and never leave the
editor with nothing to show (the last good counts are served marked `stale` while the store does not answer).
"""

from __future__ import annotations

import copy
import logging
import netrc
import os
import random
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping, Sequence
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx

from ..config import StoreConfig
from ..model import Counts, LogStatement, Sample
from .base import StoreError, StoreStatus, TimeRange

log = logging.getLogger("prodlens.stores")

# Query-string names whose values are secrets wherever they appear in a URL.
_SECRET_PARAMS = {"password", "passwd", "pass", "token", "access_token", "api_key", "apikey", "key", "secret",
                  "auth", "authorization", "user_password"}

RETRY_STATUSES = {429, 502, 503, 504}


class RemoteStoreError(StoreError):
    """A StoreError with its cause class, so status lines can say *what* is wrong, not only that it is.

    `kind` is one of: unreachable, auth, slow, schema, query, config.
    """

    def __init__(self, message: str, kind: str = "query"):
        super().__init__(message)
        self.kind = kind


# --------------------------------------------------------------------------------------------------------------
# URLs


def split_store_url(url: str) -> tuple[str, str]:
    """`clickhouse+https://u:p@host:8443/db` -> (`clickhouse`, `https://u:p@host:8443/db`).

    The part before `+` picks the store; the rest is the real endpoint.
    """
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise RemoteStoreError(f"store.url is not a URL: {redact_url(url)!r}", "config")
    kind, plus, transport = scheme.partition("+")
    if not plus:
        transport = "http"
    return kind.lower(), f"{transport.lower()}://{rest}"


def redact_url(url: str) -> str:
    """The URL without user info and without secret-looking query parameters: safe for logs, errors, hovers."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparsable URL>"
    netloc = parts.netloc.rsplit("@", 1)[-1]
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        query = urlencode([(k, "***" if k.lower() in _SECRET_PARAMS else v) for k, v in pairs])
    return urlunsplit((parts.scheme, netloc, parts.path, query, ""))


# --------------------------------------------------------------------------------------------------------------
# Credentials


@dataclass
class Credentials:
    """Where a request's identity comes from. Only `headers()`/`auth()` see the secrets; `describe()` does not."""

    token: str | None = None
    user: str | None = None
    password: str | None = None
    source: str = "none"  # none | env | url | netrc (said in error messages, never the values)
    extra_secrets: tuple[str, ...] = ()

    def auth(self) -> httpx.BasicAuth | None:
        if self.user is not None and self.token is None:
            return httpx.BasicAuth(self.user, self.password or "")
        return None

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def scrub(self, text: str) -> str:
        """Remove any secret we hold from text that came back from a server (error bodies can echo input)."""
        for secret in (self.token, self.password, *self.extra_secrets):
            if secret and len(secret) >= 3:
                text = text.replace(secret, "***")
        return text

    def describe(self) -> str:
        if self.token:
            return f"bearer token ({self.source})"
        if self.user is not None:
            return f"user {self.user!r} ({self.source})"
        return "no credentials"


def resolve_credentials(store: StoreConfig, endpoint: str, environ: Mapping[str, str] | None = None,
                        netrc_path: str | None = None) -> Credentials:
    """Credentials from, in order: `store.token_env`; `store.user` + `store.password_env`; user info in the
    URL; a netrc entry for the host. A variable named in config but not set is an error, not a silent
    anonymous request: the user meant to authenticate."""
    env = os.environ if environ is None else environ
    parts = urlsplit(endpoint)
    if store.token_env:
        token = env.get(store.token_env)
        if not token:
            raise RemoteStoreError(f"store.token_env names ${store.token_env}, which is not set", "config")
        return Credentials(token=token, source=f"${store.token_env}")
    if store.password_env:
        password = env.get(store.password_env)
        if password is None:
            raise RemoteStoreError(f"store.password_env names ${store.password_env}, which is not set", "config")
        return Credentials(user=store.user or parts.username or "default", password=password,
                           source=f"${store.password_env}")
    if parts.username is not None:
        return Credentials(user=parts.username, password=parts.password or "", source="URL")
    host = parts.hostname or ""
    try:
        entry = netrc.netrc(netrc_path or env.get("NETRC") or None).authenticators(host)
    except (FileNotFoundError, netrc.NetrcParseError, OSError):
        entry = None
    if entry:
        login, _account, password = entry
        return Credentials(user=store.user or login, password=password, source="netrc")
    if store.user:
        return Credentials(user=store.user, password="", source="config")
    return Credentials()


# --------------------------------------------------------------------------------------------------------------
# The client


@dataclass
class HttpOptions:
    timeout: float = 5.0  # read timeout, seconds
    connect_timeout: float = 3.0
    retries: int = 2  # extra attempts after the first
    backoff: float = 0.2  # first pause, doubled each retry, with jitter


class RemoteClient:
    """One httpx client per store, with retries and one clear error per failure.

    `base` is the endpoint without user info; requests name paths relative to it. Thread-safe (httpx.Client
    is), so the language server may call from several worker threads.
    """

    def __init__(self, kind: str, endpoint: str, credentials: Credentials, options: HttpOptions,
                 transport: httpx.BaseTransport | None = None):
        parts = urlsplit(endpoint)
        netloc = parts.netloc.rsplit("@", 1)[-1]
        self.base = urlunsplit((parts.scheme, netloc, parts.path.rstrip("/"), "", ""))
        self.kind = kind
        self.display_url = f"{kind}+{redact_url(self.base)}"
        self.credentials = credentials
        self.options = options
        timeout = httpx.Timeout(options.timeout, connect=options.connect_timeout)
        self._client = httpx.Client(timeout=timeout, auth=credentials.auth(), headers=credentials.headers(),
                                    transport=transport, follow_redirects=False, trust_env=False)

    def close(self) -> None:
        self._client.close()

    def request(self, method: str, path: str, *, params: Any = None, json: Any = None, content: Any = None,
                headers: dict[str, str] | None = None, ok: Iterable[int] = (200,),
                describe_error: Callable[[httpx.Response], str] | None = None) -> httpx.Response:
        """Send with bounded retries. Returns a response whose status is in `ok`; raises RemoteStoreError
        otherwise, naming the store by its redacted URL and saying which kind of failure it was."""
        url = self.base + path
        ok = set(ok)
        attempts = 1 + max(0, self.options.retries)
        last: RemoteStoreError | None = None
        for attempt in range(attempts):
            if attempt:
                pause = self.options.backoff * (2 ** (attempt - 1))
                time.sleep(pause * (0.75 + random.random() / 2))
            try:
                response = self._client.request(method, url, params=params, json=json, content=content,
                                                headers=headers)
            except httpx.TimeoutException as exc:
                phase = "connect" if isinstance(exc, httpx.ConnectTimeout) else "answer"
                last = RemoteStoreError(
                    f"{self.display_url} did not {phase} within {self._limit(phase)} s (store.timeout); "
                    "showing cached counts", "slow")
                continue
            except httpx.TransportError as exc:
                last = RemoteStoreError(f"cannot reach {self.display_url}: {self._reason(exc)}", "unreachable")
                continue
            if response.status_code in ok:
                return response
            if response.status_code in (401, 403):
                raise RemoteStoreError(
                    f"{self.display_url} refused the credentials (HTTP {response.status_code}; using "
                    f"{self.credentials.describe()}): set store.token_env, or store.user and store.password_env",
                    "auth")
            detail = describe_error(response) if describe_error else _body_excerpt(response)
            detail = self.credentials.scrub(detail)
            error = RemoteStoreError(f"{self.display_url} answered HTTP {response.status_code}: {detail}",
                                     "unreachable" if response.status_code in RETRY_STATUSES else "query")
            if response.status_code in RETRY_STATUSES:
                last = error
                continue
            raise error
        assert last is not None
        log.warning("%s", last)
        raise last

    def _limit(self, phase: str) -> float:
        return self.options.connect_timeout if phase == "connect" else self.options.timeout

    def _reason(self, exc: Exception) -> str:
        text = str(exc) or type(exc).__name__
        if "refused" in text.lower():
            return "connection refused"
        if "name or service not known" in text.lower() or "nodename nor servname" in text.lower():
            return "unknown host"
        return self.credentials.scrub(text.replace(self.base, self.display_url))


def _body_excerpt(response: httpx.Response, limit: int = 300) -> str:
    text = response.text.strip().replace("\n", " ")
    return text[:limit] + ("…" if len(text) > limit else "")


def client_from_config(kind: str, store: StoreConfig, environ: Mapping[str, str] | None = None,
                       transport: httpx.BaseTransport | None = None) -> RemoteClient:
    _, endpoint = split_store_url(store.url)
    credentials = resolve_credentials(store, endpoint, environ)
    options = HttpOptions(timeout=store.timeout, connect_timeout=min(store.timeout, store.connect_timeout),
                          retries=store.retries, backoff=store.backoff)
    return RemoteClient(kind, endpoint, credentials, options, transport)


# --------------------------------------------------------------------------------------------------------------
# Cache


def statement_fingerprint(statement: LogStatement) -> tuple:
    """Everything a remote count depends on: a moved statement counts differently by location."""
    return (statement.key, statement.template.text, statement.level, statement.logger, statement.path,
            statement.range.start_line, statement.range.end_line)


@dataclass
class _Entry:
    value: Any
    fetched: float


@dataclass
class RemoteCache:
    """Last good answers per statement and window. Fresh entries (younger than `ttl`) spare a round trip;
    older ones are served marked `stale=True` when the store fails. Holds counts and redacted samples only:
    never a URL with credentials, never a header."""

    ttl: float = 60.0
    max_entries: int = 50_000
    _counts: dict[tuple, _Entry] = field(default_factory=dict)
    _samples: dict[tuple, _Entry] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    last_error: RemoteStoreError | None = None
    last_ok: float | None = None

    def counts(self, statements: Sequence[LogStatement], time_range: TimeRange,
               fetch: Callable[[Sequence[LogStatement]], dict[str, Counts]], scope: str = "") -> dict[str, Counts]:
        """Counts for every statement: fresh cache, else one fetch for the rest, else stale cache."""
        now = time.monotonic()
        result: dict[str, Counts] = {}
        missing: list[LogStatement] = []
        with self._lock:
            for statement in statements:
                entry = self._counts.get(self._key(statement, time_range, scope))
                if entry is not None and now - entry.fetched < self.ttl:
                    result[statement.key] = copy.deepcopy(entry.value)
                else:
                    missing.append(statement)
        if not missing:
            return result
        try:
            fetched = fetch(missing)
        except RemoteStoreError as exc:
            self.last_error = exc
            return self._stale(statements, time_range, scope, exc)
        except StoreError as exc:
            self.last_error = RemoteStoreError(str(exc))
            return self._stale(statements, time_range, scope, self.last_error)
        self.last_error = None
        self.last_ok = time.time()
        with self._lock:
            if len(self._counts) > self.max_entries:
                self._counts.clear()
            for statement in missing:
                counts = fetched[statement.key]
                self._counts[self._key(statement, time_range, scope)] = _Entry(copy.deepcopy(counts), now)
                result[statement.key] = counts
        return result

    def _stale(self, statements: Sequence[LogStatement], time_range: TimeRange, scope: str,
               error: RemoteStoreError) -> dict[str, Counts]:
        result: dict[str, Counts] = {}
        with self._lock:
            for statement in statements:
                entry = self._counts.get(self._key(statement, time_range, scope))
                if entry is None:
                    # Not every statement has a last good answer: there is nothing honest to show for it.
                    raise error
                counts = copy.deepcopy(entry.value)
                counts.stale = True
                result[statement.key] = counts
        return result

    def samples(self, statement: LogStatement, time_range: TimeRange, limit: int,
                fetch: Callable[[], list[Sample]], scope: str = "") -> list[Sample]:
        key = (*self._key(statement, time_range, scope), limit)
        now = time.monotonic()
        with self._lock:
            entry = self._samples.get(key)
        if entry is not None and now - entry.fetched < self.ttl:
            return list(entry.value)
        try:
            samples = fetch()
        except StoreError as exc:
            self.last_error = exc if isinstance(exc, RemoteStoreError) else RemoteStoreError(str(exc))
            if entry is not None:
                return list(entry.value)
            raise
        self.last_error = None
        self.last_ok = time.time()
        with self._lock:
            if len(self._samples) > self.max_entries:
                self._samples.clear()
            self._samples[key] = _Entry(list(samples), now)
        return samples

    def clear(self) -> None:
        with self._lock:
            self._counts.clear()
            self._samples.clear()

    @staticmethod
    def _key(statement: LogStatement, time_range: TimeRange, scope: str) -> tuple:
        return (scope, time_range.window, *statement_fingerprint(statement))

    def status(self, url: str) -> StoreStatus:
        if self.last_error is None:
            return StoreStatus("ok", "", url)
        state = "stale" if self._counts else "unreachable"
        if self.last_error.kind in ("schema", "config", "query"):
            state = "missing" if self.last_error.kind == "schema" else "unreachable"
        return StoreStatus(state, str(self.last_error), url, {"kind": self.last_error.kind})


class SampleRedactor:
    """Masks samples with `prodlens.stores.redact` (owned by the embedded-store work) before they are cached
    or returned: remote samples are production text shown in hovers, exactly what that module exists for."""

    def __init__(self, ingest_config: object):
        from .redact import redactor_from_config

        self._redactor = redactor_from_config(ingest_config)

    def __call__(self, samples: list[Sample]) -> list[Sample]:
        redact = self._redactor.redact
        return [Sample(s.timestamp, redact(s.message) or "", s.level,
                       {k: redact(v) or "" for k, v in s.attributes.items()}) for s in samples]
