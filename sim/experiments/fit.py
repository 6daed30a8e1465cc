"""History matching of a studied district against its targets (``python -m sim.fit``).

Each design point is a set of overrides on the district's config; replication k of every point
runs with seed k (common random numbers), through the experiment runner's process pool and cache,
so an interrupted fit resumes where it stopped. A fit runs at the answers' own horizon (5 years, 3 of
them warm-up, unless overridden): the long-term stock takes 3–4 years to settle, and a shorter fit
would match a stock that is still growing.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd

from sim.analysis import history_matching as hm
from sim.analysis.stability import GROWTH
from sim.analysis.targets import OBSERVATIONS, PARAMETERS
from sim.config.compose import load_configs
from sim.config.errors import ConfigError
from sim.config.plausible import set_yaml_value
from sim.experiments.runner import run_many
from sim.outputs.files import atomic_write


def point_overrides(row: pd.Series) -> list[str]:
    """A design point as Hydra overrides (``key=value``)."""
    return [f"{key}={float(value):.6g}" for key, value in row.items()]


def simulator(org: str, overrides: tuple[str, ...], cache: Path | None, workers: int | None,
              keys: list[str] | None = None):
    """The ``simulate(design, replications)`` function history matching calls, for one district."""
    keys = keys or [o.key for o in OBSERVATIONS[org]]

    def simulate(design: pd.DataFrame, replications: int) -> pd.DataFrame:
        configs, index = [], []
        bases = load_configs([f"org={org}", *overrides], [point_overrides(row) for _, row in design.iterrows()])
        for point, base in zip(design.index, bases):
            for seed in range(replications):
                configs.append(replace(base, seed=seed))
                index.append((point, seed))
        rows = run_many(configs, cache_dir=cache, workers=workers, label=f"fit {org}: {len(design)} points")
        frame = pd.DataFrame([{k: r.get(k, float("nan")) for k in keys} for r in rows])
        frame.insert(0, "replication", [s for _, s in index])
        frame.insert(0, "point", [p for p, _ in index])
        return frame

    return simulate


def fit(org: str, points: int, waves: int, replications: int, seed: int = 0, overrides: tuple[str, ...] = (),
        cache: Path | None = None, workers: int | None = None, progress=print,
        parameters: list[hm.Parameter] | None = None, observations: list[hm.Observation] | None = None,
        refocus_cutoff: float | None = None) -> hm.Result:
    """History-match one district (its targets and free parameters unless others are given)."""
    parameters = parameters or PARAMETERS[org]
    observations = observations or OBSERVATIONS[org]
    simulate = simulator(org, overrides, cache, workers, [o.key for o in observations])
    return hm.history_match(parameters, observations, simulate, points=points, waves=waves,
                            replications=replications, seed=seed, progress=progress, refocus_cutoff=refocus_cutoff)


BUSY_LIMIT = 0.95  # issue 12: no pool above 95 % busy unless a source says so


def headroom(org: str, members: pd.DataFrame, parameters: list[str], replications: int,
             overrides: tuple[str, ...] = (), cache: Path | None = None, workers: int | None = None) -> pd.DataFrame:
    """Per member: the busiest staff pool's mean busy share and the first-visit queue's growth a month.

    The same runs as the fit (same overrides and seeds, so a cached fit answers at once). A member whose busiest
    pool is over 95 % busy fits the study's figures only on a knife edge: its wait has no steady state.
    """
    configs, points = [], []
    rows = members[parameters]
    for point, base in zip(rows.index, load_configs([f"org={org}", *overrides],
                                                   [point_overrides(row) for _, row in rows.iterrows()])):
        configs += [replace(base, seed=seed) for seed in range(replications)]
        points += [point] * replications
    rows = run_many(configs, cache_dir=cache, workers=workers, label=f"headroom {org}: {len(members)} members")
    frame = pd.DataFrame(rows).assign(point=points)
    busy = frame[[c for c in frame.columns if c.startswith("utilisation.")]].max(axis=1)
    out = pd.DataFrame({"busiest_pool": busy, "queue_growth": frame[GROWTH], "point": points})
    return out.groupby("point").mean()


def default_member(members: pd.DataFrame) -> pd.Series:
    """The district's default: the most plausible member with headroom, else the most plausible one (said)."""
    calm = members[members["busiest_pool"] <= BUSY_LIMIT]
    return (calm if len(calm) else members).iloc[0]


def write_default(path, member: dict[str, float], digits: int = 2) -> None:
    """Write a plausible set's default ``member`` into an org file, keeping its comments (``sim.fit --store``).

    Keys are dotted config keys (``org.durations.analysis.mean``); the ``org.`` prefix names the file
    itself. Each value is rounded to ``digits`` decimals, as the files carry them.
    """
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    for key, value in member.items():
        parts = key.split(".")
        if parts[0] != "org":
            raise ConfigError(key, value, "a key under org. (the plausible set lives in the org file)")
        text = set_yaml_value(text, parts[1:], f"{value:.{digits}f}", path.name)
    atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
