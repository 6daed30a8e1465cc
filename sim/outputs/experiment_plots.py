"""Figures of an experiment, for managers: KPIs with CIs, wait distributions, time use, stock over
time, cost against service. Each is written as PNG and SVG; the PNG paths are returned.

The report shows them at most 1100 px wide and often at 800, so figures are about 9 inches (1080 px) wide with
11-point text or larger, and every name is in plain words (``plain``). Each plot has a ``*_figure`` function
returning the Figure, so tests can inspect what is drawn; the data the figure shows comes from a function of
its own where there is a sum to check (``time_use_frames``, ``cost_service_points``)."""

from __future__ import annotations

import math
import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib import transforms  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

from sim.analysis.kpis import BY_KEY, shown, summary_row  # noqa: E402
from sim.outputs.group_section import difference  # noqa: E402
from sim.outputs.plots import ROLE_LABELS, plain, save, stacked_bars  # noqa: E402
from sim.outputs.report import MONEY, TOTAL, assumption_label, casework_on, has_money, money_call  # noqa: E402

WIDTH = 9.0  # inches; at 120 dpi 1080 px, so an 800 px report column shrinks text to three quarters
TEXT = 11  # points: tick labels, axis labels, legends
TITLE = 12.5
SUPTITLE = 13.5
# Paul Tol's "bright" palette (colour-blind safe) for the variants, the baseline in dark grey everywhere.
VARIANT_COLORS = ("#4477AA", "#EE6677", "#228833", "#CCBB44", "#66CCEE", "#AA3377")
BASELINE_COLOR = "#555555"
MARKERS = ("s", "^", "D", "v", "P", "X", "<", ">")
DASHES = ((0, (5, 2)), (0, (1, 1.5)), (0, (6, 2, 1, 2)), (0, (3, 1)), (0, (8, 3)), (0, (2, 2, 6, 2)))
# Caseworkers' roles shown in the experiment's time-use figure, in this order.
CASEWORKER_ROLES = ("long_term", "reception", "reception_first_visit", "reception_pre_assessment",
                    "common_reception")


def _save(fig, path: Path) -> Path:
    return save(fig, path, ("png", "svg"))


def _value(summary: pd.DataFrame, variant: str, metric: str, column: str = "mean") -> float:
    row = summary_row(summary, variant, metric)
    return float(row[column]) if row is not None else math.nan


def variant_name(spec, variant: str, width: int | None = None) -> str:
    """A variant as a manager reads it: words, not a key; the baseline says so."""
    name = plain(variant)
    name += " (baseline)" if variant == spec.baseline and "baseline" not in name else ""
    return textwrap.fill(name, width, break_long_words=False) if width else name


def variant_color(spec, order, variant: str) -> str:
    """The same colour for a variant in every figure; the baseline dark grey."""
    if variant == spec.baseline:
        return BASELINE_COLOR
    others = [v for v in order if v != spec.baseline]
    return VARIANT_COLORS[others.index(variant) % len(VARIANT_COLORS)]


def title(spec, what: str) -> str:
    """The experiment's title in plain words over what the figure shows, wrapped to the figure's width."""
    return textwrap.fill(plain(spec.title), 85) + f"\n{what}"


def _fonts(fig) -> None:
    """Tick labels at ``TEXT`` points in every axes (tick labels are made at draw time, so set, not inherited)."""
    for ax in fig.axes:
        ax.tick_params(labelsize=TEXT)


# --- headline figures -------------------------------------------------------------------------------------------

def kpi_panels_figure(spec, order, summary):
    """One panel per headline figure, two per row: mean and 95 % CI per variant, baseline in grey."""
    # assistance paid and the total have a figure of their own (money_figure)
    kpis = [k for k in shown(summary) if summary[summary["metric"] == k.key]["mean"].abs().sum() > 0
            and k.key not in MONEY]
    cols = 2
    rows = max(1, math.ceil(len(kpis) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(WIDTH, 3.4 * rows + 1.2), squeeze=False, layout="constrained")
    names = [variant_name(spec, v, 12) for v in order]
    for ax, kpi in zip(axes.flat, kpis):
        for i, variant in enumerate(order):
            mean = _value(summary, variant, kpi.key) * kpi.scale
            lo = _value(summary, variant, kpi.key, "ci_low") * kpi.scale
            hi = _value(summary, variant, kpi.key, "ci_high") * kpi.scale
            color = variant_color(spec, order, variant)
            ax.bar(i, mean, color=color, alpha=0.35, width=0.7)
            if not math.isnan(lo):
                ax.errorbar(i, mean, yerr=[[mean - lo], [hi - mean]], fmt="o", color=color, capsize=5, ms=6,
                            lw=1.8)
        ax.set_xticks(range(len(order)), names)
        better = {"lower": "lower is better", "higher": "higher is better"}.get(kpi.better, "")
        ax.set_title(textwrap.fill(kpi.label, 34) + (f"\n({better})" if better else ""), fontsize=TITLE)
        ax.set_ylabel(kpi.unit, fontsize=TEXT)
        ax.ticklabel_format(axis="y", useOffset=False, style="plain")
        ax.grid(axis="y", alpha=0.3)
    for ax in list(axes.flat)[len(kpis):]:
        ax.axis("off")
    _fonts(fig)
    fig.suptitle(title(spec, "mean of the replications; line: 95 % confidence interval; grey: the baseline"),
                 fontsize=SUPTITLE)
    return fig


def kpi_panels(spec, order, summary, path: Path) -> Path:
    return _save(kpi_panels_figure(spec, order, summary), path)


# --- waits ------------------------------------------------------------------------------------------------------

def wait_distribution_figure(spec, order, details):
    """Distribution of every household's first-visit wait, all replications pooled."""
    fig, ax = plt.subplots(figsize=(WIDTH, 0.8 * len(order) + 2.6), layout="constrained")
    data = [np.concatenate([d["waits"] for d in details if d["variant"] == v] or [np.array([])]) for v in order]
    style = dict(showfliers=False, whis=(5, 95), medianprops={"color": "black", "lw": 1.8}, widths=0.55)
    try:
        ax.boxplot(data, orientation="horizontal", **style)  # matplotlib >= 3.10
    except TypeError:
        ax.boxplot(data, vert=False, **style)
    ax.set_yticks(range(1, len(order) + 1), [variant_name(spec, v, 16) for v in order])
    for i, values in enumerate(data, start=1):
        if len(values):
            ax.plot(np.mean(values), i, "D", color="#CC3311", ms=8, label="mean" if i == 1 else None)
    ax.invert_yaxis()
    ax.set_xlabel("weeks from first contact to first visit", fontsize=TEXT)
    ax.set_ylabel("variant", fontsize=TEXT)
    ax.set_title(title(spec, "first-visit waits of every household, all replications\n"
                             "box: the middle half; whiskers: 5th to 95th percentile; line: median"),
                 fontsize=TITLE)
    ax.legend(fontsize=TEXT, loc="lower right")
    ax.grid(axis="x", alpha=0.3)
    _fonts(fig)
    return fig


def wait_distribution(spec, order, details, path: Path) -> Path:
    return _save(wait_distribution_figure(spec, order, details), path)


# --- time use ---------------------------------------------------------------------------------------------------

def time_use_frames(spec, order, summary) -> dict[str, pd.DataFrame]:
    """Per caseworker role: variant (plain name) x activity, % of paid time.

    Every activity the summary has for the role is kept (handovers, hand-offs, clerical fall-back included), so
    each row adds up to 100 % as the hour ledger does."""
    metrics = summary["metric"].unique()
    out = {}
    for role in CASEWORKER_ROLES:
        prefix = f"time_share.{role}."
        acts = [m[len(prefix):] for m in metrics if m.startswith(prefix)]
        if not acts:
            continue
        frame = pd.DataFrame({a: [_value(summary, v, prefix + a) * 100 for v in order] for a in acts},
                             index=[variant_name(spec, v) for v in order])
        out[role] = frame.fillna(0.0)
    return out


def time_use_figure(spec, order, summary):
    """Caseworkers' time by activity per variant, one panel per caseworker role, every booked activity drawn."""
    frames = time_use_frames(spec, order, summary)
    n = max(1, len(frames))
    fig, axes = plt.subplots(n, 1, figsize=(WIDTH, (0.6 * len(order) + 1.3) * n + 3.2), squeeze=False,
                             layout="constrained")
    handles = {}
    for ax, (role, frame) in zip(axes[:, 0], frames.items()):
        frame.index = [textwrap.fill(v, 16, break_long_words=False) for v in frame.index]
        stacked_bars(ax, frame)
        ax.set_title(ROLE_LABELS.get(role, plain(role)), fontsize=TITLE)
        ax.set_ylabel("variant", fontsize=TEXT)
        for h, lab in zip(*ax.get_legend_handles_labels()):
            handles.setdefault(lab, h)
    axes[-1, 0].set_xlabel("share of paid working time (%); bars add up to 100 %", fontsize=TEXT)
    _fonts(fig)
    fig.suptitle(title(spec, "caseworkers' time use (after warm-up), mean of the replications"),
                 fontsize=SUPTITLE)
    fig.legend(list(handles.values()), list(handles), ncol=2, fontsize=TEXT, loc="outside lower center",
               frameon=False)
    return fig


def time_use(spec, order, summary, path: Path) -> Path:
    return _save(time_use_figure(spec, order, summary), path)


# --- over time --------------------------------------------------------------------------------------------------

OVER_TIME = (("households_in_stock", "households with an open case", "households"),
             ("first_visit_queue", "waiting for a first visit (end of each week)", "households waiting"),
             ("overflow", "referred, waiting for a free caseworker (end of each week)", "households waiting"))


def line_style(spec, order, variant: str) -> dict:
    """Baseline thick and solid underneath, variants thinner and dashed on top: lines that coincide all show."""
    if variant == spec.baseline:
        return dict(color=BASELINE_COLOR, lw=3.6, ls="-", zorder=2)
    i = [v for v in order if v != spec.baseline].index(variant)
    return dict(color=variant_color(spec, order, variant), lw=2.0, ls=DASHES[i % len(DASHES)], zorder=3 + i)


def over_time_figure(spec, order, details):
    """Households in stock, the first-visit queue and the referral overflow, week by week, one panel each."""
    # the overflow exists only under a caseload cap: an all-zero panel tells a manager nothing
    series = [s for s in OVER_TIME if s[0] != "overflow"
              or any(x for d in details for x in (d["weekly"].get(s[0]) or []) if x)]
    fig, axes = plt.subplots(len(series), 1, figsize=(WIDTH, 2.9 * len(series) + 2.0), sharex=True, squeeze=False,
                             layout="constrained")
    axes = axes[:, 0]
    for ax, (col, panel, unit) in zip(axes, series):
        for v in order:
            runs = [d["weekly"].get(col) for d in details if d["variant"] == v and d["weekly"].get(col)]
            if not runs:
                continue
            arr = np.array([[np.nan if x is None else x for x in r] for r in runs], float)
            weeks = np.array(details[0]["weekly"]["week"])
            ax.plot(weeks[: arr.shape[1]], np.nanmean(arr, axis=0), label=variant_name(spec, v),
                    **line_style(spec, order, v))
        ax.axvspan(0, spec.warmup_weeks, color="0.92", zorder=0)
        ax.set_title(panel, fontsize=TITLE, loc="left")
        ax.set_ylabel(unit, fontsize=TEXT)
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
    axes[-1].set_xlabel("simulated week (grey band: warm-up, not measured)", fontsize=TEXT)
    _fonts(fig)
    fig.suptitle(title(spec, "mean over the replications, week by week"), fontsize=SUPTITLE)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, ncol=min(3, len(labels)), fontsize=TEXT, loc="outside lower center", frameon=False)
    return fig


def over_time(spec, order, details, path: Path) -> Path:
    return _save(over_time_figure(spec, order, details), path)


# --- cost against service ---------------------------------------------------------------------------------------

SERVICE = ("first_visit_wait_weeks", "followups_on_time_share")


def cost_service_points(spec, order, summary) -> pd.DataFrame:
    """One row per variant: cost and each service figure with their 95 % CIs, in the units the figure shows."""
    rows = []
    for v in order:
        row = {"variant": v}
        for key in ("cost_sek_per_year", *SERVICE):
            kpi = BY_KEY[key]
            for column in ("mean", "ci_low", "ci_high"):
                row[f"{key}.{column}"] = _value(summary, v, key, column) * kpi.scale
        rows.append(row)
    return pd.DataFrame(rows).set_index("variant")


def _err(point: pd.Series, key: str):
    mean, lo, hi = (point[f"{key}.{c}"] for c in ("mean", "ci_low", "ci_high"))
    return None if math.isnan(lo) or math.isnan(hi) else [[mean - lo], [hi - mean]]


def cost_vs_service_figure(spec, order, summary):
    """Staff cost against the first-visit wait and follow-up on time.

    No name is written beside a point (names collide where variants cost the same): each variant has its own
    colour and marker, later ones smaller so points that coincide show as marks inside marks, the baseline an
    open black ring on top of them all; confidence intervals are dodged a few points sideways so coinciding
    ones all show. The legend below is the table of what each point is, with its numbers."""
    points = cost_service_points(spec, order, summary)
    cost = BY_KEY["cost_sek_per_year"]
    fig, axes = plt.subplots(1, 2, figsize=(WIDTH + 1, 5.6 + 0.32 * len(order)), layout="constrained")
    markers = {v: marker_style(spec, order, v) for v in order}
    dodge = dict(zip(order, 5.0 * (np.arange(len(order)) - (len(order) - 1) / 2)))
    for ax, key in zip(axes, SERVICE):
        kpi = BY_KEY[key]
        for v in order:
            p = points.loc[v]
            x, y = p[f"{cost.key}.mean"], p[f"{key}.mean"]
            shifted = transforms.offset_copy(ax.transData, fig=fig, x=dodge[v], units="points")
            ax.errorbar(x, y, yerr=_err(p, key), xerr=_err(p, cost.key), fmt="none", capsize=4, elinewidth=1.6,
                        ecolor=markers[v]["color"], zorder=2, transform=shifted)
            ax.plot(x, y, ls="none", gid=f"point:{v}", **markers[v])
            # a shifted artist does not count for the axis limits: the intervals' ends must
            bounds = ("ci_low", "ci_high")
            ends = [(p[f"{cost.key}.{a}"], p[f"{key}.{b}"]) for a in bounds for b in bounds]
            ax.update_datalim([e for e in ends if not any(map(math.isnan, e))])
        ax.set_xlabel(f"{cost.label} ({cost.unit})", fontsize=TEXT)
        ax.set_ylabel(f"{kpi.label} ({kpi.unit})", fontsize=TEXT)
        ax.ticklabel_format(useOffset=False, style="plain")
        ax.grid(alpha=0.3)
        ax.margins(0.15)
        ax.autoscale_view()
        if kpi.unit == "%":  # a share's axis ends at 100 %, even around a point at 100
            ax.set_ylim(max(0.0, ax.get_ylim()[0]), min(100.5, ax.get_ylim()[1]))
    axes[0].set_title("cost and waiting time\n(lower left is better)", fontsize=TITLE)
    axes[1].set_title("cost and follow-up on time\n(upper left is better)", fontsize=TITLE)
    _fonts(fig)
    money = has_money(summary)
    what = "staff cost against service; lines: 95 % confidence intervals"
    if money:
        what += "\nthe assistance paid is not in the cost across: see the money figure"
    fig.suptitle(title(spec, what), fontsize=SUPTITLE)
    wait, fup = (BY_KEY[k] for k in SERVICE)
    handles = [Line2D([], [], ls="none", **markers[v]) for v in order]
    total = BY_KEY[TOTAL]
    with_assistance = {v: f" (with assistance paid {_value(summary, v, TOTAL) * total.scale:,.1f})" if money else ""
                       for v in order}
    table = [f"{variant_name(spec, v)}:  staff {points.loc[v, cost.key + '.mean']:,.2f}{with_assistance[v]} "
             f"{cost.unit},  wait {points.loc[v, wait.key + '.mean']:.2f} {wait.unit},  "
             f"{points.loc[v, fup.key + '.mean']:.1f} {fup.unit} of follow-ups on time" for v in order]
    fig.legend(handles, table, loc="outside lower center", ncol=1, fontsize=TEXT, frameon=False)
    return fig


def marker_style(spec, order, variant: str) -> dict:
    """The baseline an open black ring drawn last; variants filled, each its own shape, later ones smaller."""
    if variant == spec.baseline:
        return dict(marker="o", ms=18, mfc="none", mec="black", mew=2.6, color="black", zorder=10)
    i = [v for v in order if v != spec.baseline].index(variant)
    return dict(marker=MARKERS[i % len(MARKERS)], ms=max(6.0, 13 - 2.5 * i), mec="white", mew=0.8,
                color=variant_color(spec, order, variant), zorder=4 + i)


def cost_vs_service(spec, order, summary, path: Path) -> Path:
    return _save(cost_vs_service_figure(spec, order, summary), path)


# --- money: staff cost, assistance paid, total ----------------------------------------------------------------

MONEY_NAMES = {"cost_sek_per_year": "staff cost", "assistance_sek_per_year": "assistance paid",
               "total_cost_sek_per_year": "total"}
VERDICT_COLOURS = {"pays for itself": "#009E73", "costs more": "#D55E00"}  # as the report's chart; else grey


def money_points(spec, order, summary) -> pd.DataFrame:
    """One row per variant and money figure (MSEK a year): level and its 95 % CI, paired difference and its CI."""
    rows = []
    for v in order:
        for key in MONEY:
            row = {"variant": v, "figure": key}
            for column in ("mean", "ci_low", "ci_high", "diff", "diff_ci_low", "diff_ci_high"):
                row[column] = _value(summary, v, key, column) * BY_KEY[key].scale
            rows.append(row)
    return pd.DataFrame(rows).set_index(["variant", "figure"])


def _ci(ax, x, y, lo, hi, horizontal: bool, **style) -> None:
    if math.isnan(lo) or math.isnan(hi) or lo == hi:
        return
    err = [[x - lo], [hi - x]] if horizontal else [[y - lo], [hi - y]]
    ax.errorbar(x, y, xerr=err if horizontal else None, yerr=None if horizontal else err, fmt="none", capsize=5,
                lw=1.8, **style)


def money_figure(spec, order, summary):
    """Top: staff cost, assistance paid and their total per variant, each with its 95 % CI. Below, one panel per
    variant: the paired difference of each to the baseline with its CI, titled with whether it pays for itself."""
    points = money_points(spec, order, summary)
    others = [v for v in order if v != spec.baseline]
    top_h = 0.55 * len(order) + 1.6
    fig = plt.figure(figsize=(WIDTH, top_h + 2.1 * max(1, len(others)) + 1.6), layout="constrained")
    top, bottom = fig.subfigures(2, 1, height_ratios=[top_h, 2.1 * max(1, len(others))])
    levels = top.subplots(1, 3, sharey=True)
    ys = np.arange(len(order))
    for ax, key in zip(levels, MONEY):
        for y, v in zip(ys, order):
            p = points.loc[(v, key)]
            color = variant_color(spec, order, v)
            ax.barh(y, p["mean"], color=color, alpha=0.35, height=0.7)
            ax.plot(p["mean"], y, "o", color=color, ms=6)
            _ci(ax, p["mean"], y, p["ci_low"], p["ci_high"], True, color=color)
        ax.set_title(MONEY_NAMES[key], fontsize=TITLE)
        ax.set_xlabel("MSEK a year", fontsize=TEXT)
        ax.ticklabel_format(axis="x", useOffset=False, style="plain")
        ax.grid(axis="x", alpha=0.3)
    levels[0].set_yticks(ys, [variant_name(spec, v, 16) for v in order])
    levels[0].set_ylabel("variant", fontsize=TEXT)
    levels[0].invert_yaxis()
    top.suptitle("what each variant costs a year: mean of the replications, line: 95 % confidence interval",
                 fontsize=TITLE)
    if others:
        diffs = bottom.subplots(len(others), 1, sharex=True, squeeze=False)[:, 0]
        for ax, v in zip(diffs, others):
            call = money_call(summary, spec.baseline, v)
            labels = []
            for y, key in enumerate(MONEY):
                p = points.loc[(v, key)]
                color = VERDICT_COLOURS.get(call, "#555555") if key == TOTAL else variant_color(spec, order, v)
                if not math.isnan(p["diff"]):
                    ax.plot(p["diff"], y, "D" if key == TOTAL else "o", color=color, ms=9 if key == TOTAL else 7)
                    _ci(ax, p["diff"], y, p["diff_ci_low"], p["diff_ci_high"], True, color=color)
                labels.append(f"{MONEY_NAMES[key]}: {_money_words(summary, v, key)}")
            ax.axvline(0, color="0.35", lw=1.2, ls="--")
            ax.set_yticks(range(len(MONEY)), labels)
            ax.set_ylim(len(MONEY) - 0.5, -0.5)
            ax.grid(axis="x", alpha=0.3)
            ax.set_title(f"{variant_name(spec, v)} against {variant_name(spec, spec.baseline)}: "
                         f"{_verdict_words(call)}", fontsize=TITLE, loc="left")
        diffs[-1].set_xlabel(f"difference to {variant_name(spec, spec.baseline)}, MSEK a year (left of the dashed "
                             "line: cheaper); line: 95 % confidence interval", fontsize=TEXT)
        for ax in diffs:
            ax.margins(x=0.15)
    else:
        bottom.text(0.5, 0.5, "no variant besides the baseline", ha="center", fontsize=TEXT)
    _fonts(fig)
    fig.suptitle(title(spec, "staff cost and assistance paid"), fontsize=SUPTITLE)
    return fig


def _money_words(summary, variant: str, key: str) -> str:
    """'+0.90 (every replication)', '−0.1 (−0.3 to +0.1)', 'no value': a difference as the report writes it."""
    return difference(BY_KEY[key], summary_row(summary, variant, key))


def _verdict_words(call: str) -> str:
    return {"cannot tell": "cannot tell whether it pays for itself", "": "no total"}.get(call, call)


def money(spec, order, summary, path: Path) -> Path:
    return _save(money_figure(spec, order, summary), path)


def pays_figure(spec, order, summary, assumptions: dict):
    """Does each variant pay for itself, without and with each assumption: the paired difference of staff cost plus
    assistance paid to the baseline, with its 95 % CI, one row per assumption, coloured by the verdict."""
    others = [v for v in order if v != spec.baseline]
    def short(name: str, frame) -> str:  # "casework effect, strong": the labels sit beside the plot
        return (assumption_label(name, frame).removesuffix(" (an assumption)").removeprefix("with the ")
                .replace("“", "").replace("”", ""))

    plain_name = "casework effect" if casework_on(summary) else "no casework effect"
    arms = [(plain_name, summary)] + [(short(n, a), a) for n, a in assumptions.items()]
    fig, axes = plt.subplots(len(others), 1, figsize=(WIDTH, 0.7 * len(arms) * len(others) + 2.2),
                             sharex=True, squeeze=False, layout="constrained")
    for ax, v in zip(axes[:, 0], others):
        labels = []
        for y, (name, frame) in enumerate(arms):
            r = summary_row(frame, v, TOTAL)
            call = money_call(frame, spec.baseline, v)
            color = VERDICT_COLOURS.get(call, "#555555")
            if r is not None and not math.isnan(r["diff"]):
                ax.plot(r["diff"] * 1e-6, y, "D", color=color, ms=8)
                _ci(ax, r["diff"] * 1e-6, y, r["diff_ci_low"] * 1e-6, r["diff_ci_high"] * 1e-6, True, color=color)
            labels.append(f"{name}:\n{'cannot tell' if call == 'cannot tell' else _verdict_words(call)}")
        ax.axvline(0, color="0.35", lw=1.2, ls="--")
        ax.set_yticks(range(len(arms)), labels)
        ax.set_ylim(len(arms) - 0.5, -0.5)
        ax.grid(axis="x", alpha=0.3)
        ax.set_title(f"{variant_name(spec, v)} against {variant_name(spec, spec.baseline)}", fontsize=TITLE,
                     loc="left")
        ax.margins(x=0.15)
    axes[-1, 0].set_xlabel(f"staff cost + assistance paid, difference to {variant_name(spec, spec.baseline)}, MSEK "
                           "a year (left of the dashed line: cheaper); line: 95 % confidence interval", fontsize=TEXT)
    _fonts(fig)
    fig.suptitle(title(spec, "does it pay for itself? Without and with the assumptions"), fontsize=SUPTITLE)
    return fig


def all_plots(spec, order, summary, details, out_dir: Path, assumptions: dict | None = None) -> dict[str, Path]:
    """Every figure of the report (``assumptions``: name -> the summary under it, for the pays-for-itself figure)."""
    figures = {
        "Headline figures": kpi_panels(spec, order, summary, out_dir / "kpis.png"),
        "First-visit waits": wait_distribution(spec, order, details, out_dir / "waits.png"),
        "Caseworkers' time use": time_use(spec, order, summary, out_dir / "time_use.png"),
        "Stock and queues over time": over_time(spec, order, details, out_dir / "over_time.png"),
        "Cost against service": cost_vs_service(spec, order, summary, out_dir / "cost_vs_service.png"),
    }
    if has_money(summary):
        figures["Money: staff cost and assistance paid"] = money(spec, order, summary, out_dir / "money.png")
        if assumptions and len(order) > 1:
            figures["Does it pay for itself, without and with the assumptions?"] = _save(
                pays_figure(spec, order, summary, assumptions), out_dir / "pays_for_itself.png")
    return figures
