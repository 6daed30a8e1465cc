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
    """The value at a dotted ``key`` of a config (dataclasses, dicts and lists, e.g. org.durations.analysis.mean,
    org.stations.0.servers: Hydra's spelling of a list item)."""
    for part in key.split("."):
        if isinstance(obj, (list, tuple)) and part.isdigit():
            obj = obj[int(part)]
        else:
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


def set_yaml_value(text: str, keys: list[str], value: str, name: str = "the file") -> str:
    """``text`` (YAML) with the scalar at ``keys`` replaced by ``value``; comments and layout kept.

    Handles block mappings and a last level written as a flow mapping (``need_months: {..., mean: 9.4}``).
    """
    import re

    lines = text.split("\n")
    start, end, indent = 0, len(lines), -1
    for depth, key in enumerate(keys):
        found, child = None, None
        for i in range(start, end):
            stripped = lines[i].lstrip()
            if not stripped or stripped.startswith("#"):
                continue
            level = len(lines[i]) - len(stripped)
            if level <= indent:
                break
            child = level if child is None else child
            if level == child and stripped.startswith(f"{key}:"):
                found, level_found = i, level
                break
        if found is None:
            raise ConfigError(".".join(["org", *keys]), value, f"a key present in {name}")
        line = lines[found]
        rest = keys[depth + 1:]
        head, _, tail = line.partition(":")
        if not rest:  # a block scalar: key: value  # comment
            match = re.match(r"(\s*)(\S[^#]*?)(\s*(#.*)?)$", tail)
            lines[found] = f"{head}: {value}{match.group(3) if match else ''}"
            return "\n".join(lines)
        if tail.strip().startswith("{") and len(rest) == 1:  # a flow mapping on this line
            new, n = re.subn(rf"(\b{re.escape(rest[0])}:\s*)[^,}}]+", rf"\g<1>{value}", tail, count=1)
            if not n:
                raise ConfigError(".".join(["org", *keys]), value, f"a key present in {name}")
            lines[found] = head + ":" + new
            return "\n".join(lines)
        start, indent = found + 1, level_found
    raise ConfigError(".".join(["org", *keys]), value, f"a key present in {name}")
