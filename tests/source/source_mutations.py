"""The mutation harness the extractor robustness tests share: random deletions, inserted fragments that break
the grammar (each language passes its own), and raw bytes, driven by a seeded `random.Random`."""

from __future__ import annotations

import random


def mutate(source: bytes, rng: random.Random, inserts: list[bytes]) -> bytes:
    data = bytearray(source)
    for _ in range(rng.randint(1, 12)):
        position = rng.randrange(len(data) + 1)
        choice = rng.random()
        if choice < 0.35:
            del data[position : position + rng.randint(1, 40)]
        elif choice < 0.75:
            data[position:position] = rng.choice(inserts)
        else:
            data[position:position] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 6)))
    return bytes(data)
