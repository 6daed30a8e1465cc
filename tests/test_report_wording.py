"""The report's words (issue 13): every verdict states number, unit and interval in words that read
naturally, says its side effects, admits how sure it is, and speaks of the district actually run.

Built from hand-made summaries, so each wording case is pinned without running the model; the
last tests run the tiny experiment for another district's name.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from sim.analysis.kpis import BY_KEY, metric_bounds, sentence, verdict
from sim.analysis.stats import bounded_estimate, estimate
from sim.experiments.spec import ExperimentSpec, for_district
from sim.outputs import report

WAIT = BY_KEY["first_visit_wait_weeks"]
ON_TIME = BY_KEY["followups_on_time_share"]
MOVED = BY_KEY["reassigned_households_per_year"]
COST = BY_KEY["cost_sek_per_year"]


def test_a_clear_difference_says_amount_unit_direction_and_interval():
    text = sentence(WAIT, "broad", "as is", -0.57, -0.84, -0.30)
    assert text == "first-visit wait: 0.57 weeks shorter than “as is” (95 % CI 0.30 to 0.84) — better"


def test_an_unclear_difference_says_both_ends_in_words_never_minus_zero():
    text = sentence(WAIT, "broad", "as is", 0.2, -0.004, 0.5)
    assert "no clear difference from “as is” — between no change and 0.50 weeks longer (95 % CI)" in text
    assert "-0.0" not in text and "−0.0" not in text
    text = sentence(WAIT, "broad", "as is", 0.1, -0.2, 0.4)
    assert "between 0.20 weeks shorter and 0.40 weeks longer" in text


def test_practically_the_same_needs_the_whole_interval_small_and_names_a_nonzero_bound():
    # a tiny mean with a wide interval is not "the same": it is "no clear difference"
    assert "no clear difference" in sentence(MOVED, "v", "b", 0.2, -30.0, 30.0)
    text = sentence(MOVED, "v", "b", 0.1, -0.3, 0.4)
    assert "practically the same" in text and "±0.5 per year" in text  # not "below 0 per year"
    assert verdict(MOVED, 0.1, -0.3, 0.4) == "same"


def test_an_interval_without_width_is_said_in_words():
    text = sentence(COST, "broad", "as is", 0.9e6, 0.9e6, 0.9e6)
    assert text == "staff cost: 0.90 MSEK/year higher than “as is” (the same in every replication) — worse"
    assert "0.90 to 0.90" not in text


def test_a_narrow_interval_gets_the_decimals_to_show_its_width():
    text = sentence(BY_KEY["clerical_hours_per_caseworker_week"], "admins", "as is", -2.3412, -2.3441, -2.3383)
    assert "(95 % CI 2.338 to 2.344)" in text and "2.34 to 2.34" not in text


def test_shares_differ_in_percentage_points():
    text = sentence(ON_TIME, "cap 60", "no cap", 0.108, 0.09, 0.12)
    assert text.startswith("follow-ups done on time: 10.8 percentage points higher than “no cap”")
    assert text.endswith("— better")


def test_the_caps_overflow_sits_in_the_sentence_it_flatters():
    summary = _summary({
        "no_cap": {"followups_on_time_share": (0.6, 0.55, 0.65, None), "referral_overflow": (0.0, 0.0, 0.0, None),
                   "caseload_per_caseworker": (80, 78, 82, None), "cost_sek_per_year": (2e7, 2e7, 2e7, None)},
        "cap_60": {"followups_on_time_share": (0.71, 0.68, 0.74, (0.108, 0.09, 0.12)),
                   "referral_overflow": (214, 200, 228, (214, 200, 228)),
                   "caseload_per_caseworker": (60, 59, 61, (-20, -21, -19)),
                   "cost_sek_per_year": (2e7, 2e7, 2e7, (0.0, 0.0, 0.0))},
    })
    spec = ExperimentSpec(baseline="no_cap", variants={"no_cap": [], "cap_60": []})
    rows = dict((text.split(":")[0], text) for _, text in report.headline_rows(spec, summary))
    for label in ("follow-ups done on time", "caseload per long-term caseworker"):
        assert rows[label].endswith("— better, but 214.0 households on average wait for a free caseworker "
                                    "(over the cap) against 0.0 under “no cap”"), rows[label]
    assert "wait for a free caseworker" not in rows["staff cost"]
    gist = report.gist(spec, summary, "cap_60")
    assert gist.startswith("Better: follow-ups done on time, caseload per long-term caseworker.")
    assert "Worse: referrals waiting for a free caseworker." in gist
    assert gist.endswith("Staff cost: the same.")


def test_few_replications_and_exact_figures_are_noticed():
    summary = _summary({"a": {"cost_sek_per_year": (2e7, 2e7, 2e7, None)},
                        "b": {"cost_sek_per_year": (2.1e7, 2.1e7, 2.1e7, (1e6, 1e6, 1e6))}})
    spec = ExperimentSpec(baseline="a", variants={"a": [], "b": []})
    notes = report.notices(spec, 3, summary)
    assert any(n.startswith("Only 3 replications per variant") for n in notes)
    assert any("staff cost" in n and "no interval" in n for n in notes)
    assert not any("Only" in n for n in report.notices(spec, 10, summary))
    # a figure exact in one variant only (no handovers when nobody hands over) does depend on chance
    summary.loc[summary["variant"] == "a", "ci_high"] = 2.2e7
    assert not any("staff cost" in n for n in report.notices(spec, 3, summary))


@pytest.mark.parametrize("values,bounds", [
    ([0.0, 0.25, 0.5], (0.0, 1.0)),          # follow-ups on time, 3 replications: t interval −37 %…87 %
    ([0.0, 10.0, 480.0], (0.0, math.inf)),   # households moved: t interval −518…845
    ([0.02, 0.0, 0.0, 0.01], (0.0, 1.0)),
    ([1.0, 0.98, 1.0], (0.0, 1.0)),          # near 100 %
])
def test_intervals_of_shares_and_counts_stay_in_their_range(values, bounds):
    plain, kept = estimate(values), bounded_estimate(values, *bounds)
    assert plain.low < bounds[0] or plain.high > bounds[1]  # the case the user saw
    assert bounds[0] <= kept.low <= kept.mean <= kept.high <= bounds[1]
    assert kept.mean == plain.mean
    # only the end beyond the bound moves, and only to the bound
    assert kept.low == max(plain.low, bounds[0]) and kept.high == min(plain.high, bounds[1])


def test_an_interval_inside_the_range_is_left_alone():
    rng = np.random.default_rng(1)
    values = rng.normal(0.5, 0.05, 10)
    assert bounded_estimate(values, 0.0, 1.0) == estimate(values)


def test_metric_ranges():
    assert metric_bounds("followups_on_time_share") == (0.0, 1.0)
    assert metric_bounds("utilisation.long_term") == (0.0, 1.0)
    assert metric_bounds("reassigned_households_per_year") == (0.0, math.inf)
    assert metric_bounds("first_visit_queue_growth_per_month") == (-math.inf, math.inf)


def test_an_experiment_speaks_of_the_district_it_runs():
    spec = ExperimentSpec(org="farsta", title="{district}: drop specialisation?",
                          question="What if {district}'s caseworkers work broadly, as Farsta's way?")
    named = for_district(spec)
    assert named.title == "Farsta: drop specialisation?" and named.district == "Farsta"
    # a file written for one district (no placeholder), run for another: the names follow the run
    literal = ExperimentSpec(org="sodermalm", title="Hässelby-Vällingby: drop specialisation?",
                             question="What if Hässelby-Vällingby's caseworkers work broadly?")
    named = for_district(literal)
    assert named.title == "Södermalm: drop specialisation?"
    assert "Hässelby-Vällingby" not in named.title
    assert "written for Hässelby-Vällingby; this run simulates Södermalm" in named.question


def test_the_default_experiment_run_for_an_own_district_is_about_it(tmp_path):
    """experiment.org=<own district>: title, question and report name that district (docs/consultant.md's path)."""
    from tiny_experiment import run_tiny, tiny_spec

    spec = tiny_spec(org="farsta", title="{district}: drop specialisation, add two module administrators?",
                     question="What happens if {district}'s long-term caseworkers work broadly?",
                     variants={"baseline": [], "quick": ["org.reception.booking_notice_weeks=1.0"]})
    run_tiny(tmp_path, spec)
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "<h1>Farsta: drop specialisation, add two module administrators?</h1>" in page
    assert "Hässelby-Vällingby" not in page
    assert "the district as configured, nothing changed" in page  # the baseline with no overrides
    assert "calibrated to the Governo 2011 study" in page
    assert "each run measures 15 weeks after a warm-up of 5 weeks" in page
    assert '<table class="glossary">' in page


def _summary(spec: dict) -> pd.DataFrame:
    """A summary.csv frame from {variant: {metric: (mean, low, high, (diff, low, high) or None)}}."""
    rows = []
    for variant, metrics in spec.items():
        for metric, (mean, low, high, diff) in metrics.items():
            d = diff or (math.nan,) * 3
            rows.append({"variant": variant, "metric": metric, "mean": mean, "ci_low": low, "ci_high": high,
                         "diff": d[0], "diff_ci_low": d[1], "diff_ci_high": d[2], "queue_settles": "yes"})
    frame = pd.DataFrame(rows)
    frame["variant"] = pd.Categorical(frame["variant"], categories=list(spec), ordered=True)
    return frame


def test_the_effect_chart_draws_every_headline_row_coloured_by_its_verdict_with_its_sentence():
    import xml.etree.ElementTree as ET

    from sim.outputs import effect_chart

    summary = _summary({
        "a": {"first_visit_wait_weeks": (2.0, 1.9, 2.1, None), "cost_sek_per_year": (2e7, 2e7, 2e7, None)},
        "b": {"first_visit_wait_weeks": (1.5, 1.4, 1.6, (-0.5, -0.6, -0.4)),
              "cost_sek_per_year": (2.1e7, 2.1e7, 2.1e7, (1e6, 1e6, 1e6))},
        "c": {"first_visit_wait_weeks": (2.0, 1.8, 2.2, (0.01, -0.2, 0.2)),
              "cost_sek_per_year": (2e7, 2e7, 2e7, (0.0, 0.0, 0.0))},
    })
    spec = ExperimentSpec(baseline="a", variants={"a": [], "b": [], "c": []})
    sentences = {(v, t.split(":")[0]): t for v, t in report.headline_rows(spec, summary)}
    root = ET.fromstring(effect_chart.svg(spec, summary, sentences))
    ns = "{http://www.w3.org/2000/svg}"
    groups = root.findall(f"{ns}g") or root.findall("g")
    assert len(groups) == 4  # two variants x two figures
    calls = [row["call"] for row in effect_chart.rows(spec, summary, sentences)]
    assert calls == ["better", "worse", "unclear", "same"]
    for group, call in zip(groups, calls):
        title = group.find(f"{ns}title") if group.find(f"{ns}title") is not None else group.find("title")
        assert title.text in sentences.values()
        dots = [c for c in group.iter() if c.tag.endswith("circle")]
        assert dots and dots[0].get("fill") == effect_chart.COLOURS[call]
    page_rows = [t for t in root.iter() if t.tag.endswith("text") and t.get("class") == "variant"]
    assert [t.text for t in page_rows] == ["b", "c"]


def test_the_effect_chart_puts_every_row_on_one_scale_in_per_cent_of_the_baseline():
    from sim.outputs import effect_chart

    summary = _summary({
        "a": {"first_visit_wait_weeks": (2.0, 1.9, 2.1, None), "referral_overflow": (0.0, 0.0, 0.0, None)},
        "b": {"first_visit_wait_weeks": (1.5, 1.4, 1.6, (-0.5, -0.6, -0.4)),
              "referral_overflow": (48.0, 30.0, 60.0, (48.0, 30.0, 66.0))},
    })
    spec = ExperimentSpec(baseline="a", variants={"a": [], "b": []})
    wait, overflow = effect_chart.rows(spec, summary, {})
    assert (wait["rel_diff"], wait["rel_low"], wait["rel_high"]) == pytest.approx((-25.0, -30.0, -20.0))
    assert overflow["rel_diff"] == math.inf  # from a baseline of zero: an arrow at the edge
    assert effect_chart.axis_limit([wait, overflow]) == 50.0
    assert "<polygon" in effect_chart.svg(spec, summary, {})
