"""A city (``org.kind: city``, e.g. ``org=stockholm``): many districts in one replication.

Stockholm's social services are run by 14 district administrations (003), each with its own
economic-assistance unit. A city replication simulates every district — a district file from
``configs/org/`` scaled by ``scale`` (arrivals and every staff FTE) — with the city's variant,
process and time-use settings, one district after the other. The districts do not share staff
or households in this model, so running them one at a time gives the same numbers as one
interleaved clock and keeps memory at one district's (a city run streams: each district is
summarised and dropped). Each district draws from its own streams, derived from the city seed
and the district's name, so adding a district never changes another's households.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import replace
from pathlib import Path

import numpy as np

from sim.config import Config, ConfigError, Org, leaves

ORG_DIR = Path(__file__).resolve().parent.parent / "configs" / "org"
DISTRICT_ORGS = ("farsta", "sodermalm", "hasselby_vallingby")
CITY_FIELDS = ("name", "kind", "districts")  # the only org.* keys a city sets itself

# City figures that add up over districts; every other metric is a weighted mean (WEIGHTS).
SUMS = ("households_in_stock", "first_visit_queue", "arrivals", "exits", "arrivals_total", "exits_total",
        "payments", "followups_due", "referral_overflow", "handovers_per_year", "late_payments_per_year",
        "debts_per_year", "evictions_per_year", "misrouted_contacts_per_week", "reinforcement_fte",
        "cost_sek_per_year")
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
HEADLINE = ("first_visit_wait_weeks", "caseload_per_caseworker", "households_in_stock", "cost_sek_per_year")


def load_district(name: str) -> Org:
    """``configs/org/<name>.yaml`` on the schema, as Hydra would compose it under ``org``."""
    from sim.compose import load_org_file

    return load_org_file(ORG_DIR / f"{name}.yaml")


def scaled(org: Org, scale: float, name: str) -> Org:
    """The same organisation for ``scale`` times the population: arrivals and staff scale together."""
    return replace(
        org, name=name, arrivals_per_week=org.arrivals_per_week * scale,
        reception=replace(org.reception, caseworkers=org.reception.caseworkers * scale,
                          pre_assessment=org.reception.pre_assessment * scale),
        long_term=replace(org.long_term, caseworkers=org.long_term.caseworkers * scale),
        payment=replace(org.payment, officers=org.payment.officers * scale,
                        cash_office=org.payment.cash_office * scale),
        deputy_managers=org.deputy_managers * scale,
    )


def district_seed(seed: int, name: str) -> int:
    """A district's own seed: the city seed and the district's name (stable across processes)."""
    return int(np.random.SeedSequence([int(seed), zlib.crc32(name.encode())]).generate_state(1, np.uint64)[0])


def district_configs(cfg: Config) -> list[Config]:
    return [replace(cfg, org=scaled(load_district(d.org), d.scale, d.name), seed=district_seed(cfg.seed, d.name))
            for d in cfg.org.districts]


def validate_city(cfg: Config) -> None:
    """A city names its districts and nothing else; every district is checked as a run of its own."""
    from sim.config import validate

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
        if d.org not in DISTRICT_ORGS:
            raise ConfigError(f"org.districts[{i}].org", d.org, f"allowed: {', '.join(DISTRICT_ORGS)}")
        if not (math.isfinite(d.scale) and d.scale > 0):
            raise ConfigError(f"org.districts[{i}].scale", d.scale, "must be a number > 0")
    for district in district_configs(cfg):
        try:
            validate(district)
        except ConfigError as err:
            raise ConfigError(f"org.districts ({district.org.name}): {err.key}", err.value, err.allowed) from None


class CityRun:
    """One replication of a city: its districts one by one, each summarised and dropped."""

    def __init__(self, cfg: Config):
        self.cfg = cfg
        self.districts: list[tuple[str, dict]] = []
        self.weekly_parts: list = []  # each district's weekly stocks and queues (small: one row a week)
        self.waits: list[float] = []  # first-visit waits after the warm-up, hours, all districts

    def execute(self) -> "CityRun":
        from sim.metrics import summary, weekly_frame
        from sim.model import Run

        for district in district_configs(self.cfg):
            run = Run(district).execute()
            self.districts.append((district.org.name, summary(run)))
            self.weekly_parts.append(weekly_frame(run)[["week", *WEEKLY_SUMS]])
            self.waits += [w for t, w in run.rec.first_visit_waits if t >= run.warmup]
        return self

    def weekly_frame(self):
        """The city week by week: stocks and queues summed over districts."""
        import pandas as pd

        return pd.concat(self.weekly_parts).groupby("week", as_index=False).sum()

    def summary(self) -> dict:
        """City totals and weighted means, then each district's headline figures."""
        out: dict = {"org": self.cfg.org.name, "seed": self.cfg.seed, "districts": len(self.districts)}
        parts = [s for _, s in self.districts]
        for key, value in parts[0].items():
            if key in ("org", "seed") or not isinstance(value, (int, float)) or isinstance(value, bool):
                continue
            values = np.array([p.get(key, math.nan) for p in parts], dtype=float)
            if key in SUMS or key.startswith(("in_system.", "fte.")):
                out[key] = float(np.nansum(values))
            else:
                weights = np.array([p.get(_weight_of(key), p.get("arrivals", 1.0)) for p in parts], dtype=float)
                ok = ~np.isnan(values) & (weights > 0)
                out[key] = float(np.average(values[ok], weights=weights[ok])) if ok.any() else math.nan
        for name, s in self.districts:
            for key in HEADLINE:
                out[f"district.{name}.{key}"] = s.get(key, math.nan)
        return out


    def districts_frame(self):
        """One row per district: its headline figures (``districts.csv``)."""
        import pandas as pd

        return pd.DataFrame([{"district": name, **{k: s.get(k, math.nan) for k in HEADLINE}}
                             for name, s in self.districts])


def _weight_of(key: str) -> str:
    if key in WEIGHTS:
        return WEIGHTS[key]
    if key.startswith(("time_share.", "utilisation.")):
        return "fte." + key.split(".")[1]
    return "arrivals"
