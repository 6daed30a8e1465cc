"""Start a district in its steady state instead of an empty office.

An empty office needs years to fill: long-term needs last about 11 months on average with a long
tail (004), and a fifth of the closed households come back (assumption), so the long-term stock
still grows in the fourth simulated year. Instead, each replication begins with the households that
the district's own flow leaves in long-term care and between episodes at any moment of its steady
state, found by running that flow without queues over :data:`PRE_RUN_YEARS` before the start:
Poisson arrivals (``org.arrivals_per_week``), screened-out and refused households leaving, needs of
at most a month closed by reception, longer ones paid monthly by a long-term caseworker until
the need ends, closure a month later, and a return with ``org.households.return_share`` after
``return_gap_months`` (to the same caseworker within ``process.return_to_long_term_months``).
This is the renewal-theory steady state of that flow (households present at time 0 carry the
length-biased residual of their need, where each is in its monthly payment cycle follows from when it
entered), drawn by simulation instead of formulas so that it follows the model's rules exactly.

What it leaves out (assumptions; the warm-up removes what is left of them, ``sim.warmup`` checks):
queue delays (they shift when a household enters long-term care, not how many are in it);
households still in reception or awaiting a caseworker at the start (reception's queue fills in
weeks); the arrival profile (the flat mean rate is used). Caseloads are the least-loaded
assignment of the stock, which is how the model assigns every household.

Common random numbers: the pre-run draws from its own stream and each household present at the
start gets a stream of its own (:meth:`Streams.initial_household`), so the stock is the same in
every variant of an experiment and no later household's stream moves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generator

import numpy as np

from sim.config.vocabulary import TARGET_GROUPS
from sim.model import units
from sim.model.distributions import sampler
from sim.model.entities import Household
from sim.model.processes.household import followup, path
from sim.model.services import Services
from sim.model.staff import least_loaded

# Years of the flow run before the start. A household that arrived earlier is still present only if its
# episodes and returns together last longer: with HV's needs (lognormal, mean 10.9 months, cv 0.7) and a
# fifth returning, fewer than 1 in 10,000 of the stock (checked in tests/test_steady_state.py).
PRE_RUN_YEARS = 10.0
# Nominal time from the first contact to the decision in the pre-run: the letter's notice plus a week's
# wait (assumption; it shifts episodes in time and changes no count).
DECISION_WAIT_WEEKS = 1.0


@dataclass
class Present:
    """A household present at the start, in the pre-run's terms (times in working hours, relative to 0)."""

    arrived: float
    group: str
    need_months: float
    stage: str  # "long_term" or "dormant"
    closed_by: str
    months_paid: int = 0  # long-term: the monthly payments already made
    resume_at: float = 0.0  # long-term: the next monthly application; dormant: the return
    to_long_term: bool = False  # dormant: returns to its caseworker (within return_to_long_term_months)


def stock(run: Services) -> list[Present]:
    """The households in long-term care and between episodes at time 0 of a steady state (see module doc)."""
    cfg = run.cfg
    hh_cfg, proc = cfg.org.households, cfg.process
    rng = run.streams["steady_state"]
    need = sampler(hh_cfg.need_months, rng)
    gap = sampler(hh_cfg.return_gap_months, rng)
    month = units.MONTH
    closure_wait = proc.closure_after_months * month
    to_lt_within = proc.return_to_long_term_months * month
    groups = list(TARGET_GROUPS)
    weights = np.array([hh_cfg.target_groups.get(g, 0.0) for g in groups])
    cumulative = np.cumsum(weights / weights.sum())
    mean_gap = units.WEEK / cfg.org.arrivals_per_week
    decision_delay = (cfg.org.reception.booking_notice_weeks + DECISION_WAIT_WEEKS) * units.WEEK
    present: list[Present] = []
    t = -PRE_RUN_YEARS * units.YEAR
    while True:
        t += rng.exponential(mean_gap)
        if t >= 0:
            break
        u = rng.random(3)
        if u[0] < hh_cfg.screened_out_share or u[1] < hh_cfg.refusal_share:
            continue  # left at the phone interview or refused: never in the stock
        group = groups[min(int(np.searchsorted(cumulative, u[2], side="right")), len(groups) - 1)]
        arrived, entry, via = t, t + decision_delay, "reception"
        while entry < 0:
            months = need()
            total = units.months_ceil(months)
            if via == "reception" and months <= 1.0:  # paid once and closed by reception
                closed, closed_by = entry + closure_wait, "reception"
            else:  # long-term: monthly applications until the need ends, closed a month after the last
                first, paid = (entry + month, 1) if via == "reception" else (entry, 0)
                closed, closed_by = first + (total - paid - 1) * month + closure_wait, "long_term"
                if closed > 0:
                    done = 0 if first >= 0 else min(total - paid, int(-first // month) + 1)
                    present.append(Present(arrived, group, months, "long_term", closed_by, paid + done,
                                           max(0.0, first + done * month)))
                    break
            if closed >= 0 or rng.random() >= hh_cfg.return_share:
                break  # still in reception at the start (left out), or gone for good
            back = gap() * month
            if closed + back > 0:
                present.append(Present(arrived, group, 0.0, "dormant", closed_by, resume_at=closed + back,
                                       to_long_term=closed_by == "long_term" and back <= to_lt_within))
                break
            entry, via = closed + back, "long_term" if closed_by == "long_term" and back <= to_lt_within else \
                "reception"
            if via == "reception":
                entry += decision_delay
    return present


def seed(run: Services) -> int:
    """Put the steady-state stock into the run at time 0 and start each household's process; returns how many."""
    present = stock(run)
    for k, p in enumerate(present):
        hh = Household(id=-(k + 1), arrived=p.arrived, rng=run.streams.initial_household(k),
                       target_group=p.group, acute=False, home_visit=False, screened_out=False, refused=False,
                       need_months=p.need_months)
        run.population.adopt(hh)
        hh.closed_by = p.closed_by
        if p.stage == "long_term":
            if not run.staff.assign_long_term(hh):  # every caseworker at a cap: it waits like a new referral
                run.env.process(path.journey(run, hh, "referred"))
                continue
            run.rec.move(hh, "long_term")
            run.env.process(resume_long_term(run, hh, p))
        else:
            if p.to_long_term:  # its caseworker of the last episode: the least loaded now (no caseload while away)
                hh.caseworker = least_loaded(run.staff.long_term, hh)
                hh.payment_officer = least_loaded(run.staff.payment_officers, hh)
            run.rec.move(hh, "dormant")
            run.env.process(resume_dormant(run, hh, p))
    return len(present)


def resume_long_term(run: Services, hh: Household, p: Present) -> Generator:
    """Wait for the next monthly application, then go on like any long-term household."""
    yield run.env.timeout(p.resume_at)
    yield from path.journey(run, hh, "long_term", p.months_paid, months_since_rewrite=_rewrite_phase(run, hh))


def resume_dormant(run: Services, hh: Household, p: Present) -> Generator:
    """Wait for the return, then apply again (to the caseworker, or to reception)."""
    yield run.env.timeout(p.resume_at)
    step = followup.returned(run, hh, p.to_long_term)
    yield from path.journey(run, hh, step)


def _rewrite_phase(run: Services, hh: Household) -> int:
    """Months since the work plan was last rewritten: uniform over a rewrite interval (a renewal's age)."""
    interval = followup.rewrite_interval(run, hh)
    return int(hh.rng.integers(0, interval))
