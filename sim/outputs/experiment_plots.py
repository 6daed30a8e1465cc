"""Figures of an experiment, for managers: KPIs with CIs, wait distributions, time use, stock over
time, cost against service. Each is written as PNG and SVG; the PNG paths are returned."""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from sim.analysis.kpis import BY_KEY, shown  # noqa: E402
from sim.outputs.plots import ACTIVITY_COLORS, ACTIVITY_LABELS, ROLE_LABELS, save  # noqa: E402

COLORS = plt.get_cmap("tab10").colors


def _save(fig, path: Path) -> Path:
    return save(fig, path, ("png", "svg"))


def _value(summary: pd.DataFrame, variant: str, metric: str, column: str = "mean") -> float:
    row = summary[(summary["variant"] == variant) & (summary["metric"] == metric)]
    return float(row[column].iloc[0]) if len(row) else math.nan


def kpi_panels(spec, order, summary, path: Path) -> Path:
    """One panel per headline figure: mean and 95 % CI per variant, baseline in grey."""
    kpis = [k for k in shown(summary) if summary[summary["metric"] == k.key]["mean"].abs().sum() > 0]
    cols = 3
    rows = math.ceil(len(kpis) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.3 * cols, 2.9 * rows), squeeze=False)
    for ax, kpi in zip(axes.flat, kpis):
        for i, variant in enumerate(order):
            mean = _value(summary, variant, kpi.key) * kpi.scale
            lo = _value(summary, variant, kpi.key, "ci_low") * kpi.scale
            hi = _value(summary, variant, kpi.key, "ci_high") * kpi.scale
            color = "0.45" if variant == spec.baseline else COLORS[i % 10]
            ax.bar(i, mean, color=color, alpha=0.35)
            if not math.isnan(lo):
                ax.errorbar(i, mean, yerr=[[mean - lo], [hi - mean]], fmt="o", color=color, capsize=4)
        ax.set_xticks(range(len(order)), [v.replace("_", " ") for v in order], fontsize=8, rotation=15)
        better = {"lower": " (lower is better)", "higher": " (higher is better)"}.get(kpi.better, "")
        ax.set_title(f"{kpi.label}{better}", fontsize=9)
        ax.set_ylabel(kpi.unit, fontsize=8)
        ax.grid(axis="y", alpha=0.3)
    for ax in list(axes.flat)[len(kpis):]:
        ax.axis("off")
    fig.suptitle(f"{spec.title}\nmean of the replications with 95 % confidence interval (grey = baseline)", fontsize=10)
    fig.tight_layout()
    return _save(fig, path)


def wait_distribution(spec, order, details, path: Path) -> Path:
    """Distribution of every household's first-visit wait, all replications pooled."""
    fig, ax = plt.subplots(figsize=(8, 0.7 * len(order) + 1.8))
    data = [np.concatenate([d["waits"] for d in details if d["variant"] == v] or [np.array([])]) for v in order]
    style = dict(showfliers=False, whis=(5, 95), medianprops={"color": "black"})
    try:
        ax.boxplot(data, orientation="horizontal", **style)  # matplotlib >= 3.10
    except TypeError:
        ax.boxplot(data, vert=False, **style)
    ax.set_yticks(range(1, len(order) + 1), [v.replace("_", " ") for v in order])
    for i, values in enumerate(data, start=1):
        if len(values):
            ax.plot(np.mean(values), i, "D", color="tab:red", label="mean" if i == 1 else None)
    ax.invert_yaxis()
    ax.set_xlabel("weeks from first contact to first visit (box: middle half; whiskers: 5th–95th percentile)")
    ax.set_title(f"{spec.title}: first-visit waits")
    ax.legend(fontsize=8, loc="lower right")
    ax.grid(axis="x", alpha=0.3)
    return _save(fig, path)


def time_use(spec, order, summary, path: Path) -> Path:
    """Caseworkers' time by activity per variant (long-term group and reception)."""
    metrics = summary["metric"].unique()
    roles = [r for r in ("long_term", "reception", "reception_first_visit", "reception_pre_assessment")
             if any(m.startswith(f"time_share.{r}.") for m in metrics)]
    fig, axes = plt.subplots(len(roles), 1, figsize=(10, 1.0 + (0.55 * len(order) + 0.8) * len(roles)), squeeze=False)
    for ax, role in zip(axes[:, 0], roles):
        prefix = f"time_share.{role}."
        acts = [a for a in ACTIVITY_COLORS if f"{prefix}{a}" in metrics]
        left = np.zeros(len(order))
        for act in acts:
            vals = np.array([_value(summary, v, prefix + act) for v in order]) * 100
            vals = np.nan_to_num(vals)
            if vals.max() < 0.05:
                continue
            ax.barh(range(len(order)), vals, left=left, color=ACTIVITY_COLORS[act], edgecolor="0.4",
                    linewidth=0.3, hatch="//" if act == "idle" else None, label=ACTIVITY_LABELS.get(act, act))
            left += vals
        ax.set_yticks(range(len(order)), [v.replace("_", " ") for v in order])
        ax.invert_yaxis()
        ax.set_xlim(0, 100)
        ax.set_title(ROLE_LABELS.get(role, role), fontsize=10)
    axes[-1, 0].set_xlabel("share of paid working time (%)")
    handles, labels = [], []
    for ax in axes[:, 0]:
        for h, lab in zip(*ax.get_legend_handles_labels()):
            if lab not in labels:
                handles.append(h)
                labels.append(lab)
    fig.legend(handles, labels, ncol=3, fontsize=7, loc="lower center", bbox_to_anchor=(0.5, -0.12))
    fig.suptitle(f"{spec.title}: caseworkers' time use", fontsize=11)
    fig.tight_layout()
    return _save(fig, path)


def over_time(spec, order, details, path: Path) -> Path:
    """Households in stock, the first-visit queue and the referral overflow, week by week."""
    series = [("households_in_stock", "households with an open case"),
              ("first_visit_queue", "waiting for a first visit (queue)"),
              ("overflow", "referred, waiting for a caseworker")]
    # the overflow exists only under a caseload cap: an all-zero panel tells a manager nothing
    series = [(c, t) for c, t in series if c != "overflow"
              or any(x for d in details for x in (d["weekly"].get(c) or []) if x)]
    fig, axes = plt.subplots(1, len(series), figsize=(5 * len(series), 3.8))
    for ax, (col, title) in zip(axes, series):
        for i, v in enumerate(order):
            runs = [d["weekly"].get(col) for d in details if d["variant"] == v and d["weekly"].get(col)]
            if not runs:
                continue
            arr = np.array([[np.nan if x is None else x for x in r] for r in runs], float)
            weeks = np.array(details[0]["weekly"]["week"])
            ax.plot(weeks[: arr.shape[1]], np.nanmean(arr, axis=0), color=COLORS[i % 10], label=v.replace("_", " "))
        ax.axvspan(0, spec.warmup_weeks, color="0.92")
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("simulated week (grey: warm-up)")
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=8)
    fig.suptitle(f"{spec.title}: mean over replications", fontsize=11)
    fig.tight_layout()
    return _save(fig, path)


def cost_vs_service(spec, order, summary, path: Path) -> Path:
    """Staff cost against the first-visit wait and follow-up on time."""
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    cost = BY_KEY["cost_sek_per_year"]
    for ax, key in zip(axes, ("first_visit_wait_weeks", "followups_on_time_share")):
        kpi = BY_KEY[key]
        for i, v in enumerate(order):
            x = _value(summary, v, cost.key) * cost.scale
            y = _value(summary, v, key) * kpi.scale
            lo = _value(summary, v, key, "ci_low") * kpi.scale
            hi = _value(summary, v, key, "ci_high") * kpi.scale
            ax.errorbar(x, y, yerr=[[y - lo], [hi - y]] if not math.isnan(lo) else None, fmt="o",
                        color=COLORS[i % 10], capsize=4, label=v.replace("_", " "))
            ax.annotate(v.replace("_", " "), (x, y), textcoords="offset points", xytext=(6, 6), fontsize=8)
        ax.set_xlabel("staff cost (MSEK per year)")
        ax.set_ylabel(f"{kpi.label} ({kpi.unit})")
        ax.grid(alpha=0.3)
    axes[0].set_title("cost against waiting time (lower left is better)", fontsize=10)
    axes[1].set_title("cost against follow-up on time (upper left is better)", fontsize=10)
    fig.tight_layout()
    return _save(fig, path)


def all_plots(spec, order, summary, details, out_dir: Path) -> dict[str, Path]:
    return {
        "Headline figures": kpi_panels(spec, order, summary, out_dir / "kpis.png"),
        "First-visit waits": wait_distribution(spec, order, details, out_dir / "waits.png"),
        "Caseworkers' time use": time_use(spec, order, summary, out_dir / "time_use.png"),
        "Stock and queues over time": over_time(spec, order, details, out_dir / "over_time.png"),
        "Cost against service": cost_vs_service(spec, order, summary, out_dir / "cost_vs_service.png"),
    }
