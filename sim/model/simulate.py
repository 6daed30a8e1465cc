"""Execute one replication of a validated district or M/M/c config."""

from __future__ import annotations

from sim.config.schema import Config
from sim.model.mmc import MMCRun
from sim.model.run import Run


def simulate(cfg: Config) -> Run | MMCRun:
    """Run one replication (``org.kind``: a district, or the M/M/c reduction).

    A city is many districts in turn, each summarised and dropped: :func:`sim.analysis.replication.replicate`.
    """
    if cfg.org.kind == "mmc":
        return MMCRun(cfg).execute()
    if cfg.org.kind == "city":
        raise ValueError("a city runs district by district: use sim.analysis.replication.replicate")
    return Run(cfg).execute()
