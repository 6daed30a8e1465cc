"""Build a run from a validated config and execute it. Knows no Hydra, pandas or plots.

A :class:`Run` owns the SimPy environment, the random streams, the staff desks, the time
ledger and the recorder; the processes in :mod:`sim.processes` are generator functions that
take the run and a household.
"""

from __future__ import annotations

import math
from typing import Generator

import numpy as np
import simpy

from sim import units
from sim.config import TARGET_GROUPS, Config
from sim.distributions import sampler
from sim.entities import Desk, Household
from sim.recorder import Recorder
from sim.rng import Streams
from sim.staff import Staff
from sim.timeuse import TimeLedger
from sim.variants import resolve

# Ramböll activity (or a role's own activity) that each task's time is booked to.
ACTIVITY_OF = {
    "appeal": "investigation_decision", "acute": "on_call", "decision": "investigation_decision",
    "referral_review": "referral_review", "payment": "payment_check", "reception_payment": "invoice_fees",
    "pre_assessment": "phone", "home_visit": "client_meetings", "first_visit": "client_meetings",
    "first_meeting": "client_meetings", "work_plan": "investigation_decision", "closure": "investigation_decision",
    "caseload_review": "followup", "plan_rewrite": "reassessment", "followup": "followup",
    "followup_meeting": "client_meetings", "cash_check": "cash_control",
    # variants (issue 3): activities of their own so a manager sees what the variant costs
    "handover": "handover", "payment_approval": "invoice_fees", "self_payment": "self_payment",
    "debt_work": "debt_work", "clerical": "clerical", "clerical_fallback": "clerical_fallback",
    "misrouted": "misrouted_contacts", "scan": "scanning", "mentoring": "mentoring",
}
# New task kinds share the priority of an existing class, so process.priorities stays one list.
PRIORITY_CLASS = {
    "work_plan": "first_meeting", "followup_meeting": "followup", "cash_check": "payment",
    "handover": "first_meeting", "payment_approval": "payment", "self_payment": "payment",
    "debt_work": "appeal", "clerical": "followup",
    "misrouted": "pre_assessment", "scan": "pre_assessment", "mentoring": "caseload_review",
}
LONG_TERM_TASKS = frozenset({"first_meeting", "work_plan", "followup", "followup_meeting", "plan_rewrite",
                             "appeal", "closure", "handover", "caseload_review"})
OVERHEAD_PRIORITY = -1  # scheduled meetings and off-duty time go before any case task


class Run:
    """One replication: environment, streams, staff, ledger and recorder."""

    def __init__(self, cfg: Config):
        self.cfg = cfg
        self.env = simpy.Environment()
        self.streams = Streams(cfg.seed)
        self.warmup = cfg.warmup_weeks * units.WEEK
        self.end = cfg.horizon_weeks * units.WEEK
        self.ledger = TimeLedger(self.warmup, self.end)
        self.rec = Recorder(cfg.event_log)
        self.policy = resolve(cfg)
        self.staff = Staff(self.env, cfg, self.policy)
        order = list(cfg.process.priorities)
        self.priority = {task: order.index(task) for task in order}
        for task, cls in PRIORITY_CLASS.items():
            self.priority[task] = self.priority[cls]
        # Clerical work the administrators could not take is still the caseworker's duty: it goes
        # in like the rest of the day's overhead, not behind every case task.
        self.priority["clerical_fallback"] = OVERHEAD_PRIORITY
        v = cfg.variant
        self.speed = v.specialisation.specialist_speed if self.policy.specialised else 1.0
        # Which caseworkers take the self-payment shortcut: a fixed draw per run (004 HV: "about half")
        chooser = self.streams["self_payers"]
        for desk in self.staff.long_term:
            desk.self_pays = bool(chooser.random() < v.payment.self_pay_share)
        self.count = {k: 0 for k in ("handovers", "self_payments", "late_payments", "debts", "evictions",
                                     "clerical_tasks", "clerical_fallbacks", "misrouted_contacts", "leavers",
                                     "hires", "reassigned")}
        self.households: list[Household] = []  # every household created (a leaver's cases are found here)
        self.substitute_hours = 0.0  # substitutes' hours inside the measurement window
        self.learn_hours = cfg.workforce.learning_weeks * units.WEEK
        self.finish_same_day = frozenset(cfg.process.finish_same_day)
        self.overtime_hours = 0.0  # inside the measurement window
        self.overflow: list[tuple[Household, simpy.Event]] = []  # referrals waiting under a caseload cap
        self.reinforcement_active = False
        self.reinforcement_hours = 0.0  # reinforcement seat-hours on duty inside the window
        proc = cfg.process
        self.duration = {
            task: sampler(cfg.org.durations.get(name, getattr(proc, name)), self.streams[f"duration.{task}"])
            for task, name in [
                ("pre_assessment", "pre_assessment"), ("acute", "acute_decision"),
                ("home_visit", "home_visit"), ("first_visit", "first_visit"), ("decision", "analysis"),
                ("reception_payment", "reception_payment"), ("appeal", "appeal"),
                ("referral_review", "referral_review"), ("first_meeting", "first_meeting"),
                ("work_plan", "work_plan"), ("followup", "followup_check"),
                ("followup_meeting", "followup_meeting"), ("plan_rewrite", "plan_rewrite"),
                ("payment", "payment_check"), ("cash_check", "cash_check"), ("closure", "closure"),
            ]
        }
        extra = {"handover": v.specialisation.handover, "payment_approval": v.payment.approval,
                 "debt_work": v.payment.debt_work, "scan": v.reception.scan}
        for task, dist in extra.items():
            self.duration[task] = sampler(dist, self.streams[f"duration.{task}"])
        self.duration["self_payment"] = self.duration["payment"]
        self.duration["misrouted"] = self.duration["pre_assessment"]
        hh = cfg.org.households
        self._need = hh.need_months
        self._return_gap = hh.return_gap_months
        self._groups = [g for g in TARGET_GROUPS]
        self._group_p = np.array([hh.target_groups.get(g, 0.0) for g in self._groups])
        self.next_id = 0
        # model year -> household -> payments, for full years inside the measured window
        self.paid_years: dict[int, dict[int, int]] = {}

    # --- households -----------------------------------------------------------------
    def new_household(self) -> Household:
        """A new household with attributes drawn from its own stream (same in every variant)."""
        self.next_id += 1
        rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence([self.cfg.seed, 7, self.next_id])))
        hh_cfg = self.cfg.org.households
        u = rng.random(6)
        household = Household(
            id=self.next_id, arrived=self.env.now, rng=rng,
            target_group=self._groups[int(np.searchsorted(np.cumsum(self._group_p), u[0] * self._group_p.sum(), side="right"))],
            acute=bool(u[1] < hh_cfg.acute_share),
            home_visit=bool(u[2] < hh_cfg.home_visit_share),
            screened_out=bool(u[3] < hh_cfg.screened_out_share),
            refused=bool(u[4] < hh_cfg.refusal_share),
            misrouted=bool(u[5] < self.policy.misrouted_share),
            need_months=self.draw_need(rng),
        )
        self.rec.arrivals.append(self.env.now)
        self.households.append(household)
        return household

    def draw_need(self, rng: np.random.Generator) -> float:
        """Months of assistance this episode will need."""
        return sampler(self._need, rng)()

    def draw_return_gap(self, rng: np.random.Generator) -> float:
        return sampler(self._return_gap, rng)() * units.MONTH

    def move(self, hh: Household, stage: str) -> None:
        """Move a household between stages; ``exited`` leaves the system for good."""
        if hh.stage in ("reception", "referral", "long_term", "dormant"):
            self.rec.leave(hh.stage)
        hh.stage = stage
        if stage == "exited":
            self.rec.exits.append(self.env.now)
        else:
            self.rec.enter(stage)

    def record_payment(self, hh: Household, applied: float) -> None:
        now = self.env.now
        year = int(now // units.YEAR)
        hh.payments[year] = hh.payments.get(year, 0) + 1
        self.rec.payments.append((now, now - applied))
        if now >= self.warmup and year * units.YEAR >= self.warmup and (year + 1) * units.YEAR <= self.end:
            self.paid_years.setdefault(year, {})[hh.id] = hh.payments[year]

    # --- work -----------------------------------------------------------------------
    def work(self, desk: Desk, task: str, hh: Household | None = None,
             hours: float | None = None, deadline: float | None = None, act_at_deadline: bool = True) -> Generator:
        """Queue at ``desk`` with the task's priority, then hold it for the task's duration.

        Returns the start time, or ``None`` if ``deadline`` passed before the task could start:
        the task was squeezed out. With ``act_at_deadline`` the caller learns it *at* the deadline
        (someone acts then: the caseworker who pays herself); without, the request stays in the
        queue and is dropped, taking no time, when its turn comes — for tasks whose lateness is
        only recorded (monthly follow-ups), which saves a timer event per task.
        """
        env = self.env
        with desk.resource.request(priority=self.priority[task]) as req:
            if deadline is None or not act_at_deadline:
                yield req
                if deadline is not None and env.now > deadline:
                    return None
            else:
                timer = env.timeout(max(0.0, deadline - env.now))
                yield req | timer
                if not req.triggered:
                    return None
            start = env.now
            if hours is None:
                hours = self.duration[task]()
                if self.speed != 1.0 and desk.role == "long_term" and task in LONG_TERM_TASKS:
                    hours *= self.speed
            if desk.learning_until > start:  # a newcomer at this desk (sim/processes/workforce.py)
                hours /= self.performer_speed(desk, start)
            desk.busy += hours
            if task in self.finish_same_day:  # past 16:00 the rest is overtime, not tomorrow's time
                day_end = (start // units.HOURS_PER_DAY + 1) * units.HOURS_PER_DAY
                if start + hours > day_end:
                    self.overtime_hours += self.ledger_window(day_end, start + hours)
                    hours = day_end - start
            yield env.timeout(hours)
            self.ledger.book(desk.role, ACTIVITY_OF[task], start, start + hours)
            if hh is not None and self.rec.events is not None:
                self.rec.event(hh.id, task, desk.role, desk.name, start, start + hours)
            return start

    def speed_of(self, hired: float, t: float) -> float:
        """A newcomer's speed: ``workforce.initial_speed`` on the first day, 1 after the learning weeks."""
        start = self.cfg.workforce.initial_speed
        return start + (1.0 - start) * min(1.0, (t - hired) / self.learn_hours)

    def performer_speed(self, desk: Desk, t: float) -> float:
        """The speed of whoever does this task: the desk's person, or in a pool one of the persons at
        work, drawn at random — a newcomer takes an equal share of the pool's tasks."""
        learning = [p for p, h in desk.hired.items() if t - h < self.learn_hours and p not in desk.away]
        if not learning:
            return 1.0
        if desk.seats == 1:
            return self.speed_of(desk.hired[learning[0]], t)
        at_work = desk.seats - desk.reserve - len(desk.away)
        k = int(self.streams[f"performer.{desk.name}"].random() * max(1, at_work))
        return self.speed_of(desk.hired[learning[k]], t) if k < len(learning) else 1.0

    def learning(self, desk: Desk) -> bool:
        return desk.learning_until > self.env.now

    def ledger_window(self, t0: float, t1: float) -> float:
        """Hours of [t0, t1) inside the measurement window."""
        return max(0.0, min(t1, self.end) - max(t0, self.warmup))

    def overhead(self, desk: Desk, seat: int) -> Generator:
        """Each seat's daily block of non-case time: off-duty (part-time) plus overhead.

        Seats are staggered over the day so a pool never stops all at once. Where module
        administrators work, the clerical part of a caseworker's overhead is handed to them
        (minus a hand-off) and comes back only if they cannot take it in time.
        """
        from sim.processes import clerical

        env = self.env
        day = units.HOURS_PER_DAY
        off = (1.0 - desk.fte) * day
        own, handed = clerical.split_overhead(self, desk)
        handoff = sum(handed.values()) * self.cfg.variant.module_admins.handoff_share
        block = off + sum(own.values()) + handoff
        if block <= 0:
            return
        yield env.timeout(day * seat / (desk.seats - desk.reserve))
        person = desk.people[seat]
        while True:
            day_start = env.now
            if person in desk.away:  # on leave, or the post is vacant: no day's block (workforce)
                yield env.timeout(day)
                continue
            with desk.resource.request(priority=OVERHEAD_PRIORITY) as req:
                yield req
                t0 = env.now
                if t0 >= day_start + day:  # the person was away all day (workforce): no block to make up
                    continue
                yield env.timeout(block)
            self.ledger.book(desk.role, "off_duty", t0, t0 + off)
            t = t0 + off
            for activity, length in own.items():
                self.ledger.book(desk.role, activity, t, t + length)
                t += length
            if handed:
                self.ledger.book(desk.role, "handoff", t, t + handoff)
                env.process(clerical.hand_over(self, desk, handed))
            wait = day_start + day - env.now
            if wait > 0:
                yield env.timeout(wait)

    def weekly_snapshots(self) -> Generator:
        while True:
            yield self.env.timeout(units.WEEK)
            self.snapshot()

    def snapshot(self) -> None:
        """Weekly state: stock per stage, queues, caseloads."""
        env, staff, rec = self.env, self.staff, self.rec
        lt_fte = staff.fte("long_term")
        po_fte = staff.fte("payment_officer")
        rec_fte = self.cfg.org.reception.caseworkers
        rec.weekly.append({
            "week": env.now / units.WEEK,
            "reception": rec.in_stage("reception"),
            "referral": rec.in_stage("referral"),
            "long_term": rec.in_stage("long_term"),
            "dormant": rec.in_stage("dormant"),
            "first_visit_queue": len(staff.first_visit.resource.queue),
            "referral_queue": len(staff.deputies.resource.queue),
            "reception_caseload_per_caseworker": rec.in_stage("reception") / rec_fte,
            "caseload_per_caseworker": sum(d.caseload for d in staff.long_term) / lt_fte,
            "caseload_per_payment_officer": sum(d.caseload for d in staff.payment_officers) / po_fte,
            "max_caseload_per_caseworker": max(d.caseload / d.fte for d in staff.long_term),
            "overflow": len(self.overflow),
            "reinforcement_active": int(self.reinforcement_active),
        })

    def execute(self) -> "Run":
        from sim.processes import arrivals, followup, reinforcement

        env = self.env
        for desk in self.staff.desks():
            for seat in range(desk.seats - desk.reserve):
                env.process(self.overhead(desk, seat))
        if self.policy.reinforcement:
            desk = self.staff.first_visit
            for seat in range(desk.seats - desk.reserve, desk.seats):
                env.process(reinforcement.reserve_seat(self, desk, seat))
            env.process(reinforcement.monitor(self))
        if self.policy.misrouted_share > 0:
            env.process(arrivals.misrouted_contacts(self))
        for desk in self.staff.long_term:
            env.process(followup.caseload_review(self, desk))
        from sim.processes import workforce

        if workforce.enabled(self.cfg):
            workforce.start(self)
        env.process(arrivals.arrivals(self))
        env.process(self.weekly_snapshots())
        env.run(until=self.end)
        # SimPy stops before events due at the horizon itself: take that week's snapshot here.
        weeks = self.end / units.WEEK
        if abs(weeks - round(weeks)) < 1e-9 and len(self.rec.weekly) < round(weeks):
            self.snapshot()
        return self

    def tally(self, name: str) -> None:
        """Count an occurrence of ``name`` if it happens after the warm-up."""
        if self.env.now >= self.warmup:
            self.count[name] += 1

    # --- assignment -----------------------------------------------------------------
    def assign_long_term(self, hh: Household) -> bool:
        """Give the household a long-term caseworker and payment officer; False if all are at the cap."""
        from sim.staff import least_loaded

        cw = least_loaded(self.staff.long_term, hh, self.policy.caseload_cap)
        if cw is None:
            return False
        hh.caseworker = cw
        hh.payment_officer = least_loaded(self.staff.payment_officers, hh)
        cw.caseload += 1
        hh.payment_officer.caseload += 1
        return True

    def release(self, desk: Desk) -> None:
        """A caseworker's caseload went down: let capped referrals in, oldest first."""
        desk.caseload -= 1
        if self.overflow:
            waiting, self.overflow = self.overflow, []
            for hh, ready in waiting:  # oldest first; a full group does not block another group
                if self.assign_long_term(hh):
                    ready.succeed()
                else:
                    self.overflow.append((hh, ready))



def simulate(cfg: Config) -> "Run":
    """Run one replication of a validated config (``org.kind``: a district, a city, or the M/M/c reduction)."""
    if cfg.org.kind == "mmc":
        from sim.mmc import MMCRun

        return MMCRun(cfg).execute()
    if cfg.org.kind == "city":
        from sim.city import CityRun

        return CityRun(cfg).execute()
    return Run(cfg).execute()


def months_ceil(months: float) -> int:
    """Monthly payments an episode of ``months`` needs (at least one)."""
    return max(1, math.ceil(months - 1e-9))
