"""One replication of any kind of config, ready to summarise."""

from __future__ import annotations

from sim.analysis.city import CityResult
from sim.config.schema import Config
from sim.model.simulate import simulate


def replicate(config: Config):
    """One replication of any config: a district's or M/M/c run, or a city's :class:`CityResult`."""
    if config.org.kind == "city":
        return CityResult(config).execute()
    return simulate(config)
