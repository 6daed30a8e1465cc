"""Validate a built config once: everything a schema cannot say, named by key. Reads no files.

Staff must be positive, shares lie in [0, 1] and sum to 1, distributions must be possible, a
city's districts (already resolved by :mod:`sim.config.compose`) must each be a valid district.
Every failure is a :class:`ConfigError` naming the key, the bad value and what is allowed.
"""

from __future__ import annotations

import math
from dataclasses import replace

from sim.config import ramboll as timeuse
from sim.config.schema import Config, ConfigError, Dist, Org, Variant, leaves
from sim.config.vocabulary import (
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
    if cfg.warmup_weeks >= cfg.horizon_weeks:
        raise ConfigError("warmup_weeks", cfg.warmup_weeks,
                          f"must be below horizon_weeks ({cfg.horizon_weeks}), which includes the warm-up")
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
