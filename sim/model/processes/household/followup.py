"""Follow-up (uppföljning), caseload review, closure and re-entry.

004, Farsta: work plans are followed up monthly and rewritten every 3–4 months; caseworkers
work actively with 25 of their households; the first week of each month every caseworker
reviews the whole caseload; a case is closed after a month without an application, and a new
application within three months returns it to the long-term group, otherwise to reception.
Follow-up has the lowest priority: a follow-up not started within its month is squeezed out
(Ramböll 002: follow-up gets markedly less time than investigation).
"""

from __future__ import annotations

import math
from typing import Generator

from sim.model import units
from sim.model.distributions import sampler
from sim.model.entities import Household
from sim.model.processes.household import payment
from sim.model.services import Services
from sim.model.staff import least_loaded


def long_term(run: Services, hh: Household, months_paid: int, months_since_rewrite: int = 0) -> Generator:
    """Monthly cycle of a long-term household until its need ends, then closure."""
    env, proc = run.env, run.cfg.process
    rng = hh.rng
    rewrite_in = rewrite_interval(run, hh)
    # Months of need used up: one a month paid, or the need clock's m (issue 17). Compared with the need itself,
    # not its whole months: a whole number of months is below need_months exactly when below its ceiling (the
    # effect off: today's model), and with the effect on a month's small speed-up counts as much as a slow-down.
    used = float(months_paid)
    clock = run.need_clock
    while used < hh.need_months:
        change = rng.random()  # drawn every month in every variant (common random numbers)
        if change < run.policy.specialisation.group_change_per_month:
            change_group(run, hh, change)
        payment.monthly_payment(run, hh)
        run.tasks.start(hh.caseworker, "client_phone", hh)  # calls about the month's application
        months_paid += 1
        months_since_rewrite += 1
        rewrite = months_since_rewrite >= rewrite_in
        record = monthly_followup(run, hh, rewrite)
        if rewrite:
            months_since_rewrite, rewrite_in = 0, rewrite_interval(run, hh)
        if rng.random() < proc.appeal_per_household_month:
            run.tasks.start(hh.caseworker, "appeal", hh)
        yield env.timeout(units.MONTH)
        used += clock.month(hh, record, env.now)
    # Need has ended: no application; closed after a month without one.
    yield env.timeout(max(0.0, proc.closure_after_months * units.MONTH - units.MONTH))
    yield from run.tasks.work(hh.caseworker, "closure", hh)
    hh.payment_officer.caseload -= 1
    run.staff.release(hh.caseworker)


def change_group(run: Services, hh: Household, u: float) -> None:
    """Move the household to a new target group when its situation changes (e.g. unemployed → sick-listed, 004).

    In a specialised organisation it moves to a caseworker (and payment officer) of the new
    group: a handover, and a restart with the new caseworker ("omtag och extra uppstartstid").
    """
    groups = [g for g in run.cfg.org.households.target_groups if g != hh.target_group]
    if not groups:
        return
    p = run.policy.specialisation.group_change_per_month
    hh.target_group = groups[min(int(u / p * len(groups)), len(groups) - 1)]
    if hh.caseworker is not None and hh.target_group not in hh.caseworker.groups:
        new = least_loaded(run.staff.long_term, hh, run.policy.caseload_cap)
        if new is None:  # every caseworker of the new group is at the cap: stays where it is
            return
        new.caseload += 1
        run.staff.release(hh.caseworker)
        hh.caseworker = new
        hh.handover_at = run.env.now
        run.rec.tally("handovers")
        run.tasks.start(new, "handover", hh)
    if hh.payment_officer is not None and hh.target_group not in hh.payment_officer.groups:
        new_po = least_loaded(run.staff.payment_officers, hh)
        hh.payment_officer.caseload -= 1
        new_po.caseload += 1
        hh.payment_officer = new_po


def rewrite_interval(run: Services, hh: Household) -> int:
    """Whole months until the work plan is rewritten (every 3–4 months, 004 Farsta).

    Follow-ups happen monthly, so the drawn interval is rounded to a whole month at random
    (3.4 → 4 with probability 0.4), which keeps the configured mean.
    """
    months = sampler(run.cfg.process.rewrite_every_months, hh.rng)()
    whole = math.floor(months)
    return max(1, whole + int(hh.rng.random() < months - whole))


def monthly_followup(run: Services, hh: Household, rewrite: bool) -> list:
    """Follow the plan up this month (a meeting for the active share, else a desk check); dropped after the month.

    Returns its record ``[due, started]``: the need clock reads it when the month ends.
    """
    due = run.env.now
    if rewrite:
        task = "plan_rewrite"
    elif hh.rng.random() < run.cfg.process.followup_meeting_share:
        task = "followup_meeting"
    else:
        task = "followup"
    record = [due, None]  # recorded when due: one still queued when the run ends counts as not done
    run.rec.followup(hh, record)
    run.tasks.start(hh.caseworker, task, hh, deadline=due + units.MONTH, started=lambda t: record.__setitem__(1, t))
    return record


def caseload_review(run: Services, desk) -> Generator:
    """First week of each month: the caseworker goes through the whole caseload."""
    per_household = run.cfg.process.caseload_review_per_household
    month = 0  # an integer counter: float division of the clock by MONTH can round down
    while True:
        if desk.caseload > 0 and per_household > 0:
            yield from run.tasks.work(desk, "caseload_review", hours=desk.caseload * per_household)
        month += 1
        yield run.env.timeout(max(0.0, month * units.MONTH - run.env.now))


def after_closure(run: Services, hh: Household) -> Generator:
    """Let a closed household apply again; within three months it returns where it was.

    Returns where it goes: ``"long_term"`` (the same caseworker, plan rewritten), ``"reception"``
    (it starts again), or None (it has left for good).
    """
    env, proc, hh_cfg = run.env, run.cfg.process, run.cfg.org.households
    run.rec.move(hh, "dormant")
    if hh.rng.random() >= hh_cfg.return_share:
        run.rec.move(hh, "exited")
        return None
    gap = run.population.draw_return_gap(hh.rng)
    yield env.timeout(gap)
    return returned(run, hh, hh.closed_by == "long_term" and gap <= proc.return_to_long_term_months * units.MONTH)


def returned(run: Services, hh: Household, to_long_term: bool) -> str:
    """A household applies again with a new need: to its caseworker (``to_long_term``) or to reception."""
    hh.need_months = run.population.draw_need(hh.rng)
    if to_long_term:
        hh.caseworker.caseload += 1  # same caseworker, even above a caseload cap
        hh.payment_officer.caseload += 1
        run.rec.move(hh, "long_term")
        # The plan is rewritten alongside; payments do not wait for it.
        run.tasks.start(hh.caseworker, "plan_rewrite", hh)
        return "long_term"
    hh.caseworker = hh.payment_officer = None
    return "reception"
