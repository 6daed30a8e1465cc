"""The model's description: dataclasses registered in Hydra's ConfigStore, validated once.

Hydra (through OmegaConf) already rejects unknown keys and wrong types against these
schemas. ``validate`` adds what a schema cannot say — staff must be positive, shares lie in
[0, 1] and sum to 1, distributions must be possible — and raises :class:`ConfigError`
naming the key, the bad value and what is allowed. Nothing here imports SimPy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any

from sim import timeuse

TARGET_GROUPS = ("labour_market", "sick_listed", "young_adult")
FAMILIES = ("fixed", "exponential", "lognormal", "gamma", "uniform")
# Task kinds in the default priority order: appeals and acute work first, follow-up last
# (004, Farsta's priority order: "appeals first, deadlines after arrival"; Ramböll 002 finds
# follow-up is what gets squeezed).
TASKS = (
    "appeal", "acute", "decision", "referral_review", "payment", "reception_payment",
    "pre_assessment", "home_visit", "first_visit", "first_meeting", "closure",
    "caseload_review", "plan_rewrite", "followup",
)


class ConfigError(ValueError):
    """A configuration value that the model cannot run with."""

    def __init__(self, key: str, value: Any, allowed: str):
        self.key, self.value, self.allowed = key, value, allowed
        super().__init__(f"{key} = {value!r}: {allowed}")


@dataclass
class Dist:
    """A duration distribution by family, mean and coefficient of variation.

    ``fixed`` ignores nothing: its ``cv`` must be 0. ``exponential`` has cv 1 by definition
    (0 or 1 accepted). ``uniform`` is symmetric around the mean (cv ≤ 1/√3).
    """

    family: str = "fixed"
    mean: float = 1.0
    cv: float = 0.0


@dataclass
class ReceptionStaff:
    caseworkers: float = 6.0  # total FTE in reception (mottagning)
    pre_assessment: float = 0.0  # of which only pre-assessment; 0 = everyone does everything
    booking_notice_weeks: float = 1.0  # lead time of the first-visit letter (a district routine)


@dataclass
class LongTermStaff:
    caseworkers: float = 10.0  # FTE holding long-term households (försörjningsstödsgrupp, Team 2)


@dataclass
class PaymentStaff:
    officers: float = 8.0  # payment officers (ekonomihandläggare) FTE
    cash_office: float = 1.0  # admin assistants checking every payment (kassa) FTE


@dataclass
class Households:
    """Who arrives, and what they need."""

    target_groups: dict[str, float] = field(
        default_factory=lambda: {"labour_market": 0.5, "sick_listed": 0.3, "young_adult": 0.2}
    )
    # Defaults are placeholders (assumptions); each org file sets and cites its own values.
    acute_share: float = 0.1
    home_visit_share: float = 0.2
    screened_out_share: float = 0.15
    refusal_share: float = 0.15
    need_months: Dist = field(default_factory=lambda: Dist("lognormal", 8.0, 0.7))
    return_share: float = 0.2
    return_gap_months: Dist = field(default_factory=lambda: Dist("exponential", 4.0, 1.0))


@dataclass
class CityDistrict:
    """One district of a city (``org.kind: city``): a district file it is modelled on, scaled."""

    name: str = ""
    org: str = ""  # a district in configs/org/ (farsta, sodermalm, hasselby_vallingby)
    scale: float = 1.0  # arrivals and every staff FTE of that district x scale


@dataclass
class Org:
    """A district: staffing and caseload figures (each value cited in its YAML file)."""

    name: str = "district"
    # "district": the full model; "mmc": the M/M/c reduction for validation against Erlang C
    # (Poisson arrivals, exponential service, c identical servers, no overhead, around the clock)
    kind: str = "district"
    servers: int = 1  # mmc only
    arrivals_per_hour: float = 1.0  # mmc only
    service_hours_mean: float = 1.0  # mmc only
    arrivals_per_week: float = 30.0
    specialised: bool = False
    reception: ReceptionStaff = field(default_factory=ReceptionStaff)
    long_term: LongTermStaff = field(default_factory=LongTermStaff)
    payment: PaymentStaff = field(default_factory=PaymentStaff)
    deputy_managers: float = 1.0
    # paired: every household has a caseworker and a payment officer who checks and pays
    # (Hässelby-Vällingby); caseworker_owns: the caseworker approves, the officer only pays (Farsta)
    payment_pairing: str = "caseworker_owns"
    households: Households = field(default_factory=Households)
    # kind "city" only: the districts, simulated one after the other in one replication (sim/city.py)
    districts: list[CityDistrict] = field(default_factory=list)
    # A municipality's own time-use survey (python -m sim.calibrate): activity -> share of the week, %.
    # Empty: the Ramböll column timeuse.column (002).
    time_use: dict[str, float] = field(default_factory=dict)
    # Task durations fitted to the municipality's own records: a Process duration name -> Dist,
    # replacing process.<name> for this district.
    durations: dict[str, Dist] = field(default_factory=dict)


@dataclass
class Process:
    """Task durations (working hours) and routines, common to the districts unless overridden.

    Only the analysis ("about half a day", 004 Farsta), the monthly follow-up, the 3–4-month
    rewrite, the one-month closure and the three-month return rule come from the study; every
    other value is an assumption (marked), chosen to be plausible and left untouched by the
    calibration unless the README says otherwise.
    """

    pre_assessment: Dist = field(default_factory=lambda: Dist("lognormal", 0.5, 0.5))  # assumption
    acute_decision: Dist = field(default_factory=lambda: Dist("lognormal", 1.0, 0.5))  # assumption
    home_visit: Dist = field(default_factory=lambda: Dist("lognormal", 1.5, 0.3))  # assumption, incl. travel
    first_visit: Dist = field(default_factory=lambda: Dist("lognormal", 1.5, 0.3))  # assumption: "en längre stund"
    # 004 Farsta: "en analys, vilket tar ca en halv dag" — 3.5 of an 8-hour day (assumption within "about")
    analysis: Dist = field(default_factory=lambda: Dist("lognormal", 3.5, 0.3))
    reception_payment: Dist = field(default_factory=lambda: Dist("lognormal", 0.25, 0.5))  # assumption
    appeal: Dist = field(default_factory=lambda: Dist("lognormal", 2.0, 0.5))  # assumption
    referral_review: Dist = field(default_factory=lambda: Dist("lognormal", 0.33, 0.5))  # assumption
    first_meeting: Dist = field(default_factory=lambda: Dist("lognormal", 1.5, 0.3))  # assumption
    work_plan: Dist = field(default_factory=lambda: Dist("lognormal", 1.5, 0.3))  # assumption
    followup_check: Dist = field(default_factory=lambda: Dist("lognormal", 0.25, 0.5))  # assumption: desk check
    followup_meeting: Dist = field(default_factory=lambda: Dist("lognormal", 1.5, 0.3))  # assumption: meeting + notes
    # 004 Farsta: caseworkers work actively with 25 of up to 85 households → 25/85 ≈ 0.29 get a meeting
    followup_meeting_share: float = 0.29
    plan_rewrite: Dist = field(default_factory=lambda: Dist("lognormal", 1.5, 0.3))  # assumption
    # 004 Farsta: plans are rewritten every 3–4 months (uniform on 3–4: mean 3.5, cv 0.08)
    rewrite_every_months: Dist = field(default_factory=lambda: Dist("uniform", 3.5, 0.08))
    caseload_review_per_household: float = 0.08  # assumption: ~5 minutes per household, first week of the month (004)
    payment_check: Dist = field(default_factory=lambda: Dist("lognormal", 0.75, 0.5))  # assumption
    cash_check: Dist = field(default_factory=lambda: Dist("lognormal", 0.1, 0.5))  # assumption
    closure: Dist = field(default_factory=lambda: Dist("lognormal", 0.25, 0.5))  # assumption
    appeal_per_household_month: float = 0.02  # assumption
    first_meeting_booking_weeks: float = 1.0  # assumption: the household calls to book (004 Farsta)
    acute_target_days: float = 2.0  # 004 HV: acute decisions within 1–2 days
    late_payment_days: float = 10.0  # assumption: a payment later than this after the application is late
    # assumption: a follow-up counts as on time if it starts within this many working days of
    # falling due; one not started within the month is squeezed out (not done)
    followup_on_time_days: float = 5.0
    closure_after_months: float = 1.0  # 004 Farsta: closed after a month without an application
    return_to_long_term_months: float = 3.0  # 004 Farsta: a new application within three months returns
    priorities: list[str] = field(default_factory=lambda: list(TASKS))
    # End of the working day (16:00): a task still running is paused and resumed the next morning
    # (the default: nothing is lost), or, for the tasks listed here, finished the same day in
    # overtime — the seat is free the next morning and the extra hours are counted as overtime.
    finish_same_day: list[str] = field(default_factory=list)


@dataclass
class TimeUse:
    column: str = "adults"
    overhead: list[str] = field(
        default_factory=lambda: ["group_meeting", "consultation", "mail", "journal", "other"]
    )
    # Roles Ramböll did not measure: share of paid time on work the model does not generate.
    payment_officer_overhead: float = 0.25  # assumption
    cash_office_overhead: float = 0.5  # assumption: reconciliation, recoveries, mail (004 Farsta)
    deputy_manager_overhead: float = 0.6  # assumption: case reviews, staff, management


# --- organisational variants (issue 3): change the wiring, never the workload --------------

@dataclass
class Specialisation:
    """Broad or specialised long-term caseworkers (and paired payment officers)."""

    mode: str = "as_org"  # as_org | broad | specialised
    # assumption: monthly chance that a long-term household changes target group (e.g. unemployed →
    # sick-listed, 004 Södermalm's reason for dropping specialisation)
    group_change_per_month: float = 0.01
    # assumption: the new caseworker's restart ("omtag och extra uppstartstid", 004)
    handover: Dist = field(default_factory=lambda: Dist("lognormal", 2.0, 0.3))
    # assumption: deputy manager's extra time matching caseworker and payment officer per referral
    # (004 Hässelby-Vällingby: matching "tar mycket tid")
    matching_hours: float = 0.25
    # assumption: duration multiplier on a specialist's long-term tasks (1 = no gain, 0.9 = 10 % faster)
    specialist_speed: float = 1.0


@dataclass
class ModuleAdmins:
    """Module administrators (moduladministratörer, 000 Uppsala 2016): clerical help among caseworkers."""

    per_30_caseworkers: float = 0.0  # 000: one per module of 25–30 caseworkers
    fte: float = 0.0  # or an absolute number of administrators (used instead when > 0)
    # assumption: share of each clerical overhead activity they take over (000's list: file cleaning,
    # bookings of rooms and interpreters, copying, meeting notes, part of mail and paper files)
    takeover: dict[str, float] = field(default_factory=lambda: {"journal": 0.5, "mail": 0.5, "other": 0.4})
    handoff_share: float = 0.2  # assumption: caseworker time to hand over, per hour handed over
    admin_hours_per_hour: float = 1.0  # assumption: administrator hours per caseworker hour taken over
    fallback_days: float = 5.0  # assumption: work not started within this falls back to the caseworker
    overhead: float = 0.15  # assumption: administrators' own non-clerical time


@dataclass
class ReceptionVariant:
    """Common reception for all units, or each unit taking its own first contacts (Ramböll 002)."""

    mode: str = "own"  # own | common
    # assumption: share of this unit's contacts that first reach another unit, and the same volume of
    # other units' contacts that reach this one (002: "cases reach the wrong unit and are passed on")
    misrouted_share: float = 0.0
    passed_on_days: float = 2.0  # assumption: delay before a misrouted household reaches the right unit
    common_staff: float = 1.0  # FTE in the common reception (assumption)
    scan: Dist = field(default_factory=lambda: Dist("lognormal", 0.2, 0.5))  # assumption: first scanning


@dataclass
class PaymentVariant:
    """Who owns the monthly payment, and the shortcut of caseworkers paying themselves (004 HV)."""

    pairing: str = "as_org"  # as_org | paired | caseworker_owns
    self_pay_share: float = 0.0  # 004 HV: "about half" of caseworkers sometimes pay themselves
    self_pay_after_days: float = 3.0  # assumption: a self-paying caseworker steps in after this wait
    approval: Dist = field(default_factory=lambda: Dist("lognormal", 0.15, 0.5))  # assumption: caseworker_owns
    officer_share_when_owned: float = 0.6  # assumption: officer's time when only computing and paying
    debt_per_late_payment: float = 0.1  # assumption: late payment → electricity/rent debt (004 HV)
    eviction_per_debt: float = 0.05  # assumption: debts → eviction ("even evictions, several times a month")
    debt_work: Dist = field(default_factory=lambda: Dist("lognormal", 2.0, 0.5))  # assumption


@dataclass
class Reinforcement:
    """Temporary staff when the first-visit wait passes a threshold (004 HV; 003 reinforcement team)."""

    enabled: bool = False
    threshold_weeks: float = 5.0  # 004: HV added staff when the wait reached 5 weeks
    release_below_weeks: float = 3.0  # assumption: back to normal below this
    extra_caseworkers: float = 2.0  # assumption
    start_delay_weeks: float = 2.0  # assumption: recruiting/briefing the reinforcement
    min_weeks: float = 8.0  # assumption: shortest engagement


@dataclass
class Variant:
    """An organisational variant; the default changes nothing (the district as the study found it)."""

    name: str = "as_is"
    specialisation: Specialisation = field(default_factory=Specialisation)
    module_admins: ModuleAdmins = field(default_factory=ModuleAdmins)
    reception: ReceptionVariant = field(default_factory=ReceptionVariant)
    payment: PaymentVariant = field(default_factory=PaymentVariant)
    caseload_cap: float = 0.0  # max long-term households per caseworker FTE; 0 = no cap (004 goal: 60)
    reinforcement: Reinforcement = field(default_factory=Reinforcement)


@dataclass
class Costs:
    """Staff cost per FTE and year, SEK."""

    caseworker: float = 560_000  # assumption: salary ~33,000/month + payroll overheads
    payment_officer: float = 480_000  # assumption
    admin: float = 450_000  # 002 Ramböll: halving 12 admin FTE saves 2.7 MSEK/year ≈ 450,000 each
    deputy_manager: float = 500_000  # 002 Ramböll: a group leader costs about 500,000 SEK/year
    reinforcement_premium: float = 1.2  # assumption: internal consultants cost 20 % more per hour


@dataclass
class Absence:
    """Spells of absence of one long-term caseworker (sick leave, parental leave)."""

    spells_per_year: float = 0.0  # per person; 0: none (the default keeps calibration as it is)
    length_weeks: Dist = field(default_factory=lambda: Dist("exponential", 1.0, 1.0))
    substitute_share: float = 0.0  # share of spells covered by a substitute (vikarie): the desk keeps working


@dataclass
class Workforce:
    """People, not FTEs: absences, turnover and new staff among long-term caseworkers (issue 7).

    Off by default. 004 Farsta: "fem heltidsanställda socialsekreterare barnlediga" in the autumn,
    covered by young substitutes; turnover "hög", many leave "efter ett par år" (004, summary);
    001 point 2: introduction programme and mentoring for new staff.
    """

    sick_leave: Absence = field(default_factory=Absence)
    parental_leave: Absence = field(default_factory=lambda: Absence(0.0, Dist("exponential", 26.0, 1.0), 0.0))
    leavers_per_year: float = 0.0  # per long-term caseworker FTE; 0: nobody leaves
    recruitment_weeks: float = 12.0  # assumption: the post stays vacant this long
    initial_speed: float = 0.6  # assumption: a new caseworker's speed on day one (tasks take 1/0.6 as long)
    learning_weeks: float = 26.0  # assumption: speed rises linearly to 1 over this time
    mentor_hours_per_week: float = 0.0  # an experienced colleague's introduction time while the newcomer learns
    # 004 HV: "19 av de 25 fast anställda socialsekreterarna [har] mer än fyra års erfarenhet"; the rest
    # are drawn uniformly between 0 and 4 years (assumption), so some start the run still learning
    experienced_share: float = 19 / 25
    # whose absences and turnover: long_term, reception, payment_officer, deputy_manager, cash_office
    roles: list[str] = field(default_factory=lambda: ["long_term"])


@dataclass
class Config:
    org: Org = field(default_factory=Org)
    process: Process = field(default_factory=Process)
    timeuse: TimeUse = field(default_factory=TimeUse)
    variant: Variant = field(default_factory=Variant)
    costs: Costs = field(default_factory=Costs)
    workforce: Workforce = field(default_factory=Workforce)
    seed: int = 0
    horizon_weeks: float = 260.0  # total simulated time, warm-up included
    warmup_weeks: float = 156.0
    event_log: bool = False


# The task durations of Process (a district's own fitted ones replace them: org.durations).
DURATIONS = tuple(f.name for f in fields(Process) if isinstance(getattr(Process(), f.name), Dist))


def leaves(obj, prefix: str = "") -> dict:
    """A dataclass as {dotted key: value} (nested dataclasses flattened), so errors name the exact key."""
    out = {}
    for f in fields(obj):
        value = getattr(obj, f.name)
        if is_dataclass(value):
            out.update(leaves(value, f"{prefix}{f.name}."))
        else:
            out[f"{prefix}{f.name}"] = value
    return out


def register_configs() -> None:
    """Register the schemas so YAML files are type-checked against them."""
    from hydra.core.config_store import ConfigStore

    cs = ConfigStore.instance()
    cs.store(name="config_schema", node=Config)


# --- validation -------------------------------------------------------------------------

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
    for name in ("self_pay_share", "debt_per_late_payment", "eviction_per_debt", "officer_share_when_owned"):
        _share(f"variant.payment.{name}", getattr(pay, name))
    _non_negative("variant.payment.self_pay_after_days", pay.self_pay_after_days)
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


def validate(cfg: Config) -> Config:
    """Check everything a schema cannot; return the config unchanged or raise ConfigError."""
    org, proc, tu = cfg.org, cfg.process, cfg.timeuse
    _choice("org.kind", org.kind, ("district", "mmc", "city"))
    if org.kind == "city":
        from sim.city import validate_city

        validate_city(cfg)
    elif org.districts:
        raise ConfigError("org.districts", [d.name for d in org.districts], "only an org with kind: city has districts")
    if org.kind == "mmc":
        if not isinstance(org.servers, int) or org.servers < 1:
            raise ConfigError("org.servers", org.servers, "must be a whole number >= 1")
        _positive("org.arrivals_per_hour", org.arrivals_per_hour)
        _positive("org.service_hours_mean", org.service_hours_mean)
        load = org.arrivals_per_hour * org.service_hours_mean / org.servers
        if load >= 1:
            raise ConfigError("org.arrivals_per_hour", org.arrivals_per_hour,
                              f"offered load per server is {load:.3g} >= 1: the queue grows without bound; "
                              f"lower it or raise org.servers / lower org.service_hours_mean")
    _positive("org.arrivals_per_week", org.arrivals_per_week)
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
    for name in ("caseload_review_per_household", "first_meeting_booking_weeks"):
        _non_negative(f"process.{name}", getattr(proc, name))
    for name in ("acute_target_days", "late_payment_days", "closure_after_months", "return_to_long_term_months",
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
        raise ConfigError("timeuse.overhead", list(tu.overhead), "overhead takes 100 % of the week; no time left for cases")
    for name in ("payment_officer_overhead", "cash_office_overhead", "deputy_manager_overhead"):
        value = getattr(tu, name)
        _share(f"timeuse.{name}", value)
        if value >= 1.0:
            raise ConfigError(f"timeuse.{name}", value, "must be below 1 (100 % overhead leaves no case time)")

    _validate_variant(cfg.variant)
    for task in proc.finish_same_day:
        if task not in TASKS + ("work_plan", "followup_meeting", "cash_check", "handover", "mentoring"):
            raise ConfigError("process.finish_same_day", task,
                              f"tasks: {', '.join(TASKS + ('work_plan', 'followup_meeting', 'cash_check'))}")
    wf = cfg.workforce
    for kind in ("sick_leave", "parental_leave"):
        spell = getattr(wf, kind)
        _non_negative(f"workforce.{kind}.spells_per_year", spell.spells_per_year)
        _dist(f"workforce.{kind}.length_weeks", spell.length_weeks)
        _share(f"workforce.{kind}.substitute_share", spell.substitute_share)
    _non_negative("workforce.leavers_per_year", wf.leavers_per_year)
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
        raise ConfigError("warmup_weeks", cfg.warmup_weeks, f"must be below horizon_weeks ({cfg.horizon_weeks}), which includes the warm-up")
    return cfg
