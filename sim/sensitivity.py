"""``python -m sim.sensitivity``: which uncertain inputs move the headline figures most?

    python -m sim.sensitivity [--design configs/sensitivity/default.yaml] [--replications N] [--out DIR]

A one-at-a-time design over Hydra overrides: the base (the district's config) and, for each
input of the design file, a run at its low and at its high value — every point on the same
seeds (common random numbers), so each effect is a paired difference with a confidence
interval. Writes ``sensitivity.csv`` (input, level, value, metric, mean, effect and its 95 %
CI) and ``tornado.png``: per metric, the inputs sorted by how far they swing it.
Replications are cached in ``<out>/replications``: a killed run resumes.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from omegaconf import OmegaConf

from sim.config import ConfigError
from sim.stats import estimate

DESIGNS = Path(__file__).resolve().parent.parent / "configs" / "sensitivity"


@dataclass
class Design:
    org: str = "hasselby_vallingby"
    replications: int = 5
    horizon_weeks: float = 208.0
    warmup_weeks: float = 156.0
    metrics: list[str] = field(default_factory=lambda: ["first_visit_wait_weeks"])
    inputs: dict[str, Any] = field(default_factory=dict)  # key -> [low, high]


def load_design(path: Path) -> Design:
    if not Path(path).is_file():
        raise ConfigError("--design", str(path), f"a YAML file; shipped: {', '.join(p.name for p in DESIGNS.glob('*.yaml'))}")
    try:
        design = OmegaConf.to_object(OmegaConf.merge(OmegaConf.structured(Design), OmegaConf.load(path)))
    except Exception as err:  # OmegaConf names the key and the bad value
        key = getattr(err, "full_key", None) or "--design"
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
    """(input, level, value, overrides) for the base and every input's low and high."""
    base = [f"org={design.org}", f"horizon_weeks={design.horizon_weeks}", f"warmup_weeks={design.warmup_weeks}"]
    out = [("base", "base", None, base)]
    for key, (low, high) in design.inputs.items():
        out += [(key, "low", low, [*base, f"{key}={low}"]), (key, "high", high, [*base, f"{key}={high}"])]
    return out


def run(design: Design, out_dir: Path, workers: int | None = None) -> pd.DataFrame:
    from dataclasses import replace

    from sim.compose import load_config
    from sim.runner import run_many

    configs, index = [], []
    for name, level, value, overrides in points(design):
        try:
            cfg = load_config(overrides)
        except ConfigError as err:
            raise ConfigError(f"inputs.{name}: {err.key}", err.value, err.allowed) from None
        except Exception as err:  # Hydra: a key that does not exist
            raise ConfigError(f"inputs.{name}", value, str(err).strip().splitlines()[0]) from None
        for k in range(design.replications):
            configs.append(replace(cfg, seed=k))
            index.append((name, level, value, k))
    results = run_many(configs, cache_dir=out_dir / "replications", workers=workers,
                       label=f"sensitivity: {len(design.inputs)} inputs x 2 + base, x {design.replications}")
    for metric in design.metrics:
        if metric not in results[0]:
            raise ConfigError("metrics", metric, f"a summary figure, e.g. {', '.join(list(results[0])[2:8])}")
    rows = [(n, lv, v, k, m, r[m]) for (n, lv, v, k), r in zip(index, results) for m in design.metrics]
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


def label(metric: str) -> tuple[str, float]:
    """The report's words and scale for a figure (sim.kpis), else the calibration table's, else its key."""
    from sim.calibration import LABELS
    from sim.kpis import BY_KEY

    kpi = BY_KEY.get(metric)
    return (f"{kpi.label} ({kpi.unit})", kpi.scale) if kpi else (LABELS.get(metric, metric), 1.0)


def tornado(table: pd.DataFrame, design: Design, path: Path) -> Path:
    """One panel per metric: a bar per input from its low-value effect to its high-value effect,
    the input that swings the metric most on top."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    from sim.experiment_plots import _save

    metrics = list(design.metrics)
    cols = min(2, len(metrics))
    rows = -(-len(metrics) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(7.5 * cols, (0.42 * len(design.inputs) + 1.6) * rows),
                             squeeze=False)
    for ax, metric in zip(axes.flat, metrics):
        title, scale = label(metric)
        t = table[table["metric"] == metric].pivot(index="input", columns="level", values="effect") * scale
        t = t.reindex(t.abs().max(axis=1).sort_values().index)
        y = list(range(len(t)))
        ax.barh(y, t["low"], color="#4c72b0", label="input at its low value")
        ax.barh(y, t["high"], color="#dd8452", label="input at its high value")
        ax.axvline(0, color="black", lw=0.8)
        ranges = {k: v for k, v in design.inputs.items()}
        ax.set_yticks(y, [f"{i.split('.', 1)[-1]} [{ranges[i][0]:g}–{ranges[i][1]:g}]" for i in t.index], fontsize=8)
        base = table.loc[table["metric"] == metric, "base"].iloc[0]
        ax.set_title(f"{title}: change from the base ({base * scale:.3g})", fontsize=10)
        ax.xaxis.set_major_locator(MaxNLocator(6))
        ax.grid(axis="x", alpha=0.3)
    for ax in list(axes.flat)[len(metrics):]:
        ax.set_visible(False)
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=2, fontsize=9, frameon=False)
    fig.suptitle(f"Which assumptions matter? {design.org}: each input at its low and high value, "
                 f"{design.replications} paired replications", fontsize=11)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return _save(fig, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sim.sensitivity", description=__doc__.splitlines()[0])
    parser.add_argument("--design", type=Path, default=DESIGNS / "default.yaml")
    parser.add_argument("--replications", type=int, help="overrides the design's")
    parser.add_argument("--out", type=Path, default=Path("results/sensitivity"))
    parser.add_argument("--workers", type=int)
    args = parser.parse_args(argv)
    from sim.output import write_csv

    try:
        design = load_design(args.design)
        if args.replications is not None:
            design.replications = args.replications
            if design.replications < 2:
                raise ConfigError("--replications", design.replications, "must be at least 2")
        raw = run(design, args.out, args.workers)
    except ConfigError as err:
        print(f"Configuration error: {err}", file=sys.stderr)
        return 2
    table = effects(raw)
    write_csv(args.out / "sensitivity.csv", table)
    figure = tornado(table, design, args.out / "tornado.png")
    swing = table.assign(swing=table["effect"].abs()).sort_values("swing", ascending=False)
    print(swing[["metric", "input", "level", "value", "effect", "effect_ci_low", "effect_ci_high"]]
          .groupby("metric", sort=False).head(3).round(3).to_string(index=False))
    print(f"\nTable: {args.out / 'sensitivity.csv'}\nTornado: {figure}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
