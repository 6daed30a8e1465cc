"""The report's chart at a glance: every variant's change on every headline figure, as inline SVG.

One row per figure and variant: the paired difference to the baseline as a dot, its 95 % CI as a
bar, zero as a line, coloured by the verdict (better, worse, unclear). Each row has its own scale
(waits in weeks beside costs in MSEK), so the chart shows direction and certainty, and the number
is written beside it and shown on hover (an SVG ``<title>``: no script, works offline and in print).
"""

from __future__ import annotations

import html as _html

import pandas as pd

from sim.analysis.kpis import fmt, shown, verdict

# Okabe–Ito: distinguishable with the common colour-vision deficiencies
COLOURS = {"better": "#009E73", "worse": "#D55E00", "unclear": "#7f7f7f", "same": "#7f7f7f", "changed": "#0072B2",
           "unmeasured": "#bbbbbb"}
WORDS = {"better": "better", "worse": "worse", "unclear": "no clear difference", "same": "practically the same",
         "changed": "changed", "unmeasured": "not measured"}
ROW, LEFT, PLOT, RIGHT = 26, 390, 300, 230


def rows(spec, summary: pd.DataFrame, sentences: dict[tuple[str, str], str]) -> list[dict]:
    """The chart's rows: variant, figure, difference, interval, verdict and the sentence shown on hover."""
    out = []
    for variant in summary["variant"].cat.categories:
        if variant == spec.baseline:
            continue
        for kpi in shown(summary):
            r = summary[(summary["variant"] == variant) & (summary["metric"] == kpi.key)]
            if r.empty:
                continue
            r = r.iloc[0]
            diff, low, high = r["diff"], r["diff_ci_low"], r["diff_ci_high"]
            call = verdict(kpi, diff, low, high)
            if r.get("queue_settles", "yes") == "no" and call in ("better", "worse"):
                call = "unclear"
            out.append({"variant": variant, "kpi": kpi, "diff": diff, "low": low, "high": high, "call": call,
                        "text": sentences.get((variant, kpi.label), "")})
    return out


def svg(spec, summary: pd.DataFrame, sentences: dict[tuple[str, str], str]) -> str:
    """The chart as an ``<svg>`` element sized by its rows (scales down with the page: viewBox)."""
    e = _html.escape
    data = rows(spec, summary, sentences)
    if not data:
        return ""
    width = LEFT + PLOT + RIGHT
    parts, y = [], 30
    parts.append(f'<text x="{LEFT + PLOT / 2}" y="16" text-anchor="middle" class="axis">change against '
                 f'“{e(spec.baseline.replace("_", " "))}” (dot) with its 95 % interval (bar); 0 = no change</text>')
    current = None
    for row in data:
        if row["variant"] != current:
            current = row["variant"]
            parts.append(f'<text x="4" y="{y + 16}" class="variant">{e(current.replace("_", " "))}</text>')
            y += ROW
        kpi, call = row["kpi"], row["call"]
        colour = COLOURS[call]
        values = [v for v in (row["diff"], row["low"], row["high"]) if v == v]
        span = max((abs(v) for v in values), default=0.0) or 1.0
        x = lambda v: LEFT + PLOT / 2 + (PLOT / 2 - 12) * v / span  # noqa: E731
        mid = y + ROW / 2
        parts.append(f'<g><title>{e(row["text"])}</title>')
        parts.append(f'<rect x="0" y="{y}" width="{width}" height="{ROW}" class="band"/>')
        parts.append(f'<text x="16" y="{mid + 4}" class="label">{e(kpi.label)} ({e(kpi.unit)})</text>')
        parts.append(f'<line x1="{LEFT + PLOT / 2}" x2="{LEFT + PLOT / 2}" y1="{y + 3}" y2="{y + ROW - 3}" '
                     'class="zero"/>')
        if row["low"] == row["low"] and row["high"] == row["high"]:
            parts.append(f'<line x1="{x(row["low"]):.1f}" x2="{x(row["high"]):.1f}" y1="{mid}" y2="{mid}" '
                         f'stroke="{colour}" stroke-width="4" stroke-linecap="round"/>')
        if row["diff"] == row["diff"]:
            parts.append(f'<circle cx="{x(row["diff"]):.1f}" cy="{mid}" r="5" fill="{colour}"/>')
            number = f"{'+' if row['diff'] > 0 else ''}{fmt(kpi, row['diff'])}"
            if number.lstrip("+-") == fmt(kpi, 0.0):
                number = fmt(kpi, 0.0)
        else:
            number = "—"
        parts.append(f'<text x="{LEFT + PLOT + 10}" y="{mid + 4}" class="label">{e(number)} '
                     f'<tspan fill="{colour}">{e(WORDS[call])}</tspan></text></g>')
        y += ROW
    style = ("<style>.axis{font:12px system-ui,sans-serif;fill:#555}.variant{font:bold 14px system-ui,sans-serif}"
             ".label{font:13px system-ui,sans-serif;fill:#222}.zero{stroke:#999;stroke-dasharray:3 2}"
             ".band{fill:transparent}g:hover .band{fill:#f2f2f2}</style>")
    return (f'<svg class="effects" viewBox="0 0 {width} {y + 6}" width="{width}" role="img" '
            f'aria-label="change of every headline figure against the baseline">{style}{"".join(parts)}</svg>')
