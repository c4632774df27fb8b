#!/usr/bin/env python3
"""How much of each development corpus any mapper could place *with certainty* from one record alone.

usage: corpus_ceiling.py CORPORA_DIR TREES_DIR [CORPUS ...]

A mapper that never guesses can only name a statement when nothing else could have written the record. This
script measures, per corpus, how many records no record-local mapper could place with certainty, so our
accuracy can be read against what is reachable rather than against 100 %:

- **message ceiling**: records grouped by everything the record offers (rendered message, level, logger,
  exception present or not; then also thread). A group whose records come from more than one truth location
  cannot be placed by any function of those fields. This bound is loose on purpose: rendered *values* (an MBean
  name, a port) almost never repeat across call sites, so it is near 100 % — but telling sites apart by the
  values they happened to render is learning from data, not evidence.
- **template ceiling** (the honest one): a record is beyond certainty when its true statement has a *twin* in the
  source tree — another statement with the same constant text and holes, the same level and throwable flag, and
  the same logger as far as the record can tell (the same declared logger, or the same file, or, for statements
  that declare none, the same words of the record's logger found in both paths) — and neither the record nor a
  static fact of the tree separates them: no attached stack trace names one line but not the other, the record's
  logger does not name the enclosing Python class of one but not the other, and both files are equally loadable
  by Node's `require` (an unused `build/esm` copy is not a twin). Any message of one twin is a valid message of
  the other, so the record carries no evidence between them. Stream context (the same thread's neighbouring
  records) is not record-local: a mapper using it may exceed this ceiling. The next column counts as placeable
  also the twins that a constant opening one of the record's hole values separates (`matching.provenance`):
  record-local evidence the plain template comparison does not see.
- **our matcher** (`StatementIndex.build` + `Matcher.match_many` in stream order, as `prodlens map` runs): its
  accuracy, how many of its ties `matching.provenance` (record-local) and `matching.precedence` (per-thread
  history of the statements placed or tied so far) would break, and how many correctly, and, for the records it
  leaves tied, whether the tied candidates are identical in text, level, logger
  and throwable flag (the record then carries no evidence between them) and whether the truth is among them.

Truth is each corpus's own `truth.jsonl[.gz]`; the true statement is the indexed statement whose call spans the
truth line in the truth path. Only public API is used, so the numbers describe what the corpora allow, not how
our ranking happens to work.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from prodlens.matching import provenance
from prodlens.matching.matcher import Matcher
from prodlens.matching.precedence import Precedence
from prodlens.matching.records import read_records
from prodlens.model import LogStatement, normalize_level
from prodlens.source.index import StatementIndex
from prodlens.source.packages import node_loadable
from prodlens.source.scopes import innermost_class

_WORD = re.compile(r"[A-Za-z0-9]+")


def _open(path: Path):
    if not path.exists() and path.with_name(path.name + ".gz").exists():
        path = path.with_name(path.name + ".gz")
    return gzip.open(path, "rb") if path.suffix == ".gz" else open(path, "rb")


def _jsonl(path: Path) -> list[dict]:
    with _open(path) as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _words(text: str | None) -> frozenset[str]:
    return frozenset(w.lower() for w in _WORD.findall(text or ""))


def unplaceable_by_fields(logs: list[dict], truth: list[dict], fields: Callable[[dict], Any]) -> int:
    """Records whose group (records with equal `fields(record)`) came from more than one truth location."""
    groups: dict[Any, set] = defaultdict(set)
    keys = [fields(record) for record in logs]
    for key, where in zip(keys, truth):
        groups[key].add((where.get("path"), where.get("line")))
    return sum(1 for key in keys if len(groups[key]) > 1)


def true_statement(by_path: dict[str, list[LogStatement]], where: dict) -> LogStatement | None:
    """The indexed statement whose call spans the truth line (the narrowest one when calls nest)."""
    spanning = [s for s in by_path.get(where.get("path") or "", ()) if s.line <= (where.get("line") or 0) <= s.end_line]
    return min(spanning, key=lambda s: s.end_line - s.line) if spanning else None


def _trace_names(trace: str | None, statement: LogStatement) -> bool:
    """The attached trace names the statement's file and one of its call lines (Java `(File.java:N)`, Python
    `File ".../file.py", line N`, V8 `/file.js:N:C`)."""
    if not trace:
        return False
    name = statement.path.rsplit("/", 1)[-1]
    for line in range(statement.line, statement.end_line + 1):
        if (f"{name}:{line})" in trace or f'{name}", line {line}' in trace or f"{name}:{line}:" in trace):
            return True
    return False


def _same_logger_evidence(record_logger: str | None, a: LogStatement, b: LogStatement) -> bool:
    """Could the record's logger tell `a` from `b`? Not when both declare the same logger, not when they share a
    file, and not when neither declares one and the logger's words are found equally in both paths."""
    if a.path == b.path:
        return a.logger == b.logger or a.logger is None or b.logger is None
    if a.logger is not None or b.logger is not None:
        return a.logger == b.logger
    words = _words(record_logger)
    return (words & _words(a.path)) == (words & _words(b.path))


def _logger_names_class(record_logger: str | None, tree: Path, a: LogStatement, b: LogStatement) -> bool:
    """The logger carries a class name (`pkg.mod.Class`) that encloses exactly one of two Python statements."""
    if not record_logger or not (a.path.endswith(".py") and b.path.endswith(".py")):
        return False
    components = set(record_logger.split("."))
    class_a = innermost_class(str(tree / a.path), a.line)
    class_b = innermost_class(str(tree / b.path), b.line)
    return class_a != class_b and ((class_a in components) != (class_b in components))


def _signature(statement: LogStatement) -> tuple:
    return (statement.template.parts, normalize_level(statement.level) if statement.level else None,
            statement.throwable)


@dataclass
class CorpusCeiling:
    name: str
    records: int
    message_ceiling: int = 0  # records placeable from (message, level, logger, exception?)
    message_thread_ceiling: int = 0  # ... and thread
    twins: int = 0  # records whose true statement has a twin the record cannot tell apart
    twins_by_provenance: int = 0  # ... of which a hole value's constant names the true statement
    not_indexed: int = 0  # records whose truth line holds no indexed statement
    correct: int = 0
    predicted: int = 0
    ties: int = 0
    ties_identical: int = 0  # ties whose candidates share text, level, logger and throwable flag
    ties_with_truth: int = 0
    provenance_placed: int = 0  # ties `provenance.choose` would break
    provenance_correct: int = 0
    precedence_placed: int = 0  # ties `Precedence.choose` would break, given the thread's history
    precedence_correct: int = 0
    twin_examples: dict[tuple, int] = field(default_factory=dict)

    @property
    def template_ceiling(self) -> int:
        return self.records - self.twins

    @property
    def provenance_ceiling(self) -> int:
        return self.records - self.twins + self.twins_by_provenance


def _twin_index(statements: Iterable[LogStatement]) -> dict[tuple, list[LogStatement]]:
    by_signature: dict[tuple, list[LogStatement]] = defaultdict(list)
    for statement in statements:
        by_signature[_signature(statement)].append(statement)
    return by_signature


def measure(name: str, corpus_dir: Path, tree: Path) -> CorpusCeiling:
    logs = _jsonl(corpus_dir / "logs.jsonl")
    truth = _jsonl(corpus_dir / "truth.jsonl")
    if len(logs) != len(truth):
        raise SystemExit(f"{name}: {len(logs)} records but {len(truth)} truth lines")
    result = CorpusCeiling(name, len(logs))
    result.message_ceiling = len(logs) - unplaceable_by_fields(
        logs, truth, lambda r: (r.get("message"), r.get("level"), r.get("logger"), bool(r.get("exception"))))
    result.message_thread_ceiling = len(logs) - unplaceable_by_fields(
        logs, truth,
        lambda r: (r.get("message"), r.get("level"), r.get("logger"), bool(r.get("exception")), r.get("thread")))

    index = StatementIndex.build(tree, use_cache=False)
    by_path: dict[str, list[LogStatement]] = defaultdict(list)
    for statement in index.statements:
        by_path[statement.path].append(statement)
    by_signature = _twin_index(index.statements)
    loadable = node_loadable(tree, {s.path for s in index.statements})
    truths = [true_statement(by_path, where) for where in truth]
    twin_cache: dict[tuple, bool] = {}
    twin_list: dict[str, list[LogStatement]] = {}
    for record, statement in zip(logs, truths):
        if statement is None:
            result.not_indexed += 1
            continue
        trace = record.get("exception")
        cache_key = (statement.key, record.get("logger"), bool(trace))
        if trace or cache_key not in twin_cache:
            logger = record.get("logger")
            twins = [other for other in by_signature[_signature(statement)]
                     if other.key != statement.key and _same_logger_evidence(logger, statement, other)
                     and loadable.get(other.path) == loadable.get(statement.path)
                     and not _logger_names_class(logger, tree, statement, other)]
            if trace and _trace_names(trace, statement):
                twins = [other for other in twins if _trace_names(trace, other)]
            has_twin = bool(twins)
            if not trace:
                twin_cache[cache_key] = has_twin
            twin_list[statement.key] = twins
        else:
            has_twin = twin_cache[cache_key]
        if has_twin:
            result.twins += 1
            twins_and_truth = [statement, *twin_list[statement.key]]
            if provenance.choose(record.get("message") or "", twins_and_truth, tree) is statement:
                result.twins_by_provenance += 1
            where = (statement.path, statement.line)
            result.twin_examples[where] = result.twin_examples.get(where, 0) + 1

    with tempfile.TemporaryDirectory() as cache, _open(corpus_dir / "logs.jsonl") as handle:
        matcher = Matcher(index.statements, root=tree, cache_dir=cache)
        read = list(read_records(handle, fmt="jsonl"))
        records = [r.record for r in read]
        if any(r is None for r in records):
            raise SystemExit(f"{name}: some records could not be read")
        matches = matcher.match_many(records)  # type: ignore[arg-type]
    precedence = Precedence(index.statements, tree)
    logged: dict[object, set[str]] = defaultdict(set)
    for match, where, record in zip(matches, truth, records):
        attributes = record.attributes or {}  # type: ignore[union-attr]
        thread = attributes.get("thread.name") or attributes.get("thread")
        seen = logged[thread if thread is not None else (None, record.logger)]  # type: ignore[union-attr]
        if match.key is None and match.candidates > 1:
            chosen = precedence.choose([matcher.statement(k) for k in match.candidate_keys], seen)  # type: ignore[misc]
            if chosen is not None:
                result.precedence_placed += 1
                if _spans(chosen, where):
                    result.precedence_correct += 1
        if match.key is not None:
            seen.add(match.key)
        seen.update(match.candidate_keys)
        if match.key is not None:
            result.predicted += 1
            chosen = matcher.statement(match.key)
            if chosen is not None and _spans(chosen, where):
                result.correct += 1
        elif match.candidates > 1:
            result.ties += 1
            candidates = [matcher.statement(key) for key in match.candidate_keys]
            chosen = provenance.choose(record.message or "", [c for c in candidates if c], tree)
            if chosen is not None:
                result.provenance_placed += 1
                if _spans(chosen, where):
                    result.provenance_correct += 1
            if len({(c.template.text, c.level, c.logger, c.throwable) for c in candidates if c}) == 1:
                result.ties_identical += 1
            if any(c is not None and _spans(c, where) for c in candidates):
                result.ties_with_truth += 1
    return result


def _spans(statement: LogStatement, where: dict) -> bool:
    """The corpora's notion of correct: same path, and the statement's call spans the truth line."""
    return statement.path == where.get("path") and statement.line <= where["line"] <= statement.end_line


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.2f}%" if whole else "-"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpora", type=Path)
    parser.add_argument("trees", type=Path)
    parser.add_argument("names", nargs="*")
    parser.add_argument("--show", type=int, default=5, help="most frequent true statements with twins to list")
    args = parser.parse_args(argv)
    names = args.names or sorted(p.name for p in args.corpora.iterdir() if (p / "SOURCE.md").exists())
    results = []
    for name in names:
        tree = args.trees / name
        if not tree.is_dir():
            print(f"skipping {name}: no source tree at {tree}", file=sys.stderr)
            continue
        results.append(measure(name, args.corpora / name, tree))

    print(f"{'corpus':<24} {'records':>8} {'msg ceiling':>11} {'+thread':>8} {'tmpl ceiling':>12} {'+provenance':>11} "
          f"{'accuracy':>9} {'precision':>9} {'ties':>6} {'identical':>9} {'truth in':>8} {'prov. placed/ok':>15} "
          f"{'prec. placed/ok':>15} "
          f"{'no stmt':>7}")
    for r in results:
        print(f"{r.name:<24} {r.records:>8} {_pct(r.message_ceiling, r.records):>11} "
              f"{_pct(r.message_thread_ceiling, r.records):>8} {_pct(r.template_ceiling, r.records):>12} "
              f"{_pct(r.provenance_ceiling, r.records):>11} "
              f"{_pct(r.correct, r.records):>9} {_pct(r.correct, r.predicted):>9} {r.ties:>6} {r.ties_identical:>9} "
              f"{r.ties_with_truth:>8} {f'{r.provenance_placed}/{r.provenance_correct}':>15} "
              f"{f'{r.precedence_placed}/{r.precedence_correct}':>15} {r.not_indexed:>7}")
    print()
    print("tmpl ceiling: records whose true statement has no twin the record cannot tell apart;")
    print("+provenance: ... counting also twins a constant opening a hole value separates (matching.provenance);")
    print("prov. placed/ok: ties of our matcher matching.provenance would break / break correctly;")
    print("prec. placed/ok: the same for matching.precedence (per-thread history of placed and tied statements);")
    print("identical: ties whose candidates all share text, level, logger and throwable flag;")
    print("truth in: ties whose candidates include the true statement; no stmt: truth line holds no indexed statement")
    for r in results:
        if not r.twin_examples:
            continue
        print(f"\n{r.name}: most frequent true statements with a twin")
        for (path, line), count in sorted(r.twin_examples.items(), key=lambda item: -item[1])[: args.show]:
            print(f"  {count:>6}  {path}:{line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
