"""Households are neither created nor lost: stage counters, exits and caseloads balance.

Each org runs once with the short horizon (module-scoped fixture), plus one "churn" variant
where every closed household comes back quickly, so the dormant → reception / long-term paths
are exercised heavily.
"""

from __future__ import annotations

from collections import Counter

import pytest
from conftest import ORGS, STAGES, ProbeRun, fixed, run_config, short_config

from sim.analysis import metrics

VARIANTS = [(org, {}) for org in ORGS] + [
    ("farsta", {"org.households.return_share": 1.0,
                "org.households.return_gap_months": {"family": "exponential", "mean": 1.5, "cv": 1.0}}),
    ("hasselby_vallingby", {"org.households.need_months": fixed(2.0), "org.households.return_share": 1.0,
                            "org.households.return_gap_months": fixed(4.0)}),
]
IDS = [org if not extra else f"{org}-churn{i}" for i, (org, extra) in enumerate(VARIANTS)]


@pytest.fixture(scope="module", params=VARIANTS, ids=IDS)
def run(request):
    org, extra = request.param
    return run_config(short_config(org, seed=21, dotted=extra), ProbeRun)


def test_every_arrival_has_exited_or_is_still_in_a_stage(run):
    rec = run.rec
    alive = sum(rec.in_stage(s) for s in STAGES)
    assert len(rec.arrivals) > 0 and len(rec.exits) > 0
    assert len(rec.arrivals) == len(rec.exits) + alive
    s = metrics.summary(run)
    assert s["arrivals_total"] == s["exits_total"] + sum(s[f"in_system.{st}"] for st in STAGES)


def test_stage_counters_balance_and_are_non_negative(run):
    rec = run.rec
    for stage in STAGES:
        assert rec.entered[stage] - rec.left[stage] == rec.in_stage(stage) >= 0, stage
    assert set(rec.entered) <= set(STAGES) and set(rec.left) <= set(STAGES)


def test_stage_counters_match_the_households_themselves(run):
    """Counting the households' own ``stage`` gives the recorder's stock per stage."""
    by_stage = Counter(hh.stage for hh in run.population.all)
    assert len(run.population.all) == len(run.rec.arrivals)
    for stage in STAGES:
        assert by_stage[stage] == run.rec.in_stage(stage), stage
    assert by_stage["exited"] == len(run.rec.exits)
    assert by_stage["new"] == 0


def test_caseloads_equal_households_in_long_term(run):
    rec, staff = run.rec, run.staff
    in_lt = rec.in_stage("long_term")
    assert in_lt > 0
    assert sum(d.caseload for d in staff.long_term) == in_lt
    assert sum(d.caseload for d in staff.payment_officers) == in_lt
    assert all(d.caseload >= 0 for d in staff.long_term + staff.payment_officers)


def test_each_desk_caseload_is_its_long_term_households(run):
    """Per desk: caseload == households in long_term whose caseworker (officer) it is."""
    long_term = [hh for hh in run.population.all if hh.stage == "long_term"]
    assert all(hh.caseworker is not None and hh.payment_officer is not None for hh in long_term)
    per_cw = Counter(hh.caseworker.name for hh in long_term)
    per_po = Counter(hh.payment_officer.name for hh in long_term)
    for desk in run.staff.long_term:
        assert desk.caseload == per_cw[desk.name], desk.name
    for desk in run.staff.payment_officers:
        assert desk.caseload == per_po[desk.name], desk.name


def test_weekly_snapshots_are_consistent_stocks(run):
    frame = metrics.weekly_frame(run)
    assert len(frame) > 0
    for stage in STAGES:
        assert (frame[stage] >= 0).all(), stage
    assert (frame["households_in_stock"] == frame["reception"] + frame["referral"] + frame["long_term"]).all()
    lt_fte = run.staff.fte("long_term")
    assert frame["caseload_per_caseworker"].values == pytest.approx(frame["long_term"].values / lt_fte)


def test_exits_and_arrivals_lie_inside_the_horizon(run):
    rec = run.rec
    assert rec.arrivals == sorted(rec.arrivals) and rec.exits == sorted(rec.exits)
    assert 0 <= rec.arrivals[0] and rec.arrivals[-1] < run.end
    assert 0 <= rec.exits[0] and rec.exits[-1] < run.end
