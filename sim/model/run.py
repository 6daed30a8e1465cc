"""One replication of one district: the wiring of its services, its state, and its clock.

A :class:`Run` owns the SimPy environment and everything that hangs off it — random streams,
staff desks, the task service, the households, the hour ledger, the recorder, the variant's
policy — builds them from a validated config, starts the processes and runs the clock. The
behaviour lives in those services and in :mod:`sim.model.processes`; processes get the run as
the bundle of services they use (``run.tasks.work``, ``run.staff``, ``run.policy``, ``run.rec``).
Knows no Hydra, pandas or plots.
"""

from __future__ import annotations

import math
from contextvars import ContextVar
from typing import Callable, Generator

import simpy

from sim.config.schema import Config
from sim.config.vocabulary import REDUCTIONS, TARGET_GROUPS
from sim.model import units
from sim.model.decisions import Decisions
from sim.model.need_clock import NeedClock
from sim.model.policy import resolve
from sim.model.population import Population
from sim.model.processes import reductions
from sim.model.processes.household import arrivals, steady_state
from sim.model.processes.household import followup as household_followup
from sim.model.processes.household import reception as household_reception
from sim.model.processes.staff import on_call, overhead, reinforcement, workforce
from sim.model.recorder import Recorder
from sim.model.rng import Streams
from sim.model.staff import Staff
from sim.model.timeuse import TimeLedger
from sim.model.work import TaskService

# Who hears how far a run has got: a callable(run, weeks_done), set (ContextVar.set) by whoever drives a long
# single run (sim/experiments/single_run.py prints progress on stderr). Unset, the clock runs in one go.
PROGRESS: ContextVar[Callable[["Run", float], None] | None] = ContextVar("caseflow_progress", default=None)
PROGRESS_STEPS = 10  # reports per run


class Run:
    """One replication: environment, streams, services and state."""

    def __init__(self, cfg: Config):
        self.cfg = cfg
        self.env = simpy.Environment()
        self.streams = Streams(cfg.seed)
        self.reduction = cfg.org.kind in REDUCTIONS  # a validation reduction: queues only, a clock around the day
        week = units.FULL_WEEK if self.reduction else units.WEEK
        self.warmup = cfg.warmup_weeks * week
        self.end = cfg.horizon_weeks * week
        self.ledger = TimeLedger(self.warmup, self.end)
        self.rec = Recorder(self.env, self.warmup, self.end, cfg.event_log)
        self.policy = resolve(cfg)
        self.staff = Staff(self.env, cfg, self.policy)
        self.tasks = TaskService(self.env, cfg, self.streams, self.ledger, self.rec, self.policy)
        self.population = Population(self.env, cfg, self.streams, self.rec, self.policy)
        self.need_clock = NeedClock(cfg, self.warmup)  # how much need each long-term month uses (issue 17)
        self.decisions = Decisions(cfg, self.staff, self.streams, self.warmup)  # grey-zone decisions (issue 17)
        # Which caseworkers take the self-payment shortcut: a fixed draw per run (004 HV: "about half")
        chooser = self.streams["self_payers"]
        for desk in self.staff.by_role.get("long_term", []):
            desk.self_pays = bool(chooser.random() < self.policy.payment.self_pay_share)
        self.substitute_hours = 0.0  # substitutes' hours inside the measurement window (workforce)
        self.reinforcement_active = False
        self.reinforcement_hours = 0.0  # reinforcement seat-hours on duty inside the window

    def execute(self) -> "Run":
        """Start every process and run the clock to the horizon."""
        env = self.env
        if self.reduction:  # customers at the stations, nothing else
            env.process(reductions.arrivals(self))
            self.run_clock()
            return self
        for desk in self.staff.desks():
            for seat in range(desk.seats - desk.reserve):
                env.process(overhead.daily_overhead(self, desk, seat))
        if self.policy.reinforcement:
            desk = self.staff.first_visit
            for seat in range(desk.seats - desk.reserve, desk.seats):
                env.process(reinforcement.reserve_seat(self, desk, seat))
            env.process(reinforcement.monitor(self))
        if self.policy.misrouted_share > 0:
            env.process(arrivals.misrouted_contacts(self))
        if self.cfg.org.on_call_per_day > 0:
            env.process(on_call.rota(self))
        if self.cfg.org.reception.eviction_notices_per_week > 0:
            env.process(household_reception.eviction_prevention(self))
        for desk in self.staff.long_term:
            env.process(household_followup.caseload_review(self, desk))
        if workforce.enabled(self.cfg):
            workforce.start(self)
        if self.cfg.start == "steady_state":  # the stock the district's flow keeps, instead of an empty office
            steady_state.seed(self)
        env.process(arrivals.arrivals(self))
        env.process(self.weekly_snapshots())
        self.run_clock()
        # SimPy stops before events due at the horizon itself: take that week's snapshot here.
        weeks = self.end / units.WEEK
        if abs(weeks - round(weeks)) < 1e-9 and len(self.rec.weekly) < round(weeks):
            self.snapshot()
        return self

    def run_clock(self) -> None:
        """Run the clock to the horizon; with a PROGRESS listener, in chunks of whole weeks, reporting after each.

        Stopping at a chunk's end and going on changes nothing the model sees: SimPy's stop is an event of
        its own, events keep their order (time, priority, insertion) across it, and no process is added.
        Chunks end on whole weeks (exact in floating point), and only where the last step lands exactly on
        the horizon, so the run ends where one uninterrupted ``env.run(until=end)`` would.
        """
        report = PROGRESS.get()
        if report is None:
            self.env.run(until=self.end)
            return
        week = self.end / self.cfg.horizon_weeks
        step = max(1, round(self.cfg.horizon_weeks / PROGRESS_STEPS))
        stops = [k * step * week for k in range(1, PROGRESS_STEPS + 1) if k * step < self.cfg.horizon_weeks]
        for stop in stops:
            if stop <= self.env.now or stop + (self.end - stop) != self.end or stop != round(stop):
                continue
            self.env.run(until=stop)
            report(self, stop / week)
        self.env.run(until=self.end)
        report(self, self.cfg.horizon_weeks)

    def weekly_snapshots(self) -> Generator:
        """Take a snapshot at the end of every week."""
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
            "overflow": len(staff.overflow),
            "reinforcement_active": int(self.reinforcement_active),
            **self.group_snapshot(),
        })

    def group_snapshot(self) -> dict[str, float]:
        """Per target group (issue 17): households in stock, and the caseload its long-term households' caseworkers
        carry (per FTE; a group may sit with the busier caseworkers of a specialised office)."""
        rec, out = self.rec, {}
        load: dict[str, list[float]] = {g: [] for g in TARGET_GROUPS}
        for hh in self.population.households.values():
            if hh.stage == "long_term" and hh.caseworker is not None:
                load[hh.target_group].append(hh.caseworker.caseload / hh.caseworker.fte)
        for g in TARGET_GROUPS:
            out[f"stock.{g}"] = sum(rec.in_group[(s, g)] for s in ("reception", "referral", "long_term"))
            out[f"caseload.{g}"] = sum(load[g]) / len(load[g]) if load[g] else math.nan
        return out
