"""Named random streams, one per purpose, spawned from one seed (common random numbers).

Each purpose gets its own ``numpy.random.Generator`` derived from ``SeedSequence(seed)`` and
the purpose's name, so adding a new stream, or a variant that draws more service times, never
shifts the arrivals or household attributes of another. Replication k of every variant
therefore sees the same households.
"""

from __future__ import annotations

import zlib

import numpy as np


class Streams:
    """Lazily created generators keyed by purpose name."""

    def __init__(self, seed: int):
        self.seed = int(seed)
        self._streams: dict[str, np.random.Generator] = {}

    def __getitem__(self, purpose: str) -> np.random.Generator:
        gen = self._streams.get(purpose)
        if gen is None:
            # A stable 32-bit key per name (crc32 is deterministic across processes, unlike hash()).
            key = zlib.crc32(purpose.encode())
            gen = np.random.Generator(np.random.PCG64(np.random.SeedSequence([self.seed, key])))
            self._streams[purpose] = gen
        return gen
