"""Reception (mottagning): phone pre-assessment, acute aid, first visit, analysis, decision.

004, Farsta and Hässelby-Vällingby workflow: a phone interview checks jurisdiction, needs and
eligibility; acute households get a decision within 1–2 days; the others get a letter with a
first-visit time (a home visit first if they sublet or lodge); after the first visit the
caseworker's analysis takes about half a day and a decision follows. Södermalm (workflow
``documents``) sends a letter listing the documents instead, decides on the complete application
"within a week", and leaves the first visit to the investigation group. The wait this records as
the first-visit wait is then the wait until reception takes up the application. Needs of at most a month
are paid and closed by reception; longer ones are referred to the long-term group.
Where the household goes next is :mod:`.path`'s business: this step returns how it ended.
"""

from __future__ import annotations

from typing import Generator

from sim.model import units
from sim.model.entities import Household
from sim.model.processes.household import payment
from sim.model.services import Services


def eviction_prevention(run: Services) -> Generator:
    """Landlords' notices of eviction, handled by pre-assessment (vräkningsförebyggande, 004 HV)."""
    rate = run.cfg.org.reception.eviction_notices_per_week
    if rate <= 0:
        return
    rng = run.streams["eviction_notices"]
    while True:
        yield run.env.timeout(rng.exponential(units.WEEK / rate))
        run.env.process(run.tasks.work(run.staff.pre_assessment, "eviction_prevention", None))


def reception(run: Services, hh: Household) -> Generator:
    """Reception's part; returns ``"closed"`` (closed by reception), ``"referred"``, or None (exited)."""
    env, staff = run.env, run.staff
    run.rec.move(hh, "reception")
    hh.closed_by = "reception"
    arrived = env.now
    if staff.common_reception is not None:  # one reception scans and routes every first contact (002)
        yield from run.tasks.work(staff.common_reception, "scan", hh)
    elif hh.misrouted:  # reached another unit first and was passed on (002)
        yield env.timeout(run.policy.reception.passed_on_days * units.HOURS_PER_DAY)
    yield from run.tasks.work(staff.pre_assessment, "pre_assessment", hh)
    if hh.screened_out:  # wrong district or not eligible: ends at the phone interview
        run.rec.move(hh, "exited")
        return None
    if hh.acute:
        yield from run.tasks.work(staff.pre_assessment, "acute", hh)
        run.rec.acute_decisions.append((env.now, env.now - arrived))
        run.rec.by_group("acute_decision", hh, (env.now, env.now - arrived))
    if hh.home_visit:
        yield from run.tasks.work(staff.pre_assessment, "home_visit", hh)
    # The letter gives the household notice to gather documents (with a first-visit time, or asking
    # it to send them); after that it waits for a free reception caseworker (the wait emerges from capacity).
    return (yield from after_notice(run, hh, arrived, run.cfg.org.reception.booking_notice_weeks * units.WEEK))


def after_notice(run: Services, hh: Household, arrived: float, notice: float) -> Generator:
    """Reception from the letter on: ``notice`` hours of notice, the first visit and decision, the first payment.

    Returns as :func:`reception` does. ``arrived`` is when the application came in (its first-visit wait runs
    from then). A household of the steady-state stock still in its notice at the start joins here
    (:mod:`.steady_state`) with the notice it has left.
    """
    env, staff, proc = run.env, run.staff, run.cfg.process
    yield env.timeout(notice)
    complete = env.now
    if run.cfg.org.reception.workflow == "first_visit":
        visit = yield from run.tasks.work(staff.first_visit, "first_visit", hh)
        run.rec.first_visit_waits.append((visit, visit - arrived))
        run.rec.by_group("first_visit_wait", hh, (visit, visit - arrived))
        yield from run.tasks.work(staff.first_visit, "decision", hh)
        run.rec.reception_decisions.append((env.now, env.now - visit))
        run.rec.by_group("reception_decision", hh, (env.now, env.now - visit))
    else:  # Södermalm: the complete application is decided on the papers; the first visit is investigation's
        started = yield from run.tasks.work(staff.first_visit, "decision", hh)
        run.rec.first_visit_waits.append((started, started - arrived))
        run.rec.by_group("first_visit_wait", hh, (started, started - arrived))
        run.rec.reception_decisions.append((env.now, env.now - complete))
        run.rec.by_group("reception_decision", hh, (env.now, env.now - complete))
    refused = hh.refused
    if run.decisions.on:  # a grey-zone application may depend on who settles it (sim/model/decisions.py)
        refused = yield from run.decisions.settle(run, hh)
    if refused:
        run.rec.move(hh, "exited")
        return None
    # The first month is paid by reception, checked by the cash office like every payment.
    yield from payment.reception_payment(run, hh)
    if hh.need_months <= 1.0:
        return (yield from closure(run, hh, proc.closure_after_months * units.MONTH))  # a month without application
    return "referred"


def closure(run: Services, hh: Household, wait: float) -> Generator:
    """Reception closes a need of at most a month after ``wait`` hours without an application; returns "closed"."""
    yield run.env.timeout(wait)
    yield from run.tasks.work(run.staff.first_visit, "closure", hh)
    return "closed"
