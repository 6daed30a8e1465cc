"""Which uncertain inputs move the headline figures most? (the job of ``python -m sim.sensitivity``)

A one-at-a-time design over Hydra overrides (the ``oat`` kind of :mod:`sim.experiments.design`):
the base (the district's config) and, for each input of the design file, a run at its low and at its
high value — every point on the same seeds (common random numbers), so each effect is a paired
difference with a confidence interval. Writes ``sensitivity.csv`` (input, level, value, metric, mean,
effect and its 95 % CI) and ``tornado.png``: per metric, the inputs sorted by how far they swing it.
The runs go through the sweeps' machinery (:func:`sim.experiments.sweep.run_sweep`, design kind ``oat``): the
same cache in ``<out>/replications`` (a killed run resumes), pool and tables, and the sweep's page beside the
tornado; this module only turns the points back into inputs and levels and draws the tornado.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from omegaconf import OmegaConf

from sim.analysis.stats import estimate
from sim.config.compose import CONFIG_DIR, load_config
from sim.config.errors import NO_VALUE
from sim.config.schema import WARMUP_WEEKS, ConfigError
from sim.experiments.design import DesignSpec
from sim.experiments.design import overrides as point_overrides
from sim.experiments.design import points as design_points

DESIGNS = CONFIG_DIR / "sensitivity"


@dataclass
class Design:
    org: str = "hasselby_vallingby"
    replications: int = 5
    horizon_weeks: float = 208.0
    warmup_weeks: float = WARMUP_WEEKS
    metrics: list[str] = field(default_factory=lambda: ["first_visit_wait_weeks"])
    inputs: dict[str, Any] = field(default_factory=dict)  # key -> [low, high]
    # applied to the base and every point, e.g. a variant or process.casework_effect.enabled=true
    overrides: list[str] = field(default_factory=list)


def load_design(path: Path) -> Design:
    if not Path(path).is_file():
        raise ConfigError("--design", str(path),
                          f"a YAML file; shipped: {', '.join(p.name for p in DESIGNS.glob('*.yaml'))}")
    try:
        design = OmegaConf.to_object(OmegaConf.merge(OmegaConf.structured(Design), OmegaConf.load(path)))
    except Exception as err:  # OmegaConf names the key and the bad value; YAML the line
        from dataclasses import fields

        from sim.config.compose import composition_error
        from sim.config.errors import unknown_key

        key = getattr(err, "full_key", None) or "--design"
        if " not in " in str(err) and "." not in str(key):
            raise unknown_key(str(key), NO_VALUE, [f.name for f in fields(Design)], source=str(path)) from None
        user = composition_error(err)
        if user is not None and type(user).__name__ != "UserError":  # a YAML line, a value's type
            raise user from None
        raise ConfigError(str(key), str(path), str(err).splitlines()[0]) from None
    if not design.inputs:
        raise ConfigError("inputs", {}, "list at least one input: key: [low, high]")
    for key, levels in design.inputs.items():
        ok = isinstance(levels, list) and len(levels) == 2 and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in levels)
        if not ok or levels[0] >= levels[1]:
            raise ConfigError(f"inputs.{key}", levels, "[low, high]: two numbers with low < high")
        design.inputs[key] = [float(levels[0]), float(levels[1])]
    if design.replications < 2:
        raise ConfigError("replications", design.replications, "must be at least 2 for a confidence interval")
    return design


def points(design: Design) -> list[tuple[str, str, float | None, list[str]]]:
    """(input, level, value, overrides) for the base and every input's low and high: the sweep's ``oat`` design."""
    base = [f"org={design.org}", f"horizon_weeks={design.horizon_weeks}", f"warmup_weeks={design.warmup_weeks}",
            *design.overrides]
    out = []
    for point in design_points(DesignSpec(kind="oat", params=design.inputs)):
        if not point:
            out.append(("base", "base", None, base))
            continue
        [(key, value)] = point.items()
        level = "low" if value == design.inputs[key][0] else "high"
        out.append((key, level, value, [*base, *point_overrides(point)]))
    return out


def outside_ranges(design: Design) -> list[tuple[str, float, tuple[float, float]]]:
    """(key, the district's own value, range) for every input whose range does not contain the district's value."""
    from sim.config.plausible import get_key

    try:
        cfg = load_config([f"org={design.org}", *design.overrides])
    except Exception:  # the runs name a bad org in their own error
        return []
    out = []
    for key, (low, high) in design.inputs.items():
        try:
            value = get_key(cfg, key)
        except (AttributeError, KeyError, TypeError):
            continue
        if isinstance(value, (int, float)) and not low <= value <= high:
            out.append((key, float(value), (low, high)))
    return out


def as_sweep(design: Design):
    """The design as a sweep of the ``oat`` kind: the tornado's runs go through the sweeps' machinery."""
    from sim.experiments.sweep import SweepSpec

    return SweepSpec(name=f"sensitivity_{design.org}", title=f"One at a time: {design.org}", org=design.org,
                     replications=design.replications, horizon_weeks=design.horizon_weeks,
                     warmup_weeks=design.warmup_weeks, design=DesignSpec(kind="oat", params=dict(design.inputs)),
                     metrics=list(design.metrics), overrides=list(design.overrides))


def run(design: Design, out_dir: Path, workers: int | None = None) -> pd.DataFrame:
    """Every point of the one-at-a-time design, run as a sweep (:func:`sim.experiments.sweep.run_sweep`: its
    cache, pool and tables, and its page), as rows of (input, level, value, replication, metric, result)."""
    from sim.experiments.sweep import point_names, run_sweep

    labels = points(design)
    names = dict(zip(point_names(len(labels)), labels))
    try:
        frame, _ = run_sweep(as_sweep(design), out_dir, workers)
    except ConfigError as err:  # named by the input, as the design file writes it
        found = re.search(r"experiment\.variants\.(p\d+)", err.key)
        if found is None or found.group(1) not in names:
            raise
        name, _, value, _ = names[found.group(1)]
        rest = err.key[found.end():].lstrip(": ")
        raise ConfigError(f"inputs.{name}" + (f": {rest}" if rest else ""), value if not rest else err.value,
                          err.allowed) from None
    frame = frame[frame["metric"].isin(design.metrics)]
    rows = [(*names[p][:3], k, m, v) for p, k, m, v in frame[["point", "replication", "metric", "value"]]
            .itertuples(index=False)]
    return pd.DataFrame(rows, columns=["input", "level", "value", "replication", "metric", "result"])


def effects(raw: pd.DataFrame) -> pd.DataFrame:
    """Mean per point, and its paired difference to the base with a 95 % CI."""
    base = raw[raw["level"] == "base"].set_index(["metric", "replication"])["result"]
    rows = []
    for (name, level, metric), group in raw[raw["level"] != "base"].groupby(["input", "level", "metric"], sort=False):
        g = group.set_index("replication")["result"]
        diff = estimate((g - base.loc[metric].loc[g.index]).tolist())
        rows.append({"input": name, "level": level, "value": group["value"].iloc[0], "metric": metric,
                     "mean": float(g.mean()), "base": float(base.loc[metric].mean()),
                     "effect": diff.mean, "effect_ci_low": diff.low, "effect_ci_high": diff.high})
    return pd.DataFrame(rows)
