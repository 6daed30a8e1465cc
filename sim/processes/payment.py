"""Monthly payment: the household applies, the payment officer checks and computes, the cash
office checks every decision before it is paid (004, all three districts)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Generator

from sim.entities import Household

if TYPE_CHECKING:
    from sim.model import Run


def monthly_payment(run: "Run", hh: Household) -> Generator:
    applied = run.env.now
    yield from run.work(hh.payment_officer, "payment", hh)
    yield from run.work(run.staff.cash_office, "cash_check", hh)
    run.record_payment(hh, applied)
