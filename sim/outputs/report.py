"""The manager's report: one self-contained HTML file (plots embedded), and a one-screen text summary."""

from __future__ import annotations

import base64
import html as _html
from pathlib import Path

import pandas as pd

from sim.analysis.kpis import fmt, sentence, shown
from sim.analysis.stability import GROWTH
from sim.model import units

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


def headline_rows(spec, summary: pd.DataFrame) -> list[tuple[str, str]]:
    """(variant, sentence) for every non-baseline variant and headline figure; none left out."""
    out = []
    base_settles = variant_settles(summary, spec.baseline) != "no"
    for variant in summary["variant"].cat.categories:
        if variant == spec.baseline:
            continue
        judge = base_settles and variant_settles(summary, variant) != "no"
        for kpi in shown(summary):
            row = summary[(summary["variant"] == variant) & (summary["metric"] == kpi.key)]
            if row.empty:
                continue
            r = row.iloc[0]
            out.append((variant, sentence(kpi, variant.replace("_", " "), spec.baseline.replace("_", " "),
                                          r["diff"], r["diff_ci_low"], r["diff_ci_high"], judge)))
    return out


def text_summary(spec, replications: int, summary: pd.DataFrame) -> str:
    lines = [spec.title, "=" * min(len(spec.title), 100),
             f"{spec.org}, {replications} paired replications per variant, baseline: {spec.baseline}", ""]
    lines += [f"WARNING {w}" for w in warnings(spec, summary)]
    lines += [""] if lines[-1] != "" else []
    current = None
    for variant, text in headline_rows(spec, summary):
        if variant != current:
            lines.append(f"{variant}:")
            current = variant
        lines.append(f"  - {text}")
    return "\n".join(lines)


def _img(path: Path) -> str:
    data = base64.b64encode(Path(path).read_bytes()).decode()
    return f'<img src="data:image/png;base64,{data}" alt="{_html.escape(Path(path).stem)}">'


def _table(spec, summary: pd.DataFrame) -> str:
    head = "".join(f"<th>{_html.escape(v.replace('_', ' '))}</th>" for v in summary["variant"].cat.categories)
    rows = []
    for kpi in shown(summary):
        cells = []
        for variant in summary["variant"].cat.categories:
            r = summary[(summary["variant"] == variant) & (summary["metric"] == kpi.key)]
            if r.empty:
                cells.append("<td>—</td>")
                continue
            r = r.iloc[0]
            ci = ("" if r["ci_low"] != r["ci_low"]
                  else f"<br><small>{fmt(kpi, r['ci_low'])}–{fmt(kpi, r['ci_high'])}</small>")
            value = fmt(kpi, r["mean"]) if r["mean"] == r["mean"] else "not measured"  # NaN said in words
            cells.append(f"<td>{value}{ci}</td>")
        label = f"{_html.escape(kpi.label)} <small>({_html.escape(kpi.unit)})</small>"
        rows.append(f"<tr><th>{label}</th>{''.join(cells)}</tr>")
    return f"<table><tr><th>figure</th>{head}</tr>{''.join(rows)}</table>"


PLAUSIBLE = ("Each replication also took its own member of the district's plausible parameters (the inflow, need "
             "duration, booking notice, analysis and plan-rewrite times the studies cannot rule out; python -m "
             "sim.fit), the same "
             "member for every variant: the intervals below cover that uncertainty as well as chance, so a difference "
             "whose interval excludes zero holds across the plausible parameters.")


def html(spec, order: list[str], replications: int, summary: pd.DataFrame, figures: dict[str, Path]) -> str:
    e = _html.escape
    variants = "".join(
        f"<li><b>{e(v.replace('_', ' '))}</b>{' (baseline)' if v == spec.baseline else ''}: "
        f"<code>{e(' '.join(spec.variants[v]))}</code></li>" for v in order)
    findings, current = [], None
    for variant, text in headline_rows(spec, summary):
        if variant != current:
            if current is not None:
                findings.append("</ul>")
            findings.append(f"<h3>{e(variant.replace('_', ' '))} compared with "
                            f"{e(spec.baseline.replace('_', ' '))}</h3><ul>")
            current = variant
        findings.append(f"<li>{e(text)}</li>")
    if current is not None:
        findings.append("</ul>")
    plots = "".join(f"<h3>{e(title)}</h3>{_img(path)}" for title, path in figures.items())
    glossary = "".join(f"<tr><td><i>{e(sv)}</i></td><td>{e(en)}</td></tr>" for sv, en in GLOSSARY)
    measured = spec.horizon_weeks - spec.warmup_weeks
    period = f"{units.weeks_to_years(measured):.1f} years" if measured >= 52 else f"{measured:g} weeks"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{e(spec.title)}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; color: #222; line-height: 1.45; }}
img {{ max-width: 100%; border: 1px solid #ddd; margin: 0.5em 0 1.5em; }}
table {{ border-collapse: collapse; margin: 1em 0; }}
td, th {{ border: 1px solid #ccc; padding: 4px 8px; text-align: right; }}
th:first-child, td:first-child {{ text-align: left; }} code {{ background: #f4f4f4; padding: 1px 4px; }}
.note {{ background: #f7f7f2; border-left: 4px solid #bb9; padding: 0.6em 1em; }}
.warning {{ background: #fbeeee; border-left: 4px solid #c33; padding: 0.6em 1em; }}
</style></head><body>
<h1>{e(spec.title)}</h1>
<p><b>Question.</b> {e(spec.question)}</p>
<p><b>How it was answered.</b> A simulation of the district <i>{e(spec.org)}</i>, calibrated to the Governo 2011
study. Each variant was simulated {replications} times for {period} after a
{spec.warmup_weeks:.0f}-week warm-up. Replication <i>k</i> of every variant sees exactly the same
households arriving at the same times, so the differences below come from the organisation, not from chance.
{PLAUSIBLE if "parameters=plausible" in spec.overrides else ""}</p>
<ul>{variants}</ul>
{''.join(f'<p class="warning"><b>Warning.</b> {e(w)}</p>' for w in warnings(spec, summary))}
<h2>What changes</h2>
{''.join(findings) or '<p>No variant besides the baseline.</p>'}
<p class="note">"95 % CI" is the range in which the true long-run difference lies with 95 % confidence, given
the model. "No clear difference" means that range includes zero. The numbers are only as good as the model's
assumptions (see the README's calibration section): they compare organisations under the same workload,
they do not forecast a particular year.</p>
<h2>All headline figures</h2>
<p>Mean over the replications, 95 % confidence interval below.</p>
{_table(spec, summary)}
<h2>Plots</h2>
{plots}
<h2>Glossary</h2>
<table>{glossary}</table>
<p><small>Full figures: <code>summary.csv</code> (every metric: mean, CI, paired difference to the baseline)
and <code>results.csv</code> (every replication) beside this report.</small></p>
</body></html>
"""
