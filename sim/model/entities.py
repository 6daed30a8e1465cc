"""Plain data: households and staff desks. No behaviour beyond bookkeeping."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import simpy

from sim.model.desk_queue import DeskQueue


@dataclass(eq=False, slots=True)
class Household:
    """A household (hushåll) applying for economic assistance.

    ``rng`` is the household's own stream, so its attributes, need durations and returns are
    the same in every variant of an experiment (common random numbers).
    """

    id: int
    arrived: float
    rng: np.random.Generator
    target_group: str
    acute: bool
    home_visit: bool
    screened_out: bool
    refused: bool
    need_months: float
    stage: str = "new"
    caseworker: "Desk | None" = None
    payment_officer: "Desk | None" = None
    closed_by: str = ""
    misrouted: bool = False
    payments: dict[int, int] = field(default_factory=dict)  # model year -> payments
    monthly_sek: float = 0.0  # assistance paid each month it is paid (its own draw, Population.monthly_sek)
    handover_at: float = -math.inf  # its last change of caseworker (the need clock, sim/model/need_clock.py)
    late_paid_at: float = -math.inf  # its last late payment


class Desk:
    """A staff seat or pool of seats of one role, with one priority queue.

    An individual (a long-term caseworker, a payment officer) is a desk with one seat; a
    pooled role (reception, cash office, deputy managers) is a desk whose seats share the
    queue. ``fte`` is per seat: part-time shows as daily off-duty time.
    """

    __slots__ = ("name", "role", "seats", "fte", "groups", "resource", "caseload", "overhead", "reserve",
                 "self_pays", "people", "away", "hired", "learning_until", "experience", "busy")

    def __init__(self, env: simpy.Environment, name: str, role: str, seats: int, fte: float,
                 groups: tuple[str, ...], overhead: dict[str, float]):
        self.name = name
        self.role = role
        self.seats = seats
        self.fte = fte
        self.groups = groups
        self.resource = DeskQueue(env, capacity=seats)
        self.caseload = 0
        self.overhead = overhead  # activity -> share of paid time
        self.reserve = 0  # seats held back for reinforcement (off duty until called in)
        self.self_pays = False  # a caseworker who pays households herself when the officer is slow
        # the persons behind the seats: an individual desk is its one person, a pool has role_01, role_02...
        self.people = (name,) if seats == 1 else tuple(f"{name}_{i + 1:02d}" for i in range(seats))
        self.away: set[str] = set()  # persons on leave or posts vacant (sim/model/processes/staff/workforce.py)
        self.hired: dict[str, float] = {}  # person -> when a newcomer started (they learn)
        self.learning_until = -math.inf  # the last newcomer here is at full speed from then (hot-path check)
        self.experience: dict[str, float] = {}  # person -> years in the job when the run starts
        self.busy = 0.0  # task hours worked at this desk (the per-person breakdown)

    def __repr__(self) -> str:
        """Show the desk's name, seats and FTE."""
        return f"Desk({self.name}, seats={self.seats}, fte={self.fte:.3f})"
