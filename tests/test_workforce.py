"""People, not FTEs (sim/model/processes/staff/workforce.py): each mechanism on its own."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import ProbeRun, make_config, run_config

from sim.analysis import metrics
from sim.config.schema import ConfigError
from sim.model import units


def workforce_config(seed: int = 4, weeks: float = 104.0, warmup: float = 0.0, org: str = "hasselby_vallingby",
                     **workforce):
    overrides = {f"workforce__{k}": v for k, v in workforce.items()}
    return make_config(org, seed=seed, horizon_weeks=weeks, warmup_weeks=warmup, **overrides)


def test_off_by_default_nothing_happens():
    run = run_config(make_config("hasselby_vallingby", seed=1, horizon_weeks=30.0, warmup_weeks=10.0))
    s = metrics.summary(run)
    assert run.rec.away == [] and run.rec.leavers == []
    assert s["absence_share"] == s["vacancy_share"] == s["leavers_per_year"] == s["substitute_fte"] == 0.0


# --- absences ---------------------------------------------------------------------------------

SICK = {"sick_leave__spells_per_year": 3.0,
        "sick_leave__length_weeks": {"family": "exponential", "mean": 4.0, "cv": 1.0}}


@pytest.fixture(scope="module")
def absent():
    return run_config(workforce_config(weeks=260.0, **SICK), ProbeRun)


def test_no_task_starts_at_a_desk_while_its_person_is_away(absent):
    spells: dict[str, list[tuple[float, float]]] = {}
    for desk, _, t0, t1 in absent.rec.away:
        spells.setdefault(desk, []).append((t0, t1))
    assert sum(len(v) for v in spells.values()) > 100
    started = [(r["desk"], r["start"]) for r in absent.requests if r["start"] is not None]
    inside = [(d, t) for d, t in started for t0, t1 in spells.get(d, []) if t0 < t < t1]
    assert not inside, inside[:5]


def test_absences_take_the_configured_share_of_the_time(absent):
    """A renewal process: gaps of YEAR/3 (exponential), spells of 4 weeks → share = 4w / (4w + YEAR/3).
    Checked per caseworker; the tolerance is 4 standard errors of the mean over caseworkers."""
    horizon = absent.end
    shares = []
    for desk in absent.staff.long_term:
        hours = sum(min(t1, horizon) - t0 for d, _, t0, t1 in absent.rec.away if d == desk.name)
        shares.append(hours / horizon)
    expected = 4 * units.WEEK / (4 * units.WEEK + units.YEAR / 3)
    mean, se = np.mean(shares), np.std(shares, ddof=1) / math.sqrt(len(shares))
    assert abs(mean - expected) < 4 * se, (mean, expected, se)


def test_absences_cost_capacity_unless_a_substitute_covers_them():
    base = metrics.summary(run_config(workforce_config(seed=5, weeks=156.0, warmup=52.0)))
    away = metrics.summary(run_config(workforce_config(seed=5, weeks=156.0, warmup=52.0, **SICK)))
    covered_cfg = workforce_config(seed=5, weeks=156.0, warmup=52.0, **SICK, sick_leave__substitute_share=1.0)
    covered_run = run_config(covered_cfg)
    covered = metrics.summary(covered_run)
    assert covered_run.rec.away == [] and covered["substitute_fte"] > 0.5
    assert covered["cost_sek_per_year"] > base["cost_sek_per_year"]
    # follow-ups: squeezed when people are away, as in the base when substitutes step in
    assert away["followups_on_time_share"] < base["followups_on_time_share"] - 0.02
    assert covered["followups_on_time_share"] == pytest.approx(base["followups_on_time_share"], abs=0.01)


# --- turnover --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def turnover():
    # Farsta: broad caseworkers, so the only handovers are the leavers' (no change of target group moves a case)
    return run_config(workforce_config(seed=6, weeks=156.0, warmup=52.0, org="farsta", leavers_per_year=0.4,
                                       recruitment_weeks=8.0), ProbeRun)


def test_a_leaver_s_households_all_move_and_each_pays_a_restart(turnover):
    leavers = turnover.rec.leavers
    assert len(leavers) >= 5
    assert all(left == 0 for *_, left in leavers)  # no cap: every household finds a colleague
    moved = sum(m for _, _, m, _ in leavers)
    assert moved > 100
    assert turnover.rec.count["reassigned"] == sum(m for t, _, m, _ in leavers
                                               if t >= turnover.warmup)  # tallied after warm-up
    handovers = [r for r in turnover.requests if r["task"] == "handover"]
    assert len(handovers) == moved
    for t, name, count, _ in leavers:  # at the moment of leaving: one restart per moved household, elsewhere
        at_leave = [r for r in handovers if r["requested"] == t]
        assert len(at_leave) == count and all(r["desk"] != name for r in at_leave)


def test_the_vacant_post_takes_no_new_household_and_no_task(turnover):
    vacancies = [(d, t0, t1) for d, why, t0, t1 in turnover.rec.away if why == "vacant"]
    assert len(vacancies) == len(turnover.rec.leavers) or len(vacancies) == len(turnover.rec.leavers) - 1
    starts = [(r["desk"], r["start"]) for r in turnover.requests if r["start"] is not None]
    assert not [(d, t) for d, t in starts for vd, t0, t1 in vacancies if d == vd and t0 < t < t1]


def test_a_newcomer_is_slower_and_learns(turnover):
    """Every task a newcomer starts in the first 13 weeks, as a multiple of that task's mean duration at
    experienced desks, against 1/speed at its start (speed 0.6 → 1 over 26 weeks): equal within 4 SE."""
    desks = {d.name: d for d in turnover.staff.long_term}
    hires = {name: t for t, name, *_ in turnover.rec.leavers}  # a post is refilled after the vacancy
    done = [r for r in turnover.requests if r["desk"] in desks and r["start"] is not None and r["done"] is not None
            and r["task"] not in ("caseload_review",)]
    learner, experienced = [], {}
    for r in done:
        hired = desks[r["desk"]].hired.get(r["desk"], -math.inf)  # the latest newcomer at that desk
        since = r["start"] - hired
        if hired > -math.inf and 0 <= since < 13 * units.WEEK:
            learner.append((r, since))
        elif hired == -math.inf or since >= 26 * units.WEEK:
            experienced.setdefault(r["task"], []).append(r["done"] - r["start"])
    assert hires and len(learner) > 100
    base = {task: np.mean(v) for task, v in experienced.items()}
    ratios = [(r["done"] - r["start"]) / base[r["task"]] for r, _ in learner if r["task"] in base]
    expected = np.mean([1 / (0.6 + 0.4 * since / (26 * units.WEEK)) for r, since in learner if r["task"] in base])
    se = np.std(ratios, ddof=1) / math.sqrt(len(ratios))
    assert expected > 1.3  # the effect is there to be seen
    assert abs(np.mean(ratios) - expected) < 4 * se, (np.mean(ratios), expected, se)


def test_mentoring_costs_an_experienced_colleague_time_each_learning_week():
    run = run_config(workforce_config(seed=7, weeks=104.0, warmup=0.0, leavers_per_year=0.4, recruitment_weeks=4.0,
                                      mentor_hours_per_week=2.0, learning_weeks=10.0), ProbeRun)
    hires = run.rec.count["hires"]
    mentoring = [r for r in run.requests if r["task"] == "mentoring"]
    assert hires >= 3
    assert hires * 10 - 10 <= len(mentoring) <= hires * 10  # the last hire may not finish its weeks
    assert metrics.summary(run)["time_share.long_term.mentoring"] > 0


def test_bad_workforce_values_name_the_key():
    for key, value in [("workforce__initial_speed", 0.0), ("workforce__leavers_per_year", -1.0),
                       ("workforce__sick_leave__substitute_share", 1.5)]:
        with pytest.raises(ConfigError) as err:
            make_config("farsta", **{key: value})
        assert err.value.key == key.replace("__", ".")


def test_a_workforce_run_is_reproducible():
    cfg = workforce_config(seed=8, weeks=40.0, **SICK, leavers_per_year=0.5)
    assert metrics.summary(run_config(cfg)) == metrics.summary(run_config(cfg))


# --- the end of the working day ------------------------------------------------------------------

def crossing(requests, task: str) -> list[dict]:
    day = units.HOURS_PER_DAY
    return [r for r in requests if r["task"] == task and r["start"] is not None and r["done"] is not None
            and r["done"] > (r["start"] // day + 1) * day + 1e-9]


def test_by_default_a_task_running_at_16_is_resumed_the_next_morning():
    run = run_config(make_config("farsta", seed=2, horizon_weeks=20.0, warmup_weeks=0.0), ProbeRun)
    assert crossing(run.requests, "decision")  # half-day analyses do cross the end of the day
    assert metrics.summary(run)["overtime_hours_per_week"] == 0.0


def test_finish_same_day_ends_the_task_at_16_and_counts_the_rest_as_overtime():
    analysis = {"family": "fixed", "mean": 3.5, "cv": 0.0}
    run = run_config(make_config("farsta", seed=2, horizon_weeks=20.0, warmup_weeks=0.0,
                                 org__durations__analysis=analysis, process__finish_same_day=["decision"]), ProbeRun)
    assert not crossing(run.requests, "decision")
    day = units.HOURS_PER_DAY
    decisions = [r for r in run.requests if r["task"] == "decision" and r["start"] is not None]
    expected = sum(max(0.0, min(r["start"] + 3.5, run.end) - (r["start"] // day + 1) * day) for r in decisions)
    assert expected > 0
    assert run.tasks.overtime_hours == pytest.approx(expected, rel=1e-9)


def test_an_unknown_task_in_finish_same_day_is_named():
    with pytest.raises(ConfigError) as err:
        make_config("farsta", process__finish_same_day=["analysys"])
    assert err.value.key == "process.finish_same_day"


def test_the_turnover_experiment_compares_today_half_and_mentoring():
    from omegaconf import OmegaConf

    from sim.config.compose import EXPERIMENT_DIR
    from sim.experiments.compare import variant_configs
    from sim.experiments.spec import ExperimentSpec

    spec = ExperimentSpec(**OmegaConf.to_container(OmegaConf.load(EXPERIMENT_DIR / "turnover.yaml")))
    order, planned = variant_configs(spec, 2)
    first = {v: c.workforce for v, k, c in planned if k == 0}
    assert order[0] == "today" and first["today"].leavers_per_year == 0.25
    assert first["half_turnover"].leavers_per_year == pytest.approx(first["today"].leavers_per_year / 2)
    assert first["mentoring"].mentor_hours_per_week > 0 and first["mentoring"].learning_weeks < 26
    assert first["mentoring"].leavers_per_year == first["today"].leavers_per_year


def test_staff_csv_breaks_time_down_per_person(turnover):
    frame = metrics.staff_frame(turnover).set_index("staff_id")
    long_term = [d.name for d in turnover.staff.long_term]
    assert set(long_term) <= set(frame.index)
    for name in long_term:
        vacant = sum(turnover.ledger.window(t0, t1) for d, why, t0, t1 in turnover.rec.away
                     if d == name and why == "vacant")
        assert frame.loc[name, "vacant_hours"] == pytest.approx(vacant)
    assert frame.loc[long_term, "vacant_hours"].sum() == pytest.approx(
        metrics.summary(turnover)["vacancy_share"] * turnover.staff.fte("long_term") * (turnover.end - turnover.warmup))
    assert (frame.loc[long_term, "task_hours"] > 0).all()
    assert frame.loc[long_term, "started_weeks"].notna().sum() >= 3  # newcomers are marked


# --- persons in pooled roles, and payment officers ---------------------------------------------

@pytest.fixture(scope="module")
def pooled():
    return run_config(workforce_config(seed=9, weeks=104.0, warmup=0.0, org="farsta",
                                       roles=["reception", "payment_officer"],
                                       **SICK, leavers_per_year=0.3, recruitment_weeks=6.0), ProbeRun)


def test_a_person_away_from_a_pool_takes_exactly_one_seat(pooled):
    desk = pooled.staff.first_visit
    spells = [(p, t0, t1) for p, _, t0, t1 in pooled.rec.away if p in desk.people]
    assert len(spells) > 20 and all(p.startswith("reception_") for p, *_ in spells)
    tasks = [r for r in pooled.requests if r["desk"] == desk.name and r["start"] is not None and r["done"] is not None]
    for _, t0, t1 in spells:
        t = (t0 + t1) / 2
        away_now = sum(1 for _, a0, a1 in spells if a0 <= t < a1)
        running = sum(1 for r in tasks if r["start"] <= t < r["done"])
        assert running <= desk.seats - away_now, (t, running, away_now)


def test_pooled_leavers_leave_a_vacancy_and_a_newcomer_and_move_no_households(pooled):
    pool_leavers = [(t, p) for t, p, moved, _ in pooled.rec.leavers if p.startswith("reception_")]
    assert pool_leavers
    assert all(moved == 0 for _, p, moved, _ in pooled.rec.leavers if p.startswith("reception_"))
    assert set(pooled.staff.first_visit.hired) <= set(pooled.staff.first_visit.people)
    frame = metrics.staff_frame(pooled).set_index("staff_id")
    assert {"reception", *pooled.staff.first_visit.people} <= set(frame.index)  # the pool and each person
    assert frame.loc[list(pooled.staff.first_visit.people), "vacant_hours"].sum() > 0


def test_a_payment_officer_s_households_move_to_other_officers_without_a_restart_task(pooled):
    officers = {d.name for d in pooled.staff.payment_officers}
    moves = [(t, p, m) for t, p, m, _ in pooled.rec.leavers if p in officers]
    assert moves and sum(m for *_, m in moves) > 0
    assert not [r for r in pooled.requests if r["task"] == "handover"]  # no long-term caseworker left
    for hh in pooled.population.all:  # nobody is left with an officer who is away for good right now
        if hh.stage == "long_term" and hh.payment_officer is not None:
            assert hh.payment_officer.name in officers


def test_an_unknown_workforce_role_is_named():
    with pytest.raises(ConfigError) as err:
        make_config("farsta", workforce__roles=["receptionist"])
    assert err.value.key == "workforce.roles"


def test_every_covered_person_starts_with_an_experience_and_the_inexperienced_start_learning(pooled):
    people = [(d, p) for d in pooled.staff.desks() if d.role in ("reception", "payment_officer")
              for p in d.people[:d.seats - d.reserve]]
    assert people and all(p in d.experience for d, p in people)
    for d, p in people:
        if d.experience[p] * units.YEAR < pooled.tasks.learn_hours:
            assert d.hired[p] == pytest.approx(-d.experience[p] * units.YEAR, abs=0.01 * units.YEAR)
