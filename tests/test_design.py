"""Sweep designs (sim/experiments/design.py): the points each kind gives, and SALib's indices on known functions."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy import stats

from sim.config.schema import ConfigError
from sim.experiments.design import DesignSpec, analyse, overrides, points, unit_sample

RANGES = {"org.reception.caseworkers": [6, 12], "org.households.need_months.mean": [7.0, 11.5]}


def test_a_grid_is_every_combination_in_order():
    spec = DesignSpec(kind="grid", params={"a": [1, 2, 3], "b": [0.5, 1.5], "variant": ["broad", "specialised"]})
    got = points(spec)
    assert got == [dict(zip("ab", c[:2]), variant=c[2]) for c in itertools.product([1, 2, 3], [0.5, 1.5],
                                                                                    ["broad", "specialised"])]


def test_a_latin_hypercube_has_one_point_in_each_stratum_of_each_key():
    n = 8
    spec = DesignSpec(kind="lhs", params={"x": [0.0, 8.0], "y": [10.0, 12.0]}, n=n, seed=3)
    got = points(spec)
    assert len(got) == n
    for key, (lo, hi) in spec.params.items():
        strata = sorted(int((p[key] - lo) / (hi - lo) * n) for p in got)
        assert strata == list(range(n))
    assert points(spec) == got  # the design's seed fixes it
    assert points(DesignSpec(kind="lhs", params=spec.params, n=n, seed=4)) != got


def test_sobol_points_stay_in_their_ranges_and_whole_number_ranges_give_counts():
    got = points(DesignSpec(kind="sobol", params=RANGES, n=16, seed=1))
    assert len(got) == 16
    staff = [p["org.reception.caseworkers"] for p in got]
    need = [p["org.households.need_months.mean"] for p in got]
    assert all(isinstance(s, int) and 6 <= s <= 12 for s in staff)
    assert all(isinstance(v, float) and 7.0 <= v <= 11.5 for v in need)
    assert len(set(staff)) > 3  # spread over the range, not piled on one value


def test_one_at_a_time_is_the_base_then_each_key_low_and_high():
    got = points(DesignSpec(kind="oat", params=RANGES))
    assert got == [{}, {"org.reception.caseworkers": 6}, {"org.reception.caseworkers": 12},
                   {"org.households.need_months.mean": 7.0}, {"org.households.need_months.mean": 11.5}]
    assert overrides(got[1]) == ["org.reception.caseworkers=6"]


@pytest.mark.parametrize("spec, key, says", [
    (DesignSpec(kind="latin", params=RANGES, n=4), "design.kind", "grid, lhs, sobol, morris, saltelli, oat"),
    (DesignSpec(kind="lhs", params={"x": [2.0, 1.0]}, n=4), "design.params.x", "low < high"),
    (DesignSpec(kind="lhs", params={"x": [1.0, 2.0, 3.0]}, n=4), "design.params.x", "[low, high]"),
    (DesignSpec(kind="lhs", params=RANGES, n=0), "design.n", "positive"),
    (DesignSpec(kind="saltelli", params=RANGES, n=100), "design.n", "power of two"),
    (DesignSpec(kind="grid", params={}), "design.params", "at least one"),
    (DesignSpec(kind="grid", params={"x": [True, False]}), "design.params.x", "numbers"),
])
def test_a_bad_design_is_refused_naming_the_key_and_what_is_allowed(spec, key, says):
    with pytest.raises(ConfigError) as err:
        points(spec)
    assert err.value.key == key and says in err.value.allowed


def ishigami(x: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def test_sobol_indices_of_the_ishigami_function_are_recovered_within_their_confidence_intervals():
    """Known indices (a=7, b=0.1): S1 = 0.314, 0.442, 0; ST = 0.558, 0.442, 0.244 (Saltelli et al. 2008)."""
    a, b = 7.0, 0.1
    var = a ** 2 / 8 + b * math.pi ** 4 / 5 + b ** 2 * math.pi ** 8 / 18 + 0.5
    v1 = 0.5 * (1 + b * math.pi ** 4 / 5) ** 2
    v2 = a ** 2 / 8
    v13 = b ** 2 * math.pi ** 8 * (1 / 18 - 1 / 50)
    truth = {"x1": (v1 / var, (v1 + v13) / var), "x2": (v2 / var, v2 / var), "x3": (0.0, v13 / var)}
    spec = DesignSpec(kind="saltelli", params={k: [-math.pi, math.pi] for k in truth}, n=1024, seed=7)
    x = unit_sample(spec)
    assert len(points(spec)) == 1024 * (3 + 2)
    got = analyse(spec, ishigami(x), resamples=300, seed=1)
    # SALib's CI is a 95 % bootstrap half-width (1.96 standard errors); six indices are checked at once, so
    # the allowance is widened to a Bonferroni 95 % over the six (z = 2.87 standard errors).
    widen = stats.norm.ppf(1 - 0.05 / 12) / stats.norm.ppf(0.975)
    for key, (s1, st) in truth.items():
        assert abs(got[key]["S1"] - s1) <= widen * got[key]["S1_conf"], (key, got[key], s1)
        assert abs(got[key]["ST"] - st) <= widen * got[key]["ST_conf"], (key, got[key], st)


def test_morris_elementary_effects_of_a_linear_function_are_its_slopes_times_the_ranges():
    spec = DesignSpec(kind="morris", params={"a": [0.0, 2.0], "b": [10.0, 20.0], "c": [0.0, 1.0]}, n=10, levels=4,
                      seed=2)
    x = unit_sample(spec)
    assert x.shape == (10 * 4, 3)
    y = 3.0 * x[:, 0] - 0.5 * x[:, 1] + 0.0 * x[:, 2]
    got = analyse(spec, y, samples=x, resamples=100, seed=1)
    assert got["a"]["mu_star"] == pytest.approx(3.0 * 2.0)
    assert got["b"]["mu_star"] == pytest.approx(0.5 * 10.0)
    assert got["c"]["mu_star"] == pytest.approx(0.0, abs=1e-12)
    assert all(v["sigma"] == pytest.approx(0.0, abs=1e-9) for v in got.values())  # linear: every effect alike


@pytest.mark.parametrize("kind", ["saltelli", "morris"])
def test_the_bootstrap_cis_are_the_same_every_time_even_with_seed_0(kind):
    """Same outputs, same seed: the same indices and CIs (SALib reads a seed of 0 as none; we must not pass it)."""
    spec = DesignSpec(kind=kind, params={"a": [0.0, 1.0], "b": [0.0, 1.0]}, n=16, seed=0)
    x = np.array([[p["a"], p["b"]] for p in points(spec)])
    y = np.sin(3 * x[:, 0]) + x[:, 1] ** 2 + np.random.default_rng(5).normal(0, 0.3, len(x))
    assert analyse(spec, y, seed=0) == analyse(spec, y, seed=0)
