"""Issue 17: assistance paid, and results by target group.

The money: each household is paid its own monthly amount (``org.assistance``), drawn once from a hash of the
run's seed and its number (so the same in every variant, and no other draw moves); what the office pays is
the sum of its payments. The groups: ``by_group.<group>.<figure>`` adds up (counts, money) or averages (means,
weighted by the group's count) to the office's own figure.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import make_config, run_config

from sim.analysis.metrics import summary
from sim.config.vocabulary import TARGET_GROUPS
from sim.model import units

YEAR_WEEKS = units.YEAR / units.WEEK


@pytest.fixture(scope="module")
def hv():
    """Hässelby-Vällingby from its steady state: one warm-up year, then two whole measured model years."""
    run = run_config(make_config("hasselby_vallingby", start="steady_state", seed=3,
                                 horizon_weeks=3 * YEAR_WEEKS, warmup_weeks=YEAR_WEEKS))
    return run, summary(run)


def test_assistance_paid_is_the_sum_of_the_payments_after_the_warm_up(hv):
    run, s = hv
    paid_after = sum(hh.monthly_sek * n for hh in run.population.households.values()
                     for year, n in hh.payments.items() if year >= 1)
    years = (run.end - run.warmup) / units.YEAR
    assert s["assistance_sek_per_year"] == pytest.approx(paid_after / years, rel=1e-9)
    assert s["total_cost_sek_per_year"] == pytest.approx(s["cost_sek_per_year"] + s["assistance_sek_per_year"])


def test_each_households_amount_has_the_districts_mean_and_spread(hv):
    """Lognormal around 004's 7,674 SEK a household-month, cv 0.5: the sample mean within 3 SE of it."""
    run, _ = hv
    amounts = np.array([hh.monthly_sek for hh in run.population.households.values()])
    a = run.cfg.org.assistance
    se = a.cv * a.sek_per_household_month / math.sqrt(len(amounts))
    assert len(amounts) > 2000
    assert abs(amounts.mean() - a.sek_per_household_month) < 3 * se
    assert (amounts > 0).all()
    assert abs(amounts.std() / amounts.mean() - a.cv) < 0.05  # sd of a cv estimate at n > 2000: about 0.01


def test_a_households_amount_is_the_same_in_every_variant_and_no_other_figure_moves():
    plain = run_config(make_config("hasselby_vallingby", seed=2, horizon_weeks=30, warmup_weeks=5))
    broad = run_config(make_config("hasselby_vallingby", seed=2, horizon_weeks=30, warmup_weeks=5,
                                   dotted={"variant.specialisation.mode": "broad"}))
    shared = set(plain.population.households) & set(broad.population.households)
    assert len(shared) > 300
    assert all(plain.population.households[i].monthly_sek == broad.population.households[i].monthly_sek
               for i in shared)
    free = run_config(make_config("hasselby_vallingby", seed=2, horizon_weeks=30, warmup_weeks=5,
                                  dotted={"org.assistance.sek_per_household_month": 0.0}))
    with_money, without = summary(plain), summary(free)
    assert without["assistance_sek_per_year"] == 0 and with_money["assistance_sek_per_year"] > 0
    moved = {k for k in with_money if "assistance" not in k and "total_cost" not in k
             and not (isinstance(with_money[k], float) and math.isnan(with_money[k]))
             and with_money[k] != without.get(k)}
    assert not moved  # paying money draws nothing from any stream


def test_counts_and_money_by_group_add_up_to_the_offices(hv):
    _, s = hv
    for figure in ("households_in_stock", "households_per_year", "assistance_sek_per_year"):
        assert sum(s[f"by_group.{g}.{figure}"] for g in TARGET_GROUPS) == pytest.approx(s[figure], rel=1e-9), figure


def test_a_groups_means_weighted_by_its_counts_give_the_offices_mean(hv):
    run, s = hv
    rec, w0 = run.rec, run.warmup

    def count(figure: str, g: str) -> int:
        pairs = rec.grouped.get((figure, g))
        return sum(1 for t, _ in pairs if t >= w0) if pairs is not None else 0

    for figure, key in (("first_visit_wait", "first_visit_wait_weeks"),
                        ("reception_decision", "reception_decision_days")):
        n = {g: count(figure, g) for g in TARGET_GROUPS}
        assert sum(n.values()) == sum(1 for t, _ in getattr(rec, f"{figure}s") if t >= w0)
        pooled = sum(n[g] * s[f"by_group.{g}.{key}"] for g in TARGET_GROUPS if n[g]) / sum(n.values())
        assert pooled == pytest.approx(s[key], rel=1e-9), figure
    hpy = {g: s[f"by_group.{g}.households_per_year"] for g in TARGET_GROUPS}
    months = sum(hpy[g] * s[f"by_group.{g}.months_on_assistance"] for g in TARGET_GROUPS) / sum(hpy.values())
    assert months == pytest.approx(s["months_on_assistance"], rel=1e-9)
    due = {g: rec.group_followups[g].outcomes()[0] for g in TARGET_GROUPS}
    assert sum(due.values()) == s["followups_due"]
    on_time = sum(due[g] * s[f"by_group.{g}.followups_on_time_share"] for g in TARGET_GROUPS) / sum(due.values())
    assert on_time == pytest.approx(s["followups_on_time_share"], rel=1e-9)


def test_the_groups_shares_of_the_stock_follow_their_shares_of_the_inflow(hv):
    """Every group has the same need and return rules here, so its share of the stock is its inflow share
    (0.5 / 0.3 / 0.2, assumption) within the binomial SE of the households paid in a year."""
    run, s = hv
    shares = run.cfg.org.households.target_groups
    total = s["households_per_year"]
    for g in TARGET_GROUPS:
        p = shares[g] / sum(shares.values())
        se = math.sqrt(p * (1 - p) / total)
        assert abs(s[f"by_group.{g}.households_per_year"] / total - p) < 4 * se, g


@pytest.mark.parametrize("dotted, key", [
    ({"org.assistance.group_factor": {"youth": 2.0}}, "org.assistance.group_factor.youth"),
    ({"org.assistance.sek_per_household_month": -1.0}, "org.assistance.sek_per_household_month"),
])
def test_a_bad_assistance_setting_is_refused_by_key(dotted, key):
    from sim.config.schema import ConfigError

    with pytest.raises(ConfigError) as err:
        make_config("farsta", dotted=dotted)
    assert err.value.key == key
