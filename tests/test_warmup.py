"""Welch's method (``sim.warmup``): the moving average against a hand computation, the
suggested-warm-up rule on series with a known transient, and one short real run of the CLI.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.analysis.warmup import analyse, first_entry, steady_level, suggest_warmup, weekly_means, welch_moving_average
from sim.cli import split_overrides

REPO = Path(__file__).resolve().parent.parent


# --- Welch's moving average ---------------------------------------------------------------

def test_welch_moving_average_by_hand_window_2():
    y = [1, 2, 4, 8, 16, 32, 64]  # m = 7, w = 2: m - w = 5 points
    expected = [
        1,                          # i = 1: Y1 (2i-1 = 1 point)
        (1 + 2 + 4) / 3,            # i = 2: Y1..Y3 (3 points)
        (1 + 2 + 4 + 8 + 16) / 5,   # i = 3: Y1..Y5 (2w+1 = 5 points from here on)
        (2 + 4 + 8 + 16 + 32) / 5,  # i = 4: Y2..Y6
        (4 + 8 + 16 + 32 + 64) / 5,  # i = 5: Y3..Y7
    ]
    got = welch_moving_average(y, 2)
    assert len(got) == 5
    assert got.tolist() == pytest.approx(expected, rel=1e-15)


def test_welch_moving_average_skips_missing_weeks_and_window_zero_is_identity():
    got = welch_moving_average([math.nan, 3.0, 5.0, 7.0], 1)
    assert math.isnan(got[0])  # i = 1 is Y1 alone, and it is missing
    assert got[1:].tolist() == [4.0, 5.0]  # (3 + 5) / 2 (NaN left out), (3 + 5 + 7) / 3
    y = np.array([3.0, 1.0, 4.0, 1.0, 5.0])
    assert welch_moving_average(y, 0).tolist() == y.tolist()


@pytest.mark.parametrize("window", [-1, 5, 1.5])
def test_welch_moving_average_rejects_bad_windows(window):
    with pytest.raises(ValueError):
        welch_moving_average([1.0, 2.0, 3.0, 4.0, 5.0], window)


# --- the suggested warm-up ----------------------------------------------------------------

HORIZON, LEVEL, TAU = 300, 1000.0, 20.0


def transient(horizon: int = HORIZON) -> np.ndarray:
    """Weeks 1..horizon of an office filling up exponentially towards LEVEL."""
    t = np.arange(1, horizon + 1)
    return LEVEL * (1 - np.exp(-t / TAU))


def test_suggested_warmup_of_an_exponential_fill_is_where_it_enters_the_band():
    y = transient()
    # The steady level: the mean of weeks 201..300 (the last third).
    level = y[2 * HORIZON // 3:].mean()
    assert steady_level(y, HORIZON) == pytest.approx(level, rel=1e-12)
    # y_t < 0.98 level  <=>  t < TAU * ln(LEVEL / (LEVEL - 0.98 level)); y never exceeds the level by 2 %.
    crossing = TAU * math.log(LEVEL / (LEVEL - 0.98 * level))
    expected = math.ceil(crossing) - 1  # the last whole week still below the band
    assert 60 < expected < 100  # the example has a real transient
    assert suggest_warmup(y, HORIZON) == expected
    # A wider band is entered earlier, a narrower one later.
    assert suggest_warmup(y, HORIZON, band=0.05) < expected < suggest_warmup(y, HORIZON, band=0.01)


def test_suggested_warmup_takes_the_last_excursion_not_the_first_entry():
    y = np.full(HORIZON, LEVEL)
    y[:10] = 0.5 * LEVEL  # an initial transient ...
    y[149] = 1.05 * LEVEL  # ... and a late spike out of the band in week 150
    assert suggest_warmup(y, HORIZON) == 150
    assert first_entry(y, LEVEL) == 11  # ... while it first entered the band right after the transient
    y[149] = 1.01 * LEVEL  # a spike within the band does not count
    assert suggest_warmup(y, HORIZON) == 10


def test_no_transient_gives_zero_and_a_series_still_growing_gives_none():
    assert suggest_warmup(np.full(HORIZON, LEVEL), HORIZON) == 0
    ramp = np.linspace(100.0, 1000.0, HORIZON)  # never settles: the last week is outside the band too
    assert suggest_warmup(ramp, HORIZON) is None


def test_noise_moves_the_smoothed_suggestion_by_no_more_than_its_standard_error():
    """Noise of sd 0.5 % around the transient, smoothed with w = 10: the suggestion stays where
    the noiseless one is, within 4 standard errors of the smoothed noise divided by the slope of
    the curve where it enters the band (plus a week of rounding)."""
    window, sd = 10, 0.005 * LEVEL
    clean = suggest_warmup(welch_moving_average(transient(), window), HORIZON)
    noisy_series = transient() + np.random.default_rng(7).normal(0.0, sd, HORIZON)
    noisy = suggest_warmup(welch_moving_average(noisy_series, window), HORIZON)
    se = sd / math.sqrt(2 * window + 1)
    slope = LEVEL / TAU * math.exp(-clean / TAU)  # households per week at the band's edge
    assert clean is not None and noisy is not None
    assert abs(noisy - clean) <= 4 * se / slope + 1


def test_analyse_averages_replications_week_by_week_and_handles_missing_waits():
    weeks = list(range(1, 61))
    details = []
    for k in range(3):
        stock = [100.0 * (1 - math.exp(-w / 5)) + k for w in weeks]
        waits = [None if w == 1 or (k == 0 and w == 2) else 2.0 + k for w in weeks]
        details.append({"weekly": {"week": [float(w) for w in weeks], "households_in_stock": stock,
                                   "first_visit_wait_weeks": waits}})
    result = analyse(details, window=3, configured=40.0, org="Test", measured_until=50.0)
    f = result.frame
    assert f["week"].tolist() == weeks
    assert f["households_in_stock_mean"].tolist() == pytest.approx(
        [100.0 * (1 - math.exp(-w / 5)) + 1 for w in weeks])
    assert math.isnan(f.loc[0, "first_visit_wait_weeks_mean"]) and f.loc[0, "first_visit_wait_weeks_replications"] == 0
    assert f.loc[1, "first_visit_wait_weeks_mean"] == pytest.approx(3.5)  # replications 1 and 2 only
    assert f.loc[5, "first_visit_wait_weeks_mean"] == pytest.approx(3.0)
    # Standard errors across replications: the stocks differ by 0, 1, 2 (sd 1), the waits by 2, 3, 4.
    assert f["households_in_stock_se"].tolist() == pytest.approx([1 / math.sqrt(3)] * 60)
    assert f.loc[1, "first_visit_wait_weeks_se"] == pytest.approx(np.std([3.0, 4.0], ddof=1) / math.sqrt(2))
    assert math.isnan(f.loc[0, "first_visit_wait_weeks_se"])
    assert result.noise == pytest.approx(1 / math.sqrt(3) / result.level)
    stock = f["households_in_stock_mean"].to_numpy()
    assert result.measured_bias == pytest.approx(stock[40:50].mean() / result.level - 1)  # weeks 41..50
    assert f["households_in_stock_welch"].iloc[-3:].isna().all()
    assert f["households_in_stock_welch"].iloc[:-3].tolist() == pytest.approx(
        welch_moving_average(f["households_in_stock_mean"], 3).tolist())
    assert result.suggested == suggest_warmup(f["households_in_stock_welch"].iloc[:-3], 60)
    assert result.suggested is not None and 5 < result.suggested < 30
    with pytest.raises(ValueError):
        weekly_means([details[0], {"weekly": {**details[1]["weekly"], "week": [float(w) for w in weeks[:-1]]}}])


def test_split_overrides_takes_the_scripts_own_keys():
    rest, own = split_overrides(["org=farsta", "replications=6", "horizon_weeks=416", "warmup_weeks=100",
                                 "org.reception.caseworkers=8"], ("replications", "horizon_weeks", "warmup_weeks"))
    assert rest == ["org=farsta", "org.reception.caseworkers=8"]
    assert own == {"replications": "6", "horizon_weeks": "416", "warmup_weeks": "100"}


# --- one real run ---------------------------------------------------------------------------

def test_cli_writes_a_table_of_the_horizon_and_a_plot(tmp_path):
    horizon, window, n = 12, 2, 2
    out = tmp_path / "welch"
    proc = subprocess.run([sys.executable, "-m", "sim.warmup", "org=farsta", "start=empty", f"horizon_weeks={horizon}",
                           f"replications={n}", "--window", str(window), "--workers", "1", "--out", str(out)],
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "Farsta" in proc.stdout and ("Suggested warm-up" in proc.stdout or "no steady state" in proc.stdout)
    frame = pd.read_csv(out / "welch.csv")
    assert frame.columns.tolist() == ["week"] + [f"{s}_{p}" for s in ("first_visit_wait_weeks", "households_in_stock")
                                                 for p in ("mean", "welch", "se", "replications")]
    assert frame["week"].tolist() == list(range(1, horizon + 1))
    assert (frame["households_in_stock_replications"] == n).all()
    # The mean is that of the cached replications, seed by seed.
    cached = [json.loads(p.read_text()) for p in sorted((out / "replications").glob("*.json"))]
    assert sorted(c["summary"]["seed"] for c in cached) == list(range(n))
    assert all(c["summary"]["org"] == "Farsta" for c in cached)
    stock = np.mean([c["weekly"]["households_in_stock"] for c in cached], axis=0)
    assert frame["households_in_stock_mean"].tolist() == pytest.approx(stock.tolist(), rel=1e-12)
    assert stock[-1] > stock[0] > 0  # the office fills up from empty
    # Welch's average is defined for weeks 1..horizon-window, and its first point is week 1 itself.
    welch = frame["households_in_stock_welch"]
    assert welch.iloc[:horizon - window].notna().all() and welch.iloc[horizon - window:].isna().all()
    assert welch.iloc[0] == pytest.approx(stock[0])
    assert welch.iloc[4] == pytest.approx(stock[2:7].mean())
    png = (out / "welch.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
    assert not list(out.glob(".*.tmp"))  # written atomically, nothing left behind
