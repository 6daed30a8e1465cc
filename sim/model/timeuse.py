"""The hour ledger: every staff hour booked to an activity, so time shares add up to 100 %.

The table the overhead comes from is the study's (:mod:`sim.config.ramboll`); here the hours
the run actually spends are counted, clipped to the measurement window.
"""

from __future__ import annotations

from sim.config.ramboll import CASEWORKER_ACTIVITIES, IDLE, ROLE_ACTIVITIES


class TimeLedger:
    """Accumulates staff hours per (role, activity) inside the measurement window.

    Every interval a staff seat spends is booked here, clipped to ``[start, end)``; whatever
    is not booked is idle. That makes the shares add up to exactly 100 % of paid time.
    """

    __slots__ = ("start", "end", "hours")

    def __init__(self, start: float, end: float):
        self.start = start
        self.end = end
        self.hours: dict[tuple[str, str], float] = {}

    def book(self, role: str, activity: str, t0: float, t1: float) -> None:
        """Book an interval of a role's activity, clipped to the window."""
        lo = t0 if t0 > self.start else self.start
        hi = t1 if t1 < self.end else self.end
        if hi > lo:
            key = (role, activity)
            self.hours[key] = self.hours.get(key, 0.0) + (hi - lo)

    def shares(self, seats_by_role: dict[str, int]) -> dict[str, dict[str, float]]:
        """Time share per role and activity, of paid hours (seat hours minus off-duty)."""
        window = self.end - self.start
        out: dict[str, dict[str, float]] = {}
        for role, seats in seats_by_role.items():
            booked = dict.fromkeys(ROLE_ACTIVITIES.get(role, CASEWORKER_ACTIVITIES), 0.0)
            booked.update({a: h for (r, a), h in self.hours.items() if r == role})
            off = booked.pop("off_duty", 0.0)
            paid = seats * window - off
            if paid <= 0:
                continue
            busy = sum(booked.values())
            row = {a: h / paid for a, h in sorted(booked.items())}
            row[IDLE] = max(0.0, paid - busy) / paid
            out[role] = row
        return out

    def window(self, t0: float, t1: float) -> float:
        """Hours of [t0, t1) inside the measurement window."""
        return max(0.0, min(t1, self.end) - max(t0, self.start))
