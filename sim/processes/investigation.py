"""Referral and investigation: deputy manager's review, assignment, first meeting, work plan.

004, Farsta: the deputy manager reviews investigation and decision and distributes the case;
the household is asked to call and book a visit; the long-term caseworker re-checks the basic
investigation and writes a work plan (arbetsplan) with the household. Hässelby-Vällingby gives
every referred household both a caseworker (Team 2) and a payment officer (Team 1).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Generator

from sim import units
from sim.entities import Household
from sim.processes import followup
from sim.staff import least_loaded

if TYPE_CHECKING:
    from sim.model import Run


def referral(run: "Run", hh: Household) -> Generator:
    env, staff = run.env, run.staff
    decided = env.now
    run.move(hh, "referral")
    yield from run.work(staff.deputies, "referral_review", hh)
    hh.caseworker = least_loaded(staff.long_term, hh)
    hh.payment_officer = least_loaded(staff.payment_officers, hh)
    hh.caseworker.caseload += 1
    hh.payment_officer.caseload += 1
    hh.closed_by = "long_term"
    run.move(hh, "long_term")
    run.rec.referral_waits.append((env.now, env.now - decided))
    env.process(first_meeting(run, hh))
    # Monthly applications continue a month after the payment reception made.
    months_paid = 1
    yield env.timeout(max(0.0, decided + units.MONTH - env.now))
    yield from followup.long_term(run, hh, months_paid)


def first_meeting(run: "Run", hh: Household) -> Generator:
    """The household books a visit; first meeting and work plan with the long-term caseworker."""
    yield run.env.timeout(run.cfg.process.first_meeting_booking_weeks * units.WEEK)
    cw = hh.caseworker
    if cw is None or hh.stage != "long_term":
        return
    yield from run.work(cw, "first_meeting", hh)
    yield from run.work(cw, "work_plan", hh)
