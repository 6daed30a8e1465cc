"""Organisational variants (issue 3), each mechanism in isolation.

Specialisation with group changes and handovers, module administrators, common vs own
reception with misrouting, payment pairing with self-payment and debts, the caseload cap with
its overflow, reinforcement, and staff costs. Every run is short (at most 40 weeks) and uses
a fixed seed; durations that a test measures are fixed (``conftest.fixed``) so the expected
values are exact.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict

import pytest
from conftest import STAGES, ProbeRun, deterministic, fixed, make_config, run_config

from sim.analysis import metrics
from sim.config.schema import Config, ConfigError
from sim.model import units
from sim.model.processes.household import followup
from sim.model.run import Run
from sim.model.units import months_ceil

PROC = Config().process
PRE, ACUTE, HOME = PROC.pre_assessment.mean, PROC.acute_decision.mean, PROC.home_visit.mean
EPS = 1e-6  # hours: float noise on sums of clock times
HV = "hasselby_vallingby"


def run_probe(org: str, horizon: float = 40.0, warmup: float = 10.0, seed: int = 1, cls=ProbeRun, **dotted) -> Run:
    cfg = make_config(org, dotted={"horizon_weeks": horizon, "warmup_weeks": warmup, "seed": seed, **dotted})
    return run_config(cfg, cls)


def by_household(run: ProbeRun) -> dict[int, list[dict]]:
    out: dict[int, list[dict]] = defaultdict(list)
    for req in run.requests:
        if req["hh"] is not None:
            out[req["hh"]].append(req)
    return out


def events_of(run: Run, activity: str) -> list[tuple]:
    return [e for e in run.rec.events if e[1] == activity]


def window_days(run: Run) -> float:
    return (run.end - run.warmup) / units.HOURS_PER_DAY


def edge_tolerance(run: Run, days: float = 2.0) -> float:
    """Relative tolerance for daily overhead blocks: each seat books one block a day, and the
    blocks at the two ends of the measurement window are clipped (or still running), so two runs
    can differ by up to about one block per seat at each end."""
    return days / window_days(run)


def years(run: Run) -> float:
    return (run.end - run.warmup) / units.YEAR


def max_overlap(run: ProbeRun, desk: str) -> int:
    """Most case tasks running at once on ``desk`` (from finished requests)."""
    points = []
    for r in run.requests:
        if r["desk"] == desk and r["start"] is not None and r["done"] is not None and r["done"] > r["start"]:
            points += [(r["start"], 1), (r["done"], -1)]
    points.sort(key=lambda p: (p[0], p[1]))  # an end before a start at the same instant
    busy = most = 0
    for _, step in points:
        busy += step
        most = max(most, busy)
    return most


# --- specialisation -----------------------------------------------------------------------

HANDOVER_H, REVIEW_H, MATCHING_H = 3.0, 0.4, 0.5
SPEC_EXTRA = {
    "variant.specialisation.group_change_per_month": 1.0,  # every long-term household, every month
    "variant.specialisation.handover": fixed(HANDOVER_H),
    "variant.specialisation.matching_hours": MATCHING_H,
    "process.referral_review": fixed(REVIEW_H),
    "event_log": True,
}


@pytest.fixture(scope="module")
def group_changes():
    """Hässelby-Vällingby, specialised and broad, same seed: (run, one record per group change)."""
    out = {}
    for mode in ("specialised", "broad"):
        records: list[dict] = []
        original = followup.change_group

        def spy(run, hh, u, records=records, original=original):
            old = (hh.target_group, hh.caseworker, hh.payment_officer)
            original(run, hh, u)
            records.append({"t": run.env.now, "hh": hh.id, "old_group": old[0], "old_cw": old[1], "old_po": old[2],
                            "new_group": hh.target_group, "new_cw": hh.caseworker, "new_po": hh.payment_officer})

        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(followup, "change_group", spy)  # long_term() looks it up in the module at each call
            run = run_probe(HV, **{"variant.specialisation.mode": mode, **SPEC_EXTRA})
        out[mode] = (run, records)
    return out


def test_group_change_moves_the_household_to_a_caseworker_of_its_new_group(group_changes):
    run, changes = group_changes["specialised"]
    assert all(len(d.groups) == 1 for d in run.staff.long_term)  # really specialised
    moved = 0
    for c in changes:
        assert c["new_group"] != c["old_group"]
        assert c["new_group"] in c["new_cw"].groups and c["new_group"] in c["new_po"].groups
        if c["new_group"] in c["old_cw"].groups:
            assert c["new_cw"] is c["old_cw"]
        else:
            assert c["new_cw"] is not c["old_cw"]
            moved += 1
        if c["new_group"] in c["old_po"].groups:
            assert c["new_po"] is c["old_po"]
        else:
            assert c["new_po"] is not c["old_po"]
    assert moved > 200
    # Caseloads moved along with the households: every desk holds exactly its long-term households.
    in_lt = [hh for hh in run.population.all if hh.stage == "long_term"]
    assert len(in_lt) == run.rec.in_stage("long_term") > 100
    assert Counter(hh.caseworker.name for hh in in_lt) == Counter(
        {d.name: d.caseload for d in run.staff.long_term if d.caseload})
    assert Counter(hh.payment_officer.name for hh in in_lt) == Counter(
        {d.name: d.caseload for d in run.staff.payment_officers if d.caseload})
    assert all(hh.target_group in hh.caseworker.groups for hh in in_lt)


def test_handovers_are_done_by_the_new_caseworker_with_the_handover_duration(group_changes):
    run, changes = group_changes["specialised"]
    new_cw = {(c["hh"], c["t"]): c["new_cw"].name for c in changes if c["new_cw"] is not c["old_cw"]}
    handovers = [r for r in run.requests if r["task"] == "handover"]
    assert len(handovers) == len(new_cw)  # one handover per change of caseworker, none otherwise
    for r in handovers:
        assert r["desk"] == new_cw[(r["hh"], r["requested"])]
    events = events_of(run, "handover")
    assert len(events) > 100
    assert all(e[2] == "long_term" and e[5] - e[4] == pytest.approx(HANDOVER_H, abs=EPS) for e in events)
    after = sum(1 for (hh, t) in new_cw if t >= run.warmup)
    assert run.rec.count["handovers"] == after > 0
    assert metrics.summary(run)["handovers_per_year"] == pytest.approx(after / years(run))


def test_broad_caseworkers_keep_their_households_through_group_changes(group_changes):
    run, changes = group_changes["broad"]
    assert all(len(d.groups) == 3 for d in run.staff.long_term)
    assert len(changes) > 200  # the households' situations change just as often...
    assert all(c["new_cw"] is c["old_cw"] and c["new_po"] is c["old_po"] for c in changes)
    assert run.rec.count["handovers"] == 0  # ...but nobody changes caseworker
    assert not [r for r in run.requests if r["task"] == "handover"]
    assert metrics.summary(run)["handovers_per_year"] == 0


@pytest.mark.parametrize("mode, hours", [("specialised", REVIEW_H + MATCHING_H), ("broad", REVIEW_H)])
def test_matching_hours_add_to_each_referral_review(group_changes, mode, hours):
    run, _ = group_changes[mode]
    reviews = events_of(run, "referral_review")
    assert len(reviews) > 100
    assert all(e[2] == "deputy_manager" for e in reviews)
    assert all(e[5] - e[4] == pytest.approx(hours, abs=EPS) for e in reviews)


@pytest.mark.parametrize("mode, factor", [("specialised", 0.5), ("broad", 1.0)])
def test_specialist_speed_scales_only_a_specialists_long_term_tasks(mode, factor):
    run = run_probe(HV, horizon=20.0, warmup=5.0, **{
        "variant.specialisation.mode": mode, "variant.specialisation.specialist_speed": 0.5,
        "process.first_meeting": fixed(1.5), "process.first_visit": fixed(1.5), "event_log": True})
    meetings, visits = events_of(run, "first_meeting"), events_of(run, "first_visit")
    assert len(meetings) > 50 and len(visits) > 50
    assert all(e[5] - e[4] == pytest.approx(1.5 * factor, abs=EPS) for e in meetings)
    assert all(e[5] - e[4] == pytest.approx(1.5, abs=EPS) for e in visits)  # reception is not specialised


# --- module administrators ----------------------------------------------------------------

TAKEOVER = {"journal": 0.6, "mail": 0.3, "other": 0.2}
HANDOFF, ADMIN_RATE = 0.25, 0.8
ADMIN_EXTRA = {"variant.module_admins.takeover": TAKEOVER, "variant.module_admins.handoff_share": HANDOFF,
               "variant.module_admins.admin_hours_per_hour": ADMIN_RATE}
CASEWORKER_ROLES = ("reception", "long_term")  # Farsta's caseworker roles


@pytest.fixture(scope="module")
def admin_runs():
    """Farsta without administrators, with ample ones (4 FTE) and with swamped ones (0.05 FTE)."""
    def go(**dotted):
        run = run_probe("farsta", horizon=30.0, cls=Run, **dotted)
        return run, metrics.summary(run)
    return {
        "none": go(),
        "ample": go(**ADMIN_EXTRA, **{"variant.module_admins.fte": 4.0}),
        "swamped": go(**ADMIN_EXTRA, **{"variant.module_admins.fte": 0.05, "variant.module_admins.fallback_days": 1.0}),
    }


def handed_hours(run: Run) -> float:
    """Caseworker hours handed to administrators: the hand-off is handoff_share of them."""
    return sum(h for (role, act), h in run.ledger.hours.items() if act == "handoff") / HANDOFF


def test_caseworkers_clerical_shares_drop_by_the_takeover_fraction(admin_runs):
    run, ample = admin_runs["ample"]
    _, none = admin_runs["none"]
    tol = edge_tolerance(run)
    for role in CASEWORKER_ROLES:
        for activity, taken in TAKEOVER.items():
            key = f"time_share.{role}.{activity}"
            assert none[key] > 0
            assert ample[key] / none[key] == pytest.approx(1 - taken, rel=tol), key
        for activity in ("group_meeting", "consultation"):  # not clerical: untouched
            key = f"time_share.{role}.{activity}"
            assert ample[key] == pytest.approx(none[key], rel=tol), key
        # The hand-off: handoff_share of every hour handed over.
        handed = sum(none[f"time_share.{role}.{a}"] * t for a, t in TAKEOVER.items())
        assert ample[f"time_share.{role}.handoff"] == pytest.approx(HANDOFF * handed, rel=tol), role
        assert none[f"time_share.{role}.handoff"] == 0


def test_module_administrators_book_the_handed_hours(admin_runs):
    run, s = admin_runs["ample"]
    handed = handed_hours(run)
    assert handed > 0
    clerical = run.ledger.hours[("module_admin", "clerical")]
    assert clerical == pytest.approx(handed * ADMIN_RATE, rel=edge_tolerance(run))
    assert run.rec.count["clerical_tasks"] > 0 and run.rec.count["clerical_fallbacks"] == 0
    assert s["clerical_fallback_share"] == 0
    assert not any(act == "clerical_fallback" for (_, act) in run.ledger.hours)


def test_clerical_hours_per_caseworker_fall_by_what_is_handed_minus_the_handoff(admin_runs):
    run, ample = admin_runs["ample"]
    _, none = admin_runs["none"]
    shares = {a: none[f"time_share.long_term.{a}"] for a in TAKEOVER}
    # Each clerical hour either stays (1 - takeover) or is handed at a hand-off cost.
    kept = sum(sh * (1 - t + HANDOFF * t) for sh, t in zip(shares.values(), TAKEOVER.values())) / sum(shares.values())
    assert kept < 1
    assert ample["clerical_hours_per_caseworker_week"] == pytest.approx(
        none["clerical_hours_per_caseworker_week"] * kept, rel=edge_tolerance(run))
    assert none["clerical_fallback_share"] != none["clerical_fallback_share"]  # NaN: nothing handed


def test_swamped_administrators_hand_the_work_back(admin_runs):
    run, s = admin_runs["swamped"]
    _, ample = admin_runs["ample"]
    assert s["clerical_fallback_share"] > 0
    assert s["clerical_fallback_share"] == pytest.approx(
        run.rec.count["clerical_fallbacks"] / run.rec.count["clerical_tasks"])
    fallback = {role: run.ledger.hours.get((role, "clerical_fallback"), 0.0) for role in CASEWORKER_ROLES}
    assert all(h > 0 for h in fallback.values()), fallback
    assert s["clerical_hours_per_caseworker_week"] > ample["clerical_hours_per_caseworker_week"]
    # Every handed hour is done by someone: the administrators or, after fallback_days, the caseworker.
    done = run.ledger.hours.get(("module_admin", "clerical"), 0.0) / ADMIN_RATE + sum(fallback.values())
    assert done == pytest.approx(handed_hours(run), rel=edge_tolerance(run, days=1.0 + 2.0))


def test_module_administrators_cost_their_fte_at_the_admin_rate(admin_runs):
    _, none = admin_runs["none"]
    _, ample = admin_runs["ample"]
    cfg = Config()
    assert ample["cost_sek_per_year"] - none["cost_sek_per_year"] == pytest.approx(4.0 * cfg.costs.admin)


# --- common or own reception ----------------------------------------------------------------

PASSED_ON_DAYS, SCAN_H, COMMON_STAFF, MISROUTED = 2.0, 0.2, 20.0, 0.3


@pytest.fixture(scope="module")
def reception_runs():
    """Deterministic Hässelby-Vällingby (separate pre-assessment pool), own and common reception."""
    out = {}
    for mode in ("own", "common"):
        dotted = deterministic(**{
            "org.reception.pre_assessment": 40.0,
            "variant.reception.mode": mode, "variant.reception.misrouted_share": MISROUTED,
            "variant.reception.passed_on_days": PASSED_ON_DAYS, "variant.reception.scan": fixed(SCAN_H),
            "variant.reception.common_staff": COMMON_STAFF})
        run = run_config(make_config(HV, dotted=dotted), ProbeRun)
        out[mode] = (run, metrics.summary(run))
    return out


def first_visit_extra(run: ProbeRun) -> list[tuple[bool, float]]:
    """(misrouted, first-visit wait minus the reception steps before it) per first visit."""
    hhs = {hh.id: hh for hh in run.population.all}
    out = []
    for r in run.requests:
        if r["task"] == "first_visit" and r["start"] is not None:
            hh = hhs[r["hh"]]
            steps = PRE + ACUTE * hh.acute + HOME * hh.home_visit
            out.append((hh.misrouted, r["start"] - hh.arrived - steps))
    return out


def test_own_reception_misrouted_households_wait_passed_on_days_longer(reception_runs):
    run, _ = reception_runs["own"]
    extra = first_visit_extra(run)
    delay = PASSED_ON_DAYS * units.HOURS_PER_DAY
    kinds = Counter(m for m, _ in extra)
    assert kinds[True] > 30 and kinds[False] > 30
    for misrouted, wait in extra:
        assert wait == pytest.approx(delay if misrouted else 0.0, abs=EPS)


def test_own_reception_pre_assessment_staff_take_other_units_contacts(reception_runs):
    run, s = reception_runs["own"]
    contacts = [r for r in run.requests if r["task"] == "misrouted"]
    assert contacts and {r["role"] for r in contacts} == {"reception_pre_assessment"}
    assert all(r["hh"] is None for r in contacts)  # not households of this unit
    assert run.ledger.hours[("reception_pre_assessment", "misrouted_contacts")] > 0
    assert s["time_share.reception_pre_assessment.misrouted_contacts"] > 0
    # As many contacts come in as this unit loses: a Poisson stream of rate share x arrivals.
    expected = MISROUTED * run.cfg.org.arrivals_per_week * (run.end - run.warmup) / units.WEEK
    assert abs(run.rec.count["misrouted_contacts"] - expected) <= 4 * math.sqrt(expected)
    assert s["misrouted_contacts_per_week"] == pytest.approx(
        run.rec.count["misrouted_contacts"] / ((run.end - run.warmup) / units.WEEK))


def test_common_reception_scans_every_household_without_misrouting_delay(reception_runs):
    run, s = reception_runs["common"]
    reqs = by_household(run)
    assert len(reqs) > 100
    for hid, rs in reqs.items():
        rs = sorted(rs, key=lambda r: r["requested"])
        assert rs[0]["task"] == "scan" and rs[0]["role"] == "common_reception", hid
        scans = [r for r in rs if r["task"] == "scan"]
        assert len(scans) == sum(r["task"] == "pre_assessment" for r in rs)  # every reception entry
    extra = first_visit_extra(run)
    assert sum(m for m, _ in extra) > 30  # misrouted households exist, and are not delayed
    assert all(w == pytest.approx(SCAN_H, abs=EPS) for _, w in extra)
    # Other units' contacts are scanned and routed by the common reception too.
    assert not [r for r in run.requests if r["task"] == "misrouted"]
    contacts = [r for r in run.requests if r["task"] == "scan" and r["hh"] is None]
    assert contacts and {r["role"] for r in contacts} == {"common_reception"}
    assert run.rec.count["misrouted_contacts"] == len([r for r in contacts if r["requested"] >= run.warmup])
    assert s["time_share.common_reception.scanning"] > 0


def test_common_reception_costs_its_staff_at_the_caseworker_rate(reception_runs):
    _, own = reception_runs["own"]
    run, common = reception_runs["common"]
    assert common["cost_sek_per_year"] - own["cost_sek_per_year"] == pytest.approx(
        COMMON_STAFF * run.cfg.costs.caseworker)


# --- payment pairing ----------------------------------------------------------------------

STABLE = {"variant.specialisation.group_change_per_month": 0.0,  # a household keeps its caseworker
          "org.households.return_share": 0.0}


def test_caseworker_owns_every_payment_is_approved_by_the_households_caseworker():
    check, approval, share = 0.75, 0.2, 0.4
    run = run_probe(HV, horizon=30.0, **STABLE, **{
        "variant.payment.pairing": "caseworker_owns", "process.payment_check": fixed(check),
        "variant.payment.approval": fixed(approval), "variant.payment.officer_share_when_owned": share,
        "event_log": True})
    assert run.policy.pairing == "caseworker_owns"  # overrides Hässelby-Vällingby's own "paired"
    hhs = {hh.id: hh for hh in run.population.all}
    paid = 0
    for hid, rs in by_household(run).items():
        approvals = {r["done"]: r for r in rs if r["task"] == "payment_approval" and r["done"] is not None}
        for p in (r for r in rs if r["task"] == "payment"):
            a = approvals.get(p["requested"])
            assert a is not None, f"payment of household {hid} at {p['requested']} without an approval before it"
            assert a["desk"] == hhs[hid].caseworker.name and a["role"] == "long_term"
            assert p["role"] == "payment_officer"
            paid += 1
    assert paid > 200
    officer = events_of(run, "payment")
    assert officer and all(e[5] - e[4] == pytest.approx(share * check, abs=EPS) for e in officer)
    assert all(e[5] - e[4] == pytest.approx(approval, abs=EPS) for e in events_of(run, "payment_approval"))
    assert run.rec.count["self_payments"] == 0


@pytest.fixture(scope="module")
def self_pay_runs():
    """Paired payments with too few payment officers, with and without self-paying caseworkers."""
    out = {}
    for share in (1.0, 0.0):
        run = run_probe(HV, horizon=30.0, **STABLE, **{
            "variant.payment.pairing": "paired", "variant.payment.self_pay_share": share,
            "org.payment.officers": 0.3})
        out[share] = (run, metrics.summary(run))
    return out


def test_self_paying_caseworkers_pay_when_the_officer_is_slow(self_pay_runs):
    run, s = self_pay_runs[1.0]
    after = run.cfg.variant.payment.self_pay_after_days * units.HOURS_PER_DAY
    assert all(d.self_pays for d in run.staff.long_term)
    hhs = {hh.id: hh for hh in run.population.all}
    n = 0
    for hid, rs in by_household(run).items():
        squeezed = {r["requested"] + after: r for r in rs if r["task"] == "payment" and r["start"] is None}
        for sp in (r for r in rs if r["task"] == "self_payment"):
            officer = min(squeezed, key=lambda t: abs(t - sp["requested"]), default=None)
            assert officer is not None and officer == pytest.approx(sp["requested"], abs=EPS), hid
            assert sp["desk"] == hhs[hid].caseworker.name and sp["role"] == "long_term"
            n += 1
    assert n > 50
    counted = sum(1 for r in run.requests if r["task"] == "self_payment" and r["requested"] >= run.warmup)
    assert run.rec.count["self_payments"] == counted
    assert s["self_payment_share"] == pytest.approx(counted / s["payments"])
    assert s["self_payment_share"] > 0


def test_without_self_payers_payments_wait_for_the_officer(self_pay_runs):
    run, s = self_pay_runs[0.0]
    faster, s_self = self_pay_runs[1.0]
    assert not any(d.self_pays for d in run.staff.long_term)
    assert run.rec.count["self_payments"] == 0 and s["self_payment_share"] == 0
    assert not [r for r in run.requests if r["task"] == "self_payment"]
    assert s["late_payment_share"] > s_self["late_payment_share"]


def test_late_payments_cause_debts_and_evictions():
    eviction = 0.5
    run = run_probe(HV, horizon=30.0, **STABLE, **{
        "variant.payment.pairing": "paired", "variant.payment.self_pay_share": 0.0, "org.payment.officers": 0.3,
        "variant.payment.debt_per_late_payment": 1.0, "variant.payment.eviction_per_debt": eviction})
    s = metrics.summary(run)
    late, debts, evictions = run.rec.count["late_payments"], run.rec.count["debts"], run.rec.count["evictions"]
    assert late > 50
    assert debts == late  # debt_per_late_payment = 1: every late payment leads to a debt
    # Evictions: a share eviction_per_debt of the debts (binomial).
    assert abs(evictions / debts - eviction) <= 4 * math.sqrt(eviction * (1 - eviction) / debts)
    assert s["debts_per_year"] == pytest.approx(debts / years(run))
    assert s["evictions_per_year"] == pytest.approx(evictions / years(run))
    assert s["late_payments_per_year"] == pytest.approx(late / years(run))
    debt_work = [r for r in run.requests if r["task"] == "debt_work"]
    assert debt_work and {r["role"] for r in debt_work} == {"long_term"}


def test_every_late_payment_counts_including_reception_payments():
    # The cash office checks every payment, reception's too: swamp it so both kinds are late.
    run = run_probe(HV, horizon=30.0, **{"org.payment.cash_office": 0.3,
                                          "variant.payment.debt_per_late_payment": 1.0})
    s = metrics.summary(run)
    late_h = run.cfg.process.late_payment_days / 7.0 * units.WEEK
    late = sum(1 for t, delay in run.rec.payments if t >= run.warmup and delay > late_h)
    assert late > 50
    assert s["late_payment_share"] * s["payments"] == pytest.approx(late)
    assert run.rec.count["late_payments"] == late
    assert run.rec.count["debts"] == late


# --- caseload cap -------------------------------------------------------------------------

CAP = 20.0


@pytest.fixture(scope="module")
def capped():
    """Farsta with a cap of 20 households per FTE (no returns: a quick return goes back to its
    caseworker even above the cap, by design, see followup.after_closure)."""
    run = run_probe("farsta", **{"variant.caseload_cap": CAP, "org.households.return_share": 0.0})
    return run, metrics.summary(run)


def test_no_caseworker_holds_more_than_the_cap(capped):
    run, s = capped
    weekly = [w["max_caseload_per_caseworker"] for w in run.rec.weekly]
    assert len(weekly) == 40
    assert max(weekly) <= CAP + 1e-9
    assert s["max_caseload_per_caseworker"] <= CAP + 1e-9
    assert all(d.caseload <= CAP * d.fte + 1e-9 for d in run.staff.long_term)
    assert s["referral_overflow"] > 0
    assert len(run.staff.overflow) > 0


def test_overflow_households_are_paid_by_reception_while_they_wait(capped):
    run, _ = capped
    waited = 0
    hhs = {hh.id: hh for hh in run.population.all}
    for hid, rs in by_household(run).items():
        reviews = [r for r in rs if r["task"] == "referral_review"]
        if not reviews:
            continue
        decided = reviews[0]["requested"]
        waiting_pays = [r for r in rs if r["task"] == "reception_payment" and r["requested"] > decided]
        if waiting_pays:
            waited += 1
            assert {r["role"] for r in waiting_pays} == {"reception"}
            months = [(r["requested"] - decided) / units.MONTH for r in waiting_pays]
            assert months == pytest.approx(list(range(1, len(months) + 1)), abs=EPS)  # monthly, from the decision
            # Reception stops paying once a caseworker takes over: no long-term payment overlaps.
            first_lt = [r["requested"] for r in rs if r["task"] in ("payment", "payment_approval")]
            if first_lt:
                assert min(first_lt) > max(r["requested"] for r in waiting_pays)
        if any(r["task"] == "closure" and r["done"] is not None and r["role"] == "long_term" for r in rs):
            paid = sum(r["task"] in ("reception_payment", "payment") for r in rs)
            assert paid == months_ceil(hhs[hid].need_months), hid  # one payment per month of need
    assert waited > 50


def test_households_are_conserved_under_a_cap(capped):
    run, s = capped
    rec = run.rec
    assert len(rec.arrivals) == len(rec.exits) + sum(rec.in_stage(st) for st in STAGES)
    assert sum(d.caseload for d in run.staff.long_term) == rec.in_stage("long_term")
    waiting = {hh.id for hh, _ in run.staff.overflow}
    assert all(hh.stage == "referral" for hh in run.population.all if hh.id in waiting)
    assert len(waiting) <= rec.in_stage("referral")


def test_handovers_respect_the_caseload_cap():
    cap = 30.0
    run = run_probe(HV, **{"variant.caseload_cap": cap, "org.households.return_share": 0.0,
                           "variant.specialisation.group_change_per_month": 0.3})
    assert run.rec.count["handovers"] > 0
    assert max(w["max_caseload_per_caseworker"] for w in run.rec.weekly) <= cap + 1e-9


# --- reinforcement ------------------------------------------------------------------------

REINFORCE = {"variant.reinforcement.enabled": True, "variant.reinforcement.threshold_weeks": 0.5,
             "variant.reinforcement.release_below_weeks": 0.4, "variant.reinforcement.start_delay_weeks": 3.0}
NEVER = {**REINFORCE, "variant.reinforcement.threshold_weeks": 100.0,
         "variant.reinforcement.release_below_weeks": 50.0}


@pytest.fixture(scope="module")
def reinforcement_runs():
    """Hässelby-Vällingby (first-visit wait ~2.5 weeks): disabled, called in (threshold 0.5
    weeks), and enabled with a threshold the wait never reaches."""
    out = {}
    for name, dotted in (("disabled", {}), ("active", REINFORCE), ("never", NEVER)):
        run = run_probe(HV, **dotted)
        out[name] = (run, metrics.summary(run))
    return out


def test_reinforcement_comes_after_the_start_delay_and_stays(reinforcement_runs):
    run, s = reinforcement_runs["active"]
    flags = [w["reinforcement_active"] for w in run.rec.weekly]
    first = flags.index(1) + 1  # snapshot k is taken at the end of week k
    # The monitor first sees a wait at the first week's end after the first visit; the wait
    # (> 2 weeks) is above the threshold at once, so the call goes out then.
    seen = math.ceil(min(t for t, _ in run.rec.first_visit_waits) / units.WEEK)
    delay = run.cfg.variant.reinforcement.start_delay_weeks
    assert seen + delay <= first <= seen + delay + 1
    assert all(flags[first - 1:])  # the wait never drops below the release level
    assert first < run.cfg.warmup_weeks  # so the whole measured window is reinforced...
    assert s["reinforcement_fte"] == pytest.approx(run.cfg.variant.reinforcement.extra_caseworkers, rel=1e-9)


def test_reinforcement_adds_first_visit_capacity(reinforcement_runs):
    regular = reinforcement_runs["disabled"][0].staff.first_visit.seats
    active, _ = reinforcement_runs["active"]
    desk = active.staff.first_visit
    assert desk.seats - desk.reserve == regular and desk.reserve == 2
    assert max_overlap(reinforcement_runs["disabled"][0], desk.name) <= regular
    assert regular < max_overlap(active, desk.name) <= desk.seats


def test_reserve_seats_never_serve_before_they_are_called_in(reinforcement_runs):
    run, s = reinforcement_runs["never"]
    assert run.staff.first_visit.reserve == 2
    assert not any(w["reinforcement_active"] for w in run.rec.weekly)
    assert max_overlap(run, run.staff.first_visit.name) <= run.staff.first_visit.seats - run.staff.first_visit.reserve
    assert s["reinforcement_fte"] == 0
    assert reinforcement_runs["disabled"][1]["reinforcement_fte"] == 0


def test_reinforcement_costs_its_time_at_the_premium(reinforcement_runs):
    _, off = reinforcement_runs["disabled"]
    run, on = reinforcement_runs["active"]
    _, never = reinforcement_runs["never"]
    c = run.cfg.costs
    assert on["reinforcement_fte"] > 0
    assert on["cost_sek_per_year"] - off["cost_sek_per_year"] == pytest.approx(
        on["reinforcement_fte"] * c.caseworker * c.reinforcement_premium)
    assert never["cost_sek_per_year"] == pytest.approx(off["cost_sek_per_year"])


def test_fractional_reinforcement_is_not_rounded_up():
    extra = 1.5
    run = run_probe(HV, **{**REINFORCE, "variant.reinforcement.extra_caseworkers": extra})
    flags = [w["reinforcement_active"] for w in run.rec.weekly]
    assert all(flags[int(run.cfg.warmup_weeks) - 1:])  # reinforced through the whole measured window
    assert metrics.summary(run)["reinforcement_fte"] == pytest.approx(extra, rel=1e-6)


def test_reinforcement_that_is_never_called_in_changes_nothing(reinforcement_runs):
    _, off = reinforcement_runs["disabled"]
    _, never = reinforcement_runs["never"]
    # The reserve seats' off-duty time is booked per day after the fact, so the first-visit pool's own
    # time shares differ by the unbooked last day; everything else must be identical.
    own = ("time_share.reception_first_visit.", "utilisation.reception_first_visit",
           "caseworker_time_share.", "time_use_gap")  # the last two pool the first-visit pool's shares
    differing = [k for k in off if not k.startswith(own) and off[k] != never[k]
                 and not (off[k] != off[k] and never[k] != never[k])]
    assert differing == []


# --- costs --------------------------------------------------------------------------------

def expected_cost(cfg: Config) -> float:
    """FTE-weighted staff cost per year, from the config alone."""
    org, v, c = cfg.org, cfg.variant, cfg.costs
    caseworkers = org.reception.caseworkers + org.long_term.caseworkers
    common = v.reception.common_staff if v.reception.mode == "common" else 0.0
    admins = v.module_admins.fte if v.module_admins.fte > 0 else v.module_admins.per_30_caseworkers * caseworkers / 30
    return ((caseworkers + common) * c.caseworker + org.payment.officers * c.payment_officer
            + (org.payment.cash_office + admins) * c.admin + org.deputy_managers * c.deputy_manager)


@pytest.mark.parametrize("org, dotted", [
    ("farsta", {}),
    (HV, {}),
    ("sodermalm", {}),
    (HV, {"variant.module_admins.per_30_caseworkers": 1.0}),
    ("farsta", {"variant.module_admins.fte": 2.5, "variant.reception.mode": "common",
                "variant.reception.common_staff": 1.5}),
    ("sodermalm", {"costs.caseworker": 610_000.0, "costs.payment_officer": 505_000.0, "costs.admin": 430_000.0,
                   "costs.deputy_manager": 720_000.0, "variant.module_admins.fte": 1.2}),
], ids=["farsta", "hv", "sodermalm", "hv-admins-per-30", "farsta-admins-common", "sodermalm-own-rates"])
def test_cost_is_the_fte_weighted_sum_of_the_rates(org, dotted):
    # Staff cost does not depend on what happens in the run: a short run suffices.
    run = run_probe(org, horizon=3.0, warmup=1.0, cls=Run, **dotted)
    assert metrics.summary(run)["cost_sek_per_year"] == pytest.approx(expected_cost(run.cfg), rel=1e-12)


# --- validation of variant values ---------------------------------------------------------

@pytest.mark.parametrize("key, value", [
    ("variant.specialisation.mode", "bogus"),
    ("variant.reception.mode", "bogus"),
    ("variant.payment.pairing", "bogus"),
    ("variant.caseload_cap", 0.5),
    ("variant.specialisation.group_change_per_month", 1.5),
    ("variant.reinforcement.release_below_weeks", 9.0),  # above threshold_weeks (5)
])
def test_invalid_variant_values_are_rejected(key, value):
    with pytest.raises(ConfigError) as err:
        make_config("farsta", dotted={key: value})
    assert err.value.key == key

