"""A realistic production log for the demo shop, spread over the last three days.

Each `Event` is one log statement of the demo service (`path` + a piece of its template, `needle`) or a line
from a library no statement explains (`path` None). Volumes follow a day/night curve; a few events have a story
so lenses show trends: checkout 2.3.1 was deployed 30 hours ago and payment-gateway timeouts (and the retries
they cause) jumped after it; card declines are slowly falling; the legacy coupon path and the refund guard are
never hit. The generator is deterministic for a given `now` and seed, and reports how many lines each event
wrote so tests can check the store against it.
"""

from __future__ import annotations

import json
import math
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

HOURS = 72
DEPLOY_HOURS_AGO = 30

Message = Callable[[random.Random], str]


@dataclass(frozen=True)
class Event:
    log: str  # which log file (service)
    level: str
    logger: str | None
    per_hour: float  # average lines per hour at the daily peak
    message: Message
    path: str | None = None  # the statement's file (None: no statement explains it)
    needle: str | None = None  # a piece of the statement's template text, to find it in the index
    story: str = "steady"  # steady | after_deploy | falling | rising
    stack: bool = False


def _order(r: random.Random) -> str:
    return f"ORD-{r.randint(100000, 999999)}"


def _cart(r: random.Random) -> str:
    return f"c{r.randint(10000, 99999)}"


def _customer(r: random.Random) -> str:
    return f"CUS-{r.randint(1000, 9999)}"


def _money(r: random.Random) -> str:
    return f"{r.uniform(5, 400):.2f}"


def _sku(r: random.Random) -> str:
    return f"SKU-{r.choice('ABCDEFGH')}{r.randint(100, 999)}"


def _payment(r: random.Random) -> str:
    return f"pay_{uuid.UUID(int=r.getrandbits(128)).hex[:16]}"


JAVA = "checkout/src/main/java/com/acme/shop/checkout/"
CHECKOUT_LOGGER = "com.acme.shop.checkout.CheckoutService"
PAYMENT_LOGGER = "com.acme.shop.checkout.PaymentClient"

EVENTS: tuple[Event, ...] = (
    # checkout (Java, slf4j + logstash JSON)
    Event("checkout", "INFO", CHECKOUT_LOGGER, 220,
          lambda r: f"Order {_order(r)} placed by customer {_customer(r)} total {_money(r)} EUR",
          JAVA + "CheckoutService.java", "placed by customer"),
    Event("checkout", "DEBUG", CHECKOUT_LOGGER, 40,
          lambda r: f"Starting checkout for cart {_cart(r)} ({r.randint(1, 9)} items)",
          JAVA + "CheckoutService.java", "Starting checkout"),
    Event("checkout", "WARN", CHECKOUT_LOGGER, 6,
          lambda r: f"Checkout attempted with empty cart {_cart(r)}", JAVA + "CheckoutService.java", "empty cart"),
    Event("checkout", "WARN", CHECKOUT_LOGGER, 14,
          lambda r: f"Payment declined for order {_order(r)}: {r.choice(['insufficient_funds', 'expired_card', 'do_not_honor'])}",
          JAVA + "CheckoutService.java", "Payment declined", story="falling"),
    Event("checkout", "ERROR", CHECKOUT_LOGGER, 1.5,
          lambda r: f"Checkout failed for cart {_cart(r)}", JAVA + "CheckoutService.java", "Checkout failed",
          story="after_deploy", stack=True),
    Event("checkout", "INFO", CHECKOUT_LOGGER, 25,
          lambda r: f"Coupon {r.choice(['WELCOME10', 'SPRING5', 'FREESHIP'])} applied to cart {_cart(r)}",
          JAVA + "CheckoutService.java", "applied to cart"),
    Event("checkout", "INFO", PAYMENT_LOGGER, 230,
          lambda r: f"Charging {_money(r)} EUR for customer {_customer(r)}", JAVA + "PaymentClient.java", "Charging"),
    Event("checkout", "WARN", PAYMENT_LOGGER, 9,
          lambda r: f"Payment gateway slow: {r.randint(801, 2900)} ms for customer {_customer(r)}",
          JAVA + "PaymentClient.java", "gateway slow", story="after_deploy"),
    Event("checkout", "ERROR", PAYMENT_LOGGER, 3,
          lambda r: f"Payment gateway timeout after {r.randint(3000, 3100)} ms (attempt {r.randint(1, 3)})",
          JAVA + "PaymentClient.java", "gateway timeout", story="after_deploy"),
    Event("checkout", "INFO", PAYMENT_LOGGER, 2.5,
          lambda r: f"Retrying request req-{r.randint(10**6, 10**7)} (attempt {r.randint(2, 3)})",
          JAVA + "PaymentClient.java", "Retrying request", story="after_deploy"),
    Event("checkout", "WARN", "com.zaxxer.hikari.pool.HikariPool", 2,
          lambda r: f"HikariPool-1 - Connection is not available, request timed out after {r.randint(30000, 30050)}ms."),
    # payments (Python, logging + python-json-logger)
    Event("payments", "INFO", "payments.processor", 210,
          lambda r: f"Captured payment {_payment(r)} for order {_order(r)} ({r.uniform(5, 400):.2f} EUR)",
          "payments/payments/processor.py", "Captured payment"),
    Event("payments", "DEBUG", "payments.processor", 60,
          lambda r: f"Fraud score for payment {_payment(r)} is {r.randint(0, 79)}",
          "payments/payments/processor.py", "Fraud score for"),
    Event("payments", "WARNING", "payments.processor", 12,
          lambda r: f"Card declined for order {_order(r)}: {r.choice(['insufficient_funds', 'expired_card'])}",
          "payments/payments/processor.py", "Card declined", story="falling"),
    Event("payments", "ERROR", "payments.processor", 1.2,
          lambda r: f"Fraud check failed for payment {_payment(r)}: score {r.randint(81, 99)}",
          "payments/payments/processor.py", "Fraud check failed", story="rising"),
    Event("payments", "ERROR", "payments.processor", 0.4,
          lambda r: f"Unexpected error processing payment {_payment(r)}", "payments/payments/processor.py",
          "Unexpected error", stack=True),
    Event("payments", "INFO", "payments.refunds", 8,
          lambda r: f"Refund rf_{r.randint(10**5, 10**6)} issued for order {_order(r)}: {r.uniform(5, 200):.2f}",
          "payments/payments/refunds.py", "issued for order"),
    Event("payments", "DEBUG", "urllib3.connectionpool", 5,
          lambda r: f"Starting new HTTPS connection ({r.randint(1, 4)}): api.cardgateway.example:443"),
    # web (TypeScript, pino)
    Event("web", "info", "web", 320,
          lambda r: f"Request {r.choice(['GET', 'GET', 'POST'])} /{r.choice(['cart', 'products', 'checkout'])} "
                    f"completed with {r.choice([200, 200, 200, 201, 304])} in {r.randint(3, 180)}ms",
          "web/src/server.ts", "completed with"),
    Event("web", "warn", "web", 4,
          lambda r: f"Rate limit exceeded for 10.66.{r.randint(0, 255)}.{r.randint(1, 254)}",
          "web/src/server.ts", "Rate limit exceeded", story="rising"),
    Event("web", "error", "web", 1.5,
          lambda r: f"Upstream checkout failed: {r.choice(['socket hang up', 'connect ECONNREFUSED 10.0.3.7:8080'])}",
          "web/src/server.ts", "Upstream checkout failed", story="after_deploy"),
    # no logger in these lines: the Java "Retrying request" fits too, but it always logs "Payment gateway
    # timeout" first, which these lines never do (matching.precedence): they are placed at the TypeScript one
    Event("web", "info", None, 1.0,
          lambda r: f"Retrying request req-{r.randint(10**6, 10**7)} (attempt {r.randint(2, 3)})",
          "web/src/server.ts", "Retrying request", story="after_deploy"),
    Event("web", "info", "web.cart", 90,
          lambda r: f"Cart {_cart(r)} updated: {r.randint(1, 12)} items", "web/src/cart.ts", "updated:"),
    Event("web", "warn", "web.cart", 3,
          lambda r: f"Cart {_cart(r)} not found", "web/src/cart.ts", "not found"),
    # inventory (Go, log/slog JSON)
    Event("inventory", "INFO", None, 200, lambda r: "stock reserved", "inventory/stock.go", "stock reserved"),
    Event("inventory", "WARN", None, 7, lambda r: "low stock", "inventory/stock.go", "low stock", story="rising"),
    Event("inventory", "ERROR", None, 0.8, lambda r: "reservation failed", "inventory/stock.go",
          "reservation failed"),
    Event("inventory", "INFO", None, 1, lambda r: "restocked", "inventory/stock.go", "restocked"),
    Event("inventory", "INFO", None, 0.3,
          lambda r: f"http: TLS handshake error from 10.0.{r.randint(0, 9)}.{r.randint(1, 254)}:{r.randint(30000, 60000)}: EOF"),
)

HOSTS = {
    "checkout": ["checkout-7d9f5-abx2k", "checkout-7d9f5-q8m1z"],
    "payments": ["payments-5c6b8-tt2lp"],
    "web": ["web-6f7c9-k2h8d", "web-6f7c9-p0w3e", "web-6f7c9-zz41m"],
    "inventory": ["inventory-84d6c-1mq9s"],
}

JAVA_STACK = """java.lang.IllegalStateException: inventory reservation rejected
\tat com.acme.shop.checkout.InventoryClient.reserve(InventoryClient.java:58)
\tat com.acme.shop.checkout.CheckoutService.checkout(CheckoutService.java:31)
\tat com.acme.shop.web.CheckoutController.post(CheckoutController.java:44)"""

PY_STACK = """Traceback (most recent call last):
  File "/app/payments/processor.py", line 25, in capture
    self.gateway.capture(payment_id, amount, currency, card_token)
ConnectionResetError: [Errno 104] Connection reset by peer"""


def _rate(event: Event, hours_ago: float, now: datetime) -> float:
    """Lines per hour at `hours_ago`: a day/night curve (peak mid-afternoon UTC) times the event's story."""
    at = now - timedelta(hours=hours_ago)
    hour = at.hour + at.minute / 60
    daily = 0.25 + 0.75 * (0.5 + 0.5 * math.cos((hour - 15) / 24 * 2 * math.pi))
    story = 1.0
    if event.story == "after_deploy":
        story = 4.0 if hours_ago < DEPLOY_HOURS_AGO else 0.6
    elif event.story == "falling":
        story = 0.4 + 1.2 * hours_ago / HOURS
    elif event.story == "rising":
        story = 1.6 - 1.2 * hours_ago / HOURS
    return event.per_hour * daily * story


def _version(log: str, hours_ago: float) -> str:
    if log == "checkout":
        return "2.3.1" if hours_ago < DEPLOY_HOURS_AGO else "2.3.0"
    return {"payments": "1.18.4", "web": "4.2.0", "inventory": "0.9.7"}[log]


def _line(event: Event, at: datetime, message: str, r: random.Random, hours_ago: float) -> str:
    host = r.choice(HOSTS[event.log])
    version = _version(event.log, hours_ago)
    trace = "%032x" % r.getrandbits(128)
    stamp = at.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    if event.log == "checkout":  # logstash-logback-encoder
        data: dict[str, object] = {"@timestamp": stamp, "level": event.level, "logger_name": event.logger,
                                   "thread_name": f"http-nio-8080-exec-{r.randint(1, 20)}", "message": message,
                                   "service": "checkout", "version": version, "host": host, "trace_id": trace}
        if event.stack:
            data["stack_trace"] = JAVA_STACK
    elif event.log == "payments":  # python-json-logger
        data = {"asctime": stamp, "levelname": event.level, "name": event.logger, "message": message,
                "service": "payments", "version": version, "host": host, "trace_id": trace}
        if event.stack:
            data["exc_info"] = PY_STACK
    elif event.log == "web":  # pino with a level formatter and ISO time
        data = {"level": event.level, "time": stamp, "pid": 1, "hostname": host, "msg": message,
                "service": "web", "version": version, "trace_id": trace}
        if event.logger:
            data["name"] = event.logger
    else:  # Go log/slog JSONHandler
        data = {"time": stamp, "level": event.level, "msg": message, "service": "inventory", "version": version,
                "host": host}
        if message == "stock reserved":
            data.update({"order": f"ORD-{r.randint(100000, 999999)}", "sku": _sku(r), "qty": r.randint(1, 3)})
        elif message == "low stock":
            data.update({"sku": _sku(r), "left": r.randint(0, 4)})
    return json.dumps(data, separators=(",", ":"))


@dataclass
class GeneratedLogs:
    files: list[Path]
    records: int
    # (path, needle) -> lines written for that statement, for the last `HOURS` hours
    per_statement: dict[tuple[str, str], int] = field(default_factory=dict)
    unexplained: int = 0


def generate_logs(directory: Path, now: datetime | None = None, seed: int = 7, scale: float = 1.0) -> GeneratedLogs:
    """Write one JSON-lines log per service into `directory`, oldest line first."""
    now = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    rng = random.Random(seed)
    lines: dict[str, list[tuple[datetime, str]]] = {name: [] for name in HOSTS}
    result = GeneratedLogs([], 0)
    for hour in range(HOURS):
        hours_ago = HOURS - hour - 0.5
        for event in EVENTS:
            expected = _rate(event, hours_ago, now) * scale
            count = int(expected) + (1 if rng.random() < expected - int(expected) else 0)
            for _ in range(count):
                offset = rng.uniform(0, 3600)
                at = now - timedelta(hours=HOURS - hour) + timedelta(seconds=offset)
                if at >= now:
                    at = now - timedelta(seconds=1)
                lines[event.log].append((at, _line(event, at, event.message(rng), rng, (now - at).total_seconds() / 3600)))
                if event.path and event.needle:
                    ident = (event.path, event.needle)
                    result.per_statement[ident] = result.per_statement.get(ident, 0) + 1
                else:
                    result.unexplained += 1
    directory.mkdir(parents=True, exist_ok=True)
    for name, items in lines.items():
        items.sort(key=lambda item: item[0])
        path = directory / f"{name}.log"
        path.write_text("".join(text + "\n" for _, text in items), encoding="utf-8")
        result.files.append(path)
        result.records += len(items)
    return result
