"""Append-only records of one run. No aggregation beyond counting here (see ``metrics``)."""

from __future__ import annotations

from collections import Counter

STAGES = ("reception", "referral", "long_term", "dormant")
EVENT_COLUMNS = ("household", "activity", "role", "resource", "start", "end")


class Recorder:
    """What happened, as flat lists of (time, value) and per-stage counters."""

    def __init__(self, event_log: bool):
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

    def enter(self, stage: str) -> None:
        self.entered[stage] += 1

    def leave(self, stage: str) -> None:
        self.left[stage] += 1

    def in_stage(self, stage: str) -> int:
        return self.entered[stage] - self.left[stage]

    def event(self, household: int, activity: str, role: str, resource: str, start: float, end: float) -> None:
        if self.events is not None:
            self.events.append((household, activity, role, resource, start, end))
