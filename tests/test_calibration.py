"""The three districts against the studies' figures (sim/analysis/targets.py), as the validation page shows them.

5 seeded replications per district at the default horizon (REPLICATIONS). A fitted target passes when its
implausibility |mean − study| / sqrt(sd² + se²) is at most 3 — the fit's own rule, with the study's
stated uncertainty and the replications' standard error; held-out targets are reported, never asserted.
Five are enough for that rule: when the number was set, the replications' standard error was at most a quarter
of the study's uncertainty (with its discrepancy) for every fitted target, so a mean is ruled out at almost the
same distance from the study's figure as with ten (at most 1.5 % farther). The queue's settle check (GROWS when
its growth's 95 % CI lies above 0) then resolved 0.03–0.17 households a month with five (0.02–0.09 with ten).
"""

import math

import numpy as np
import pandas as pd
import pytest

from sim.analysis.calibration import CUTOFF, table
from sim.analysis.stats import estimate
from sim.analysis.targets import OBSERVATIONS, PARAMETERS, fitted
from sim.config.vocabulary import DISTRICTS
from sim.experiments.calibration import run_calibration

ORG_OF = {name: org for org, name in DISTRICTS.items()}


def test_every_district_is_over_identified_and_never_fits_staffing():
    """Fewer free parameters than fitted targets; no staff count among them (issue 12)."""
    for org in OBSERVATIONS:
        assert len(PARAMETERS[org]) < len(fitted(org)), org
        assert not any("caseworkers" in p.key or "officers" in p.key or "cash_office" in p.key
                       or "deputy" in p.key for p in PARAMETERS[org])
        assert any(o.held_out for o in OBSERVATIONS[org]), f"{org} has no held-out target"


def _frame(fitted_sds: float, held_out_sds: float) -> pd.DataFrame:
    """Ten replications per district, every target ``k`` sds from the study's figure (plus a little noise)."""
    rng = np.random.default_rng(3)
    rows = []
    for org, observations in OBSERVATIONS.items():
        for seed in range(10):
            rows.append({"district": org, "seed": seed, "first_visit_queue_growth_per_month": rng.normal(0, 0.1),
                         **{o.key: o.value + (held_out_sds if o.held_out else fitted_sds) * math.hypot(o.sd,
                                                                                                   o.discrepancy_sd)
                            + rng.normal(0, 0.05 * o.sd) for o in observations}})
    return pd.DataFrame(rows)


def test_the_table_passes_a_target_exactly_when_its_implausibility_is_at_most_3():
    """Replications placed at a known distance from each study figure: the verdict follows the formula."""
    frame = _frame(fitted_sds=4.0, held_out_sds=2.0)
    out, all_ok = table(frame)
    targets = out[out["use"].isin(["fitted", "held out"])]
    assert len(targets) == sum(len(obs) for obs in OBSERVATIONS.values())
    for r in targets.itertuples():
        o = next(o for o in OBSERVATIONS[ORG_OF[r.district]] if o.key == r.key)
        est = estimate(frame.loc[frame["district"] == ORG_OF[r.district], r.key])
        expected = abs(est.mean - o.value) / math.sqrt(o.sd ** 2 + o.discrepancy_sd ** 2 + est.se ** 2)
        assert r.implausibility == pytest.approx(expected)
        assert (r.verdict == "pass") == (expected <= CUTOFF)
    assert set(targets.loc[targets["use"] == "fitted", "verdict"]) == {"FAIL"}
    assert set(targets.loc[targets["use"] == "held out", "verdict"]) == {"pass"}
    assert not all_ok
    # held-out targets never decide whether the fit holds: fitted ones 1 sd off, held-out ones 5 sd off
    out, all_ok = table(_frame(fitted_sds=1.0, held_out_sds=5.0))
    assert all_ok and set(out.loc[out["use"] == "held out", "verdict"]) == {"FAIL"}
    growth = out[out["key"] == "first_visit_queue_growth_per_month"]
    assert len(growth) == len(OBSERVATIONS) and set(growth["verdict"]) <= {"GROWS", "settles", "(no test)"}


def test_a_figure_the_model_cannot_produce_fails_and_is_not_dropped():
    frame = pd.DataFrame([{"district": "farsta", "seed": k, "first_visit_wait_weeks": math.nan} for k in range(3)])
    out, all_ok = table(frame)
    wait = out[(out["district"] == "Farsta") & (out["key"] == "first_visit_wait_weeks")]
    assert len(wait) == 1 and wait["verdict"].iloc[0] == "FAIL" and not all_ok


def test_the_tables_first_line_says_what_was_simulated():
    """The horizon in the table's caption comes from the runs' config, not from typed-in words."""
    from sim.analysis.calibration import markdown

    rows = pd.DataFrame([{"district": "Farsta", "metric": "households in stock", "reported": "917 ± 46",
                          "use": "fitted", "mean": 900.0, "ci_low": 890.0, "ci_high": 910.0,
                          "implausibility": 0.4, "verdict": "pass"}])
    assert markdown(rows, 10, 260.0, 156.0).startswith(
        "Simulated: mean of 10 replications (2 years measured after 3 years of warm-up), 95 % CI.")
    assert "(30 weeks measured after 1 year of warm-up)" in markdown(rows, 4, 82.0, 52.0)


def test_the_inflow_check_pairs_seeds_and_compares_with_the_base_ci():
    """A figure that moves by 1.0 on every seed, against a base whose CI half-width is about 0.23."""
    from sim.analysis.calibration import INFLOW_FIGURES, inflow_table

    rng = np.random.default_rng(5)
    base = pd.DataFrame([{"district": org, "seed": k, **{m: 10 + rng.normal(0, 0.3) for m in INFLOW_FIGURES}}
                         for org in DISTRICTS for k in range(10)])
    up = base.copy()
    up["first_visit_wait_weeks"] += 1.0  # moves, identically on every seed
    up = up.sample(frac=1, random_state=1)  # order does not matter: runs are paired by seed
    rows = inflow_table(base, {1.05: up})
    wait = rows[rows["key"] == "first_visit_wait_weeks"]
    assert len(wait) == len(DISTRICTS)
    assert np.allclose(wait["change"], 1.0) and np.allclose(wait["ci_high"] - wait["ci_low"], 0, atol=1e-9)
    assert (wait["verdict"] == "moves more than its CI").all()
    still = rows[rows["key"] != "first_visit_wait_weeks"]
    assert np.allclose(still["change"], 0.0) and (still["verdict"] == "(within its CI)").all()
    half = estimate(base.loc[base["district"] == "farsta", "first_visit_wait_weeks"]).half_width
    assert wait["base_half_width"].iloc[0] == half


REPLICATIONS = 5


@pytest.fixture(scope="module")
def replications():
    return run_calibration(replications=REPLICATIONS, workers=2, cache=None)


@pytest.mark.slow
@pytest.mark.parametrize("org,key", [(org, o.key) for org in OBSERVATIONS for o in fitted(org)])
def test_district_reproduces_fitted_target(replications, org, key):
    o = next(o for o in OBSERVATIONS[org] if o.key == key)
    est = estimate(replications.loc[replications["district"] == org, key])
    assert est.n == REPLICATIONS
    imp = abs(est.mean - o.value) / math.sqrt(o.sd ** 2 + o.discrepancy_sd ** 2 + est.se ** 2)
    assert imp <= CUTOFF, (f"{org} {key}: mean {est.mean:.2f} (95 % CI {est.low:.2f}–{est.high:.2f}) against "
                           f"{o.value} ± {o.sd}: implausibility {imp:.1f} > {CUTOFF}")


SODERMALM_BUSY = pytest.mark.xfail(strict=True, reason=(
    "Södermalm's long-term caseworkers run 97 % busy (95 % CI 96–98) at the fit's only member with headroom in its "
    "own two-replication check; 004 reports 80–90 households for some of them. Said on docs/validation.md."))


@pytest.mark.slow
@pytest.mark.parametrize("org", [pytest.param(o, marks=SODERMALM_BUSY) if o == "sodermalm" else o for o in DISTRICTS])
def test_every_pool_has_headroom_and_the_queue_settles(replications, org):
    """Issue 12: no pool above 95 % busy (no source says a reception is saturated); the queue has no trend."""
    out, _ = table(replications)
    mine = out[out["district"] == DISTRICTS[org]]
    busy = mine[mine["key"].str.startswith("utilisation.")]
    assert len(busy) >= 3 and (busy["verdict"] == "headroom").all(), busy[["key", "mean", "verdict"]]
    assert (mine.loc[mine["key"] == "first_visit_queue_growth_per_month", "verdict"] != "GROWS").all()


def test_the_time_use_discrepancy_rests_on_how_far_rambolls_own_units_lie_apart():
    """targets.TIME_USE says the three Ramböll columns are 25–27 points apart: the stand-in is that uncertain."""
    from sim.analysis.targets import TIME_USE
    from sim.analysis.timeuse_gap import distance
    from sim.config.ramboll import RAMBOLL_TABLE

    adults = {k: v / sum(RAMBOLL_TABLE["adults"].values()) for k, v in RAMBOLL_TABLE["adults"].items()}
    apart = [distance(adults, RAMBOLL_TABLE[c]) for c in ("disability", "children_youth")]
    assert all(0.24 <= d <= 0.28 for d in apart), apart
    assert TIME_USE.discrepancy_sd < min(apart) / 3  # a modest share of how far units differ
