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

Households still in reception at the start are there too, each where its application's timing puts it, so that
no cohort is missing from reception and, weeks later, from long-term care: one that applied (or returned to
reception) before 0 and whose nominal decision (notice plus :data:`DECISION_WAIT_WEEKS`) falls after 0. Its phone
interview, acute aid and home visit lie before 0 and are not done again (no burst at pre-assessment; its acute and
home-visit flags are False, as they matter only before the notice, and its need is drawn from its own stream as a
new household's is). Still within its notice, it waits only what is left of it; with the notice over, it joins the
first-visit queue at 0, in the order the notices ended, then goes on exactly as :func:`.reception.after_notice`
(first visit, or Södermalm's decision on the papers, then reception's payment, closure or referral) and
:func:`.path.journey` take every household. Queueing at 0 rather than spreading them over the first week: their
notice is over, so the model's own rule is to wait for a free reception caseworker, in order, ahead of those whose
notice ends later; spread out, they would sit idle after their notice for no modelled reason and bring the same
work into the first week anyway. It is at most :data:`DECISION_WAIT_WEEKS` of arrivals, not a burst. A need of at
most a month paid by reception before 0 and not yet closed waits out its month in reception too. Households to be
refused are in reception until their decision like the others (they use first-visit time), then leave. Its
first-visit wait is recorded from its real application (before 0), inside the warm-up.

What it leaves out (assumptions; the warm-up removes what is left of them, ``sim.warmup`` checks):
queue delays (they shift when a household enters long-term care, not how many are in it; in reception the nominal
half week between the notice and the decision is near the model's own, measured in the three districts);
households screened out at the phone interview; households awaiting a caseworker (the referral queue, empty but for
a few); the arrival profile (the flat mean rate is used). Caseloads are the least-loaded assignment of the stock,
which is how the model assigns every household. With a whole week instead of half, and refused households left out,
the stock ran 1–2 % above its level at week 13 in all three districts (measured over 20 seeds).

Common random numbers: the pre-run draws from its own stream and each household present at the
start gets a stream of its own (:meth:`Streams.initial_household`), so the stock is the same in
every variant of an experiment and no later household's stream moves. The households in reception are numbered
after those in long-term care and between episodes, and the pre-run draws nothing more for them, so the others'
draws and streams are those of a stock without them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generator

import numpy as np

from sim.config.vocabulary import TARGET_GROUPS
from sim.model import units
from sim.model.distributions import sampler
from sim.model.entities import Household
from sim.model.processes.household import followup, path, reception
from sim.model.services import Services
from sim.model.staff import least_loaded

# Years of the flow run before the start. A household that arrived earlier is still present only if its
# episodes and returns together last longer: with HV's needs (lognormal, mean 10.9 months, cv 0.7) and a
# fifth returning, fewer than 1 in 10,000 of the stock (checked in tests/test_steady_state.py).
PRE_RUN_YEARS = 10.0
# Nominal time from the end of the letter's notice to the decision in the pre-run (assumption, near the model's
# own wait for the first visit plus the decision after the notice: about half a week). It shifts episodes
# in time and changes no count of long-term or returning households; it does set how many are in reception at 0
# (arrivals over the notice plus this wait) and how many of those have their notice over (this wait's arrivals,
# in the first-visit queue at 0).
DECISION_WAIT_WEEKS = 0.5


@dataclass
class Present:
    """A household present at the start, in the pre-run's terms (times in working hours, relative to 0)."""

    arrived: float
    group: str
    need_months: float  # reception: 0.0 (drawn from the household's own stream when it is seeded)
    stage: str  # "long_term", "dormant", "reception" (before its decision) or "closing" (reception's last month)
    closed_by: str
    months_paid: int = 0  # long-term: the monthly payments already made
    # long-term: the next monthly application; dormant: the return; reception: the end of its notice (before 0 if
    # over); closing: when reception closes it
    resume_at: float = 0.0
    to_long_term: bool = False  # dormant: returns to its caseworker (within return_to_long_term_months)
    applied: float = 0.0  # reception, closing: when this episode's application came in (the first contact or return)
    refused: bool = False  # reception: its application will be refused at the decision


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
    notice = cfg.org.reception.booking_notice_weeks * units.WEEK
    decision_delay = notice + DECISION_WAIT_WEEKS * units.WEEK
    present: list[Present] = []
    at_reception: list[Present] = []  # numbered after the others, so that their streams do not move
    t = -PRE_RUN_YEARS * units.YEAR
    while True:
        t += rng.exponential(mean_gap)
        if t >= 0:
            break
        u = rng.random(3)
        if u[0] < hh_cfg.screened_out_share:
            continue  # left at the phone interview: never in the stock
        group = groups[min(int(np.searchsorted(cumulative, u[2], side="right")), len(groups) - 1)]
        if u[1] < hh_cfg.refusal_share:  # refused at its decision: in reception only if that is after 0
            if t + decision_delay > 0:
                at_reception.append(Present(t, group, 0.0, "reception", "reception", resume_at=t + notice,
                                            applied=t, refused=True))
            continue
        arrived = applied = t
        entry, via = applied + decision_delay, "reception"
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
            if closed >= 0:  # still in reception at the start: its month before closure
                if closed_by == "reception":
                    at_reception.append(Present(arrived, group, months, "closing", closed_by, resume_at=closed,
                                                applied=applied))
                break
            if rng.random() >= hh_cfg.return_share:
                break  # gone for good
            back = gap() * month
            if closed + back > 0:
                present.append(Present(arrived, group, 0.0, "dormant", closed_by, resume_at=closed + back,
                                       to_long_term=closed_by == "long_term" and back <= to_lt_within))
                break
            entry, via = closed + back, "long_term" if closed_by == "long_term" and back <= to_lt_within else \
                "reception"
            if via == "reception":
                applied = entry
                entry += decision_delay
        else:
            if via == "reception":  # applied before 0, decided after: in reception, in or after its notice
                at_reception.append(Present(arrived, group, 0.0, "reception", "reception", resume_at=applied + notice,
                                            applied=applied))
    # reception's households in the order their notice ends: those whose notice is over queue first, as they would
    at_reception.sort(key=lambda p: p.resume_at)
    return present + at_reception


def seed(run: Services) -> int:
    """Put the steady-state stock into the run at time 0 and start each household's process; returns how many."""
    present = stock(run)
    for k, p in enumerate(present):
        hh = Household(id=-(k + 1), arrived=p.arrived, rng=run.streams.initial_household(k),
                       target_group=p.group, acute=False, home_visit=False, screened_out=False, refused=p.refused,
                       need_months=p.need_months)
        hh.monthly_sek = run.population.monthly_sek(hh)
        run.population.adopt(hh)
        hh.closed_by = p.closed_by
        if p.stage in ("reception", "closing"):
            if p.stage == "reception":  # its need, drawn from its own stream as a new household's or a return's is
                hh.need_months = run.population.draw_need(hh.rng)
            run.rec.move(hh, "reception")
            run.env.process(resume_reception(run, hh, p))
        elif p.stage == "long_term":
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


def resume_reception(run: Services, hh: Household, p: Present) -> Generator:
    """Go on through reception from where the household is at the start, then like any household after it.

    Its phone interview (and any acute aid or home visit) lies before 0 and is not done again: it waits out what
    is left of its notice (none if the notice is over: it queues for the first visit at once), or of the month
    before reception closes it.
    """
    now = run.env.now
    if p.stage == "closing":
        step = yield from reception.closure(run, hh, max(0.0, p.resume_at - now))
    else:
        step = yield from reception.after_notice(run, hh, p.applied, max(0.0, p.resume_at - now))
    yield from path.journey(run, hh, step)


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
