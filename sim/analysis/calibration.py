"""The calibration targets (the Governo study's figures, 004) and the table of simulated against
reported: bands from issue 2 (seeds/004_bbddc8e93f06adf9.txt; DATA.md § "Staffing, caseloads, waits").

A figure is "in band" when the simulated *mean* lies inside the band; the 95 % CI is shown beside it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from sim.analysis.stability import GROWTH, settles
from sim.analysis.stats import estimate
from sim.config.vocabulary import DISTRICTS
from sim.model import units


@dataclass(frozen=True)
class Target:
    low: float
    high: float
    reported: str  # the study's own words/figure


# 004 (Governo 2011): sections per district and the comparison table "Nuläge socialsekreterarna ...".
TARGETS: dict[str, dict[str, Target]] = {
    "farsta": {
        "first_visit_wait_weeks": Target(1.5, 2.5, "about 2 weeks"),
        "caseload_per_caseworker": Target(70, 90, "max 85 (25 active)"),
        "caseload_per_payment_officer": Target(90, 120, "about 100 (all districts)"),
        "households_in_stock": Target(830, 1000, "917"),
    },
    "sodermalm": {
        "reception_decision_days": Target(0, 7, "within a week"),
        "reception_caseload_per_caseworker": Target(10, 20, "10–20"),
        "caseload_per_caseworker": Target(60, 90, "80–90 for some, goal 60–65"),
        "caseload_per_payment_officer": Target(90, 110, "about 100"),
    },
    "hasselby_vallingby": {
        "first_visit_wait_weeks": Target(2.5, 3.5, "3 weeks"),
        "caseload_per_caseworker": Target(70, 86, "78.3"),
        "caseload_per_payment_officer": Target(97, 117, "107.4"),
    },
}
# Reported without a band: mean months on assistance per household and year, 2010 (004).
MONTHS_REPORTED = {"farsta": 7.0, "sodermalm": 6.6, "hasselby_vallingby": 7.3}
LABELS = {
    "first_visit_wait_weeks": "first-visit wait (weeks)",
    "reception_decision_days": "first visit → decision (days)",
    "reception_caseload_per_caseworker": "reception caseload / caseworker",
    "caseload_per_caseworker": "caseload / long-term caseworker",
    "caseload_per_payment_officer": "caseload / payment officer",
    "households_in_stock": "households in stock",
    "months_on_assistance": "months on assistance / household / year",
    "payment_delay_days": "payment delay (days)",
    GROWTH: "first-visit queue growth / month after warm-up",
}
# Staff pools whose busy share the table reports (issue 12: no pool above 95 % busy unless a source says so).
POOLS = {"reception": "reception (pooled)", "reception_first_visit": "reception: first visits",
         "reception_pre_assessment": "reception: pre-assessment", "long_term": "long-term caseworkers",
         "payment_officer": "payment officers"}
BUSY_LIMIT = 0.95


def table(frame: pd.DataFrame) -> tuple[pd.DataFrame, bool]:
    """Reported vs simulated (mean and 95 % CI) per district and metric; and whether all fit."""
    rows, all_ok = [], True
    for org, targets in TARGETS.items():
        sub = frame[frame["district"] == org]
        metrics = dict(targets)
        metrics["months_on_assistance"] = None
        metrics[GROWTH] = None  # no study figure: a queue that settles grows by 0 (sim.analysis.stability)
        for metric, target in metrics.items():
            est = estimate(sub[metric])
            if target is None:
                band, ok = "", None
                reported = f"{MONTHS_REPORTED[org]}" if metric == "months_on_assistance" else "(should settle: 0)"
            else:
                band = f"{target.low:g}–{target.high:g}"
                ok = target.low <= est.mean <= target.high
                all_ok &= ok
                reported = target.reported
            verdict = {True: "yes", False: "NO", None: "(no band)"}[ok]
            if metric == GROWTH:
                verdict = {"no": "GROWS", "yes": "(settles)", "unknown": "(no test)"}[settles(est.mean, est.low,
                                                                                               est.high)]
            rows.append({
                "district": DISTRICTS[org], "metric": LABELS[metric], "key": metric, "reported": reported,
                "band": band, "mean": est.mean, "ci_low": est.low, "ci_high": est.high, "se": est.se,
                "n": est.n, "in_band": verdict,
            })
        for pool, label in POOLS.items():  # headroom: the busy share of each caseworker pool
            key = f"utilisation.{pool}"
            if key not in sub or sub[key].isna().all():
                continue
            est = estimate(sub[key])
            rows.append({
                "district": DISTRICTS[org], "metric": f"busy share: {label}", "key": key, "reported": "",
                "band": "", "mean": est.mean, "ci_low": est.low, "ci_high": est.high, "se": est.se, "n": est.n,
                "in_band": f"OVER {BUSY_LIMIT:.0%}" if est.mean > BUSY_LIMIT else "(headroom)",
            })
    return pd.DataFrame(rows), all_ok


def markdown(rows: pd.DataFrame, replications: int, horizon_weeks: float, warmup_weeks: float) -> str:
    """The calibration table; its first line says what was simulated (derived from the runs' config)."""
    lines = [
        f"Simulated: mean of {replications} replications ({_span(horizon_weeks - warmup_weeks)} measured after "
        f"{_span(warmup_weeks)} of warm-up), 95 % CI.",
        "",
        "| district | figure | study reports | band | simulated mean | 95 % CI | in band |",
        "|---|---|---|---|---:|---|---|",
    ]
    for r in rows.itertuples():
        lines.append(f"| {r.district} | {r.metric} | {r.reported} | {r.band} | {r.mean:.2f} | "
                     f"{r.ci_low:.2f}–{r.ci_high:.2f} | {r.in_band} |")
    return "\n".join(lines) + "\n"




def _span(weeks: float) -> str:
    """Weeks in words: whole years as years ("2 years"), else weeks ("30 weeks")."""
    years = units.weeks_to_years(weeks)
    if weeks > 0 and abs(years - round(years)) < 1e-9:
        return f"{round(years)} year{'s' if round(years) != 1 else ''}"
    return f"{weeks:g} weeks"


# Headline figures whose response to a small change in inflow the table shows (issue 12: a calibrated district
# should move less than its CI when inflow moves ±5 %; a reception on a knife edge moves much more).
INFLOW_FIGURES = ("first_visit_wait_weeks", "households_in_stock", "caseload_per_caseworker")


def inflow_table(base: pd.DataFrame, moved: dict[float, pd.DataFrame]) -> pd.DataFrame:
    """Per district and figure: the paired change (same seeds) at each inflow factor, against the base's CI.

    ``moved`` maps an inflow factor (e.g. 0.95, 1.05) to the replications run with it. A change whose
    mean exceeds the base's 95 % half-width "moves more than its CI".
    """
    rows = []
    for org in DISTRICTS:
        b = base[base["district"] == org].set_index("seed")
        for metric in INFLOW_FIGURES:
            if metric not in b or b[metric].isna().all():
                continue
            half = estimate(b[metric]).half_width
            for factor, frame in sorted(moved.items()):
                m = frame[frame["district"] == org].set_index("seed")
                diff = estimate((m[metric] - b[metric].loc[m.index]).tolist())
                rows.append({"district": DISTRICTS[org], "metric": LABELS[metric], "key": metric,
                             "inflow": factor, "change": diff.mean, "ci_low": diff.low, "ci_high": diff.high,
                             "base_half_width": half,
                             "verdict": "moves more than its CI" if abs(diff.mean) > half else "(within its CI)"})
    return pd.DataFrame(rows)


def inflow_markdown(rows: pd.DataFrame) -> str:
    """The inflow check as a Markdown table."""
    lines = ["| district | figure | inflow | change (paired) | 95 % CI | base CI half-width | verdict |",
             "|---|---|---:|---:|---|---:|---|"]
    for r in rows.itertuples():
        lines.append(f"| {r.district} | {r.metric} | {r.inflow - 1:+.0%} | {r.change:+.2f} | "
                     f"{r.ci_low:.2f}–{r.ci_high:.2f} | {r.base_half_width:.2f} | {r.verdict} |")
    return "\n".join(lines) + "\n"
