"""The report's section by target group (issue 17): who gains and who pays for a variant.

For every variant against the baseline, one small table per figure (first-visit wait, follow-ups on time, months
on assistance, the caseload of the group's caseworkers, assistance paid) with a row per target group: the
baseline's level, the variant's, and the paired difference with its 95 % CI (``by_group.<group>.<figure>`` rows
of summary.csv). A sentence says where the variant helps one group at another's expense: one group clearly better
off on a service figure while another is clearly worse off on one, by the same rules as the headline figures
(:func:`sim.analysis.kpis.verdict`; nothing is called better or worse where a first-visit queue does not settle).
"""

from __future__ import annotations

import html as _html

import pandas as pd

from sim.analysis.kpis import Kpi, fmt, judged, summary_row, unit_words, verdict
from sim.config.vocabulary import TARGET_GROUPS

PREFIX = "by_group."
GROUP_NAMES = {"labour_market": "labour market", "sick_listed": "sick-listed / rehabilitation",
               "young_adult": "young adults 18–25"}
# Months on assistance (also the money section's), with no better side: fewer months paid is not by itself help to
# a household (with the casework effect off they do not depend on the casework at all)
MONTHS = Kpi("months_on_assistance", "months on assistance", "months a year per household paid", "", 1, 2)
# The figures shown per group, in this order. Months on assistance and assistance paid have no better side here:
# less money paid to a group is not help to it.
FIGURES = (
    Kpi("first_visit_wait_weeks", "first-visit wait", "weeks", "lower"),
    Kpi("followups_on_time_share", "follow-ups done on time", "%", "higher", 100, 1),
    MONTHS,
    Kpi("caseload_per_caseworker", "caseload of their caseworkers", "households per FTE", "lower", 1, 1),
    Kpi("assistance_sek_per_year", "assistance paid", "MSEK/year", "", 1e-6, 2),
)
SERVICE = tuple(k for k in FIGURES if k.better)  # the figures on which a group is better or worse off
NO_VALUE = "no value"


def group_name(group: str) -> str:
    return GROUP_NAMES.get(group, group.replace("_", " "))


def has_groups(summary: pd.DataFrame) -> bool:
    """Whether the summary has figures by target group (results from before issue 17 have none)."""
    return bool(summary["metric"].astype(str).str.startswith(PREFIX).any())


def groups(summary: pd.DataFrame) -> list[str]:
    """The target groups the summary has figures for, in the model's order."""
    metrics = set(summary["metric"].astype(str))
    known = [g for g in TARGET_GROUPS if any(m.startswith(f"{PREFIX}{g}.") for m in metrics)]
    others = sorted({m[len(PREFIX):].split(".")[0] for m in metrics if m.startswith(PREFIX)} - set(known))
    return known + others


def _row(summary: pd.DataFrame, variant: str, group: str, kpi: Kpi):
    return summary_row(summary, variant, f"{PREFIX}{group}.{kpi.key}")


def _nan(x) -> bool:
    return x is None or x != x


def signed(kpi: Kpi, value: float, decimals: int | None = None) -> str:
    """A difference with its sign: '+0.40', '−0.40', '0.00' (never '−0.00')."""
    text = fmt(kpi, abs(value), decimals)
    if text == fmt(kpi, 0.0, decimals):
        return text
    return ("+" if value > 0 else "−") + text


def level(kpi: Kpi, r) -> str:
    """A level with its 95 % CI: '2.15 (1.90–2.40)', or 'no value'."""
    if r is None or _nan(r["mean"]):
        return NO_VALUE
    if _nan(r["ci_low"]) or _nan(r["ci_high"]):
        return fmt(kpi, r["mean"])
    if r["ci_low"] == r["ci_high"]:
        return f"{fmt(kpi, r['mean'])} (every replication)"
    return f"{fmt(kpi, r['mean'])} ({fmt(kpi, r['ci_low'])}–{fmt(kpi, r['ci_high'])})"


def difference(kpi: Kpi, r) -> str:
    """The paired difference with its 95 % CI: '−0.40 (−0.60 to −0.20)', or 'no value'."""
    if r is None or _nan(r["diff"]):
        return NO_VALUE
    low, high = r["diff_ci_low"], r["diff_ci_high"]
    if _nan(low) or _nan(high):
        return f"{signed(kpi, r['diff'])} (one replication: no interval)"
    if low == high:
        return f"{signed(kpi, r['diff'])} (every replication)"
    digits = _digits(kpi, low, high)
    return f"{signed(kpi, r['diff'], digits)} ({signed(kpi, low, digits)} to {signed(kpi, high, digits)})"


def _digits(kpi: Kpi, low: float, high: float) -> int:
    """Enough decimals that a narrow interval does not read "0.12 to 0.12", nor an end that is not zero "0.0"."""
    digits = kpi.decimals
    if low != low or high != high:
        return digits
    while digits < kpi.decimals + 2 and (signed(kpi, low, digits) == signed(kpi, high, digits) or any(
            x != 0 and fmt(kpi, abs(x), digits) == fmt(kpi, 0.0, digits) for x in (low, high))):
        digits += 1
    return digits


def amount(kpi: Kpi, r) -> str:
    """A group's difference in a few words: 'first-visit wait −0.50 weeks', with the table's decimals."""
    digits = _digits(kpi, r["diff_ci_low"], r["diff_ci_high"])
    return f"{kpi.label} {signed(kpi, r['diff'], digits)} {unit_words(kpi)}"


def call(kpi: Kpi, r, judge: bool) -> str:
    """A group's difference in a word: better, worse, no clear difference, practically the same, higher or lower
    (a figure with no better side), not judged (a queue that does not settle), no interval, no value."""
    if r is None or _nan(r["diff"]):
        return NO_VALUE
    if _nan(r["diff_ci_low"]) or _nan(r["diff_ci_high"]):
        return "no interval"  # a single replication: nothing is called better or worse
    v = verdict(kpi, r["diff"], r["diff_ci_low"], r["diff_ci_high"], True)
    if v in ("better", "worse") and not judge:
        return "not judged"
    if v == "changed":
        return "higher" if r["diff"] > 0 else "lower"
    return {"unclear": "no clear difference", "same": "practically the same"}.get(v, v)


def calls(summary: pd.DataFrame, baseline: str, variant: str) -> dict[str, dict[str, list[str]]]:
    """{"better": {group: [figures and their differences]}, "worse": {...}}: the service figures on which a group
    is clearly better or worse off than under the baseline (none where a first-visit queue does not settle)."""
    judge = judged(summary, baseline, variant)
    out: dict[str, dict[str, list[str]]] = {"better": {}, "worse": {}}
    for group in groups(summary):
        for kpi in SERVICE:
            r = _row(summary, variant, group, kpi)
            word = call(kpi, r, judge)
            if word in out:
                out[word].setdefault(group, []).append(amount(kpi, r))
    return out


def _who(side: dict[str, list[str]]) -> str:
    return "; ".join(f"{group_name(g)} ({', '.join(labels)})" for g, labels in side.items())


def tradeoff(summary: pd.DataFrame, baseline: str, variant: str) -> str:
    """One sentence: does the variant help one group at another's expense, or is no group clearly worse off."""
    if not judged(summary, baseline, variant):
        return ("Not judged by target group: a first-visit queue does not settle, so no group is called better or "
                "worse off.")
    c = calls(summary, baseline, variant)
    better, worse = c["better"], c["worse"]
    expense = any(g != h for g in better for h in worse)
    if expense:  # each group said once: better, worse, or mixed (better on one figure, worse on another)
        only_better = {g: v for g, v in better.items() if g not in worse}
        only_worse = {g: v for g, v in worse.items() if g not in better}
        mixed = [g for g in better if g in worse]
        parts = [f"better for {_who(only_better)}" if only_better else "",
                 f"worse for {_who(only_worse)}" if only_worse else "",
                 "; ".join(f"mixed for {group_name(g)} (better on {', '.join(better[g])}, worse on "
                           f"{', '.join(worse[g])})" for g in mixed)]
        return "Helps one group at another's expense: " + ", but ".join(p for p in parts if p) + "."
    if worse and better:  # one group only, better on one figure and worse on another
        (group, lost), = worse.items()
        return (f"Mixed for {group_name(group)}: better on {', '.join(better[group])}, worse on {', '.join(lost)}; "
                "no other group is clearly better or worse off.")
    if worse:
        return f"Worse off: {_who(worse)}; no other group is clearly better off."
    if better:
        return f"No group is clearly worse off. Better off: {_who(better)}."
    return "No group is clearly worse off, and none clearly better off."


def _table(summary: pd.DataFrame, baseline: str, variant: str, kpi: Kpi, judge: bool) -> str:
    e = _html.escape
    if all(level(kpi, _row(summary, v, g, kpi)) == NO_VALUE for g in groups(summary) for v in (baseline, variant)):
        why = " (no whole model year was measured)" if kpi.key == "months_on_assistance" else ""
        return f"<p><b>{e(kpi.label)}</b>: no value for any group{e(why)}.</p>"
    side = {"lower": "; lower is better", "higher": "; higher is better"}.get(kpi.better, "")
    unit = "percentage points for the difference" if kpi.unit == "%" else ""
    caption = f"{e(kpi.label)} <small>({e(kpi.unit)}{e(side)}{'; ' + e(unit) if unit else ''})</small>"
    rows = []
    for group in groups(summary):
        base, mine = _row(summary, baseline, group, kpi), _row(summary, variant, group, kpi)
        rows.append(f"<tr><td>{e(group_name(group))}</td><td>{e(level(kpi, base))}</td>"
                    f"<td>{e(level(kpi, mine))}</td><td>{e(difference(kpi, mine))}</td>"
                    f"<td>{e(call(kpi, mine, judge))}</td></tr>")
    return (f'<div class="scroll"><table class="groups"><caption>{caption}</caption>'
            f"<tr><th>target group</th><th>{e(baseline.replace('_', ' '))}</th>"
            f"<th>{e(variant.replace('_', ' '))}</th><th>difference (95 % CI)</th><th></th></tr>"
            f"{''.join(rows)}</table></div>")


INTRO = ("Each household belongs to a target group (labour market, sick-listed / rehabilitation, young adults "
         "18–25). Per variant, one table per figure: the baseline's level and the variant's (mean, 95 % CI in "
         "brackets), and the paired difference. A group is called better or worse off only on the service figures "
         "(first-visit wait, follow-ups on time, caseload of its caseworkers) and only when the whole interval lies "
         "on one side of zero. The caseload of a group's caseworkers is that of the caseworkers its households are "
         "with, averaged over its households: it can differ from the office's caseload per caseworker. Months on "
         "assistance and assistance paid are shown, not judged: fewer months paid is not by itself help to a "
         "household, and with the casework effect off (the default) they do not depend on how caseworkers work. "
         "“No value”: no such event after the warm-up in some replication "
         "(months on assistance need a whole model year, from one new year to the next, inside the measured "
         "period).")


def section(spec, summary: pd.DataFrame) -> str:
    """The HTML of the by-group section (heading included)."""
    e = _html.escape
    head = '<h2 id="groups">By target group</h2>'
    if not has_groups(summary):
        return head + ("<p>These results have no figures by target group (they were made by a version of the model "
                       "before the groups were measured).</p>")
    variants = [v for v in summary["variant"].cat.categories if v != spec.baseline]
    if not variants:
        return head + "<p>No variant besides the baseline.</p>"
    parts = [head, f"<p>{e(INTRO)}</p>"]
    for variant in variants:
        judge = judged(summary, spec.baseline, variant)
        parts.append(f"<h3>{e(variant.replace('_', ' '))} compared with {e(spec.baseline.replace('_', ' '))}, "
                     f"by target group</h3><p class=\"gist\">{e(tradeoff(summary, spec.baseline, variant))}</p>")
        parts += [_table(summary, spec.baseline, variant, kpi, judge) for kpi in FIGURES]
    return "".join(parts)


def text_lines(spec, summary: pd.DataFrame, variant: str) -> list[str]:
    """The by-group sentence for the text summary (nothing for results without groups)."""
    if not has_groups(summary) or variant == spec.baseline:
        return []
    return [f"by target group: {tradeoff(summary, spec.baseline, variant)}"]
