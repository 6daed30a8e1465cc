"""The headline figures of a comparison: labels, units and which direction is better."""

from __future__ import annotations

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
    Kpi("cost_sek_per_year", "staff cost", "MSEK/year", "lower", 1e-6, 2),
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


def fmt(kpi: Kpi, value: float) -> str:
    return f"{value * kpi.scale:,.{kpi.decimals}f}"


def sentence(kpi: Kpi, variant: str, baseline: str, diff: float, low: float, high: float,
             judge: bool = True) -> str:
    """Plain words: 'first-visit wait 0.40 weeks shorter than as_is (95 % CI 0.20 to 0.60)'.

    ``judge=False`` (a queue that does not settle on either side) says the difference without calling
    it better or worse; a difference that could not be measured is said, not left out.
    """
    unit = "percentage points" if kpi.unit == "%" else kpi.unit
    if diff != diff:
        return (f"{kpi.label}: could not be measured for {variant} or {baseline} "
                "(no such event after the warm-up in some replication)")
    if low != low or high != high:
        return f"{kpi.label}: {fmt(kpi, diff)} {unit} difference to {baseline} (no interval)"
    if abs(diff * kpi.scale) < 0.5 * 10 ** -kpi.decimals:
        return (f"{kpi.label}: practically the same as {baseline} "
                f"(difference below {fmt(kpi, 0.5 * 10 ** -kpi.decimals / kpi.scale)} {unit})")
    if low <= 0 <= high:
        return (f"{kpi.label}: no clear difference from {baseline} "
                f"(95 % CI {fmt(kpi, low)} to {fmt(kpi, high)} {unit})")
    word = "higher" if diff > 0 else "lower"
    if kpi.unit == "weeks":
        word = "longer" if diff > 0 else "shorter"
    verdict = ""
    if kpi.better and not judge:
        verdict = " — not judged: the first-visit queue does not settle"
    elif kpi.better:
        good = (diff < 0) == (kpi.better == "lower")
        verdict = " — better" if good else " — worse"
    mag = lambda v: fmt(kpi, abs(v))  # noqa: E731
    lo, hi = sorted((abs(low), abs(high)))
    return (f"{kpi.label}: {mag(diff)} {unit} {word} than {baseline} "
            f"(95 % CI {fmt(kpi, lo)} to {fmt(kpi, hi)}){verdict}")
