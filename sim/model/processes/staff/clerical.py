"""Module administrators (moduladministratörer, 000 Uppsala 2016) taking clerical work.

A caseworker's daily overhead includes clerical activities (journal and paper files, mail,
other). Where module administrators work, the configured share of those is handed to them
each day, at a hand-off cost for the caseworker. The administrators' capacity is limited:
work they cannot start within ``fallback_days`` goes back to the caseworker.
"""

from __future__ import annotations

from typing import Generator

from sim.config.vocabulary import CASEWORKER_ROLES
from sim.model import units
from sim.model.entities import Desk
from sim.model.services import Services


def split_overhead(run: Services, desk: Desk) -> tuple[dict[str, float], dict[str, float]]:
    """Daily overhead hours of one seat: (kept by the seat, handed to module administrators)."""
    day = units.HOURS_PER_DAY
    hours = {a: share * desk.fte * day for a, share in desk.overhead.items()}
    if run.staff.module_admins is None or desk.role not in CASEWORKER_ROLES:
        return hours, {}
    takeover = run.policy.module_admins.takeover
    handed = {a: h * takeover[a] for a, h in hours.items() if takeover.get(a, 0.0) > 0}
    own = {a: h - handed.get(a, 0.0) for a, h in hours.items()}
    return own, handed


def hand_over(run: Services, desk: Desk, handed: dict[str, float]) -> Generator:
    """One day's clerical work of one caseworker seat, done by an administrator or fallen back."""
    ma = run.policy.module_admins
    hours = sum(handed.values())
    run.rec.tally("clerical_tasks")
    deadline = run.env.now + ma.fallback_days * units.HOURS_PER_DAY
    started = yield from run.tasks.work(run.staff.module_admins, "clerical", hours=hours * ma.admin_hours_per_hour,
                                  deadline=deadline)
    if started is None:
        run.rec.tally("clerical_fallbacks")
        yield from run.tasks.work(desk, "clerical_fallback", hours=hours)
