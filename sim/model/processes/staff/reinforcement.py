"""Reinforcement: temporary staff when the first-visit wait passes a threshold.

004: Hässelby-Vällingby's wait rose to 5 weeks in late winter 2011 and extra staff were put in;
003: the city keeps a reinforcement team of internal consultants for temporary peaks. Reserve
seats in the first-visit pool stay off duty until the monitor calls them in (after a start-up
delay) and go back when the wait is below the release level after a minimum engagement.
"""

from __future__ import annotations

from collections import deque
from typing import Generator

from sim.model import units
from sim.model.entities import Desk
from sim.model.processes.staff.overhead import take_block
from sim.model.services import Services
from sim.model.work import OVERHEAD_PRIORITY

WINDOW_WEEKS = 4  # the wait the monitor watches: mean of the last four weeks' first visits


def monitor(run: Services) -> Generator:
    """Call the reinforcement in when the recent first-visit wait is too long, and release it when short.

    Checked weekly over the last ``WINDOW_WEEKS`` weeks of first visits.
    """
    rf = run.policy.reinforcement_settings
    env = run.env
    recent: deque[float] = deque()
    seen = 0
    called_at = None
    while True:
        yield env.timeout(units.WEEK)
        waits = run.rec.first_visit_waits
        for t, wait in waits[seen:]:
            recent.append((t, wait))
        seen = len(waits)
        while recent and recent[0][0] < env.now - WINDOW_WEEKS * units.WEEK:
            recent.popleft()
        if not recent:
            continue
        mean_weeks = sum(w for _, w in recent) / len(recent) / units.WEEK
        if not run.reinforcement_active and called_at is None and mean_weeks > rf.threshold_weeks:
            called_at = env.now
            yield env.timeout(rf.start_delay_weeks * units.WEEK)
            run.reinforcement_active = True
        elif (run.reinforcement_active and env.now - called_at >= (rf.start_delay_weeks + rf.min_weeks) * units.WEEK
              and mean_weeks < rf.release_below_weeks):
            run.reinforcement_active = False
            called_at = None


def reserve_seat(run: Services, desk: Desk, seat: int) -> Generator:
    """Hold a reinforcement seat off duty while not called in; let it work as an ordinary seat while it is.

    While off duty the seat is held continuously, so no queued task can slip into it between
    days. ``extra_caseworkers`` is spread over the reserve seats (1.5 FTE → two seats of 0.75),
    each taking daily off-duty time for its part-time share, like any part-time seat.
    """
    env = run.env
    day = units.HOURS_PER_DAY
    fte = run.policy.reinforcement_settings.extra_caseworkers / run.policy.reinforcement_seats
    off = (1.0 - fte) * day
    block = off + sum(desk.overhead.values()) * fte * day
    bookings = [("off_duty", off), *((activity, share * fte * day) for activity, share in desk.overhead.items())]
    while True:
        with desk.resource.request(priority=OVERHEAD_PRIORITY) as req:
            yield req
            while not run.reinforcement_active:
                t0 = env.now
                yield env.timeout(day - t0 % day if t0 % day > 1e-9 else day)
                run.ledger.book(desk.role, "off_duty", t0, env.now)
        while run.reinforcement_active:  # on duty: a daily block of off-duty and overhead, then tasks
            day_start = env.now
            yield from take_block(run, desk, block, bookings)
            on_duty = max(0.0, min(day_start + day, run.end) - max(day_start, run.warmup))
            run.reinforcement_hours += on_duty * fte
            wait = day_start + day - env.now
            if wait > 0:
                yield env.timeout(wait)
