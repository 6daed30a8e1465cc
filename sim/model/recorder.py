"""Append-only records of one run: what happened, when.

No aggregation beyond counting here (figures are made from these in :mod:`sim.analysis.metrics`).
Records are compact so that memory stays flat over a long horizon (issue 15): times and waits
live in ``array('d')`` columns (8 bytes a number instead of a tuple of Python floats), and a record
that the outputs read only after the warm-up (payments, follow-ups, households paid per year)
keeps only that part, reduced to what is read of it.
"""

from __future__ import annotations

from array import array
from collections import Counter
from typing import TYPE_CHECKING, Callable, Iterator

import numpy as np

from sim.config.vocabulary import STAGES
from sim.model import units

if TYPE_CHECKING:
    import simpy

    from sim.model.entities import Household

EVENT_COLUMNS = ("household", "activity", "role", "resource", "start", "end")
# What the processes count (after the warm-up): the variants' and the workforce's events.
TALLIES = ("handovers", "self_payments", "late_payments", "debts", "evictions", "clerical_tasks",
           "clerical_fallbacks", "misrouted_contacts", "leavers", "hires", "reassigned")


class Times(array):
    """Times of one kind of event, 8 bytes each: an ``array('d')`` (make it with ``Times("d")``) that also
    compares equal to a list of the same times, as the plain list it replaces did."""

    __hash__ = None  # type: ignore[assignment]  # mutable, like a list

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (list, tuple)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other))
        return super().__eq__(other)

    def __ne__(self, other: object) -> bool:
        return not self == other


class Pairs:
    """(time, value) records as two ``array('d')`` columns: 16 bytes a record instead of a tuple's ~100.

    Appended and read like the list of tuples it replaces: ``append((t, v))``, ``len``, iteration,
    indexing and slicing give ``(t, v)`` tuples of the same floats. With ``since``, a record timed
    before it is not kept (the warm-up's, when nothing reads them).
    """

    __slots__ = ("times", "values", "since")

    def __init__(self, since: float = -np.inf):
        self.times, self.values, self.since = array("d"), array("d"), since

    def append(self, pair: tuple[float, float]) -> None:
        """Record ``(time, value)``."""
        t, v = pair
        if t >= self.since:
            self.times.append(t)
            self.values.append(v)

    def __len__(self) -> int:
        return len(self.times)

    def __iter__(self) -> Iterator[tuple[float, float]]:
        return zip(self.times, self.values)

    def __getitem__(self, k: int | slice):
        if isinstance(k, slice):
            return list(zip(self.times[k], self.values[k]))
        return self.times[k], self.values[k]

    def columns(self) -> tuple[np.ndarray, np.ndarray]:
        """Times and values as float64 arrays (copies)."""
        return np.array(self.times, dtype=np.float64), np.array(self.values, dtype=np.float64)

    def values_from(self, t0: float) -> np.ndarray:
        """The values of the records timed at or after ``t0``, in order (a float64 array)."""
        values = np.array(self.values, dtype=np.float64)
        if t0 <= self.since:  # every record kept qualifies: no copy of the times
            return values
        return values[np.array(self.times, dtype=np.float64) >= t0]


# Pending follow-ups are swept (the started ones reduced to their lateness) when their number has doubled.
SWEEP_MIN = 1024


class Followups:
    """The monthly follow-ups due inside the measured window, as the outputs read them.

    The follow-up appends ``[due, None]`` when it falls due and sets the second item to the start time
    as the task starts (``None`` if it was squeezed out). A follow-up due before the
    warm-up ends, or less than a month before the horizon (whose month is not over), is not kept. A
    kept one is held as its list until it has a start time, then reduced to its lateness
    (start − due, 8 bytes): one without a start by the end counts as due and not done, whether still
    queued or squeezed out, so those two stay lists (a few dozen at most in an ordinary run).
    """

    __slots__ = ("warmup", "end", "late", "_waiting", "_sweep_at")

    def __init__(self, warmup: float, end: float):
        self.warmup, self.end = warmup, end
        self.late = array("d")  # start - due of each kept follow-up that was done
        self._waiting: list[list] = []  # kept follow-ups without a start time (yet)
        self._sweep_at = SWEEP_MIN

    def append(self, record: list) -> None:
        """Keep ``record`` (``[due, started]``, the second item set later) if it is due inside the window."""
        due = record[0]
        if due < self.warmup or due + units.MONTH > self.end:
            return
        self._waiting.append(record)
        if len(self._waiting) >= self._sweep_at:
            self._sweep()

    def _sweep(self) -> None:
        """Reduce every follow-up that has its start time to its lateness (set once, it never changes)."""
        waiting = []
        for record in self._waiting:
            if record[1] is None:
                waiting.append(record)
            else:
                self.late.append(record[1] - record[0])
        self._waiting = waiting
        self._sweep_at = 2 * len(waiting) + SWEEP_MIN

    def __len__(self) -> int:
        return len(self.late) + len(self._waiting)

    def outcomes(self) -> tuple[int, np.ndarray]:
        """The number of follow-ups due in the window, and the lateness (start − due) of those done."""
        self._sweep()
        return len(self), np.array(self.late, dtype=np.float64)


class Recorder:
    """What happened, as compact columns of (time, value), per-stage counters and tallies."""

    def __init__(self, env: "simpy.Environment", warmup: float, end: float, event_log: bool):
        self.env, self.warmup, self.end = env, warmup, end
        self.arrivals = Times("d")  # arrival times of new households
        self.exits = Times("d")  # times households left for good
        self.on_exit: Callable[["Household"], None] | None = None  # told of each exit (Population forgets it)
        self.entered: Counter[str] = Counter()
        self.left: Counter[str] = Counter()
        self.first_visit_waits = Pairs()  # (visit start, wait hours); the weekly series read the warm-up's too
        self.acute_decisions = Pairs()  # (decision time, hours since arrival)
        self.reception_decisions = Pairs()  # (decision, hours since first visit)
        self.payments = Pairs(since=warmup)  # (paid at, hours since application), after the warm-up
        self.followups = Followups(warmup, end)  # [due, started or None if squeezed out (or still queued)]
        self.referral_waits = Pairs()  # (assigned, hours since decision)
        self.weekly: list[dict[str, float]] = []
        self.away: list[tuple[str, str, float, float]] = []  # (desk, why, from, to): absences and vacancies
        self.leavers: list[tuple[float, str, int, int]] = []  # (when, desk, households moved, left behind)
        self.events: list[tuple] | None = [] if event_log else None
        # validation reductions: (station, priority class, service start, wait) of each start after the warm-up
        self.queue_waits: list[tuple[int, int, float, float]] = []
        self.count = dict.fromkeys(TALLIES, 0)
        # Full model years inside the measured window: year -> each household's payments that year, in the
        # order of its first payment (the year still running as a dict, closed years as arrays).
        self.paid_years: dict[int, array] = {}
        self._paying_year: int | None = None
        self._paying: dict[int, int] = {}  # household -> payments in the year still running
        self.assistance_sek: Counter[str] = Counter()  # assistance paid after the warm-up, by target group
        # issue 17, results by target group: (figure, group) -> (t, value), as the whole office's Pairs above
        self.grouped: dict[tuple[str, str], Pairs] = {}
        self.group_followups: dict[str, Followups] = {}  # each group's follow-ups, the same records as followups'
        self.in_group: Counter[tuple[str, str]] = Counter()  # (stage, group) -> households there now
        self.paid_groups: dict[int, list[str]] = {}  # full measured years: each paid household's group, as paid_years
        self._paying_group: dict[int, str] = {}

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
            self.in_group[(hh.stage, hh.target_group)] -= 1
        if stage in STAGES:
            self.in_group[(stage, hh.target_group)] += 1
        hh.stage = stage
        if stage == "exited":
            self.exits.append(self.env.now)
            if self.on_exit is not None:
                self.on_exit(hh)
        else:
            self.enter(stage)

    def by_group(self, figure: str, hh: "Household", pair: tuple[float, float]) -> None:
        """Record ``pair`` (time, value) of ``figure`` for the household's target group too."""
        key = (figure, hh.target_group)
        pairs = self.grouped.get(key)
        if pairs is None:
            pairs = self.grouped[key] = Pairs()
        pairs.append(pair)

    def followup(self, hh: "Household", record: list) -> None:
        """A follow-up falling due (``[due, started]``), for the office and the household's group."""
        self.followups.append(record)
        group = self.group_followups.get(hh.target_group)
        if group is None:
            group = self.group_followups[hh.target_group] = Followups(self.warmup, self.end)
        group.append(record)

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
        if now >= self.warmup:
            self.assistance_sek[hh.target_group] += hh.monthly_sek
        if now >= self.warmup and year * units.YEAR >= self.warmup and (year + 1) * units.YEAR <= self.end:
            if year != self._paying_year:  # the clock only goes forward: the last year's counts are final
                self._close_year()
                self._paying_year = year
            self._paying[hh.id] = hh.payments[year]
            self._paying_group[hh.id] = hh.target_group

    def _close_year(self) -> None:
        if self._paying:
            self.paid_years[self._paying_year] = array("q", self._paying.values())
            self.paid_groups[self._paying_year] = list(self._paying_group.values())
        self._paying = {}
        self._paying_group = {}

    def payments_per_household(self) -> list[np.ndarray]:
        """Each full measured model year's payments per household paid that year (int64), year by year."""
        years = [np.array(counts, dtype=np.int64) for counts in self.paid_years.values()]
        if self._paying:
            years.append(np.array(list(self._paying.values()), dtype=np.int64))
        return years

    def groups_per_household(self) -> list[np.ndarray]:
        """The target group of each household of :meth:`payments_per_household`, in the same order."""
        years = [np.array(groups, dtype=object) for groups in self.paid_groups.values()]
        if self._paying:
            years.append(np.array(list(self._paying_group.values()), dtype=object))
        return years

    def event(self, household: int, activity: str, role: str, resource: str, start: float, end: float) -> None:
        """Log one task interval, if the run keeps an event log."""
        if self.events is not None:
            self.events.append((household, activity, role, resource, start, end))
