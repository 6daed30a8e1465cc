"""A city's figures: each district summarised as it finishes (then dropped), and the city's
totals and weighted means over them."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from sim.analysis.metrics import queue_figures, summary, weekly_frame
from sim.config.schema import Config
from sim.model.city import district_runs

# City figures that add up over districts; every other metric is a weighted mean (WEIGHTS).
SUMS = ("households_in_stock", "first_visit_queue", "arrivals", "exits", "arrivals_total", "exits_total",
        "payments", "followups_due", "referral_overflow", "handovers_per_year", "late_payments_per_year",
        "debts_per_year", "evictions_per_year", "misrouted_contacts_per_week", "reinforcement_fte",
        "cost_sek_per_year", "assistance_sek_per_year", "total_cost_sek_per_year")
# metric (or prefix) -> the district summary figure it is a mean over
WEIGHTS = {
    "caseload_per_caseworker": "fte.long_term", "max_caseload_per_caseworker": "fte.long_term",
    "client_facing_hours_per_caseworker_week": "fte.long_term", "clerical_hours_per_caseworker_week": "fte.long_term",
    "reception_caseload_per_caseworker": "fte.reception", "caseload_per_payment_officer": "fte.payment_officer",
    "months_on_assistance": "payments", "payment_delay_days": "payments", "late_payment_share": "payments",
    "self_payment_share": "payments", "followups_on_time_share": "followups_due",
    "followups_done_share": "followups_due",
}
WEEKLY_SUMS = ("reception", "referral", "long_term", "dormant", "households_in_stock", "first_visit_queue", "overflow")
HEADLINE = ("first_visit_wait_weeks", "caseload_per_caseworker", "households_in_stock", "cost_sek_per_year",
            "assistance_sek_per_year")


class CityResult:
    """One replication of a city, kept as its districts' summaries and weekly series."""

    def __init__(self, cfg: Config):
        self.cfg = cfg
        self.districts: list[tuple[str, dict]] = []
        self.weekly_parts: list[pd.DataFrame] = []  # each district's weekly stocks and queues (one row a week)
        self.waits: list[float] = []  # first-visit waits after the warm-up, hours, all districts

    def execute(self) -> "CityResult":
        for run in district_runs(self.cfg):
            self.districts.append((run.cfg.org.name, summary(run)))
            self.weekly_parts.append(weekly_frame(run)[["week", *WEEKLY_SUMS]])
            self.waits += [w for t, w in run.rec.first_visit_waits if t >= run.warmup]
        return self

    def weekly_frame(self) -> pd.DataFrame:
        """The city week by week: stocks and queues summed over districts."""
        return pd.concat(self.weekly_parts).groupby("week", as_index=False).sum()

    def summary(self) -> dict:
        """City totals and weighted means, then each district's headline figures."""
        out: dict = {"org": self.cfg.org.name, "seed": self.cfg.seed, "districts": len(self.districts)}
        parts = [s for _, s in self.districts]
        for key, value in parts[0].items():
            if key in ("org", "seed") or not isinstance(value, (int, float)) or isinstance(value, bool):
                continue
            values = np.array([p.get(key, math.nan) for p in parts], dtype=float)
            if key in SUMS or key.startswith(("in_system.", "fte.")) or _group_sum(key):
                out[key] = float(np.nansum(values))
            else:
                weights = np.array([p.get(_weight_of(key), p.get("arrivals", 1.0)) for p in parts], dtype=float)
                ok = ~np.isnan(values) & (weights > 0)
                out[key] = float(np.average(values[ok], weights=weights[ok])) if ok.any() else math.nan
        # the city's queue: its trend is tested on the summed weekly queue, not averaged over districts
        out.update(queue_figures(self.weekly_frame(), self.cfg.warmup_weeks))
        for name, s in self.districts:
            for key in HEADLINE:
                out[f"district.{name}.{key}"] = s.get(key, math.nan)
        return out

    def districts_frame(self) -> pd.DataFrame:
        """One row per district: its headline figures (``districts.csv``)."""
        return pd.DataFrame([{"district": name, **{k: s.get(k, math.nan) for k in HEADLINE}}
                             for name, s in self.districts])


def _group_sum(key: str) -> bool:
    """A target group's figure that adds up over districts (``by_group.<group>.<figure>``)."""
    return key.startswith("by_group.") and key.rsplit(".", 1)[1] in GROUP_SUMS


# a group's figures weighted by the group's own count in each district
GROUP_SUMS = ("households_in_stock", "households_per_year", "assistance_sek_per_year")
GROUP_WEIGHTS = {"first_visit_wait_weeks": "households_per_year", "reception_decision_days": "households_per_year",
                 "acute_decision_days": "households_per_year", "caseload_per_caseworker": "households_in_stock",
                 "followups_on_time_share": "households_in_stock", "months_on_assistance": "households_per_year"}


def _weight_of(key: str) -> str:
    if key.startswith("by_group."):
        prefix, figure = key.rsplit(".", 1)
        return f"{prefix}.{GROUP_WEIGHTS.get(figure, 'households_per_year')}"
    if key in WEIGHTS:
        return WEIGHTS[key]
    if key.startswith(("time_share.", "utilisation.")):
        return "fte." + key.split(".")[1]
    return "arrivals"
