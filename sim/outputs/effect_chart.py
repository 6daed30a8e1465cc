"""The report's chart at a glance: every variant's change on every headline figure, as inline SVG.

One row per figure and variant: the paired difference to the baseline as a dot, its 95 % CI as a
bar, zero as a line, coloured by the verdict (better, worse, unclear). All rows share one scale, the
change in per cent of the baseline's value (waits in weeks beside costs in MSEK), so a small change
looks small; a change from a baseline of zero, or beyond the axis, ends in an arrow at its edge. The
number in its own unit is written beside the row and the sentence shown on hover (an SVG ``<title>``:
no script, works offline and in print).
"""

from __future__ import annotations

import html as _html

import pandas as pd

from sim.analysis.kpis import fmt, judged, shown, summary_row, verdict

# Okabe–Ito: distinguishable with the common colour-vision deficiencies
COLOURS = {"better": "#009E73", "worse": "#D55E00", "unclear": "#7f7f7f", "same": "#7f7f7f", "changed": "#0072B2",
           "unmeasured": "#bbbbbb"}
WORDS = {"better": "better", "worse": "worse", "unclear": "no clear difference", "same": "practically the same",
         "changed": "changed", "unmeasured": "not measured"}
ROW, LEFT, PLOT, RIGHT = 28, 400, 280, 240


def rows(spec, summary: pd.DataFrame, sentences: dict[tuple[str, str], str]) -> list[dict]:
    """The chart's rows: variant, figure, difference, interval, verdict and the sentence shown on hover."""
    out = []
    for variant in summary["variant"].cat.categories:
        if variant == spec.baseline:
            continue
        judge = judged(summary, spec.baseline, variant)
        for kpi in shown(summary):
            r = summary_row(summary, variant, kpi.key)
            if r is None:
                continue
            diff, low, high = r["diff"], r["diff_ci_low"], r["diff_ci_high"]
            b = summary_row(summary, spec.baseline, kpi.key)
            level = abs(float(b["mean"])) if b is not None else float("nan")
            call = verdict(kpi, diff, low, high, judge)
            out.append({"variant": variant, "kpi": kpi, "diff": diff, "low": low, "high": high, "call": call,
                        "text": sentences.get((variant, kpi.label), ""),
                        **{f"rel_{k}": _relative(v, level) for k, v in (("diff", diff), ("low", low), ("high", high))}})
    return out


def _relative(value: float, level: float) -> float:
    """``value`` in per cent of the baseline's ``level``; ±inf for a change from zero, NaN if unknown."""
    if value != value or level != level:
        return float("nan")
    if level == 0:
        return 0.0 if value == 0 else float("inf") if value > 0 else float("-inf")
    return 100 * value / level


def axis_limit(data: list[dict]) -> float:
    """The shared axis, ±this many per cent: the largest end below 100 %, rounded up, between 5 and 50 %.

    A change of 100 % or more (a figure that vanishes or doubles, or starts from zero) would squeeze every
    other row to the zero line; it ends in an arrow at the edge instead.
    """
    ends = [abs(r[k]) for r in data for k in ("rel_diff", "rel_low", "rel_high") if r[k] == r[k] and abs(r[k]) < 100]
    limit = max(ends, default=5.0)
    for nice in (5, 10, 20, 25, 50):
        if limit <= nice:
            return float(nice)
    return 50.0


def svg(spec, summary: pd.DataFrame, sentences: dict[tuple[str, str], str]) -> str:
    """The chart as an ``<svg>`` element sized by its rows (scales down with the page: viewBox)."""
    e = _html.escape
    data = rows(spec, summary, sentences)
    if not data:
        return ""
    width = LEFT + PLOT + RIGHT
    limit = axis_limit(data)
    centre, half = LEFT + PLOT / 2, PLOT / 2 - 12
    x = lambda v: centre + half * max(-1.0, min(1.0, v / limit))  # noqa: E731
    parts, y = [], 34
    parts.append(f'<text x="{centre}" y="14" text-anchor="middle" class="axis">change in % of '
                 f'“{e(spec.baseline.replace("_", " "))}”: dot, with its 95 % interval (bar)</text>')
    for tick in (-limit, -limit / 2, 0.0, limit / 2, limit):
        parts.append(f'<text x="{x(tick):.1f}" y="30" text-anchor="middle" class="axis">'
                     f'{"+" if tick > 0 else "−" if tick < 0 else ""}{abs(tick):g} %</text>')
    current = None
    for row in data:
        if row["variant"] != current:
            current = row["variant"]
            parts.append(f'<text x="4" y="{y + 17}" class="variant">{e(current.replace("_", " "))}</text>')
            y += ROW
        kpi, call = row["kpi"], row["call"]
        colour = COLOURS[call]
        mid = y + ROW / 2
        parts.append(f'<g><title>{e(row["text"])}</title>')
        parts.append(f'<rect x="0" y="{y}" width="{width}" height="{ROW}" class="band"/>')
        parts.append(f'<text x="16" y="{mid + 5}" class="label">{e(kpi.label)} ({e(kpi.unit)})</text>')
        parts.append(f'<line x1="{centre}" x2="{centre}" y1="{y + 3}" y2="{y + ROW - 3}" class="zero"/>')
        low, high, rel = row["rel_low"], row["rel_high"], row["rel_diff"]
        if low == low and high == high:
            parts.append(f'<line x1="{x(low):.1f}" x2="{x(high):.1f}" y1="{mid}" y2="{mid}" '
                         f'stroke="{colour}" stroke-width="4" stroke-linecap="round"/>')
        if rel == rel:
            if abs(rel) >= limit:  # at or beyond the axis (or from a baseline of zero): an arrow at the edge
                tip, back = x(rel), x(rel) - (8 if rel > 0 else -8)
                parts.append(f'<polygon points="{tip:.1f},{mid} {back:.1f},{mid - 6} {back:.1f},{mid + 6}" '
                             f'fill="{colour}"/>')
            else:
                parts.append(f'<circle cx="{x(rel):.1f}" cy="{mid}" r="5" fill="{colour}"/>')
        if row["diff"] == row["diff"]:
            number = f"{'+' if row['diff'] > 0 else ''}{fmt(kpi, row['diff'])}"
            if number.lstrip("+-") == fmt(kpi, 0.0):
                number = fmt(kpi, 0.0)
        else:
            number = "—"
        parts.append(f'<text x="{LEFT + PLOT + 10}" y="{mid + 5}" class="label">{e(number)} '
                     f'<tspan fill="{colour}">{e(WORDS[call])}</tspan></text></g>')
        y += ROW
    style = ("<style>.axis{font:13px system-ui,sans-serif;fill:#555}.variant{font:bold 15px system-ui,sans-serif}"
             ".label{font:14px system-ui,sans-serif;fill:#222}.zero{stroke:#999;stroke-dasharray:3 2}"
             ".band{fill:transparent}g:hover .band{fill:#f2f2f2}</style>")
    return (f'<svg class="effects" viewBox="0 0 {width} {y + 6}" width="{width}" role="img" '
            f'aria-label="change of every headline figure against the baseline">{style}{"".join(parts)}</svg>')
