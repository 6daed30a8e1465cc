"""A city (``org.kind: city``, e.g. ``org=stockholm``): its districts, one replication each in turn.

Stockholm's social services are run by 14 district administrations (003), each with its own
economic-assistance unit. A city config holds each district's org already resolved (its file
in ``configs/org/`` scaled; :mod:`sim.config.compose`). The districts do not share staff or
households in this model, so running them one at a time gives the same numbers as one
interleaved clock and keeps memory at one district's: :func:`district_runs` yields each finished
district run for the caller to summarise and drop. Each district draws from its own streams,
derived from the city seed and the district's name, so adding a district never changes another's
households.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Iterator

from sim.config.schema import Config
from sim.model.rng import Streams
from sim.model.run import Run


def district_configs(cfg: Config) -> list[Config]:
    """Each district as a config of its own: the city's settings, the district's org and seed."""
    streams = Streams(cfg.seed)
    return [replace(cfg, org=d.resolved, seed=streams.district_seed(d.name)) for d in cfg.org.districts]


def district_runs(cfg: Config) -> Iterator[Run]:
    """Execute the districts one after the other; each is yielded once it has run to the horizon."""
    for district in district_configs(cfg):
        yield Run(district).execute()
