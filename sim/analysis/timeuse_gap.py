"""Caseworkers' simulated time use set beside the Ramböll table (002), as one distance.

The overhead activities are inputs; the case-work activities (phone, client meetings,
investigation, re-assessment, follow-up, on-call) emerge from the simulation. Pooled over every
caseworker role, weighted by FTE, and normalised over the working week a respondent would
describe (absence, vacancies and idle time left out), the shares are compared with the column
by the total-variation distance: half the sum of absolute differences, i.e. the share of the
week that would have to move between activities to match the table.
"""

from __future__ import annotations

import math

from sim.config.ramboll import ACTIVITIES, NOT_IN_A_NORMAL_WEEK, RAMBOLL_CATEGORY
from sim.config.vocabulary import CASEWORKER_ROLES, ROLE_GROUPS


def caseworker_shares(summary: dict, roles: tuple[str, ...] = CASEWORKER_ROLES) -> dict[str, float]:
    """Pooled shares (0–1) of ``roles`` per Ramböll activity, of the working week; empty if none works here."""
    totals = dict.fromkeys(ACTIVITIES, 0.0)
    for role in roles:
        fte = summary.get(f"fte.{role}", 0.0)
        prefix = f"time_share.{role}."
        if not fte:
            continue
        for key, share in summary.items():
            if not key.startswith(prefix) or share != share:
                continue
            activity = key[len(prefix):]
            if activity in NOT_IN_A_NORMAL_WEEK:
                continue
            category = RAMBOLL_CATEGORY.get(activity, activity)
            if category in totals:
                totals[category] += fte * share
    whole = sum(totals.values())
    return {a: v / whole for a, v in totals.items()} if whole > 0 else {}


def distance(shares: dict[str, float], table: dict[str, float]) -> float:
    """Total-variation distance (0–1) between simulated shares and a Ramböll column (in %, normalised)."""
    if not shares:
        return math.nan
    total = sum(table.values())
    # sorted: a set's order changes with the process (hash seed), and so would the float sum's last digit
    return 0.5 * sum(abs(shares.get(a, 0.0) - table.get(a, 0.0) / total) for a in sorted(set(shares) | set(table)))


# Why a simulated share may differ from Ramböll's, activity by activity (shown on the validation page where
# the difference is more than 3 percentage points).
REASONS = {
    "client_meetings": "Ramböll's adults unit meets clients more than economic assistance does: 004 says payment "
                       "officers carry most long-term households and caseworkers work actively with about 25.",
    "reassessment": "The model books every 3–4-monthly plan rewrite (004) as re-assessment; Ramböll's respondents "
                    "may count a rewrite with the client as a client meeting or as investigation.",
    "on_call": "On-call time is the rota (org.on_call_per_day, an assumption) plus acute decisions; Ramböll's "
               "10 % is the adults unit's own phone line, which economic assistance shares with reception.",
    "investigation_decision": "Investigation is reception's basic investigation and the long-term work plans; its "
                              "share follows the fitted inflow and analysis time.",
    "followup": "Follow-up is the monthly desk check and the active 25's meetings (004); the model counts the "
                "caseload review in the first week of the month here too.",
    "phone": "Phone time is reception's pre-assessment plus the monthly calls with long-term households "
             "(process.client_phone, an assumption).",
    "invoice_fees": "Invoice and fee handling is where the model books caseworkers' payment approvals and "
                    "self-payments; the adults unit hardly pays anything.",
}

GROUPS = {"all caseworkers": CASEWORKER_ROLES, "reception": ROLE_GROUPS["reception"],
          "long-term": ROLE_GROUPS["long_term"]}


def table(frame, reference: dict[str, float]):
    """Per district and activity: Ramböll's share beside the simulated mean share of each caseworker group (%).

    ``frame`` holds one replication summary per row with a ``district`` column; a last row per district
    ("distance") gives each group's total-variation distance from ``reference``, in percentage points.
    """
    import pandas as pd

    total = sum(reference.values())
    rows = []
    for district, sub in frame.groupby("district", sort=False):
        records = sub.to_dict("records")
        means = {g: _mean_shares([caseworker_shares(r, roles) for r in records]) for g, roles in GROUPS.items()}
        for activity in ACTIVITIES:
            rows.append({"district": district, "activity": activity, "ramboll": 100 * reference[activity] / total,
                         **{g: 100 * m.get(activity, math.nan) for g, m in means.items()}})
        rows.append({"district": district, "activity": "distance", "ramboll": 0.0,
                     **{g: 100 * distance(m, reference) for g, m in means.items()}})
    return pd.DataFrame(rows)


def _mean_shares(rows: list[dict[str, float]]) -> dict[str, float]:
    rows = [r for r in rows if r]
    return {a: sum(r[a] for r in rows) / len(rows) for a in ACTIVITIES} if rows else {}
