"""Referral and investigation: deputy manager's review, assignment, first meeting, work plan.

004, Farsta: the deputy manager reviews investigation and decision and distributes the case;
the household is asked to call and book a visit; the long-term caseworker re-checks the basic
investigation and writes a work plan (arbetsplan) with the household. Hässelby-Vällingby gives
every referred household both a caseworker (Team 2) and a payment officer (Team 1).
"""

from __future__ import annotations

from typing import Generator

import simpy

from sim.model import units
from sim.model.entities import Household
from sim.model.processes.household import payment
from sim.model.services import Services


def referral(run: Services, hh: Household) -> Generator:
    """Review, assignment (waiting under a caseload cap) and first meeting; returns the months reception paid."""
    env, staff = run.env, run.staff
    decided = env.now
    run.rec.move(hh, "referral")
    review = run.tasks.duration["referral_review"]()
    if run.policy.specialised:  # matching caseworker and payment officer "takes a lot of time" (004 HV)
        review += run.policy.specialisation.matching_hours
    yield from run.tasks.work(staff.deputies, "referral_review", hh, hours=review)
    if not run.staff.assign_long_term(hh):
        # Every eligible caseworker is at the caseload cap: wait, paid by reception meanwhile.
        ready = env.event()
        run.staff.overflow.append((hh, ready))
        paying = env.process(reception_pays_while_waiting(run, hh, decided))
        yield ready
        if paying.is_alive:
            paying.interrupt()
    hh.closed_by = "long_term"
    run.rec.move(hh, "long_term")
    run.rec.referral_waits.append((env.now, env.now - decided))
    env.process(first_meeting(run, hh))
    # Monthly applications continue a month after the last payment reception made.
    months_paid = 1 + int((env.now - decided) // units.MONTH)
    yield env.timeout(max(0.0, decided + months_paid * units.MONTH - env.now))
    return months_paid


def reception_pays_while_waiting(run: Services, hh: Household, decided: float) -> Generator:
    """Monthly payments by reception for a referred household no caseworker can take yet."""
    env = run.env
    month = 1
    try:
        while month < units.months_ceil(hh.need_months):
            yield env.timeout(max(0.0, decided + month * units.MONTH - env.now))
            env.process(payment.reception_payment(run, hh))
            month += 1
    except simpy.Interrupt:
        return


def first_meeting(run: Services, hh: Household) -> Generator:
    """Book a visit, then hold the first meeting and work plan with the long-term caseworker."""
    yield run.env.timeout(run.cfg.process.first_meeting_booking_weeks * units.WEEK)
    cw = hh.caseworker
    if cw is None or hh.stage != "long_term":
        return
    if run.cfg.org.reception.workflow == "documents":  # Södermalm: the first visit is investigation's (004)
        yield from run.tasks.work(cw, "first_visit", hh)
    yield from run.tasks.work(cw, "first_meeting", hh)
    yield from run.tasks.work(cw, "work_plan", hh)
