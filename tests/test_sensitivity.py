"""``python -m sim.sensitivity``: one-at-a-time effects, paired on common random numbers."""

from __future__ import annotations

import pytest
from conftest import REPO

from sim.config.schema import ConfigError
from sim.experiments.sensitivity import Design, effects, load_design, run
from sim.outputs.study_plots import tornado


def tiny(**inputs) -> Design:
    return Design(org="hasselby_vallingby", replications=3, horizon_weeks=20.0, warmup_weeks=5.0,
                  metrics=["first_visit_wait_weeks", "cost_sek_per_year"], inputs=inputs)


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    design = tiny(**{"costs.caseworker": [400_000.0, 700_000.0],
                     "org.reception.booking_notice_weeks": [1.0, 3.5]})
    out = tmp_path_factory.mktemp("sens")
    raw = run(design, out, workers=2)
    return design, raw, effects(raw), out


def test_an_input_that_only_prices_staff_moves_cost_but_not_a_single_wait(result):
    """Common random numbers: the same households on the same seeds, so the wait effect is exactly 0."""
    _, _, table, _ = result
    cost = table[table["input"] == "costs.caseworker"].set_index(["metric", "level"])
    assert cost.loc[("first_visit_wait_weeks", "low"), "effect"] == 0.0
    assert cost.loc[("first_visit_wait_weeks", "high"), "effect"] == 0.0
    assert cost.loc[("cost_sek_per_year", "low"), "effect"] < 0 < cost.loc[("cost_sek_per_year", "high"), "effect"]


def test_a_longer_booking_notice_lengthens_the_wait_beyond_the_noise(result):
    _, _, table, _ = result
    notice = table[(table["input"] == "org.reception.booking_notice_weeks")
                   & (table["metric"] == "first_visit_wait_weeks")].set_index("level")
    assert notice.loc["high", "effect_ci_low"] > 0  # the whole 95 % CI above zero
    assert notice.loc["low", "effect_ci_high"] < 0


def test_effects_are_the_paired_differences_of_the_raw_replications(result):
    _, raw, table, _ = result
    key = ("org.reception.booking_notice_weeks", "high", "first_visit_wait_weeks")
    point = raw[(raw["input"] == key[0]) & (raw["level"] == key[1]) & (raw["metric"] == key[2])]
    base = raw[(raw["level"] == "base") & (raw["metric"] == key[2])]
    diffs = point.sort_values("replication")["result"].to_numpy() - base.sort_values("replication")["result"].to_numpy()
    row = table[(table["input"] == key[0]) & (table["level"] == key[1]) & (table["metric"] == key[2])].iloc[0]
    assert row["effect"] == pytest.approx(diffs.mean())
    assert row["effect_ci_low"] < row["effect"] < row["effect_ci_high"]


def test_the_tornado_puts_the_biggest_swing_on_top(result, tmp_path):
    design, _, table, _ = result
    import matplotlib.pyplot as plt

    captured = {}
    original = plt.Figure.savefig

    def spy(fig, *args, **kwargs):
        captured["labels"] = [t.get_text() for t in fig.axes[0].get_yticklabels()]
        return original(fig, *args, **kwargs)

    plt.Figure.savefig = spy
    try:
        tornado(table, design, tmp_path / "tornado.png")
    finally:
        plt.Figure.savefig = original
    assert captured["labels"][-1].startswith("reception: booking notice (weeks)")  # the top bar: the wait's driver


@pytest.mark.parametrize("text, key", [
    ("inputs: {org.reception.caseworkers: [9]}", "inputs.org.reception.caseworkers"),
    ("inputs: {org.reception.caseworkers: [9, 7]}", "inputs.org.reception.caseworkers"),
    ("replications: 1\ninputs: {org.reception.caseworkers: [7, 9]}", "replications"),
    ("inputs: {}", "inputs"),
])
def test_a_bad_design_names_the_key(tmp_path, text, key):
    path = tmp_path / "d.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as err:
        load_design(path)
    assert err.value.key == key


def test_an_unknown_input_key_is_named(tmp_path):
    with pytest.raises(ConfigError) as err:
        run(tiny(**{"org.reception.casewrkers": [1.0, 2.0]}), tmp_path, workers=1)
    assert err.value.key.startswith("inputs.org.reception.casewrkers")


def test_the_shipped_design_loads():
    design = load_design(REPO / "configs" / "sensitivity" / "default.yaml")
    assert design.inputs and all(low < high for low, high in design.inputs.values())


def test_a_district_whose_own_value_lies_outside_a_range_is_told():
    """--org moves the design to another district; a range that misses the district's own value is named."""
    from dataclasses import replace

    from sim.experiments.sensitivity import DESIGNS, load_design, outside_ranges

    design = load_design(DESIGNS / "default.yaml")
    assert outside_ranges(design) == []  # written around Hässelby-Vällingby's values
    outside = outside_ranges(replace(design, org="sodermalm"))
    assert [key for key, _, _ in outside] == ["org.reception.booking_notice_weeks"]  # its fitted 4.7 weeks


def test_the_casework_design_ranges_hold_their_central_values_and_its_overrides_reach_every_point(tmp_path):
    """configs/sensitivity/casework.yaml: each factor's evidence range holds the default; its overrides (the effect
    on) apply to the base and to every point — the need clock runs at other than one month a month in each."""
    from sim.experiments.sensitivity import DESIGNS, outside_ranges

    design = load_design(DESIGNS / "casework.yaml")
    assert outside_ranges(design) == []
    assert "process.casework_effect.enabled=true" in design.overrides
    small = Design(org="hasselby_vallingby", replications=2, horizon_weeks=20.0, warmup_weeks=5.0,
                   metrics=["need_clock.speed"], inputs={"process.casework_effect.late_payment": [0.9, 1.0]},
                   overrides=list(design.overrides[:1]))
    raw = run(small, tmp_path, workers=2)
    speeds = raw[raw["metric"] == "need_clock.speed"]["result"]
    assert len(speeds) == 3 * 2 and (speeds != 1.0).all()
