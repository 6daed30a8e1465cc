"""Caseworkers' time use as the study measured it: the Ramböll table, and the overhead shares it gives.

Source: ``seeds/002_161d6718281403c5.txt`` (Ramböll 2012, Hässelby-Vällingby), time-use table,
digested in ``DATA.md`` § "Caseworker time use". Shares are of a normal week, in per cent;
the columns sum to 99–100 because of rounding in the source, so they are normalised here.

Activities the model generates itself (phone interviews, client meetings, investigation,
re-assessment, payments, follow-up, on-call/acute work) are *case work*: their time emerges
from the simulation. The rest is *overhead*: a fixed share of each paid hour, taken as a
daily block (Swedish: gruppmöte/ärendedragning, konsultation, post, journalföring, övrigt).
"""

from __future__ import annotations

# activity -> share (%) per Ramböll column. 002, time-use table (DATA.md).
RAMBOLL_TABLE: dict[str, dict[str, float]] = {
    "disability": {
        "investigation_decision": 24, "phone": 12, "group_meeting": 11, "client_meetings": 10,
        "reassessment": 7, "invoice_fees": 6, "consultation": 6, "mail": 5, "journal": 5,
        "followup": 3, "on_call": 3, "other": 7,
    },
    "adults": {
        "investigation_decision": 24, "phone": 6, "group_meeting": 5, "client_meetings": 23,
        "reassessment": 2, "invoice_fees": 1, "consultation": 4, "mail": 4, "journal": 7,
        "followup": 8, "on_call": 10, "other": 5,
    },
    "children_youth": {
        "investigation_decision": 26, "phone": 10, "group_meeting": 8, "client_meetings": 11,
        "reassessment": 2, "invoice_fees": 0, "consultation": 3, "mail": 5, "journal": 16,
        "followup": 4, "on_call": 4, "other": 11,
    },
}
COLUMNS = tuple(RAMBOLL_TABLE)
ACTIVITIES = tuple(RAMBOLL_TABLE["adults"])

# Activities of roles Ramböll did not measure (payment officers, cash office, managers).
EXTRA_ACTIVITIES = ("payment_check", "cash_control", "referral_review", "overhead")
# Caseworker activities that only some variants produce (handover, self-payment, module admins...).
VARIANT_ACTIVITIES = ("handover", "self_payment", "debt_work", "handoff", "clerical_fallback",
                      "misrouted_contacts", "scanning", "mentoring", "absence", "vacancy")
IDLE = "idle"
# Where the variants' own activities fall in Ramböll's categories, to compare a run with the table;
# absence, vacancy and idle time are not part of a respondent's "normal week" and are left out.
RAMBOLL_CATEGORY = {"handover": "client_meetings", "self_payment": "invoice_fees", "debt_work": "other",
                    "handoff": "other", "clerical_fallback": "other", "misrouted_contacts": "phone",
                    "scanning": "phone", "mentoring": "consultation"}
NOT_IN_A_NORMAL_WEEK = ("absence", "vacancy", IDLE)

# Every activity a role can book, so summaries of different variants have the same keys.
ROLE_ACTIVITIES = {
    "payment_officer": ("payment_check", "overhead"),
    "cash_office": ("cash_control", "overhead"),
    "deputy_manager": ("referral_review", "overhead"),
    "module_admin": ("clerical", "overhead"),
}
CASEWORKER_ACTIVITIES = ACTIVITIES + VARIANT_ACTIVITIES


def table_for(cfg) -> dict[str, float]:
    """The time-use shares (%) a run uses: the district's own survey, else the Ramböll column."""
    return cfg.org.time_use or RAMBOLL_TABLE[cfg.timeuse.column]


def overhead_shares(table: dict[str, float], overhead: list[str] | tuple[str, ...]) -> dict[str, float]:
    """Share (0–1) of every paid hour spent on each overhead activity, normalised to the table's sum."""
    total = sum(table.values())
    return {activity: table.get(activity, 0.0) / total for activity in overhead}
