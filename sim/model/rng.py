"""Named random streams, one per purpose, spawned from one seed (common random numbers).

Each purpose gets its own ``numpy.random.Generator`` derived from ``SeedSequence(seed)`` and
the purpose's name, so adding a new stream, or a variant that draws more service times, never
shifts the arrivals or household attributes of another. Replication k of every variant
therefore sees the same households.
"""

from __future__ import annotations

import hashlib
import zlib

import numpy as np

# The households' own streams form a family of their own: SeedSequence([seed, HOUSEHOLDS, id]).
# Three words of entropy, so no named stream ([seed, crc32(name)]) can coincide with one; the
# value 7 is arbitrary and fixed (changing it would change every household of every run).
HOUSEHOLDS = 7
# The households present when a run starts in its steady state (sim/model/processes/household/steady_state.py):
# a family of their own, so the stock's size never moves an arriving household's stream.
INITIAL_HOUSEHOLDS = 8


def hashed_uniform(seed: int, purpose: str, number: int) -> float:
    """A uniform in (0, 1) from a hash of the seed, a purpose and a household's number: the same in every variant.

    For a household's draws added after its stream was fixed (its assistance amount, a grey-zone decision): a draw
    from its stream would shift every later one (needs, returns), and so every figure of every run; a generator
    of its own per household would cost more than the draw.
    """
    digest = hashlib.blake2b(f"{seed}:{purpose}:{number}".encode(), digest_size=8).digest()
    return (int.from_bytes(digest, "big") + 0.5) / 2.0 ** 64


class Streams:
    """Lazily created generators keyed by purpose name, and one stream per household."""

    def __init__(self, seed: int):
        self.seed = int(seed)
        self._streams: dict[str, np.random.Generator] = {}

    def __getitem__(self, purpose: str) -> np.random.Generator:
        """Return the stream for ``purpose``, created on first use."""
        gen = self._streams.get(purpose)
        if gen is None:
            # A stable 32-bit key per name (crc32 is deterministic across processes, unlike hash()).
            key = zlib.crc32(purpose.encode())
            gen = np.random.Generator(np.random.PCG64(np.random.SeedSequence([self.seed, key])))
            self._streams[purpose] = gen
        return gen

    def household(self, number: int) -> np.random.Generator:
        """Household ``number``'s own stream: its attributes, needs and returns (same in every variant)."""
        return np.random.Generator(np.random.PCG64(np.random.SeedSequence([self.seed, HOUSEHOLDS, number])))

    def initial_household(self, number: int) -> np.random.Generator:
        """The stream of the ``number``-th household present at the start (numbered from 0)."""
        return np.random.Generator(np.random.PCG64(np.random.SeedSequence([self.seed, INITIAL_HOUSEHOLDS, number])))

    def district_seed(self, name: str) -> int:
        """Derive a district's own seed in a city from this seed and its name (stable across processes)."""
        state = np.random.SeedSequence([self.seed, zlib.crc32(name.encode())]).generate_state(1, np.uint64)
        return int(state[0])
