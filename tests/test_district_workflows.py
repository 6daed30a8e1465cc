"""The work 004 and 002 describe that the model once lacked (issue 12, part 1), each checked in a run.

Södermalm decides on the papers and leaves the first visit to investigation; Hässelby-Vällingby's
paired caseworkers sometimes pay themselves and documents sometimes lie, with debts after; every
district keeps an on-call phone rota; HV's pre-assessment does eviction prevention.
"""

from __future__ import annotations

import math

import pytest
from conftest import deterministic, make_config, run_config

from sim.analysis.metrics import summary
from sim.model import units


def test_sodermalm_decides_on_the_papers_and_investigation_holds_the_first_visit():
    run = run_config(make_config("sodermalm", dotted=deterministic(horizon_weeks=20.0)))
    visits = {(role) for _, task, role, *_ in run.rec.events if task == "first_visit"}
    decisions = {(role) for _, task, role, *_ in run.rec.events if task == "decision"}
    assert visits == {"long_term"} and decisions == {"reception"}
    farsta = run_config(make_config("farsta", dotted=deterministic(horizon_weeks=20.0)))
    assert {role for _, task, role, *_ in farsta.rec.events if task == "first_visit"} == {"reception"}


def test_the_decision_time_of_a_complete_application_is_the_wait_for_reception_plus_the_analysis():
    """Plenty of staff, fixed durations: the decision takes exactly the district's analysis time."""
    analysis = make_config("sodermalm").org.durations["analysis"].mean  # the district's fitted analysis time
    fixed_analysis = {"org.durations.analysis": {"family": "fixed", "mean": analysis, "cv": 0.0}}
    s = summary(run_config(make_config("sodermalm", dotted=deterministic(horizon_weeks=20.0, **fixed_analysis))))
    assert s["reception_decision_days"] == pytest.approx(units.to_calendar_days(analysis), rel=0.02)


def test_the_on_call_rota_takes_the_configured_caseworker_days():
    """2 caseworker-days a day over every reception and long-term seat: on-call is 2 / seats of their time."""
    cfg = make_config("farsta", dotted=deterministic(**{
        "org.on_call_per_day": 2.0, "org.households.acute_share": 0.0, "org.reception.caseworkers": 6.0,
        "org.long_term.caseworkers": 10.0, "horizon_weeks": 30.0}))
    s = summary(run_config(cfg))
    hours = sum(s[f"time_share.{role}.on_call"] * s[f"fte.{role}"] for role in ("reception", "long_term"))
    assert hours == pytest.approx(2.0, rel=0.02)  # FTE-weighted shares add up to the rota's 2 caseworker-days


def test_hasselby_vallingby_as_it_is_pays_late_sometimes_and_debts_follow():
    """004 HV: about half the caseworkers sometimes pay themselves; documents lie; debts several times a month."""
    run = run_config(make_config("hasselby_vallingby", horizon_weeks=104.0, warmup_weeks=52.0))
    hv = summary(run)
    payers = [d.self_pays for d in run.staff.long_term]
    assert 0.2 < sum(payers) / len(payers) < 0.8  # "about half" would pay themselves if an officer were slow
    assert hv["late_payments_per_year"] > 0 and hv["debts_per_year"] > 0
    farsta = summary(run_config(make_config("farsta", horizon_weeks=104.0, warmup_weeks=52.0)))
    assert farsta["self_payment_share"] == 0  # the caseworker owns the case: no shortcut, no lying documents


def test_mislaid_documents_make_that_share_of_the_long_term_payments_late():
    """Paired, staff idle enough that nothing else is late: the late share of long-term payments estimates it."""
    share = 0.2
    cfg = make_config("hasselby_vallingby", dotted=deterministic(**{
        "variant.payment.mislaid_share": share, "variant.payment.self_pay_share": 0.0, "horizon_weeks": 40.0}))
    run = run_config(cfg)
    w0, late = run.warmup, units.calendar_days_to_hours(cfg.process.late_payment_days)
    delays = [d for t, d in run.rec.payments if t >= w0]
    by_reception = sum(1 for _, task, _, _, start, end in run.rec.events
                       if task == "reception_payment" and end >= w0)
    long_term = len(delays) - by_reception
    observed = sum(d > late for d in delays) / long_term
    se = math.sqrt(share * (1 - share) / long_term)  # binomial: each long-term payment mislaid with p = share
    assert long_term > 200 and observed == pytest.approx(share, abs=3 * se + 2 / long_term)


def test_eviction_prevention_adds_its_hours_to_pre_assessment():
    """3 notices a week x 2 hours: about 6 more busy hours a week for pre-assessment, same seeds otherwise."""
    base = {"horizon_weeks": 156.0, "warmup_weeks": 52.0}
    with_notices = summary(run_config(make_config("hasselby_vallingby", **base)))
    without = summary(run_config(make_config("hasselby_vallingby", dotted={**base,
                                             "org.reception.eviction_notices_per_week": 0.0})))
    fte = with_notices["fte.reception_pre_assessment"]
    paid_per_week = fte * units.WEEK
    extra = (with_notices["utilisation.reception_pre_assessment"]
             - without["utilisation.reception_pre_assessment"]) * paid_per_week
    # notices are Poisson (104 measured weeks x 3 = 312), durations lognormal mean 2 h, cv 0.5:
    # sd of the weekly mean hours = sqrt(312 * (2^2 * (1 + 0.5^2))) / 104 ≈ 0.43 h
    assert extra == pytest.approx(6.0, abs=3 * 0.43)
