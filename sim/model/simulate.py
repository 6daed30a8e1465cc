"""Execute one replication of a validated district config, or of a validation reduction."""

from __future__ import annotations

from sim.config.plausible import with_member
from sim.config.schema import Config
from sim.model.run import Run


def simulate(cfg: Config) -> Run:
    """Run one replication (``org.kind``: a district, or a validation reduction: ``mmc``, ``tandem``).

    A city is many districts in turn, each summarised and dropped: :func:`sim.analysis.replication.replicate`.
    """
    if cfg.org.kind == "city":
        raise ValueError("a city runs district by district: use sim.analysis.replication.replicate")
    return Run(with_member(cfg)).execute()  # parameters=plausible: this replication's member
