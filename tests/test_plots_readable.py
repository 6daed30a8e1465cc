"""The plots a manager reads (issue 13): stacks that add up to 100 %, names that do not collide, an axis label
on every axis, a colour per activity that colour-blind readers can tell apart, plain words instead of config
keys, text large enough at 800 px, and a tornado that shows its confidence intervals.

Built once from a tiny experiment (``tiny_experiment.py``) with two extra variants: one identical to the baseline
(its point in cost against service lies exactly on the baseline's, as "no cap" and "cap 85" did) and broad work
with one module administrator (handovers, hand-offs and clerical fall-back: time the old time-use plot left out).
Its replications run in two worker processes (the results are the same as in one: each depends on its seed only).
"""

from __future__ import annotations

import itertools

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_rgb
from matplotlib.patches import Rectangle
from tiny_experiment import BASELINE, VARIANT, tiny_spec

from sim.config.ramboll import CASEWORKER_ACTIVITIES, EXTRA_ACTIVITIES, IDLE, ROLE_ACTIVITIES
from sim.experiments.compare import run_experiment
from sim.experiments.sensitivity import Design
from sim.outputs import experiment_plots as ep
from sim.outputs import plots, study_plots

SAME = "same_as_baseline"
ADMINS = "broad_1_admin"


@pytest.fixture(scope="module")
def experiment(tmp_path_factory):
    spec = tiny_spec(
        title="hasselby_vallingby: a tiny_test of the plots",
        variants={**tiny_spec().variants, SAME: ["variant=[as_is]"],
                  ADMINS: ["variant=[broad,module_admins]", "variant.module_admins.fte=1"]})
    _, summary, details = run_experiment(spec, tmp_path_factory.mktemp("plots"), workers=2)
    return spec, [BASELINE, VARIANT, SAME, ADMINS], summary, details


@pytest.fixture(scope="module")
def figures(experiment):
    spec, order, summary, details = experiment
    figs = {
        "kpis": ep.kpi_panels_figure(spec, order, summary),
        "waits": ep.wait_distribution_figure(spec, order, details),
        "time_use": ep.time_use_figure(spec, order, summary),
        "over_time": ep.over_time_figure(spec, order, details),
        "cost_vs_service": ep.cost_vs_service_figure(spec, order, summary),
    }
    for fig in figs.values():
        fig.canvas.draw()  # lay out, so tick labels and extents are the ones a PNG shows
    yield figs
    for fig in figs.values():
        plt.close(fig)


def texts(fig) -> list:
    """Every piece of text the figure draws: titles, axis and tick labels, texts, legends, the suptitle."""
    out = [t for t in fig.texts]
    if fig._suptitle is not None:
        out.append(fig._suptitle)
    for legend in fig.legends:
        out += legend.get_texts()
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        out += [ax.title, ax._left_title, ax._right_title, *ax.texts]
        if ax.axison:
            out += [ax.xaxis.label, ax.yaxis.label, *shown_ticks(ax.xaxis), *shown_ticks(ax.yaxis)]
        if ax.get_legend():
            out += ax.get_legend().get_texts()
    unique = {id(t): t for t in out}  # the suptitle is among fig.texts too
    return [t for t in unique.values() if t.get_visible() and t.get_text().strip()]


def shown_ticks(axis) -> list:
    """The tick labels drawn: those of ticks inside the view (matplotlib keeps labels of ticks outside it)."""
    lo, hi = sorted(axis.get_view_interval())
    pad = 1e-9 * max(1.0, abs(hi - lo))
    return [label for label, loc in zip(axis.get_ticklabels(), axis.get_ticklocs()) if lo - pad <= loc <= hi + pad]


def rows_of_bars(ax) -> dict[float, float]:
    """Total width of the stacked bars per row (y centre) of a horizontal bar chart."""
    totals: dict[float, float] = {}
    for patch in ax.patches:
        if isinstance(patch, Rectangle):
            y = round(patch.get_y() + patch.get_height() / 2, 6)
            totals[y] = totals.get(y, 0.0) + patch.get_width()
    return totals


# --- time use -----------------------------------------------------------------------------------------------

def test_experiment_time_use_stacks_add_up_to_100_with_every_booked_activity(experiment, figures):
    spec, order, summary, _ = experiment
    frames = ep.time_use_frames(spec, order, summary)
    long_term = frames["long_term"]
    # the activities the old plot left out are in the data ...
    assert {"handover", "handoff", "clerical_fallback"} <= set(long_term.columns)
    assert (long_term.loc[ep.variant_name(spec, ADMINS), ["handoff", "clerical_fallback"]] > 0).all()
    for frame in frames.values():
        np.testing.assert_allclose(frame.sum(axis=1), 100.0, atol=1e-6)
    # ... and drawn: every stack in the figure reaches 100 %
    fig = figures["time_use"]
    panels = [ax for ax in fig.axes if ax.patches]
    assert len(panels) == len(frames)
    for ax in panels:
        totals = rows_of_bars(ax)
        assert len(totals) == len(order)
        assert all(t == pytest.approx(100.0, abs=1e-6) for t in totals.values()), totals
    drawn = {p.get_gid() for ax in panels for p in ax.patches}
    booked = {a for frame in frames.values() for a in frame.columns if (frame[a] > 0).any()}
    assert drawn == booked and {"handover", "handoff", "clerical_fallback"} <= drawn


def test_single_run_time_use_adds_up_to_100_with_one_colour_per_legend_entry(experiment):
    spec, _, summary, _ = experiment
    base = summary[(summary["variant"] == ADMINS) & summary["metric"].str.startswith("time_share.")]
    shares: dict[str, dict[str, float]] = {}
    for metric, mean in zip(base["metric"], base["mean"]):
        _, role, activity = metric.split(".")
        shares.setdefault(role, {})[activity] = mean
    shares["long_term"]["an_activity_nobody_named_yet"] = 0.0  # unknown ones are drawn too, never dropped
    fig = plots.time_use_figure(shares, "hasselby_vallingby")
    try:
        ax = fig.axes[0]
        totals = rows_of_bars(ax)
        assert len(totals) == len(shares)
        assert all(t == pytest.approx(100.0, abs=1e-6) for t in totals.values()), totals
        handles, labels = fig.legends[0].legend_handles, [t.get_text() for t in fig.legends[0].get_texts()]
        assert len(labels) == len(set(labels))
        colors = [h.get_facecolor()[:3] for h in handles]
        assert len({tuple(np.round(c, 4)) for c in colors}) == len(colors), "two legend entries share a colour"
        assert "_" not in ax.get_title() and "Hässelby-Vällingby" in ax.get_title()
    finally:
        plt.close(fig)


def test_payment_time_is_labelled_right_for_every_role_that_books_it():
    """Reception pays first months, long-term caseworkers approve payments (caseworker_owns): one label for both."""
    label = plots.activity_label("invoice_fees")
    assert "reception" not in label and "payment" in label


# CIE L*a*b* distance, in normal vision and in Machado et al.'s (2009) simulations of full dichromacy.
DICHROMACY = {
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]],
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
    "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]],
}


def lab(color, matrix=None) -> np.ndarray:
    rgb = np.array(to_rgb(color))
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    if matrix is not None:
        linear = np.clip(np.array(matrix) @ linear, 0, 1)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ linear
    f = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(f > 0.008856, np.cbrt(f), 7.787 * f + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def test_every_activity_has_its_own_colour_that_colour_blind_readers_can_tell_apart():
    bookable = set(CASEWORKER_ACTIVITIES) | set(EXTRA_ACTIVITIES) | {IDLE}
    bookable |= {a for acts in ROLE_ACTIVITIES.values() for a in acts}
    colors = plots.ACTIVITY_COLORS
    assert bookable <= set(colors), f"no colour of its own: {sorted(bookable - set(colors))}"
    assert bookable <= set(plots.ACTIVITY_LABELS)
    assert len({c.lower() for c in colors.values()}) == len(colors), "two activities share a colour"
    for vision, matrix, least in [("normal", None, 9.0)] + [(k, m, 4.0) for k, m in DICHROMACY.items()]:
        points = {a: lab(c, matrix) for a, c in colors.items()}
        worst = min((float(np.linalg.norm(points[a] - points[b])), a, b)
                    for a, b in itertools.combinations(points, 2))
        assert worst[0] >= least, f"{vision}: {worst[1]} and {worst[2]} look alike (ΔE {worst[0]:.1f})"


# --- cost against service -----------------------------------------------------------------------------------

def test_cost_vs_service_has_no_two_texts_on_top_of_each_other(figures):
    fig = figures["cost_vs_service"]
    renderer = fig.canvas.get_renderer()
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in texts(fig)]
    names = " ".join(text for text, _ in boxes)
    assert all(plots.plain(v) in names for v in (BASELINE, VARIANT, SAME, ADMINS))  # every variant is named
    clashes = [(a, b) for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2) if box_a.overlaps(box_b)]
    assert clashes == []
    assert fig._suptitle is not None and fig._suptitle.get_text().strip()


def test_cost_vs_service_draws_the_baseline_on_top_and_coinciding_points_visibly(experiment, figures):
    spec, order, summary, _ = experiment
    points = ep.cost_service_points(spec, order, summary)
    same = [c for c in points.columns if c.endswith(".mean")]
    np.testing.assert_allclose(points.loc[SAME, same], points.loc[BASELINE, same])  # the case that collided
    for ax in figures["cost_vs_service"].axes:
        markers = [line for line in ax.get_lines() if str(line.get_gid()).startswith("point:")]
        assert len(markers) == len(order)
        ring = max(markers, key=lambda line: line.get_zorder())
        assert ring.get_gid() == f"point:{BASELINE}"
        assert ring.get_markerfacecolor() == "none" and ring.get_markeredgecolor() == "black"  # open: shows under
        assert all(ring.get_markersize() > m.get_markersize() for m in markers if m is not ring)
        others = [m for m in markers if m is not ring]
        assert len({m.get_marker() for m in others}) == len(others)  # a shape per variant, not only a colour


# --- every experiment plot --------------------------------------------------------------------------------

def test_every_axis_of_every_experiment_plot_has_a_ylabel(figures):
    for name, fig in figures.items():
        for ax in fig.axes:
            if ax.get_visible() and ax.axison:
                assert ax.get_ylabel().strip(), f"{name}: an axis without a label ({ax.get_title()!r})"


def test_over_time_says_the_unit_of_every_axis(figures):
    fig = figures["over_time"]
    assert all("households" in ax.get_ylabel() for ax in fig.axes)
    assert fig.axes[-1].get_xlabel().startswith("simulated week")


def test_no_text_of_any_plot_is_a_config_key(figures):
    for name, fig in figures.items():
        words = [t.get_text() for t in texts(fig)]
        keys = [w for w in words if "_" in w or "hasselby" in w]
        assert keys == [], f"{name}: {keys}"
        title = fig._suptitle.get_text() if fig._suptitle else fig.axes[0].get_title()
        assert "Hässelby-Vällingby" in title, f"{name}: {title!r}"  # the district's name, not its key


def test_headline_figure_is_legible_at_800_px(experiment, tmp_path):
    """Two columns of panels, and no text smaller than 12 px when the PNG is shown 800 px wide."""
    spec, order, summary, _ = experiment
    fig = ep.kpi_panels_figure(spec, order, summary)
    fig.canvas.draw()
    panels = [ax for ax in fig.axes if ax.axison]
    assert len({round(ax.get_position().x0, 3) for ax in panels}) == 2
    smallest = min(t.get_fontsize() for t in texts(fig))
    path = ep.save(fig, tmp_path / "kpis.png")
    width = plt.imread(path).shape[1]
    assert smallest * 120 / 72 * 800 / width >= 12, f"{smallest} pt in a {width} px wide image"


# --- the tornado --------------------------------------------------------------------------------------------

@pytest.fixture
def tornado_table():
    """A sensitivity table as sim.experiments.sensitivity.effects writes it: two inputs, two metrics."""
    rows = []
    effects = {("org.reception.booking_notice_weeks", "first_visit_wait_weeks"): (-0.9, 0.6),
               ("process.appeal_per_household_month", "first_visit_wait_weeks"): (-0.05, 0.02),
               ("org.reception.booking_notice_weeks", "followups_on_time_share"): (0.001, 0.002),
               ("process.appeal_per_household_month", "followups_on_time_share"): (0.004, -0.01)}
    for (key, metric), (low, high) in effects.items():
        for level, effect in (("low", low), ("high", high)):
            rows.append({"input": key, "level": level, "value": 1.0, "metric": metric, "mean": 2.0 + effect,
                         "base": 2.0, "effect": effect, "effect_ci_low": effect - 0.1 * abs(effect) - 0.01,
                         "effect_ci_high": effect + 0.2 * abs(effect) + 0.01})
    design = Design(org="hasselby_vallingby", replications=3,
                    metrics=["first_visit_wait_weeks", "followups_on_time_share"],
                    inputs={"org.reception.booking_notice_weeks": [1.5, 3.0],
                            "process.appeal_per_household_month": [0.01, 0.04]})
    return pd.DataFrame(rows), design


def test_tornado_draws_the_95_ci_of_every_bar(tornado_table):
    table, design = tornado_table
    fig = study_plots.tornado_figure(table, design)
    try:
        for ax, metric in zip(fig.axes, design.metrics):
            scale = study_plots.label(metric)[1]
            want = table[table["metric"] == metric]
            bars = sorted(p.get_width() for p in ax.patches if isinstance(p, Rectangle) and p.get_height() < 1)
            assert bars == pytest.approx(sorted(want["effect"] * scale))
            spans = sorted((min(s[:, 0]), max(s[:, 0])) for coll in ax.collections for s in coll.get_segments()
                           if len(s) == 2 and s[0, 1] == s[1, 1])  # horizontal segments: the CIs
            cis = sorted(zip(want["effect_ci_low"] * scale, want["effect_ci_high"] * scale))
            assert np.allclose(spans, cis), (spans, cis)
    finally:
        plt.close(fig)


def test_tornado_speaks_in_words_with_the_biggest_swing_on_top(tornado_table):
    table, design = tornado_table
    fig = study_plots.tornado_figure(table, design)
    try:
        fig.canvas.draw()
        labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
        assert labels[-1].startswith("reception: booking notice (weeks)")  # top row: the wait's driver
        assert all("_" not in t.get_text() and "org." not in t.get_text() for t in texts(fig))
        assert "Hässelby-Vällingby" in fig._suptitle.get_text()
    finally:
        plt.close(fig)


@pytest.mark.parametrize("key, words", [
    ("org.reception.booking_notice_weeks", "reception: booking notice (weeks)"),
    ("org.reception.scan_hours", "reception: scan (hours)"),
    ("variant.caseload_cap", "variant: caseload cap"),
    ("org.payment.mislaid_share", "payment: mislaid (share)"),
    ("seed", "seed"),
])
def test_an_input_key_reads_as_words(key, words):
    assert study_plots.input_label(key) == words


def test_plain_names_districts_and_drops_underscores():
    assert plots.plain("hasselby_vallingby vs farsta: broad_1_admin") == "Hässelby-Vällingby vs Farsta: broad 1 admin"
