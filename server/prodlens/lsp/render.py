"""Counts → the words the editor shows: lens titles and hover Markdown.

`prodlens show` prints exactly these strings in the terminal, so the editor and the terminal can never
disagree. Nothing here knows LSP types or stores: callers hand over a statement, its counts and samples.

Everything from production (sample messages, attribute values, service and version names) is hostile text:
it goes into Markdown only through `code_span`, which picks a fence the text cannot close and strips newlines.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Iterable, Sequence

from ..model import Counts, LogStatement, Sample

SPARK_BARS = "▁▂▃▄▅▆▇█"
SPARK_SLOTS = 24
MAX_SAMPLE_CHARS = 160
MAX_BREAKDOWN_ITEMS = 5


def humanize(n: int) -> str:
    """`12403` → `12.4k`: lenses are glanced at, the hover has the exact figure."""
    if n < 1000:
        return str(n)
    for unit, size in (("k", 1_000), ("M", 1_000_000), ("B", 1_000_000_000)):
        value = n / size
        if value < 999.5 or unit == "B":
            if value < 99.95:
                text = f"{value:.1f}".removesuffix(".0")
            else:
                text = f"{value:.0f}"
            return text + unit
    return str(n)  # unreachable: "B" always returns


def exact(n: int) -> str:
    return f"{n:,}"


def hits_word(n: int) -> str:
    return "hit" if n == 1 else "hits"


def trend(total: int, previous: int) -> str:
    """`▲31%` / `▼12%`; empty when there is nothing to compare against or nothing changed."""
    if previous <= 0 or total == previous:
        return ""
    change = (total - previous) * 100 / previous
    if abs(change) < 1:
        return ""
    arrow = "▲" if change > 0 else "▼"
    return f"{arrow}{abs(change):.0f}%"


@dataclass(frozen=True, slots=True)
class LensState:
    """What is known about one statement when its lens is drawn.

    `counts` is None while the first fetch is under way; `retention_total` is the hit count over the retention
    period (None when unknown), which decides between `no hits` and `never seen`.
    """

    window: str
    retention: str
    counts: Counts | None = None
    retention_total: int | None = None
    problem: str | None = None  # the store's trouble, shown on one lens per document


LOADING_TITLE = "counting…"


UNAVAILABLE_TITLE = "no counts"


def lens_title(state: LensState, *, mention_problem: bool = True) -> str:
    """`12.4k hits · 24h ▲31%`, `3 hits · 24h`, `no hits · 24h`, `never seen · 30d`, plus markers.

    When the store has a problem and nothing is cached, the problem is told once (`mention_problem` on the
    document's first lens); the other lenses just say there are no counts, instead of repeating it 200 times.
    """
    if state.problem is not None and state.counts is None:
        return f"⚠ {state.problem}" if mention_problem else f"{UNAVAILABLE_TITLE} · {state.window}"
    counts = state.counts
    if counts is None:
        return f"{LOADING_TITLE} · {state.window}"
    if counts.total > 0:
        title = f"{humanize(counts.total)} {hits_word(counts.total)} · {state.window}"
        arrow = trend(counts.total, counts.previous)
        if arrow:
            title += f" {arrow}"
    elif state.retention_total == 0:
        title = f"never seen · {state.retention}"
    else:
        title = f"no hits · {state.window}"
    if counts.ambiguous:
        title += f" · {humanize(counts.ambiguous)} ambiguous"
    if counts.stale:
        title += " · stale"
    return title


def link_tooltip(state: LensState) -> str:
    """`Open in dashboard: 12.4k hits · 24h` — the count part of the lens, without trend or markers."""
    counts = state.counts
    if counts is None:
        return f"Open in dashboard · {state.window}"
    if counts.total > 0:
        return f"Open in dashboard: {humanize(counts.total)} {hits_word(counts.total)} · {state.window}"
    return f"Open in dashboard: no hits · {state.window}"


# --------------------------------------------------------------------------------------------------------------
# Hover


def code_span(text: str, limit: int = MAX_SAMPLE_CHARS) -> str:
    """Inline code that shows `text` literally, whatever backticks or Markdown it holds."""
    flat = " ".join(str(text).split())
    if len(flat) > limit:
        flat = flat[: limit - 1] + "…"
    if not flat:
        return "` `"
    longest = run = 0
    for ch in flat:
        run = run + 1 if ch == "`" else 0
        longest = max(longest, run)
    fence = "`" * (longest + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


def relative_time(when: datetime, now: datetime) -> str:
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    seconds = (now - when).total_seconds()
    future = seconds < 0
    seconds = abs(seconds)
    if seconds < 45:
        text = "just now" if not future else "in a moment"
        return text
    for size, unit in ((86400 * 365, "y"), (86400, "d"), (3600, "h"), (60, "min")):
        if seconds >= size:
            value = int(seconds // size)
            break
    else:  # pragma: no cover - the 45 s branch above returns first
        value, unit = int(seconds), "s"
    return f"in {value} {unit}" if future else f"{value} {unit} ago"


def absolute_time(when: datetime) -> str:
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def sparkline(counts: Counts, start: datetime, end: datetime, slots: int = SPARK_SLOTS) -> str:
    """Hits over the window as unicode bars, one per equal slice of the window (empty slices are `▁`)."""
    length = (end - start).total_seconds()
    if length <= 0 or not counts.buckets:
        return ""
    values = [0] * slots
    for bucket in counts.buckets:
        at = bucket.start if bucket.start.tzinfo else bucket.start.replace(tzinfo=timezone.utc)
        offset = (at - start).total_seconds()
        if offset < 0 or offset >= length:
            continue
        values[min(slots - 1, int(offset * slots / length))] += bucket.count
    peak = max(values)
    if peak == 0:
        return ""
    top = len(SPARK_BARS) - 1
    return "".join(SPARK_BARS[0] if v == 0 else SPARK_BARS[max(1, round(v * top / peak))] for v in values)


def breakdown(values: dict[str, int]) -> str:
    items = sorted(values.items(), key=lambda kv: (-kv[1], kv[0]))
    shown = [f"{code_span(name, 40)} {exact(count)}" for name, count in items[:MAX_BREAKDOWN_ITEMS]]
    rest = len(items) - MAX_BREAKDOWN_ITEMS
    if rest > 0:
        shown.append(f"+{rest} more")
    return " · ".join(shown)


@dataclass(frozen=True, slots=True)
class MatchInfo:
    """How records reach this statement: location when records carry code locations, else its template."""

    method: str  # location | template
    candidates: int  # statements in the workspace with the same template (1 = unique)


def match_info(statement: LogStatement, samples: Sequence[Sample], same_template: int) -> MatchInfo:
    located = any(
        ("code.file.path" in s.attributes or "code.filepath" in s.attributes) for s in samples
    )
    return MatchInfo("location" if located else "template", max(1, same_template))


def hover_markdown(
    statement: LogStatement,
    state: LensState,
    *,
    start: datetime,
    end: datetime,
    samples: Sequence[Sample] = (),
    matched: MatchInfo | None = None,
    dashboard_url: str | None = None,
    dashboard_note: str | None = None,
    now: datetime | None = None,
) -> str:
    """The hover: exact counts, sparkline, breakdowns, first/last seen, latest occurrences, matching, link."""
    now = now or datetime.now(timezone.utc)
    lines: list[str] = []
    counts = state.counts
    window = state.window
    if counts is None:
        lines.append(f"**prodlens** · {state.problem or 'counting…'}")
    else:
        head = f"**{exact(counts.total)} {hits_word(counts.total)}** in the last {window}"
        if counts.previous or counts.total:
            head += f" (previous {window}: {exact(counts.previous)}"
            arrow = trend(counts.total, counts.previous)
            head += f", {arrow})" if arrow else ")"
        if counts.total == 0 and state.retention_total == 0:
            head = f"**never seen** in the last {state.retention}"
        lines.append(head)
        if counts.stale:
            lines.append(f"_stale: served from cache, the store did not answer ({state.problem or 'error'})_")
        elif state.problem:
            lines.append(f"_{state.problem}_")
        if counts.ambiguous:
            lines.append(
                f"{exact(counts.ambiguous)} of these hits came from records that other statements fit equally well"
            )
        spark = sparkline(counts, start, end)
        if spark:
            lines.append(f"`{spark}` {absolute_time(start)} → now")
        facts = []
        if counts.by_level:
            facts.append(f"- level: {breakdown(counts.by_level)}")
        if counts.by_service:
            facts.append(f"- service: {breakdown(counts.by_service)}")
        if counts.by_version:
            facts.append(f"- version: {breakdown(counts.by_version)}")
        if counts.first_seen:
            facts.append(f"- first seen {relative_time(counts.first_seen, now)} ({absolute_time(counts.first_seen)})")
        if counts.last_seen:
            facts.append(f"- last seen {relative_time(counts.last_seen, now)} ({absolute_time(counts.last_seen)})")
        if facts:
            lines.append("\n".join(facts))
    if samples:
        occurrences = ["**Latest occurrences**"]
        for sample in samples:
            when = relative_time(sample.timestamp, now) if sample.timestamp else "time unknown"
            level = f" {sample.level}" if sample.level else ""
            occurrences.append(f"- {when}{level} {code_span(sample.message)}")
        lines.append("\n".join(occurrences))
    lines.append(_statement_line(statement, matched))
    if dashboard_url:
        link = f"[Open in dashboard]({_link_target(dashboard_url)})"
        lines.append(f"{link} — {dashboard_note}" if dashboard_note else link)
    return "\n\n".join(lines)


def _statement_line(statement: LogStatement, matched: MatchInfo | None) -> str:
    level = statement.level or "level at run time"
    text = f"{statement.framework} · {level} · {code_span(statement.template.text, 120)}"
    if matched is None:
        return f"Statement: {text}"
    if matched.method == "location":
        how = "matched by code location"
    else:
        how = "matched by template"
        if matched.candidates > 1:
            how += f", {matched.candidates} statements share it (ties are counted as ambiguous)"
    return f"Statement: {text} — {how}"


def _link_target(url: str) -> str:
    # Markdown link targets end at whitespace or ')': percent-encode the few characters that would break it.
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace("<", "%3C").replace(">", "%3E")


def show_lines(source: str, items: Iterable[tuple[LogStatement, str]]) -> list[str]:
    """The file with each statement's lens text on a line above it, as the editor draws it (`prodlens show`)."""
    by_line: dict[int, list[str]] = {}
    for statement, title in items:
        by_line.setdefault(statement.range.start_line, []).append(title)
    lines = source.splitlines()
    width = len(str(len(lines)))
    out: list[str] = []
    for number, line in enumerate(lines):
        titles = by_line.get(number)
        if titles:
            indent = line[: len(line) - len(line.lstrip())]
            out.append(f"{'':>{width}} │ {indent}▸ {' | '.join(titles)}")
        out.append(f"{number + 1:>{width}} │ {line}")
    return out
