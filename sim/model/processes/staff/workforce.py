"""People at the long-term desks: absences, leavers, vacant posts and newcomers who learn.

Off unless ``workforce`` says otherwise (``sim.config.Workforce``). Each long-term caseworker
is a desk of one person (``long_term_01``...). While someone is *away* — sick leave, parental
leave (föräldraledighet), or a post left vacant by a leaver until the recruitment is done — the
desk is held at the highest priority: tasks already queued there wait, the daily overhead
stops, and no new household is assigned to it. A spell covered by a substitute (vikarie)
keeps the desk working and costs a substitute's time instead.

A leaver's households move at once to the least-loaded colleagues, each with a handover task:
the restart ("omtag och extra uppstartstid", 004) that a change of caseworker costs. The newcomer
who takes the post starts at ``initial_speed`` and reaches full speed linearly over
``learning_weeks``; with ``mentor_hours_per_week`` an experienced colleague spends that time on
the newcomer's introduction every week of it (the 13-point plan's introduction and mentoring, 001).
"""

from __future__ import annotations

from typing import Generator

from sim.config.vocabulary import ROLE_GROUPS
from sim.model import units
from sim.model.distributions import sampler
from sim.model.entities import Desk
from sim.model.services import Services
from sim.model.staff import least_loaded
from sim.model.work import AWAY_PRIORITY

ABSENCES = ("sick_leave", "parental_leave")




def start(run: Services) -> None:
    """Start absences and turnover for every person in the workforce roles, and set their experience."""
    wf = run.cfg.workforce
    roles = {r for group in wf.roles for r in ROLE_GROUPS[group]}
    for desk in run.staff.desks():
        if desk.role not in roles:
            continue
        for person in desk.people[:desk.seats - desk.reserve]:
            if wf.summer_holiday_weeks > 0:
                run.env.process(summer_holidays(run, desk, person))
            if not people_enabled(run.cfg):
                continue
            starting_experience(run, desk, person)
            for kind in ABSENCES:
                if getattr(wf, kind).spells_per_year > 0:
                    run.env.process(absences(run, desk, person, kind))
            if wf.leavers_per_year > 0:
                run.env.process(turnover(run, desk, person))


def starting_experience(run: Services, desk: Desk, person: str) -> None:
    """Years in the job at the start: most are experienced (004 HV), the others may still be learning."""
    wf = run.cfg.workforce
    rng = run.streams[f"workforce.experience.{person}"]
    u, years = rng.random(), rng.random()
    experience = 4.0 + 8.0 * years if u < wf.experienced_share else 4.0 * years  # assumption: up to 12 years
    desk.experience[person] = round(experience, 2)
    if experience * units.YEAR < run.tasks.learn_hours:
        newcomer(run, desk, person, -experience * units.YEAR)


def newcomer(run: Services, desk: Desk, person: str, started: float) -> None:
    """Mark ``person`` as a newcomer who started at ``started`` (still learning)."""
    desk.hired[person] = started
    desk.learning_until = max(desk.learning_until, started + run.tasks.learn_hours)


def people_enabled(cfg) -> bool:
    """Return whether the config has any absences or leavers to simulate (and so people's experience)."""
    wf = cfg.workforce
    return wf.leavers_per_year > 0 or any(getattr(wf, k).spells_per_year > 0 for k in ABSENCES)


def enabled(cfg) -> bool:
    """Return whether the workforce model has anything to do: absences, leavers or a holiday season."""
    return people_enabled(cfg) or cfg.workforce.summer_holiday_weeks > 0


def summer_holidays(run: Services, desk: Desk, person: str) -> Generator:
    """Every year ``person`` is away ``summer_holiday_weeks`` in a row, from a week drawn in the summer window."""
    wf = run.cfg.workforce
    rng = run.streams[f"workforce.summer.{person}"]
    first, last = wf.summer_window
    year = 0
    while True:
        start = (year * units.WEEKS_PER_YEAR + rng.uniform(first, last)) * units.WEEK
        if start > run.env.now:
            yield run.env.timeout(start - run.env.now)
            yield from away(run, desk, person, "holiday", wf.summer_holiday_weeks * units.WEEK)
        year += 1


def absences(run: Services, desk: Desk, person: str, kind: str) -> Generator:
    """Spells of one kind for one person: exponential gaps between them (a renewal process)."""
    spell = getattr(run.cfg.workforce, kind)
    rng = run.streams[f"workforce.{kind}.{person}"]
    length = sampler(spell.length_weeks, rng)
    while True:
        yield run.env.timeout(rng.exponential(units.YEAR / spell.spells_per_year))
        hours = length() * units.WEEK
        if rng.random() < spell.substitute_share:  # a substitute keeps the desk working
            run.substitute_hours += run.ledger.window(run.env.now, run.env.now + hours)
            yield run.env.timeout(hours)
            continue
        yield from away(run, desk, person, kind, hours)


def away(run: Services, desk: Desk, person: str, why: str, hours: float) -> Generator:
    """Keep ``person`` away from work for ``hours`` by holding one seat of the desk.

    A task in progress is finished first. At an individual desk nobody works; a pool works with
    one person fewer.
    """
    with desk.resource.request(priority=AWAY_PRIORITY) as req:
        yield req
        desk.away.add(person)
        t0 = run.env.now  # recorded now, so a spell still running when the run ends counts too
        run.ledger.book(desk.role, "vacancy" if why == "vacant" else "absence", t0, t0 + hours)
        run.rec.away.append((person, why, t0, t0 + hours))
        yield run.env.timeout(hours)
        desk.away.discard(person)


def turnover(run: Services, desk: Desk, person: str) -> Generator:
    """``person`` leaves now and then; the post is refilled by a newcomer after the recruitment."""
    wf = run.cfg.workforce
    rng = run.streams[f"workforce.turnover.{person}"]
    while True:
        yield run.env.timeout(rng.exponential(units.YEAR / (wf.leavers_per_year * desk.fte)))
        run.rec.tally("leavers")
        if desk.seats == 1:  # a caseworker's or payment officer's own households move to colleagues
            reassign(run, desk)
        else:
            run.rec.leavers.append((run.env.now, person, 0, 0))
        yield from away(run, desk, person, "vacant", wf.recruitment_weeks * units.WEEK)
        newcomer(run, desk, person, run.env.now)
        run.rec.tally("hires")
        if wf.mentor_hours_per_week > 0:
            run.env.process(introduction(run, desk))


def reassign(run: Services, leaver: Desk) -> None:
    """Move the leaver's long-term households to colleagues.

    A caseworker's go each with a handover (restart) task, a payment officer's to the
    least-loaded officer of the group.
    """
    officer = leaver.role == "payment_officer"
    pool = run.staff.payment_officers if officer else run.staff.long_term
    attr = "payment_officer" if officer else "caseworker"
    colleagues = [d for d in pool if d is not leaver and not d.away]
    moved = left = 0
    for hh in run.population.households.values():  # those still in the system, in the order they came
        if getattr(hh, attr) is not leaver or hh.stage != "long_term":
            continue
        new = least_loaded(colleagues or [d for d in pool if d is not leaver], hh,
                           0.0 if officer else run.policy.caseload_cap)
        if new is None:  # every colleague at the cap: the household waits for the newcomer
            left += 1
            continue
        new.caseload += 1
        leaver.caseload -= 1
        setattr(hh, attr, new)
        moved += 1
        run.rec.tally("reassigned")
        if not officer:
            hh.handover_at = run.env.now
            run.tasks.start(new, "handover", hh)
    run.rec.leavers.append((run.env.now, leaver.name, moved, left))


def introduction(run: Services, newcomer: Desk) -> Generator:
    """Every week of the learning period an experienced colleague spends time on the newcomer."""
    wf = run.cfg.workforce
    weeks = int(wf.learning_weeks)
    for _ in range(weeks):
        mentors = [d for d in run.staff.by_role[newcomer.role]
                   if not d.away and not run.tasks.learning(d) and (d is not newcomer or d.seats > 1)]
        if mentors:
            mentor = min(mentors, key=lambda d: d.caseload / d.fte)
            run.tasks.start(mentor, "mentoring", hours=wf.mentor_hours_per_week)
        yield run.env.timeout(units.WEEK)
