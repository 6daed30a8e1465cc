"""Time use: the ledger accounts for every paid hour, and overhead takes its configured share.

Bound on the overhead share (``overhead_bounds``): each seat takes one daily block of
off-duty time plus overhead activities, booked when the block ends and clipped to the
measurement window of N whole days. So the window holds N blocks per seat, except at its two
ends: a block running over the start is only partly inside, one still running at the end is
not booked, and a block pushed back by a task that cannot be interrupted shifts the next
ones. Allowing at most one day per seat at each end, a seat books between (N - 2) and (N + 2)
blocks' worth of each activity and of off-duty time, which bounds the share of paid time.
"""

from __future__ import annotations

import pytest
from conftest import ORGS, ProbeRun, run_config, short_config

from sim.analysis import metrics
from sim.config import ramboll as timeuse
from sim.config.vocabulary import ACTIVITY_OF
from sim.model import units
from sim.model.timeuse import TimeLedger

CASEWORKER_ROLES = ("reception", "reception_pre_assessment", "reception_first_visit", "long_term")
OWN_OVERHEAD = {"payment_officer": "payment_officer_overhead", "cash_office": "cash_office_overhead",
                "deputy_manager": "deputy_manager_overhead"}
TASK_ACTIVITIES = set(ACTIVITY_OF.values())


@pytest.fixture(scope="module", params=ORGS)
def run(request):
    return run_config(short_config(request.param, seed=31), ProbeRun)


def shares_of(summary: dict, role: str) -> dict[str, float]:
    prefix = f"time_share.{role}."
    return {k[len(prefix):]: v for k, v in summary.items() if k.startswith(prefix)}


def overhead_bounds(run, role: str, share: float) -> tuple[float, float]:
    """Smallest and largest share of paid time an overhead activity of ``share`` can show."""
    desk = run.staff.by_role[role][0]
    fte, day = desk.fte, units.HOURS_PER_DAY
    window = run.ledger.end - run.ledger.start
    n = window / day
    assert n == int(n) and n > 10
    length, off = share * fte * day, (1 - fte) * day  # per seat and day
    lo = (n - 2) * length / (window - (n - 2) * off)
    hi = (n + 2) * length / (window - (n + 2) * off)
    return lo, hi


def test_shares_sum_to_one_and_lie_in_unit_interval(run):
    s = metrics.summary(run)
    roles = run.staff.by_role
    assert set(roles) == {k.split(".")[1] for k in s if k.startswith("time_share.")}
    for role in roles:
        row = shares_of(s, role)
        assert abs(sum(row.values()) - 1.0) <= 1e-9, role
        assert all(0.0 <= v <= 1.0 for v in row.values()), (role, row)
        assert s[f"utilisation.{role}"] == pytest.approx(1.0 - row["idle"])
        assert row["idle"] < 1.0  # every role did something


def test_activities_are_the_known_ones(run):
    s = metrics.summary(run)
    for role in run.staff.by_role:
        row = set(shares_of(s, role)) - {timeuse.IDLE}
        assert "off_duty" not in row
        if role in CASEWORKER_ROLES:
            assert row <= set(timeuse.CASEWORKER_ACTIVITIES), role
        else:
            assert row <= set(timeuse.EXTRA_ACTIVITIES) | TASK_ACTIVITIES, role


def test_shares_are_hours_over_paid_hours(run):
    """Recompute one role's shares from the raw ledger: paid = seats × window − off-duty."""
    role = "long_term"
    seats = sum(d.seats for d in run.staff.by_role[role])
    hours = {a: h for (r, a), h in run.ledger.hours.items() if r == role}
    paid = seats * (run.ledger.end - run.ledger.start) - hours.pop("off_duty", 0.0)
    fte = run.staff.fte(role)
    assert paid == pytest.approx(fte * (run.ledger.end - run.ledger.start), rel=2 / 100)
    s = metrics.summary(run)
    for activity, h in hours.items():
        assert s[f"time_share.{role}.{activity}"] == pytest.approx(h / paid, rel=1e-12)


def test_caseworker_overhead_matches_the_ramboll_column(run):
    s = metrics.summary(run)
    configured = timeuse.overhead_shares(timeuse.table_for(run.cfg), run.cfg.timeuse.overhead)
    roles = [r for r in run.staff.by_role if r in CASEWORKER_ROLES]
    assert "long_term" in roles and len(roles) >= 2
    for role in roles:
        row = shares_of(s, role)
        for activity, share in configured.items():
            lo, hi = overhead_bounds(run, role, share)
            if activity in TASK_ACTIVITIES:
                # Also booked by case tasks (closures are journal work): at least the overhead.
                assert row[activity] >= lo, (role, activity)
            else:
                assert lo <= row[activity] <= hi, (role, activity, row[activity], share)


def test_other_roles_overhead_matches_config(run):
    s = metrics.summary(run)
    for role, field in OWN_OVERHEAD.items():
        share = getattr(run.cfg.timeuse, field)
        lo, hi = overhead_bounds(run, role, share)
        assert lo <= shares_of(s, role)["overhead"] <= hi, role


@pytest.mark.parametrize("column", ["disability", "children_youth"])
def test_timeuse_column_changes_the_overhead_shares(column):
    base = run_config(short_config("farsta", seed=31))
    other = run_config(short_config("farsta", seed=31, timeuse__column=column))
    s_base, s_other = metrics.summary(base), metrics.summary(other)
    adults = timeuse.overhead_shares(timeuse.RAMBOLL_TABLE["adults"], base.cfg.timeuse.overhead)
    new = timeuse.overhead_shares(timeuse.RAMBOLL_TABLE[column], base.cfg.timeuse.overhead)
    for activity in ("group_meeting", "consultation", "mail", "other"):
        assert new[activity] != adults[activity]
        lo, hi = overhead_bounds(other, "long_term", new[activity])
        got = s_other[f"time_share.long_term.{activity}"]
        assert lo <= got <= hi, (activity, got, new[activity])
        assert (got > s_base[f"time_share.long_term.{activity}"]) == (new[activity] > adults[activity])


def test_overhead_list_selects_the_activities():
    run = run_config(short_config("farsta", seed=31, timeuse__overhead=["group_meeting", "mail"]))
    row = shares_of(metrics.summary(run), "long_term")
    for activity in ("consultation", "other"):
        assert row.get(activity, 0.0) == 0.0  # not booked: the key may be listed with 0
    configured = timeuse.overhead_shares(timeuse.RAMBOLL_TABLE["adults"], ["group_meeting", "mail"])
    for activity, share in configured.items():
        lo, hi = overhead_bounds(run, "long_term", share)
        assert lo <= row[activity] <= hi


def test_task_hours_in_the_ledger_match_the_tasks_done(run):
    """Plan rewrites are the only task booked as 'reassessment': ledger hours = clipped task hours."""
    lo, hi = run.ledger.start, run.ledger.end
    expected = sum(
        max(0.0, min(r["done"], hi) - max(r["start"], lo))
        for r in run.requests
        if r["task"] == "plan_rewrite" and r["start"] is not None and r["done"] is not None
    )
    assert expected > 0
    assert run.ledger.hours[("long_term", "reassessment")] == pytest.approx(expected, rel=1e-9)


def test_overhead_share_bound_is_not_vacuous():
    """The derived tolerance is a few per cent of the share, not a blanket [0, 1]."""
    run = run_config(short_config("farsta", seed=31))
    share = timeuse.overhead_shares(timeuse.RAMBOLL_TABLE["adults"], ["group_meeting"])["group_meeting"]
    lo, hi = overhead_bounds(run, "long_term", share)
    assert 0.95 * share < lo < share < hi < 1.05 * share


# --- TimeLedger unit tests ----------------------------------------------------------------

@pytest.mark.parametrize("t0, t1, booked", [
    (20.0, 30.0, 10.0),     # inside
    (5.0, 15.0, 5.0),       # straddles the start
    (95.0, 120.0, 5.0),     # straddles the end
    (0.0, 200.0, 90.0),     # covers the window
    (0.0, 10.0, 0.0),       # ends exactly at the start
    (100.0, 110.0, 0.0),    # starts exactly at the end
    (0.0, 5.0, 0.0),        # before
    (150.0, 160.0, 0.0),    # after
    (50.0, 50.0, 0.0),      # empty
    (60.0, 40.0, 0.0),      # reversed
])
def test_ledger_book_clips_to_window(t0, t1, booked):
    ledger = TimeLedger(10.0, 100.0)
    ledger.book("long_term", "mail", t0, t1)
    assert ledger.hours.get(("long_term", "mail"), 0.0) == pytest.approx(booked)
    if booked == 0.0:
        assert ("long_term", "mail") not in ledger.hours


def test_ledger_accumulates_by_role_and_activity():
    ledger = TimeLedger(0.0, 100.0)
    ledger.book("a", "mail", 0.0, 10.0)
    ledger.book("a", "mail", 50.0, 55.0)
    ledger.book("a", "phone", 10.0, 12.0)
    ledger.book("b", "mail", 0.0, 1.0)
    assert ledger.hours == {("a", "mail"): 15.0, ("a", "phone"): 2.0, ("b", "mail"): 1.0}


def test_ledger_shares_exclude_off_duty_and_fill_with_idle():
    ledger = TimeLedger(0.0, 100.0)
    ledger.book("a", "off_duty", 0.0, 20.0)   # 2 seats × 100 h − 20 h off = 180 paid hours
    ledger.book("a", "mail", 20.0, 65.0)      # 45 h
    ledger.book("a", "phone", 0.0, 90.0)      # 90 h
    shares = ledger.shares({"a": 2, "nobody": 0})
    assert "nobody" not in shares  # no paid time: no row
    row = shares["a"]
    assert {k for k, v in row.items() if v > 0} == {"mail", "phone", "idle"}
    assert row["mail"] == pytest.approx(45 / 180)
    assert row["phone"] == pytest.approx(90 / 180)
    assert row["idle"] == pytest.approx(45 / 180)
    assert sum(row.values()) == pytest.approx(1.0, abs=1e-12)


def test_overhead_shares_normalise_the_column():
    for column in timeuse.COLUMNS:
        everything = timeuse.overhead_shares(timeuse.RAMBOLL_TABLE[column], timeuse.ACTIVITIES)
        assert sum(everything.values()) == pytest.approx(1.0)
        table = timeuse.RAMBOLL_TABLE[column]
        assert everything["group_meeting"] == pytest.approx(table["group_meeting"] / sum(table.values()))


def test_overhead_holds_under_heavy_load():
    """Overhead goes before case work: a swamped long-term group still has its group meetings."""
    run = run_config(short_config("farsta", seed=31, org__long_term__caseworkers=2.0))
    row = shares_of(metrics.summary(run), "long_term")
    assert row["idle"] < 0.05  # really swamped
    for activity in ("group_meeting", "consultation", "mail", "other"):
        share = timeuse.overhead_shares(timeuse.RAMBOLL_TABLE["adults"], [activity])[activity]
        lo, hi = overhead_bounds(run, "long_term", share)
        assert lo <= row[activity] <= hi, activity
