"""A bar chart of hits over time as inline SVG.

Server-side SVG needs no JavaScript library, works offline and in any browser, and can be asserted in tests:
each bar carries its count and start time as data attributes and a <title> tooltip.
"""

from __future__ import annotations

from html import escape
from typing import Sequence

from ..model import Bucket

WIDTH = 720
HEIGHT = 160
PAD_LEFT = 44
PAD_BOTTOM = 22


def bar_chart(buckets: Sequence[Bucket], *, label: str = "hits") -> str:
    if not buckets:
        return '<svg class="prodlens-chart" width="0" height="0"></svg>'
    peak = max((b.count for b in buckets), default=0)
    scale_max = max(peak, 1)
    plot_w = WIDTH - PAD_LEFT - 4
    plot_h = HEIGHT - PAD_BOTTOM - 8
    slot = plot_w / len(buckets)
    bar_w = max(1.0, slot * 0.8)
    parts = [
        f'<svg class="prodlens-chart" xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(label)} over time">',
        f'<line x1="{PAD_LEFT}" y1="{8 + plot_h}" x2="{WIDTH - 4}" y2="{8 + plot_h}" stroke="#999"/>',
        f'<text x="{PAD_LEFT - 6}" y="14" text-anchor="end" font-size="11">{peak:,}</text>',
        f'<text x="{PAD_LEFT - 6}" y="{8 + plot_h}" text-anchor="end" font-size="11">0</text>',
    ]
    for i, bucket in enumerate(buckets):
        h = plot_h * bucket.count / scale_max
        x = PAD_LEFT + i * slot + (slot - bar_w) / 2
        y = 8 + plot_h - h
        when = bucket.start.strftime("%Y-%m-%d %H:%M UTC")
        parts.append(
            f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="#3b82f6" '
            f'data-count="{bucket.count}" data-start="{escape(bucket.start.isoformat())}">'
            f"<title>{bucket.count:,} {escape(label)} from {escape(when)}</title></rect>"
        )
    first, last = buckets[0].start, buckets[-1].start
    parts.append(f'<text x="{PAD_LEFT}" y="{HEIGHT - 6}" font-size="11">{escape(first.strftime("%m-%d %H:%M"))}</text>')
    parts.append(
        f'<text x="{WIDTH - 4}" y="{HEIGHT - 6}" text-anchor="end" font-size="11">'
        f'{escape(last.strftime("%m-%d %H:%M"))}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)
