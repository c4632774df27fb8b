"""Lens titles and hover Markdown from counts: the words users read every day (no server needed)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from prodlens.lsp.render import (
    LensState, MatchInfo, code_span, hover_markdown, humanize, lens_title, relative_time, sparkline, trend,
)
from prodlens.model import Bucket, Confidence, Counts, LogStatement, Range, Sample, Template

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("n, text", [
    (0, "0"), (999, "999"), (1000, "1k"), (1234, "1.2k"), (12_403, "12.4k"), (99_949, "99.9k"), (99_950, "100k"),
    (123_456, "123k"), (999_499, "999k"), (999_500, "1M"), (1_234_567, "1.2M"), (5_000_000_000, "5B"),
])
def test_humanize(n, text):
    assert humanize(n) == text


def test_titles():
    def title(**kw):
        return lens_title(LensState("24h", "30d", **kw))

    assert title(counts=Counts(total=12_403, previous=9_467)) == "12.4k hits · 24h ▲31%"
    assert title(counts=Counts(total=3)) == "3 hits · 24h"
    assert title(counts=Counts(total=1, previous=4)) == "1 hit · 24h ▼75%"
    assert title(counts=Counts(total=0, previous=5), retention_total=5) == "no hits · 24h"
    assert title(counts=Counts(), retention_total=0) == "never seen · 30d"
    assert title(counts=Counts(total=120, ambiguous=40, stale=True)) == "120 hits · 24h · 40 ambiguous · stale"
    assert title() == "counting… · 24h"
    assert title(problem="the store is busy") == "⚠ the store is busy"
    assert lens_title(LensState("24h", "30d", problem="x"), mention_problem=False) == "no counts · 24h"


def test_trend_ignores_noise():
    assert trend(100, 100) == "" and trend(1000, 1005) == "" and trend(5, 0) == ""


def test_code_span_shows_hostile_text_literally():
    assert code_span("a `b` c") == "``a `b` c``"
    assert code_span("``x") == "``` ``x ```"
    assert code_span("line1\nline2\r\n[link](javascript:x)") == "`line1 line2 [link](javascript:x)`"
    assert code_span("") == "` `"
    assert len(code_span("x" * 10_000)) < 200


def test_relative_time():
    assert relative_time(NOW - timedelta(seconds=10), NOW) == "just now"
    assert relative_time(NOW - timedelta(minutes=30), NOW) == "30 min ago"
    assert relative_time(NOW - timedelta(hours=5), NOW) == "5 h ago"
    assert relative_time(NOW - timedelta(days=3), NOW) == "3 d ago"
    assert relative_time(NOW + timedelta(hours=2), NOW) == "in 2 h"


def test_sparkline_spreads_buckets_over_the_window():
    start = NOW - timedelta(hours=24)
    counts = Counts(total=30, buckets=[Bucket(start, 10), Bucket(NOW - timedelta(minutes=30), 20)])
    line = sparkline(counts, start, NOW)
    assert len(line) == 24 and line[0] == "▅" and line[-1] == "█" and set(line[1:-1]) == {"▁"}
    assert sparkline(Counts(), start, NOW) == ""


def test_hover_markdown():
    statement = LogStatement(
        key="k1", path="a/B.java", range=Range(3, 4, 3, 40), language="java", framework="slf4j", level="error",
        logger="a.B", template=Template.of("Payment failed for ", "`order`"), confidence=Confidence.FULL,
    )
    counts = Counts(total=25, previous=2, by_level={"error": 25}, by_version={"1.4.3": 20, "1.4.2": 5},
                    first_seen=NOW - timedelta(days=1), last_seen=NOW - timedelta(minutes=30))
    text = hover_markdown(
        statement, LensState("24h", "30d", counts=counts, retention_total=27), start=NOW - timedelta(hours=24),
        end=NOW, samples=[Sample(NOW - timedelta(minutes=30), "Payment failed for `o-1`\n<b>", "error")],
        matched=MatchInfo("template", 2), dashboard_url="http://h/s?q=a b(c)", now=NOW,
    )
    assert text.startswith("**25 hits** in the last 24h (previous 24h: 2, ▲1150%)")
    assert "- version: `1.4.3` 20 · `1.4.2` 5" in text
    assert "- 30 min ago error ``Payment failed for `o-1` <b>``" in text
    assert "2 statements share it" in text
    assert "[Open in dashboard](http://h/s?q=a%20b%28c%29)" in text
