"""The model's description: the schema dataclasses Hydra composes the YAML files onto.

Hydra (through OmegaConf) already rejects unknown keys and wrong types against these schemas;
:mod:`sim.config.validate` adds what a schema cannot say. Every class is :class:`Frozen`: a
config is built once and never changed (``dataclasses.replace`` makes a changed copy), so no
process or variant can alter what another replication sees.
"""

from __future__ import annotations

from dataclasses import FrozenInstanceError, dataclass, field, fields, is_dataclass
from typing import Any

from sim.config.errors import ConfigError, UserError  # noqa: F401 (re-exported: the schema's errors)
from sim.config.vocabulary import TASKS

# The default horizon and warm-up, in weeks; every entry point and experiment takes them from here.
# Two measured years (issue 2: "2 simulated years after warm-up") after half a year of warm-up: a run starts
# with the long-term and returning households of the district's steady state (start="steady_state"), so the
# warm-up only has to fill reception's queues (weeks). From an empty office (start=empty) the long-term stock
# takes 3–4 years to settle and needs warmup_weeks=156 or more (python -m sim.warmup; docs/warmup.md).
HORIZON_WEEKS = 130.0  # total simulated time, warm-up included
WARMUP_WEEKS = 26.0


class Frozen:
    """Fields are set once, by the constructor; assigning to one afterwards raises.

    Not ``dataclass(frozen=True)``: OmegaConf turns frozen dataclasses into read-only nodes that
    Hydra cannot merge the YAML files into, so the guard is on the built objects only.
    """

    __slots__ = ()

    def __setattr__(self, name: str, value: Any) -> None:
        if name in self.__dict__:
            raise FrozenInstanceError(f"cannot assign to {type(self).__name__}.{name}: a config is frozen once "
                                      "built; make a changed copy with dataclasses.replace")
        object.__setattr__(self, name, value)



@dataclass
class Dist(Frozen):
    """A duration distribution by family, mean and coefficient of variation.

    ``fixed`` ignores nothing: its ``cv`` must be 0. ``exponential`` has cv 1 by definition
    (0 or 1 accepted). ``uniform`` is symmetric around the mean (cv ≤ 1/√3).
    """

    family: str = "fixed"
    mean: float = 1.0
    cv: float = 0.0


@dataclass
class ReceptionStaff(Frozen):
    caseworkers: float = 6.0  # total FTE in reception (mottagning)
    pre_assessment: float = 0.0  # of which only pre-assessment; 0 = everyone does everything
    booking_notice_weeks: float = 1.0  # lead time of the first-visit letter (a district routine)
    # first_visit: reception books a first visit, then analyses and decides (004 Farsta, HV);
    # documents: a letter lists the documents to send, reception decides on the complete application
    # and the first visit is the investigation group's (004 Södermalm). booking_notice_weeks is then
    # the time the household takes to send the documents.
    workflow: str = "first_visit"
    # Eviction-prevention cases (vräkningsförebyggande) handled by pre-assessment, per week (004 HV)
    eviction_notices_per_week: float = 0.0


@dataclass
class LongTermStaff(Frozen):
    caseworkers: float = 10.0  # FTE holding long-term households (försörjningsstödsgrupp, Team 2)


@dataclass
class PaymentStaff(Frozen):
    officers: float = 8.0  # payment officers (ekonomihandläggare) FTE
    cash_office: float = 1.0  # admin assistants checking every payment (kassa) FTE


@dataclass
class Households(Frozen):
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
class Assistance(Frozen):
    """Economic assistance paid (försörjningsstöd, issue 17): a household's amount each month it is paid.

    Each household gets its own monthly amount, drawn once (lognormal: positive and right-skewed, as benefit
    amounts by household size are), the same in every variant. 0 SEK: no money is counted (the reductions).
    """

    sek_per_household_month: float = 0.0  # the district's mean (each org file cites 004's 2010 figure)
    cv: float = 0.5  # assumption: spread between households (004 gives only the mean)
    # assumption: a target group's mean amount relative to the district's (1 where not listed); empty: all alike
    group_factor: dict[str, float] = field(default_factory=dict)


@dataclass
class CaseworkReference(Frozen):
    """Shares of the district's long-term household-months, as its own organisation runs (issue 17, part 2).

    Model output, not a study figure: each org file gives what ``need_clock.*_share`` measures for the district
    as the study found it (tests/test_need_clock.py checks them against a run). The need clock divides by the
    casework effect's mean over these shares, so the district keeps its months on assistance.
    """

    on_time: float = 0.0  # the month's follow-up started on time
    missed: float = 0.0  # the month's follow-up was squeezed out
    handover: float = 0.0  # a change of caseworker within process.casework_effect.handover_months
    late_payment: float = 0.0  # the month's payment was late


@dataclass
class CityDistrict(Frozen):
    """One district of a city (``org.kind: city``): a district file it is modelled on, scaled."""

    name: str = ""
    org: str = ""  # a district in configs/org/ (farsta, sodermalm, hasselby_vallingby)
    scale: float = 1.0  # arrivals and every staff FTE of that district x scale
    # The district's full Org (its file, scaled): filled in by sim.config.compose when the config is
    # built, so validation, the model and the cache key see the district's values; never set in YAML.
    resolved: Any = None


@dataclass
class Station(Frozen):
    """One station of the tandem reduction (``org.kind: tandem``): identical servers, exponential service."""

    servers: int = 1
    service_hours_mean: float = 1.0


@dataclass
class Org(Frozen):
    """A district: staffing and caseload figures (each value cited in its YAML file)."""

    name: str = "district"
    # "district": the full model; "city": districts in turn; the validation reductions of the same Run
    # (Poisson arrivals, exponential service, no overhead, a clock around the day): "mmc", one station of
    # c identical servers (Erlang C; with priority classes Cobham's formula), "tandem", stations in series
    # (Jackson)
    kind: str = "district"
    servers: int = 1  # mmc only
    arrivals_per_hour: float = 1.0  # mmc and tandem
    service_hours_mean: float = 1.0  # mmc only
    # mmc only: shares of the arrivals in each non-preemptive priority class, highest first; empty: one class
    priority_classes: list[float] = field(default_factory=list)
    stations: list[Station] = field(default_factory=list)  # tandem only, in the order customers visit them
    arrivals_per_week: float = 30.0
    # Inflow by calendar month (January first), as multiples of arrivals_per_week with mean 1 so the year's inflow
    # is unchanged; empty: a flat inflow. 004: Farsta has "a fairly even flow"; HV's wait peaked in late winter.
    arrival_profile: list[float] = field(default_factory=list)
    specialised: bool = False
    reception: ReceptionStaff = field(default_factory=ReceptionStaff)
    long_term: LongTermStaff = field(default_factory=LongTermStaff)
    payment: PaymentStaff = field(default_factory=PaymentStaff)
    deputy_managers: float = 1.0
    # paired: every household has a caseworker and a payment officer who checks and pays
    # (Hässelby-Vällingby); caseworker_owns: the caseworker approves, the officer only pays (Farsta)
    payment_pairing: str = "caseworker_owns"
    households: Households = field(default_factory=Households)
    assistance: Assistance = field(default_factory=Assistance)
    casework_reference: CaseworkReference = field(default_factory=CaseworkReference)
    # Caseworker-days of on-call phone duty (telefonjour) per working day, taken in turn by the
    # reception and long-term caseworkers (a rota; Ramböll 002 finds on-call phone 3–10 % of the week)
    on_call_per_day: float = 0.0
    # kind "city" only: the districts, simulated one after the other in one replication (sim/city.py)
    districts: list[CityDistrict] = field(default_factory=list)
    # A municipality's own time-use survey (python -m sim.calibrate): activity -> share of the week, %.
    # Empty: the Ramböll column timeuse.column (002).
    time_use: dict[str, float] = field(default_factory=dict)
    # Task durations fitted to the municipality's own records: a Process duration name -> Dist,
    # replacing process.<name> for this district.
    durations: dict[str, Dist] = field(default_factory=dict)


@dataclass
class CaseworkEffect(Frozen):
    """How casework changes the time a household needs assistance (issue 17, part 2; sim/model/need_clock.py).

    Off by default: a household's need is then drawn on arrival and nothing a caseworker does changes it. On,
    each long-term month uses up the product of these factors (divided by the district's reference) months of
    need: a monthly exit-hazard multiplier. No seed gives them; the central values and ranges are assumptions
    read from welfare-to-work evidence (docs/evidence/casework_and_exits.md, "Suggested ranges").
    """

    enabled: bool = False
    # assumption: a follow-up started on time (an active plan). Graversen & van Ours 2008 HR 1.22-1.30, Böheim
    # et al. 2023 HR 1.16 (1.12-1.20), Liljeberg & Lundin 2010 1.06-1.18; Persson & Vikman 2014 find no average
    # effect in Swedish social assistance. Range 1.0-1.3
    on_time: float = 1.15
    # assumption: a follow-up squeezed out. Schiprowski 2020: one lost meeting +5 % duration (0 for the weakest
    # caseworkers, twice that for the better half). Range 0.8-1.0
    missed: float = 0.9
    # assumption: no direct study; a handover is like one or two lost meetings (Schiprowski 2020). Range 0.85-1.0
    handover: float = 0.93
    handover_months: float = 3.0  # assumption: how long a handover slows the household
    # assumption: no outcome evidence, only hardship (UK Universal Credit wait). Range 0.9-1.0
    late_payment: float = 0.97


@dataclass
class DecisionVariation(Frozen):
    """Caseworkers differ in what they grant where the norms leave room (issue 17, part 4; sim/model/decisions.py).

    004's case exercise: six caseworkers, the same application: three granted with repayment, two granted, one
    refused. Off by default: each household's refusal is its own draw (org.households.refusal_share). On, a
    grey-zone application is granted if the household's own uniform lies below the grant propensity of whoever
    settles it; each reception caseworker (and deputy manager) has a propensity drawn once per run.
    """

    enabled: bool = False
    grey_zone_share: float = 0.2  # assumption: share of decided applications where the norms leave room
    grant_mean: float = 5 / 6  # 004 case exercise: 5 of 6 caseworkers granted the same application
    # assumption: spread (sd) of the propensities between caseworkers (Beta distribution; the exercise is one case,
    # which cannot give a spread; Bergmark & Stranz 2023 find disparities between caseworkers growing)
    grant_sd: float = 0.1


@dataclass
class Process(Frozen):
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
    # Phone time with each long-term household per month (calls about payments, documents, the plan);
    # Ramböll 002: phone time 6–12 % of the week. assumption: a few minutes a household a month
    client_phone: Dist = field(default_factory=lambda: Dist("lognormal", 0.1, 0.5))
    eviction_prevention: Dist = field(default_factory=lambda: Dist("lognormal", 2.0, 0.5))  # assumption: call + visit
    plan_rewrite: Dist = field(default_factory=lambda: Dist("lognormal", 1.5, 0.3))  # assumption
    # 004 Farsta: plans are rewritten every 3–4 months (uniform on 3–4: mean 3.5, cv 0.08)
    rewrite_every_months: Dist = field(default_factory=lambda: Dist("uniform", 3.5, 0.08))
    caseload_review_per_household: float = 0.08  # assumption: ~5 minutes per household, first week of the month (004)
    payment_check: Dist = field(default_factory=lambda: Dist("lognormal", 0.75, 0.5))  # assumption
    cash_check: Dist = field(default_factory=lambda: Dist("lognormal", 0.1, 0.5))  # assumption
    closure: Dist = field(default_factory=lambda: Dist("lognormal", 0.25, 0.5))  # assumption
    appeal_per_household_month: float = 0.02  # assumption
    first_meeting_booking_weeks: float = 1.0  # assumption: the household calls to book (004 Farsta)
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
    casework_effect: CaseworkEffect = field(default_factory=CaseworkEffect)
    decision_variation: DecisionVariation = field(default_factory=DecisionVariation)


@dataclass
class TimeUse(Frozen):
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
class Specialisation(Frozen):
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
class ModuleAdmins(Frozen):
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
class ReceptionVariant(Frozen):
    """Common reception for all units, or each unit taking its own first contacts (Ramböll 002)."""

    mode: str = "own"  # own | common
    # assumption: share of this unit's contacts that first reach another unit, and the same volume of
    # other units' contacts that reach this one (002: "cases reach the wrong unit and are passed on")
    misrouted_share: float = 0.0
    passed_on_days: float = 2.0  # assumption: delay before a misrouted household reaches the right unit
    common_staff: float = 1.0  # FTE in the common reception (assumption)
    scan: Dist = field(default_factory=lambda: Dist("lognormal", 0.2, 0.5))  # assumption: first scanning


@dataclass
class PaymentVariant(Frozen):
    """Who owns the monthly payment, and the shortcut of caseworkers paying themselves (004 HV)."""

    pairing: str = "as_org"  # as_org | paired | caseworker_owns
    # Under ``paired`` only (roles unclear between caseworker and officer, 004 HV):
    self_pay_share: float = 0.5  # 004 HV: "about half" of the caseworkers sometimes pay themselves
    # assumption: share of applications whose documents are left lying ("papper ... blir liggande", 004 HV),
    # set by hand so that debts follow "several times a month" in HV (a fitted target, docs/validation.md)
    mislaid_share: float = 0.03
    mislaid_days: float = 14.0  # assumption: calendar days the documents lie before someone acts
    self_pay_after_days: float = 3.0  # assumption: a self-paying caseworker steps in after this wait
    approval: Dist = field(default_factory=lambda: Dist("lognormal", 0.15, 0.5))  # assumption: caseworker_owns
    officer_share_when_owned: float = 0.6  # assumption: officer's time when only computing and paying
    debt_per_late_payment: float = 0.1  # assumption: late payment → electricity/rent debt (004 HV)
    eviction_per_debt: float = 0.05  # assumption: debts → eviction ("even evictions, several times a month")
    debt_work: Dist = field(default_factory=lambda: Dist("lognormal", 2.0, 0.5))  # assumption


@dataclass
class Reinforcement(Frozen):
    """Temporary staff when the first-visit wait passes a threshold (004 HV; 003 reinforcement team)."""

    enabled: bool = False
    threshold_weeks: float = 5.0  # 004: HV added staff when the wait reached 5 weeks
    release_below_weeks: float = 3.0  # assumption: back to normal below this
    extra_caseworkers: float = 2.0  # assumption
    start_delay_weeks: float = 2.0  # assumption: recruiting/briefing the reinforcement
    min_weeks: float = 8.0  # assumption: shortest engagement


@dataclass
class DecisionReview(Frozen):
    """Who settles a grey-zone application (issue 17, part 4): the caseworker alone, the deputy manager's review,
    or a case-review meeting of caseworkers (ärendedragning), whose outcome is the group's mean propensity."""

    mode: str = "none"  # none | deputy | case_review
    review: Dist = field(default_factory=lambda: Dist("lognormal", 0.5, 0.5))  # assumption: deputy's hours a case
    participants: int = 3  # assumption: caseworkers at a case-review meeting
    meeting: Dist = field(default_factory=lambda: Dist("lognormal", 0.25, 0.5))  # assumption: hours each, a case


@dataclass
class Variant(Frozen):
    """An organisational variant; the default changes nothing (the district as the study found it)."""

    name: str = "as_is"
    specialisation: Specialisation = field(default_factory=Specialisation)
    module_admins: ModuleAdmins = field(default_factory=ModuleAdmins)
    reception: ReceptionVariant = field(default_factory=ReceptionVariant)
    payment: PaymentVariant = field(default_factory=PaymentVariant)
    caseload_cap: float = 0.0  # max long-term households per caseworker FTE; 0 = no cap (004 goal: 60)
    reinforcement: Reinforcement = field(default_factory=Reinforcement)
    decision_review: DecisionReview = field(default_factory=DecisionReview)


@dataclass
class Costs(Frozen):
    """Staff cost per FTE and year, SEK."""

    caseworker: float = 560_000  # assumption: salary ~33,000/month + payroll overheads
    payment_officer: float = 480_000  # assumption
    admin: float = 450_000  # 002 Ramböll: halving 12 admin FTE saves 2.7 MSEK/year ≈ 450,000 each
    deputy_manager: float = 500_000  # 002 Ramböll: a group leader costs about 500,000 SEK/year
    reinforcement_premium: float = 1.2  # assumption: internal consultants cost 20 % more per hour


@dataclass
class Absence(Frozen):
    """Spells of absence of one long-term caseworker (sick leave, parental leave)."""

    spells_per_year: float = 0.0  # per person; 0: none (the default keeps calibration as it is)
    length_weeks: Dist = field(default_factory=lambda: Dist("exponential", 1.0, 1.0))
    substitute_share: float = 0.0  # share of spells covered by a substitute (vikarie): the desk keeps working


@dataclass
class Workforce(Frozen):
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
    # Summer holiday (semester): each person of the roles above is away this many consecutive weeks a year,
    # starting at a week drawn uniformly in summer_window; 0: no holiday season (the default keeps the
    # calibration as it is). Assumption: the sources say nothing of holidays; Swedish employees are entitled to
    # four consecutive weeks in June–August (semesterlagen 12 §), e.g. summer_holiday_weeks=4
    summer_holiday_weeks: float = 0.0
    summer_window: list[float] = field(default_factory=lambda: [23.0, 31.0])  # assumption: start weeks, June–July


@dataclass
class Config(Frozen):
    org: Org = field(default_factory=Org)
    process: Process = field(default_factory=Process)
    timeuse: TimeUse = field(default_factory=TimeUse)
    variant: Variant = field(default_factory=Variant)
    costs: Costs = field(default_factory=Costs)
    workforce: Workforce = field(default_factory=Workforce)
    seed: int = 0
    # "default": the district's file as it is; "plausible": each replication takes one member of the district's
    # non-implausible set (configs/org/plausible/<org>.csv, python -m sim.fit), chosen by its seed, so variants
    # share it (common random numbers) and the answer's spread includes the parameters' uncertainty
    parameters: str = "default"
    # The district's non-implausible set as {key: value} rows: filled in by sim.config.compose; never set in YAML.
    plausible_set: Any = None
    horizon_weeks: float = HORIZON_WEEKS  # total simulated time, warm-up included
    warmup_weeks: float = WARMUP_WEEKS
    # "steady_state": the run starts with the long-term and returning households the district's own flow keeps
    # (sim/model/processes/household/steady_state.py), so the warm-up only fills reception's queues;
    # "empty": an empty office, as before (needs about four years to fill)
    start: str = "steady_state"
    event_log: bool = False


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
