"""``python -m sim.warmup org=<name>``: how long is the warm-up? Welch's method.

The model starts from an empty office, so its first years are a transient: the long-term stock
of households fills up for years before it settles. Results are only measured after
``warmup_weeks``. This script makes the transient visible so that the warm-up can be chosen
(and checked after a recalibration):

1. run ``replications`` seeds (default 10) of one district over a long horizon (default 416
   weeks, 8 years) with a short warm-up (4 weeks; it only affects the summary, not the weekly
   series), in parallel through :func:`sim.runner.run_many` (cached under ``<out>/replications``);
2. average, week by week across the replications, the mean first-visit wait of the week's first
   visits and the number of households in stock (reception + referral + long-term);
3. smooth both averages with Welch's moving average (:func:`welch_moving_average`, window ``w``);
4. suggest a warm-up (:func:`suggest_warmup`): the last week at which the smoothed stock is more
   than ±2 % away from its mean over the last third of the horizon; after that week it stays
   within the band.

Writes ``welch.csv`` (one row per simulated week) and ``welch.png`` (both series with the
configured warm-up of ``configs/config.yaml`` and the suggestion marked) atomically into
``--out`` (default ``results/warmup/<org>/``), and prints the suggestion.

    python -m sim.warmup org=hasselby_vallingby replications=6 horizon_weeks=416 --window 13

Positional ``key=value`` arguments are Hydra overrides of ``configs/config.yaml`` (as for
``python -m sim``), except ``replications=N`` (same as ``--replications``); ``warmup_weeks=X``
sets the warm-up drawn for comparison, not the one of the runs (``--run-warmup``).
Reference: Law, *Simulation Modeling and Analysis*, 5th ed., § 9.5.1 (Welch's procedure).
"""

from __future__ import annotations

import argparse
import math
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

DEFAULT_HORIZON = 416.0  # 8 years: twice the longest transient seen so far (about 4 years)
DEFAULT_RUN_WARMUP = 4.0
DEFAULT_WINDOW = 13  # a quarter of a year either side of the week
BAND = 0.02  # ±2 %
SERIES = ("first_visit_wait_weeks", "households_in_stock")
LABELS = {
    "first_visit_wait_weeks": "first-visit wait",
    "households_in_stock": "households in stock",
}


def welch_moving_average(values, window: int) -> np.ndarray:
    """Welch's moving average of a series ``Y_1..Y_m`` with window ``w`` (length ``m - w``).

    Point ``i`` (1-based) is the centred mean of ``Y_{i-w}..Y_{i+w}`` (2w+1 points) for
    ``i > w``, and of ``Y_1..Y_{2i-1}`` (2i-1 points) for ``i <= w``, so the window never reaches
    before the start. Missing values (NaN, e.g. a week without first visits) are left out of a
    window's mean; a window with none is NaN. ``window = 0`` returns the series itself.
    """
    y = np.asarray(values, dtype=float)
    m = len(y)
    if not isinstance(window, (int, np.integer)) or window < 0:
        raise ValueError(f"window must be a whole number >= 0, not {window!r}")
    if m - window < 1:
        raise ValueError(f"window {window} needs a series longer than {window} points (got {m})")
    out = np.empty(m - window)
    for i in range(1, m - window + 1):
        half = min(i - 1, window)
        chunk = y[i - 1 - half:i + half]
        chunk = chunk[~np.isnan(chunk)]
        out[i - 1] = chunk.mean() if len(chunk) else math.nan
    return out


def steady_level(smoothed, horizon: int) -> float:
    """Mean of the smoothed series over the weeks of the last third of the horizon.

    ``smoothed[i]`` belongs to week ``i + 1``; the smoothed series is shorter than the
    horizon by the window, so only the weeks it covers count.
    """
    s = np.asarray(smoothed, dtype=float)
    weeks = np.arange(1, len(s) + 1)
    last = s[(weeks > 2 * horizon / 3) & ~np.isnan(s)]
    if not len(last):
        raise ValueError("the smoothed series does not reach the last third of the horizon: "
                         "use a longer horizon or a smaller window")
    return float(last.mean())


def suggest_warmup(smoothed, horizon: int, band: float = BAND) -> int | None:
    """The first week after which the smoothed series stays within ±``band`` of its steady level.

    That is the last week (1-based) at which it is outside the band, or 0 if it never is; None if
    it is still outside at the end of the smoothed series (no steady state within the horizon).
    """
    s = np.asarray(smoothed, dtype=float)
    level = steady_level(s, horizon)
    outside = np.flatnonzero(np.isnan(s) | (np.abs(s - level) > band * abs(level)))
    if not len(outside):
        return 0
    last = int(outside[-1]) + 1  # week number
    return None if last == len(s) else last


@dataclass
class Welch:
    frame: pd.DataFrame  # one row per week: the cross-replication means and their moving averages
    level: float  # steady level of households in stock (mean of its moving average, last third)
    suggested: int | None  # weeks
    configured: float  # the configured warm-up, weeks
    horizon: int
    window: int
    replications: int
    org: str
    entered: int | None = None  # first week the smoothed stock is within the band
    noise: float = math.nan  # standard error of the weekly mean stock, relative to the level (last third)
    measured_bias: float = math.nan  # mean stock over the configured measuring window vs the level, relative


def weekly_means(details: list[dict]) -> pd.DataFrame:
    """Week-by-week mean across replications of the weekly series of :func:`sim.runner.run_detail`,
    with its standard error (NaN with fewer than 2 values) and the number of replications with a value."""
    weeks = details[0]["weekly"]["week"]
    for d in details:
        if d["weekly"]["week"] != weeks:
            raise ValueError("replications with different weeks cannot be averaged")
    out = pd.DataFrame({"week": np.round(np.asarray(weeks, float)).astype(int)})
    for name in SERIES:
        stack = np.array([[math.nan if v is None else v for v in d["weekly"][name]] for d in details], float)
        present = ~np.isnan(stack)
        counts = present.sum(axis=0)
        filled = np.where(present, stack, 0.0)
        mean = np.divide(filled.sum(axis=0), counts, out=np.full(len(weeks), math.nan), where=counts > 0)
        squares = np.where(present, (stack - mean) ** 2, 0.0).sum(axis=0)
        sd = np.sqrt(np.divide(squares, counts - 1, out=np.full(len(weeks), math.nan), where=counts > 1))
        out[f"{name}_mean"] = mean
        out[f"{name}_se"] = sd / np.sqrt(np.maximum(counts, 1))
        out[f"{name}_replications"] = counts
    return out


def first_entry(smoothed, level: float, band: float = BAND) -> int | None:
    """The first week (1-based) at which the smoothed series is within ±``band`` of ``level``."""
    s = np.asarray(smoothed, dtype=float)
    inside = np.flatnonzero(np.abs(s - level) <= band * abs(level))
    return int(inside[0]) + 1 if len(inside) else None


def analyse(details: list[dict], window: int, configured: float, org: str,
            measured_until: float | None = None) -> Welch:
    """Welch's averages of the weekly means, the suggestion, and the figures that qualify it.

    ``measured_until``: the end of the configured horizon; with it, ``measured_bias`` is how far
    the mean stock of the configured measuring window (``configured``, ``measured_until``] is from the
    steady level (relative), i.e. what the configured warm-up leaves of the transient in the results.
    """
    frame = weekly_means(details)
    horizon = len(frame)
    for name in SERIES:
        smoothed = welch_moving_average(frame[f"{name}_mean"].to_numpy(), window)
        frame[f"{name}_welch"] = np.concatenate([smoothed, np.full(window, math.nan)])
    frame = frame[["week"] + [f"{name}_{part}" for name in SERIES
                              for part in ("mean", "welch", "se", "replications")]]
    stock = frame["households_in_stock_welch"].to_numpy()[:horizon - window]
    level = steady_level(stock, horizon)
    weeks = frame["week"].to_numpy()
    last_third = weeks > 2 * horizon / 3
    noise = float(frame.loc[last_third, "households_in_stock_se"].mean() / level)
    bias = math.nan
    if measured_until is not None and configured < measured_until <= horizon:
        window_ = (weeks > configured) & (weeks <= measured_until)
        bias = float(frame.loc[window_, "households_in_stock_mean"].mean() / level - 1)
    return Welch(frame, level, suggest_warmup(stock, horizon), configured, horizon, window, len(details), org,
                 first_entry(stock, level), noise, bias)


def run(org_overrides: list[str], replications: int, horizon: float, run_warmup: float, configured: float | None,
        window: int, workers: int | None, cache: Path | None) -> Welch:
    """Run the replications (seeds 0..N-1) and analyse them."""
    from sim.compose import load_config
    from sim.config import validate
    from sim.runner import run_detail, run_many

    base = load_config(org_overrides)
    configured = base.warmup_weeks if configured is None else configured
    config = validate(replace(base, horizon_weeks=float(horizon), warmup_weeks=float(run_warmup)))
    details = run_many([replace(config, seed=k) for k in range(replications)], cache_dir=cache, workers=workers,
                       label=f"welch {config.org.name}", job=run_detail)
    return analyse(details, window, configured, config.org.name, base.horizon_weeks)


def plot(w: Welch, path: Path) -> None:
    """Two panels, shared week axis: raw weekly mean (thin), Welch average (bold), warm-ups marked."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from sim.plots import _save

    f = w.frame
    fig, axes = plt.subplots(2, 1, figsize=(10, 7.5), sharex=True)
    panels = (
        ("households_in_stock", "households in stock (reception + referral + long-term)", "households"),
        ("first_visit_wait_weeks", "waiting time for a first visit", "weeks from first contact to first visit"),
    )
    for ax, (name, title, ylabel) in zip(axes, panels):
        ax.plot(f["week"], f[f"{name}_mean"], color="tab:blue", alpha=0.35, lw=0.8,
                label=f"weekly mean of {w.replications} replications")
        ax.plot(f["week"], f[f"{name}_welch"], color="tab:blue", lw=2.0,
                label=f"moving average (±{w.window} weeks)")
        if name == "households_in_stock":
            ax.axhspan(w.level * (1 - BAND), w.level * (1 + BAND), color="tab:green", alpha=0.15,
                       label=f"steady level ±{BAND:.0%} ({w.level:,.0f})")
            if w.entered is not None:
                ax.plot(w.entered, f[f"{name}_welch"].iloc[w.entered - 1], "o", color="tab:green", mec="black",
                        label=f"first within ±{BAND:.0%}: week {w.entered}")
        if w.configured <= w.horizon:
            ax.axvline(w.configured, color="tab:red", lw=1.5,
                       label=f"configured warm-up: {w.configured:g} weeks ({w.configured / 52:.1f} years)")
        if w.suggested:
            ax.axvline(w.suggested, color="black", ls="--", lw=1.2,
                       label=f"suggested warm-up: {w.suggested} weeks ({w.suggested / 52:.1f} years)")
        ax.set_title(title.capitalize(), fontsize=10, loc="left")
        ax.set_ylabel(ylabel)
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
        ax.legend(loc="lower right", fontsize=8)
    axes[-1].set_xlabel("simulated week (from an empty office)")
    axes[-1].set_xlim(0, w.horizon)
    note = "" if w.configured <= w.horizon else f"; configured warm-up {w.configured:g} weeks is beyond the horizon"
    suggestion = ("no steady state within the horizon" if w.suggested is None
                  else f"steady after week {w.suggested}")
    fig.suptitle(f"{w.org}: when has the simulated office filled up? ({suggestion}{note})\n"
                 f"Welch's method: {w.replications} replications, {w.horizon} weeks", fontsize=11)
    fig.tight_layout()
    _save(fig, path)


def write(w: Welch, out: Path) -> None:
    from sim.output import write_csv

    write_csv(out / "welch.csv", w.frame)
    plot(w, out / "welch.png")


def message(w: Welch) -> str:
    lines = [f"{w.org}: {w.replications} replications of {w.horizon} weeks, Welch window ±{w.window} weeks; "
             f"steady stock {w.level:,.1f} households (mean of the last third)."]
    if w.suggested is None:
        lines.append(f"The smoothed stock is still outside ±{BAND:.0%} of that level at the end: no steady state "
                     f"within {w.horizon} weeks; run longer (horizon_weeks=...).")
    else:
        verdict = "covers it" if w.configured >= w.suggested else "is SHORTER than that"
        lines.append(f"Suggested warm-up: {w.suggested} weeks ({w.suggested / 52:.1f} years): after it the smoothed "
                     f"stock stays within ±{BAND:.0%}. The configured warm-up ({w.configured:g} weeks) {verdict}.")
    if w.entered is not None:
        lines.append(f"The smoothed stock first enters the ±{BAND:.0%} band in week {w.entered}.")
    if not math.isnan(w.measured_bias):
        lines.append(f"Mean stock over the configured measuring window (after week {w.configured:g}): "
                     f"{w.measured_bias:+.1%} from the steady level.")
    if not math.isnan(w.noise):
        lines.append(f"Noise: the weekly mean of {w.replications} replications has a standard error of "
                     f"{w.noise:.1%} of the level" + (
                         f"; against a ±{BAND:.0%} band that is too noisy for a firm suggestion: use more "
                         f"replications." if w.noise > BAND / 2 else "."))
    return "\n".join(lines)


def split_overrides(items: list[str]) -> tuple[list[str], dict[str, str]]:
    """Hydra overrides for the config, and this script's own keys (replications, horizon, warm-up)."""
    own, rest = {}, []
    for item in items:
        key, sep, value = item.partition("=")
        if sep and key.lstrip("+~") in ("replications", "horizon_weeks", "warmup_weeks"):
            own[key.lstrip("+~")] = value
        else:
            rest.append(item)
    return rest, own


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sim.warmup", description=__doc__.split("\n\n")[0])
    parser.add_argument("--replications", type=int, default=None, help="seeds 0..N-1 (default 10)")
    parser.add_argument("--window", type=int, default=DEFAULT_WINDOW,
                        help=f"Welch window w in weeks either side (default {DEFAULT_WINDOW})")
    parser.add_argument("--run-warmup", type=float, default=DEFAULT_RUN_WARMUP,
                        help=f"warm-up of the runs themselves, weeks (default {DEFAULT_RUN_WARMUP:g})")
    parser.add_argument("--workers", type=int, default=None, help="processes (default: all cores)")
    parser.add_argument("--out", type=Path, default=None, help="output directory (default results/warmup/<org>)")
    parser.add_argument("--no-cache", action="store_true", help="do not cache replications under <out>/replications")
    parser.add_argument("overrides", nargs="*",
                        help="org=<name>, replications=N, horizon_weeks=... and other Hydra overrides")
    args = parser.parse_args(argv)
    rest, own = split_overrides(args.overrides)
    try:
        replications = int(own.get("replications", args.replications if args.replications is not None else 10))
        horizon = float(own.get("horizon_weeks", DEFAULT_HORIZON))
        configured = float(own["warmup_weeks"]) if "warmup_weeks" in own else None
    except ValueError as err:
        parser.error(str(err))
    if replications < 1:
        parser.error("replications must be at least 1")
    if horizon < 3 or horizon != int(horizon):
        parser.error("horizon_weeks must be a whole number of weeks, at least 3")
    if not 0 <= args.run_warmup < horizon:
        parser.error("--run-warmup must be >= 0 and below horizon_weeks")
    if args.window < 0 or args.window >= horizon / 3:
        parser.error("--window must be >= 0 and below a third of horizon_weeks")

    from hydra.errors import HydraException

    from sim.config import ConfigError

    org = next((o.split("=", 1)[1] for o in rest if o.startswith("org=")), "hasselby_vallingby")
    out = args.out or Path("results/warmup") / org
    try:
        w = run(rest, replications, horizon, args.run_warmup, configured, args.window, args.workers,
                None if args.no_cache else out / "replications")
    except ConfigError as err:
        print(f"Configuration error: {err}", file=sys.stderr)
        return 2
    except HydraException as err:  # unknown org or config group option, malformed override
        print(f"Configuration error: {str(err).strip().splitlines()[0]}", file=sys.stderr)
        return 2
    write(w, out)
    print(message(w))
    print(f"Plot and table: {out / 'welch.png'}, {out / 'welch.csv'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
