"""Figures of the study tools: the calibration against the study's bands, Welch's warm-up plot, and the
sensitivity tornado. Imports matplotlib, never the model."""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from sim.analysis.calibration import LABELS  # noqa: E402
from sim.analysis.kpis import BY_KEY  # noqa: E402
from sim.analysis.warmup import BAND, Welch  # noqa: E402
from sim.model import units
from sim.outputs.plots import save  # noqa: E402


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
    fig.suptitle(f"{w.org}: when has the simulated office filled up? ({suggestion}{note})\n"
                 f"Welch's method: {w.replications} replications, {w.horizon} weeks", fontsize=11)
    fig.tight_layout()
    save(fig, path)


def label(metric: str) -> tuple[str, float]:
    """The report's words and scale for a figure (sim.analysis.kpis), else the calibration table's, else its key."""
    kpi = BY_KEY.get(metric)
    return (f"{kpi.label} ({kpi.unit})", kpi.scale) if kpi else (LABELS.get(metric, metric), 1.0)


def tornado(table: pd.DataFrame, design, path: Path) -> Path:
    """One panel per metric: a bar per input from its low-value effect to its high-value effect,
    the input that swings the metric most on top."""
    metrics = list(design.metrics)
    cols = min(2, len(metrics))
    rows = -(-len(metrics) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(7.5 * cols, (0.42 * len(design.inputs) + 1.6) * rows),
                             squeeze=False)
    for ax, metric in zip(axes.flat, metrics):
        title, scale = label(metric)
        t = table[table["metric"] == metric].pivot(index="input", columns="level", values="effect") * scale
        t = t.reindex(t.abs().max(axis=1).sort_values().index)
        y = list(range(len(t)))
        ax.barh(y, t["low"], color="#4c72b0", label="input at its low value")
        ax.barh(y, t["high"], color="#dd8452", label="input at its high value")
        ax.axvline(0, color="black", lw=0.8)
        ranges = {k: v for k, v in design.inputs.items()}
        ax.set_yticks(y, [f"{i.split('.', 1)[-1]} [{ranges[i][0]:g}–{ranges[i][1]:g}]" for i in t.index], fontsize=8)
        base = table.loc[table["metric"] == metric, "base"].iloc[0]
        ax.set_title(f"{title}: change from the base ({base * scale:.3g})", fontsize=10)
        ax.xaxis.set_major_locator(MaxNLocator(6))
        ax.grid(axis="x", alpha=0.3)
    for ax in list(axes.flat)[len(metrics):]:
        ax.set_visible(False)
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=2, fontsize=9, frameon=False)
    fig.suptitle(f"Which assumptions matter? {design.org}: each input at its low and high value, "
                 f"{design.replications} paired replications", fontsize=11)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return save(fig, path, ("png", "svg"))
