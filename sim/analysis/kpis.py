"""The headline figures of a comparison: labels, units and which direction is better."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Kpi:
    key: str
    label: str
    unit: str
    better: str  # "lower" | "higher" | "" (neither)
    scale: float = 1.0  # value × scale is shown in ``unit``
    decimals: int = 2
    optional: bool = False  # shown only where some variant has it (a variant's or the workforce's own figure)


KPIS = (
    Kpi("first_visit_wait_weeks", "first-visit wait", "weeks", "lower"),
    Kpi("followups_on_time_share", "follow-ups done on time", "%", "higher", 100, 1),
    Kpi("caseload_per_caseworker", "caseload per long-term caseworker", "households", "lower", 1, 1),
    Kpi("client_facing_hours_per_caseworker_week", "caseworkers' client-facing time", "h/week per FTE", "higher"),
    Kpi("clerical_hours_per_caseworker_week", "caseworkers' clerical time", "h/week per FTE", "lower"),
    Kpi("late_payment_share", "late payments", "%", "lower", 100, 2),
    Kpi("referral_overflow", "referrals waiting for a free caseworker", "households", "lower", 1, 1, optional=True),
    Kpi("handovers_per_year", "changes of caseworker (handovers)", "per year", "lower", 1, 0, optional=True),
    Kpi("absence_share", "long-term caseworkers' time away (absences)", "%", "lower", 100, 1, optional=True),
    Kpi("vacancy_share", "long-term posts vacant", "%", "lower", 100, 1, optional=True),
    Kpi("reassigned_households_per_year", "households moved because their caseworker left", "per year", "lower",
        1, 0, optional=True),
    Kpi("overtime_hours_per_week", "overtime", "h/week", "lower", 1, 1, optional=True),
    # issue 17, part 4: only with process.decision_variation on (else no value, and not shown)
    Kpi("decisions.depends_on_decider_share", "grey-zone decisions that depend on who decided", "%", "lower", 100, 1,
        optional=True),
    Kpi("cost_sek_per_year", "staff cost", "MSEK/year", "lower", 1e-6, 2),
    Kpi("assistance_sek_per_year", "assistance paid", "MSEK/year", "lower", 1e-6, 1, optional=True),
    Kpi("total_cost_sek_per_year", "staff cost + assistance paid", "MSEK/year", "lower", 1e-6, 1, optional=True),
)
BY_KEY = {k.key: k for k in KPIS}


def shown(summary) -> list[Kpi]:
    """The headline figures of this comparison: optional ones only where some variant is not zero."""
    out = []
    for kpi in KPIS:
        values = summary.loc[summary["metric"] == kpi.key, "mean"]
        if values.empty or (kpi.optional and values.abs().sum() == 0):
            continue
        out.append(kpi)
    return out


def summary_row(summary, variant: str, metric: str):
    """One row of summary.csv (a variant's figure: mean, CI, paired difference), or None."""
    row = summary[(summary["variant"] == variant) & (summary["metric"] == metric)]
    return row.iloc[0] if len(row) else None


def judged(summary, baseline: str, variant: str) -> bool:
    """Whether a variant's figures may be called better or worse: both first-visit queues settle (summary.csv)."""
    def settles(v: str) -> bool:
        rows = summary.loc[summary["variant"] == v, "queue_settles"] if "queue_settles" in summary else []
        return not len(rows) or str(rows.iloc[0]) != "no"
    return settles(baseline) and settles(variant)


def metric_bounds(metric: str) -> tuple[float, float]:
    """The range a metric can take, for intervals that respect it: shares in [0, 1], all else but growth ≥ 0."""
    if metric.endswith("_growth_per_month"):  # a trend: either sign
        return -math.inf, math.inf
    if "share" in metric or metric.startswith("utilisation.") or metric == "time_use_gap":
        return 0.0, 1.0
    return 0.0, math.inf


def fmt(kpi: Kpi, value: float, decimals: int | None = None) -> str:
    """``value`` in the KPI's unit, thousands separated; never "-0.0"."""
    d = kpi.decimals if decimals is None else decimals
    text = f"{value * kpi.scale + 0.0:,.{d}f}"
    return text[1:] if text.startswith("-") and float(text[1:].replace(",", "")) == 0 else text


def unit_words(kpi: Kpi) -> str:
    """The unit as a difference reads: shares differ in percentage points."""
    return "percentage points" if kpi.unit == "%" else kpi.unit


def _direction(kpi: Kpi, value: float) -> str:
    if kpi.unit == "weeks" or kpi.unit == "days":
        return "longer" if value > 0 else "shorter"
    return "higher" if value > 0 else "lower"


def _amount(kpi: Kpi, value: float) -> str:
    """'0.57 weeks shorter', 'no change' where it rounds to nothing."""
    if fmt(kpi, abs(value)) == fmt(kpi, 0.0):
        return "no change"
    return f"{fmt(kpi, abs(value))} {unit_words(kpi)} {_direction(kpi, value)}"


def threshold(kpi: Kpi) -> float:
    """Below half the last shown decimal a difference is 'practically the same' (in the metric's own scale)."""
    return 0.5 * 10 ** -kpi.decimals / kpi.scale


def verdict(kpi: Kpi, diff: float, low: float, high: float, judge: bool = True) -> str:
    """``better``, ``worse``, ``same`` (practically), ``unclear`` (CI spans 0, or not ``judge``-d), ``unmeasured``."""
    if diff != diff:
        return "unmeasured"
    if low != low:
        low = high = diff
    if -threshold(kpi) < low and high < threshold(kpi):
        return "same"
    if low <= 0 <= high or not kpi.better:
        return "unclear" if low <= 0 <= high else "changed"
    if not judge:  # a queue that does not settle: its waits grow with the run, no figure is called better
        return "unclear"
    return "better" if (diff < 0) == (kpi.better == "lower") else "worse"


def sentence(kpi: Kpi, variant: str, baseline: str, diff: float, low: float, high: float,
             judge: bool = True, aside: str = "") -> str:
    """Plain words: 'first-visit wait: 0.40 weeks shorter than “as is” (95 % CI 0.20 to 0.60 weeks shorter) — better'.

    ``judge=False`` (a queue that does not settle on either side) says the difference without calling
    it better or worse; a difference that could not be measured is said, not left out; an interval of
    no width (the figure does not depend on chance, e.g. staff cost) is said in words. ``aside`` is a
    side effect that belongs with this figure (a cap's overflow), said with a verdict of better.
    """
    base = f"“{baseline}”"
    if diff != diff:
        return (f"{kpi.label}: could not be measured for “{variant}” or {base} "
                "(no such event after the warm-up in some replication)")
    if low != low or high != high:
        return f"{kpi.label}: {_amount(kpi, diff)} than {base} (a single replication: no interval)"
    exact = low == high
    call = verdict(kpi, diff, low, high)
    if call == "same":
        within = fmt(kpi, threshold(kpi), kpi.decimals + 1)
        how = "in every replication" if exact else f"95 % CI within ±{within} {unit_words(kpi)}"
        return f"{kpi.label}: practically the same as {base} ({how})"
    if call == "unclear":
        return (f"{kpi.label}: no clear difference from {base} — between {_amount(kpi, low)} and "
                f"{_amount(kpi, high)} (95 % CI)")
    tail = ""
    if kpi.better and not judge:
        tail = " — not judged: the first-visit queue does not settle"
    elif call in ("better", "worse"):
        tail = f" — {call}" + (f", {aside}" if aside and call == "better" else "")
    if exact:
        return f"{kpi.label}: {_amount(kpi, diff)} than {base} (the same in every replication){tail}"
    lo, hi = sorted((abs(low), abs(high)))
    digits = kpi.decimals  # enough decimals that a narrow interval does not read "2.34 to 2.34"
    while fmt(kpi, lo, digits) == fmt(kpi, hi, digits) and digits < kpi.decimals + 3:
        digits += 1
    return (f"{kpi.label}: {_amount(kpi, diff)} than {base} "
            f"(95 % CI {fmt(kpi, lo, digits)} to {fmt(kpi, hi, digits)}){tail}")
