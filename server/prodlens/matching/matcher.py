"""Name the statement that wrote each log record: by location when the record carries one, else by template.

Templates are matched all at once by an engine — Hyperscan when it imports (`engine_hyperscan`), else the pure
Python engine (`engine_python`); both give identical answers — and the fitting statements are ranked
(`rank`). Statements without constant text (`log.info(msg)`, `"{}: {}"`) fit every message, so they are not
given to the engine: they are considered only for records whose logger names their file, and win only when
logger and level single one out. `match_many` is the fast path (`prodlens map`, `prodlens ingest`): one engine
call per batch, and ranking results are cached per (logger, level, exception?, fitting templates).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any, Sequence

from ..config import Config, RecordsConfig
from ..model import Hole, HoleKind, LogRecord, LogStatement, Match, MatchMethod, Template, normalize_level
from . import engine_hyperscan
from .engine_python import PythonEngine
from .frames import named_by_trace
from .precedence import Precedence, ThreadHistory
from .provenance import choose as choose_by_provenance
from .location import DEFAULT_LOCATION_FIELDS, LocationIndex, record_location
from .rank import WORDS, contradicts, logger_affinity, rank_key, score
from ..source.packages import node_loadable
from ..source.scopes import innermost_class
from .verify import clean_message, matches, prepare

log = logging.getLogger(__name__)

_CACHE_LIMIT = 200_000
_REMEMBER_LIMIT = 32_768  # decisions remembered per rendered message (bounded memory: ≤ 32k × 1 KB messages)
_REMEMBER_MESSAGE_CHARS = 1024
_CONTEXT_LINES = 40  # how far (in lines) a tie may be broken by the thread's previous statement
_LEVELS: dict[object, str | None] = {}


def _level(value: object) -> str | None:
    """normalize_level, memoised: records repeat a handful of level spellings millions of times."""
    if not value:
        return None
    try:
        return _LEVELS[value]
    except KeyError:
        level = normalize_level(value)
        if len(_LEVELS) < 1024:
            _LEVELS[value] = level
        return level
    except TypeError:  # unhashable
        return normalize_level(value)


_FITS_ALL = {(Hole(HoleKind.ANY),), (Hole(HoleKind.JSON),)}  # templates every message is an instance of
_UNDECIDED = Match.none()


class Matcher:
    """Match records to `statements` (from the index). `engine`: auto | hyperscan | python."""

    def __init__(
        self,
        statements: Sequence[LogStatement],
        root: str | os.PathLike | None = None,
        config: Config | RecordsConfig | None = None,
        cache_dir: str | os.PathLike | None = None,
        engine: str = "auto",
    ):
        records_config = config.records if isinstance(config, Config) else (config or RecordsConfig())
        self.statements: list[LogStatement] = list(statements)
        self._by_key = {s.key: s for s in self.statements}
        self._root = os.fspath(root) if root is not None else None
        self._unloadable: frozenset[str] = frozenset()  # paths the runtime cannot load (unused build copies)
        if root is not None:
            try:
                loadable = node_loadable(root, {s.path for s in self.statements})
                self._unloadable = frozenset(path for path, ok in loadable.items() if not ok)
            except (OSError, ValueError, RecursionError) as exc:  # a broken package.json must not stop matching
                log.warning("could not read the packages' entry points: %s", exc)
        self._location_fields = tuple(records_config.location_fields)
        self._locations = LocationIndex(self.statements, records_config.path_prefixes)
        self._location_keys = frozenset(
            (*(pair[0] for pair in DEFAULT_LOCATION_FIELDS), *self._location_fields[:1]))
        if cache_dir is None and root is not None:
            cache_dir = Path(root) / ".prodlens" / "cache"

        template_ids: dict[tuple, int] = {}
        self._template_parts: list[tuple] = []
        self._template_statements: list[list[int]] = []
        self._dynamic: list[int] = []  # statements with no constant text
        for index, statement in enumerate(self.statements):
            if statement.template.is_dynamic:
                self._dynamic.append(index)
                continue
            parts = prepare(statement.template)
            template_id = template_ids.get(parts)
            if template_id is None:
                template_id = template_ids[parts] = len(self._template_parts)
                self._template_parts.append(parts)
                self._template_statements.append([])
            self._template_statements[template_id].append(index)
        self._dynamic_parts = {i: prepare(self.statements[i].template) for i in self._dynamic}
        self.engine = self._make_engine(engine, cache_dir)
        self._decisions: dict[tuple, Match] = {}
        self._remembered: dict[tuple, Match] = {}
        self._recent: dict[object, LogStatement] = {}  # thread -> statement of its previous placed record
        # per thread, the statements placed or tied so far: a tied candidate whose function always logs something
        # first that its thread never logged is ruled out (`precedence`)
        self._precedence = Precedence(self.statements, root) if root is not None else None
        self._history = ThreadHistory()
        self._eligible_dynamic: dict[tuple, tuple] = {}

    def _make_engine(self, wanted: str, cache_dir: str | os.PathLike | None):
        if wanted not in ("auto", "hyperscan", "python"):
            raise ValueError(f"unknown matching engine {wanted!r} (auto, hyperscan or python)")
        if wanted != "python" and engine_hyperscan.available():
            try:
                return engine_hyperscan.HyperscanEngine(
                    [Template(parts) for parts in self._template_parts], cache_dir=cache_dir
                )
            except Exception as exc:  # a pattern Hyperscan rejects: the Python engine gives the same answers
                if wanted == "hyperscan":
                    raise
                log.warning("Hyperscan could not compile the templates (%s); using the Python engine", exc)
        elif wanted == "hyperscan":
            raise RuntimeError("the hyperscan engine was requested but hyperscan does not import")
        return PythonEngine(self._template_parts)

    # ----------------------------------------------------------------------------------------------------------

    def statement(self, key: str) -> LogStatement | None:
        return self._by_key.get(key)

    def match(self, record: LogRecord) -> Match:
        """One record on its own (no stream context: the editor's "find statement")."""
        return self.match_many([record], context=False)[0]

    def reset_context(self) -> None:
        """Forget the per-thread stream context (call between unrelated streams)."""
        self._recent.clear()
        self._history.clear()

    def match_many(self, records: Sequence[LogRecord], context: bool = True) -> list[Match]:
        """Records of one stream, in order. With `context`, a tie between statements is broken by the statement
        that placed the previous record of the same thread (see `_resolve_by_context`); the context carries over
        to the next call, so a stream can be fed in batches."""
        results = self._match_alone(records)
        if context:
            self._resolve_by_context(records, results)
        return results

    def _resolve_by_context(self, records: Sequence[LogRecord], results: list[Match]) -> None:
        """Code that logs twice in a row usually logs from one place: when several statements fit equally, the
        one in the same file as the thread's previous placed record, and strictly nearest to it within
        `_CONTEXT_LINES` lines, wins — only among statements with constant text. Anything less clear stays
        ambiguous. This pass runs over every record (each placed record becomes its thread's context), so it
        keeps the key only and looks the statement up when a tie needs it."""
        recent = self._recent
        history = self._history
        remember = history.add
        precedence = self._precedence
        by_key = self._by_key
        position = 0
        for record, match in zip(records, results):
            attributes = record.attributes
            thread = (attributes.get("thread.name") or attributes.get("thread")) if attributes else None
            thread_key = (thread, record.logger) if thread is None else thread
            key = match.key
            keys = match.candidate_keys
            if key is None and match.candidates > 1 and precedence is not None:
                possible = precedence.possible([by_key[k] for k in keys], history.logged(thread_key))
                if len(possible) == 1:
                    key = possible[0].key
                    results[position] = Match(key, match.method, 1, match.score, match.candidate_keys)
                else:
                    keys = tuple(s.key for s in possible)
            if key is None and match.candidates > 1:
                previous = recent.get(thread_key)
                if previous is not None:
                    chosen = self._nearest(by_key[previous], keys)
                    if chosen is not None:
                        key = chosen.key
                        results[position] = Match(key, match.method, 1, match.score, match.candidate_keys)
            remember(thread_key, key, match.candidate_keys)
            if key is not None:
                recent[thread_key] = key
            position += 1
        history.check_size()
        if len(recent) > 10_000:  # threads come and go: a long stream must not grow this without bound
            recent.clear()

    def _by_logger_class(self, logger: str, keys: tuple[str, ...]) -> LogStatement | None:
        """A Python logger named module + class (`pkg.mod.Class`, maybe with a suffix) picks, among tied
        candidates in `pkg/mod.py`, the one whose innermost enclosing class is `Class` — if exactly one is."""
        chosen = None
        for key in keys:
            statement = self._by_key[key]
            path = statement.path
            if not path.endswith(".py"):
                return None
            module = path[:-3].replace("/", ".")
            if module.endswith(".__init__"):
                module = module[: -len(".__init__")]
            head = logger
            while head and not (module == head or module.endswith("." + head)):
                head = head.rpartition(".")[0]  # a repository path may carry a prefix the logger lacks: compare tails
            if not head or not logger.startswith(head + "."):
                continue
            class_name = logger[len(head) + 1:].split(".", 1)[0]
            if innermost_class(os.path.join(self._root, path), statement.line) == class_name:
                if chosen is not None:
                    return None
                chosen = statement
        return chosen

    def _nearest(self, previous: LogStatement, keys: tuple[str, ...]) -> LogStatement | None:
        distances = []
        for key in keys:
            statement = self._by_key[key]
            if statement.template.is_dynamic:
                return None  # text-less statements fit anything: their ties are too weak to break by proximity
            if statement.path == previous.path:
                distances.append((abs(statement.line - previous.line), statement))
        if not distances:
            return None
        distances.sort(key=lambda item: item[0])
        best_distance, best = distances[0]
        if best_distance > _CONTEXT_LINES or (len(distances) > 1 and distances[1][0] == best_distance):
            return None
        return best

    def _match_alone(self, records: Sequence[LogRecord]) -> list[Match]:
        """Placement from each record alone. Real logs repeat the same rendered messages heavily (one
        statement, a few distinct values), so decisions are remembered per (message, logger, level,
        exception?) in a bounded cache (emptied when full): a repeat costs one dict lookup instead of a scan.
        Ties are collected on the way, so the evidence only a tie needs (trace frames, logger class) is looked at
        for those records alone."""
        results: list[Match] = [_UNDECIDED] * len(records)
        location_keys = self._location_keys
        remembered = self._remembered
        unknown: list[int] = []
        unknown_keys: list[tuple] = []
        ties: list[int] = []
        position = 0
        for record in records:
            attributes = record.attributes
            if attributes and not attributes.keys().isdisjoint(location_keys):
                found = self._by_location(record)
                if found is not None:
                    results[position] = found
                    position += 1
                    continue
            key = (record.message, record.logger, record.level, not record.exception)
            decision = remembered.get(key)
            if decision is None:
                unknown.append(position)
                unknown_keys.append(key)
            else:
                results[position] = decision
                if decision.key is None and decision.candidates > 1:
                    ties.append(position)
            position += 1
        if unknown:
            messages = [clean_message(records[p].message or "") for p in unknown]
            fitting = self.engine.match_ids(messages)
            decide = self._decide
            for position, message, template_ids, key in zip(unknown, messages, fitting, unknown_keys):
                decision = results[position] = decide(records[position], message, template_ids)
                if decision.key is None and decision.candidates > 1 and self._root is not None:
                    # a hole value opening with a constant only one candidate's code holds (remembered per message)
                    chosen = choose_by_provenance(message, [self._by_key[k] for k in decision.candidate_keys],
                                                  self._root)
                    if chosen is not None:
                        decision = results[position] = Match(
                            chosen.key, decision.method, 1, decision.score, decision.candidate_keys)
                if decision.key is None and decision.candidates > 1:
                    ties.append(position)
                if len(message) <= _REMEMBER_MESSAGE_CHARS:
                    if len(remembered) >= _REMEMBER_LIMIT:
                        # start afresh: evicting oldest-first from a dict degrades (iteration skips the holes left by
                        # deletions), and the messages that repeat come back within a few thousand records
                        remembered.clear()
                    remembered[key] = decision
        if ties:
            self._break_ties_alone(records, results, ties)
        return results

    def _break_ties_alone(self, records: Sequence[LogRecord], results: list[Match], ties: list[int]) -> None:
        """Evidence in the record beyond its text: an attached trace naming one candidate's call line, or a
        Python logger naming one candidate's class."""
        by_key = self._by_key
        for position in ties:
            record = records[position]
            match = results[position]
            if record.exception:
                named = named_by_trace(str(record.exception), [by_key[k] for k in match.candidate_keys])
                if named is not None:
                    results[position] = Match(named.key, match.method, 1, match.score, match.candidate_keys)
                    continue
            if record.logger and self._root is not None:
                chosen = self._by_logger_class(record.logger, match.candidate_keys)
                if chosen is not None:
                    results[position] = Match(chosen.key, match.method, 1, match.score, match.candidate_keys)

    # ----------------------------------------------------------------------------------------------------------

    def _by_location(self, record: LogRecord) -> Match | None:
        location = record_location(record.attributes, self._location_fields)
        if location is None:
            return None
        path = self._locations.repository_path(location[0])
        if path is None:
            return None
        statements = self._locations.statement_at(path, location[1])
        if len(statements) == 1:
            return Match(statements[0].key, MatchMethod.LOCATION, 1, 100.0, (statements[0].key,))
        if len(statements) > 1:  # several calls on one line: let the text decide among them
            return self._rank(statements, record, MatchMethod.LOCATION)
        return None  # a line with no known statement (e.g. inside a wrapper): fall back to the text

    def _decide(self, record: LogRecord, message: str, template_ids: list[int]) -> Match:
        level = _level(record.level)
        logger = record.logger or None
        has_exception = bool(record.exception)
        dynamic = self._dynamic_fitting(logger, level, message) if self._dynamic else ()
        cache_key = (logger, level, has_exception, tuple(template_ids), dynamic)
        decision = self._decisions.get(cache_key)
        if decision is not None:
            return decision
        candidates = [self.statements[i] for t in template_ids for i in self._template_statements[t]]
        candidates.extend(self.statements[i] for i in dynamic)
        if logger:
            candidates = [s for s in candidates if not contradicts(logger, s)]
        decision = self._rank(candidates, record, MatchMethod.TEMPLATE, logger, level, has_exception)
        if len(self._decisions) >= _CACHE_LIMIT:
            self._decisions.clear()
        self._decisions[cache_key] = decision
        return decision

    def _dynamic_fitting(self, logger: str | None, level: str | None, message: str) -> tuple[int, ...]:
        """Statements without constant text that this record's logger and level point at, and that fit.

        Only the statements closest to the logger are eligible (a Java logger names one class; its package
        peers must not compete), grouped by shape so each shape is tested once per message."""
        if not logger:
            return ()
        groups = self._eligible_dynamic.get((logger, level))
        if groups is None:
            groups = self._eligible_dynamic[(logger, level)] = self._dynamic_groups(logger, level)
        fitting: list[int] = []
        for fits_all, parts, members in groups:
            if fits_all or matches(parts, message):
                fitting.extend(members)
        return tuple(fitting)

    def _dynamic_groups(self, logger: str, level: str | None) -> tuple:
        scored = []
        for i in self._dynamic:
            statement = self.statements[i]
            affinity = logger_affinity(logger, statement.logger, statement.path)
            if affinity[0] < WORDS:
                continue
            if level is not None and statement.level is not None and normalize_level(statement.level) != level:
                continue
            scored.append((affinity[:2], i))  # tier and share; extra path words are too weak to exclude
        if not scored:
            return ()
        best = max(a for a, _ in scored)
        by_shape: dict[tuple, list[int]] = {}
        for affinity, i in scored:
            if affinity == best:
                by_shape.setdefault(self._dynamic_parts[i], []).append(i)
        return tuple((parts in _FITS_ALL, parts, tuple(members)) for parts, members in by_shape.items())

    def _rank(
        self,
        candidates: list[LogStatement],
        record: LogRecord,
        method: MatchMethod,
        logger: Any = ...,
        level: Any = ...,
        has_exception: Any = ...,
    ) -> Match:
        if not candidates:
            return Match.none()
        if logger is ...:
            logger = record.logger or None
            level = _level(record.level)
            has_exception = bool(record.exception)
        if len(candidates) == 1:
            only = candidates[0]
            return Match(only.key, method, 1, score(rank_key(only, logger, level, has_exception)), (only.key,))
        unloadable = self._unloadable
        keyed = [(rank_key(s, logger, level, has_exception, 0 if s.path in unloadable else 1), s)
                 for s in candidates]
        best = max(k for k, _ in keyed)
        winners = [s for k, s in keyed if k == best]
        if len(winners) == 1:
            return Match(winners[0].key, method, 1, score(best), (winners[0].key,))
        return Match(None, method, len(winners), score(best), tuple(s.key for s in winners))
