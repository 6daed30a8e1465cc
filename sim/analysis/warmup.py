"""Welch's method for the warm-up (the maths of ``python -m sim.warmup``).

Average the weekly series of many replications week by week, smooth the averages with Welch's
moving average, and suggest a warm-up: the last week at which the smoothed stock of households is
more than ±2 % away from its mean over the last third of the horizon. Reference: Law, *Simulation
Modeling and Analysis*, 5th ed., § 9.5.1 (Welch's procedure).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

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
    """Week-by-week mean across replications of the weekly series of :func:`sim.experiments.runner.run_detail`,
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
