"""Validate a built config once: everything a schema cannot say, named by key. Reads no files.

Staff must be positive, shares lie in [0, 1] and sum to 1, distributions must be possible, a
city's districts (already resolved by :mod:`sim.config.compose`) must each be a valid district.
Every failure is a :class:`ConfigError` naming the key, the bad value and what is allowed.

Every number also has a plausible range, with its reason, in one table: :data:`LIMITS` below. A value
outside it (``org.reception.caseworkers=1e308``, ``horizon_weeks=inf``) is refused in one line before
anything is simulated, instead of running out of memory or overflowing inside the run.
"""

from __future__ import annotations

import math
import re
from dataclasses import fields, is_dataclass, replace
from typing import Any, Iterator, NamedTuple

from sim.config import ramboll as timeuse
from sim.config.schema import Config, ConfigError, Dist, Org, Variant, leaves
from sim.config.vocabulary import (
    DECISION_REVIEWS,
    DISTRICTS,
    DURATIONS,
    FAMILIES,
    RECEPTION_WORKFLOWS,
    REDUCTIONS,
    SAME_DAY_TASKS,
    TARGET_GROUPS,
    TASKS,
)

CITY_FIELDS = ("name", "kind", "districts")  # the only org.* keys a city sets itself


class Limit(NamedTuple):
    """A plausible range: ``low <= value <= high`` (``low < value`` when ``open_low``), in ``unit``, and why."""

    low: float
    high: float
    unit: str
    why: str
    open_low: bool = False

    def text(self) -> str:
        bracket = "(" if self.open_low else "["
        return f"{bracket}{self.low:g}, {self.high:g}]{' ' + self.unit if self.unit else ''}"


# The plausible range of every number a run takes: dotted key pattern -> Limit. ``*`` stands for any part of
# a key (``process.*.mean``, ``*.cv``), ``[*]`` for any list index; the first matching row applies, so the specific
# rows come before the general ones. Staff counts are FTE, durations of tasks working hours (a working week
# is 40), other spans the unit named. The ranges are wide: they keep out typing slips and values that would
# exhaust memory or overflow inside the run, not unusual organisations. tests/hostile/test_bounds.py checks
# that every number of every shipped config has a row and that values outside are refused in one line.
_STAFF = "one pool of staff; the studied districts have 1-15 FTE, a whole city's unit a few hundred"
_HOURS = "working hours of one task; 160 is four working weeks"
_SHARE = "a share"
LIMITS: dict[str, Limit] = {
    # the run
    "horizon_weeks": Limit(1, 2600, "weeks", "50 years, warm-up included; longer exhausts memory and time"),
    "warmup_weeks": Limit(0, 2600, "weeks", "below horizon_weeks"),
    "seed": Limit(0, 2**63 - 1, "", "a 64-bit whole number"),
    # inflow
    "org.arrivals_per_week": Limit(0, 5000, "households a week", "the studied districts have 20-25 (004); "
                                   "5000 is about 200 districts, and run time and memory grow with it",
                                   open_low=True),
    "org.arrival_profile[*]": Limit(0, 12, "x arrivals_per_week", "monthly multiples averaging 1"),
    "org.reception.eviction_notices_per_week": Limit(0, 5000, "a week", "at most the size of the inflow"),
    # staff (the reductions' servers are whole servers, not FTE)
    "org.servers": Limit(1, 1000, "servers", "a validation queue; more only slows the run"),
    "org.stations[*].servers": Limit(1, 1000, "servers", "a validation queue; more only slows the run"),
    "org.arrivals_per_hour": Limit(0, 100, "arrivals an hour", "a validation queue (the clock runs round the "
                                   "week, 168 h): 100 an hour for 50 years is 44 million customers",
                                   open_low=True),
    "org.service_hours_mean": Limit(0, 1000, "hours", "a validation queue's mean service", open_low=True),
    "org.stations[*].service_hours_mean": Limit(0, 1000, "hours", "a validation queue's mean service",
                                                open_low=True),
    "org.reception.caseworkers": Limit(0, 500, "FTE", _STAFF, open_low=True),
    "org.reception.pre_assessment": Limit(0, 500, "FTE", _STAFF),
    "org.long_term.caseworkers": Limit(0, 500, "FTE", _STAFF, open_low=True),
    "org.payment.*": Limit(0, 500, "FTE", _STAFF, open_low=True),
    "org.deputy_managers": Limit(0, 500, "FTE", _STAFF, open_low=True),
    "org.on_call_per_day": Limit(0, 500, "caseworker-days a day", "at most the caseworker FTE"),
    "org.districts[*].scale": Limit(0, 100, "x the district", "a city district as a multiple of a studied one",
                                    open_low=True),
    "variant.module_admins.fte": Limit(0, 500, "FTE", _STAFF),
    "variant.module_admins.per_30_caseworkers": Limit(0, 30, "per 30 caseworkers", "000: one per module of 25-30"),
    "variant.reception.common_staff": Limit(0, 500, "FTE", _STAFF, open_low=True),
    "variant.reinforcement.extra_caseworkers": Limit(0, 500, "FTE", _STAFF, open_low=True),
    "variant.caseload_cap": Limit(0, 1000, "households per FTE", "004's goal is 60; 0 means no cap"),
    # households
    "org.households.need_months.mean": Limit(0, 600, "months", "50 years on assistance at most", open_low=True),
    "org.households.return_gap_months.mean": Limit(0, 600, "months", "50 years", open_low=True),
    # economic assistance paid (issue 17): 004's 2010 means are 7,171-7,674 SEK a household-month; 0 counts no money
    "org.assistance.sek_per_household_month": Limit(0, 200_000, "SEK", "a household-month's assistance; 0: "
                                                    "no money counted"),
    "org.assistance.group_factor.*": Limit(0, 10, "x the district's mean", "a group's amount relative to the "
                                           "district's", open_low=True),
    # the casework effect (issue 17): monthly exit-hazard multipliers, 1 = no effect; the evidence spans 0.8-1.3
    "process.casework_effect.handover_months": Limit(0, 120, "months", "10 years"),
    "process.casework_effect.*": Limit(0, 10, "x the monthly exit hazard", "a hazard multiplier (1: no effect; "
                                       "docs/evidence/casework_and_exits.md gives 0.8-1.3)", open_low=True),
    "org.casework_reference.*": Limit(0, 1, "", "a share of the long-term household-months"),
    # grey-zone decisions (issue 17, part 4)
    "process.decision_variation.grey_zone_share": Limit(0, 1, "", _SHARE),
    "process.decision_variation.grant_mean": Limit(0, 1, "", "a probability of granting", open_low=True),
    "process.decision_variation.grant_sd": Limit(0, 0.5, "", "a spread of probabilities"),
    "variant.decision_review.participants": Limit(1, 50, "caseworkers", "a case-review meeting"),
    "process.rewrite_every_months.mean": Limit(0, 120, "months", "004: every 3-4 months", open_low=True),
    "workforce.*.length_weeks.mean": Limit(0, 520, "weeks", "an absence of at most 10 years", open_low=True),
    "*.cv": Limit(0, 10, "", "a coefficient of variation; above 10 a lognormal or gamma is almost all "
                  "in one extreme draw"),
    # durations of tasks, in working hours (Dist means, org.durations, and the hour figures)
    "*.mean": Limit(0, 160, "hours", _HOURS, open_low=True),
    "process.caseload_review_per_household": Limit(0, 8, "hours", "a working day per household and month"),
    "variant.specialisation.matching_hours": Limit(0, 40, "hours", "a working week per referral"),
    "workforce.mentor_hours_per_week": Limit(0, 40, "hours a week", "a full working week"),
    "variant.specialisation.specialist_speed": Limit(0, 10, "x task time", "a duration multiplier",
                                                     open_low=True),
    "variant.module_admins.handoff_share": Limit(0, 10, "hours per hour handed over", "a handover ratio"),
    "variant.module_admins.admin_hours_per_hour": Limit(0, 10, "hours per hour taken over",
                                                        "a productivity ratio", open_low=True),
    # spans of calendar time
    "org.reception.booking_notice_weeks": Limit(0, 52, "weeks", "a year's notice"),
    "process.first_meeting_booking_weeks": Limit(0, 52, "weeks", "a year"),
    "process.late_payment_days": Limit(0, 365, "days", "a year", open_low=True),
    "process.followup_on_time_days": Limit(0, 31, "days", "within the month", open_low=True),
    "process.closure_after_months": Limit(0, 120, "months", "10 years", open_low=True),
    "process.return_to_long_term_months": Limit(0, 120, "months", "10 years", open_low=True),
    "variant.module_admins.fallback_days": Limit(0, 365, "days", "a year", open_low=True),
    "variant.reception.passed_on_days": Limit(0, 365, "days", "a year"),
    "variant.payment.mislaid_days": Limit(0, 365, "days", "a year"),
    "variant.payment.self_pay_after_days": Limit(0, 365, "days", "a year"),
    "variant.reinforcement.start_delay_weeks": Limit(0, 520, "weeks", "10 years"),
    "variant.reinforcement.*_weeks": Limit(0, 520, "weeks", "10 years", open_low=True),
    "workforce.recruitment_weeks": Limit(0, 520, "weeks", "10 years"),
    "workforce.learning_weeks": Limit(0, 520, "weeks", "10 years", open_low=True),
    "workforce.summer_holiday_weeks": Limit(0, 52, "weeks", "a year"),
    "workforce.summer_window[*]": Limit(0, 52, "week of the year", "a week of the year"),
    "workforce.*.spells_per_year": Limit(0, 52, "a year", "one a week"),
    "workforce.leavers_per_year": Limit(0, 10, "per FTE a year", "each post turned over ten times a year"),
    # money
    "costs.reinforcement_premium": Limit(0, 10, "x a caseworker's cost", "a consultant's premium"),
    "costs.*": Limit(0, 1e8, "SEK a year", "per FTE; a caseworker costs about 560,000"),
    # time use, %
    "org.time_use.*": Limit(0, 100, "%", "a share of the week in per cent"),
    # shares (everything else that is a probability or a fraction)
    "org.households.target_groups.*": Limit(0, 1, "", _SHARE),
    "org.priority_classes[*]": Limit(0, 1, "", _SHARE),
    "org.households.*_share": Limit(0, 1, "", _SHARE),
    "process.*_share": Limit(0, 1, "", _SHARE),
    "process.appeal_per_household_month": Limit(0, 1, "", "a monthly probability"),
    "timeuse.*_overhead": Limit(0, 1, "", _SHARE),
    "variant.specialisation.group_change_per_month": Limit(0, 1, "", "a monthly probability"),
    "variant.module_admins.takeover.*": Limit(0, 1, "", _SHARE),
    "variant.module_admins.overhead": Limit(0, 1, "", _SHARE),
    "variant.reception.misrouted_share": Limit(0, 1, "", _SHARE),
    "variant.payment.*": Limit(0, 1, "", _SHARE),
    "workforce.*.substitute_share": Limit(0, 1, "", _SHARE),
    "workforce.experienced_share": Limit(0, 1, "", _SHARE),
    "workforce.initial_speed": Limit(0, 1, "", "a share of full speed", open_low=True),
    # the experiment app (sim/experiments/spec.py checks these through check_limit)
    "replications": Limit(1, 1000, "", "each replication is a full run; 1000 narrows an interval 10x "
                          "over 10"),
    "replications_x_variants": Limit(1, 10000, "runs", "every variant runs every replication"),
    # python -m sim.sweep (sim/experiments/sweep.py): a 2,000-point x 10-replication design is 20,000 runs
    "points_x_replications": Limit(1, 100000, "runs", "every point of the design runs every replication; "
                                   "a smaller design (sweep.design.n) or fewer replications"),
}
_NOT_NUMBERS = ("resolved", "plausible_set")  # filled in by compose; a city's districts are checked one by one


def _pattern(key: str) -> re.Pattern:
    text = re.escape(key).replace(r"\[\*\]", r"\[\d+\]").replace(r"\*", ".+")
    return re.compile(text + r"\Z")


_PATTERNS = [(_pattern(k), k) for k in LIMITS]


def limit_for(key: str) -> Limit | None:
    """The row of :data:`LIMITS` that applies to a dotted key (``org.stations[0].servers``), or None."""
    for pattern, name in _PATTERNS:
        if pattern.match(key):
            return LIMITS[name]
    return None


def check_limit(key: str, value: Any, limit: Limit | None = None) -> None:
    """Refuse a number outside its plausible range (or not finite) in one line: key, value, range and why."""
    limit = limit or limit_for(key)
    if limit is None or isinstance(value, bool) or not isinstance(value, (int, float)):
        return
    inside = (limit.low < value if limit.open_low else limit.low <= value) and value <= limit.high
    if not inside:  # NaN fails both comparisons
        raise ConfigError(key, value, f"outside the plausible range {limit.text()}: {limit.why} "
                                      "(the ranges: LIMITS in sim/config/validate.py)")


def numbers(obj: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Every number in a config as (dotted key, value): dataclass fields, dict entries, list items ``[i]``."""
    if is_dataclass(obj):
        for f in fields(obj):
            if f.name not in _NOT_NUMBERS:
                yield from numbers(getattr(obj, f.name), f"{prefix}.{f.name}" if prefix else f.name)
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield from numbers(v, f"{prefix}.{k}")
    elif isinstance(obj, (list, tuple)):
        for i, v in enumerate(obj):
            yield from numbers(v, f"{prefix}[{i}]")
    elif isinstance(obj, (int, float)) and not isinstance(obj, bool):
        yield prefix, obj


# The validation reductions (org=mmc, tandem) cost a fraction of a district per week and need long runs near
# saturation (an M/M/1 at 95 % load: ~75 years for the mean wait within its standard error).
REDUCTION_HORIZON = Limit(1, 10400, "weeks", "200 years for a validation reduction (org=mmc, tandem), warm-up "
                                              "included: a queue near saturation needs long runs, and weeks are cheap")


REDUCTION_WARMUP = Limit(0, 10400, "weeks", "below horizon_weeks")


def _bounds(cfg: Config) -> None:
    """Every number within its row of LIMITS; checked after the specific checks, so their messages come first."""
    reduction = cfg.org.kind in REDUCTIONS
    for key, value in numbers(cfg):
        check_limit(key, value, REDUCTION_HORIZON if reduction and key == "horizon_weeks" else
                    REDUCTION_WARMUP if reduction and key == "warmup_weeks" else None)


def _positive(key: str, value: float) -> None:
    if not (isinstance(value, (int, float)) and math.isfinite(value) and value > 0):
        raise ConfigError(key, value, "must be a number > 0")


def _non_negative(key: str, value: float) -> None:
    if not (isinstance(value, (int, float)) and math.isfinite(value) and value >= 0):
        raise ConfigError(key, value, "must be a number >= 0")


def _share(key: str, value: float) -> None:
    if not (isinstance(value, (int, float)) and 0.0 <= value <= 1.0):
        raise ConfigError(key, value, "must be a share in [0, 1]")


def _dist(key: str, d: Dist) -> None:
    if d.family not in FAMILIES:
        raise ConfigError(f"{key}.family", d.family, f"allowed: {', '.join(FAMILIES)}")
    _positive(f"{key}.mean", d.mean)
    _non_negative(f"{key}.cv", d.cv)
    if d.family == "fixed" and d.cv != 0:
        raise ConfigError(f"{key}.cv", d.cv, "a fixed duration has cv 0")
    if d.family == "exponential" and d.cv not in (0.0, 1.0):
        raise ConfigError(f"{key}.cv", d.cv, "an exponential has cv 1 (give 1 or leave 0)")
    if d.family in ("lognormal", "gamma") and d.cv <= 0:
        raise ConfigError(f"{key}.cv", d.cv, f"{d.family} needs cv > 0 (use family=fixed for 0)")
    if d.family == "uniform" and d.cv > 1 / math.sqrt(3):
        raise ConfigError(f"{key}.cv", d.cv, "a uniform on [0, 2*mean] has cv <= 0.577")


def _shares_sum_to_one(key: str, shares: dict[str, float], allowed: tuple[str, ...]) -> None:
    for name, value in shares.items():
        if name not in allowed:
            raise ConfigError(f"{key}.{name}", value, f"unknown group; allowed: {', '.join(allowed)}")
        _share(f"{key}.{name}", value)
    total = sum(shares.values())
    if abs(total - 1.0) > 1e-6:
        raise ConfigError(key, dict(shares), f"shares must sum to 1 (they sum to {total:.4g})")


def _choice(key: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ConfigError(key, value, f"allowed: {', '.join(allowed)}")


def _validate_variant(v: Variant) -> None:
    sp, ma, rc, pay, rf = v.specialisation, v.module_admins, v.reception, v.payment, v.reinforcement
    _choice("variant.specialisation.mode", sp.mode, ("as_org", "broad", "specialised"))
    _share("variant.specialisation.group_change_per_month", sp.group_change_per_month)
    _dist("variant.specialisation.handover", sp.handover)
    _non_negative("variant.specialisation.matching_hours", sp.matching_hours)
    _positive("variant.specialisation.specialist_speed", sp.specialist_speed)
    _non_negative("variant.module_admins.per_30_caseworkers", ma.per_30_caseworkers)
    _non_negative("variant.module_admins.fte", ma.fte)
    for activity, share in ma.takeover.items():
        if activity not in timeuse.ACTIVITIES:
            raise ConfigError(f"variant.module_admins.takeover.{activity}", share,
                              f"unknown activity; allowed: {', '.join(timeuse.ACTIVITIES)}")
        _share(f"variant.module_admins.takeover.{activity}", share)
    _non_negative("variant.module_admins.handoff_share", ma.handoff_share)
    _positive("variant.module_admins.admin_hours_per_hour", ma.admin_hours_per_hour)
    _positive("variant.module_admins.fallback_days", ma.fallback_days)
    _share("variant.module_admins.overhead", ma.overhead)
    if ma.overhead >= 1:
        raise ConfigError("variant.module_admins.overhead", ma.overhead, "must be below 1")
    _choice("variant.reception.mode", rc.mode, ("own", "common"))
    _share("variant.reception.misrouted_share", rc.misrouted_share)
    _non_negative("variant.reception.passed_on_days", rc.passed_on_days)
    _dist("variant.reception.scan", rc.scan)
    if rc.mode == "common":
        _positive("variant.reception.common_staff", rc.common_staff)
    _choice("variant.payment.pairing", pay.pairing, ("as_org", "paired", "caseworker_owns"))
    _choice("variant.decision_review.mode", v.decision_review.mode, DECISION_REVIEWS)
    _dist("variant.decision_review.review", v.decision_review.review)
    _dist("variant.decision_review.meeting", v.decision_review.meeting)
    for name in ("self_pay_share", "mislaid_share", "debt_per_late_payment", "eviction_per_debt",
                 "officer_share_when_owned"):
        _share(f"variant.payment.{name}", getattr(pay, name))
    _non_negative("variant.payment.self_pay_after_days", pay.self_pay_after_days)
    _non_negative("variant.payment.mislaid_days", pay.mislaid_days)
    _dist("variant.payment.approval", pay.approval)
    _dist("variant.payment.debt_work", pay.debt_work)
    _non_negative("variant.caseload_cap", v.caseload_cap)
    if 0 < v.caseload_cap < 1:
        raise ConfigError("variant.caseload_cap", v.caseload_cap, "0 (no cap) or at least 1 household per FTE")
    for name in ("threshold_weeks", "release_below_weeks", "extra_caseworkers", "min_weeks"):
        _positive(f"variant.reinforcement.{name}", getattr(rf, name))
    _non_negative("variant.reinforcement.start_delay_weeks", rf.start_delay_weeks)
    if rf.release_below_weeks > rf.threshold_weeks:
        raise ConfigError("variant.reinforcement.release_below_weeks", rf.release_below_weeks,
                          f"must not exceed threshold_weeks ({rf.threshold_weeks})")


def _validate_station(key: str, servers, service_hours_mean: float, arrivals_per_hour: float) -> None:
    """One queue of a validation reduction: whole servers, positive rates, an offered load below 1."""
    if not isinstance(servers, int) or isinstance(servers, bool) or servers < 1:
        raise ConfigError(f"{key}.servers", servers, "must be a whole number >= 1")
    _positive("org.arrivals_per_hour", arrivals_per_hour)
    _positive(f"{key}.service_hours_mean", service_hours_mean)
    load = arrivals_per_hour * service_hours_mean / servers
    if load >= 1:
        raise ConfigError("org.arrivals_per_hour", arrivals_per_hour,
                          f"offered load per server is {load:.3g} >= 1 at {key}: the queue grows without bound; "
                          f"lower it or raise {key}.servers / lower {key}.service_hours_mean")


def validate(cfg: Config) -> Config:
    """Check everything a schema cannot; return the config unchanged or raise ConfigError."""
    org, proc, tu = cfg.org, cfg.process, cfg.timeuse
    _choice("org.kind", org.kind, ("district", "city") + REDUCTIONS)
    _choice("parameters", cfg.parameters, ("default", "plausible"))
    if org.kind == "city":
        validate_city(cfg)
    elif org.districts:
        raise ConfigError("org.districts", [d.name for d in org.districts], "only an org with kind: city has districts")
    if org.kind == "mmc":
        _validate_station("org", org.servers, org.service_hours_mean, org.arrivals_per_hour)
        if org.priority_classes:
            if len(org.priority_classes) < 2:
                raise ConfigError("org.priority_classes", list(org.priority_classes),
                                  "two or more shares (one class: leave it empty)")
            _shares_sum_to_one("org.priority_classes", {str(i): v for i, v in enumerate(org.priority_classes)},
                               tuple(str(i) for i in range(len(org.priority_classes))))
    elif org.priority_classes:
        raise ConfigError("org.priority_classes", list(org.priority_classes), "only org.kind: mmc has priority classes")
    if org.kind == "tandem":
        if not org.stations:
            raise ConfigError("org.stations", [], "a tandem lists at least one station: {servers, service_hours_mean}")
        for i, st in enumerate(org.stations):
            _validate_station(f"org.stations[{i}]", st.servers, st.service_hours_mean, org.arrivals_per_hour)
    elif org.stations:
        raise ConfigError("org.stations", len(org.stations), "only org.kind: tandem has stations")
    _positive("org.arrivals_per_week", org.arrivals_per_week)
    if org.arrival_profile:
        profile = list(org.arrival_profile)
        if len(profile) != 12:
            raise ConfigError("org.arrival_profile", profile, "12 monthly multiples (January first), or empty")
        for i, value in enumerate(profile):
            _non_negative(f"org.arrival_profile[{i}]", value)
        if abs(sum(profile) / 12 - 1) > 1e-6:
            raise ConfigError("org.arrival_profile", profile,
                              f"the multiples must average 1 (they average {sum(profile) / 12:.4g}) so "
                              "arrivals_per_week stays the year's mean")
    _positive("org.reception.caseworkers", org.reception.caseworkers)
    _non_negative("org.reception.pre_assessment", org.reception.pre_assessment)
    if org.reception.pre_assessment >= org.reception.caseworkers:
        raise ConfigError(
            "org.reception.pre_assessment", org.reception.pre_assessment,
            f"must be below org.reception.caseworkers ({org.reception.caseworkers}) so someone does first visits",
        )
    _positive("org.long_term.caseworkers", org.long_term.caseworkers)
    _positive("org.payment.officers", org.payment.officers)
    _positive("org.payment.cash_office", org.payment.cash_office)
    _positive("org.deputy_managers", org.deputy_managers)
    _choice("org.payment_pairing", org.payment_pairing, ("paired", "caseworker_owns"))
    hh = org.households
    _shares_sum_to_one("org.households.target_groups", hh.target_groups, TARGET_GROUPS)
    for name in ("acute_share", "home_visit_share", "screened_out_share", "refusal_share", "return_share"):
        _share(f"org.households.{name}", getattr(hh, name))
    _dist("org.households.need_months", hh.need_months)
    _dist("org.households.return_gap_months", hh.return_gap_months)
    for name in org.assistance.group_factor:  # a misspelt group would silently get the district's mean
        if name not in TARGET_GROUPS:
            raise ConfigError(f"org.assistance.group_factor.{name}", org.assistance.group_factor[name],
                              f"unknown group; allowed: {', '.join(TARGET_GROUPS)}")
    dv = proc.decision_variation
    if 0 < dv.grant_mean < 1 and dv.grant_sd ** 2 >= dv.grant_mean * (1 - dv.grant_mean):
        raise ConfigError("process.decision_variation.grant_sd", dv.grant_sd,
                          f"below {math.sqrt(dv.grant_mean * (1 - dv.grant_mean)):.3g} (sqrt(grant_mean (1 - "
                          "grant_mean))): a Beta of that mean cannot spread further")
    ref = org.casework_reference  # the need clock's reference: shares of the same months
    if 0 <= ref.on_time <= 1 and ref.on_time + ref.missed > 1:  # each share alone: its range (LIMITS)
        raise ConfigError("org.casework_reference.missed", ref.missed, f"at most 1 - on_time ({1 - ref.on_time:g}): "
                          "a month's follow-up is on time, late or missed")

    for name, value in vars(proc).items():
        key = f"process.{name}"
        if isinstance(value, Dist):
            _dist(key, value)
    for name in ("followup_meeting_share", "appeal_per_household_month"):
        _share(f"process.{name}", getattr(proc, name))
    _non_negative("org.reception.booking_notice_weeks", org.reception.booking_notice_weeks)
    _choice("org.reception.workflow", org.reception.workflow, RECEPTION_WORKFLOWS)
    _non_negative("org.reception.eviction_notices_per_week", org.reception.eviction_notices_per_week)
    _non_negative("org.on_call_per_day", org.on_call_per_day)
    if org.on_call_per_day > org.reception.caseworkers + org.long_term.caseworkers:
        raise ConfigError("org.on_call_per_day", org.on_call_per_day,
                          "at most the district's caseworker FTE (reception + long-term)")
    for name in ("caseload_review_per_household", "first_meeting_booking_weeks"):
        _non_negative(f"process.{name}", getattr(proc, name))
    for name in ("late_payment_days", "closure_after_months", "return_to_long_term_months",
                 "followup_on_time_days"):
        _positive(f"process.{name}", getattr(proc, name))
    if sorted(proc.priorities) != sorted(TASKS):
        missing = sorted(set(TASKS) - set(proc.priorities))
        unknown = sorted(set(proc.priorities) - set(TASKS))
        raise ConfigError(
            "process.priorities", list(proc.priorities),
            f"must list every task once (missing {missing}, unknown {unknown}); tasks: {', '.join(TASKS)}",
        )

    if tu.column not in timeuse.COLUMNS:
        raise ConfigError("timeuse.column", tu.column, f"allowed: {', '.join(timeuse.COLUMNS)}")
    for activity, share in org.time_use.items():
        if activity not in timeuse.ACTIVITIES:
            raise ConfigError(f"org.time_use.{activity}", share, f"activities: {', '.join(timeuse.ACTIVITIES)}")
        _non_negative(f"org.time_use.{activity}", share)
    if org.time_use and not 95.0 <= sum(org.time_use.values()) <= 105.0:
        raise ConfigError("org.time_use", round(sum(org.time_use.values()), 2), "shares (%) must add up to 100 (±5)")
    for name, dist in org.durations.items():
        if name not in DURATIONS:
            raise ConfigError(f"org.durations.{name}", name, f"durations: {', '.join(DURATIONS)}")
        _dist(f"org.durations.{name}", dist)
    for activity in tu.overhead:
        if activity not in timeuse.ACTIVITIES:
            raise ConfigError("timeuse.overhead", activity, f"allowed: {', '.join(timeuse.ACTIVITIES)}")
    if sum(timeuse.overhead_shares(timeuse.table_for(cfg), tu.overhead).values()) >= 1.0:
        raise ConfigError("timeuse.overhead", list(tu.overhead),
                          "overhead takes 100 % of the week; no time left for cases")
    for name in ("payment_officer_overhead", "cash_office_overhead", "deputy_manager_overhead"):
        value = getattr(tu, name)
        _share(f"timeuse.{name}", value)
        if value >= 1.0:
            raise ConfigError(f"timeuse.{name}", value, "must be below 1 (100 % overhead leaves no case time)")

    _validate_variant(cfg.variant)
    for task in proc.finish_same_day:
        if task not in SAME_DAY_TASKS:
            raise ConfigError("process.finish_same_day", task, f"tasks: {', '.join(SAME_DAY_TASKS)}")
    wf = cfg.workforce
    for kind in ("sick_leave", "parental_leave"):
        spell = getattr(wf, kind)
        _non_negative(f"workforce.{kind}.spells_per_year", spell.spells_per_year)
        _dist(f"workforce.{kind}.length_weeks", spell.length_weeks)
        _share(f"workforce.{kind}.substitute_share", spell.substitute_share)
    _non_negative("workforce.leavers_per_year", wf.leavers_per_year)
    _non_negative("workforce.summer_holiday_weeks", wf.summer_holiday_weeks)
    window = list(wf.summer_window)
    if len(window) != 2 or not all(isinstance(w, (int, float)) and 0 <= w < 52 for w in window) \
            or window[0] > window[1]:
        raise ConfigError("workforce.summer_window", window, "[first, last] start week, 0 <= first <= last < 52")
    if window[1] + wf.summer_holiday_weeks > 52:
        raise ConfigError("workforce.summer_holiday_weeks", wf.summer_holiday_weeks,
                          f"at most {52 - window[1]:g} weeks, so a holiday starting in week {window[1]:g} "
                          "(workforce.summer_window) ends within the year")
    _non_negative("workforce.recruitment_weeks", wf.recruitment_weeks)
    _non_negative("workforce.mentor_hours_per_week", wf.mentor_hours_per_week)
    _positive("workforce.learning_weeks", wf.learning_weeks)
    _share("workforce.experienced_share", wf.experienced_share)
    for role in wf.roles:
        _choice("workforce.roles", role, ("long_term", "reception", "payment_officer", "deputy_manager", "cash_office"))
    if not (isinstance(wf.initial_speed, (int, float)) and 0 < wf.initial_speed <= 1):
        raise ConfigError("workforce.initial_speed", wf.initial_speed, "a share of full speed in (0, 1]")
    for name, value in vars(cfg.costs).items():
        _non_negative(f"costs.{name}", value)
    if not isinstance(cfg.seed, int) or cfg.seed < 0:
        raise ConfigError("seed", cfg.seed, "must be a whole number >= 0")
    if not (isinstance(cfg.horizon_weeks, (int, float)) and cfg.horizon_weeks >= 1):
        raise ConfigError("horizon_weeks", cfg.horizon_weeks, "must be at least 1 week (it includes the warm-up)")
    _non_negative("warmup_weeks", cfg.warmup_weeks)
    _choice("start", cfg.start, ("steady_state", "empty"))
    if cfg.warmup_weeks >= cfg.horizon_weeks:
        raise ConfigError("warmup_weeks", cfg.warmup_weeks,
                          f"must be below horizon_weeks ({cfg.horizon_weeks}), which includes the warm-up")
    _bounds(cfg)
    return cfg


def validate_city(cfg: Config) -> None:
    """A city names its districts and nothing else; every district is checked as a run of its own."""
    org = cfg.org
    if not org.districts:
        raise ConfigError("org.districts", [], "a city lists at least one district: {name, org, scale}")
    default = leaves(Org())
    for key, value in leaves(org).items():
        if key.split(".")[0] not in CITY_FIELDS and value != default.get(key):
            raise ConfigError(f"org.{key}", value,
                              "a city takes its districts' values; change the district's file in configs/org/ "
                              "or its scale (org.districts)")
    names = [d.name for d in org.districts]
    for i, d in enumerate(org.districts):
        if not d.name or d.name in names[:i]:
            raise ConfigError(f"org.districts[{i}].name", d.name, "a name of its own, unique in the city")
        if d.org not in DISTRICTS:
            raise ConfigError(f"org.districts[{i}].org", d.org, f"allowed: {', '.join(DISTRICTS)}")
        if not (isinstance(d.scale, (int, float)) and math.isfinite(d.scale) and d.scale > 0):
            raise ConfigError(f"org.districts[{i}].scale", d.scale, "must be a number > 0")
        if not isinstance(d.resolved, Org):
            raise ConfigError(f"org.districts[{i}]", d.name, "not resolved: build a city's config with "
                              "sim.config.compose (load_config or to_config), which reads the district files")
    for d in org.districts:
        try:
            validate(replace(cfg, org=d.resolved))
        except ConfigError as err:
            raise ConfigError(f"org.districts ({d.resolved.name}): {err.key}", err.value, err.allowed) from None
