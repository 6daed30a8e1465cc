"""Figures of a parameter sweep, for the researcher who ran it and the manager who reads along: the response
surface over two keys, each key's partial dependence, and the sensitivity indices (Morris, Sobol').

They take plain tables (``points.csv``, ``indices.csv`` as data frames) and the sweep's ``info`` dict, never the
experiments layer. Each figure's numbers come from a function of its own (``surface_grid``, ``surface_bins``,
``partial_dependence``, ``index_table``), so tests check the sums and then that the figure draws them.

Honesty over smoothness: a scattered design's surface averages the points inside coarse cells and shows where
the points are; nothing is interpolated into regions without points, and an empty cell says so."""

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
from matplotlib import transforms  # noqa: E402
from matplotlib.colors import Normalize  # noqa: E402

from sim.analysis.kpis import metric_bounds  # noqa: E402
from sim.analysis.stats import estimate  # noqa: E402
from sim.outputs.experiment_plots import SUPTITLE, TEXT, TITLE, WIDTH  # noqa: E402
from sim.outputs.plots import plain, save, text_color  # noqa: E402
from sim.outputs.study_plots import input_label, label, unit  # noqa: E402

SCATTERED = ("lhs", "sobol", "morris", "saltelli")  # designs whose points do not lie on a grid
SENSITIVITY = ("morris", "saltelli")  # designs with indices.csv
PD_BINS = 5  # partial dependence of a scattered design: quantile bins of a key's values
CMAP = "viridis"  # sequential, colour-blind safe, readable in grey
TOTAL, FIRST = "#4477AA", "#EE7733"  # Paul Tol: ST dark blue, S1 orange
NO_VALUE = "no value"


# --- words ------------------------------------------------------------------------------------------------------

def metric_words(metric: str) -> tuple[str, float]:
    """A metric in words with its unit, and the scale it is shown in (shares in %): the report's words."""
    return label(metric)


def key_words(key: str, width: int | None = None) -> str:
    """A config key in words ("reception: booking notice (weeks)"), wrapped to ``width`` if given."""
    words = input_label(key)
    return textwrap.fill(words, width, break_long_words=False) if width else words


def number(value: float) -> str:
    """A shown value: three significant figures or so, thousands separated; NaN is "no value", never "nan"."""
    if value is None or value != value:
        return NO_VALUE
    a = abs(value)
    if a >= 1000:
        text = f"{value:,.0f}"
    elif a >= 10:
        text = f"{value:.1f}"
    elif a >= 1 or a == 0:
        text = f"{value:.2f}"
    else:
        text = f"{value:.2g}"
    return "0" if re.fullmatch(r"-?0(\.0*)?", text) else text.replace("-", "−")


def tick(value) -> str:
    """A key's value on an axis or in a table: as written for words, ``g`` for numbers."""
    return f"{value:g}" if isinstance(value, (int, float, np.number)) else str(value)


def file_name(metric: str) -> str:
    """A metric's name as it can stand in a file name (``utilisation.reception`` keeps no dot)."""
    return re.sub(r"[^A-Za-z0-9_-]+", "_", metric)


# --- the data each figure shows ---------------------------------------------------------------------------------

def metric_points(per_point: pd.DataFrame, metric: str) -> pd.DataFrame:
    """One row per point for ``metric`` (points.csv has one row per point and metric)."""
    return per_point[per_point["metric"] == metric].drop_duplicates("point").reset_index(drop=True)


def is_numeric(values: pd.Series) -> bool:
    """Whether a key's values (NaN aside) are numbers: a grid may sweep words, e.g. a workflow's name."""
    present = values.dropna()
    return bool(len(present)) and pd.to_numeric(present, errors="coerce").notna().all()


def in_order(values: pd.Series) -> list:
    """A key's distinct values (NaN aside): numbers ascending, words in the design's order."""
    present = values.dropna()
    if is_numeric(present):
        return sorted(pd.to_numeric(present).unique().tolist())
    return list(dict.fromkeys(present.tolist()))


FIXED = ("grid", "oat")  # designs whose points are chosen values, not draws


def _group(rows: pd.DataFrame, value, low, high, fixed: bool) -> dict:
    """The mean of the points' means in a group, with its 95 % CI.

    Drawn points (``fixed`` False): the t interval over the points, as over any sample of the other keys' values.
    Chosen points (a grid's): their spread is the other keys' effect, not chance, so the interval is that of the
    average over replications: at most the points' mean half-width, whatever the correlation common random numbers
    give their means (the standard deviation of a sum is at most the sum of theirs). One point: its own CI."""
    means = rows["mean"].astype(float)
    valid = rows[means.notna()]
    est = estimate(valid["mean"].astype(float).tolist())
    ci_low, ci_high, source = est.low, est.high, "points"
    if fixed or len(valid) == 1:
        half = ((valid["ci_high"].astype(float) - valid["ci_low"].astype(float)) / 2).mean() if len(valid) else \
            math.nan
        ci_low, ci_high, source = est.mean - half, est.mean + half, "replications"
    return {"value": value, "low": low, "high": high, "mean": est.mean, "ci_low": ci_low, "ci_high": ci_high,
            "points": len(rows), "missing": int(means.isna().sum()), "ci_from": source}


def partial_dependence(per_point: pd.DataFrame, key: str, metric: str, kind: str = "lhs", bins: int = PD_BINS
                       ) -> pd.DataFrame:
    """The metric's mean against ``key``, averaged over the other keys: one row per value tried (a grid's or a
    one-at-a-time design's, or any key that takes at most ``bins`` values) or per quantile bin of its values.

    Columns: value (the group's value, or the bin's mean value), low and high (the values it spans), mean (of
    the points' means), ci_low and ci_high (95 %: see :func:`_group`), points, missing (points without a value),
    ci_from ("points" or "replications"). Intervals stop at the range the metric can take (a wait at 0, a share
    at 0 and 100 %), as the report's do. Points where the key is not set (a one-at-a-time design's base and other
    keys' points) are left out."""
    fixed = kind in FIXED
    rows = metric_points(per_point, metric)
    rows = rows[rows[key].notna()].reset_index(drop=True)
    x = rows[key]
    numeric = is_numeric(x)
    out = []
    if fixed or not numeric or x.nunique() <= bins:
        for value in in_order(x):
            mask = (pd.to_numeric(x) == value) if numeric else (x == value)
            out.append(_group(rows[mask], value, value, value, fixed))
    else:
        xs = pd.to_numeric(x).astype(float)
        codes = pd.qcut(xs, bins, labels=False, duplicates="drop")
        for code in sorted(codes.dropna().unique()):
            mask = codes == code
            out.append(_group(rows[mask], float(xs[mask].mean()), float(xs[mask].min()), float(xs[mask].max()),
                              fixed))
    columns = ["value", "low", "high", "mean", "ci_low", "ci_high", "points", "missing", "ci_from"]
    frame = pd.DataFrame(out, columns=columns)
    bottom, top = metric_bounds(metric)
    frame["ci_low"] = frame["ci_low"].clip(lower=bottom)
    frame["ci_high"] = frame["ci_high"].clip(upper=top)
    return frame


def oat_base(per_point: pd.DataFrame, keys: list[str], metric: str) -> pd.Series | None:
    """A one-at-a-time design's base point (the district as configured: no key set), or None."""
    rows = metric_points(per_point, metric)
    base = rows[rows[list(keys)].isna().all(axis=1)]
    return base.iloc[0] if len(base) else None


def surface_grid(per_point: pd.DataFrame, x_key: str, y_key: str, metric: str) -> pd.DataFrame:
    """A grid's response surface: rows ``y_key``'s values, columns ``x_key``'s, each cell the mean of the points'
    means with those two values (the mean over the other keys' values when the grid has more than two keys).
    NaN where no point there has a value."""
    rows = metric_points(per_point, metric)
    xs, ys = in_order(rows[x_key]), in_order(rows[y_key])
    table = pd.DataFrame(np.nan, index=pd.Index(ys, name=y_key), columns=pd.Index(xs, name=x_key))
    xnum, ynum = is_numeric(rows[x_key]), is_numeric(rows[y_key])
    for y in ys:
        for x in xs:
            mx = (pd.to_numeric(rows[x_key]) == x) if xnum else (rows[x_key] == x)
            my = (pd.to_numeric(rows[y_key]) == y) if ynum else (rows[y_key] == y)
            table.loc[y, x] = rows.loc[mx & my, "mean"].astype(float).mean()
    return table


def surface_bin_count(points: int) -> int:
    """Cells per axis of a scattered design's surface: about eight points a cell, between 2 and 5 a side."""
    return int(min(5, max(2, math.floor(math.sqrt(points / 8)))))


def axis_edges(values: pd.Series, bins: int) -> np.ndarray:
    """Cell edges along one key: between its levels when it takes at most ``bins`` values (a Morris grid, whole
    numbers), else ``bins`` equal widths over the range the points cover."""
    x = pd.to_numeric(values).astype(float).to_numpy()
    levels = np.unique(x)
    if len(levels) == 1:
        return np.array([levels[0] - 0.5, levels[0] + 0.5])
    if len(levels) <= bins:
        mids = (levels[1:] + levels[:-1]) / 2
        return np.concatenate([[levels[0] - (mids[0] - levels[0])], mids, [levels[-1] + (levels[-1] - mids[-1])]])
    return np.linspace(x.min(), x.max(), bins + 1)


def surface_bins(per_point: pd.DataFrame, x_key: str, y_key: str, metric: str, bins: int | None = None
                 ) -> pd.DataFrame:
    """A scattered design's response surface: per cell of a coarse grid over the two keys, the mean of the
    points' means inside it (the other keys vary among those points) and how many there are.

    One row per cell: x_low, x_high, y_low, y_high, mean (NaN: no point, or none with a value), points,
    missing. A cell includes its upper edge only at the last one."""
    rows = metric_points(per_point, metric)
    rows = rows[rows[x_key].notna() & rows[y_key].notna()]
    bins = bins or surface_bin_count(len(rows))
    xe, ye = axis_edges(rows[x_key], bins), axis_edges(rows[y_key], bins)
    x = pd.to_numeric(rows[x_key]).astype(float).to_numpy()
    y = pd.to_numeric(rows[y_key]).astype(float).to_numpy()
    xi = np.clip(np.searchsorted(xe, x, side="right") - 1, 0, len(xe) - 2)
    yi = np.clip(np.searchsorted(ye, y, side="right") - 1, 0, len(ye) - 2)
    means = rows["mean"].astype(float).to_numpy()
    out = []
    for j in range(len(ye) - 1):
        for i in range(len(xe) - 1):
            inside = (xi == i) & (yi == j)
            values = means[inside]
            present = values[~np.isnan(values)]
            out.append({"x_low": xe[i], "x_high": xe[i + 1], "y_low": ye[j], "y_high": ye[j + 1],
                        "mean": float(present.mean()) if len(present) else math.nan,
                        "points": int(inside.sum()), "missing": int(np.isnan(values).sum())})
    return pd.DataFrame(out)


def index_kind(indices: pd.DataFrame | None) -> str:
    """``saltelli`` (Sobol' S1/ST), ``morris`` (μ*/σ) or "" from an indices table's columns."""
    if indices is None or indices.empty:
        return ""
    return "saltelli" if "ST" in indices else "morris" if "mu_star" in indices else ""


def index_table(indices: pd.DataFrame, metric: str) -> pd.DataFrame:
    """One metric's indices, the key that matters most first (by ST, or μ*); NaN last."""
    rows = indices[indices["metric"] == metric]
    by = "ST" if index_kind(indices) == "saltelli" else "mu_star"
    return rows.sort_values(by, ascending=False, na_position="last", kind="stable").reset_index(drop=True)


# --- figures ----------------------------------------------------------------------------------------------------

def _title(info: dict, what: str) -> str:
    """The sweep's title over what the figure shows, each line wrapped to the figure's width."""
    lines = [plain(info.get("title") or info.get("name", "")), *what.split("\n")]
    return "\n".join(textwrap.fill(line, 85, break_long_words=False) for line in lines)


def _fonts(fig) -> None:
    for ax in fig.axes:
        ax.tick_params(labelsize=TEXT)


def _masked(values: np.ndarray) -> np.ma.MaskedArray:
    return np.ma.masked_invalid(np.asarray(values, dtype=float))


def _cell_text(ax, x, y, value: float, cmap, norm, extra: str = "", empty: str = NO_VALUE, boxed: bool = False
               ) -> None:
    """A cell's number, black or white after the cell's colour (black on a white patch where dots lie beneath);
    an empty cell says why in words."""
    box = dict(boxstyle="round,pad=0.2", fc="white", ec="none", alpha=0.8) if boxed else None
    if value != value:
        ax.text(x, y, empty, ha="center", va="center", fontsize=TEXT, color="0.2", style="italic", bbox=box,
                zorder=4, gid="empty")
        return
    color = "black" if boxed else text_color(cmap(norm(value)))
    ax.text(x, y, number(value) + extra, ha="center", va="center", fontsize=TEXT, color=color, bbox=box,
            zorder=4, gid="cell")


def surface_figure(info: dict, per_point: pd.DataFrame, metric: str):
    """The metric over the two ``surface`` keys: a grid's cells (mean of the points there), or a scattered
    design's coarse cells (mean of the points inside) with the points as dots. None when there is no surface
    (fewer than two keys, or a one-at-a-time design, which never moves two keys together)."""
    keys = list(info.get("surface") or [])
    kind = info.get("kind", "")
    if len(keys) != 2 or kind == "oat":
        return None
    x_key, y_key = keys
    name, scale = metric_words(metric)
    cmap = plt.get_cmap(CMAP).with_extremes(bad="0.93")
    fig, ax = plt.subplots(figsize=(WIDTH, 6.6), layout="constrained")
    others = [k for k in info.get("keys", []) if k not in keys]
    if kind == "grid":
        table = surface_grid(per_point, x_key, y_key, metric) * scale
        values = table.to_numpy(float)
        norm = Normalize(*_limits(values))
        mesh = ax.pcolormesh(np.arange(len(table.columns) + 1) - 0.5, np.arange(len(table.index) + 1) - 0.5,
                             _masked(values), cmap=cmap, norm=norm, edgecolors="white", linewidth=1.5)
        for j in range(len(table.index)):
            for i in range(len(table.columns)):
                _cell_text(ax, i, j, values[j, i], cmap, norm)
        ax.set_xticks(range(len(table.columns)), [plain(tick(v)) for v in table.columns])
        ax.set_yticks(range(len(table.index)), [plain(tick(v)) for v in table.index])
        what = "each cell: the mean of the point with these two values"
        if others:
            what = "each cell: the mean over the points with these two values (the other keys' values averaged)"
    else:
        cells = surface_bins(per_point, x_key, y_key, metric)
        xe = np.unique(np.concatenate([cells["x_low"], cells["x_high"]]))
        ye = np.unique(np.concatenate([cells["y_low"], cells["y_high"]]))
        values = cells["mean"].to_numpy(float).reshape(len(ye) - 1, len(xe) - 1) * scale
        norm = Normalize(*_limits(values))
        mesh = ax.pcolormesh(xe, ye, _masked(values), cmap=cmap, norm=norm, edgecolors="white", linewidth=1.5)
        rows = metric_points(per_point, metric)
        ax.scatter(pd.to_numeric(rows[x_key]), pd.to_numeric(rows[y_key]), s=9, c="white", edgecolors="0.15",
                   linewidths=0.5, alpha=0.8, zorder=3, label="a point of the design")
        for c, cell in cells.iterrows():
            j, i = divmod(c, len(xe) - 1)
            empty = "no points" if cell["points"] == 0 else NO_VALUE
            x, y = (cell["x_low"] + cell["x_high"]) / 2, (cell["y_low"] + cell["y_high"]) / 2
            count = int(cell["points"])
            _cell_text(ax, x, y, values[j, i], cmap, norm, f"\n{count} point{'s' if count != 1 else ''}", empty,
                       boxed=True)
        ax.legend(loc="upper left", bbox_to_anchor=(0, -0.12), fontsize=TEXT, frameon=False)
        what = ("each cell: the mean of the design's points inside it (white dots; the other keys vary among "
                "them)\nnothing is drawn where there is no point")
    bar = fig.colorbar(mesh, ax=ax, shrink=0.9)
    bar.set_label(name, fontsize=TEXT)
    bar.ax.tick_params(labelsize=TEXT)
    ax.set_xlabel(key_words(x_key), fontsize=TEXT)
    ax.set_ylabel(key_words(y_key, 40), fontsize=TEXT)
    r = info.get("replications", "?")
    ax.set_title(f"{name}: mean of {r} replication{'' if r == 1 else 's'} per point", fontsize=TITLE)
    _fonts(fig)
    fig.suptitle(_title(info, what), fontsize=SUPTITLE)
    return fig


def _limits(values: np.ndarray) -> tuple[float, float]:
    finite = values[np.isfinite(values)]
    if not len(finite):
        return 0.0, 1.0
    lo, hi = float(finite.min()), float(finite.max())
    return (lo - 0.5, hi + 0.5) if lo == hi else (lo, hi)


def partial_dependence_figure(info: dict, per_point: pd.DataFrame, metric: str):
    """One panel per key, shared y: the metric's mean against the key's value, averaged over the other keys, with
    its 95 % CI; the points' own means as faint dots behind (how much the other keys spread them)."""
    keys = list(info.get("keys", []))
    kind = info.get("kind", "")
    name, scale = metric_words(metric)
    cols = min(3, max(1, len(keys)))
    nrows = max(1, math.ceil(len(keys) / cols))
    fig, axes = plt.subplots(nrows, cols, figsize=(WIDTH, 3.1 * nrows + 2.0), sharey=True, squeeze=False,
                             layout="constrained")
    base = oat_base(per_point, keys, metric) if kind == "oat" else None
    alone = kind == "oat" or len(keys) == 1  # one point per value: nothing averaged
    rows = metric_points(per_point, metric)
    for ax, key in zip(axes.flat, keys):
        frame = partial_dependence(per_point, key, metric, kind)
        numeric = is_numeric(rows[key])
        where = rows[rows[key].notna()]
        xs = pd.to_numeric(where[key]) if numeric else where[key].map({v: i for i, v in enumerate(frame["value"])})
        ys = where["mean"].astype(float) * scale
        if not alone:  # one point per value (one at a time, a single key): its mean is the line's
            # a grid's points share their x with the bar: drawn a little to its right so both show
            beside = transforms.offset_copy(ax.transData, fig=fig, x=7, units="points") if kind in FIXED else \
                ax.transData
            ax.scatter(xs, ys, s=14, color="0.45", alpha=0.55, lw=0, zorder=1, label="a point's mean",
                       transform=beside)
            shown = np.isfinite(np.asarray(xs, float)) & np.isfinite(ys.to_numpy(float))
            ax.update_datalim(np.column_stack([np.asarray(xs, float)[shown], ys.to_numpy(float)[shown]]))
        x = frame["value"].to_numpy(float) if numeric else np.arange(len(frame), dtype=float)
        mean = frame["mean"].to_numpy(float) * scale
        lo, hi = frame["ci_low"].to_numpy(float) * scale, frame["ci_high"].to_numpy(float) * scale
        ax.plot(x, mean, "o" if kind == "oat" else "-o", color=TOTAL, lw=2.2, ms=7, zorder=3, gid=f"pd:{key}",
                label="the key at its low and its high value" if kind == "oat" else
                "mean of the replications" if alone else "mean over the other keys")
        ok = np.isfinite(lo) & np.isfinite(hi) & np.isfinite(mean)
        ax.errorbar(x[ok], mean[ok], yerr=[mean[ok] - lo[ok], hi[ok] - mean[ok]], fmt="none", ecolor=TOTAL,
                    elinewidth=1.6, capsize=4, zorder=3, label="95 % confidence interval")
        for xi in x[~np.isfinite(mean)]:  # a group without a value is said, not dropped
            ax.text(xi, 0.5, NO_VALUE, transform=ax.get_xaxis_transform(), ha="center", va="center",
                    fontsize=TEXT, color="#CC3311", rotation=90)
        if base is not None and base["mean"] == base["mean"]:
            ax.axhline(float(base["mean"]) * scale, color="0.3", ls="--", lw=1.2, zorder=2,
                       label="the district as configured (grey: its 95 % CI)")
            if base["ci_low"] == base["ci_low"]:
                ax.axhspan(float(base["ci_low"]) * scale, float(base["ci_high"]) * scale, color="0.85", zorder=0)
        if not numeric:  # words a key takes (a workflow's name): in words, each with room beside it
            ax.set_xticks(x, [textwrap.fill(plain(v), 12) for v in frame["value"]])
            ax.set_xlim(-0.5, len(frame) - 0.5)
        ax.set_xlabel(key_words(key, 30), fontsize=TEXT)
        if numeric and kind in FIXED:
            ax.margins(x=0.1)  # room for the dots beside the last value
        ax.grid(alpha=0.3)
        ax.ticklabel_format(axis="y", useOffset=False, style="plain")
    for ax in axes[:, 0]:
        ax.set_ylabel(textwrap.fill(name, 30), fontsize=TEXT)
    for ax in list(axes.flat)[len(keys):]:
        ax.axis("off")
    _fonts(fig)
    if kind in FIXED:
        how = "at each value tried" if kind == "oat" or len(keys) == 1 else \
            "at each value tried, averaged over the other keys"
        bars = "bars: 95 % CI over the replications" + ("" if alone else "; grey dots: each point's mean")
    else:
        how = f"in {PD_BINS} bins of equal counts (or per value tried), averaged over the other keys"
        bars = "bars: 95 % CI over the points in the bin; grey dots: each point's mean"
    fig.suptitle(_title(info, f"{name}: mean {how}\n{bars}"), fontsize=SUPTITLE)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    ncol = min(4, len(labels)) if sum(map(len, labels)) < 90 else 2  # a legend no wider than the figure
    fig.legend(handles, labels, loc="outside lower center", ncol=ncol, fontsize=TEXT, frameon=False)
    return fig


def indices_figure(info: dict, indices: pd.DataFrame, metric: str):
    """Horizontal bars per key, the key that matters most on top: Sobol' total (ST) and first-order (S1)
    indices, or Morris μ* with σ as a mark, each with its 95 % bootstrap CI. None without indices."""
    kind = index_kind(indices)
    table = index_table(indices, metric) if kind else pd.DataFrame()
    if table.empty:
        return None
    name, scale = metric_words(metric)
    n = len(table)
    fig, ax = plt.subplots(figsize=(WIDTH, 0.62 * n + 2.8), layout="constrained")
    y = np.arange(n)[::-1].astype(float)  # first row (largest) on top
    if kind == "saltelli":
        bars = (("ST", TOTAL, 0.2, "total index ST (alone and with others)"),
                ("S1", FIRST, -0.2, "first-order index S1 (alone)"))
        for column, color, dy, text in bars:
            values = table[column].to_numpy(float)
            conf = table[f"{column}_conf"].to_numpy(float)
            ax.barh(y + dy, np.nan_to_num(values), height=0.38, color=color, label=text, gid=column)
            ok = np.isfinite(values) & np.isfinite(conf)
            ax.errorbar(values[ok], (y + dy)[ok], xerr=conf[ok], fmt="none", ecolor="black", elinewidth=1.2,
                        capsize=3, label="95 % confidence interval" if column == "ST" else None)
        ax.axvline(1, color="0.4", ls=":", lw=1.2)
        ax.set_xlabel("Sobol' index: share of the figure's variance due to the key\n(a true index lies between "
                      "0 and 1; beyond: sampling noise)", fontsize=TEXT)
        what = "which keys move it: Sobol' indices with 95 % bootstrap confidence intervals"
        main = table["ST"].to_numpy(float)
    else:
        values = table["mu_star"].to_numpy(float) * scale
        conf = table["mu_star_conf"].to_numpy(float) * scale
        sigma = table["sigma"].to_numpy(float) * scale
        ax.barh(y, np.nan_to_num(values), height=0.55, color=TOTAL, label="μ*: mean absolute effect", gid="mu_star")
        ok = np.isfinite(values) & np.isfinite(conf)
        ax.errorbar(values[ok], y[ok], xerr=conf[ok], fmt="none", ecolor="black", elinewidth=1.2, capsize=3,
                    label="95 % confidence interval")
        ax.plot(sigma, y, "D", color=FIRST, mec="black", ms=8, ls="none", zorder=4, gid="sigma",
                label="σ: spread of the effects (interactions, curvature)")
        u = unit(metric)
        ax.set_xlabel(f"effect of moving the key one level ({'percentage points' if u == '%' else u})"
                      if u else "effect of moving the key one level", fontsize=TEXT)
        what = "which keys move it: Morris elementary effects with 95 % bootstrap confidence intervals"
        main = values
    for yi in y[~np.isfinite(main)]:
        ax.text(0, yi, f"  {NO_VALUE}", ha="left", va="center", fontsize=TEXT, color="#CC3311")
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(y, [key_words(k, 36) for k in table["key"]])
    ax.set_ylim(-0.7, n - 0.3)
    ax.set_ylabel("config key (largest effect on top)", fontsize=TEXT)
    ax.set_title(name, fontsize=TITLE)
    ax.grid(axis="x", alpha=0.3)
    _fonts(fig)
    fig.suptitle(_title(info, what), fontsize=SUPTITLE)
    handles, labels = ax.get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=2, fontsize=TEXT, frameon=False)
    return fig


def write_figures(info: dict, per_point: pd.DataFrame, indices: pd.DataFrame | None, out_dir: Path
                  ) -> dict[str, dict[str, Path]]:
    """Every figure of the sweep as PNG and SVG in ``out_dir``: per metric, caption -> the PNG's path."""
    out: dict[str, dict[str, Path]] = {}
    for metric in info.get("metrics", []):
        name = file_name(metric)
        figures = {}
        fig = surface_figure(info, per_point, metric)
        if fig is not None:
            x, y = (key_words(k) for k in info["surface"])
            figures[f"Response surface over {x} and {y}"] = save(fig, Path(out_dir) / f"surface_{name}.png",
                                                                  ("png", "svg"))
        figures["Partial dependence on each key"] = save(partial_dependence_figure(info, per_point, metric),
                                                         Path(out_dir) / f"partial_{name}.png", ("png", "svg"))
        fig = indices_figure(info, indices, metric) if indices is not None else None
        if fig is not None:
            figures["Sensitivity indices"] = save(fig, Path(out_dir) / f"indices_{name}.png", ("png", "svg"))
        out[metric] = figures
    return out
