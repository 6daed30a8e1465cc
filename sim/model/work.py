"""The task service: every piece of staff work goes through :meth:`TaskService.work` or :meth:`TaskService.start`.

A task queues at a desk with its kind's priority, holds a seat for its duration (drawn from the
task's own stream, scaled for a specialist or a newcomer), is booked to its activity in the hour
ledger and, with ``event_log``, written to the event log. Processes never touch a desk's queue
for case work themselves. ``work`` is for a process that waits for the task and goes on from it;
``start`` for a task nothing waits for (a callback, no process: half the events of a monthly cycle).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Generator

from sim.config.schema import Config
from sim.config.vocabulary import (
    ACTIVITY_OF,
    DURATION_OF_TASK,
    LONG_TERM_TASKS,
    PRIORITY_CLASS,
    REDUCTIONS,
    SAME_DURATION_AS,
    VARIANT_DURATIONS,
)
from sim.model import units
from sim.model.distributions import sampler
from sim.model.entities import Desk, Household
from sim.model.policy import Policy
from sim.model.recorder import Recorder
from sim.model.rng import Streams
from sim.model.timeuse import TimeLedger

if TYPE_CHECKING:
    import simpy

# Scheduled meetings and off-duty time go before any case task; the absence of a person (the
# workforce) before that. Priorities are queue ranks: lower goes first.
OVERHEAD_PRIORITY = -1
AWAY_PRIORITY = -2


class TaskService:
    """Queue, duration, ledger and event log of every task of one run."""

    def __init__(self, env: "simpy.Environment", cfg: Config, streams: Streams, ledger: TimeLedger,
                 rec: Recorder, policy: Policy):
        self.env, self.streams, self.ledger, self.rec = env, streams, ledger, rec
        order = list(cfg.process.priorities)
        self.priority = {task: order.index(task) for task in order}
        for task, cls in PRIORITY_CLASS.items():
            self.priority[task] = self.priority[cls]
        # Clerical work the administrators could not take is still the caseworker's duty: it goes
        # in like the rest of the day's overhead, not behind every case task.
        self.priority["clerical_fallback"] = OVERHEAD_PRIORITY
        self.activity = dict(ACTIVITY_OF)
        if cfg.org.kind in REDUCTIONS:  # a customer's priority class k is its task "class_k" (0 goes first)
            for k in range(max(1, len(cfg.org.priority_classes))):
                self.priority[f"class_{k}"] = k
                self.activity[f"class_{k}"] = "service"
        self.speed = policy.specialist_speed
        self.learn_hours = cfg.workforce.learning_weeks * units.WEEK
        self.initial_speed = cfg.workforce.initial_speed
        self.finish_same_day = frozenset(cfg.process.finish_same_day)
        self.overtime_hours = 0.0  # inside the measurement window
        self.served = 0  # tasks and daily blocks that held a seat to their end (the benchmark's unit of work)
        durations = {**{name: getattr(cfg.process, name) for name in DURATION_OF_TASK.values()},
                     **cfg.org.durations}
        self.duration = {task: sampler(durations[name], streams[f"duration.{task}"])
                         for task, name in DURATION_OF_TASK.items()}
        variant = {"specialisation": policy.specialisation, "payment": policy.payment,
                   "reception": policy.reception, "decision_review": cfg.variant.decision_review}
        for task, (part, name) in VARIANT_DURATIONS.items():
            self.duration[task] = sampler(getattr(variant[part], name), streams[f"duration.{task}"])
        for task, same in SAME_DURATION_AS.items():
            self.duration[task] = self.duration[same]

    def work(self, desk: Desk, task: str, hh: Household | None = None,
             hours: float | None = None, deadline: float | None = None, act_at_deadline: bool = True,
             started: Callable[[float], None] | None = None) -> Generator:
        """Queue at ``desk`` with the task's priority, then hold it for the task's duration.

        Returns the start time, or ``None`` if ``deadline`` passed before the task could start:
        the task was squeezed out. With ``act_at_deadline`` the caller learns it *at* the deadline
        (someone acts then: the caseworker who pays herself); without, the request stays in the
        queue and is dropped, taking no time, when its turn comes — for tasks whose lateness is
        only recorded (monthly follow-ups), which saves a timer event per task. ``started`` is called
        with the start time as the task starts (a wait is recorded then, even if the run ends first).
        """
        env = self.env
        queue = desk.resource
        holder = queue.seize()  # a free seat and nobody waiting: no request event (sim/model/desk_queue.py)
        if holder is None:
            holder = queue.wait(self.priority[task])
            if deadline is None or not act_at_deadline:
                yield holder
                if deadline is not None and env.now > deadline:
                    queue.free(holder)
                    return None
            else:
                timer = env.timeout(max(0.0, deadline - env.now))
                yield holder | timer
                if not holder.triggered:
                    holder.cancel()
                    return None
        start = env.now
        if started is not None:
            started(start)
        hours = self._hours(desk, task, hours, start)
        yield env.timeout(hours)
        queue.release_after(holder)  # the process may go straight on at this desk (sim/model/desk_queue.py)
        self._done(desk, task, hh, start, hours)
        return start

    def start(self, desk: Desk, task: str, hh: Household | None = None, hours: float | None = None,
              deadline: float | None = None, started: Callable[[float], None] | None = None,
              missed: Callable[[], None] | None = None, done: Callable[[], None] | None = None) -> None:
        """Do a task that nobody waits for, like :meth:`work` but without a process of its own.

        Every month brings each long-term household a phone call and a follow-up that nothing waits for;
        as processes they cost two events each (start and end) on top of the task's own. Here the grant
        and the end are callbacks. With ``deadline`` the task is dropped, taking no time, if its turn
        comes after it (like ``work(..., act_at_deadline=False)``); with ``missed`` as well, someone acts at
        the deadline instead: the request is withdrawn then and ``missed`` called (like ``work``'s default).
        ``done`` is called as the task ends.
        """
        queue = desk.resource
        holder = queue.seize()
        if holder is not None:
            self._begin(desk, task, hh, hours, holder, started, done)
            return
        req = queue.wait(self.priority[task])

        def granted(_event) -> None:
            if deadline is not None and missed is None and self.env.now > deadline:
                queue.free(req)
                return
            self._begin(desk, task, hh, hours, req, started, done)

        req.callbacks.append(granted)
        if deadline is not None and missed is not None:
            def at_deadline(_event) -> None:
                if not req.triggered:  # still waiting at the deadline
                    req.cancel()
                    missed()

            self.env.timeout(max(0.0, deadline - self.env.now)).callbacks.append(at_deadline)

    def _begin(self, desk: Desk, task: str, hh: Household | None, hours: float | None, holder,
               started: Callable[[float], None] | None, done: Callable[[], None] | None) -> None:
        start = self.env.now
        if started is not None:
            started(start)
        hours = self._hours(desk, task, hours, start)

        def end(_event) -> None:
            desk.resource.free(holder)
            self._done(desk, task, hh, start, hours)
            if done is not None:
                done()

        self.env.timeout(hours).callbacks.append(end)

    def _hours(self, desk: Desk, task: str, hours: float | None, start: float) -> float:
        """The task's hours as it starts: drawn (unless given), scaled for the performer, cut at 16:00 if it must."""
        if hours is None:
            hours = self.duration[task]()
            if self.speed != 1.0 and desk.role == "long_term" and task in LONG_TERM_TASKS:
                hours *= self.speed
        if desk.learning_until > start:  # a newcomer at this desk (processes/staff/workforce.py)
            hours /= self.performer_speed(desk, start)
        desk.busy += hours
        if task in self.finish_same_day:  # past 16:00 the rest is overtime, not tomorrow's time
            day_end = (start // units.HOURS_PER_DAY + 1) * units.HOURS_PER_DAY
            if start + hours > day_end:
                self.overtime_hours += self.ledger.window(day_end, start + hours)
                hours = day_end - start
        return hours

    def _done(self, desk: Desk, task: str, hh: Household | None, start: float, hours: float) -> None:
        """The task has ended (its seat given back): its hours booked (and logged)."""
        self.served += 1
        self.ledger.book(desk.role, self.activity[task], start, start + hours)
        if hh is not None and self.rec.events is not None:
            self.rec.event(hh.id, task, desk.role, desk.name, start, start + hours)

    def speed_of(self, hired: float, t: float) -> float:
        """Return a newcomer's speed: ``workforce.initial_speed`` on the first day, 1 after the learning weeks."""
        start = self.initial_speed
        return start + (1.0 - start) * min(1.0, (t - hired) / self.learn_hours)

    def performer_speed(self, desk: Desk, t: float) -> float:
        """Return the speed of whoever does this task.

        That is the desk's person, or in a pool one of the persons at work, drawn at random — a
        newcomer takes an equal share of the pool's tasks.
        """
        learning = [p for p, h in desk.hired.items() if t - h < self.learn_hours and p not in desk.away]
        if not learning:
            return 1.0
        if desk.seats == 1:
            return self.speed_of(desk.hired[learning[0]], t)
        at_work = desk.seats - desk.reserve - len(desk.away)
        k = int(self.streams[f"performer.{desk.name}"].random() * max(1, at_work))
        return self.speed_of(desk.hired[learning[k]], t) if k < len(learning) else 1.0

    def learning(self, desk: Desk) -> bool:
        """Return whether a newcomer at ``desk`` is still learning."""
        return desk.learning_until > self.env.now
