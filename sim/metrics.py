"""Summary figures of one run, from the recorder and the time ledger. No SimPy, no plots.

Everything is measured after the warm-up: waits by the time the step happened, stocks and
caseloads as means of weekly snapshots, months on assistance per full model year.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim import units

if TYPE_CHECKING:
    from sim.model import Run


def _mean_after(pairs: list[tuple[float, float]], t0: float, scale) -> float:
    vals = [scale(v) for t, v in pairs if t >= t0]
    return float(np.mean(vals)) if vals else math.nan


def weekly_frame(run: "Run") -> pd.DataFrame:
    """Weekly snapshots with the mean first-visit wait of visits made that week."""
    df = pd.DataFrame(run.rec.weekly)
    if df.empty:
        return df
    waits = pd.DataFrame(run.rec.first_visit_waits, columns=["t", "wait"])
    if not waits.empty:
        week = np.ceil(waits["t"] / units.WEEK)
        by_week = (waits["wait"] / units.WEEK).groupby(week).mean()
        df["first_visit_wait_weeks"] = df["week"].round().map(by_week)
    else:
        df["first_visit_wait_weeks"] = math.nan
    df["households_in_stock"] = df["reception"] + df["referral"] + df["long_term"]
    return df


def summary(run: "Run") -> dict[str, float]:
    """One flat dict: the contract of ``summary.json``."""
    rec, w0 = run.rec, run.warmup
    weekly = weekly_frame(run)
    after = weekly[weekly["week"] * units.WEEK > w0] if not weekly.empty else weekly

    def wmean(col: str) -> float:
        return float(after[col].mean()) if len(after) else math.nan

    late_h = run.cfg.process.late_payment_days / 7.0 * units.WEEK
    pay = [d for t, d in rec.payments if t >= w0]
    fups = [ok for t, ok in rec.followups if t >= w0 and t + units.MONTH <= run.end]
    years = [list(counts.values()) for counts in run.paid_years.values()]
    months = [m for year in years for m in year]
    in_system = {s: rec.in_stage(s) for s in ("reception", "referral", "long_term", "dormant")}
    out: dict[str, float] = {
        "org": run.cfg.org.name,
        "seed": run.cfg.seed,
        "first_visit_wait_weeks": _mean_after(rec.first_visit_waits, w0, units.to_weeks),
        "acute_decision_days": _mean_after(rec.acute_decisions, w0, units.to_calendar_days),
        "reception_decision_days": _mean_after(rec.reception_decisions, w0, units.to_calendar_days),
        "referral_days": _mean_after(rec.referral_waits, w0, units.to_calendar_days),
        "reception_caseload_per_caseworker": wmean("reception_caseload_per_caseworker"),
        "caseload_per_caseworker": wmean("caseload_per_caseworker"),
        "max_caseload_per_caseworker": wmean("max_caseload_per_caseworker"),
        "caseload_per_payment_officer": wmean("caseload_per_payment_officer"),
        "households_in_stock": wmean("households_in_stock"),
        "first_visit_queue": wmean("first_visit_queue"),
        "arrivals": sum(1 for t in rec.arrivals if t >= w0),
        "exits": sum(1 for t in rec.exits if t >= w0),
        "arrivals_total": len(rec.arrivals),
        "exits_total": len(rec.exits),
        **{f"in_system.{s}": n for s, n in in_system.items()},
        "months_on_assistance": float(np.mean(months)) if months else math.nan,
        "payments": len(pay),
        "payment_delay_days": float(np.mean(pay) / units.WEEK * 7.0) if pay else math.nan,
        "late_payment_share": float(np.mean([d > late_h for d in pay])) if pay else math.nan,
        "followups_due": len(fups),
        "followups_on_time_share": float(np.mean(fups)) if fups else math.nan,
    }
    for role, row in run.ledger.shares(run.staff.seats_by_role()).items():
        for activity, share in row.items():
            out[f"time_share.{role}.{activity}"] = share
        out[f"utilisation.{role}"] = 1.0 - row.get("idle", 0.0)
    return out


def events_frame(run: "Run") -> pd.DataFrame:
    from sim.recorder import EVENT_COLUMNS

    return pd.DataFrame(run.rec.events or [], columns=list(EVENT_COLUMNS))
