"""Each seat's daily block of non-case time: off-duty (part-time) plus overhead.

The overhead activities of the Ramböll table (group meetings, consultation, mail, journal,
other; 002) take a fixed share of each paid hour. A seat takes them as one block a day at
:data:`~sim.model.work.OVERHEAD_PRIORITY`, before any case task; seats of a pool are staggered
over the day so a pool never stops all at once. Where module administrators work, the clerical
part is handed to them (:mod:`.clerical`). The reinforcement's reserve seats take the same block
on the days they are on duty (:mod:`.reinforcement`).
"""

from __future__ import annotations

from typing import Generator

from sim.model import units
from sim.model.entities import Desk
from sim.model.processes.staff import clerical
from sim.model.services import Services
from sim.model.work import OVERHEAD_PRIORITY


def take_block(run: Services, desk: Desk, hours: float, bookings: list[tuple[str, float]],
               skip_after: float | None = None) -> Generator:
    """Hold one seat of ``desk`` for ``hours`` at overhead priority; book them activity by activity.

    ``bookings`` are (activity, hours) in the order they are booked from the block's start.
    Returns the block's start, or ``None`` without taking time if the seat came free only at
    ``skip_after`` or later (the person was away all day).
    """
    env = run.env
    queue = desk.resource
    holder = queue.seize()  # a free seat and nobody waiting: no request event (sim/model/desk_queue.py)
    if holder is None:
        holder = queue.wait(OVERHEAD_PRIORITY)
        yield holder
    t0 = env.now
    if skip_after is not None and t0 >= skip_after:
        queue.free(holder)
        return None
    yield env.timeout(hours)
    queue.free(holder)
    run.tasks.served += 1
    t = t0
    for activity, length in bookings:
        run.ledger.book(desk.role, activity, t, t + length)
        t += length
    return t0


def daily_overhead(run: Services, desk: Desk, seat: int) -> Generator:
    """One seat's daily block, every working day of the run (skipped while its person is away)."""
    env = run.env
    day = units.HOURS_PER_DAY
    off = (1.0 - desk.fte) * day
    own, handed = clerical.split_overhead(run, desk)
    handoff = sum(handed.values()) * run.policy.module_admins.handoff_share
    block = off + sum(own.values()) + handoff
    if block <= 0:
        return
    bookings = [("off_duty", off), *own.items()] + ([("handoff", handoff)] if handed else [])
    yield env.timeout(day * seat / (desk.seats - desk.reserve))
    person = desk.people[seat]
    while True:
        day_start = env.now
        if person in desk.away:  # on leave, or the post is vacant: no day's block (workforce)
            yield env.timeout(day)
            continue
        t0 = yield from take_block(run, desk, block, bookings, skip_after=day_start + day)
        if t0 is None:  # the person was away all day (workforce): no block to make up
            continue
        if handed:
            env.process(clerical.hand_over(run, desk, handed))
        wait = day_start + day - env.now
        if wait > 0:
            yield env.timeout(wait)
