"""Figures of the study tools: the calibration against the study's bands, Welch's warm-up plot, and the
sensitivity tornado. Imports matplotlib, never the model."""

from __future__ import annotations

import math
import re
import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from sim.analysis.calibration import LABELS  # noqa: E402
from sim.analysis.kpis import BY_KEY  # noqa: E402
from sim.analysis.warmup import BAND, Welch  # noqa: E402
from sim.model import units  # noqa: E402
from sim.outputs.plots import plain, save  # noqa: E402


def calibration(rows: pd.DataFrame, path: Path) -> None:
    """One panel per figure: the study's figure ± 1 and ± 3 sd (discrepancy included) per district and the model's
    mean ± 95 % CI."""
    targets = rows[rows["use"].isin(["fitted", "held out"])]
    metrics = list(dict.fromkeys(targets["key"]))
    cols = 4
    nrows = math.ceil(len(metrics) / cols)
    fig, axes = plt.subplots(nrows, cols, figsize=(3.8 * cols, 3.2 * nrows), squeeze=False)
    for ax, metric in zip(axes.flat, metrics):
        sub = targets[targets["key"] == metric].reset_index(drop=True)
        top = 0.0
        for i, r in sub.iterrows():
            value, sd = float(r["value"]), float(r["sd"])
            for k, alpha in ((3, 0.15), (1, 0.35)):
                ax.add_patch(plt.Rectangle((i - 0.3, value - k * sd), 0.6, 2 * k * sd, color="tab:green",
                                           alpha=alpha, lw=0, label=f"study ± {k} sd" if i == 0 else None))
            color = "tab:blue" if r["verdict"] == "pass" else "tab:red"
            if r["mean"] == r["mean"]:
                ax.errorbar(i, r["mean"], yerr=[[r["mean"] - r["ci_low"]], [r["ci_high"] - r["mean"]]], fmt="o",
                            color=color, capsize=4, label="model, 95 % CI" if i == 0 else None)
            else:  # a NaN is said, not dropped
                ax.text(i, value, "not\nmeasured", ha="center", va="center", color="tab:red", fontsize=8)
            top = max(top, value + 3 * sd, r["ci_high"] if r["ci_high"] == r["ci_high"] else 0)
        ax.set_xticks(range(len(sub)), [f"{d}\n({u})" for d, u in zip(sub["district"], sub["use"])], fontsize=7)
        ax.set_xlim(-0.6, len(sub) - 0.4)
        ax.set_title(LABELS[metric], fontsize=9)
        ax.grid(axis="y", alpha=0.3)
        ax.set_ylim(0, 1.1 * top)
    for ax in list(axes.flat)[len(metrics):]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=7, loc="lower left")
    fig.suptitle("The model against the studies' figures (green: study ± 1 and ± 3 sd; red point: fails)")
    fig.tight_layout()
    save(fig, path)


def welch(w: Welch, path: Path) -> None:
    """Two panels, shared week axis: raw weekly mean (thin), Welch average (bold), warm-ups marked."""
    f = w.frame
    fig, axes = plt.subplots(2, 1, figsize=(10, 7.5), sharex=True)
    panels = (
        ("households_in_stock", "households in stock (reception + referral + long-term)", "households"),
        ("first_visit_wait_weeks", "waiting time for a first visit", "weeks from first contact to first visit"),
    )
    for ax, (name, title, ylabel) in zip(axes, panels):
        ax.plot(f["week"], f[f"{name}_mean"], color="tab:blue", alpha=0.35, lw=0.8,
                label=f"weekly mean of {w.replications} replications")
        ax.plot(f["week"], f[f"{name}_welch"], color="tab:blue", lw=2.0,
                label=f"moving average (±{w.window} weeks)")
        if name == "households_in_stock":
            ax.axhspan(w.level * (1 - BAND), w.level * (1 + BAND), color="tab:green", alpha=0.15,
                       label=f"steady level ±{BAND:.0%} ({w.level:,.0f})")
            if w.entered is not None:
                ax.plot(w.entered, f[f"{name}_welch"].iloc[w.entered - 1], "o", color="tab:green", mec="black",
                        label=f"first within ±{BAND:.0%}: week {w.entered}")
        if w.configured <= w.horizon:
            ax.axvline(w.configured, color="tab:red", lw=1.5,
                       label=f"configured warm-up: {w.configured:g} weeks "
                             f"({units.weeks_to_years(w.configured):.1f} years)")
        if w.suggested:
            ax.axvline(w.suggested, color="black", ls="--", lw=1.2,
                       label=f"suggested warm-up: {w.suggested} weeks ({units.weeks_to_years(w.suggested):.1f} years)")
        ax.set_title(title.capitalize(), fontsize=10, loc="left")
        ax.set_ylabel(ylabel)
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
        ax.legend(loc="lower right", fontsize=8)
    axes[-1].set_xlabel("simulated week (from an empty office)")
    axes[-1].set_xlim(0, w.horizon)
    note = "" if w.configured <= w.horizon else f"; configured warm-up {w.configured:g} weeks is beyond the horizon"
    suggestion = ("no steady state within the horizon" if w.suggested is None
                  else f"steady after week {w.suggested}")
    fig.suptitle(f"{plain(w.org)}: when has the simulated office filled up? ({suggestion}{note})\n"
                 f"Welch's method: {w.replications} replications, {w.horizon} weeks", fontsize=11)
    fig.tight_layout()
    save(fig, path)


def label(metric: str) -> tuple[str, float]:
    """The report's words and scale for a figure (sim.analysis.kpis), else the calibration table's, else its key."""
    kpi = BY_KEY.get(metric)
    return (f"{kpi.label} ({kpi.unit})", kpi.scale) if kpi else (LABELS.get(metric, plain(metric)), 1.0)


def unit(metric: str) -> str:
    """The unit a figure is shown in: the KPI's, else the one in brackets at the end of its label, else none."""
    kpi = BY_KEY.get(metric)
    if kpi:
        return kpi.unit
    found = re.search(r"\(([^()]*)\)$", label(metric)[0])
    return found.group(1) if found else ""


# The sensitivity design's inputs in a manager's words (configs/sensitivity/*.yaml); others: ``input_label``.
INPUT_LABELS = {
    "org.households.screened_out_share": "households screened out at the phone (share)",
    "org.households.refusal_share": "applications refused (share)",
    "org.households.acute_share": "households with an acute need (share)",
    "org.households.home_visit_share": "households needing a home visit (share)",
    "org.households.need_months.mean": "months of need per household (mean)",
    "org.households.return_share": "households that come back (share)",
    "org.reception.booking_notice_weeks": "reception: booking notice (weeks)",
    "org.reception.caseworkers": "reception: caseworkers (FTE)",
    "org.payment.cash_office": "cash office staff (FTE)",
    "process.appeal_per_household_month": "appeals per household and month",
    "costs.caseworker": "cost of a caseworker (SEK/year)",
}
UNIT_SUFFIXES = {"weeks": "weeks", "days": "days", "hours": "hours", "months": "months", "share": "share",
                 "fte": "FTE", "sek": "SEK"}


def input_label(key: str) -> str:
    """An input key in words: "org.reception.booking_notice_weeks" -> "reception: booking notice (weeks)"."""
    if key in INPUT_LABELS:
        return INPUT_LABELS[key]
    parts = key.split(".")
    if parts[0] in ("org", "process") and len(parts) > 1:
        parts = parts[1:]
    words = parts[-1].split("_")
    suffix = UNIT_SUFFIXES.get(words[-1].lower()) if len(words) > 1 else None
    name = " ".join(words[:-1] if suffix else words) + (f" ({suffix})" if suffix else "")
    return plain(f"{' '.join(parts[:-1])}: {name}" if len(parts) > 1 else name)


LOW, HIGH = "#4477AA", "#EE7733"  # Paul Tol: blue and orange stay apart for colour-blind readers


def tornado_figure(table: pd.DataFrame, design):
    """One panel per metric: per input, the mean change from the base with the input at its low value (upper bar)
    and at its high value (lower bar), each with its 95 % CI (paired replications); the input that swings the
    metric most on top. Separate bars, not one from low to high: both ends often lie on the same side of 0."""
    metrics = list(design.metrics)
    cols = 1 if len(metrics) < 3 else 2
    rows = -(-len(metrics) // cols)
    n = len(design.inputs)
    fig, axes = plt.subplots(rows, cols, figsize=(7.2 * cols, (0.62 * n + 1.9) * rows + 1.0), squeeze=False,
                             layout="constrained")
    for ax, metric in zip(axes.flat, metrics):
        name, scale = label(metric)
        t = table[table["metric"] == metric].set_index(["input", "level"])
        swing = t["effect"].abs().groupby(level="input").max().sort_values()
        y = np.arange(len(swing))
        for level, color, dy in (("low", LOW, 0.2), ("high", HIGH, -0.2)):
            rows_ = t.xs(level, level="level").reindex(swing.index)
            effect = rows_["effect"].to_numpy(float) * scale
            lo = rows_["effect_ci_low"].to_numpy(float) * scale
            hi = rows_["effect_ci_high"].to_numpy(float) * scale
            ax.barh(y + dy, effect, height=0.38, color=color, label=f"input at its {level} value")
            ok = ~(np.isnan(lo) | np.isnan(hi))
            ax.errorbar(effect[ok], (y + dy)[ok], xerr=[effect[ok] - lo[ok], hi[ok] - effect[ok]], fmt="none",
                        ecolor="black", elinewidth=1.2, capsize=3, label="95 % confidence interval"
                        if level == "low" else None)
        ax.axvline(0, color="black", lw=0.8)
        if not (t["effect"].abs() > 0).any():  # an empty panel is a finding, said in words
            ax.text(0.5, 0.5, "no input changed this figure\n(every mean change is 0)", transform=ax.transAxes,
                    ha="center", va="center", fontsize=10.5, bbox=dict(fc="white", ec="0.6"))
        ranges = design.inputs
        ax.set_yticks(y, [textwrap.fill(input_label(i), 40) + f"\n{ranges[i][0]:g} (low) to {ranges[i][1]:g} (high)"
                          for i in swing.index], fontsize=10)
        ax.set_ylim(-0.7, len(swing) - 0.3)
        base = table.loc[table["metric"] == metric, "base"].iloc[0]
        u = "percentage points" if unit(metric) == "%" else unit(metric)
        ax.set_title(f"{name}: base value {base * scale:.3g}", fontsize=11.5)
        ax.set_xlabel(f"change from the base value ({u})" if u else "change from the base value", fontsize=10.5)
        ax.set_ylabel("input (range tried)", fontsize=10.5)
        ax.tick_params(axis="x", labelsize=10)
        ax.xaxis.set_major_locator(MaxNLocator(6))
        ax.grid(axis="x", alpha=0.3)
    for ax in list(axes.flat)[len(metrics):]:
        ax.set_visible(False)
    handles, labels = axes[0][0].get_legend_handles_labels()
    order = sorted(range(len(labels)), key=lambda i: "confidence" in labels[i])  # the two bars, then the CI
    fig.legend([handles[i] for i in order], [labels[i] for i in order], loc="outside lower center", ncol=3,
               fontsize=10.5, frameon=False)
    fig.suptitle(f"Which assumptions matter? {plain(design.org)}: each input at its "
                 f"low and its high value, the rest as configured\n{design.replications} paired replications "
                 f"per point; bars: mean change, black lines: 95 % confidence intervals", fontsize=12)
    return fig


def tornado(table: pd.DataFrame, design, path: Path) -> Path:
    """The tornado figure, saved as PNG and SVG."""
    return save(tornado_figure(table, design), path, ("png", "svg"))
