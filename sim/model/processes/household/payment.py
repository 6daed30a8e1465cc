"""Monthly payment: apply, check and compute, cash check.

The household applies, the payment officer checks and computes, the cash office checks every
decision before it is paid (004, all three districts).

Pairing (004): in Hässelby-Vällingby every household has a caseworker *and* a payment officer
who checks the application and pays (``paired``); about half of the caseworkers sometimes pay
themselves when the officer is slow, and documents sometimes lie between the two ("blir liggande").
In Farsta the caseworker owns the case and the officer
only computes and pays (``caseworker_owns``). Late payments can lead to debts and evictions
("elskulder, hyresskulder och till och med vräkningar", 004 HV).
"""

from __future__ import annotations

from typing import Generator

from sim.model import units
from sim.model.entities import Household
from sim.model.services import Services


def monthly_payment(run: Services, hh: Household) -> None:
    """Run one month's payment, handled according to the variant's pairing (``run.policy.pairing``).

    Written as a chain of tasks (each starts the next as it ends, :meth:`TaskService.start`) rather than a
    process: one runs for every household every month, and a process costs two events of its own.
    """
    env, tasks, pay = run.env, run.tasks, run.policy.payment
    applied = env.now
    consequence = hh.rng.random()  # drawn every month so variants keep the same household streams
    mislaid = hh.rng.random()
    officer, cw = hh.payment_officer, hh.caseworker

    def cash_check() -> None:
        tasks.start(run.staff.cash_office, "cash_check", hh, done=lambda: paid(run, hh, applied, consequence))

    def self_payment() -> None:  # the caseworker takes the shortcut and pays herself
        run.rec.tally("self_payments")
        tasks.start(cw, "self_payment", hh, done=cash_check)

    def officer_pays(surfaced: float) -> None:
        if run.policy.pairing == "caseworker_owns":
            def compute() -> None:
                hours = tasks.duration["payment"]() * pay.officer_share_when_owned
                tasks.start(officer, "payment", hh, hours=hours, done=cash_check)
            tasks.start(cw, "payment_approval", hh, done=compute)
        elif cw.self_pays:
            deadline = surfaced + pay.self_pay_after_days * units.HOURS_PER_DAY
            tasks.start(officer, "payment", hh, deadline=deadline, missed=self_payment, done=cash_check)
        else:
            tasks.start(officer, "payment", hh, done=cash_check)

    if run.policy.pairing == "paired" and mislaid < pay.mislaid_share:
        # between caseworker and officer the documents lie until someone acts (004 HV); the payment's delay
        # counts from the application, a self-paying caseworker's patience from when they surface
        delay = env.timeout(units.calendar_days_to_hours(pay.mislaid_days))
        delay.callbacks.append(lambda _event: officer_pays(env.now))
    else:
        officer_pays(applied)


def reception_payment(run: Services, hh: Household) -> Generator:
    """Pay via reception (the first month, or while a referral waits for a caseworker)."""
    applied = run.env.now
    # A run-level stream: how often reception pays differs between variants (e.g. under a cap),
    # and drawing from the household's own stream would shift its later draws.
    consequence = run.streams["reception_payment_consequence"].random()
    yield from run.tasks.work(run.staff.first_visit, "reception_payment", hh)
    yield from run.tasks.work(run.staff.cash_office, "cash_check", hh)
    paid(run, hh, applied, consequence)


def paid(run: Services, hh: Household, applied: float, consequence: float) -> None:
    """Record a payment; a late one may lead to a debt, an eviction and work for the caseworker."""
    pay = run.policy.payment
    run.rec.payment(hh, applied)
    late_hours = units.calendar_days_to_hours(run.cfg.process.late_payment_days)
    if run.env.now - applied > late_hours:
        run.rec.tally("late_payments")
        hh.late_paid_at = run.env.now
        if consequence < pay.debt_per_late_payment:
            run.rec.tally("debts")
            if consequence < pay.debt_per_late_payment * pay.eviction_per_debt:
                run.rec.tally("evictions")
            if hh.caseworker is not None and hh.stage == "long_term":
                run.tasks.start(hh.caseworker, "debt_work", hh)
