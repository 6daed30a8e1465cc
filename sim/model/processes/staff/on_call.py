"""The on-call phone rota (telefonjour): caseworkers take turns answering the unit's phone line.

Ramböll (002) finds on-call phone duty takes 3–10 % of a caseworker's week, far more than the
acute decisions alone: whoever is on call that day is off their own cases. Each working day
``org.on_call_per_day`` caseworker-days of duty go round the reception and long-term seats in
turn, taken like the day's overhead block (before any case task) and booked to ``on_call``.
"""

from __future__ import annotations

from typing import Generator

from sim.model import units
from sim.model.processes.staff.overhead import take_block
from sim.model.services import Services


def rota(run: Services) -> Generator:
    """Every working day, hand the day's on-call duty to the next caseworkers on the rota."""
    env, per_day = run.env, run.cfg.org.on_call_per_day
    staff = run.staff
    desks = [staff.first_visit] if staff.pre_assessment is staff.first_visit else [staff.pre_assessment,
                                                                                    staff.first_visit]
    seats = [desk for desk in (*desks, *staff.long_term) for _ in range(desk.seats - desk.reserve)]
    turn = 0
    while True:
        left = per_day
        while left > 1e-9:
            desk = seats[turn % len(seats)]
            turn += 1
            hours = min(1.0, left) * units.HOURS_PER_DAY * desk.fte
            left -= min(1.0, left)
            env.process(take_block(run, desk, hours, [("on_call", hours)], skip_after=env.now + units.HOURS_PER_DAY))
        yield env.timeout(units.HOURS_PER_DAY)
