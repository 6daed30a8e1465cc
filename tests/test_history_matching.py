"""History matching (sim.analysis.history_matching) on a synthetic stochastic simulator with known truth."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest

from sim.analysis.history_matching import (
    Observation,
    Parameter,
    design,
    history_match,
    implausibility,
    plausible,
    refocus,
)

# A synthetic "district": two parameters, outputs with known Gaussian simulator noise.
PARAMS = (Parameter("a", 10.0, 50.0, "assumption: test box"), Parameter("b", 1.0, 10.0, "assumption: test box"))
A_TRUE, B_TRUE = 30.0, 4.0
NOISE = {"y1": 2.0, "y2": 0.5, "y3": 0.3, "y4": 0.5, "y5": 0.5}  # simulator noise sd per output
REPS = 3


def outputs(a: float, b: float) -> dict[str, float]:
    """The noise-free outputs: y5 is a second measurement of a (for contradictory targets), y4 a held-out one."""
    return {"y1": a * b, "y2": a, "y3": b**2, "y4": a + b, "y5": a}


def simulate(d: pd.DataFrame, replications: int) -> pd.DataFrame:
    rows = []
    for point, row in d.iterrows():
        for rep in range(replications):
            rng = np.random.default_rng([int(point), rep])  # reproducible per (point, replication)
            clean = outputs(row["a"], row["b"])
            rows.append(
                {"point": point, "replication": rep} | {k: v + rng.normal(0, NOISE[k]) for k, v in clean.items()}
            )
    return pd.DataFrame(rows)


TRUTH = outputs(A_TRUE, B_TRUE)
OBS = (
    Observation("y1", TRUTH["y1"], 6.0, "synthetic"),
    Observation("y2", TRUTH["y2"], 2.0, "synthetic"),
    Observation("y3", TRUTH["y3"], 1.0, "synthetic"),
)


def test_recovers_known_parameters():
    messages: list[str] = []
    result = history_match(
        PARAMS, OBS, simulate, points=256, waves=3, replications=REPS, seed=1, progress=messages.append
    )
    assert len(result.waves) == 3 and len(messages) == 3 and messages[0].startswith("wave 1: ")
    ids = np.concatenate([w.design.index.to_numpy() for w in result.waves])
    assert len(set(ids)) == len(ids)  # point ids unique across waves
    table = result.plausible_set()
    assert len(table) >= 5
    assert table["max_fitted"].is_monotonic_increasing and (table["max_fitted"] <= 3.0).all()
    # The truth lies inside the set's bounding box, and the box has shrunk to under half of each original range.
    for p, true in ((PARAMS[0], A_TRUE), (PARAMS[1], B_TRUE)):
        assert table[p.key].min() <= true <= table[p.key].max()
        assert table[p.key].max() - table[p.key].min() < 0.5 * (p.high - p.low)
    # Any non-implausible point has I(y2) <= 3, i.e. |mean_y2 - a*| <= 3 sqrt(sd2^2 + noise2^2 / n); mean_y2 is a plus
    # simulator noise with sd noise2/sqrt(n), which we bound at 4 of its sds. Likewise for y3 = b^2, then
    # |b - b*| = |b^2 - b*^2| / (b + b*) <= (bound) / (low_b + b*). These hold for every member, so for best() too.
    tol_a = 3 * math.sqrt(OBS[1].sd ** 2 + NOISE["y2"] ** 2 / REPS) + 4 * NOISE["y2"] / math.sqrt(REPS)
    tol_b2 = 3 * math.sqrt(OBS[2].sd ** 2 + NOISE["y3"] ** 2 / REPS) + 4 * NOISE["y3"] / math.sqrt(REPS)
    tol_b = tol_b2 / (PARAMS[1].low + B_TRUE)
    assert ((table["a"] - A_TRUE).abs() <= tol_a).all()
    assert ((table["b"] - B_TRUE).abs() <= tol_b).all()
    best = result.best()
    assert abs(best["a"] - A_TRUE) <= tol_a and abs(best["b"] - B_TRUE) <= tol_b
    assert best["max_fitted"] == table["max_fitted"].min()
    tension = result.tension()
    assert list(tension["key"]) == ["y1", "y2", "y3"] and tension["reachable"].all()


def test_implausibility_formula_by_hand():
    sims = pd.DataFrame(
        {
            "point": [0, 0, 1, 1, 2],
            "y": [1.0, 3.0, 4.0, 4.0, 7.0],
            "z": [10.0, 10.0, 13.0, 11.0, 10.0],
            "extra": [0.0] * 5,
        }
    )
    obs = [
        Observation("y", 5.0, 1.0, discrepancy_sd=0.5),
        Observation("z", 10.0, 2.0),
        Observation("w", 0.0, 1.0, held_out=True),
    ]
    sims["w"] = 100.0  # held out: huge I, but must not enter max_fitted
    imp = implausibility(sims, obs)
    # point 0: y mean 2, sample variance ((1-2)^2 + (3-2)^2) / 1 = 2, n = 2 -> 3 / sqrt(1 + 0.25 + 2/2) = 2
    assert imp.loc[0, "y"] == pytest.approx(3 / math.sqrt(1 + 0.25 + 2 / 2))
    assert imp.loc[0, "z"] == 0.0
    # point 1: y mean 4, variance 0; z mean 12, variance 2 -> 2 / sqrt(4 + 2/2)
    assert imp.loc[1, "y"] == pytest.approx(1 / math.sqrt(1.25))
    assert imp.loc[1, "z"] == pytest.approx(2 / math.sqrt(4 + 1))
    # point 2: one replication -> no variance term
    assert imp.loc[2, "y"] == pytest.approx(2 / math.sqrt(1.25))
    assert list(imp["n_rep"]) == [2, 2, 1]
    assert imp.loc[0, "max_fitted"] == pytest.approx(2.0) and imp.loc[0, "second_max_fitted"] == 0.0
    assert imp.loc[1, "max_fitted"] == pytest.approx(1 / math.sqrt(1.25))
    assert imp.loc[1, "second_max_fitted"] == pytest.approx(2 / math.sqrt(5))
    assert imp.loc[0, "w"] == pytest.approx(100.0)
    assert list(plausible(imp, cutoff=1.5)) == [False, True, False]
    assert list(plausible(imp, cutoff=1.0, use="second")) == [True, True, True]
    with pytest.raises(ValueError, match="use"):
        plausible(imp, use="median")


def test_held_out_never_rules_out_but_is_reported():
    wild = Observation("y4", 1000.0, 1.0, "held out", held_out=True)
    with_held = history_match(PARAMS, (*OBS, wild), simulate, points=64, waves=2, seed=3)
    without = history_match(PARAMS, OBS, simulate, points=64, waves=2, seed=3)
    for w1, w2 in zip(with_held.waves, without.waves, strict=True):
        pd.testing.assert_series_equal(w1.plausible, w2.plausible)
    assert with_held.waves[-1].plausible.any()
    tension = with_held.tension().set_index("key")
    assert tension.loc["y4", "held_out"] and not tension.loc["y4", "reachable"]
    assert tension.loc["y4", "share_ruled_out"] == 1.0 and not tension.loc["y2", "held_out"]


def test_contradictory_targets_leave_an_empty_set():
    # y2 and y5 both measure a (noise sd 0.5) but the targets say 20 and 40: no a is within 3 sds of both.
    contradict = (Observation("y2", 20.0, 0.5), Observation("y5", 40.0, 0.5))
    messages: list[str] = []
    result = history_match(PARAMS, contradict, simulate, points=64, waves=3, seed=0, progress=messages.append)
    assert len(result.waves) == 1 and messages == ["wave 1: 0 of 64 points non-implausible"]  # stopped early
    assert result.plausible_set().empty
    with pytest.raises(ValueError, match="no non-implausible parameter vector"):
        result.best()
    tension = result.tension().set_index("key")
    assert tension["share_ruled_out"].sum() >= 1.0  # every point is ruled out by at least one of the two
    with pytest.raises(ValueError, match="targets contradict"):
        refocus(PARAMS, result.plausible_set(), 8, 0)
    # A target outside what the box can produce (b <= 10, so b^2 <= 100) is flagged unreachable.
    out_of_reach = (OBS[1], Observation("y3", 200.0, 1.0))
    tension = history_match(PARAMS, out_of_reach, simulate, points=64, waves=2, seed=0).tension().set_index("key")
    assert not tension.loc["y3", "reachable"] and tension.loc["y3", "min_I"] > 3.0
    assert tension.loc["y2", "reachable"]


def test_nan_mean_is_implausible():
    sims = pd.DataFrame({"point": [0, 0, 1, 1, 2], "y": [5.0, math.nan, 5.0, 5.1, math.nan]})
    imp = implausibility(sims, [Observation("y", 5.0, 1.0)])
    assert imp.loc[0, "y"] == math.inf and imp.loc[2, "y"] == math.inf and math.isfinite(imp.loc[1, "y"])
    assert list(plausible(imp)) == [False, True, False]


def test_design_reproducible_bounded_and_validated():
    for method in ("sobol", "lhs"):
        for n in (16, 20):  # power of two and not (Sobol's balance warning must be silenced)
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                d = design(PARAMS, n, seed=7, method=method)
            assert list(d.columns) == ["a", "b"] and len(d) == n
            pd.testing.assert_frame_equal(d, design(PARAMS, n, seed=7, method=method))
            assert not d.equals(design(PARAMS, n, seed=8, method=method))
            for p in PARAMS:
                assert d[p.key].between(p.low, p.high).all()
    with pytest.raises(ValueError, match="sobol, lhs"):
        design(PARAMS, 8, seed=0, method="grid")
    with pytest.raises(ValueError, match="'c'"):
        design([*PARAMS, Parameter("c", 2.0, 2.0)], 8, seed=0)


def test_refocus_box_and_validation():
    points = pd.DataFrame({"a": [12.0, 20.0], "b": [5.0, 6.0]})
    d = refocus(PARAMS, points, 64, seed=0)
    # a: [12 - 4, 20 + 4] clipped to [10, 24]; b: [5 - 0.9, 6 + 0.9]
    assert d["a"].min() >= 10.0 and d["a"].max() <= 24.0 and d["a"].min() < 12.0 and d["a"].max() > 20.0
    assert d["b"].min() >= 4.1 and d["b"].max() <= 6.9
    with pytest.raises(ValueError, match="'b'"):
        refocus(PARAMS, points[["a"]], 8, seed=0)


def test_observation_validation():
    with pytest.raises(ValueError, match="'y2'"):
        history_match(PARAMS, (Observation("y2", 30.0, 0.0),), simulate)
    with pytest.raises(ValueError, match="'y2'"):
        history_match(PARAMS, (Observation("y2", math.nan, 1.0),), simulate)
    with pytest.raises(ValueError, match="fitted"):
        history_match(PARAMS, (Observation("y2", 30.0, 1.0, held_out=True),), simulate)


def test_reproducible():
    first = history_match(PARAMS, OBS, simulate, points=64, waves=2, seed=5)
    second = history_match(PARAMS, OBS, simulate, points=64, waves=2, seed=5)
    pd.testing.assert_frame_equal(first.plausible_set(), second.plausible_set())
    assert not first.waves[0].design.equals(
        history_match(PARAMS, OBS, simulate, points=64, waves=1, seed=6).waves[0].design
    )
