"""What each studied district is fitted to, what is held out, and what the fit may move (issue 12).

Every target is a figure of the studies (004 Governo 2011; 002 Ramböll 2012) with an observation
uncertainty we state, because "about 2 weeks" is not 2.00 and a self-estimate by four respondents is
not exact. The held-out targets were chosen *before* fitting and never rule a parameter vector out;
the validation page reports them pass or fail. Staffing is never a free parameter: it is what the
study counted. Each district has fewer free parameters than fitted targets (over-identified).

Uncertainties (one standard deviation) are assumptions, reasoned per figure:
- a wait the study gives in whole weeks ("about 2", "3 weeks"): ±0.5 week (rounding plus "varies");
- a caseload the study reports as a mean (78.3, 107.4): ±5 %, it moves from week to week; one given as
  a cap or range ("max 85", "80–90 for some", "about 100"): the range's half-width or ±10 %;
- a count on one day (917 households): ±5 %;
- the 2010 statistics (households paid per year, months per household-year): ±10 % and ±0.5 month, a
  year before the study and derived from totals (DATA.md § consistency check);
- "about 5 new a week" per reception caseworker: ±1;
- "within a week": 4 ± 1.5 days (anything from a day to a week is "within a week");
- time use: the total-variation distance to Ramböll's adults column, 0 ± 0.033, so the issue's 10
  percentage points sit at an implausibility of 3 (four respondents), plus a model discrepancy of 0.033
  because the column is another unit than economic assistance (see ``TIME_USE``).

Held out, chosen before fitting: the payment officers' caseloads (Södermalm, Hässelby-Vällingby) and
Farsta's households a year from the 2010 statistics (does the inflow that fits the study's own figures give
the statistics' count?). Hässelby-Vällingby's debts are fitted: the share of mislaid documents was set by hand
from them.
"""

from __future__ import annotations

from sim.analysis.history_matching import Observation, Parameter

S004 = "004 (Governo 2011), staffing table (DATA.md § Staffing, caseloads, waits)"
S004_2010 = "004, 2010 statistics (DATA.md: assistance paid ÷ mean per household-month ÷ months per household)"
S002 = "002 (Ramböll 2012), time-use table, adults column"

# Model discrepancy: Ramböll measured the adults unit, not economic assistance ("not measured", DATA.md), and its
# three units lie 25–27 points apart from each other (total-variation distance between the columns), so the
# column is an uncertain stand-in; a discrepancy of 0.033 (one sd) widens the pass line from 10 to 14 points.
TIME_USE = Observation("time_use_gap", 0.0, 0.033, f"{S002}: total-variation distance", discrepancy_sd=0.033)


def _common(households_per_year: float, months: float) -> list[Observation]:
    return [
        Observation("households_per_year", households_per_year, 0.1 * households_per_year, S004_2010),
        Observation("months_on_assistance", months, 0.5, S004_2010),
    ]


S004_PAID = "004, 2010 statistics: assistance paid (DATA.md § Staffing, caseloads, waits)"


def _paid(ksek: float) -> Observation:
    """Held out (issue 17, added after the fit, which was not run again): 2010's assistance paid, ±10 % like the
    other 2010 totals. The model pays each household 004's 2010 mean per household-month (spread around it), so
    this checks the household-months paid a year, the product of two figures above, against the total itself."""
    return Observation("assistance_sek_per_year", ksek * 1e3, 0.1 * ksek * 1e3, S004_PAID, held_out=True)


OBSERVATIONS: dict[str, list[Observation]] = {
    "farsta": [
        Observation("first_visit_wait_weeks", 2.0, 0.5, f"{S004}: about 2 weeks"),
        Observation("caseload_per_caseworker", 80.0, 5.0, f"{S004}: max 85 (25 active), run close to the cap"),
        Observation("households_in_stock", 917.0, 46.0, f"{S004}: 917 cases at the study"),
        Observation("new_per_week_per_investigator", 5.0, 1.0, f"{S004}: about 5 new a week per reception caseworker"),
        # held out: does the inflow that fits 004's own figures give 2010's households a year?
        Observation("households_per_year", 1550.0, 155.0, S004_2010, held_out=True),
        Observation("months_on_assistance", 7.0, 0.5, S004_2010),
        _paid(81061),
        TIME_USE,
    ],
    "sodermalm": [
        Observation("reception_decision_days", 4.0, 1.5, f"{S004}: a complete application handled within a week"),
        Observation("reception_caseload_per_caseworker", 15.0, 2.5, f"{S004}: 10–20 per reception caseworker"),
        Observation("caseload_per_caseworker", 70.0, 7.0, f"{S004}: 80–90 for some, goal 60–65"),
        *_common(1540.0, 6.6),
        Observation("caseload_per_payment_officer", 100.0, 10.0, f"{S004}: about 100", held_out=True),
        _paid(72767),
        TIME_USE,
    ],
    "hasselby_vallingby": [
        Observation("first_visit_wait_weeks", 3.0, 0.5, f"{S004}: 3 weeks at the study"),
        Observation("caseload_per_caseworker", 78.3, 3.9, f"{S004}: Team 2 mean 78.3"),
        Observation("new_per_week_per_investigator", 5.0, 1.0, f"{S004}: 5 new a week per first-visit investigator"),
        *_common(1790.0, 7.3),
        Observation("caseload_per_payment_officer", 107.4, 5.4, f"{S004}: mean 107.4", held_out=True),
        # 004 HV: "elskulder, hyresskulder och till och med vräkningar, flera gånger i månaden": 2–6 a month.
        # Fitted, not held out: variant.payment.mislaid_share was set by hand from it (a sixth parameter)
        Observation("debts_per_year", 48.0, 16.0, "004, Hässelby-Vällingby: debts several times a month"),
        _paid(100442),
        TIME_USE,
    ],
}

_INFLOW = Parameter("org.arrivals_per_week", 15.0, 40.0,
                    "from the 2010 households per year (≈ 20 a week) to 5 a week per reception caseworker (≈ 35)")
_NEED = Parameter("org.households.need_months.mean", 3.0, 14.0,
                  "assumption: a mean episode of a quarter to over a year (004 gives 6.6–7.3 months per year)")
_NOTICE = Parameter("org.reception.booking_notice_weeks", 0.25, 3.0,
                    "assumption: a letter's notice of a few days to three weeks (004: letter with time and documents)")
_ANALYSIS = Parameter("org.durations.analysis.mean", 2.0, 4.5, "004 Farsta: the analysis takes \"about half a day\"")
_REWRITE = Parameter("org.durations.plan_rewrite.mean", 0.5, 2.0,
                     "assumption: rewriting a work plan every 3–4 months (004) takes half an hour to two hours")

# Södermalm's notice is the time a household takes to gather and send the listed documents (004), not a letter's
# lead time. Widened after a first fit found no vector: at most 3 weeks cannot give reception its 10–20 households.
_DOCUMENTS = Parameter("org.reception.booking_notice_weeks", 0.25, 6.0,
                       "assumption: a household gathers and sends its documents in a few days to six weeks")

# Five free parameters per district, against six or seven fitted targets.
PARAMETERS: dict[str, list[Parameter]] = {org: [_INFLOW, _NEED, _NOTICE, _ANALYSIS, _REWRITE] for org in OBSERVATIONS}
PARAMETERS["sodermalm"] = [_INFLOW, _NEED, _DOCUMENTS, _ANALYSIS, _REWRITE]


def fitted(org: str) -> list[Observation]:
    return [o for o in OBSERVATIONS[org] if not o.held_out]
