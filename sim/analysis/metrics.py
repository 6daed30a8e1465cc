"""Summary figures of one run, from the recorder and the time ledger. No SimPy, no plots.

Everything is measured after the warm-up: waits by the time the step happened, stocks and
caseloads as means of weekly snapshots, months on assistance per full model year.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim.analysis import timeuse_gap
from sim.analysis.queueing import cobham_waits, erlang_c_wait
from sim.analysis.stability import queue_trend
from sim.config import ramboll
from sim.config.vocabulary import CASEWORKER_ROLES, REDUCTIONS, ROLE_GROUPS, STAGES, TARGET_GROUPS
from sim.model import units

if TYPE_CHECKING:
    from sim.model.run import Run


def _mean_after(pairs: list[tuple[float, float]], t0: float, scale) -> float:
    vals = [scale(v) for t, v in pairs if t >= t0]
    return float(np.mean(vals)) if vals else math.nan


def weekly_frame(run: "Run") -> pd.DataFrame:
    """Weekly snapshots with the mean first-visit wait of visits made that week."""
    if run.cfg.org.kind == "city":
        return run.weekly_frame()
    df = pd.DataFrame(run.rec.weekly)
    if df.empty:
        return df
    t, wait = run.rec.first_visit_waits.columns()
    waits = pd.DataFrame({"t": t, "wait": wait})
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
    if run.cfg.org.kind == "city":
        return run.summary()
    if run.cfg.org.kind in REDUCTIONS:
        return reduction_summary(run)
    rec, w0 = run.rec, run.warmup
    weekly = weekly_frame(run)
    after = weekly[weekly["week"] * units.WEEK > w0] if not weekly.empty else weekly

    def wmean(col: str) -> float:
        return float(after[col].mean()) if len(after) else math.nan

    late_h = units.calendar_days_to_hours(run.cfg.process.late_payment_days)
    pay = rec.payments.values_from(w0)  # payment delays (the recorder keeps those after the warm-up)
    on_time = run.cfg.process.followup_on_time_days * units.HOURS_PER_DAY
    # Follow-ups due from the warm-up's end to a month before the horizon (the recorder keeps only those):
    # on time if started within ``on_time`` of falling due, done if started at all (by the end).
    n_due, late = rec.followups.outcomes()
    fups = np.zeros(n_due, dtype=bool)
    fups[:len(late)] = late <= on_time
    done = np.arange(n_due) < len(late)
    years = rec.payments_per_household()  # per full measured year: each paid household's payments
    months = np.concatenate(years) if years else []
    in_system = {s: rec.in_stage(s) for s in STAGES}
    out: dict[str, float] = {
        "org": run.cfg.org.name,
        "seed": run.cfg.seed,
        "first_visit_wait_weeks": _mean_after(rec.first_visit_waits, w0, units.to_weeks),
        "acute_decision_days": _mean_after(rec.acute_decisions, w0, units.to_calendar_days),
        "reception_decision_days": _mean_after(rec.reception_decisions, w0, units.to_calendar_days),
        # 004: "about 5 new a week" per reception caseworker (Farsta), per first-visit investigator (HV)
        "new_per_week_per_investigator": (sum(1 for t, _ in rec.reception_decisions if t >= w0)
                                          / ((run.end - w0) / units.WEEK) / run.staff.fte(run.staff.first_visit.role)),
        "referral_days": _mean_after(rec.referral_waits, w0, units.to_calendar_days),
        "reception_caseload_per_caseworker": wmean("reception_caseload_per_caseworker"),
        "caseload_per_caseworker": wmean("caseload_per_caseworker"),
        "max_caseload_per_caseworker": wmean("max_caseload_per_caseworker"),
        "caseload_per_payment_officer": wmean("caseload_per_payment_officer"),
        "households_in_stock": wmean("households_in_stock"),
        "first_visit_queue": wmean("first_visit_queue"),
        **queue_figures(weekly, run.cfg.warmup_weeks),
        "arrivals": sum(1 for t in rec.arrivals if t >= w0),
        "exits": sum(1 for t in rec.exits if t >= w0),
        "arrivals_total": len(rec.arrivals),
        "exits_total": len(rec.exits),
        **{f"in_system.{s}": n for s, n in in_system.items()},
        "months_on_assistance": float(np.mean(months)) if len(months) else math.nan,
        # households paid at least once in a whole measured calendar year (004's 2010 statistics' unit)
        "households_per_year": float(np.mean([len(y) for y in years])) if years else math.nan,
        "payments": len(pay),
        "payment_delay_days": units.to_calendar_days(float(np.mean(pay))) if len(pay) else math.nan,
        "late_payment_share": float(np.mean(pay > late_h)) if len(pay) else math.nan,
        "followups_due": n_due,
        "followups_on_time_share": float(np.mean(fups)) if n_due else math.nan,
        "followups_done_share": float(np.mean(done)) if n_due else math.nan,
    }
    years = (run.end - w0) / units.YEAR
    count = run.rec.count
    out.update({
        "referral_overflow": wmean("overflow"),
        "handovers_per_year": count["handovers"] / years,
        "self_payment_share": count["self_payments"] / len(pay) if len(pay) else math.nan,
        "late_payments_per_year": count["late_payments"] / years,
        "debts_per_year": count["debts"] / years,
        "evictions_per_year": count["evictions"] / years,
        "clerical_fallback_share": (count["clerical_fallbacks"] / count["clerical_tasks"]
                                    if count["clerical_tasks"] else math.nan),
        "misrouted_contacts_per_week": count["misrouted_contacts"] / (years * units.WEEKS_PER_YEAR),
        "reinforcement_fte": run.reinforcement_hours / (run.end - w0),
        **workforce_figures(run, years),
        **caseworker_hours(run),
        "cost_sek_per_year": cost_per_year(run),
        # issue 17: the money the office pays out, and handling plus assistance (004: assistance is 4-5x handling)
        "assistance_sek_per_year": sum(rec.assistance_sek.values()) / years,
    })
    out["total_cost_sek_per_year"] = out["cost_sek_per_year"] + out["assistance_sek_per_year"]
    out.update(group_figures(run, after, years))
    out.update(run.need_clock.figures())  # issue 17: what the long-term months saw, and the need they used
    out.update(run.decisions.figures(years))  # issue 17: grey-zone decisions and who they depend on
    for role in run.staff.by_role:  # contracted FTE: a city weights its districts' means by these
        out[f"fte.{role}"] = run.staff.fte(role)
    for role, row in run.ledger.shares(run.staff.seats_by_role()).items():
        for activity, share in row.items():
            out[f"time_share.{role}.{activity}"] = share
        out[f"utilisation.{role}"] = 1.0 - row.get("idle", 0.0)
    pooled = timeuse_gap.caseworker_shares(out)
    out.update({f"caseworker_time_share.{a}": v for a, v in pooled.items()})
    out["time_use_gap"] = timeuse_gap.distance(pooled, ramboll.table_for(run.cfg))
    return out


GROUP_FIGURES = ("first_visit_wait_weeks", "reception_decision_days", "acute_decision_days", "households_in_stock",
                 "caseload_per_caseworker", "followups_on_time_share", "months_on_assistance", "households_per_year",
                 "assistance_sek_per_year")


def group_figures(run: "Run", after: pd.DataFrame, years: float) -> dict[str, float]:
    """``by_group.<target group>.<figure>`` (issue 17): who waits, who is followed up, who is paid how long.

    Measured as the office's figures are; counts and money add up over the groups to the office's own, means
    weighted by the groups' counts give the office's mean (tests/test_target_groups.py)."""
    rec, w0, out = run.rec, run.warmup, {}
    on_time = run.cfg.process.followup_on_time_days * units.HOURS_PER_DAY
    months = rec.payments_per_household()
    groups = rec.groups_per_household()
    paid = np.concatenate(months) if months else np.array([], dtype=np.int64)
    of = np.concatenate(groups) if groups else np.array([], dtype=object)
    for g in TARGET_GROUPS:
        def mean_after(figure: str, scale) -> float:
            pairs = rec.grouped.get((figure, g))
            return _mean_after(pairs, w0, scale) if pairs is not None else math.nan

        followups = rec.group_followups.get(g)
        n_due, late = followups.outcomes() if followups is not None else (0, np.array([]))
        mine = paid[of == g] if len(of) else paid[:0]
        row = {
            "first_visit_wait_weeks": mean_after("first_visit_wait", units.to_weeks),
            "reception_decision_days": mean_after("reception_decision", units.to_calendar_days),
            "acute_decision_days": mean_after("acute_decision", units.to_calendar_days),
            "households_in_stock": float(after[f"stock.{g}"].mean()) if len(after) else math.nan,
            "caseload_per_caseworker": float(after[f"caseload.{g}"].mean()) if len(after) else math.nan,
            "followups_on_time_share": float(np.sum(late <= on_time)) / n_due if n_due else math.nan,
            "months_on_assistance": float(np.mean(mine)) if len(mine) else math.nan,
            "households_per_year": len(mine) / len(months) if months else math.nan,
            "assistance_sek_per_year": rec.assistance_sek[g] / years,
        }
        out.update({f"by_group.{g}.{k}": v for k, v in row.items()})
    return out


def reduction_summary(run: "Run") -> dict:
    """A validation reduction: the mean wait and busy share, overall and per station and class, beside theory.

    Waits are summed in order of service start; utilisation is the booked service time inside the
    window (a service still running at the horizon is left out) over the window's server-hours.
    """
    org, waits = run.cfg.org, sorted(run.rec.queue_waits, key=lambda w: w[2])
    window = run.end - run.warmup
    stations = run.staff.stations
    out: dict = {"org": org.name, "seed": run.cfg.seed}

    def mean(values: list[float]) -> float:
        return sum(values) / len(values) if values else math.nan

    def busy(desk) -> float:
        return sum(h for (role, _), h in run.ledger.hours.items() if role == desk.role) / (window * desk.seats)

    first = [w for s, _, _, w in waits if s == 0]
    out.update({"wait_hours_mean": mean(first), "utilisation": busy(stations[0][0]), "served": len(first),
                "arrivals": len(run.rec.arrivals)})
    lam = org.arrivals_per_hour
    out["erlang_c_wait_hours"] = erlang_c_wait(stations[0][0].seats, lam, stations[0][1])
    for k, wait in enumerate(cobham_waits(stations[0][0].seats, lam, stations[0][1], org.priority_classes)):
        out[f"wait_hours_mean.class_{k}"] = mean([w for s, c, _, w in waits if s == 0 and c == k])
        out[f"cobham_wait_hours.class_{k}"] = wait
    if org.kind == "tandem":  # Jackson: each station an M/M/c of its own with the same Poisson inflow
        for i, (desk, service) in enumerate(stations):
            out[f"wait_hours_mean.station_{i + 1}"] = mean([w for s, _, _, w in waits if s == i])
            out[f"utilisation.station_{i + 1}"] = busy(desk)
            out[f"erlang_c_wait_hours.station_{i + 1}"] = erlang_c_wait(desk.seats, lam, service)
        # a customer's waits summed over the stations (its mean: the sum of the stations' means, Jackson's sum)
        out["wait_hours_total"] = sum(out[f"wait_hours_mean.station_{i + 1}"] for i in range(len(stations)))
        out["erlang_c_wait_hours.total"] = sum(erlang_c_wait(desk.seats, lam, service) for desk, service in stations)
    return out


def queue_figures(weekly: pd.DataFrame, warmup_weeks: float) -> dict[str, float]:
    """The first-visit queue's growth after the warm-up (households a month) and its trend test's p-value."""
    if weekly.empty:
        growth, p = math.nan, math.nan
    else:
        growth, p = queue_trend(weekly["week"], weekly["first_visit_queue"], warmup_weeks)
    return {"first_visit_queue_growth_per_month": growth, "first_visit_queue_trend_p": p}


CLIENT_FACING = ("client_meetings", "phone", "on_call")
CLERICAL = ("journal", "mail", "other", "handoff", "clerical_fallback")


def caseworker_hours(run: "Run") -> dict[str, float]:
    """Hours per caseworker FTE and week: client-facing time, and clerical time (journal, mail...)."""
    roles = [r for r in run.staff.by_role if r in CASEWORKER_ROLES]
    fte = sum(run.staff.fte(r) for r in roles)
    weeks = (run.end - run.warmup) / units.WEEK

    def per_week(activities) -> float:
        hours = sum(h for (r, a), h in run.ledger.hours.items() if r in roles and a in activities)
        return hours / fte / weeks

    return {"client_facing_hours_per_caseworker_week": per_week(CLIENT_FACING),
            "clerical_hours_per_caseworker_week": per_week(CLERICAL)}


def cost_per_year(run: "Run") -> float:
    """Staff cost per year in SEK: contracted FTE by role, plus reinforcement time used."""
    c, staff = run.cfg.costs, run.staff
    rate = {"payment_officer": c.payment_officer, "cash_office": c.admin, "module_admin": c.admin,
            "deputy_manager": c.deputy_manager}
    total = sum(staff.fte(role) * rate.get(role, c.caseworker) for role in staff.by_role)
    reinforcement_fte = run.reinforcement_hours / (run.end - run.warmup)
    substitute_fte = run.substitute_hours / (run.end - run.warmup)
    return total + reinforcement_fte * c.caseworker * c.reinforcement_premium + substitute_fte * c.caseworker


def workforce_figures(run: "Run", years: float) -> dict[str, float]:
    """Absences, vacancies and turnover (zeros when workforce is off); shares of the covered roles' seat time."""
    roles = {r for group in run.cfg.workforce.roles for r in ROLE_GROUPS[group]}
    seat_hours = sum(run.staff.fte(r) for r in roles if r in run.staff.by_role) * (run.end - run.warmup)
    away = {"absence": 0.0, "vacancy": 0.0}
    for _, why, t0, t1 in run.rec.away:
        away["vacancy" if why == "vacant" else "absence"] += run.ledger.window(t0, t1)
    return {
        "absence_share": away["absence"] / seat_hours if seat_hours else math.nan,
        "vacancy_share": away["vacancy"] / seat_hours if seat_hours else math.nan,
        "leavers_per_year": run.rec.count["leavers"] / years,
        "reassigned_households_per_year": run.rec.count["reassigned"] / years,
        "substitute_fte": run.substitute_hours / (run.end - run.warmup),
        "overtime_hours_per_week": run.tasks.overtime_hours / ((run.end - run.warmup) / units.WEEK),
    }


def staff_frame(run: "Run") -> pd.DataFrame:
    """One row per person: the per-person breakdown (``staff.csv``). In a pool the persons share one
    queue, so task hours are the pool's (its own row) and each person's row has the time away."""
    away: dict[str, dict[str, float]] = {}
    for person, why, t0, t1 in run.rec.away:
        row = away.setdefault(person, {})
        row[why] = row.get(why, 0.0) + run.ledger.window(t0, t1)
    rows = []
    for desk in run.staff.desks():
        pooled = desk.seats > 1
        if pooled:
            rows.append({"staff_id": desk.name, "role": desk.role, "pool": desk.name, "fte": desk.seats * desk.fte,
                         "target_groups": "+".join(desk.groups), "caseload_at_end": desk.caseload,
                         "task_hours": round(desk.busy, 3)})
        for person in desk.people[:desk.seats - desk.reserve]:
            gone = away.get(person, {})
            hired = desk.hired.get(person)
            rows.append({"staff_id": person, "role": desk.role, "pool": desk.name if pooled else "",
                         "fte": desk.fte, "target_groups": "+".join(desk.groups),
                         "caseload_at_end": None if pooled else desk.caseload,
                         "task_hours": None if pooled else round(desk.busy, 3),
                         "sick_leave_hours": gone.get("sick_leave", 0.0),
                         "parental_leave_hours": gone.get("parental_leave", 0.0),
                         "holiday_hours": gone.get("holiday", 0.0),
                         "vacant_hours": gone.get("vacant", 0.0),
                         "experience_years_at_start": desk.experience.get(person),
                         "started_weeks": None if hired is None or hired < 0 else round(hired / units.WEEK, 2)})
    return pd.DataFrame(rows)
