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


KPIS = (
    Kpi("first_visit_wait_weeks", "first-visit wait", "weeks", "lower"),
    Kpi("followups_on_time_share", "follow-ups done on time", "%", "higher", 100, 1),
    Kpi("caseload_per_caseworker", "caseload per long-term caseworker", "households", "lower", 1, 1),
    Kpi("client_facing_hours_per_caseworker_week", "caseworkers' client-facing time", "h/week per FTE", "higher"),
    Kpi("clerical_hours_per_caseworker_week", "caseworkers' clerical time", "h/week per FTE", "lower"),
    Kpi("late_payment_share", "late payments", "%", "lower", 100, 2),
    Kpi("referral_overflow", "referrals waiting for a free caseworker", "households", "lower", 1, 1),
    Kpi("handovers_per_year", "changes of caseworker (handovers)", "per year", "lower", 1, 0),
    Kpi("cost_sek_per_year", "staff cost", "MSEK/year", "lower", 1e-6, 2),
)
BY_KEY = {k.key: k for k in KPIS}


def fmt(kpi: Kpi, value: float) -> str:
    return f"{value * kpi.scale:,.{kpi.decimals}f}"


def sentence(kpi: Kpi, variant: str, baseline: str, diff: float, low: float, high: float) -> str:
    """Plain words: 'first-visit wait 0.40 weeks shorter than as_is (95 % CI 0.20 to 0.60)'."""
    unit = "percentage points" if kpi.unit == "%" else kpi.unit
    if low != low or high != high:
        return f"{kpi.label}: {fmt(kpi, diff)} {unit} difference to {baseline} (no interval)"
    if abs(diff * kpi.scale) < 0.5 * 10 ** -kpi.decimals:
        return f"{kpi.label}: practically the same as {baseline} (difference below {fmt(kpi, 0.5 * 10 ** -kpi.decimals / kpi.scale)} {unit})"
    if low <= 0 <= high:
        return (f"{kpi.label}: no clear difference from {baseline} "
                f"(95 % CI {fmt(kpi, low)} to {fmt(kpi, high)} {unit})")
    word = "higher" if diff > 0 else "lower"
    if kpi.unit == "weeks":
        word = "longer" if diff > 0 else "shorter"
    verdict = ""
    if kpi.better:
        good = (diff < 0) == (kpi.better == "lower")
        verdict = " — better" if good else " — worse"
    mag = lambda v: fmt(kpi, abs(v))  # noqa: E731
    lo, hi = sorted((abs(low), abs(high)))
    return (f"{kpi.label}: {mag(diff)} {unit} {word} than {baseline} "
            f"(95 % CI {fmt(kpi, lo)} to {fmt(kpi, hi)}){verdict}")
