"""The model's words, written once: target groups, stages, task kinds, their durations and
activities, staff roles and the studied districts.

Every other module takes these names from here, so a new task kind or stage is added in one
place. Plain tuples and dicts: importable by every layer, importing nothing.
"""

from __future__ import annotations

# Target groups (målgrupper) of specialised districts (004): labour market, sick-listed/rehab, young adults.
TARGET_GROUPS = ("labour_market", "sick_listed", "young_adult")

# A household's stages while it is in the system ("exited" is the one after the last).
STAGES = ("reception", "referral", "long_term", "dormant")

# Duration families a Dist may name.
FAMILIES = ("fixed", "exponential", "lognormal", "gamma", "uniform")

# Task kinds in the default priority order: appeals and acute work first, follow-up last
# (004, Farsta's priority order: "appeals first, deadlines after arrival"; Ramböll 002 finds
# follow-up is what gets squeezed). ``process.priorities`` must list exactly these.
TASKS = (
    "appeal", "acute", "decision", "referral_review", "payment", "reception_payment",
    "pre_assessment", "home_visit", "first_visit", "first_meeting", "closure",
    "caseload_review", "plan_rewrite", "followup",
)
# How reception works (org.reception.workflow): a first visit it books itself (004 Farsta, HV), or a letter
# asking for documents and a decision on the complete application, the first visit in investigation (Södermalm).
RECEPTION_WORKFLOWS = ("first_visit", "documents")
# Who settles a grey-zone application (variant.decision_review.mode).
DECISION_REVIEWS = ("none", "deputy", "case_review")
# Task kinds outside the priority list: each shares the priority of a listed one, so
# ``process.priorities`` stays one list (variants' tasks included).
PRIORITY_CLASS = {
    "work_plan": "first_meeting", "followup_meeting": "followup", "cash_check": "payment",
    "handover": "first_meeting", "payment_approval": "payment", "self_payment": "payment",
    "debt_work": "appeal", "clerical": "followup",
    "misrouted": "pre_assessment", "scan": "pre_assessment", "mentoring": "caseload_review",
    "client_phone": "payment", "eviction_prevention": "acute",
    "decision_review": "decision", "case_review": "decision",
}
# Tasks that ``process.finish_same_day`` may name.
SAME_DAY_TASKS = TASKS + ("work_plan", "followup_meeting", "cash_check", "handover", "mentoring")

# Task kind -> the ``Process`` duration it draws (a district's fitted ``org.durations`` replace these).
DURATION_OF_TASK = {
    "pre_assessment": "pre_assessment", "acute": "acute_decision", "home_visit": "home_visit",
    "first_visit": "first_visit", "decision": "analysis", "reception_payment": "reception_payment",
    "appeal": "appeal", "referral_review": "referral_review", "first_meeting": "first_meeting",
    "work_plan": "work_plan", "followup": "followup_check", "followup_meeting": "followup_meeting",
    "plan_rewrite": "plan_rewrite", "payment": "payment_check", "cash_check": "cash_check", "closure": "closure",
    "client_phone": "client_phone", "eviction_prevention": "eviction_prevention",
}
# The task durations a district may fit to its own records (``org.durations``; python -m sim.calibrate).
DURATIONS = tuple(DURATION_OF_TASK.values())
# Variant task kind -> the variant's duration (a ``Variant`` sub-config field), or the task it reuses.
VARIANT_DURATIONS = {"handover": ("specialisation", "handover"), "payment_approval": ("payment", "approval"),
                     "debt_work": ("payment", "debt_work"), "scan": ("reception", "scan"),
                     "decision_review": ("decision_review", "review"), "case_review": ("decision_review", "meeting")}
SAME_DURATION_AS = {"self_payment": "payment", "misrouted": "pre_assessment"}

# Ramböll activity (or a role's own activity) that each task's time is booked to.
ACTIVITY_OF = {
    "appeal": "investigation_decision", "acute": "on_call", "decision": "investigation_decision",
    "referral_review": "referral_review", "payment": "payment_check", "reception_payment": "invoice_fees",
    "pre_assessment": "phone", "home_visit": "client_meetings", "first_visit": "client_meetings",
    "first_meeting": "client_meetings", "work_plan": "investigation_decision", "closure": "investigation_decision",
    "caseload_review": "followup", "plan_rewrite": "reassessment", "followup": "followup",
    "followup_meeting": "client_meetings", "cash_check": "cash_control",
    "client_phone": "phone", "eviction_prevention": "client_meetings",
    # variants (issue 3): activities of their own so a manager sees what the variant costs
    "handover": "handover", "payment_approval": "invoice_fees", "self_payment": "self_payment",
    "debt_work": "debt_work", "clerical": "clerical", "clerical_fallback": "clerical_fallback",
    "misrouted": "misrouted_contacts", "scan": "scanning", "mentoring": "mentoring",
    # a grey-zone decision's review: the deputy's (as a referral's) or a case-review meeting (Ramböll's group
    # meetings/case review)
    "decision_review": "referral_review", "case_review": "group_meeting",
}
# The long-term caseworker's own tasks: a specialist's speed (variant.specialisation.specialist_speed) applies.
LONG_TERM_TASKS = frozenset({"client_phone", "first_meeting", "work_plan", "followup", "followup_meeting",
                             "plan_rewrite", "appeal", "closure", "handover", "caseload_review"})

# Staff roles whose overhead is the caseworkers' (Ramböll) time use.
CASEWORKER_ROLES = ("reception_pre_assessment", "reception_first_visit", "reception", "long_term",
                    "common_reception")
# ``workforce.roles`` -> the desks' roles it covers.
ROLE_GROUPS = {
    "long_term": ("long_term",), "reception": ("reception", "reception_pre_assessment", "reception_first_visit"),
    "payment_officer": ("payment_officer",), "deputy_manager": ("deputy_manager",), "cash_office": ("cash_office",),
}

# Variants (configs/variant/) that set the same thing two ways: at most one of each group in a variant list.
# The setting they both make -> the variants.
EXCLUSIVE_VARIANTS = {"variant.specialisation.mode": ("broad", "specialised"),
                      "variant.reception.mode": ("own_reception", "common_reception"),
                      "variant.payment.pairing": ("paired", "caseworker_owns"),
                      "variant.decision_review.mode": ("deputy_review", "case_review")}

# The studied districts (004, Governo 2011): configs/org/<key>.yaml and the name the study uses.
DISTRICTS = {"farsta": "Farsta", "sodermalm": "Södermalm", "hasselby_vallingby": "Hässelby-Vällingby"}

# The validation reductions: the same Run cut down to queues (tests against queueing theory).
REDUCTIONS = ("mmc", "tandem")
