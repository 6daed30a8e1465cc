"""Issue 17, part 2: the casework effect (the need clock, sim/model/need_clock.py).

Off (the default) the model is today's: every summary figure is the golden files' (tests/test_golden.py), and
the clock runs at exactly one month of need a month. On, a month followed up on time uses up more need than a
missed one, so a household whose follow-ups are all on time leaves sooner; the district as the study found it
keeps its months on assistance (the reference shares in its org file); and more caseworkers, who keep more
follow-ups on time, shorten the months on assistance only when the effect is on.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
from conftest import make_config

from sim.config.schema import ConfigError
from sim.experiments.runner import run_many, run_summary
from sim.model import units
from sim.model.entities import Household
from sim.model.need_clock import NeedClock, reference

ON = {"process.casework_effect.enabled": True}


def _runs(org: str, seeds: int, **dotted) -> list[dict]:
    base = make_config(org, start="steady_state", dotted=dotted)
    return run_many([replace(base, seed=k) for k in range(seeds)], workers=2, job=run_summary)


def _values(runs: list[dict], key: str) -> np.ndarray:
    return np.array([r[key] for r in runs], dtype=float)


def _household(need: float) -> Household:
    return Household(id=0, arrived=0.0, rng=np.random.default_rng(0), target_group="labour_market", acute=False,
                     home_visit=False, screened_out=False, refused=False, need_months=need)


def _months_to_leave(clock: NeedClock, hh: Household, started_after: float | None) -> int:
    """Months paid until the need is used up, every follow-up started ``started_after`` hours after it fell due
    (None: squeezed out) — the loop of followup.long_term."""
    used, months, now = 0.0, 0, 0.0
    while used < hh.need_months:
        record = [now, None if started_after is None else now + started_after]
        now += units.MONTH
        months += 1
        used += clock.month(hh, record, now)
    return months


def test_a_household_followed_up_on_time_leaves_sooner_than_one_whose_follow_ups_are_all_missed():
    """Paired: the same needs (Farsta's need distribution, 400 draws), once always on time, once always missed."""
    cfg = make_config("farsta", dotted=ON)
    clock = NeedClock(cfg, warmup=math.inf)  # nothing measured: only the months it uses
    hh_cfg = cfg.org.households.need_months
    rng = np.random.default_rng(17)
    sigma = math.sqrt(math.log(1 + hh_cfg.cv ** 2))
    needs = rng.lognormal(math.log(hh_cfg.mean) - sigma ** 2 / 2, sigma, 400)
    on_time = np.array([_months_to_leave(clock, _household(n), 1.0) for n in needs])
    missed = np.array([_months_to_leave(clock, _household(n), None) for n in needs])
    diff = missed - on_time
    se = diff.std(ddof=1) / math.sqrt(len(diff))
    assert diff.mean() > 3 * se  # sooner on average, beyond the sampling error
    assert (diff >= 0).all()  # and never later: the clock only runs faster on time
    # the size follows the factors: a month on time uses on_time/missed times the need of a missed one
    effect = cfg.process.casework_effect
    ratio = missed.sum() / on_time.sum()
    assert ratio == pytest.approx(effect.on_time / effect.missed, rel=0.05)


def test_with_the_effect_switched_on_but_every_factor_one_nothing_moves():
    """m is exactly 1: the same run, figure for figure, as with the effect off (no draw is added)."""
    neutral = {**ON, "process.casework_effect.on_time": 1.0, "process.casework_effect.missed": 1.0,
               "process.casework_effect.handover": 1.0, "process.casework_effect.late_payment": 1.0}
    off = _runs("hasselby_vallingby", 1, horizon_weeks=40.0, warmup_weeks=10.0)[0]
    on = _runs("hasselby_vallingby", 1, horizon_weeks=40.0, warmup_weeks=10.0, **neutral)[0]
    assert off["need_clock.speed"] == 1.0
    assert on == off


@pytest.mark.parametrize("org", ["farsta", "hasselby_vallingby", "sodermalm"])
def test_each_districts_reference_shares_are_what_its_own_organisation_runs(org):
    """The org file's casework_reference is the district's own long-term months (seeds 0-3), within 3 SE + 0.01."""
    runs = _runs(org, 4)
    ref = make_config(org).org.casework_reference
    for name in ("on_time", "missed", "handover", "late_payment"):
        values = _values(runs, f"need_clock.{name}_share")
        se = values.std(ddof=1) / math.sqrt(len(values))
        assert abs(values.mean() - getattr(ref, name)) <= 3 * se + 0.01, (org, name, values.mean())


@pytest.mark.parametrize("org", ["farsta", "hasselby_vallingby"])
def test_the_district_as_the_study_found_it_keeps_its_months_on_assistance_with_the_effect_on(org):
    """Calibrated: the clock's mean speed is 1 within 1 %, and the months on assistance move by less than 1 %
    beyond their paired sampling error (3 SE)."""
    off, on = _runs(org, 4), _runs(org, 4, **ON)
    speed = _values(on, "need_clock.speed")
    assert abs(speed.mean() - 1) <= 0.01 + 3 * speed.std(ddof=1) / 2
    diff = _values(on, "months_on_assistance") - _values(off, "months_on_assistance")
    se = diff.std(ddof=1) / math.sqrt(len(diff))
    assert abs(diff.mean()) <= 3 * se + 0.01 * _values(off, "months_on_assistance").mean()


def test_more_caseworkers_shorten_the_months_on_assistance_only_with_the_effect_on():
    """Farsta with 4 more long-term caseworkers keeps more follow-ups on time; with the effect on (at the top of its
    range, on_time 1.3, so 4 seeds can see it) fewer households are on assistance and less is paid than with it
    off: paired differences in differences beyond 3 SE."""
    more = {"org.long_term.caseworkers": make_config("farsta").org.long_term.caseworkers + 4}
    strong = {**ON, "process.casework_effect.on_time": 1.3}
    cells = {(effect, staff): _runs("farsta", 4, **(strong if effect else {}), **(more if staff else {}))
             for effect in (False, True) for staff in (False, True)}
    on_time = _values(cells[False, True], "followups_on_time_share") - _values(cells[False, False],
                                                                               "followups_on_time_share")
    assert on_time.mean() > 0.05  # the mechanism: more of them on time
    for key in ("households_in_stock", "assistance_sek_per_year"):
        value = {k: _values(v, key) for k, v in cells.items()}
        did = (value[True, True] - value[True, False]) - (value[False, True] - value[False, False])
        se = did.std(ddof=1) / math.sqrt(len(did))
        assert did.mean() < -3 * se, key


def test_the_reference_is_the_factors_mean_over_its_shares():
    effect = make_config("farsta", dotted=ON).process.casework_effect
    shares = make_config("hasselby_vallingby").org.casework_reference
    expected = ((1 + shares.on_time * (effect.on_time - 1) + shares.missed * (effect.missed - 1))
                * (1 + shares.handover * (effect.handover - 1)) * (1 + shares.late_payment * (effect.late_payment - 1)))
    assert reference(effect, shares) == pytest.approx(expected)


@pytest.mark.parametrize("key, value, words", [
    ("process.casework_effect.on_time", 0.0, "hazard multiplier"),
    ("process.casework_effect.missed", 11.0, "hazard multiplier"),
    ("process.casework_effect.handover_months", -1.0, "months"),
    ("org.casework_reference.on_time", 1.5, "share"),
    ("org.casework_reference.missed", 0.2, "at most 1 - on_time"),
])
def test_a_bad_casework_setting_is_refused_by_key(key, value, words):
    with pytest.raises(ConfigError) as err:
        make_config("farsta", dotted={key: value})
    assert err.value.key == key
    assert words in str(err.value)
