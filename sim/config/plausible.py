"""Parameter uncertainty in answers: each replication takes one member of the district's plausible set.

``parameters=plausible`` (issue 12, part 6): the history matching (``python -m sim.fit``) leaves a set
of parameter vectors the studies cannot rule out. Replication k draws member ``choice(seed k)`` and
runs with those values; every variant of an experiment runs replication k with the same seed, so
it also gets the same member (common random numbers), and the spread across replications covers
the parameters' uncertainty as well as the dice's.
"""

from __future__ import annotations

from dataclasses import is_dataclass, replace

import numpy as np

from sim.config.errors import ConfigError
from sim.config.schema import Config

CHOICES = ("default", "plausible")


def member_index(seed: int, members: int) -> int:
    """Which member replication ``seed`` takes: a seeded draw (not ``seed % n``, which would pair seeds and rows)."""
    return int(np.random.default_rng([int(seed), 0x504C]).integers(members))


def with_member(cfg: Config) -> Config:
    """``cfg`` with its replication's member of the plausible set applied (unchanged for ``parameters=default``).

    A value an override or variant has changed from the district file's (``plausible_set["base"]``) is kept:
    a variant that shortens the booking notice still shortens it.
    """
    if cfg.parameters == "default" or not cfg.plausible_set:
        return cfg
    members, base = cfg.plausible_set["members"], cfg.plausible_set["base"]
    member = members[member_index(cfg.seed, len(members))]
    for key, value in member.items():
        if get_key(cfg, key) == base[key]:
            cfg = set_key(cfg, key, value)
    return cfg


def get_key(obj, key: str):
    """The value at a dotted ``key`` of a config (dataclasses and dicts, e.g. org.durations.analysis.mean)."""
    for part in key.split("."):
        obj = obj[part] if isinstance(obj, dict) else getattr(obj, part)
    return obj


def set_key(obj, key: str, value):
    """A frozen dataclass with the dotted ``key`` set to ``value`` (a number keeps the field's type)."""
    head, _, rest = key.partition(".")
    if isinstance(obj, dict) and head in obj:  # e.g. org.durations.analysis
        current = obj[head]
        return {**obj, head: set_key(current, rest, value) if rest else type(current)(value)}
    if not is_dataclass(obj) or not hasattr(obj, head):
        raise ConfigError(key, value, "a config key of the plausible set (e.g. org.arrivals_per_week)")
    current = getattr(obj, head)
    new = set_key(current, rest, value) if rest else type(current)(value)
    return replace(obj, **{head: new})
