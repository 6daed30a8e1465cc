"""Seasons: a monthly arrival profile (non-homogeneous Poisson by thinning) and a summer holiday season."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import differing_keys, make_config, run_config

from sim.analysis import metrics
from sim.config.schema import ConfigError
from sim.model import units

PROFILE = [1.5, 1.5, 1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 1.0, 1.0, 1.0, 1.0]  # busy winter, quiet summer; mean 1


def test_a_flat_profile_changes_nothing():
    plain = metrics.summary(run_config(make_config("farsta", seed=4, horizon_weeks=30.0, warmup_weeks=10.0)))
    flat = metrics.summary(run_config(make_config("farsta", seed=4, horizon_weeks=30.0, warmup_weeks=10.0,
                                                  org__arrival_profile=[1.0] * 12)))
    assert differing_keys(plain, flat) == []


def test_arrivals_follow_the_monthly_profile():
    """Over 6 years, each month's arrivals are within four Poisson standard errors of rate x profile."""
    years = 6
    cfg = make_config("farsta", seed=2, horizon_weeks=52.0 * years, warmup_weeks=1.0, org__arrival_profile=PROFILE,
                      org__long_term__caseworkers=40.0, org__reception__caseworkers=60.0)
    run = run_config(cfg)
    t = np.asarray(run.rec.arrivals)
    months = (t % units.YEAR // units.MONTH).astype(int) % 12
    counts = np.bincount(months, minlength=12)
    per_month = cfg.org.arrivals_per_week * units.MONTH / units.WEEK * years
    for m, share in enumerate(PROFILE):
        expected = per_month * share
        assert abs(counts[m] - expected) <= 4 * math.sqrt(expected), (m, counts[m], expected)
    assert counts[:2].sum() > 2.5 * counts[6:8].sum()  # the profile shows: winter three times summer


def test_everyone_takes_the_summer_holiday_once_a_year():
    weeks = 4.0
    cfg = make_config("farsta", seed=3, horizon_weeks=104.0, warmup_weeks=10.0,
                      workforce__summer_holiday_weeks=weeks, workforce__roles=["long_term", "payment_officer"])
    run = run_config(cfg)
    holidays = [(who, t0, t1) for who, why, t0, t1 in run.rec.away if why == "holiday"]
    people = [p for d in run.staff.desks() if d.role in ("long_term", "payment_officer") for p in d.people]
    assert sorted({who for who, _, _ in holidays}) == sorted(people)
    for who in people:
        mine = [(t0, t1) for w, t0, t1 in holidays if w == who]
        assert len(mine) == 2, who  # one each year
        for t0, t1 in mine:
            assert t1 - t0 == pytest.approx(weeks * units.WEEK)
            week_of_year = t0 % units.YEAR / units.WEEK
            assert 23.0 <= week_of_year <= 31.0 + 1.0  # drawn in the window (a desk busy with leave may delay it)
    # no experience draws or learning without absences or leavers: holidays alone keep everyone at full speed
    assert all(not d.hired for d in run.staff.desks())
    staff = metrics.staff_frame(run)
    assert (staff.loc[staff["role"] == "long_term", "holiday_hours"] > 0).all()


@pytest.mark.parametrize("dotted, key", [
    ({"org.arrival_profile": [1.0] * 11}, "org.arrival_profile"),
    ({"org.arrival_profile": [2.0] * 12}, "org.arrival_profile"),
    ({"org.arrival_profile": [-1.0, 3.0] + [1.0] * 10}, "org.arrival_profile[0]"),
    ({"workforce.summer_window": [30.0, 20.0]}, "workforce.summer_window"),
    ({"workforce.summer_window": [23.0, 50.0], "workforce.summer_holiday_weeks": 4.0},
     "workforce.summer_holiday_weeks"),
    ({"workforce.summer_holiday_weeks": 60.0}, "workforce.summer_holiday_weeks"),
    ({"workforce.summer_window": [23.0, 60.0]}, "workforce.summer_window"),
    ({"workforce.summer_holiday_weeks": -1.0}, "workforce.summer_holiday_weeks"),
])
def test_bad_season_settings_name_the_key(dotted, key):
    with pytest.raises(ConfigError) as err:
        make_config("farsta", dotted=dotted)
    assert err.value.key == key
