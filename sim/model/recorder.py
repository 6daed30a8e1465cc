"""Append-only records of one run: what happened, when.

No aggregation beyond counting here (figures are made from these in :mod:`sim.analysis.metrics`).
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from sim.config.vocabulary import STAGES
from sim.model import units

if TYPE_CHECKING:
    import simpy

    from sim.model.entities import Household

EVENT_COLUMNS = ("household", "activity", "role", "resource", "start", "end")
# What the processes count (after the warm-up): the variants' and the workforce's events.
TALLIES = ("handovers", "self_payments", "late_payments", "debts", "evictions", "clerical_tasks",
           "clerical_fallbacks", "misrouted_contacts", "leavers", "hires", "reassigned")


class Recorder:
    """What happened, as flat lists of (time, value), per-stage counters and tallies."""

    def __init__(self, env: "simpy.Environment", warmup: float, end: float, event_log: bool):
        self.env, self.warmup, self.end = env, warmup, end
        self.arrivals: list[float] = []  # arrival times of new households
        self.exits: list[float] = []  # times households left for good
        self.entered: Counter[str] = Counter()
        self.left: Counter[str] = Counter()
        self.first_visit_waits: list[tuple[float, float]] = []  # (visit start, wait hours)
        self.acute_decisions: list[tuple[float, float]] = []  # (decision time, hours since arrival)
        self.reception_decisions: list[tuple[float, float]] = []  # (decision, hours since first visit)
        self.payments: list[tuple[float, float]] = []  # (paid at, hours since application)
        self.followups: list[list] = []  # [due, started or None if squeezed out (or still queued)]
        self.referral_waits: list[tuple[float, float]] = []  # (assigned, hours since decision)
        self.weekly: list[dict[str, float]] = []
        self.away: list[tuple[str, str, float, float]] = []  # (desk, why, from, to): absences and vacancies
        self.leavers: list[tuple[float, str, int, int]] = []  # (when, desk, households moved, left behind)
        self.events: list[tuple] | None = [] if event_log else None
        # validation reductions: (station, priority class, service start, wait) of each start after the warm-up
        self.queue_waits: list[tuple[int, int, float, float]] = []
        self.count = dict.fromkeys(TALLIES, 0)
        # model year -> household -> payments, for full years inside the measured window
        self.paid_years: dict[int, dict[int, int]] = {}

    def enter(self, stage: str) -> None:
        """Count a household entering ``stage``."""
        self.entered[stage] += 1

    def leave(self, stage: str) -> None:
        """Count a household leaving ``stage``."""
        self.left[stage] += 1

    def in_stage(self, stage: str) -> int:
        """Return the number of households currently in ``stage``."""
        return self.entered[stage] - self.left[stage]

    def move(self, hh: "Household", stage: str) -> None:
        """Move a household between stages; ``exited`` leaves the system for good."""
        if hh.stage in STAGES:
            self.leave(hh.stage)
        hh.stage = stage
        if stage == "exited":
            self.exits.append(self.env.now)
        else:
            self.enter(stage)

    def tally(self, name: str) -> None:
        """Count an occurrence of ``name`` if it happens after the warm-up."""
        if self.env.now >= self.warmup:
            self.count[name] += 1

    def payment(self, hh: "Household", applied: float) -> None:
        """Record a payment made now for an application made at ``applied``."""
        now = self.env.now
        year = int(now // units.YEAR)
        hh.payments[year] = hh.payments.get(year, 0) + 1
        self.payments.append((now, now - applied))
        if now >= self.warmup and year * units.YEAR >= self.warmup and (year + 1) * units.YEAR <= self.end:
            self.paid_years.setdefault(year, {})[hh.id] = hh.payments[year]

    def event(self, household: int, activity: str, role: str, resource: str, start: float, end: float) -> None:
        """Log one task interval, if the run keeps an event log."""
        if self.events is not None:
            self.events.append((household, activity, role, resource, start, end))
