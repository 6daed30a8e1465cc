"""Each step of the household's path, checked in isolation with extreme or deterministic configs.

``deterministic()`` (conftest) fixes every duration at its default mean and staffs every role
generously (100 reception FTE), so nobody queues at reception and every reception wait is an
exact sum of durations. ``ProbeRun`` records every task request (queue entry,
start, end), which gives due times directly.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict

import numpy as np
import pytest
from conftest import (
    ProbeRun,
    deterministic,
    fixed,
    guard_clock,
    make_config,
    run_config,
    short_config,
)

from sim.analysis import metrics
from sim.config.schema import Config, Dist
from sim.config.vocabulary import TASKS
from sim.model import units
from sim.model.distributions import sampler
from sim.model.processes.household import followup
from sim.model.run import Run
from sim.model.staff import _groups_for
from sim.model.units import months_ceil

PROC = Config().process
PRE, ACUTE, HOME = PROC.pre_assessment.mean, PROC.acute_decision.mean, PROC.home_visit.mean
FOLLOWUP_TASKS = ("followup", "followup_meeting", "plan_rewrite")
EPS = 1e-6  # hours: float noise on sums of clock times


def det_run(org: str = "farsta", **extra) -> ProbeRun:
    return run_config(make_config(org, dotted=deterministic(**extra)), ProbeRun)


def long_term_run(horizon_weeks: float = 30.0, **extra) -> ProbeRun:
    """Deterministic durations, a trickle of households and two long-term caseworkers."""
    dotted = deterministic(**{
        "org.arrivals_per_week": 4.0, "org.long_term.caseworkers": 2.0,
        "org.households.screened_out_share": 0.0, "org.households.refusal_share": 0.0,
        "org.households.return_share": 0.0,
        "horizon_weeks": horizon_weeks, "warmup_weeks": 2.0, **extra,
    })
    return run_config(make_config("farsta", dotted=dotted), ProbeRun)


def requests_by_household(run: ProbeRun) -> dict[int, list[dict]]:
    out: dict[int, list[dict]] = defaultdict(list)
    for req in run.requests:
        if req["hh"] is not None:
            out[req["hh"]].append(req)
    return out


def tasks_of(reqs: list[dict], *tasks: str) -> list[dict]:
    return [r for r in reqs if r["task"] in tasks]


def se_diff(p1: float, n1: int, p2: float, n2: int) -> float:
    """Standard error of the difference of two independent proportions."""
    return math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)


# --- reception ----------------------------------------------------------------------------

@pytest.mark.parametrize("notice_weeks", [0.0, 1.0])
def test_first_visit_wait_is_exactly_the_steps_before_it(notice_weeks):
    """No queue: wait = pre-assessment (+ acute aid) (+ home visit) + booking notice."""
    run = det_run(**{"org.reception.booking_notice_weeks": notice_weeks})
    hhs = {hh.id: hh for hh in run.population.all}
    by_hh = requests_by_household(run)
    checked, kinds = 0, set()
    for hid, reqs in by_hh.items():
        visit = tasks_of(reqs, "first_visit")
        if not visit or visit[0]["start"] is None:
            continue
        hh = hhs[hid]
        expected = PRE + ACUTE * hh.acute + HOME * hh.home_visit + notice_weeks * units.WEEK
        assert visit[0]["start"] - hh.arrived == pytest.approx(expected, abs=EPS), hid
        checked += 1
        kinds.add((hh.acute, hh.home_visit))
    assert checked > 100 and len(kinds) == 4  # all four paths were seen
    allowed = sorted({PRE + ACUTE * a + HOME * h + notice_weeks * units.WEEK for a in (0, 1) for h in (0, 1)})
    waits = [w for _, w in run.rec.first_visit_waits]
    assert len(waits) == checked
    assert all(min(abs(w - x) for x in allowed) < EPS for w in waits)


def test_acute_decision_takes_pre_assessment_plus_acute_aid():
    run = det_run()
    decisions = [d for _, d in run.rec.acute_decisions]
    n_acute = sum(hh.acute and not hh.screened_out for hh in run.population.all)
    assert decisions and len(decisions) <= n_acute
    assert all(abs(d - (PRE + ACUTE)) < EPS for d in decisions)
    s = metrics.summary(run)
    assert s["acute_decision_days"] == pytest.approx(units.to_calendar_days(PRE + ACUTE))


def test_split_reception_routes_tasks_to_the_right_pool():
    run = det_run("hasselby_vallingby", **{"org.reception.pre_assessment": 40.0})
    roles = defaultdict(set)
    for req in run.requests:
        roles[req["task"]].add(req["role"])
    for task in ("pre_assessment", "acute", "home_visit"):
        assert roles[task] == {"reception_pre_assessment"}, task
    for task in ("first_visit", "decision", "reception_payment"):
        assert roles[task] == {"reception_first_visit"}, task


def test_screened_out_households_exit_after_pre_assessment():
    run = det_run(**{"org.households.screened_out_share": 1.0})
    by_hh = requests_by_household(run)
    assert len(by_hh) > 100
    assert {r["task"] for reqs in by_hh.values() for r in reqs} == {"pre_assessment"}
    done = sum(1 for reqs in by_hh.values() if reqs[0]["done"] is not None)
    assert len(run.rec.exits) == done
    assert run.rec.entered["referral"] == run.rec.entered["long_term"] == 0
    assert sum(d.caseload for d in run.staff.long_term) == 0


def test_refused_households_are_never_referred_or_paid():
    run = det_run(**{"org.households.screened_out_share": 0.0, "org.households.refusal_share": 1.0})
    tasks = Counter(r["task"] for r in run.requests)
    assert tasks["decision"] > 100
    for task in ("reception_payment", "referral_review", "payment", "first_meeting"):
        assert tasks[task] == 0, task
    assert run.rec.entered["referral"] == 0 and not run.rec.payments
    decided = sum(1 for r in run.requests if r["task"] == "decision" and r["done"] is not None)
    assert len(run.rec.exits) == decided


def closed_households(run):
    """(household id, its task requests, its closure request) for every household whose case was closed."""
    for hid, reqs in requests_by_household(run).items():
        closure = tasks_of(reqs, "closure")
        if closure and closure[0]["done"] is not None:
            yield hid, reqs, closure


def test_short_needs_are_paid_and_closed_by_reception():
    """need ≤ 1 month: one reception payment, closure by reception a month later, no long-term."""
    run = det_run(**{"org.households.need_months": fixed(0.5), "org.households.return_share": 0.0})
    assert run.rec.entered["referral"] == run.rec.entered["long_term"] == 0
    closed = 0
    for hid, reqs, closure in closed_households(run):
        closed += 1
        assert closure[0]["role"] == "reception"
        assert len(tasks_of(reqs, "reception_payment")) == 1
        assert not tasks_of(reqs, "payment", "referral_review")
        cash = tasks_of(reqs, "cash_check")[0]
        gap = closure[0]["requested"] - cash["done"]
        assert gap == pytest.approx(PROC.closure_after_months * units.MONTH, abs=EPS)
    assert closed > 50
    assert {hh.stage for hh in run.population.all
            if hh.closed_by == "reception" and hh.stage != "reception"} <= {"exited"}


@pytest.mark.parametrize("need", [1.5, 3.0, 4.2])
def test_long_term_household_gets_one_payment_per_month_of_need(need):
    run = long_term_run(**{"org.households.need_months": fixed(need)})
    n_pay = months_ceil(need)
    closed = 0
    for hid, reqs, closure in closed_households(run):
        closed += 1
        assert closure[0]["role"] == "long_term"
        rec_pay = tasks_of(reqs, "reception_payment")
        pays = tasks_of(reqs, "payment")
        assert len(rec_pay) == 1 and len(pays) == n_pay - 1
        # Monthly applications: one month after the referral decision, then every month.
        decided = tasks_of(reqs, "referral_review")[0]["requested"]
        # The application starts the payment chain: the caseworker's approval where the caseworker
        # owns the case (Farsta), else the payment officer's check.
        first_step = tasks_of(reqs, "payment_approval") or pays
        due = [p["requested"] for p in first_step]
        assert due == pytest.approx([decided + k * units.MONTH for k in range(1, n_pay)], abs=EPS)
        # Closed after a month without an application.
        assert closure[0]["requested"] == pytest.approx(
            decided + (n_pay - 1) * units.MONTH + PROC.closure_after_months * units.MONTH, abs=EPS)
        # One follow-up of the plan per long-term month.
        assert len(tasks_of(reqs, *FOLLOWUP_TASKS)) == n_pay - 1
    assert closed >= 10


def test_plan_rewrites_come_every_three_to_four_months():
    run = long_term_run(horizon_weeks=48.0, **{"org.households.need_months": fixed(12.0)})
    gaps = []
    for hid, reqs in requests_by_household(run).items():
        rewrites = [r["requested"] for r in tasks_of(reqs, "plan_rewrite")]
        if not rewrites:
            continue
        decided = tasks_of(reqs, "referral_review")[0]["requested"]
        times = [decided] + rewrites
        gaps += [(b - a) / units.MONTH for a, b in zip(times, times[1:])]
    assert len(gaps) > 50
    assert all(3.0 - EPS <= g <= 4.0 + EPS for g in gaps), sorted(set(np.round(gaps, 6)))


def test_plan_rewrite_interval_has_the_configured_mean():
    run = long_term_run(horizon_weeks=48.0, **{"org.households.need_months": fixed(12.0),
                                               "org.arrivals_per_week": 8.0,
                                               "org.long_term.caseworkers": 4.0})
    gaps = []
    for hid, reqs in requests_by_household(run).items():
        rewrites = [r["requested"] for r in tasks_of(reqs, "plan_rewrite")]
        gaps += [(b - a) / units.MONTH for a, b in zip(rewrites, rewrites[1:])]
        if rewrites:
            decided = tasks_of(reqs, "referral_review")[0]["requested"]
            gaps.append((rewrites[0] - decided) / units.MONTH)
    n = len(gaps)
    assert n > 100
    # Monthly ticks make every interval 3 or 4 months: variance at most 1/4, so SE <= 0.5/sqrt(n).
    mean = PROC.rewrite_every_months.mean
    assert abs(np.mean(gaps) - mean) <= 4 * 0.5 / math.sqrt(n)


# --- returns ------------------------------------------------------------------------------

def _returns(run: ProbeRun, closed_by: str) -> list[tuple[dict, dict]]:
    """(closure, first request after it) for every household that came back."""
    out = []
    for hid, reqs in requests_by_household(run).items():
        reqs = sorted(reqs, key=lambda r: r["requested"])
        for i, r in enumerate(reqs):
            if r["task"] == "closure" and r["role"] == closed_by and r["done"] is not None and i + 1 < len(reqs):
                out.append((r, reqs[i + 1]))
    return out


def test_quick_return_goes_back_to_the_same_long_term_caseworker():
    run = long_term_run(**{"org.households.need_months": fixed(2.0), "org.households.return_share": 1.0,
                           "org.households.return_gap_months": fixed(1.0)})
    pairs = _returns(run, "long_term")
    assert len(pairs) >= 10
    for closure, nxt in pairs:
        assert nxt["task"] == "plan_rewrite" and nxt["desk"] == closure["desk"]
        assert nxt["requested"] - closure["done"] == pytest.approx(units.MONTH, abs=EPS)
    # Returns re-enter long_term without a new referral, and nobody starts over at reception.
    assert run.rec.entered["long_term"] > run.rec.entered["referral"]
    assert all(len(tasks_of(reqs, "pre_assessment")) == 1 for reqs in requests_by_household(run).values())


def test_late_return_starts_again_at_reception():
    run = long_term_run(horizon_weeks=42.0, **{"org.households.need_months": fixed(2.0),
                                               "org.households.return_share": 1.0,
                                               "org.households.return_gap_months": fixed(6.0)})
    pairs = _returns(run, "long_term")
    assert len(pairs) >= 10
    for closure, nxt in pairs:
        assert nxt["task"] == "pre_assessment" and nxt["role"] == "reception"
        assert nxt["requested"] - closure["done"] == pytest.approx(6 * units.MONTH, abs=EPS)
    assert run.rec.entered["long_term"] == run.rec.entered["referral"]


def test_household_closed_by_reception_returns_to_reception():
    run = det_run(**{"org.households.need_months": fixed(0.5), "org.households.return_share": 1.0,
                     "org.households.return_gap_months": fixed(1.0)})
    pairs = _returns(run, "reception")
    assert len(pairs) >= 10
    assert all(nxt["task"] == "pre_assessment" for _, nxt in pairs)
    assert run.rec.entered["long_term"] == 0


# --- squeeze under load -------------------------------------------------------------------

@pytest.fixture(scope="module")
def normal_and_squeezed():
    normal = run_config(short_config("farsta", seed=11), ProbeRun)
    squeezed = run_config(short_config("farsta", seed=11, org__long_term__caseworkers=2.0), ProbeRun)
    return normal, squeezed


def test_followups_are_squeezed_when_long_term_staff_is_short(normal_and_squeezed):
    normal, squeezed = (metrics.summary(r) for r in normal_and_squeezed)
    p1, n1 = normal["followups_on_time_share"], normal["followups_due"]
    p2, n2 = squeezed["followups_on_time_share"], squeezed["followups_due"]
    assert n1 > 100 and n2 > 100
    se = max(se_diff(p1, n1, p2, n2), 0.5 / math.sqrt(min(n1, n2)))  # floor: shares may sit at 0 or 1
    assert p1 - p2 > 4 * se


def test_appeals_still_get_done_under_load(normal_and_squeezed):
    """Appeals have the highest priority: all start within a month even when follow-ups don't."""
    _, run = normal_and_squeezed
    due = [r for r in run.requests if r["task"] == "appeal" and r["requested"] + units.MONTH <= run.end]
    assert len(due) >= 10
    assert all(r["start"] is not None and r["start"] - r["requested"] <= units.MONTH for r in due)
    fups = [r for r in run.requests if r["task"] in FOLLOWUP_TASKS and r["requested"] + units.MONTH <= run.end]
    squeezed_out = sum(r["start"] is None for r in fups) / len(fups)
    assert squeezed_out > 0.5  # while follow-ups are squeezed out


def test_a_squeezed_followup_is_counted_as_due_even_if_still_queued_and_never_starts_late(normal_and_squeezed):
    """Follow-ups wait without a timer (sim.model.work.TaskService.work, act_at_deadline=False): one still in the
    queue when the run ends must count as due and not done, and one whose turn comes after its
    month must be dropped, not worked late."""
    normal, squeezed = normal_and_squeezed
    window = [r for r in squeezed.requests if r["task"] in FOLLOWUP_TASKS
              and r["requested"] >= squeezed.warmup and r["requested"] + units.MONTH <= squeezed.end]
    still_queued = [r for r in window if r["done"] is None]
    assert len(still_queued) > 10  # the squeeze leaves some in the queue at the end
    assert metrics.summary(squeezed)["followups_due"] == len(window)
    for run in (normal, squeezed):
        fups = [r for r in run.requests if r["task"] in FOLLOWUP_TASKS]
        assert all(r["start"] is None or r["start"] <= r["requested"] + units.MONTH for r in fups)
    assert any(r["start"] is not None for r in normal.requests if r["task"] in FOLLOWUP_TASKS)


def test_priorities_decide_what_gets_squeezed():
    """Moving follow-up to the front of process.priorities protects it under the same load."""
    order = ["followup", "plan_rewrite"] + [t for t in TASKS if t not in ("followup", "plan_rewrite")]
    low = metrics.summary(run_config(short_config("farsta", seed=11, org__long_term__caseworkers=2.0)))
    high = metrics.summary(run_config(short_config("farsta", seed=11, org__long_term__caseworkers=2.0,
                                                   process__priorities=order)))
    p1, n1 = high["followups_on_time_share"], high["followups_due"]
    p2, n2 = low["followups_on_time_share"], low["followups_due"]
    se = max(se_diff(p1, n1, p2, n2), 0.5 / math.sqrt(min(n1, n2)))
    assert p1 - p2 > 4 * se


def test_payments_are_late_with_too_few_payment_officers():
    normal = metrics.summary(run_config(short_config("farsta", seed=11)))
    short = metrics.summary(run_config(short_config("farsta", seed=11, org__payment__officers=0.2)))
    p1, n1 = short["late_payment_share"], short["payments"]
    p2, n2 = normal["late_payment_share"], normal["payments"]
    assert n1 > 100 and n2 > 100
    assert p1 > 0
    se = max(se_diff(p1, n1, p2, n2), 0.5 / math.sqrt(min(n1, n2)))
    assert p1 - p2 > 4 * se
    assert short["payment_delay_days"] > normal["payment_delay_days"]


# --- caseworkers --------------------------------------------------------------------------

def test_specialised_district_assigns_by_target_group():
    run = run_config(short_config("hasselby_vallingby", seed=3), ProbeRun)
    groups = [d.groups for d in run.staff.long_term]
    assert all(len(g) == 1 for g in groups)  # specialised desks
    assigned = [hh for hh in run.population.all if hh.caseworker is not None]
    assert len(assigned) > 100
    for hh in assigned:
        assert hh.target_group in hh.caseworker.groups
        assert hh.target_group in hh.payment_officer.groups


def test_broad_district_balances_caseloads():
    """Least-loaded assignment in a broad district: every desk gets households."""
    run = run_config(short_config("farsta", seed=3))
    loads = [d.caseload for d in run.staff.long_term]
    assert all(len(d.groups) == 3 for d in run.staff.long_term)
    assert min(loads) > 0


@pytest.mark.parametrize("n", [3, 4, 7, 12, 15])
def test_groups_for_apportions_desks(n):
    shares = {"labour_market": 0.5, "sick_listed": 0.3, "young_adult": 0.2}
    desks = _groups_for(n, shares)
    assert len(desks) == n
    count = Counter(g for (g,) in desks)
    assert set(count) == set(shares)
    for g, share in shares.items():
        assert abs(count[g] - share * n) < 1 + 1e-9, (g, count)


def test_caseload_reviews_start_at_month_boundaries():
    run = run_config(short_config("farsta", seed=2), ProbeRun)
    reviews = defaultdict(list)
    for r in run.requests:
        if r["task"] == "caseload_review":
            reviews[r["desk"]].append(r["requested"])
    assert len(reviews) == len(run.staff.long_term)
    for desk, times in reviews.items():
        months = [t / units.MONTH for t in times]
        assert all(abs(m - round(m)) < 1e-6 for m in months), desk
        assert len({round(m) for m in months}) == len(months), f"{desk}: two reviews in one month"


def test_caseload_review_loop_advances_the_clock():
    run = guard_clock(Run(short_config("farsta")))
    desk = run.staff.long_term[0]
    assert desk.caseload == 0
    run.env.process(followup.caseload_review(run, desk))
    run.env.run(until=12 * units.MONTH)
    assert run.env.now == 12 * units.MONTH


def test_overstaffed_long_term_group_completes():
    run = run_config(short_config("farsta", org__long_term__caseworkers=300.0))
    assert run.env.now == run.end


def test_zero_length_caseload_review_completes():
    # A year: month 11 (t = 1906.7 h) is the first rounding-down boundary that is not also the
    # start of a working day, when the daily overhead block would make the review request wait.
    run = run_config(make_config("farsta", horizon_weeks=52.0, warmup_weeks=10.0,
                                 process__caseload_review_per_household=0.0))
    assert run.env.now == run.end


# --- households and durations -------------------------------------------------------------

def test_household_attributes_follow_the_configured_shares():
    shares = {"labour_market": 0.2, "sick_listed": 0.5, "young_adult": 0.3}
    hh_cfg = {"acute_share": 0.3, "home_visit_share": 0.6, "screened_out_share": 0.1, "refusal_share": 0.45}
    need = Dist("gamma", 5.0, 0.8)
    cfg = short_config(seed=17, dotted={
        "org.households.target_groups": shares, **{f"org.households.{k}": v for k, v in hh_cfg.items()},
        "org.households.need_months": {"family": need.family, "mean": need.mean, "cv": need.cv}})
    run = Run(cfg)
    n = 6000
    hhs = [run.population.new() for _ in range(n)]
    assert [hh.id for hh in hhs] == list(range(1, n + 1))

    def close(p_hat: float, p: float) -> bool:
        return abs(p_hat - p) <= 4 * math.sqrt(p * (1 - p) / n)

    for group, p in shares.items():
        assert close(np.mean([hh.target_group == group for hh in hhs]), p), group
    for attr, key in (("acute", "acute_share"), ("home_visit", "home_visit_share"),
                      ("screened_out", "screened_out_share"), ("refused", "refusal_share")):
        assert close(np.mean([getattr(hh, attr) for hh in hhs]), hh_cfg[key]), attr
    needs = np.array([hh.need_months for hh in hhs])
    assert abs(needs.mean() - need.mean) <= 4 * need.mean * need.cv / math.sqrt(n)


@pytest.mark.parametrize("dist", [
    Dist("exponential", 2.0, 1.0), Dist("lognormal", 3.5, 0.3), Dist("lognormal", 0.25, 0.5),
    Dist("gamma", 1.5, 0.7), Dist("uniform", 3.5, 0.08), Dist("uniform", 1.0, 0.5),
], ids=lambda d: f"{d.family}-{d.mean}-{d.cv}")
def test_sampler_mean_and_cv(dist):
    rng = np.random.Generator(np.random.PCG64(12345))
    draw = sampler(dist, rng)
    n = 20000
    x = np.array([draw() for _ in range(n)])
    sd = dist.mean * (1.0 if dist.family == "exponential" else dist.cv)
    assert abs(x.mean() - dist.mean) <= 4 * sd / math.sqrt(n)
    assert (x >= 0).all()
    assert x.std() == pytest.approx(sd, rel=0.1)  # 10 % on an SD from 20 000 draws: > 4 SE for all here
    if dist.family == "uniform":
        half = dist.mean * dist.cv * math.sqrt(3)
        assert x.min() >= dist.mean - half and x.max() <= dist.mean + half


def test_fixed_sampler_and_scale():
    rng = np.random.Generator(np.random.PCG64(0))
    assert {sampler(Dist("fixed", 2.5, 0.0), rng)() for _ in range(10)} == {2.5}
    assert sampler(Dist("fixed", 2.5, 0.0), rng, scale=units.MONTH)() == pytest.approx(2.5 * units.MONTH)


def test_months_ceil():
    assert [months_ceil(m) for m in (0.1, 1.0, 1.0000000001, 1.5, 3.0, 4.2)] == [1, 1, 1, 2, 3, 5]
