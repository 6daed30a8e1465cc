"""Shared helpers for the Caseflow test suite.

``make_config`` builds a :class:`sim.config.Config` the way Hydra composes one (schema
defaults, then ``configs/org/<org>.yaml`` under ``org``), with dotted-key overrides on top.
``run_config`` executes a run with a guard that turns a stuck simulation clock into a test
failure instead of a hang (see ``test_processes.py::test_caseload_review_loop_advances_the_clock``).
``ProbeRun`` is a :class:`sim.model.run.Run` that additionally remembers every household it
created and every task request it served, so process tests can check due times and waits
without touching ``sim/``.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from omegaconf import OmegaConf

from sim.config.schema import Config
from sim.config.validate import validate
from sim.config.vocabulary import DURATIONS, STAGES  # noqa: F401 (STAGES: for the tests)
from sim.model.run import Run

REPO = Path(__file__).resolve().parent.parent
CONFIGS = REPO / "configs"
# The districts (the M/M/c reduction, org=mmc, and the city, org=stockholm, have tests of their own:
# test_mmc.py, test_city.py).
ORGS = tuple(sorted(p.stem for p in (CONFIGS / "org").glob("*.yaml")
                    if OmegaConf.load(p).get("kind", "district") == "district"))

# Mechanics tests use a short horizon: 20 measured weeks after 10 weeks of warm-up.
SHORT = {"horizon_weeks": 30.0, "warmup_weeks": 10.0}

# Process durations that are task durations (Dist fields of sim.config.schema.Process).
DURATION_FIELDS = DURATIONS


def fixed(mean: float) -> dict[str, Any]:
    """A ``Dist`` override for a fixed (deterministic) value."""
    return {"family": "fixed", "mean": float(mean), "cv": 0.0}


def make_config(org: str | None = "farsta", *, validated: bool = True,
                dotted: dict[str, Any] | None = None, **overrides: Any) -> Config:
    """A Config with ``org`` loaded from its YAML file and overrides applied.

    Unlike the model's default (``start=steady_state``), these configs start from an empty office
    (``start="empty"``): the tests built on them follow arriving households step by step and count them,
    and the steady-state stock would share their desks and records. A test of the steady start passes
    ``start="steady_state"``; tests/test_steady_state.py, the golden files and the calibration run it as users do.

    Overrides are dotted keys, given either in ``dotted={"org.long_term.caseworkers": 2}`` or
    as keywords with ``__`` for ``.`` (``org__long_term__caseworkers=2``). The result goes
    through :func:`sim.config.validate` unless ``validated=False``.
    """
    base = OmegaConf.structured(Config)
    if org is not None:
        base = OmegaConf.merge(base, {"org": OmegaConf.load(CONFIGS / "org" / f"{org}.yaml")})
    changes: dict[str, Any] = {"start": "empty", **dict(dotted or {})}
    changes.update({k.replace("__", "."): v for k, v in overrides.items()})
    for key, value in changes.items():
        # A dict (e.g. a Dist) is merged field by field into its typed node.
        OmegaConf.update(base, key, value, merge=isinstance(value, dict))
    cfg = OmegaConf.to_object(base)
    assert isinstance(cfg, Config)
    return validate(cfg) if validated else cfg


def short_config(org: str = "farsta", **overrides: Any) -> Config:
    """``make_config`` with the short horizon."""
    return make_config(org, **{**SHORT, **overrides})


def deterministic(**extra: Any) -> dict[str, Any]:
    """Dotted overrides: every task duration fixed at its default mean, plenty of staff,
    no booking notice, so no household ever queues at reception and every reception wait is a
    sum of durations (100 reception FTE, under 20 % busy; 40 FTE in every other role).
    Twelve weeks after a 2-week warm-up: long enough for every step of the first months, short
    enough for the many tests that use it.
    """
    proc = Config().process
    out: dict[str, Any] = {f"process.{name}": fixed(getattr(proc, name).mean) for name in DURATION_FIELDS}
    out.update({
        "org.reception.caseworkers": 100.0,
        "org.reception.pre_assessment": 0.0,
        "org.reception.booking_notice_weeks": 0.0,
        "org.long_term.caseworkers": 40.0,
        "org.payment.officers": 40.0,
        "org.payment.cash_office": 40.0,
        "org.deputy_managers": 40.0,
        "horizon_weeks": 12.0,
        "warmup_weeks": 2.0,
        "event_log": True,
    })
    out.update(extra)
    return out


class StuckClock(AssertionError):
    """The simulation kept processing events without the clock moving."""


def guard_clock(run: Run, max_events_at_one_time: int = 300_000) -> Run:
    """Make ``run.env`` fail instead of spinning forever at one simulated instant.

    Legitimately, a few thousand events share an instant at most (t = 0, when every seat's
    overhead process starts); a loop of zero-length timeouts produces unboundedly many.
    """
    env = run.env
    real_step = env.step
    state = {"t": None, "n": 0}

    def step() -> None:
        real_step()
        if env.now == state["t"]:
            state["n"] += 1
            if state["n"] > max_events_at_one_time:
                raise StuckClock(f"simulation clock stuck at t={env.now} h after {state['n']} events")
        else:
            state["t"], state["n"] = env.now, 0

    env.step = step  # Environment.run calls self.step()
    return run


class ProbeRun(Run):
    """A Run that keeps a snapshot of each household at arrival and a record of every task request.

    ``population.all`` (kept by Run itself): every new household; ``attributes``: a snapshot of each at
    arrival. ``requests``: one dict per call of ``tasks.work`` or ``tasks.start``: task, household id, desk
    name and role, ``requested`` (queue entry), ``start`` (None if squeezed out or still running) and
    ``done`` (end time, None while still queued or running). The probes wrap the run's own services,
    so the processes run unchanged.
    """

    def __init__(self, cfg: Config):
        super().__init__(cfg)
        self.attributes: dict[int, tuple] = {}
        self.requests: list[dict[str, Any]] = []
        new, work, start = self.population.new, self.tasks.work, self.tasks.start

        def probe_new():
            hh = new()
            self.attributes[hh.id] = household_attributes(hh)
            return hh

        def probe_work(desk, task, hh=None, hours=None, deadline=None, act_at_deadline=True, started=None):
            req = {"task": task, "hh": None if hh is None else hh.id, "desk": desk.name, "role": desk.role,
                   "requested": self.env.now, "deadline": deadline, "start": None, "done": None}
            self.requests.append(req)
            start = yield from work(desk, task, hh, hours=hours, deadline=deadline, act_at_deadline=act_at_deadline,
                                    started=started)
            req["start"] = start
            req["done"] = self.env.now
            return start

        def probe_start(desk, task, hh=None, hours=None, deadline=None, started=None, missed=None, done=None):
            req = {"task": task, "hh": None if hh is None else hh.id, "desk": desk.name, "role": desk.role,
                   "requested": self.env.now, "deadline": deadline, "start": None, "done": None}
            self.requests.append(req)

            def on_start(t):
                req["start"] = t
                if started is not None:
                    started(t)

            def on_done():
                req["done"] = self.env.now
                if done is not None:
                    done()

            start(desk, task, hh, hours=hours, deadline=deadline, started=on_start, missed=missed, done=on_done)

        self.population.new = probe_new
        self.tasks.work = probe_work
        self.tasks.start = probe_start


def household_attributes(hh) -> tuple:
    return (hh.id, hh.arrived, hh.target_group, hh.acute, hh.home_visit, hh.screened_out,
            hh.refused, hh.need_months)


def run_config(cfg: Config, cls: type[Run] = Run, keep_closed: bool = True) -> Run:
    """Build and execute a run with the stuck-clock guard.

    ``keep_closed``: the population keeps the households that left for good (a run releases them, so memory
    stays flat: tests/test_memory.py), because these tests look households up by id after the run.
    """
    run = cls(cfg)
    run.population.keep_closed = keep_closed
    return guard_clock(run).execute()


def events_by_household(run: Run) -> dict[int, list[tuple]]:
    """Event-log rows ``(household, activity, role, resource, start, end)`` per household, by start."""
    assert run.rec.events is not None, "run without event_log"
    out: dict[int, list[tuple]] = {}
    for row in run.rec.events:
        out.setdefault(row[0], []).append(row)
    for rows in out.values():
        rows.sort(key=lambda r: (r[4], r[5]))
    return out


def same(a: Any, b: Any) -> bool:
    """``a == b``, except that two NaNs count as equal."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return a == b


def differing_keys(s1: dict, s2: dict) -> list[str]:
    assert s1.keys() == s2.keys()
    return [k for k in s1 if not same(s1[k], s2[k])]
