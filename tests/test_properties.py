"""Property-based tests (Hypothesis): invariants of any valid run, and ``validate`` on invalid input.

Runs: random *valid* configs on top of a random district (staffing, household shares, target
groups summing to 1, distributions of every family with valid parameters, a few variant
switches, short horizons with warm-up below the horizon, low arrival rates so each example
takes a fraction of a second). Every run must conserve households, log no negative or
reversed durations, report utilisations in [0, 1] and time-use shares that sum to 1 per role,
and never hold a negative caseload.

Validation: one key of a valid config is made invalid (negative or zero staff, a share outside
[0, 1], target groups not summing to 1, a warm-up not below the horizon, an impossible
distribution); ``validate`` must raise ``ConfigError`` whose ``key`` names exactly that key.

``derandomize=True`` (and no example database) makes the examples the same on every run.
"""

from __future__ import annotations

import math
from typing import Any

from conftest import make_config, run_config
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.analysis import metrics
from sim.config.schema import ConfigError
from sim.config.validate import validate
from sim.config.vocabulary import FAMILIES
from sim.model.run import Run

DISTRICTS = ("farsta", "sodermalm", "hasselby_vallingby")
STAGES = ("reception", "referral", "long_term", "dormant")
RUN_SETTINGS = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
CHECK_SETTINGS = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                          suppress_health_check=[HealthCheck.too_slow])

SHARE_KEYS = ("acute_share", "home_visit_share", "screened_out_share", "refusal_share", "return_share")


# --- strategies -----------------------------------------------------------------------------

def fte(lo: float, hi: float) -> st.SearchStrategy[float]:
    return st.floats(min_value=lo, max_value=hi, allow_nan=False, allow_infinity=False)


@st.composite
def dists(draw, mean_lo: float, mean_hi: float) -> dict[str, Any]:
    """A valid Dist: any family, a positive mean, a cv the family allows."""
    family = draw(st.sampled_from(FAMILIES))
    mean = draw(st.floats(min_value=mean_lo, max_value=mean_hi))
    cv = {
        "fixed": st.just(0.0),
        "exponential": st.sampled_from([0.0, 1.0]),
        "lognormal": st.floats(min_value=0.05, max_value=1.5),
        "gamma": st.floats(min_value=0.05, max_value=1.5),
        "uniform": st.floats(min_value=0.0, max_value=1 / math.sqrt(3)),
    }[family]
    return {"family": family, "mean": mean, "cv": draw(cv)}


@st.composite
def target_groups(draw) -> dict[str, float]:
    """Shares of the three groups (some may be 0) summing to 1."""
    weights = draw(st.lists(st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.0]) | st.floats(0.0, 5.0),
                            min_size=3, max_size=3).filter(lambda w: sum(w) > 0.1))
    total = sum(weights)
    shares = [w / total for w in weights]
    shares[-1] = 1.0 - sum(shares[:-1])  # exact sum
    return dict(zip(("labour_market", "sick_listed", "young_adult"), (max(0.0, s) for s in shares)))


@st.composite
def valid_overrides(draw) -> tuple[str, dict[str, Any]]:
    org = draw(st.sampled_from(DISTRICTS))
    reception = draw(fte(0.3, 10.0))
    horizon = draw(st.floats(min_value=20.0, max_value=40.0))
    d: dict[str, Any] = {
        "seed": draw(st.integers(min_value=0, max_value=2 ** 31 - 1)),
        "horizon_weeks": horizon,
        "warmup_weeks": draw(st.floats(min_value=0.0, max_value=horizon - 1.0)),
        "event_log": True,
        "org.arrivals_per_week": draw(st.floats(min_value=0.5, max_value=8.0)),
        "org.reception.caseworkers": reception,
        # 0 (one pool) or a part of reception that leaves someone for first visits
        "org.reception.pre_assessment": draw(st.just(0.0) | st.floats(0.05, 0.9).map(lambda f: f * reception)),
        "org.reception.booking_notice_weeks": draw(st.floats(0.0, 3.0)),
        "org.long_term.caseworkers": draw(fte(0.2, 8.0)),
        "org.payment.officers": draw(fte(0.2, 8.0)),
        "org.payment.cash_office": draw(fte(0.1, 3.0)),
        "org.deputy_managers": draw(fte(0.1, 3.0)),
        "org.payment_pairing": draw(st.sampled_from(["paired", "caseworker_owns"])),
        "org.specialised": draw(st.booleans()),
        "org.households.target_groups": draw(target_groups()),
        "org.households.need_months": draw(dists(0.3, 6.0)),
        "org.households.return_gap_months": draw(dists(0.3, 6.0)),
        "variant.caseload_cap": draw(st.just(0.0) | st.floats(1.0, 80.0)),
        "variant.specialisation.group_change_per_month": draw(st.floats(0.0, 0.3)),
    }
    for key in SHARE_KEYS:
        d[f"org.households.{key}"] = draw(st.floats(min_value=0.0, max_value=1.0))
    for name in ("pre_assessment", "first_visit", "analysis", "followup_check", "payment_check",
                 "cash_check", "closure", "referral_review"):
        d[f"process.{name}"] = draw(dists(0.05, 3.0))
    d["process.followup_meeting_share"] = draw(st.floats(0.0, 1.0))
    d["process.appeal_per_household_month"] = draw(st.floats(0.0, 0.5))
    return org, d


# --- a run that checks caseloads at every weekly snapshot -----------------------------------

# The household's path (sim/model/processes/household): every stage change a run may make.
LEGAL_MOVES = {
    ("new", "reception"), ("reception", "exited"), ("reception", "referral"), ("reception", "dormant"),
    ("referral", "long_term"), ("long_term", "dormant"),
    ("dormant", "exited"), ("dormant", "reception"), ("dormant", "long_term"),
}


class CheckedRun(Run):
    """Records, at every weekly snapshot, the smallest caseload of any desk and whether the
    caseworkers' and payment officers' caseloads each add up to the long-term stock; and every
    stage change that is not on the household's path."""

    def __init__(self, cfg):
        super().__init__(cfg)
        self.min_caseload = math.inf
        self.caseload_mismatches: list[tuple[float, int, int, int]] = []
        self.illegal_moves: list[tuple[float, int, str, str]] = []
        self.moves = 0
        move = self.rec.move

        def checked_move(hh, stage: str) -> None:
            self.moves += 1
            if (hh.stage, stage) not in LEGAL_MOVES:
                self.illegal_moves.append((self.env.now, hh.id, hh.stage, stage))
            move(hh, stage)

        self.rec.move = checked_move

    def snapshot(self) -> None:
        self.check_caseloads()
        super().snapshot()

    def check_caseloads(self) -> None:
        cw, po = self.staff.long_term, self.staff.payment_officers
        self.min_caseload = min(self.min_caseload, *(d.caseload for d in cw + po))
        in_lt = self.rec.in_stage("long_term")
        cw_sum, po_sum = sum(d.caseload for d in cw), sum(d.caseload for d in po)
        if not cw_sum == po_sum == in_lt:
            self.caseload_mismatches.append((self.env.now, in_lt, cw_sum, po_sum))


def run_example(org: str, overrides: dict[str, Any]) -> tuple[CheckedRun, dict[str, float]]:
    cfg = make_config(org, dotted=overrides)  # validates: the strategy must only draw valid configs
    run = run_config(cfg, CheckedRun)
    run.check_caseloads()  # and once more at the very end
    return run, metrics.summary(run)


# --- properties of runs ---------------------------------------------------------------------

@RUN_SETTINGS
@given(valid_overrides())
def test_any_valid_config_runs_and_keeps_its_invariants(drawn):
    org, overrides = drawn
    run, s = run_example(org, overrides)
    rec = run.rec
    assert run.env.now == run.end

    # Conservation of households.
    in_system = sum(s[f"in_system.{st_}"] for st_ in STAGES)
    assert s["arrivals_total"] == s["exits_total"] + in_system
    assert all(rec.in_stage(st_) >= 0 for st_ in STAGES)
    for week in rec.weekly:
        assert all(week[st_] >= 0 for st_ in STAGES), week

    # No negative or reversed durations in the event log, all inside the run.
    assert rec.events is not None
    for row in rec.events:
        start, end = row[4], row[5]
        assert 0.0 <= start <= end <= run.end, row

    # Utilisation in [0, 1]; time-use shares of each role sum to 1.
    roles = {k.split(".")[1] for k in s if k.startswith("time_share.")}
    assert roles and roles == {k.split(".", 1)[1] for k in s if k.startswith("utilisation.")}
    for role in roles:
        u = s[f"utilisation.{role}"]
        assert 0.0 <= u <= 1.0, (role, u)
        shares = {k: v for k, v in s.items() if k.startswith(f"time_share.{role}.")}
        assert all(v >= 0.0 for v in shares.values()), (role, shares)
        assert abs(sum(shares.values()) - 1.0) <= 1e-9, (role, sum(shares.values()), shares)

    # No resource ever serves more logged tasks at once than it has seats.
    seats = {d.name: d.seats for d in run.staff.desks()}
    for name, (most, at) in max_concurrent(rec.events).items():
        assert most <= seats[name], (name, most, seats[name], at)

    # Caseloads never negative, and they match the long-term stock at every snapshot.
    assert run.min_caseload >= 0
    assert run.caseload_mismatches == []
    # Every stage change is on the household's path.
    assert run.moves >= len(rec.arrivals) and run.illegal_moves == []


def max_concurrent(events) -> dict[str, tuple[int, float]]:
    """Per resource: the largest number of logged tasks in progress at one time, and when."""
    by_resource: dict[str, list[tuple[float, int]]] = {}
    for _hh, _task, _role, resource, start, end in events:
        if end > start:  # a zero-length task occupies no time
            by_resource.setdefault(resource, []).extend([(start, 1), (end, -1)])
    out = {}
    for resource, points in by_resource.items():
        points.sort()  # at equal times an end (-1) sorts before a start (+1)
        n, most, at = 0, 0, 0.0
        for t, step in points:
            n += step
            if n > most:
                most, at = n, t
        out[resource] = (most, at)
    return out


# --- properties of validate() ---------------------------------------------------------------

POSITIVE_STAFF = ("org.reception.caseworkers", "org.long_term.caseworkers", "org.payment.officers",
                  "org.payment.cash_office", "org.deputy_managers")
SHARES = tuple(f"org.households.{k}" for k in SHARE_KEYS) + (
    "process.followup_meeting_share", "process.appeal_per_household_month",
    "variant.specialisation.group_change_per_month", "variant.payment.self_pay_share",
)
DIST_KEYS = ("org.households.need_months", "org.households.return_gap_months", "process.analysis",
             "process.first_visit", "variant.specialisation.handover")


def assert_rejected(org: str, key: str, dotted: dict[str, Any]) -> None:
    cfg = make_config(org, validated=False, dotted=dotted)
    try:
        validate(cfg)
    except ConfigError as err:
        assert err.key == key, (err.key, key, str(err))
        assert key in str(err)
    else:
        raise AssertionError(f"validate accepted {dotted}")


@CHECK_SETTINGS
@given(org=st.sampled_from(DISTRICTS), key=st.sampled_from(POSITIVE_STAFF),
       value=st.floats(min_value=-1000.0, max_value=0.0))
def test_staff_must_be_positive(org, key, value):
    assert_rejected(org, key, {key: value})


@CHECK_SETTINGS
@given(org=st.sampled_from(DISTRICTS), value=st.floats(min_value=-100.0, max_value=-1e-6))
def test_negative_pre_assessment_staff_is_rejected(org, value):
    assert_rejected(org, "org.reception.pre_assessment", {"org.reception.pre_assessment": value})


@CHECK_SETTINGS
@given(org=st.sampled_from(DISTRICTS), key=st.sampled_from(SHARES),
       value=st.floats(min_value=1.0, max_value=1e6, exclude_min=True)
       | st.floats(min_value=-1e6, max_value=0.0, exclude_max=True))
def test_shares_outside_zero_one_are_rejected(org, key, value):
    assert_rejected(org, key, {key: value})


@CHECK_SETTINGS
@given(org=st.sampled_from(DISTRICTS),
       shares=st.lists(st.floats(min_value=0.0, max_value=1.0), min_size=3, max_size=3)
       .filter(lambda s: abs(sum(s) - 1.0) > 1e-5))
def test_target_groups_not_summing_to_one_are_rejected(org, shares):
    groups = dict(zip(("labour_market", "sick_listed", "young_adult"), shares))
    assert_rejected(org, "org.households.target_groups", {"org.households.target_groups": groups})


@CHECK_SETTINGS
@given(org=st.sampled_from(DISTRICTS), horizon=st.floats(min_value=1.0, max_value=1000.0),
       extra=st.floats(min_value=0.0, max_value=500.0))
def test_warmup_not_below_horizon_is_rejected(org, horizon, extra):
    assert_rejected(org, "warmup_weeks", {"horizon_weeks": horizon, "warmup_weeks": horizon + extra})


@st.composite
def invalid_dist(draw) -> tuple[str, dict[str, Any]]:
    """(field that is wrong, dist): a non-positive mean, or a cv the family does not allow."""
    kind = draw(st.sampled_from(["mean", "fixed_cv", "exponential_cv", "positive_cv", "uniform_cv"]))
    if kind == "mean":
        family = draw(st.sampled_from(FAMILIES))
        cv = {"fixed": 0.0, "exponential": 1.0, "uniform": 0.3}.get(family, 0.5)
        return "mean", {"family": family, "mean": draw(st.floats(-100.0, 0.0)), "cv": cv}
    if kind == "fixed_cv":
        return "cv", {"family": "fixed", "mean": 1.0, "cv": draw(st.floats(1e-6, 10.0))}
    if kind == "exponential_cv":
        cv = draw(st.floats(1e-6, 10.0).filter(lambda c: c != 1.0))
        return "cv", {"family": "exponential", "mean": 1.0, "cv": cv}
    if kind == "positive_cv":
        return "cv", {"family": draw(st.sampled_from(["lognormal", "gamma"])), "mean": 1.0, "cv": 0.0}
    return "cv", {"family": "uniform", "mean": 1.0, "cv": draw(st.floats(1 / math.sqrt(3) + 1e-6, 10.0))}


@CHECK_SETTINGS
@given(org=st.sampled_from(DISTRICTS), key=st.sampled_from(DIST_KEYS), bad=invalid_dist())
def test_impossible_distributions_are_rejected(org, key, bad):
    field_, dist = bad
    assert_rejected(org, f"{key}.{field_}", {key: dist})


@CHECK_SETTINGS
@given(valid_overrides())
def test_the_valid_strategy_draws_only_valid_configs(drawn):
    """The run property above is only as good as its generator: every drawn config validates."""
    org, overrides = drawn
    cfg = make_config(org, validated=False, dotted=overrides)
    assert validate(cfg) is cfg
