"""The manager's report: one self-contained HTML file (plots embedded), and a one-screen text summary."""

from __future__ import annotations

import base64
import html as _html
from pathlib import Path

import pandas as pd

from sim.analysis.kpis import BY_KEY, fmt, judged, sentence, shown, summary_row, threshold, verdict
from sim.analysis.stability import GROWTH
from sim.config.vocabulary import DISTRICTS
from sim.model import units
from sim.outputs import effect_chart, group_section

GLOSSARY = (
    ("socialsekreterare", "caseworker (social secretary)"),
    ("mottagning", "reception: first contact, phone pre-assessment, first visit, basic investigation"),
    ("nybesök", "first visit: the long meeting where all documents are collected"),
    ("ekonomihandläggare / bidragshandläggare", "payment officer: checks documents, computes and pays"),
    ("kassa", "cash office: checks every payment before it is made"),
    ("biträdande enhetschef", "deputy manager: reviews investigations and distributes cases"),
    ("arbetsplan", "work plan with the household, followed up monthly, rewritten every 3–4 months"),
    ("uppföljning", "follow-up of the work plan"),
    ("moduladministratör", "module administrator: clerical help placed among 25–30 caseworkers"),
    ("förstärkningsteam", "reinforcement team for temporary peaks"),
    ("ekonomiskt bistånd", "economic assistance: the money paid to a household each month it needs it"),
    ("målgrupp", "target group: labour market, sick-listed / rehabilitation, young adults 18–25"),
)


def variant_settles(summary: pd.DataFrame, variant: str) -> str:
    """``yes``, ``no`` or ``unknown``: does this variant's first-visit queue settle (summary.csv)."""
    rows = summary.loc[summary["variant"] == variant, "queue_settles"] if "queue_settles" in summary else []
    return str(rows.iloc[0]) if len(rows) else "unknown"


def warnings(spec, summary: pd.DataFrame) -> list[str]:
    """Plain-words warnings for the top of the report: variants whose reception cannot keep up."""
    out = []
    for variant in summary["variant"].cat.categories:
        if variant_settles(summary, variant) != "no":
            continue
        r = summary[(summary["variant"] == variant) & (summary["metric"] == GROWTH)].iloc[0]
        out.append(f"{variant.replace('_', ' ')}: reception cannot keep up — the first-visit queue grows by "
                   f"{r['mean']:.1f} households a month after the warm-up (95 % CI {r['ci_low']:.1f} to "
                   f"{r['ci_high']:.1f}). Its waits grow with the length of the run; none of its figures is "
                   "called better or worse.")
    return out


_row = summary_row


def _label(variant: str) -> str:
    return variant.replace("_", " ")


def overflow_aside(spec, summary: pd.DataFrame, variant: str) -> str:
    """The side effect of a caseload cap, said beside the figures it flatters: households waiting for a caseworker."""
    mine, base = _row(summary, variant, "referral_overflow"), _row(summary, spec.baseline, "referral_overflow")
    if mine is None or not mine["mean"] >= 1 or (base is not None and mine["mean"] <= base["mean"] + 0.5):
        return ""
    kpi = BY_KEY["referral_overflow"]
    before = f" against {fmt(kpi, base['mean'])} under “{_label(spec.baseline)}”" if base is not None else ""
    return (f"but {fmt(kpi, mine['mean'])} households on average wait for a free caseworker (over the cap)"
            f"{before}")


FLATTERED = ("caseload_per_caseworker", "followups_on_time_share")  # figures a cap improves by turning households away


def headline_rows(spec, summary: pd.DataFrame) -> list[tuple[str, str]]:
    """(variant, sentence) for every non-baseline variant and headline figure; none left out."""
    out = []
    for variant in summary["variant"].cat.categories:
        if variant == spec.baseline:
            continue
        judge = judged(summary, spec.baseline, variant)
        aside = overflow_aside(spec, summary, variant)
        for kpi in shown(summary):
            r = _row(summary, variant, kpi.key)
            if r is None:
                continue
            out.append((variant, sentence(kpi, _label(variant), _label(spec.baseline), r["diff"], r["diff_ci_low"],
                                          r["diff_ci_high"], judge, aside if kpi.key in FLATTERED else "")))
    return out


# --- money: staff cost, assistance paid, their total (issue 17) ----------------------------------------------------

STAFF, ASSISTANCE, TOTAL = "cost_sek_per_year", "assistance_sek_per_year", "total_cost_sek_per_year"
MONEY = (STAFF, ASSISTANCE, TOTAL)
TOGETHER = "staff cost and assistance paid together"

MONTHS = group_section.MONTHS
SPEED = "need_clock.speed"  # months of need a long-term month uses up: exactly 1 with the casework effect off

MONEY_NOTE_OFF = ("With the casework effect off (the model as calibrated), the assistance paid does not depend on how "
                  "caseworkers work: each household's need (how many months it needs assistance) is drawn when it "
                  "arrives, the same in every variant, and every one of those months is paid. A variant changes when "
                  "the months are paid (a faster reception pays them sooner), not how many. So a variant that adds "
                  "staff cannot pay for itself there.")
MONEY_NOTE_ON = ("With the casework effect on (an assumption, process.casework_effect; docs/model.md, “The casework "
                 "effect”), each month a household is on assistance uses up more or less of its need depending on "
                 "its casework: a plan followed up on time speeds its way off assistance, a missed follow-up, a change "
                 "of caseworker and a late payment slow it (by default x1.15, evidence range 1.0–1.3; x0.9; x0.93 for "
                 "3 months; x0.97). The factors are scaled so that the district as the study found it keeps its "
                 "months on assistance; a variant that keeps more follow-ups on time shortens them. No study of "
                 "Swedish economic assistance measures these factors: the answer is only as good as the assumption.")


def casework_on(summary: pd.DataFrame) -> bool:
    """Whether the runs had the casework effect on (the need clock ran at other than one month a month)."""
    speed = summary.loc[summary["metric"] == SPEED, "mean"]
    return bool(len(speed)) and bool((speed != 1.0).any())


def money_note(summary: pd.DataFrame, assumptions: dict) -> str:
    """What the money section rests on: the casework effect off, on, or both (the comparison under assumptions)."""
    on = [casework_on(s) for s in (summary, *assumptions.values())]
    if any(on) and not all(on):
        return MONEY_NOTE_OFF + " " + MONEY_NOTE_ON
    return MONEY_NOTE_ON if all(on) else MONEY_NOTE_OFF + (" Add the assumption to the experiment to see what "
                                                           "follows if casework matters (experiment.assumptions, as "
                                                           "in experiments/default.yaml).")


def assumption_label(name: str, under: pd.DataFrame) -> str:
    """How the report names a comparison under an assumption: 'with the casework effect' or the name."""
    if name == "casework_effect":
        return "with the casework effect (an assumption)"
    if casework_on(under):  # one of several strengths, e.g. weak / central / strong
        return f"with the casework effect, “{name.replace('_', ' ')}” (an assumption)"
    return f"under the assumption “{name.replace('_', ' ')}”"


def has_money(summary: pd.DataFrame) -> bool:
    """Whether the summary has the assistance paid and the total (results from before issue 17 have neither)."""
    return bool((summary["metric"] == TOTAL).any())


def money_call(summary: pd.DataFrame, baseline: str, variant: str) -> str:
    """Whether the variant pays for itself, from the paired difference of the total (staff cost + assistance paid).

    ``pays for itself`` (the whole 95 % CI below zero), ``costs more`` (above), ``cannot tell`` (it spans zero, a
    single replication, or a first-visit queue that does not settle: :func:`judged`), ``costs the same`` (the whole
    interval smaller than the last decimal shown, as "practically the same" elsewhere), ``no value``, or ``""``
    where the summary has no total."""
    r = _row(summary, variant, TOTAL)
    if r is None:
        return ""
    diff, low, high = r["diff"], r["diff_ci_low"], r["diff_ci_high"]
    if diff != diff:
        return "no value"
    if low != low or high != high:
        return "cannot tell"
    call = verdict(BY_KEY[TOTAL], diff, low, high, judged(summary, baseline, variant))
    return {"better": "pays for itself", "worse": "costs more", "same": "costs the same"}.get(call, "cannot tell")


def _msek(value: float, decimals: int | None = None) -> str:
    """'0.4 MSEK a year lower'; 'no change' where it rounds to nothing."""
    kpi = BY_KEY[TOTAL]
    if fmt(kpi, abs(value), decimals) == fmt(kpi, 0.0, decimals):
        return "no change"
    return f"{fmt(kpi, abs(value), decimals)} MSEK a year {'higher' if value > 0 else 'lower'}"


def money_sentence(spec, summary: pd.DataFrame, variant: str) -> str:
    """One plain sentence: does the variant pay for itself (staff cost + assistance paid against the baseline)."""
    call = money_call(summary, spec.baseline, variant)
    if not call:
        return ""
    r = _row(summary, variant, TOTAL)
    v, b = f"“{_label(variant)}”", f"“{_label(spec.baseline)}”"
    kpi = BY_KEY[TOTAL]
    diff, low, high = r["diff"], r["diff_ci_low"], r["diff_ci_high"]
    if call == "no value":
        return (f"Cannot tell whether {v} pays for itself: {TOGETHER} have no value (they could not be measured in "
                "some replication).")
    if low != low or high != high:
        return (f"Cannot tell whether {v} pays for itself: {TOGETHER} are {_msek(diff)} than under {b}, but from a "
                "single replication (no interval).")
    if call == "costs the same":
        if low == high:
            return f"{v} costs the same as {b}: {TOGETHER} are the same in every replication."
        within = fmt(kpi, threshold(kpi), kpi.decimals + 1)
        return (f"{v} costs practically the same as {b}: {TOGETHER} differ by less than {within} MSEK a year "
                "(95 % CI).")
    lo, hi = sorted((abs(low), abs(high)))
    digits = kpi.decimals
    # more digits until the bounds differ and neither a nonzero bound reads as 0 ("0.0 to 0.2" of an interval
    # wholly below zero)
    while (digits < kpi.decimals + 3 and ((fmt(kpi, lo, digits) == fmt(kpi, hi, digits) and low != high)
                                          or (lo > 0 and fmt(kpi, lo, digits) == fmt(kpi, 0.0, digits)))):
        digits += 1
    interval = ("the same in every replication" if low == high
                else f"95 % CI {fmt(kpi, lo, digits)} to {fmt(kpi, hi, digits)}")
    if call in ("pays for itself", "costs more"):
        return f"{v} {call}: {TOGETHER} are {_msek(diff, digits)} than under {b} ({interval})."
    if not judged(summary, spec.baseline, variant) and not low <= 0 <= high:
        return (f"Cannot tell whether {v} pays for itself: a first-visit queue does not settle, so what is paid "
                f"depends on how long the run is ({TOGETHER} {_msek(diff)} than under {b}, {interval}).")
    return (f"Cannot tell whether {v} pays for itself: compared with {b}, {TOGETHER} are between "
            f"{_msek(low, digits)} and {_msek(high, digits)} (95 % CI).")


def _money_table(spec, summary: pd.DataFrame, variant: str) -> str:
    e = _html.escape
    names = {STAFF: "staff cost (handling)", ASSISTANCE: "assistance paid", TOTAL: "total: staff cost + assistance",
             MONTHS.key: "months on assistance (a year, per household paid)"}
    rows = []
    for key in (*MONEY, MONTHS.key):
        kpi = BY_KEY.get(key, MONTHS)
        if _row(summary, variant, key) is None:
            continue
        base, mine = _row(summary, spec.baseline, key), _row(summary, variant, key)
        rows.append(f"<tr><td>{e(names[key])}</td><td>{e(group_section.level(kpi, base))}</td>"
                    f"<td>{e(group_section.level(kpi, mine))}</td><td>{e(group_section.difference(kpi, mine))}</td>"
                    "</tr>")
    return (f'<div class="scroll"><table class="money"><caption>MSEK a year (months: a year); mean (95 % CI)</caption>'
            f"<tr><th>figure</th><th>{e(_label(spec.baseline))}</th><th>{e(_label(variant))}</th>"
            f"<th>difference (95 % CI)</th></tr>{''.join(rows)}</table></div>")


def money_section(spec, summary: pd.DataFrame, assumptions: dict | None = None) -> str:
    """The HTML of the money section: per variant its sentence and a table of the figures, without and with each
    assumption (``assumptions``: name -> the summary of the variants run under it)."""
    assumptions = assumptions or {}
    e = _html.escape
    head = '<h2 id="money">Money: staff cost and assistance paid</h2>'
    if not has_money(summary):
        return head + ("<p>These results have no assistance paid (they were made by a version of the model before "
                       "it was measured): only the staff cost is compared, in the figures above.</p>")
    parts = [head, "<p>What the office pays: its staff (handling cost, which follows the staffing) and the economic "
             "assistance it pays out to households. A variant <i>pays for itself</i> only when the total is lower "
             "than the baseline's over the whole 95 % interval of the paired difference; it <i>costs more</i> when "
             f"the whole interval is above zero; otherwise we cannot tell.</p>"
             f"<p class=\"note\">{e(money_note(summary, assumptions))}</p>"]
    plain = "with the casework effect (an assumption)" if casework_on(summary) else "without the casework effect"
    for variant in summary["variant"].cat.categories:
        if variant == spec.baseline:
            continue
        parts.append(f"<h3>{e(_label(variant))} compared with {e(_label(spec.baseline))}</h3>")
        for label, frame in ((plain, summary), *((assumption_label(n, a), a) for n, a in assumptions.items())):
            head = f"<b>{e(label[0].upper() + label[1:])}:</b> " if assumptions else ""
            parts.append(f"<p class=\"gist\">{head}{e(money_sentence(spec, frame, variant))}</p>"
                         f"{_money_table(spec, frame, variant)}")
    return "".join(parts)


SHORT = {"pays for itself": "pays for itself", "costs more": "costs more", "costs the same": "costs the same",
         "cannot tell": "cannot tell whether it pays for itself", "no value": "no value"}


def gist(spec, summary: pd.DataFrame, variant: str, assumptions: dict | None = None) -> str:
    """One sentence per variant: which figures are better, worse, unclear — and what it costs (also under each
    assumption the experiment compares with)."""
    groups: dict[str, list[str]] = {"better": [], "worse": [], "unclear": [], "same": [], "unmeasured": []}
    judge = judged(summary, spec.baseline, variant)
    for kpi in shown(summary):
        r = _row(summary, variant, kpi.key)
        if r is None or kpi.key in MONEY:  # money is said last, on its own
            continue
        groups.setdefault(verdict(kpi, r["diff"], r["diff_ci_low"], r["diff_ci_high"], judge), []).append(kpi.label)
    parts = []
    for call, words in (("better", "Better"), ("worse", "Worse"), ("unclear", "No clear difference"),
                        ("same", "Practically the same"), ("unmeasured", "Not measured")):
        if groups.get(call):
            parts.append(f"{words}: {', '.join(groups[call])}.")
    cost = _row(summary, variant, "cost_sek_per_year")
    if cost is not None and cost["diff"] == cost["diff"]:
        kpi = BY_KEY["cost_sek_per_year"]
        parts.append("Staff cost: the same." if abs(cost["diff"]) < threshold(kpi) else
                     f"Staff cost: {fmt(kpi, abs(cost['diff']))} MSEK a year {'more' if cost['diff'] > 0 else 'less'}.")
    call = money_call(summary, spec.baseline, variant)
    if call:
        calls = [f"With the assistance paid: {SHORT[call]}"]
        for name, under in (assumptions or {}).items():
            other = money_call(under, spec.baseline, variant)
            if other:
                calls.append(f"{assumption_label(name, under).removesuffix(' (an assumption)')} (an assumption): "
                             f"{SHORT[other]}")
        parts.append("; ".join(calls) + ".")
    if not judge:
        parts.insert(0, "Not judged (a first-visit queue that does not settle).")
    return " ".join(parts) or "No headline figure."


FEW = 5  # fewer replications than this: intervals rest on too few values to say much


def notices(spec, replications: int, summary: pd.DataFrame, with_effect: bool = False) -> list[str]:
    """Plain-words cautions about how sure the numbers are: few replications, intervals without width, and what the
    money rests on (``with_effect``: the comparison is also made with the casework effect)."""
    out = []
    if replications < FEW:
        out.append(f"Only {replications} replications per variant: the intervals rest on very few values and are "
                   f"wide; differences called clear may not hold. Run at least 10 (replications=10) before "
                   "drawing conclusions.")
    exact = [kpi.label for kpi in shown(summary)
             if all(r is not None and r["ci_low"] == r["ci_high"] == r["mean"]
                    for r in (_row(summary, v, kpi.key) for v in summary["variant"].cat.categories))]
    if exact:
        these = "this figure does" if len(exact) == 1 else "these figures do"
        out.append(f"Same in every replication (no interval): {', '.join(exact)} — {these} not depend on chance "
                   "in the model (staff cost, for one, follows the staffing), so no interval is shown.")
    if has_money(summary) and not casework_on(summary):
        out.append("Assistance paid does not depend on how caseworkers work in this comparison (the casework "
                   "effect is off: each household's need is drawn on arrival), so a variant that adds staff cannot "
                   "pay for itself in it. See “Money” below" + (", which also compares the variants with the "
                                                                 "casework effect, an assumption." if with_effect
                                                                 else "."))
    elif has_money(summary):
        out.append("The casework effect is on (an assumption): how casework shortens households' time on "
                   "assistance is not measured by any study of Swedish economic assistance. See “Money” below.")
    return out


def text_summary(spec, replications: int, summary: pd.DataFrame, assumptions: dict | None = None) -> str:
    """The terminal's summary; ``assumptions``: name -> summary of the variants under it (the money lines)."""
    assumptions = assumptions or {}
    title = spec.title or spec.name
    district = getattr(spec, "district", "") or spec.org
    lines = [title, "=" * min(len(title), 100),
             f"{district}, {replications} paired replications per variant, baseline: {_label(spec.baseline)}", ""]
    lines += [f"WARNING {w}" for w in warnings(spec, summary)]
    lines += [f"NOTE {n}" for n in notices(spec, replications, summary,
                                           any(casework_on(a) for a in assumptions.values()))]
    lines += [""] if lines[-1] != "" else []
    current = None
    for variant, text in headline_rows(spec, summary):
        if variant != current:
            lines += _closing(spec, summary, current, assumptions)
            lines.append(f"{_label(variant)} against {_label(spec.baseline)}: "
                         f"{gist(spec, summary, variant, assumptions)}")
            current = variant
        lines.append(f"  - {text}")
    lines += _closing(spec, summary, current, assumptions)
    return "\n".join(lines)


def _closing(spec, summary: pd.DataFrame, variant: str | None, assumptions: dict) -> list[str]:
    """A variant's money and by-group sentences, after its headline figures in the text summary."""
    if variant is None:
        return []
    money = money_sentence(spec, summary, variant)
    out = [f"  = money: {money}"] if money else []
    for name, under in assumptions.items():
        other = money_sentence(spec, under, variant)
        if other:
            out.append(f"  = money {assumption_label(name, under)}: {other}")
    return out + [
        f"  = {line}" for line in group_section.text_lines(spec, summary, variant)]


def _img(path: Path) -> str:
    data = base64.b64encode(Path(path).read_bytes()).decode()
    return f'<img src="data:image/png;base64,{data}" alt="{_html.escape(Path(path).stem)}">'


def _table(spec, summary: pd.DataFrame) -> str:
    head = "".join(f"<th>{_html.escape(_label(v))}</th>" for v in summary["variant"].cat.categories)
    rows = []
    for kpi in shown(summary):
        cells = []
        for variant in summary["variant"].cat.categories:
            r = _row(summary, variant, kpi.key)
            if r is None:
                cells.append("<td>—</td>")
                continue
            if r["ci_low"] != r["ci_low"]:
                ci = ""
            elif r["ci_low"] == r["ci_high"]:
                ci = "<br><small>every replication</small>"
            else:
                ci = f"<br><small>{fmt(kpi, r['ci_low'])}–{fmt(kpi, r['ci_high'])}</small>"
            value = fmt(kpi, r["mean"]) if r["mean"] == r["mean"] else "not measured"  # NaN said in words
            cells.append(f"<td>{value}{ci}</td>")
        label = f"{_html.escape(kpi.label)} <small>({_html.escape(kpi.unit)})</small>"
        rows.append(f"<tr><th>{label}</th>{''.join(cells)}</tr>")
    return f'<div class="scroll"><table><tr><th>figure</th>{head}</tr>{"".join(rows)}</table></div>'


PLAUSIBLE = ("Each replication also took its own member of the district's plausible parameters (the inflow, need "
             "duration, booking notice, analysis and plan-rewrite times the studies cannot rule out; python -m "
             "sim.fit), the same "
             "member for every variant: the intervals below cover that uncertainty as well as chance, so a difference "
             "whose interval excludes zero holds across the plausible parameters.")


def calibrated(org: str) -> str:
    """Where the district's figures come from: the studies (a validation page) or the user's own file."""
    if org in DISTRICTS:
        return "calibrated to the Governo 2011 study (docs/validation.md shows how well it matches)"
    return f"with the staffing and figures of its own file (configs/org/{org}.yaml)"


def span(weeks: float) -> str:
    """A simulated span in words: '2 years', '1.5 years', '26 weeks'."""
    if weeks >= 52:
        years = units.weeks_to_years(weeks)
        return f"{years:g} year{'s' if years != 1 else ''}" if years == round(years, 1) else f"{years:.1f} years"
    return f"{weeks:g} weeks"


def _overrides(spec, variant: str) -> str:
    changes = spec.variants[variant]
    if not changes:
        return "the district as configured, nothing changed"
    return f"<code>{_html.escape(' '.join(changes))}</code>"


HOW_TO_READ = """<div class="note" id="how-to-read"><b>How to read this page.</b>
<ul>
<li><b>What changes</b> compares each variant with the baseline, figure by figure, on the same simulated
households. The first line of each variant sums it up.</li>
<li>A number such as <i>0.5 weeks shorter (95 % CI 0.3 to 0.7)</i> is the average change; with 95 % confidence
the change in the model lies in the range in brackets.</li>
<li><i>Better</i> or <i>worse</i> is said only when that whole range lies on one side of zero. <i>No clear
difference</i>: the range includes zero. <i>Practically the same</i>: the whole range is smaller than the last
decimal shown.</li>
<li>Warnings in red come first: a reception that cannot keep up is never called better or worse.</li>
<li><a href="#money">Money</a> adds the assistance paid to the staff cost and says whether a variant pays for
itself; <a href="#groups">By target group</a> shows who gains and who loses.</li>
<li>Swedish terms are explained in the <a href="#glossary">glossary</a> at the end.</li>
</ul></div>"""


def html(spec, order: list[str], replications: int, summary: pd.DataFrame, figures: dict[str, Path],
         assumptions: dict | None = None) -> str:
    """The report; ``assumptions``: name -> summary of the variants under that assumption (the money section)."""
    assumptions = assumptions or {}
    e = _html.escape
    variants = "".join(
        f"<li><b>{e(_label(v))}</b>{' (baseline)' if v == spec.baseline else ''}: {_overrides(spec, v)}</li>"
        for v in order)
    given = getattr(spec, "assumptions", {})
    arms = "".join(f"<li><b>{e(_label(name))}</b>: {' '.join(f'<code>{e(str(o))}</code>' for o in given[name])}</li>"
                   for name in assumptions if name in given)
    if arms:
        these = "this assumption" if len(assumptions) == 1 else "each of these assumptions"
        arms = (f"<p>Every variant was simulated again under {these}, on the same seeds; the comparisons are without "
                f"it, except in “Money”, which shows both:</p><ul>{arms}</ul>")
    findings, current = [], None
    sentences = headline_rows(spec, summary)
    chart = effect_chart.svg(spec, summary, {(v, t.split(":")[0]): t for v, t in sentences})
    for variant, text in sentences:
        if variant != current:
            if current is not None:
                findings.append("</ul>")
            findings.append(f"<h3>{e(_label(variant))} compared with {e(_label(spec.baseline))}</h3>"
                            f"<p class=\"gist\">{e(gist(spec, summary, variant, assumptions))}</p><ul>")
            current = variant
        findings.append(f"<li>{e(text)}</li>")
    if current is not None:
        findings.append("</ul>")
    plots = "".join(f"<h3>{e(title)}</h3>{_img(path)}" for title, path in figures.items())
    glossary = "".join(f"<tr><td><i>{e(sv)}</i></td><td>{e(en)}</td></tr>" for sv, en in GLOSSARY)
    measured = spec.horizon_weeks - spec.warmup_weeks
    district = getattr(spec, "district", "") or spec.org
    cautions = "".join(f'<p class="warning"><b>Warning.</b> {e(w)}</p>' for w in warnings(spec, summary))
    with_effect = any(casework_on(a) for a in assumptions.values())
    cautions += "".join(f'<p class="caution"><b>Note.</b> {e(n)}</p>'
                        for n in notices(spec, replications, summary, with_effect))
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(spec.title)}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222;
        line-height: 1.45; overflow-wrap: break-word; }}
img {{ max-width: 100%; height: auto; box-sizing: border-box; border: 1px solid #ddd; margin: 0.5em 0 1.5em; }}
table {{ border-collapse: collapse; margin: 1em 0; }}
.scroll {{ overflow-x: auto; }}
td, th {{ border: 1px solid #ccc; padding: 4px 8px; text-align: right; }}
th:first-child, td:first-child {{ text-align: left; }} code {{ background: #f4f4f4; padding: 1px 4px; }}
table.glossary td {{ text-align: left; }}
caption {{ text-align: left; font-weight: 600; padding-bottom: 0.2em; }}
table.groups, table.money {{ margin: 0.4em 0 1em; min-width: 780px; }}
table.groups td, table.money td {{ white-space: nowrap; }}
table.groups td:first-child, table.money td:first-child {{ width: 15em; }}
.note {{ background: #f7f7f2; border-left: 4px solid #bb9; padding: 0.6em 1em; }}
.warning {{ background: #fbeeee; border-left: 4px solid #c33; padding: 0.6em 1em; }}
.caution {{ background: #fdf6e3; border-left: 4px solid #d90; padding: 0.6em 1em; }}
.gist {{ font-weight: 600; }}
svg.effects {{ max-width: 100%; height: auto; }}
</style></head><body>
<h1>{e(spec.title)}</h1>
<p><b>Question.</b> {e(spec.question)}</p>
{HOW_TO_READ}
<p><b>How it was answered.</b> A simulation of {e(district)}, {calibrated(spec.org)}. Each variant
was simulated {replications} times; each run measures {span(measured)} after a warm-up of {span(spec.warmup_weeks)}.
Replication <i>k</i> of every variant sees exactly the same households arriving at the same times, so the
differences below come from the organisation, not from chance.
{PLAUSIBLE if "parameters=plausible" in spec.overrides else ""}</p>
<ul>{variants}</ul>
{arms}
{cautions}
<h2>What changes</h2>
{f'<div class="scroll">{chart}</div><p><small>Hover over a row for its sentence; the same in words below.</small></p>'
 if chart else ''}
{''.join(findings) or '<p>No variant besides the baseline.</p>'}
<p class="note">The numbers are only as good as the model's assumptions (see the README's calibration section):
they compare organisations under the same workload, they do not forecast a particular year.</p>
{money_section(spec, summary, assumptions)}
{group_section.section(spec, summary)}
<h2>All headline figures</h2>
<p>Mean over the replications, 95 % confidence interval below. Intervals of shares and counts stay inside the
range such a figure can take: where the usual interval would cross 0 % or 100 % or go below zero (few
replications, a rare event), it is cut there.</p>
{_table(spec, summary)}
<h2>Plots</h2>
{plots}
<h2 id="glossary">Glossary</h2>
<table class="glossary">{glossary}</table>
<p><small>Full figures: <code>summary.csv</code> (every metric: mean, CI, paired difference to the baseline)
and <code>results.csv</code> (every replication) beside this report.</small></p>
</body></html>
"""
