"""The report's money and target groups (issue 17): whether a variant pays for itself follows the paired interval
of staff cost + assistance paid; a variant that helps one group at another's expense is said exactly when the
groups' intervals show it; a figure without a value reads "no value"; results without groups say so in a line.

Built from hand-made summaries with the columns of summary.csv, so each case is pinned without running the model.
"""

from __future__ import annotations

import html
import math
import re

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from sim.experiments.spec import ExperimentSpec
from sim.outputs import experiment_plots as ep
from sim.outputs import group_section as gs
from sim.outputs import report

BASE, VAR = "as_is", "broad"
SPEC = ExperimentSpec(name="t", title="Groups test", question="Who gains?", org="hasselby_vallingby",
                      baseline=BASE, variants={BASE: [], VAR: ["variant=[broad]"]})
NEUTRAL = (-1.0, 1.0)  # a difference interval that spans zero (in the metric's own scale, relative below)
# baseline level per group figure, and the width of a neutral interval in its scale
LEVELS = {"first_visit_wait_weeks": (2.0, 0.2), "followups_on_time_share": (0.6, 0.02),
          "months_on_assistance": (6.0, 0.3), "caseload_per_caseworker": (70.0, 2.0),
          "assistance_sek_per_year": (3.0e7, 1e6)}
GROUPS = ("labour_market", "sick_listed", "young_adult")


def summary(diffs: dict[str, tuple[float, float, float]] | None = None, settles: str = "yes",
            groups: bool = True, money: dict[str, tuple[float, float, float]] | None = None) -> pd.DataFrame:
    """A summary.csv frame: baseline and one variant, every group figure's difference spanning zero unless
    ``diffs`` (metric -> (diff, low, high)) says otherwise; money figures from ``money`` (metric -> diff)."""
    diffs = diffs or {}
    rows = []

    def add(metric: str, mean: float, spread: float, diff: tuple[float, float, float]) -> None:
        rows.append({"variant": BASE, "metric": metric, "mean": mean, "ci_low": mean - spread,
                     "ci_high": mean + spread, "diff": math.nan, "diff_ci_low": math.nan, "diff_ci_high": math.nan,
                     "queue_settles": "yes"})
        d, lo, hi = diff
        rows.append({"variant": VAR, "metric": metric, "mean": mean + d, "ci_low": mean + d - spread,
                     "ci_high": mean + d + spread, "diff": d, "diff_ci_low": lo, "diff_ci_high": hi,
                     "queue_settles": settles})

    add("first_visit_wait_weeks", 2.0, 0.2, (0.0, -0.1, 0.1))
    add("first_visit_queue_growth_per_month", 0.0, 0.1, (0.0, -0.1, 0.1))
    add("cost_sek_per_year", 2.0e7, 0.0, (0.0, 0.0, 0.0))
    if money is not None:
        add("assistance_sek_per_year", 1.0e8, 2e6, money.get("assistance_sek_per_year", (0.0, -1e6, 1e6)))
        add("total_cost_sek_per_year", 1.2e8, 2e6, money.get("total_cost_sek_per_year", (0.0, -1e6, 1e6)))
    if groups:
        for g in GROUPS:
            for figure, (mean, spread) in LEVELS.items():
                metric = f"by_group.{g}.{figure}"
                d = diffs.get(metric, (0.0, NEUTRAL[0] * spread, NEUTRAL[1] * spread))
                add(metric, mean, spread, d)
    frame = pd.DataFrame(rows)
    frame["variant"] = pd.Categorical(frame["variant"], categories=[BASE, VAR], ordered=True)
    return frame


WAIT_LM = "by_group.labour_market.first_visit_wait_weeks"
FUP_YA = "by_group.young_adult.followups_on_time_share"
FUP_LM = "by_group.labour_market.followups_on_time_share"
EXPENSE = "at another's expense"


# --- who gains, who pays ----------------------------------------------------------------------------------------

def test_a_variant_that_helps_one_group_at_anothers_expense_is_said_so():
    s = summary({WAIT_LM: (-0.5, -0.7, -0.3), FUP_YA: (-0.1, -0.15, -0.05)})
    text = gs.tradeoff(s, BASE, VAR)
    assert text == ("Helps one group at another's expense: better for labour market (first-visit wait −0.50 weeks), "
                    "but worse for young adults 18–25 (follow-ups done on time −10.0 percentage points).")
    assert html.escape(text) in gs.section(SPEC, s)  # the page says it too


@pytest.mark.parametrize("worse_ci,expense", [
    ((-0.15, -0.05), True),    # young adults' follow-ups: the whole interval below zero (worse)
    ((-0.15, 0.0), False),     # touches zero: no clear difference
    ((-0.15, 0.05), False),    # spans zero
    ((0.05, 0.15), False),     # the whole interval above zero: better, not worse
])
def test_the_expense_sentence_follows_the_groups_intervals(worse_ci, expense):
    lo, hi = worse_ci
    s = summary({WAIT_LM: (-0.5, -0.7, -0.3), FUP_YA: ((lo + hi) / 2, lo, hi)})
    text = gs.tradeoff(s, BASE, VAR)
    assert (EXPENSE in text) is expense, text
    assert ("No group is clearly worse off" in text) is (not expense), text


def test_better_and_worse_for_the_same_group_is_not_at_anothers_expense():
    s = summary({WAIT_LM: (-0.5, -0.7, -0.3), FUP_LM: (-0.1, -0.15, -0.05)})
    text = gs.tradeoff(s, BASE, VAR)
    assert EXPENSE not in text
    assert text.startswith("Mixed for labour market: better on first-visit wait −0.50 weeks, worse on follow-ups done "
                           "on time −10.0 percentage points")


def test_a_group_worse_off_with_no_group_better_off_is_named():
    s = summary({FUP_YA: (-0.1, -0.15, -0.05)})
    assert gs.tradeoff(s, BASE, VAR) == ("Worse off: young adults 18–25 (follow-ups done on time −10.0 percentage "
                                         "points); no other group is clearly better off.")


def test_money_figures_by_group_are_shown_but_never_called_better_or_worse():
    # a group paid clearly less and another clearly more: neither is help nor harm to the group
    s = summary({"by_group.labour_market.assistance_sek_per_year": (-2e6, -3e6, -1e6),
                 "by_group.young_adult.months_on_assistance": (0.5, 0.2, 0.8)})
    assert gs.tradeoff(s, BASE, VAR) == "No group is clearly worse off, and none clearly better off."
    page = gs.section(SPEC, s)
    assert "−2.00 (−3.00 to −1.00)" in page  # the difference in MSEK with its interval
    assert ">lower</td>" in page and ">higher</td>" in page
    assert ">better</td>" not in page and ">worse</td>" not in page


def test_no_group_is_judged_where_a_first_visit_queue_does_not_settle():
    s = summary({WAIT_LM: (-0.5, -0.7, -0.3), FUP_YA: (-0.1, -0.15, -0.05)}, settles="no")
    text = gs.tradeoff(s, BASE, VAR)
    assert EXPENSE not in text and text.startswith("Not judged by target group")
    assert ">not judged</td>" in gs.section(SPEC, s)


def test_the_group_tables_show_levels_differences_and_plain_group_names():
    s = summary({WAIT_LM: (-0.5, -0.7, -0.3)})
    page = gs.section(SPEC, s)
    assert page.count('<table class="groups">') == len(gs.FIGURES)
    for name in ("labour market", "sick-listed / rehabilitation", "young adults 18–25"):
        assert page.count(f"<td>{name}</td>") == len(gs.FIGURES)
    assert "labour_market" not in page and "young_adult" not in page
    # labour market's wait: baseline 2.00 (1.80–2.20), variant 1.50 (1.30–1.70), difference −0.50 (−0.70 to −0.30)
    row = re.search(r"<tr><td>labour market</td><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td>",
                    page)
    assert row.groups() == ("2.00 (1.80–2.20)", "1.50 (1.30–1.70)", "−0.50 (−0.70 to −0.30)", "better")


def test_a_figure_without_a_value_reads_no_value():
    s = summary()
    months = s["metric"] == "by_group.young_adult.months_on_assistance"
    s.loc[months, ["mean", "ci_low", "ci_high", "diff", "diff_ci_low", "diff_ci_high"]] = math.nan
    page = gs.section(SPEC, s)
    row = re.search(r"<caption>months on assistance.*?<tr><td>young adults 18–25</td>(.*?)</tr>", page)
    assert row.group(1) == "<td>no value</td>" * 4
    assert "nan" not in page.lower()


def test_results_without_groups_say_so_in_one_line():
    s = summary(groups=False)
    page = gs.section(SPEC, s)
    assert page == ('<h2 id="groups">By target group</h2><p>These results have no figures by target group (they '
                    "were made by a version of the model before the groups were measured).</p>")
    assert gs.text_lines(SPEC, s, VAR) == []
    page = report.html(SPEC, [BASE, VAR], 10, s, {})  # the whole page still builds
    assert "These results have no figures by target group" in page
    assert "These results have no assistance paid" in page
    assert "pays for itself" not in report.gist(SPEC, s, VAR)


# --- money ------------------------------------------------------------------------------------------------------

TOTAL = "total_cost_sek_per_year"


@pytest.mark.parametrize("total,call", [
    ((-1.5e6, -2.0e6, -1.0e6), "pays for itself"),
    ((1.5e6, 1.0e6, 2.0e6), "costs more"),
    ((0.5e6, -1.0e6, 2.0e6), "cannot tell"),
    ((-0.5e6, -1.0e6, 0.0), "cannot tell"),      # touches zero
    ((0.0, 0.0, 0.0), "costs the same"),
])
def test_pays_for_itself_follows_the_totals_interval(total, call):
    s = summary(money={TOTAL: total})
    assert report.money_call(s, BASE, VAR) == call
    text = report.money_sentence(SPEC, s, VAR)
    assert text.startswith({"pays for itself": "“broad” pays for itself",
                            "costs more": "“broad” costs more",
                            "cannot tell": "Cannot tell whether “broad” pays for itself",
                            "costs the same": "“broad” costs the same as “as is”"}[call]), text
    gist = report.gist(SPEC, s, VAR)
    assert gist.endswith({"cannot tell": "With the assistance paid: cannot tell whether it pays for itself."}
                         .get(call, f"With the assistance paid: {call}.")), gist


def test_the_money_sentence_says_the_amount_and_its_interval():
    s = summary(money={TOTAL: (-1.5e6, -2.0e6, -1.0e6)})
    assert report.money_sentence(SPEC, s, VAR) == ("“broad” pays for itself: staff cost and assistance paid together "
                                                   "are 1.5 MSEK a year lower than under “as is” (95 % CI 1.0 to 2.0).")
    s = summary(money={TOTAL: (0.5e6, -1.0e6, 2.0e6)})
    assert report.money_sentence(SPEC, s, VAR) == (
        "Cannot tell whether “broad” pays for itself: compared with “as is”, staff cost and assistance paid together "
        "are between 1.0 MSEK a year lower and 2.0 MSEK a year higher (95 % CI).")


def test_a_variant_whose_queue_does_not_settle_never_pays_for_itself():
    s = summary(money={TOTAL: (-1.5e6, -2.0e6, -1.0e6)}, settles="no")
    assert report.money_call(s, BASE, VAR) == "cannot tell"
    assert "a first-visit queue does not settle" in report.money_sentence(SPEC, s, VAR)


def test_a_total_without_a_value_reads_no_value():
    s = summary(money={TOTAL: (math.nan, math.nan, math.nan)})
    assert report.money_call(s, BASE, VAR) == "no value"
    assert "have no value" in report.money_sentence(SPEC, s, VAR)
    assert "no value" in report.money_section(SPEC, s) and "nan" not in report.money_section(SPEC, s).lower()


def test_the_money_section_shows_the_three_figures_and_why_staff_cannot_pay_for_itself():
    s = summary(money={TOTAL: (1.5e6, 1.0e6, 2.0e6), "assistance_sek_per_year": (-0.3e6, -0.8e6, 0.2e6)})
    page = report.money_section(SPEC, s)
    rows = re.findall(r"<tr><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td></tr>", page)
    assert rows == [
        ("staff cost (handling)", "20.00 (every replication)", "20.00 (every replication)", "0.00 (every replication)"),
        ("assistance paid", "100.0 (98.0–102.0)", "99.7 (97.7–101.7)", "−0.3 (−0.8 to +0.2)"),
        ("total: staff cost + assistance", "120.0 (118.0–122.0)", "121.5 (119.5–123.5)", "+1.5 (+1.0 to +2.0)"),
    ]
    assert "does not depend on how caseworkers work" in page and "cannot pay for itself there" in page
    assert "Without the casework effect" not in page  # one comparison: no with/without headings
    # the headline lists leave money to its own sentence: no "better"/"worse" for assistance in the gist
    assert "assistance paid" not in report.gist(SPEC, s, VAR).split("Staff cost")[0]
    text = report.text_summary(SPEC, 10, s)
    assert "  = money: “broad” costs more" in text and "  = by target group: No group is clearly worse off" in text


def _with_speed(frame: pd.DataFrame, speed: float) -> pd.DataFrame:
    """The frame with the need clock's speed (1 exactly: the casework effect off)."""
    rows = [{"variant": v, "metric": "need_clock.speed", "mean": speed, "ci_low": speed, "ci_high": speed,
             "diff": 0.0, "diff_ci_low": 0.0, "diff_ci_high": 0.0, "queue_settles": "yes"} for v in (BASE, VAR)]
    out = pd.concat([frame.astype({"variant": str}), pd.DataFrame(rows)], ignore_index=True)
    out["variant"] = pd.Categorical(out["variant"], categories=[BASE, VAR], ordered=True)
    return out


def test_the_money_section_says_what_a_variant_costs_with_and_without_the_casework_effect():
    """Without: it costs more; with the assumption (less assistance paid): it pays for itself. Both said, each from
    its own paired interval, and the note explains the assumption."""
    without = _with_speed(summary(money={TOTAL: (1.5e6, 1.0e6, 2.0e6)}), 1.0)
    with_effect = _with_speed(summary(money={TOTAL: (-2.0e6, -3.0e6, -0.02e6)}), 1.02)
    page = report.money_section(SPEC, without, {"casework_effect": with_effect})
    assert re.search(r"<b>Without the casework effect:</b> “[^”]+” costs more", page)
    # the interval's upper end (−0.02 MSEK) is said, not rounded to 0.0
    assert re.search(r"<b>With the casework effect \(an assumption\):</b> “[^”]+” pays for itself: .*"
                     r"\(95 % CI 0\.02 to 3\.00\)", page)
    assert "scaled so that the district as the study found it keeps its months" in page
    line = report.gist(SPEC, without, VAR, {"casework_effect": with_effect})
    assert "With the assistance paid: costs more; with the casework effect (an assumption): pays for itself." in line


def test_the_money_figure_draws_the_differences_and_says_the_verdict():
    s = summary(money={TOTAL: (-1.5e6, -2.0e6, -1.0e6)})
    fig = ep.money_figure(SPEC, [BASE, VAR], s)
    try:
        titles = [ax.get_title(loc="left") for ax in fig.axes]
        assert "broad against as is (baseline): pays for itself" in titles
        diff_ax = fig.axes[titles.index("broad against as is (baseline): pays for itself")]
        ticks = [t.get_text() for t in diff_ax.get_yticklabels()]
        assert ticks == ["staff cost: 0.00 (every replication)", "assistance paid: 0.0 (−1.0 to +1.0)",
                         "total: −1.5 (−2.0 to −1.0)"]
        total_dot = [line for line in diff_ax.get_lines() if line.get_marker() == "D"]
        assert len(total_dot) == 1 and total_dot[0].get_xdata()[0] == pytest.approx(-1.5)
        assert total_dot[0].get_color() == ep.VERDICT_COLOURS["pays for itself"]
        levels = [ax for ax in fig.axes if ax.get_title() in ("staff cost", "assistance paid", "total")]
        assert len(levels) == 3
        # the headline panels leave assistance and the total to this figure
        kpis = ep.kpi_panels_figure(SPEC, [BASE, VAR], s)
        assert not any("assistance" in ax.get_title() for ax in kpis.axes)
        plt.close(kpis)
    finally:
        plt.close(fig)


def test_the_pays_for_itself_figure_draws_each_assumptions_total_with_its_verdict():
    without = _with_speed(summary(money={TOTAL: (1.5e6, 1.0e6, 2.0e6)}), 1.0)
    with_effect = _with_speed(summary(money={TOTAL: (-2.0e6, -3.0e6, -0.5e6)}), 1.02)
    fig = ep.pays_figure(SPEC, [BASE, VAR], without, {"casework_effect": with_effect})
    try:
        [ax] = fig.axes
        assert [t.get_text() for t in ax.get_yticklabels()] == ["no casework effect:\ncosts more",
                                                                 "casework effect:\npays for itself"]
        dots = [line for line in ax.get_lines() if line.get_marker() == "D"]
        assert [d.get_xdata()[0] for d in dots] == [pytest.approx(1.5), pytest.approx(-2.0)]
        colours = ep.VERDICT_COLOURS
        assert [d.get_color() for d in dots] == [colours["costs more"], colours["pays for itself"]]
    finally:
        plt.close(fig)


def test_a_figure_without_a_value_for_any_group_is_one_line_not_a_table_of_no_values():
    s = summary()
    months = s["metric"].str.endswith(".months_on_assistance")
    s.loc[months, ["mean", "ci_low", "ci_high", "diff", "diff_ci_low", "diff_ci_high"]] = math.nan
    page = gs.section(SPEC, s)
    assert "<p><b>months on assistance</b>: no value for any group (no whole model year was measured).</p>" in page
    assert page.count('<table class="groups">') == len(gs.FIGURES) - 1


def test_an_interval_end_that_is_not_zero_is_never_shown_as_zero():
    kpi = gs.FIGURES[1]  # follow-ups on time, one decimal of percentage points
    r = {"diff": -0.002, "diff_ci_low": -0.003, "diff_ci_high": -0.0004}
    assert gs.difference(kpi, r) == "−0.20 (−0.30 to −0.04)"


def test_a_group_better_on_one_figure_and_worse_on_another_is_said_once_as_mixed():
    """Labour market: shorter wait but fewer follow-ups on time; young adults: fewer follow-ups on time."""
    s = summary({WAIT_LM: (-0.5, -0.7, -0.3), FUP_LM: (-0.1, -0.15, -0.05), FUP_YA: (-0.1, -0.15, -0.05)})
    text = gs.tradeoff(s, BASE, VAR)
    assert text.count("labour market") == 1, text
    assert "mixed for labour market (better on first-visit wait −0.50 weeks, worse on follow-ups" in text, text
    assert "worse for young adults 18–25" in text and EXPENSE in text, text
