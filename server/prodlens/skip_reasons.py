"""Why input was skipped, told once per kind: shared by `prodlens map` and `prodlens ingest`.

A reader's reason carries a detail in parentheses (`invalid JSON (unexpected end of data: line 1 column 35
(char 34))`, `line too long (5000001 bytes)`) that differs from line to line; one warning per distinct reason
flooded stderr with hundreds of lines for one kind of damage."""

from __future__ import annotations

from collections import Counter

# Distinct reasons remembered per run: a gigabyte of damaged lines must not grow memory without bound. Past it,
# further new details of a kind are counted under the kind alone.
MAX_DISTINCT_REASONS = 1000


def kind_of(reason: str) -> str:
    return reason.split(" (", 1)[0]


def tally(reasons: Counter[str], reason: str, count: int = 1) -> None:
    """Count `reason` into `reasons`, keeping at most `MAX_DISTINCT_REASONS` distinct texts."""
    if reason in reasons or len(reasons) < MAX_DISTINCT_REASONS:
        reasons[reason] += count
    else:
        reasons[kind_of(reason)] += count


def by_kind(reasons: Counter[str]) -> list[tuple[str, int]]:
    """One (text, count) per kind of bad input, most frequent first; a kind with several details shows how many
    and its most frequent one as the example."""
    kinds: dict[str, list[tuple[str, int]]] = {}
    for reason, count in reasons.most_common():
        kinds.setdefault(kind_of(reason), []).append((reason, count))
    out = []
    for kind, listed in kinds.items():
        total = sum(count for _, count in listed)
        if len(listed) == 1:
            out.append((listed[0][0], total))
        else:
            example = listed[0][0][len(kind):].strip().removeprefix("(").removesuffix(")")
            out.append((f"{kind} ({len(listed)} variants, e.g. {example})", total))
    return sorted(out, key=lambda item: -item[1])
