"""The model's description: dataclasses registered in Hydra's ConfigStore, validated once.

Hydra (through OmegaConf) already rejects unknown keys and wrong types against these
schemas. ``validate`` adds what a schema cannot say — staff must be positive, shares lie in
[0, 1] and sum to 1, distributions must be possible — and raises :class:`ConfigError`
naming the key, the bad value and what is allowed. Nothing here imports SimPy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
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
    acute_share: float = 0.1
    home_visit_share: float = 0.2
    screened_out_share: float = 0.15
    refusal_share: float = 0.15
    need_months: Dist = field(default_factory=lambda: Dist("lognormal", 8.0, 1.0))
    return_share: float = 0.3
    return_gap_months: Dist = field(default_factory=lambda: Dist("exponential", 4.0, 1.0))


@dataclass
class Org:
    """A district: staffing and caseload figures (each value cited in its YAML file)."""

    name: str = "district"
    arrivals_per_week: float = 30.0
    specialised: bool = False
    reception: ReceptionStaff = field(default_factory=ReceptionStaff)
    long_term: LongTermStaff = field(default_factory=LongTermStaff)
    payment: PaymentStaff = field(default_factory=PaymentStaff)
    deputy_managers: float = 1.0
    households: Households = field(default_factory=Households)


@dataclass
class Process:
    """Task durations (working hours) and routines, common to the districts unless overridden."""

    pre_assessment: Dist = field(default_factory=lambda: Dist("lognormal", 0.5, 0.5))
    acute_decision: Dist = field(default_factory=lambda: Dist("lognormal", 1.0, 0.5))
    home_visit: Dist = field(default_factory=lambda: Dist("lognormal", 1.5, 0.3))
    first_visit: Dist = field(default_factory=lambda: Dist("lognormal", 1.5, 0.3))
    analysis: Dist = field(default_factory=lambda: Dist("lognormal", 3.5, 0.3))
    reception_payment: Dist = field(default_factory=lambda: Dist("lognormal", 0.25, 0.5))
    appeal: Dist = field(default_factory=lambda: Dist("lognormal", 2.0, 0.5))
    referral_review: Dist = field(default_factory=lambda: Dist("lognormal", 0.33, 0.5))
    first_meeting: Dist = field(default_factory=lambda: Dist("lognormal", 1.5, 0.3))
    work_plan: Dist = field(default_factory=lambda: Dist("lognormal", 1.5, 0.3))
    followup_check: Dist = field(default_factory=lambda: Dist("lognormal", 0.25, 0.5))
    followup_meeting: Dist = field(default_factory=lambda: Dist("lognormal", 1.0, 0.3))
    followup_meeting_share: float = 0.29
    plan_rewrite: Dist = field(default_factory=lambda: Dist("lognormal", 1.0, 0.3))
    rewrite_every_months: Dist = field(default_factory=lambda: Dist("uniform", 3.5, 0.08))
    caseload_review_per_household: float = 0.08
    payment_check: Dist = field(default_factory=lambda: Dist("lognormal", 0.75, 0.5))
    cash_check: Dist = field(default_factory=lambda: Dist("lognormal", 0.1, 0.5))
    closure: Dist = field(default_factory=lambda: Dist("lognormal", 0.25, 0.5))
    appeal_per_household_month: float = 0.02
    first_meeting_booking_weeks: float = 1.0
    acute_target_days: float = 2.0
    late_payment_days: float = 10.0
    closure_after_months: float = 1.0
    return_to_long_term_months: float = 3.0
    priorities: list[str] = field(default_factory=lambda: list(TASKS))


@dataclass
class TimeUse:
    column: str = "adults"
    overhead: list[str] = field(
        default_factory=lambda: ["group_meeting", "consultation", "mail", "journal", "other"]
    )
    # Roles Ramböll did not measure: share of paid time on work the model does not generate.
    payment_officer_overhead: float = 0.25
    cash_office_overhead: float = 0.5
    deputy_manager_overhead: float = 0.6


@dataclass
class Config:
    org: Org = field(default_factory=Org)
    process: Process = field(default_factory=Process)
    timeuse: TimeUse = field(default_factory=TimeUse)
    seed: int = 0
    horizon_weeks: float = 156.0  # total simulated time, warm-up included
    warmup_weeks: float = 52.0
    event_log: bool = False


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


def validate(cfg: Config) -> Config:
    """Check everything a schema cannot; return the config unchanged or raise ConfigError."""
    org, proc, tu = cfg.org, cfg.process, cfg.timeuse
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
    for name in ("acute_target_days", "late_payment_days", "closure_after_months", "return_to_long_term_months"):
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
    for activity in tu.overhead:
        if activity not in timeuse.ACTIVITIES:
            raise ConfigError("timeuse.overhead", activity, f"allowed: {', '.join(timeuse.ACTIVITIES)}")
    if sum(timeuse.overhead_shares(tu.column, tu.overhead).values()) >= 1.0:
        raise ConfigError("timeuse.overhead", list(tu.overhead), "overhead takes 100 % of the week; no time left for cases")
    for name in ("payment_officer_overhead", "cash_office_overhead", "deputy_manager_overhead"):
        value = getattr(tu, name)
        _share(f"timeuse.{name}", value)
        if value >= 1.0:
            raise ConfigError(f"timeuse.{name}", value, "must be below 1 (100 % overhead leaves no case time)")

    if not isinstance(cfg.seed, int) or cfg.seed < 0:
        raise ConfigError("seed", cfg.seed, "must be a whole number >= 0")
    if not (isinstance(cfg.horizon_weeks, (int, float)) and cfg.horizon_weeks >= 1):
        raise ConfigError("horizon_weeks", cfg.horizon_weeks, "must be at least 1 week (it includes the warm-up)")
    _non_negative("warmup_weeks", cfg.warmup_weeks)
    if cfg.warmup_weeks >= cfg.horizon_weeks:
        raise ConfigError("warmup_weeks", cfg.warmup_weeks, f"must be below horizon_weeks ({cfg.horizon_weeks}), which includes the warm-up")
    return cfg
