"""History matching through the real model: a synthetic district whose true parameters we know.

Farsta run at a known inflow and need duration gives the "study's" figures (seeds 100–101, which the
fit never uses); the fit, blind to the truth, must keep it among the non-implausible vectors, and rule
out most of the box. Short runs keep the test to about half a minute: one measured model year (the yearly
figures need a whole one), from the steady start without a warm-up. The truth is simulated the same way, so
whatever the first weeks after the start do is in the "study's" figures too; what is tested is the fit.
"""

from __future__ import annotations

import pandas as pd
import pytest

from sim.analysis import history_matching as hm
from sim.analysis.stats import estimate
from sim.config.compose import load_config
from sim.experiments.fit import fit
from sim.experiments.runner import run_many

SHORT = ("horizon_weeks=52", "warmup_weeks=0")  # model year 0, measured whole
TRUTH = {"org.arrivals_per_week": 20.0, "org.households.need_months.mean": 8.0}
KEYS = ("households_in_stock", "households_per_year", "months_on_assistance")


@pytest.mark.slow
def test_the_fit_recovers_a_synthetic_districts_parameters(tmp_path):
    overrides = [f"{k}={v}" for k, v in TRUTH.items()]
    runs = run_many([load_config(["org=farsta", *SHORT, *overrides, f"seed={s}"]) for s in (100, 101)], workers=2)
    # The synthetic study: the truth's mean, with an uncertainty of 5 % (a stated observation error).
    observations = []
    for key in KEYS:
        value = estimate([r[key] for r in runs]).mean
        observations.append(hm.Observation(key, value, 0.05 * value, "synthetic"))
    parameters = [hm.Parameter("org.arrivals_per_week", 10.0, 30.0), hm.Parameter("org.households.need_months.mean",
                                                                                   3.0, 14.0)]
    result = fit("farsta", points=16, waves=2, replications=2, overrides=SHORT, cache=tmp_path, workers=2,
                 progress=lambda _: None, parameters=parameters, observations=observations)
    found = result.plausible_set()
    assert len(found) >= 1
    for p in parameters:
        lo, hi = found[p.key].min(), found[p.key].max()
        # the truth lies in the non-implausible box (widened by the refocused design's spacing: the box is
        # sampled by 16 points, so a side of the box is resolved to about a quarter of its width)
        step = (hi - lo) / 4 if hi > lo else 0.1 * (p.high - p.low)
        assert lo - step <= TRUTH[p.key] <= hi + step, (p.key, lo, hi)
        # and the fit learned something: the box shrank to at most half the range searched
        assert hi - lo <= 0.5 * (p.high - p.low), (p.key, lo, hi)
    first = result.waves[0]
    assert 0 < first.plausible.sum() < len(first.design), "wave 1 ruled out nothing, or everything"
    assert isinstance(result.tension(), pd.DataFrame)


def test_the_default_is_the_most_plausible_member_with_headroom():
    from sim.experiments.fit import default_member

    members = pd.DataFrame({"max_fitted": [1.0, 1.5, 2.0], "busiest_pool": [0.99, 0.93, 0.90]})
    assert default_member(members)["max_fitted"] == 1.5  # the first with every pool at most 95 % busy
    saturated = members.assign(busiest_pool=0.99)
    assert default_member(saturated)["max_fitted"] == 1.0  # none has headroom: the most plausible, said in fit.md
