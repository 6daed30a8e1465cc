"""Does the first-visit queue settle? The trend test (sim.analysis.stability), and a collapsing reception
flagged in summary.csv and the report instead of being called better."""

from __future__ import annotations

import math

import numpy as np
import pytest
from tiny_experiment import tiny_spec

from sim.analysis.kpis import BY_KEY, sentence
from sim.analysis.stability import WEEKS_PER_MONTH, queue_trend, settles
from sim.experiments.compare import run_experiment
from sim.outputs import report

WEEKS = np.arange(1, 261, dtype=float)
WARMUP = 156.0


def test_a_growing_queue_is_detected_with_its_slope():
    rng = np.random.default_rng(3)
    per_week = 0.5
    queue = 10 + per_week * np.maximum(WEEKS - WARMUP, 0) + rng.normal(0, 3, len(WEEKS))
    growth, p = queue_trend(WEEKS, queue, WARMUP)
    assert p < 0.01
    # Theil-Sen on 8 batch means of 13 weeks: the noise of a batch mean is 3/sqrt(13) ~ 0.83 households,
    # the slope's standard error over batches 13 weeks apart is at most 0.83/13 per week; allow four of them
    assert abs(growth - per_week * WEEKS_PER_MONTH) <= 4 * 0.83 / 13 * WEEKS_PER_MONTH


def test_a_stationary_queue_is_rarely_called_a_trend():
    """Independent weekly noise: the test's false alarms at the 5 % level stay near 5 % (binomial SE)."""
    rng = np.random.default_rng(11)
    n = 400
    alarms = sum(queue_trend(WEEKS, rng.poisson(20, len(WEEKS)).astype(float), WARMUP)[1] < 0.05 for _ in range(n))
    se = math.sqrt(0.05 * 0.95 / n)
    # Kendall's tau on 8 points is a discrete test: its true size is a little below 5 %
    assert alarms / n <= 0.05 + 4 * se


def test_too_short_a_window_gives_no_verdict():
    growth, p = queue_trend(np.arange(1, 12, dtype=float), np.arange(11, dtype=float), 5.0)  # 6 weeks: 3 batches
    assert math.isnan(growth) and math.isnan(p)
    assert settles(math.nan, math.nan, math.nan) == "unknown"
    assert settles(0.4, 0.1, 0.7) == "no" and settles(0.4, -0.1, 0.9) == "yes"


def test_a_drift_of_less_than_a_household_a_year_is_not_called_growth():
    """Told from zero, but too small to matter: 0.02 households a month (Farsta, ten replications)."""
    assert settles(0.0226, 0.0008, 0.0444) == "yes"
    assert settles(0.2, 0.1, 0.3) == "no"  # more than a household a year, surely: grows


def test_a_difference_that_could_not_be_measured_is_said():
    text = sentence(BY_KEY["first_visit_wait_weeks"], "cut", "as is", math.nan, math.nan, math.nan)
    assert "could not be measured" in text


@pytest.fixture(scope="module")
def collapse(tmp_path_factory):
    """A reception cut to 0.3 FTE of first visits against one with plenty (HV, 3 paired replications)."""
    out = tmp_path_factory.mktemp("collapse")
    spec = tiny_spec(
        name="collapse", replications=3, horizon_weeks=52.0, warmup_weeks=26.0, baseline="ample",
        variants={"ample": ["org.reception.caseworkers=12"],
                  "cut": ["org.reception.caseworkers=12", "org.reception.pre_assessment=11.7"]})
    _, summary, _ = run_experiment(spec, out, workers=1)
    return spec, summary, out


def test_a_collapsing_reception_is_flagged_in_the_summary(collapse):
    spec, summary, _ = collapse
    verdict = summary.groupby("variant", observed=True)["queue_settles"].first()
    assert verdict["ample"] == "yes" and verdict["cut"] == "no"
    growth = summary[(summary["metric"] == "first_visit_queue_growth_per_month") & (summary["variant"] == "cut")]
    assert growth["ci_low"].iloc[0] > 0


def test_a_collapsing_reception_is_never_called_better(collapse):
    spec, summary, out = collapse
    rows = [text for variant, text in report.headline_rows(spec, summary) if variant == "cut"]
    assert rows and not any(t.endswith(("— better", "— worse")) for t in rows)
    assert any("not judged" in t for t in rows)  # e.g. its lower caseload and cost
    text = report.text_summary(spec, 3, summary)
    assert "WARNING cut: reception cannot keep up" in text
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "reception cannot keep up" in page
    assert page.index("reception cannot keep up") < page.index("<h2>What changes")


def test_a_figure_without_data_is_said_in_the_table():
    """A NaN mean (no such event after the warm-up) reads "not measured", never "nan" or an empty cell."""
    import pandas as pd

    summary = pd.DataFrame([
        {"variant": "a", "metric": "first_visit_wait_weeks", "mean": math.nan, "ci_low": math.nan,
         "ci_high": math.nan, "diff": math.nan, "diff_ci_low": math.nan, "diff_ci_high": math.nan,
         "queue_settles": "unknown"},
        {"variant": "b", "metric": "first_visit_wait_weeks", "mean": 2.0, "ci_low": 1.5, "ci_high": 2.5,
         "diff": math.nan, "diff_ci_low": math.nan, "diff_ci_high": math.nan, "queue_settles": "yes"},
    ])
    summary["variant"] = pd.Categorical(summary["variant"], categories=["a", "b"], ordered=True)
    table = report._table(None, summary)
    assert "not measured" in table and "nan" not in table.lower().replace("not measured", "")
    rows = report.headline_rows(type("Spec", (), {"baseline": "a"})(), summary)
    assert rows and "could not be measured" in rows[0][1]
