"""Layer 1, the bottom: what a run is, as data. Schema, vocabulary, the study's time-use table,
validation, and (in :mod:`sim.config.compose`, the only module here that reads files or touches
Hydra) composition of the YAML files into one frozen, validated :class:`Config`.

May import: nothing of ``sim`` outside this package. Never SimPy, pandas or plotting.
"""

from sim.config.schema import Config, ConfigError, Dist, Org, leaves
from sim.config.validate import validate

__all__ = ["Config", "ConfigError", "Dist", "Org", "leaves", "validate"]
