"""A sweep's page: one self-contained HTML file (figures embedded) a researcher hands on, in plain words.

It says what was simulated and how, which keys matter most with their confidence intervals, and what the sample
cannot tell: indices whose interval is as wide as the index itself, indices outside 0–1 (sampling noise), too few
replications per point, points without a value. It takes plain tables (``points.csv``, ``indices.csv`` as data
frames) and the sweep's ``info`` dict, never the experiments layer."""

from __future__ import annotations

import base64
import html as _html
from pathlib import Path

import pandas as pd

from sim.analysis.kpis import metric_bounds
from sim.outputs import sweep_plots as sp
from sim.outputs.files import atomic_write
from sim.outputs.plots import plain
from sim.outputs.report import calibrated, span

NEGLIGIBLE = 0.01  # a Sobol' index below this even at its CI's upper end: the key hardly matters (1 % of variance)
FEW = 3  # fewer replications per point than this: each point's CI is rough
POINTS_SHOWN = 40  # designs up to this many points list them on the page; larger ones: points.csv
KIND_WORDS = {
    "grid": "a full grid (every combination of the values listed)",
    "lhs": "a Latin hypercube (points spread evenly at random over the ranges)",
    "sobol": "a scrambled Sobol' sequence (points spread evenly over the ranges)",
    "morris": "Morris trajectories (elementary effects: one key moved a level at a time along each trajectory)",
    "saltelli": "Saltelli's sampling for Sobol' sensitivity indices",
    "oat": "one at a time (the district as configured, then each key at its low and at its high value)",
}
MORE = {"saltelli": "run more base samples (a larger design n)", "morris": "run more trajectories (a larger design n)"}


# --- words ------------------------------------------------------------------------------------------------------

def index_number(value: float) -> str:
    """A Sobol' index with two decimals ("0.74"), NaN as "no value", never "-0.00"."""
    if value != value:
        return sp.NO_VALUE
    text = f"{value:.2f}"
    return "0.00" if text == "-0.00" else text.replace("-", "−")


def interval(low: float, high: float, show=sp.number) -> str:
    """"95 % CI 0.34–1.14", with "to" when an end is negative ("−0.09 to 0.19")."""
    a, b = show(low), show(high)
    if a == sp.NO_VALUE or b == sp.NO_VALUE:
        return "no interval"
    return f"95 % CI {a} to {b}" if "−" in a + b else f"95 % CI {a}–{b}"


def value_words(metric: str, value: float) -> str:
    """A metric's value in its unit ("2.25 weeks", "99.8 %"); NaN as "no value"."""
    _, scale = sp.metric_words(metric)
    shown = sp.number(value * scale if value == value else value)
    u = sp.unit(metric)
    return shown if shown == sp.NO_VALUE or not u else f"{shown} {u}"


def metric_name(metric: str) -> str:
    return sp.metric_words(metric)[0]


def judge(value: float, conf: float, negligible: float) -> str:
    """How sure the sample is of an index with a 95 % CI half-width ``conf``: ``none`` (no value), ``clear``
    (at least ``negligible`` even at the CI's lower end), ``negligible`` (below it even at the upper end),
    ``unclear`` (the half-width as large as the index itself: cannot tell) or ``some`` (above 0, but the CI
    reaches below ``negligible``)."""
    if value != value:
        return "none"
    if conf != conf:
        return "unclear"
    if value - conf >= negligible:
        return "clear"
    if value + conf < negligible:
        return "negligible"
    return "unclear" if conf >= abs(value) else "some"


# --- what the page says -----------------------------------------------------------------------------------------

def method(info: dict, per_point: pd.DataFrame) -> str:
    """How it was answered: district, design, points, replications on common random numbers, measured weeks."""
    org = info.get("org", "")
    points = per_point["point"].nunique()
    keys = list(info.get("keys", []))
    r = int(info.get("replications", 0))
    measured = float(info.get("horizon_weeks", 0)) - float(info.get("warmup_weeks", 0))
    times = "once" if r == 1 else f"{r} times"
    return (f"A simulation of {plain(org)}, {calibrated(org)}. Design: "
            f"{KIND_WORDS.get(info.get('kind', ''), info.get('kind', ''))} over {len(keys)} config "
            f"key{'s' if len(keys) != 1 else ''}, {points} points. Each point was simulated {times} on common "
            "random numbers: replication k of every point sees the same households arriving at the same times, so "
            "differences between points come from the keys, not from chance. Each run measures "
            f"{span(measured)} after a warm-up of {span(float(info.get('warmup_weeks', 0)))}.")


def values_tried(info: dict, per_point: pd.DataFrame, key: str) -> str:
    """The values a key took: a grid's list, one-at-a-time's low and high, else the range the points cover."""
    values = sp.in_order(per_point[key]) if key in per_point else []
    if not values:
        return sp.NO_VALUE
    if info.get("kind") in sp.FIXED or not sp.is_numeric(per_point[key]):
        return ", ".join(sp.tick(v) for v in values)
    return f"{values[0]:.3g} to {values[-1]:.3g} ({len(values)} distinct values)"


def missing_points(per_point: pd.DataFrame, metric: str) -> list[str]:
    """The points without a value for ``metric`` (no replication measured it)."""
    rows = sp.metric_points(per_point, metric)
    return rows.loc[rows["mean"].isna(), "point"].astype(str).tolist()


Said = tuple[str, list[str]]  # a sentence, and the items listed under it (keys, indices)


def sobol_findings(table: pd.DataFrame) -> list[Said]:
    """Which keys matter most (total index with its CI, first-order beside it), which the sample cannot tell,
    which hardly matter."""
    clear, some, unclear, negligible = [], [], [], []
    for r in table.itertuples():
        words = sp.key_words(r.key)
        total = f"total index {index_number(r.ST)} ({interval(r.ST - r.ST_conf, r.ST + r.ST_conf, index_number)})"
        first = f"first-order {index_number(r.S1)} ({interval(r.S1 - r.S1_conf, r.S1 + r.S1_conf, index_number)}"
        first += "; cannot tell from this sample)" if judge(r.S1, r.S1_conf, NEGLIGIBLE) == "unclear" else ")"
        call = judge(r.ST, r.ST_conf, NEGLIGIBLE)
        if call == "clear":
            clear.append(f"{words}: {total}, {first}")
        elif call == "some":
            some.append(f"{words}: {total}, {first}")
        elif call == "unclear":
            unclear.append(f"{words}: {total}")
        elif call == "negligible":
            negligible.append(words)
        else:
            unclear.append(f"{words}: total index {sp.NO_VALUE}")
    out: list[Said] = []
    if clear:
        out.append((f"Matter most (95 % CI above {NEGLIGIBLE:g}), largest total index first (the total index is "
                    "the key's share of the figure's variance, alone and with the other keys; first-order: alone):",
                    clear))
    else:
        out.append((f"No key's total index is clearly above {NEGLIGIBLE:g} with this sample.", []))
    if some:
        out.append((f"May matter (above 0, but the 95 % CI reaches below {NEGLIGIBLE:g}):", some))
    if unclear:
        out.append(("Cannot tell from this sample (the 95 % CI's half-width is as large as the index itself); "
                    f"{MORE['saltelli']}:", unclear))
    if negligible:
        out.append((f"Hardly matter (total index below {NEGLIGIBLE:g} even at the upper end of its 95 % CI): "
                    + ", ".join(negligible) + ".", []))
    return out


def morris_findings(metric: str, table: pd.DataFrame) -> list[Said]:
    """Which keys move the figure most (μ* with its CI and σ), which the sample cannot tell."""
    largest = table["mu_star"].max()
    floor = NEGLIGIBLE * largest if largest == largest else 0.0
    clear, some, unclear, negligible = [], [], [], []
    for r in table.itertuples():
        words = sp.key_words(r.key)
        mu = (f"μ* {value_words(metric, r.mu_star)} "
              f"({interval(r.mu_star - r.mu_star_conf, r.mu_star + r.mu_star_conf, lambda v: _scaled(metric, v))})")
        call = judge(r.mu_star, r.mu_star_conf, floor)
        if call == "clear":
            spread = (" — σ as large as μ*: its effect depends on the other keys' values or is not linear"
                      if r.sigma >= r.mu_star else "")
            clear.append(f"{words}: {mu}, σ {value_words(metric, r.sigma)}{spread}")
        elif call == "some":
            some.append(f"{words}: {mu}")
        elif call == "negligible":
            negligible.append(words)
        else:
            unclear.append(f"{words}: {mu}" if call == "unclear" else f"{words}: μ* {sp.NO_VALUE}")
    out: list[Said] = []
    if clear:
        out.append(("Move it most (95 % CI above 1 % of the largest μ*), largest effect first (μ*: the mean size "
                    "of the change when the key moves one level; σ: how much that change varies):", clear))
    else:
        out.append(("No key's effect is clearly above 1 % of the largest with this sample.", []))
    if some:
        out.append(("May matter (above 0, but the 95 % CI reaches below 1 % of the largest μ*):", some))
    if unclear:
        out.append(("Cannot tell from this sample (the 95 % CI's half-width is as large as μ* itself); "
                    f"{MORE['morris']}:", unclear))
    if negligible:
        out.append(("Hardly matter (μ* below 1 % of the largest even at the upper end of its 95 % CI): "
                    + ", ".join(negligible) + ".", []))
    return out


def _scaled(metric: str, value: float) -> str:
    return sp.number(value * sp.metric_words(metric)[1] if value == value else value)


def _at(metric: str, group: pd.Series, fixed: bool) -> str:
    """'2.49 weeks at 1.5 (95 % CI 0.32–4.66)': a partial dependence's group in words."""
    where = f"at {sp.tick(group['value'])}" if fixed or group["low"] == group["high"] else \
        f"for values {group['low']:.3g} to {group['high']:.3g}"
    scale = sp.metric_words(metric)[1]
    ci = interval(*(v * scale if v == v else v for v in (group["ci_low"], group["ci_high"])))
    return f"{value_words(metric, group['mean'])} {where} ({ci})"


def dependence_findings(info: dict, per_point: pd.DataFrame, metric: str) -> list[Said]:
    """Without indices: per key, the figure at the key's lowest and highest values (averaged over the other keys),
    the key whose ends lie furthest apart first."""
    kind = info.get("kind", "")
    fixed = kind in sp.FIXED
    rows = []
    for key in info.get("keys", []):
        frame = sp.partial_dependence(per_point, key, metric, kind)
        if frame.empty:
            continue
        lo, hi = frame.iloc[0], frame.iloc[-1]
        swing = abs(hi["mean"] - lo["mean"])
        text = f"{sp.key_words(key)}: {_at(metric, lo, fixed)}; {_at(metric, hi, fixed)}"
        rows.append((swing if swing == swing else -1.0, text))
    if not rows:
        return []
    if kind == "oat":
        base = sp.oat_base(per_point, list(info.get("keys", [])), metric)
        lead = (f"As configured: {value_words(metric, base['mean'] if base is not None else float('nan'))}. "
                "Each key at its low and at its high value, the widest swing first:")
    else:
        what = "its lowest and highest values" if fixed else \
            "its lowest and highest values (or the fifths of the points with the lowest and highest)"
        others = ", averaged over the other keys" if len(info.get("keys", [])) > 1 else ""
        lead = f"Each key at {what}{others}, the widest swing first:"
    return [(lead, [t for _, t in sorted(rows, key=lambda r: -r[0])])]


def findings(info: dict, per_point: pd.DataFrame, indices: pd.DataFrame | None, metric: str) -> list[Said]:
    """What the page says under a metric's heading: which keys matter most, with their CIs."""
    kind = sp.index_kind(indices)
    table = sp.index_table(indices, metric) if kind else pd.DataFrame()
    if kind == "saltelli" and len(table):
        return sobol_findings(table)
    if kind == "morris" and len(table):
        return morris_findings(metric, table)
    out = dependence_findings(info, per_point, metric)
    if info.get("kind") in sp.SENSITIVITY:
        out.insert(0, ("No sensitivity indices for this figure (some point has no value, and the indices need "
                       "every point).", []))
    return out


def outside_unit(indices: pd.DataFrame | None) -> list[str]:
    """Sobol' indices above 1, or below 0 beyond their CI (a true index lies in 0–1), each with its CI."""
    if sp.index_kind(indices) != "saltelli":
        return []
    out = []
    for r in indices.itertuples():
        for column, words in (("S1", "first-order"), ("ST", "total")):
            value, conf = getattr(r, column), getattr(r, f"{column}_conf")
            above = value >= 1.005  # shown as more than 1.00
            below = value + conf <= -0.005  # shown as negative, its whole CI too
            if not (above or below):
                continue
            how = ("above 1" + ("; even its whole CI lies above 1" if value - conf > 1 else "")
                   if above else "below 0, and so is its whole CI")
            out.append(f"{metric_name(r.metric)}, {sp.key_words(r.key)}: {words} index {index_number(value)} "
                       f"({interval(value - conf, value + conf, index_number)}) is {how}")
    return out


def cautions(info: dict, per_point: pd.DataFrame, indices: pd.DataFrame | None) -> list[Said]:
    """Plain-words cautions: few replications, points without a value, indices outside 0–1."""
    out: list[Said] = []
    r = int(info.get("replications", 0))
    if r < FEW:
        rough = ("no point has a confidence interval of its own" if r == 1 else
                 f"each point's 95 % CI rests on {r} values and is rough")
        out.append((f"Only {r} replication{'s' if r != 1 else ''} per point: {rough}. The surfaces, the partial "
                    f"dependence and the indices use the points' means and carry that noise too; run {FEW} or more "
                    "replications per point for intervals worth reading.", []))
    points = per_point["point"].nunique()
    for metric in info.get("metrics", []):
        missing = missing_points(per_point, metric)
        if missing:
            names = f": {', '.join(missing)}" if len(missing) <= 6 else ""
            also = (" A sensitivity design's indices need every point, so this figure has none."
                    if info.get("kind") in sp.SENSITIVITY else "")
            out.append((f"{metric_name(metric)}: {len(missing)} of {points} points "
                        f"{'has' if len(missing) == 1 else 'have'} no value (no replication "
                        f"measured it, e.g. no such event after the warm-up){names}. The figures leave them out of "
                        f"their averages (which then rest on fewer points) and say “no value” where nothing is left."
                        f"{also}", []))
    noise = outside_unit(indices)
    if noise:
        out.append(("Indices outside 0–1, which a true Sobol' index cannot be: sampling noise of the estimator, "
                    "larger than its bootstrap CI admits where the whole CI lies outside. Read an index above 1 as "
                    f"large, one below 0 as about 0; {MORE['saltelli']}:", noise))
    return out


def said(items: list[Said], tag: str = "li") -> str:
    """Sentences as HTML, each with its list of items below it."""
    e = _html.escape
    return "".join(f"<{tag}>{e(text)}" + (f"<ul>{''.join(f'<li>{e(i)}</li>' for i in sub)}</ul>" if sub else "")
                   + f"</{tag}>" for text, sub in items)


# --- the page ---------------------------------------------------------------------------------------------------

def _img(path: Path, alt: str) -> str:
    data = base64.b64encode(Path(path).read_bytes()).decode()
    return f'<img src="data:image/png;base64,{data}" alt="{_html.escape(alt)}">'


def keys_table(info: dict, per_point: pd.DataFrame) -> str:
    e = _html.escape
    rows = "".join(f"<tr><td>{e(sp.key_words(k))}</td><td><code>{e(k)}</code></td>"
                   f"<td>{e(values_tried(info, per_point, k))}</td></tr>" for k in info.get("keys", []))
    return ('<div class="scroll"><table class="left"><tr><th>key</th><th>config key</th><th>values tried</th></tr>'
            f"{rows}</table></div>")


def _cell(value: float, conf: float, show) -> str:
    """An index and, below it, its 95 % CI."""
    return f"{show(value)}<br><small>{interval(value - conf, value + conf, show)}</small>"


def indices_table(indices: pd.DataFrame, metric: str) -> str:
    """A metric's indices, largest first, each with its 95 % CI; NaN as "no value"."""
    e = _html.escape
    kind = sp.index_kind(indices)
    table = sp.index_table(indices, metric)
    if kind == "saltelli":
        head = "<th>key</th><th>total index ST</th><th>first-order S1</th><th>ST − S1 (with others)</th>"
        cells = [(r.key, _cell(r.ST, r.ST_conf, index_number), _cell(r.S1, r.S1_conf, index_number),
                  index_number(r.ST - r.S1)) for r in table.itertuples()]
    else:
        u = e(sp.unit(metric) or "the figure's unit")
        head = f"<th>key</th><th>μ* ({u})</th><th>σ ({u})</th><th>σ / μ*</th>"
        scaled = lambda v: _scaled(metric, v)  # noqa: E731
        cells = [(r.key, _cell(r.mu_star, r.mu_star_conf, scaled), scaled(r.sigma),
                  sp.number(r.sigma / r.mu_star) if r.mu_star else sp.NO_VALUE) for r in table.itertuples()]
    rows = "".join(f"<tr><td>{e(sp.key_words(key))}<br><small><code>{e(key)}</code></small></td>"
                   + "".join(f"<td>{c}</td>" for c in rest) + "</tr>" for key, *rest in cells)
    return f'<div class="scroll"><table><tr>{head}</tr>{rows}</table></div>'


def points_table(info: dict, per_point: pd.DataFrame) -> str:
    """Every point: its keys' values and each metric's mean with its 95 % CI ("no value" where there is none)."""
    e = _html.escape
    keys, metrics = list(info.get("keys", [])), list(info.get("metrics", []))
    head = "<th>point</th>" + "".join(f"<th>{e(sp.key_words(k, 24))}</th>" for k in keys) + "".join(
        f"<th>{e(metric_name(m))}</th>" for m in metrics)
    rows = []
    for point, group in per_point.groupby("point", sort=True):
        first = group.iloc[0]
        cells = [f"<td>{e(str(point))}</td>"]
        cells += [f"<td>{'as configured' if first[k] != first[k] else e(sp.tick(first[k]))}</td>" for k in keys]
        for m in metrics:
            r = group[group["metric"] == m]
            if r.empty or r.iloc[0]["mean"] != r.iloc[0]["mean"]:
                cells.append(f"<td>{sp.NO_VALUE}</td>")
                continue
            r = r.iloc[0]
            bottom, top = metric_bounds(m)
            low, high = max(float(r["ci_low"]), bottom), min(float(r["ci_high"]), top)
            ci = interval(*(v * sp.metric_words(m)[1] if v == v else v for v in (low, high)))
            cells.append(f"<td>{e(value_words(m, r['mean']))}<br><small>{e(ci)}</small></td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return f'<div class="scroll"><table><tr>{head}</tr>{"".join(rows)}</table></div>'


def how_to_read(info: dict, indices: pd.DataFrame | None) -> str:
    kind = info.get("kind", "")
    items = ["<li>A <b>point</b> is one combination of the keys' values; its <b>mean</b> is the average over its "
             "replications, with a 95 % confidence interval (CI) for what more replications would give.</li>"]
    if kind == "grid":
        items.append("<li>The <b>response surface</b> shows the mean at each pair of values of two keys (averaged "
                     "over any other key's values).</li>")
    elif kind in sp.SCATTERED:
        items.append("<li>The <b>response surface</b> averages the points inside coarse cells of two keys; the "
                     "dots are the points; the other keys vary among a cell's points, so a cell mixes their effects. "
                     "Nothing is drawn between points that is not an average of points.</li>")
    bounds = "Intervals stop at the range a figure can take (a wait at 0)."
    if kind == "oat":
        items.append("<li>The <b>partial dependence</b> shows each key at its low and at its high value, the other "
                     "keys as configured; the dashed line is the district as configured, the grey band its 95 % CI; "
                     f"the bars are 95 % CIs over the replications. {bounds}</li>")
    elif len(info.get("keys", [])) == 1:
        items.append("<li>The figure is drawn against the key's values; its bars are 95 % CIs over the "
                     f"replications. {bounds}</li>")
    else:
        bars = ("the 95 % CI of that average over the replications (the grey dots, the points averaged, show how "
                "much the other keys move it)" if kind in sp.FIXED else
                "the 95 % CI of the mean of the points in each bin (their spread includes the other keys' effects)")
        items.append("<li>The <b>partial dependence</b> shows the figure against one key, averaged over the other "
                     f"keys; its bars are {bars}. {bounds}</li>")
    if sp.index_kind(indices) == "saltelli":
        items.append("<li>The <b>total index</b> (ST) is the share of the figure's variance due to the key, alone "
                     "and acting with others; the <b>first-order index</b> (S1) its effect alone. ST well above S1: "
                     "the key acts together with others. A true index lies between 0 and 1.</li>")
    elif sp.index_kind(indices) == "morris":
        items.append("<li><b>μ*</b> is the average size of the change in the figure when the key moves one level; "
                     "<b>σ</b> how much that change varies: σ as large as μ* means the effect depends on the other "
                     "keys' values or is not linear.</li>")
    return f'<div class="note"><b>How to read this page.</b><ul>{"".join(items)}</ul></div>'


STYLE = """body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222;
        line-height: 1.45; overflow-wrap: break-word; }
img { max-width: 100%; height: auto; box-sizing: border-box; border: 1px solid #ddd; margin: 0.5em 0 1.5em; }
table { border-collapse: collapse; margin: 1em 0; }
.scroll { overflow-x: auto; }
td, th { border: 1px solid #ccc; padding: 4px 8px; text-align: right; vertical-align: top; }
th:first-child, td:first-child, table.left td, table.left th { text-align: left; }
code { background: #f4f4f4; padding: 1px 4px; }
.note { background: #f7f7f2; border-left: 4px solid #bb9; padding: 0.6em 1em; }
.caution { background: #fdf6e3; border-left: 4px solid #d90; padding: 0.6em 1em; }"""


def html(info: dict, per_point: pd.DataFrame, indices: pd.DataFrame | None, figures: dict[str, dict[str, Path]]
         ) -> str:
    """The page's text: what was asked and done, the cautions, per metric the findings, figures and indices."""
    e = _html.escape
    title = info.get("title") or info.get("name", "sweep")
    metrics = list(info.get("metrics", []))
    notes = cautions(info, per_point, indices)
    notes = f'<div class="caution"><b>Read with care.</b><ul>{said(notes)}</ul></div>' if notes else ""
    found = "".join(f"<h3>{e(metric_name(m))}</h3><ul>{said(findings(info, per_point, indices, m))}</ul>"
                    for m in metrics)
    plots = "".join(f"<h3>{e(metric_name(m))}</h3>"
                    + "".join(f"<h4>{e(caption)}</h4>{_img(path, f'{caption}: {metric_name(m)}')}"
                              for caption, path in figures.get(m, {}).items()) for m in metrics)
    if info.get("kind") == "oat" or len(info.get("surface") or []) < 2:
        plots = ("<p>No response surface: " + ("a one-at-a-time design never moves two keys together."
                                                if info.get("kind") == "oat" else "the design has a single key.")
                 + "</p>" + plots)
    kind = sp.index_kind(indices)
    index_part = ""
    if kind:
        tables = "".join(f"<h3>{e(metric_name(m))}</h3>" + (indices_table(indices, m) if len(sp.index_table(
            indices, m)) else "<p>No indices: some point has no value for this figure.</p>") for m in metrics)
        note = (" ST − S1 is the part of a key's effect that acts with other keys; below 0 it is sampling noise."
                if kind == "saltelli" else "")
        index_part = (f"<h2>Sensitivity indices</h2><p>Largest first, 95 % bootstrap CI below each.{note}</p>"
                      f"{tables}")
    points = per_point["point"].nunique()
    point_part = (f"<h2>Every point</h2>{points_table(info, per_point)}" if points <= POINTS_SHOWN else
                  f"<h2>Every point</h2><p>{points} points: see <code>points.csv</code> beside this page.</p>")
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)}</title>
<style>
{STYLE}
</style></head><body>
<h1>{e(title)}</h1>
<p><b>Question.</b> {e(info.get("question") or "not stated")}</p>
<p><b>How it was answered.</b> {e(method(info, per_point))}</p>
{keys_table(info, per_point)}
{notes}
{how_to_read(info, indices)}
<h2>Which keys matter</h2>
{found}
<p class="note">The numbers are only as good as the model's assumptions (see the README's calibration section):
they show how the model responds to the keys, they do not forecast a particular year.</p>
<h2>Figures</h2>
{plots}
{index_part}
{point_part}
<p><small>Full figures: <code>points.csv</code> (per point: mean and 95 % CI), <code>results.csv</code> (every
replication){", <code>indices.csv</code>" if kind else ""} beside this page; each figure also as SVG.</small></p>
</body></html>
"""


def write_page(info: dict, per_point: pd.DataFrame, indices: pd.DataFrame | None, out_dir: Path) -> Path:
    """Writes the figures (PNG+SVG) and out_dir/'sweep.html' atomically; returns the page's path."""
    out_dir = Path(out_dir)
    figures = sp.write_figures(info, per_point, indices, out_dir)
    text = html(info, per_point, indices, figures)
    path = out_dir / "sweep.html"
    atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    return path
