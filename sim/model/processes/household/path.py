"""The household's path through the office, step by step, until it leaves for good.

Reception (:mod:`.reception`) → referral and first meeting (:mod:`.investigation`) → the
monthly long-term cycle (:mod:`.followup`) → closure and, perhaps, re-entry: back to the same
caseworker within three months, otherwise to reception again (004 Farsta). Each step returns
how it ended; only this module knows which step comes next, so the steps import no sibling
except :mod:`.payment`.
"""

from __future__ import annotations

from typing import Generator

from sim.model.entities import Household
from sim.model.processes.household import followup, investigation, reception
from sim.model.services import Services


def journey(run: Services, hh: Household, step: str | None = "reception", months_paid: int = 0,
            months_since_rewrite: int = 0) -> Generator:
    """One household from its first contact until it exits (screened out, refused, or not returning).

    A household of the steady-state stock (:mod:`.steady_state`) joins at ``step`` (``"long_term"``
    with the months already paid and the months since its plan was rewritten, or ``"referred"``).
    """
    while step is not None:
        if step == "reception":
            step = yield from reception.reception(run, hh)  # "closed", "referred" or None
        elif step == "referred":
            months_paid = yield from investigation.referral(run, hh)
            step = "long_term"
        elif step == "long_term":
            yield from followup.long_term(run, hh, months_paid, months_since_rewrite)
            step, months_since_rewrite = "closed", 0
        else:  # "closed"
            step = yield from followup.after_closure(run, hh)  # "long_term", "reception" or None
            months_paid = 0
