"""The writer sums hour rows column-wise for the usual batch and cell by cell for dense ones: both must give the
same rows (minute rows as they are, one hour row per statement-hour-dimensions with the sums)."""

from __future__ import annotations

import random
from collections import defaultdict

import pytest

from prodlens.stores.sqlite import HOUR, MINUTE, _with_hour_rows, _with_hour_rows_by_cell


def _buckets(seed: int, hits_per_cell: int) -> dict[tuple[str, int, int, str, str, str], list[int]]:
    rng = random.Random(seed)
    buckets: dict[tuple[str, int, int, str, str, str], list[int]] = {}
    for _ in range(500):
        res = rng.choice((MINUTE, MINUTE, MINUTE, HOUR))
        start = 1_800_000_000 + rng.randrange(0, 6 * HOUR, res)
        start -= start % res
        cell = (f"k{rng.randrange(20)}", start, res, rng.choice(("info", "")), rng.choice(("api", "web")), "")
        hits = rng.randint(1, hits_per_cell)
        buckets[cell] = [hits, rng.randint(0, hits)]
    return buckets


def _plain(buckets: dict[tuple[str, int, int, str, str, str], list[int]]) -> dict[tuple, tuple[int, int]]:
    """Reference: minute rows as they are; hour rows summed from every cell of their hour."""
    rows: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for (key, start, res, level, service, version), (hits, ambiguous) in buckets.items():
        targets = [(key, HOUR, start - start % HOUR, level, service, version)]
        if res == MINUTE:
            targets.append((key, MINUTE, start, level, service, version))
        for target in targets:
            rows[target][0] += hits
            rows[target][1] += ambiguous
    return {k: tuple(v) for k, v in rows.items()}


@pytest.mark.parametrize(("seed", "hits_per_cell"), [(1, 1), (2, 3), (3, 400)])
def test_hour_rows_column_wise_and_cell_by_cell_agree(seed: int, hits_per_cell: int):
    buckets = _buckets(seed, hits_per_cell)
    expected = _plain(buckets)
    for build in (_with_hour_rows, _with_hour_rows_by_cell):
        rows = build(buckets)
        assert len(rows) == len(expected)
        assert {row[:6]: row[6:] for row in rows} == expected
        assert [row[0] for row in rows] == sorted(row[0] for row in rows)  # grouped by statement key
