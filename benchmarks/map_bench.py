#!/usr/bin/env python3
"""Records/s of production → source mapping, with baselines measured in the same run.

usage: map_bench.py [--templates 2000 10000] [--records 1000000] [--baseline-sample 2000] [--engine auto]

For each template count: realistic statements are generated (Java-style loggers and paths, 1-6 holes, words from
a log vocabulary, some shared prefixes), then `--records` messages drawn from them with a skewed (Zipf-like)
frequency, as plain lines (one message per line) and as JSON lines (ts/level/logger/message). Measured:
- reading lines only (the ceiling: `for line in file`);
- prodlens plain: `read_records(fmt="text")` + `Matcher.match_many` in batches of 4096;
- prodlens JSON: `read_records(fmt="jsonl")` + `Matcher.match_many`;
- prodlens JSON distinct: the same, but every message rendered afresh (no repeats, so decisions remembered per
  message never help: the worst case, kept as its own column);
- naive loop: each record tried against every statement's compiled `render.python_regex` (all of them, since
  ranking needs every fitting statement; on a subsample, extrapolated);
- drain3 template mining (`TemplateMiner.add_log_message`, on a subsample), when drain3 is installed;
- Hyperscan compile time for the template set, cold and from the on-disk cache.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import re
import sys
import tempfile
import time

from prodlens import render
from prodlens.matching.matcher import Matcher
from prodlens.streaming import tune_for_streaming
from prodlens.matching.records import read_records
from prodlens.model import Confidence, Hole, HoleKind, LogStatement, Range, Template, statement_key

WORDS = ("connection request session cache message queue consumer producer broker transaction commit rollback "
         "timeout retry failed started stopped closing opened received sent dispatch pending acknowledged "
         "subscription topic partition offset lease heartbeat checkpoint journal index segment replica leader "
         "election worker thread pool task scheduled executing completed rejected invalid user token expired "
         "upload download chunk bytes file path config loaded reloading shutdown graceful forced handler route "
         "status response latency slow exceeded limit memory usage").split()
LEVELS = ("debug", "debug", "debug", "info", "info", "warn", "error")
KINDS = (HoleKind.ANY, HoleKind.ANY, HoleKind.ANY, HoleKind.INT, HoleKind.NUMBER)


def make_statements(count: int, rng: random.Random) -> list[LogStatement]:
    statements = []
    seen = set()
    while len(statements) < count:
        module = rng.choice(WORDS)
        cls = rng.choice(WORDS).capitalize() + rng.choice(WORDS).capitalize()
        path = f"svc-{module}/src/main/java/com/acme/{module}/{cls}.java"
        parts: list = []
        for _ in range(rng.randint(1, 6)):
            parts.append(" ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 4))) + rng.choice(" :=/"))
            if rng.random() < 0.8:
                parts.append(Hole(rng.choice(KINDS)))
        if rng.random() < 0.3:
            parts.append(rng.choice((")", " ms", " bytes", "]")))
        template = Template.of(*parts)
        if template.text in seen:
            continue
        seen.add(template.text)
        level = rng.choice(LEVELS)
        line = rng.randint(20, 2000)
        statements.append(LogStatement(
            key=statement_key(path, template, level, 0), path=path, range=Range(line - 1, 8, line - 1, 60),
            language="java", framework="slf4j", level=level, logger=f"com.acme.{module}.{cls}",
            template=template, confidence=Confidence.FULL))
    return statements


def fill(template: Template, rng: random.Random) -> str:
    out = []
    for part in template.parts:
        if isinstance(part, str):
            out.append(part)
        elif part.kind is HoleKind.INT:
            out.append(str(rng.randint(0, 100000)))
        elif part.kind is HoleKind.NUMBER:
            out.append(f"{rng.random() * 1000:.2f}")
        else:
            out.append(rng.choice(("q-17", "orders", "user=42", "10.0.0.7:61616", "ID:host-1:3", "[a, b]")))
    return "".join(out)


def make_records(statements, count: int, rng: random.Random) -> tuple[bytes, bytes, bytes, list]:
    weights = [1.0 / (rank + 1) for rank in range(len(statements))]
    chosen = rng.choices(range(len(statements)), weights=weights, k=count)
    distinct = {}
    plain = io.BytesIO()
    jsonl = io.BytesIO()
    distinct_jsonl = io.BytesIO()  # every message rendered afresh: the worst case for remembered decisions
    samples = []
    for number, index in enumerate(chosen):
        statement = statements[index]
        message = distinct.get((index, number % 50))
        if message is None:
            message = distinct[(index, number % 50)] = fill(statement.template, rng)
        plain.write(message.encode() + b"\n")
        jsonl.write(json.dumps({"ts": "2026-11-23T10:00:00.000Z", "level": statement.level.upper(),
                                "logger": statement.logger, "message": message, "thread": "main"}).encode() + b"\n")
        fresh = f"{fill(statement.template, rng)} #{number}" if statement.template.parts and not isinstance(
            statement.template.parts[-1], str) else fill(statement.template, rng)
        distinct_jsonl.write(json.dumps({"ts": "2026-11-23T10:00:00.000Z", "level": statement.level.upper(),
                                         "logger": statement.logger, "message": fresh, "thread": "main"}).encode()
                             + b"\n")
        if number < 50_000:
            samples.append((message, statement))
    return plain.getvalue(), jsonl.getvalue(), distinct_jsonl.getvalue(), samples


def rate(count: int, seconds: float) -> float:
    return count / seconds if seconds > 0 else float("inf")


def run_prodlens(matcher: Matcher, data: bytes, fmt: str) -> tuple[float, int, int]:
    started = time.perf_counter()
    matched = total = 0
    batch = []
    for result in read_records(io.BytesIO(data), fmt=fmt):
        batch.append(result.record)
        if len(batch) == 4096:
            matched += sum(1 for m in matcher.match_many(batch) if m.key)
            total += len(batch)
            batch = []
    matched += sum(1 for m in matcher.match_many(batch) if m.key)
    total += len(batch)
    return time.perf_counter() - started, total, matched


def run_naive(statements, samples, sample_size: int) -> float:
    compiled = [re.compile(render.python_regex(s.template), re.S) for s in statements]
    subset = samples[:sample_size]
    started = time.perf_counter()
    for message, _ in subset:
        # every statement is tried: ranking needs all fitting statements, not the first one in file order
        fitting = [regex for regex in compiled if regex.match(message)]
    return rate(len(subset), time.perf_counter() - started)


def run_drain(samples, sample_size: int) -> float | None:
    try:
        from drain3 import TemplateMiner
        from drain3.template_miner_config import TemplateMinerConfig
    except ImportError:
        return None
    import logging

    logging.getLogger("drain3").setLevel(logging.WARNING)
    config = TemplateMinerConfig()
    config.profiling_enabled = False
    miner = TemplateMiner(config=config)
    subset = samples[:sample_size]
    started = time.perf_counter()
    for message, _ in subset:
        miner.add_log_message(message)
    return rate(len(subset), time.perf_counter() - started)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--templates", type=int, nargs="+", default=[2000, 10000])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--baseline-sample", type=int, default=2000)
    parser.add_argument("--drain-sample", type=int, default=20000)
    parser.add_argument("--engine", default="auto", choices=("auto", "hyperscan", "python"))
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    tune_for_streaming()  # the garbage-collector settings `prodlens map` and `prodlens ingest` run with
    print(f"{'templates':>9} {'records':>9} {'engine':>9} {'compile s':>9} {'cached s':>8} {'read lines/s':>13} "
          f"{'plain rec/s':>12} {'JSON rec/s':>11} {'JSON distinct':>13} {'naive rec/s':>11} {'drain3 rec/s':>12} {'placed plain':>12} "
          f"{'placed JSON':>11}", flush=True)
    for count in args.templates:
        rng = random.Random(args.seed)
        statements = make_statements(count, rng)
        plain, jsonl, distinct, samples = make_records(statements, args.records, rng)
        with tempfile.TemporaryDirectory() as cache:
            started = time.perf_counter()
            matcher = Matcher(statements, cache_dir=cache, engine=args.engine)
            cold = time.perf_counter() - started
            started = time.perf_counter()
            matcher = Matcher(statements, cache_dir=cache, engine=args.engine)
            warm = time.perf_counter() - started
            fresh_matcher = Matcher(statements, cache_dir=cache, engine=args.engine)  # nothing remembered yet
        started = time.perf_counter()
        lines = sum(1 for _ in io.BytesIO(plain))
        read_rate = rate(lines, time.perf_counter() - started)
        plain_s, total, plain_matched = run_prodlens(matcher, plain, "text")
        json_s, _, json_matched = run_prodlens(matcher, jsonl, "jsonl")
        distinct_s, _, _ = run_prodlens(fresh_matcher, distinct, "jsonl")
        naive = run_naive(statements, samples, args.baseline_sample)
        drain = run_drain(samples, args.drain_sample)
        drain_text = f"{drain:,.0f}" if drain is not None else "n/a"
        print(f"{count:>9} {total:>9} {matcher.engine.name:>9} {cold:>9.1f} {warm:>8.2f} {read_rate:>13,.0f} "
              f"{rate(total, plain_s):>12,.0f} {rate(total, json_s):>11,.0f} {rate(total, distinct_s):>13,.0f} {naive:>11,.0f} {drain_text:>12} "
              f"{plain_matched / total:>12.1%} {json_matched / total:>11.1%}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
