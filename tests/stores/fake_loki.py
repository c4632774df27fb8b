"""A fake Loki HTTP server for tests: no Loki can be installed on the machines prodlens is built on.

Built from Loki's documented HTTP API: `GET /loki/api/v1/query_range` with `query`, `start`, `end`, `step`,
`limit`, `direction`; answers `{"status": "success", "data": {"resultType": "matrix" | "streams", "result":
[...]}}` (matrix: `{"metric": {...}, "values": [[<unix seconds>, "<count>"], ...]}`; streams: `{"stream":
{labels}, "values": [["<unix ns>", "<line>"], ...]}`); errors as plain-text bodies with 400 (`parse error ...`),
401 and 429 (`too many outstanding requests`). It evaluates only the LogQL subset prodlens sends (stream
selectors, `|~` line filters, label filter expressions on the stream's labels (`| level=~"…"`; structured
metadata is not modelled: give the fake's streams the label instead), `count_over_time`, `sum`, `label_replace`, `or`), with Python's `re` standing in
for RE2 — the two agree on the patterns prodlens renders. It is a real HTTP peer on 127.0.0.1.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class LogQLError(ValueError):
    pass


_TOKEN = re.compile(r'\s*(?:(?P<str>"(?:[^"\\]|\\.)*")|(?P<dur>\d+[smhd])\b|(?P<op>\|~|=~|!~|!=|[{}()\[\],=|])|'
                    r'(?P<id>[A-Za-z_][A-Za-z0-9_]*))', re.DOTALL)


def tokenize(text: str) -> list[tuple[str, str, int]]:
    tokens, pos = [], 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        if not match:
            raise LogQLError(f"parse error at line 1, col {pos + 1}: syntax error: unexpected {text[pos]!r}")
        kind = match.lastgroup
        tokens.append((kind, match.group(kind), pos + 1))
        pos = match.end()
    return tokens


class Parser:
    def __init__(self, text: str):
        self.tokens = tokenize(text)
        self.i = 0

    def peek(self):
        return self.tokens[self.i] if self.i < len(self.tokens) else ("eof", "", 0)

    def take(self, value: str | None = None, kind: str | None = None):
        tok = self.peek()
        if (value is not None and tok[1] != value) or (kind is not None and tok[0] != kind):
            raise LogQLError(f"parse error at line 1, col {tok[2]}: syntax error: unexpected {tok[1] or 'end'}")
        self.i += 1
        return tok

    def string(self) -> str:
        return json.loads(self.take(kind="str")[1])

    def query(self):
        node = self.expr()
        if self.peek()[0] != "eof":
            self.take("eof-expected")
        return node

    def expr(self):
        node = self.term()
        while self.peek()[1] == "or":
            self.take("or")
            node = ("or", node, self.term())
        return node

    def term(self):
        tok = self.peek()
        if tok[1] == "{":
            return self.log_expr()
        name = self.take(kind="id")[1]
        self.take("(")
        if name == "sum":
            node = ("sum", self.expr())
        elif name == "count_over_time":
            log = self.log_expr()
            self.take("[")
            dur = self.take(kind="dur")[1]
            self.take("]")
            node = ("count", log, _seconds(dur))
        elif name == "label_replace":
            inner = self.expr()
            args = []
            for _ in range(4):
                self.take(",")
                args.append(self.string())
            node = ("label_replace", inner, *args)
        else:
            raise LogQLError(f"parse error at line 1, col {tok[2]}: unknown function {name}")
        self.take(")")
        return node

    def log_expr(self):
        self.take("{")
        matchers = []
        while True:
            label = self.take(kind="id")[1]
            op = self.take(kind="op")[1]
            matchers.append((label, op, self.string()))
            if self.peek()[1] == ",":
                self.take(",")
                continue
            break
        self.take("}")
        filters = []  # line filters: `|~ "re"`
        label_filters = []  # label filter expressions: `| name op "value"`, on the stream's labels
        while self.peek()[1] in ("|~", "|"):
            if self.take()[1] == "|~":
                filters.append(re.compile(_re2_to_python(self.string())))
                continue
            label = self.take(kind="id")[1]
            label_filters.append((label, self.take(kind="op")[1], self.string()))
        return ("log", matchers, filters, label_filters)


def _seconds(dur: str) -> int:
    return int(dur[:-1]) * {"s": 1, "m": 60, "h": 3600, "d": 86400}[dur[-1]]


def _re2_to_python(pattern: str) -> str:
    return pattern.replace(r"\z", r"\Z")


@dataclass
class Stream:
    labels: dict[str, str]
    entries: list[tuple[int, str]] = field(default_factory=list)  # (unix ns, line)


class FakeLoki:
    def __init__(self, streams: list[Stream], token: str | None = None):
        self.streams = streams
        self.token = token
        self.fail_next = 0  # answer this many requests with 429 first
        self.requests: list[dict[str, str]] = []
        handler = self._handler()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> "FakeLoki":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    # -- evaluation -----------------------------------------------------------------------------------------

    def _select(self, log) -> list[tuple[dict, list[tuple[int, str]]]]:
        _, matchers, filters, label_filters = log
        out = []
        for stream in self.streams:
            if not all(_label_ok(stream.labels.get(l, ""), op, v) for l, op, v in (*matchers, *label_filters)):
                continue
            entries = [(ts, line) for ts, line in stream.entries if all(f.search(line) for f in filters)]
            out.append((stream.labels, entries))
        return out

    def metric(self, node, times: list[int]) -> list[tuple[dict, dict[int, int]]]:
        kind = node[0]
        if kind == "count":
            _, log, window = node
            series = []
            for labels, entries in self._select(log):
                points = {}
                for t in times:
                    n = sum(1 for ts, _ in entries if t * 10**9 - window * 10**9 < ts <= t * 10**9)
                    if n:
                        points[t] = n
                if points:
                    series.append((dict(labels), points))
            return series
        if kind == "sum":
            total: dict[int, int] = {}
            for _, points in self.metric(node[1], times):
                for t, n in points.items():
                    total[t] = total.get(t, 0) + n
            return [({}, total)] if total else []
        if kind == "label_replace":
            _, inner, dst, replacement, _src, _regex = node
            return [({**labels, dst: replacement}, points) for labels, points in self.metric(inner, times)]
        if kind == "or":
            return self.metric(node[1], times) + self.metric(node[2], times)
        raise LogQLError("parse error: a log query where a metric query is needed")

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status: int, body, content_type="application/json"):
                data = (json.dumps(body) if content_type == "application/json" else body).encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                url = urlsplit(self.path)
                params = {k: v[0] for k, v in parse_qs(url.query).items()}
                fake.requests.append(params)
                if url.path == "/ready":
                    return self._send(200, "ready\n", "text/plain")
                if fake.token and self.headers.get("Authorization") != f"Bearer {fake.token}":
                    return self._send(401, "unauthorized\n", "text/plain")
                if fake.fail_next > 0:
                    fake.fail_next -= 1
                    return self._send(429, "too many outstanding requests\n", "text/plain")
                if url.path != "/loki/api/v1/query_range":
                    return self._send(404, "404 page not found\n", "text/plain")
                try:
                    node = Parser(params.get("query", "")).query()
                    if node[0] == "log":
                        return self._send(200, fake._streams(node, params))
                    start, end, step = int(params["start"]), int(params["end"]), _seconds(params["step"])
                    times = list(range(start, end + 1, step))
                    result = [{"metric": labels, "values": [[t, str(n)] for t, n in sorted(points.items())]}
                              for labels, points in fake.metric(node, times)]
                    return self._send(200, {"status": "success", "data": {"resultType": "matrix",
                                                                          "result": result, "stats": {}}})
                except (LogQLError, KeyError, ValueError) as exc:
                    return self._send(400, f"{exc}\n", "text/plain")

        return Handler

    def _streams(self, node, params) -> dict:
        start, end = int(params["start"]), int(params["end"])
        limit = int(params.get("limit", 100))
        backward = params.get("direction", "backward") == "backward"
        picked = []
        for labels, entries in self._select(node):
            for ts, line in entries:
                if start <= ts < end:
                    picked.append((ts, line, labels))
        picked.sort(key=lambda e: e[0], reverse=backward)
        picked = picked[:limit]
        by_stream: dict[str, dict] = {}
        for ts, line, labels in picked:
            key = json.dumps(labels, sort_keys=True)
            by_stream.setdefault(key, {"stream": labels, "values": []})["values"].append([str(ts), line])
        return {"status": "success", "data": {"resultType": "streams", "result": list(by_stream.values()),
                                              "stats": {}}}


def _label_ok(value: str, op: str, want: str) -> bool:
    if op == "=":
        return value == want
    if op == "!=":
        return value != want
    matched = re.fullmatch(want, value) is not None
    return matched if op == "=~" else not matched
