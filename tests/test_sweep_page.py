"""A sweep's figures and page (sim/outputs/sweep_plots.py, sweep_page.py): the numbers each figure shows are the
averages they claim (checked on designs with known answers), the figures draw those numbers, and the page says in
words what the sample can and cannot tell.

Built from hand-made points.csv and indices.csv frames, so nothing runs the model."""

from __future__ import annotations

import base64
import itertools
import math
import re

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import QuadMesh
from matplotlib.patches import Rectangle
from scipy import stats

from sim.outputs import sweep_page as page
from sim.outputs import sweep_plots as sp

A, B, C = "org.reception.booking_notice_weeks", "org.reception.caseworkers", "org.payment.cash_office"
WAIT, STOCK, ON_TIME = "first_visit_wait_weeks", "households_in_stock", "followups_on_time_share"
KEYS = ["org.households.need_months.mean", A, "org.households.return_share"]


def info(kind: str, keys: list[str], metrics: list[str], replications: int = 5, surface=None) -> dict:
    return {"name": "test_sweep", "title": "hasselby_vallingby: a test sweep", "question": "What moves the wait?",
            "org": "hasselby_vallingby", "kind": kind, "keys": keys,
            "surface": keys[:2] if surface is None else surface, "replications": replications,
            "horizon_weeks": 78.0, "warmup_weeks": 26.0, "metrics": metrics}


def frame(points: list[dict], keys: list[str], means: dict[str, list[float]], half: float = 0.5,
          replications: int = 5) -> pd.DataFrame:
    """points.csv as sim.experiments.sweep writes it: one row per point and metric, CI mean ± ``half``."""
    rows = []
    for i, p in enumerate(points):
        for metric, values in means.items():
            m = values[i]
            rows.append({"point": f"p{i:04d}", **{k: p.get(k, math.nan) for k in keys}, "metric": metric, "mean": m,
                         "ci_low": m - half, "ci_high": m + half, "replications": replications})
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def grid():
    """A 3 x 2 x 2 grid whose wait is 2a + b + c exactly (b: caseworkers, c: cash office), a stock of a * b."""
    keys = [A, B, C]
    points = [dict(zip(keys, v)) for v in itertools.product([1.5, 2.0, 3.0], [8.0, 9.0], [0.0, 6.0])]
    means = {WAIT: [2 * p[A] + p[B] + p[C] for p in points], STOCK: [p[A] * p[B] for p in points]}
    return info("grid", keys, [WAIT, STOCK]), frame(points, keys, means)


@pytest.fixture(scope="module")
def scattered():
    """200 Latin-hypercube-like points over three keys; the wait is 3x + 2z exactly (x, z in [0, 1])."""
    rng = np.random.default_rng(7)
    x = rng.uniform(0, 1, (200, 3))
    points = [dict(zip(KEYS, row)) for row in x]
    means = {WAIT: list(3 * x[:, 0] + 2 * x[:, 2])}
    return info("lhs", KEYS, [WAIT]), frame(points, KEYS, means, half=0.1), x


def sobol_indices(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame([dict(zip(["metric", "key", "S1", "S1_conf", "ST", "ST_conf"], r)) for r in rows])


def text_artists(fig) -> list:
    """Every piece of text a figure draws (titles, labels, ticks, cells, legends)."""
    fig.canvas.draw()
    out = list(fig.texts) + [t for legend in fig.legends for t in legend.get_texts()]
    for ax in fig.axes:
        out += [ax.title, ax.xaxis.label, ax.yaxis.label, *ax.texts, *ax.get_xticklabels(), *ax.get_yticklabels()]
    return [t for t in out if t.get_visible() and t.get_text().strip()]


def texts(fig) -> list[str]:
    return [t.get_text() for t in text_artists(fig)]


def words(html: str) -> str:
    """The page's visible text: tags and embedded images dropped, entities read."""
    import html as _html

    return _html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", re.sub(r'src="[^"]*"', "", html))))


# --- partial dependence and the surface: the numbers -------------------------------------------------------------

def test_a_grids_partial_dependence_is_the_exact_mean_over_the_other_keys(grid):
    _, per_point = grid
    pd_a = sp.partial_dependence(per_point, A, WAIT, "grid")
    assert pd_a["value"].tolist() == [1.5, 2.0, 3.0]
    # 2a + mean(b) + mean(c) = 2a + 8.5 + 3, each the mean of 4 points
    assert pd_a["mean"].tolist() == pytest.approx([2 * a + 11.5 for a in (1.5, 2.0, 3.0)], abs=1e-12)
    assert pd_a["points"].tolist() == [4, 4, 4]
    # chosen points: the CI is the replications' (the points' mean half-width), not the other keys' spread
    assert (pd_a["ci_high"] - pd_a["mean"]).tolist() == pytest.approx([0.5] * 3)
    assert set(pd_a["ci_from"]) == {"replications"}
    pd_b = sp.partial_dependence(per_point, B, WAIT, "grid")
    assert pd_b.set_index("value")["mean"].to_dict() == pytest.approx({8.0: 2 * 13 / 6 + 8 + 3,
                                                                        9.0: 2 * 13 / 6 + 9 + 3})


def test_a_grids_surface_is_each_pair_of_values_averaged_over_the_third_key(grid):
    _, per_point = grid
    table = sp.surface_grid(per_point, A, B, WAIT)
    assert table.index.tolist() == [8.0, 9.0] and table.columns.tolist() == [1.5, 2.0, 3.0]
    for b, a in itertools.product(table.index, table.columns):
        assert table.loc[b, a] == pytest.approx(2 * a + b + 3.0)  # c's values 0 and 6 averaged


def test_a_scattered_designs_binned_mean_holds_the_line_within_its_interval(scattered):
    _, per_point, x = scattered
    bins = sp.partial_dependence(per_point, KEYS[0], WAIT, "lhs")
    assert len(bins) == sp.PD_BINS and bins["points"].tolist() == [40] * 5  # quantile bins: equal counts
    assert (bins["ci_from"] == "points").all()
    edges = np.quantile(x[:, 0], np.linspace(0, 1, 6))
    for i, row in bins.iterrows():
        inside = (x[:, 0] >= edges[i]) & (x[:, 0] <= edges[i + 1]) if i == 0 else \
            (x[:, 0] > edges[i]) & (x[:, 0] <= edges[i + 1])
        values = 3 * x[inside, 0] + 2 * x[inside, 2]
        assert row["value"] == pytest.approx(x[inside, 0].mean())
        assert row["mean"] == pytest.approx(values.mean())
        half = stats.t.ppf(0.975, len(values) - 1) * values.std(ddof=1) / math.sqrt(len(values))
        assert row["ci_high"] - row["mean"] == pytest.approx(half)
        # the partial dependence's truth, 3 x + 2 E[z] = 3 x + 1, lies within twice the bin's half-width
        assert abs(row["mean"] - (3 * row["value"] + 1)) < 2 * half
    # a key that does not enter the wait: flat within the noise, every bin near 1.5 + 1
    flat = sp.partial_dependence(per_point, KEYS[1], WAIT, "lhs")
    assert ((flat["mean"] - 2.5).abs() < 2 * (flat["ci_high"] - flat["mean"])).all()


def test_a_scattered_surface_averages_the_points_inside_each_cell_and_says_where_there_are_none(scattered):
    _, per_point, x = scattered
    cells = sp.surface_bins(per_point, KEYS[0], KEYS[1], WAIT, bins=4)
    assert len(cells) == 16 and cells["points"].sum() == 200
    for cell in cells.itertuples():
        inside = ((x[:, 0] >= cell.x_low) & ((x[:, 0] < cell.x_high) | (cell.x_high == cells["x_high"].max()))
                  & (x[:, 1] >= cell.y_low) & ((x[:, 1] < cell.y_high) | (cell.y_high == cells["y_high"].max())))
        assert cell.points == inside.sum()
        assert cell.mean == pytest.approx((3 * x[inside, 0] + 2 * x[inside, 2]).mean())
    # no point in the upper right quarter: its cells have no value, not an interpolated one
    empty = per_point[~((per_point[KEYS[0]] > 0.5) & (per_point[KEYS[1]] > 0.5))]
    holes = sp.surface_bins(empty, KEYS[0], KEYS[1], WAIT, bins=4)
    top_right = holes[(holes["x_low"] >= 0.5) & (holes["y_low"] >= 0.5)]
    assert len(top_right) >= 2 and top_right["mean"].isna().all() and (top_right["points"] == 0).all()
    assert (holes["points"] == 0).equals(holes["mean"].isna())  # a value exactly where there are points


# --- the figures draw those numbers ------------------------------------------------------------------------------

def test_the_grid_heatmap_draws_and_writes_each_cells_mean(grid):
    sweep, per_point = grid
    fig = sp.surface_figure(sweep, per_point, WAIT)
    try:
        ax = fig.axes[0]
        mesh = next(c for c in ax.collections if isinstance(c, QuadMesh))
        table = sp.surface_grid(per_point, A, B, WAIT)
        assert np.asarray(mesh.get_array()).reshape(table.shape) == pytest.approx(table.to_numpy())
        cells = sorted(t.get_text() for t in ax.texts if t.get_gid() == "cell")
        assert cells == sorted(sp.number(v) for v in table.to_numpy().ravel())
        assert fig.axes[1].get_ylabel() == "first-visit wait (weeks)"  # the colour bar: metric and unit
        assert ax.get_xlabel() == "reception: booking notice (weeks)"
    finally:
        plt.close(fig)


def test_the_partial_dependence_figure_draws_each_keys_means_and_intervals(scattered):
    sweep, per_point, _ = scattered
    fig = sp.partial_dependence_figure(sweep, per_point, WAIT)
    try:
        panels = [ax for ax in fig.axes if ax.axison]
        assert len(panels) == 3
        assert len({ax.get_ylim() for ax in panels}) == 1  # shared y: the panels compare
        for ax, key in zip(panels, KEYS):
            want = sp.partial_dependence(per_point, key, WAIT, "lhs")
            line = next(li for li in ax.lines if li.get_gid() == f"pd:{key}")
            assert line.get_xdata() == pytest.approx(want["value"].to_numpy())
            assert line.get_ydata() == pytest.approx(want["mean"].to_numpy())
            bars = sorted((s[0, 1], s[1, 1]) for c in ax.collections if hasattr(c, "get_segments")
                          for s in c.get_segments() if len(s) == 2 and s[0, 0] == s[1, 0])
            assert np.allclose(bars, sorted(zip(want["ci_low"], want["ci_high"])))
    finally:
        plt.close(fig)


def test_a_share_is_drawn_in_percent_and_every_label_is_in_words(grid):
    sweep, per_point = grid
    shares = per_point.assign(metric=per_point["metric"].replace({STOCK: ON_TIME}),
                              mean=np.where(per_point["metric"] == STOCK, 0.9, per_point["mean"]))
    fig = sp.partial_dependence_figure({**sweep, "metrics": [ON_TIME]}, shares, ON_TIME)
    try:
        line = next(li for li in fig.axes[0].lines if li.get_gid() == f"pd:{A}")
        assert line.get_ydata() == pytest.approx([90.0] * 3)
        drawn = texts(fig)
        assert [t for t in drawn if "_" in t or "org." in t] == []
        assert any("Hässelby-Vällingby" in t for t in drawn)
    finally:
        plt.close(fig)


def test_the_sobol_chart_draws_st_and_s1_with_their_intervals_largest_on_top():
    indices = sobol_indices([(WAIT, A, 0.50, 0.04, 0.60, 0.05), (WAIT, B, 0.02, 0.20, 0.05, 0.20),
                             (WAIT, C, 0.10, 0.02, 0.30, 0.03)])
    fig = sp.indices_figure(info("saltelli", [A, B, C], [WAIT]), indices, WAIT)
    try:
        ax = fig.axes[0]
        labels = [t.get_text() for t in ax.get_yticklabels()]
        order = sorted(zip(ax.get_yticks(), labels), reverse=True)  # top first
        assert [lab for _, lab in order] == [sp.key_words(k, 36) for k in (A, C, B)]
        for index in ("ST", "S1"):
            widths = sorted(p.get_width() for p in ax.patches if isinstance(p, Rectangle) and p.get_gid() == index)
            assert widths == pytest.approx(sorted(indices[index]))
        spans = sorted((min(s[:, 0]), max(s[:, 0])) for c in ax.collections if hasattr(c, "get_segments")
                       for s in c.get_segments() if len(s) == 2 and s[0, 1] == s[1, 1])
        want = sorted((v - h, v + h) for col in ("ST", "S1") for v, h in zip(indices[col], indices[f"{col}_conf"]))
        assert np.allclose(spans, want)
    finally:
        plt.close(fig)


def test_the_morris_chart_draws_mu_star_and_sigma_in_the_metrics_unit():
    indices = pd.DataFrame([{"metric": ON_TIME, "key": A, "mu_star": 0.05, "mu_star_conf": 0.01, "sigma": 0.02},
                            {"metric": ON_TIME, "key": B, "mu_star": 0.01, "mu_star_conf": 0.02, "sigma": 0.03}])
    fig = sp.indices_figure(info("morris", [A, B], [ON_TIME]), indices, ON_TIME)
    try:
        ax = fig.axes[0]
        bars = sorted(p.get_width() for p in ax.patches if isinstance(p, Rectangle) and p.get_gid() == "mu_star")
        assert bars == pytest.approx([1.0, 5.0])  # shares in percentage points
        sigma = next(li for li in ax.lines if li.get_gid() == "sigma")
        assert sorted(sigma.get_xdata()) == pytest.approx([2.0, 3.0])
        assert "percentage points" in ax.get_xlabel()
    finally:
        plt.close(fig)


def test_every_figure_is_legible_at_800_px(grid, scattered, tmp_path):
    """No figure wider than the report's 1100 px column, no text under 12 px when shown 800 px wide."""
    sweep, per_point = grid
    lhs, points, _ = scattered
    indices = sobol_indices([(WAIT, k, 0.3, 0.1, 0.4, 0.1) for k in KEYS])
    figures = {"surface": sp.surface_figure(sweep, per_point, WAIT),
               "partial": sp.partial_dependence_figure(sweep, per_point, WAIT),
               "scattered": sp.surface_figure(lhs, points, WAIT),
               "bins": sp.partial_dependence_figure(lhs, points, WAIT),
               "indices": sp.indices_figure(info("saltelli", KEYS, [WAIT]), indices, WAIT)}
    for name, fig in figures.items():
        drawn = text_artists(fig)
        smallest = min(t.get_fontsize() for t in drawn)
        assert [t.get_text() for t in drawn if "_" in t.get_text()] == [], name
        width = plt.imread(sp.save(fig, tmp_path / f"{name}.png")).shape[1]
        assert width <= 1100, f"{name}: {width} px"
        assert smallest * 120 / 72 * 800 / width >= 12, f"{name}: {smallest} pt in a {width} px wide image"


# --- the page's words --------------------------------------------------------------------------------------------

def test_a_wide_interval_says_cannot_tell_and_a_tight_one_does_not(grid):
    _, per_point = grid
    sweep = info("saltelli", [A, B, C], [WAIT])
    indices = sobol_indices([(WAIT, A, 0.50, 0.04, 0.60, 0.05), (WAIT, B, 0.02, 0.20, 0.05, 0.20),
                             (WAIT, C, 0.0005, 0.0004, 0.001, 0.001)])
    said = page.findings(sweep, per_point, indices, WAIT)
    heads = [text for text, _ in said]
    most = next(items for text, items in said if text.startswith("Matter most"))
    assert most == ["reception: booking notice (weeks): total index 0.60 (95 % CI 0.55–0.65), "
                    "first-order 0.50 (95 % CI 0.46–0.54)"]
    unclear = next(items for text, items in said if text.startswith("Cannot tell from this sample"))
    assert unclear == ["reception: caseworkers (FTE): total index 0.05 (95 % CI −0.15 to 0.25)"]
    assert "run more base samples" in next(t for t in heads if t.startswith("Cannot tell"))
    assert any(t.startswith("Hardly matter") and "cash office staff (FTE)" in t for t in heads)
    tight = sobol_indices([(WAIT, A, 0.50, 0.04, 0.60, 0.05), (WAIT, C, 0.10, 0.02, 0.30, 0.03)])
    text = page.html(sweep, per_point, tight, {})
    assert "cannot tell" not in text.lower()
    assert "cannot tell from this sample" in page.html(sweep, per_point, indices, {}).lower()


def test_indices_outside_0_to_1_are_called_sampling_noise_with_their_interval(grid):
    _, per_point = grid
    sweep = info("saltelli", [A, B, C], [WAIT])
    indices = sobol_indices([(WAIT, A, 1.19, 0.34, 0.94, 0.24), (WAIT, B, -0.10, 0.05, 0.05, 0.02),
                             (WAIT, C, -0.02, 0.05, 0.30, 0.03)])
    noise = page.outside_unit(indices)
    assert len(noise) == 2  # C's −0.02 reaches 0 within its CI: nothing to say beyond "cannot tell"
    assert "first-order index 1.19 (95 % CI 0.85–1.53) is above 1" in noise[0]
    assert "first-order index −0.10 (95 % CI −0.15 to −0.05) is below 0, and so is its whole CI" in noise[1]
    said = words(page.html(sweep, per_point, indices, {}))
    assert "sampling noise" in said and "reception: caseworkers (FTE)" in said
    assert page.outside_unit(sobol_indices([(WAIT, A, 0.5, 0.1, 0.6, 0.1)])) == []


def test_few_replications_make_the_per_point_intervals_rough(grid):
    sweep, per_point = grid
    rough = [t for t, _ in page.cautions({**sweep, "replications": 2}, per_point, None)]
    assert len(rough) == 1 and rough[0].startswith("Only 2 replications per point") and "rough" in rough[0]
    assert page.cautions({**sweep, "replications": 3}, per_point, None) == []


def test_a_point_without_a_value_is_said_in_words_never_as_a_number(grid, tmp_path):
    sweep, per_point = grid
    gap = per_point.copy()
    hole = (gap["point"] == "p0000") & (gap["metric"] == WAIT)
    gap.loc[hole, ["mean", "ci_low", "ci_high"]] = math.nan
    cells = sp.partial_dependence(gap, A, WAIT, "grid")
    left = [2 * 1.5 + b + c for b, c in ((8.0, 6.0), (9.0, 0.0), (9.0, 6.0))]  # p0000 (8, 0) has no value
    assert cells["missing"].tolist() == [1, 0, 0] and cells["mean"].iloc[0] == pytest.approx(np.mean(left))
    lone = gap[gap[C] == 0.0]  # a 3 x 2 grid: the cell of p0000 has no other point
    fig = sp.surface_figure({**sweep, "keys": [A, B]}, lone, WAIT)
    try:
        assert [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "empty"] == ["no value"]
    finally:
        plt.close(fig)
    html = page.write_page({**sweep, "keys": [A, B]}, lone, None, tmp_path).read_text(encoding="utf-8")
    text = words(html)
    assert "1 of 6 points has no value" in text and "p0000" in text
    assert "no value" in re.search(r"Every point(.*)", text).group(1)  # the points table says it
    assert not re.search(r"\bnan\b", text, re.IGNORECASE)


def test_the_page_names_every_key_and_metric_and_embeds_every_figure(grid, tmp_path):
    sweep, per_point = grid
    path = page.write_page(sweep, per_point, None, tmp_path)
    html = path.read_text(encoding="utf-8")
    text = words(html)
    for key in sweep["keys"]:
        assert key in text and sp.key_words(key) in text
    for metric in sweep["metrics"]:
        assert sp.metric_words(metric)[0] in text
    assert "Hässelby-Vällingby" in text and "12 points" in text and "5 times on common random numbers" in text
    assert "1 year after a warm-up of 26 weeks" in text
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', html)
    assert len(images) == 4  # per metric: the surface and the partial dependence
    assert all(base64.b64decode(i)[:8] == b"\x89PNG\r\n\x1a\n" for i in images)
    assert sorted(p.name for p in tmp_path.glob("*.svg")) == sorted(
        f"{what}_{m}.svg" for what in ("surface", "partial") for m in sweep["metrics"])
    # which keys matter, in a grid: the widest swing first (c: 6 weeks, a: 2 x 1.5, b: 1), each with its values
    lead, items = page.findings(sweep, per_point, None, WAIT)[0]
    assert lead.startswith("Each key at its lowest and highest values, averaged over the other keys")
    assert items == ["cash office staff (FTE): 12.8 weeks at 0 (95 % CI 12.3–13.3); 18.8 weeks at 6 (95 % CI "
                     "18.3–19.3)",
                     "reception: booking notice (weeks): 14.5 weeks at 1.5 (95 % CI 14.0–15.0); 17.5 weeks at 3 "
                     "(95 % CI 17.0–18.0)",
                     "reception: caseworkers (FTE): 15.3 weeks at 8 (95 % CI 14.8–15.8); 16.3 weeks at 9 (95 % CI "
                     "15.8–16.8)"]


def test_a_one_at_a_time_design_draws_no_surface_and_marks_its_base(tmp_path):
    keys = [A, B]
    points = [{}, {A: 1.5}, {A: 3.0}, {B: 8.0}, {B: 10.0}]
    means = {WAIT: [2.0, 1.5, 3.0, 2.5, 1.8]}
    per_point = frame(points, keys, means, half=0.2)
    sweep = info("oat", keys, [WAIT], surface=keys)
    assert sp.surface_figure(sweep, per_point, WAIT) is None
    assert sp.partial_dependence(per_point, A, WAIT, "oat")["mean"].tolist() == [1.5, 3.0]  # the base left out
    fig = sp.partial_dependence_figure(sweep, per_point, WAIT)
    try:
        base = [li for li in fig.axes[0].lines if li.get_label().startswith("the district as configured")]
        assert len(base) == 1 and list(base[0].get_ydata()) == [2.0, 2.0]
    finally:
        plt.close(fig)
    text = words(page.write_page(sweep, per_point, None, tmp_path).read_text(encoding="utf-8"))
    assert "No response surface: a one-at-a-time design never moves two keys together." in text
    assert "As configured: 2.00 weeks." in text
