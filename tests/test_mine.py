"""``python -m sim.mine``: event log → org config, and the round trip log → config → simulated log."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from conftest import make_config, run_config

from sim.config.compose import load_org_file
from sim.config.schema import Config
from sim.config.validate import validate
from sim.intake.calibrate import EXAMPLES, InputError
from sim.intake.mine import mine, read_log, write_config
from sim.model import units
from sim.model.run import Run
from sim.outputs import eventlog

WEEKS, WARM = 60.0, 20.0


@pytest.fixture(scope="module")
def round_trip(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("mine")
    original = run_config(make_config("hasselby_vallingby", seed=0, horizon_weeks=WEEKS, warmup_weeks=WARM,
                                      event_log=True, start="steady_state"))  # a log with cases already open
    eventlog.frame(original).to_csv(tmp / "events.csv", index=False)
    mined = mine(read_log(tmp / "events.csv"), "events.csv")
    target, text = write_config(mined, tmp / "events.csv", EXAMPLES / "hasselby_vallingby_staffing.csv", "mined",
                                out_dir=tmp)
    org = load_org_file(target)
    replay = Run(validate(Config(org=org, horizon_weeks=WEEKS, warmup_weeks=WARM, seed=1, event_log=True))).execute()
    return original, mined, org, replay, text


def test_mined_inflow_and_routing_shares_recover_the_configured_ones(round_trip):
    original, mined, _, _, _ = round_trip
    hh = original.cfg.org.households
    n = mined.cases
    rate, _ = mined.settings["arrivals_per_week"]
    assert abs(rate - original.cfg.org.arrivals_per_week) < 4 * math.sqrt(n) / mined.weeks
    for key, true in [("households.acute_share", hh.acute_share), ("households.home_visit_share", hh.home_visit_share),
                      ("households.screened_out_share", hh.screened_out_share),
                      ("households.refusal_share", hh.refusal_share)]:
        value, how = mined.settings[key]
        m = int(how.rsplit(" ", 1)[-1])  # "..., of <n>"
        assert abs(value - true) < 4 * math.sqrt(true * (1 - true) / m), (key, value, true)


def test_cases_already_open_when_the_log_starts_are_not_arrivals(round_trip):
    """The run starts in its steady state: its long-term stock (negative case ids) is in the log from the first
    week without a first contact. Those cases are counted apart, and said in the arrival rate's note."""
    original, mined, _, _, text = round_trip
    first: dict[int, str] = {}
    for case, activity, *_ in sorted(original.rec.events, key=lambda e: (e[4], e[5])):
        first.setdefault(case, activity)
    assert mined.open_at_start == sum(a not in ("pre_assessment", "scan") for a in first.values()) > 500
    assert mined.cases == sum(a in ("pre_assessment", "scan") for a in first.values())
    assert f"{mined.open_at_start} cases already open when the log starts not counted" in text


def test_mined_durations_recover_the_configured_means(round_trip):
    original, mined, _, _, _ = round_trip
    proc = original.cfg.process
    fits = {d.task: d for d in mined.durations}
    for task in ("first_visit", "analysis", "pre_assessment", "cash_check"):
        # the district's own fitted durations (org.durations) replace the process defaults
        fit, true = fits[task].best, original.cfg.org.durations.get(task, getattr(proc, task))
        se = true.mean * true.cv / math.sqrt(fits[task].n)
        assert abs(fit.mean - true.mean) < 4 * se, (task, fit.mean, true.mean)
        assert fit.family == "lognormal" or abs(fit.cv - true.cv) < 0.1  # the model draws lognormal durations


def test_every_mined_value_says_it_was_mined(round_trip):
    *_, text = round_trip
    for key in ("arrivals_per_week", "acute_share", "screened_out_share", "first_visit"):
        line = next(line for line in text.splitlines() if line.strip().startswith(key))
        assert "mined from events.csv" in line or "durations in rows" in line, line


def weekly_visits(run) -> pd.Series:
    log = eventlog.frame(run)
    visits = log[(log["activity"] == "first_visit") & (log["start"] >= run.warmup)]
    return visits.groupby((visits["start"] // units.WEEK).astype(int)).size()


def test_the_replayed_log_reproduces_volumes_and_waits_of_the_input_log(round_trip):
    original, _, _, replay, _ = round_trip
    a, b = weekly_visits(original), weekly_visits(replay)
    # volumes: first visits in the measured weeks, Poisson-like counts
    assert abs(a.sum() - b.sum()) < 4 * math.sqrt(a.sum() + b.sum()), (a.sum(), b.sum())
    # waits: mean first-visit wait after the warm-up, standard error from weekly batch means
    def batch(run):
        waits = pd.DataFrame([(t, w) for t, w in run.rec.first_visit_waits if t >= run.warmup], columns=["t", "w"])
        means = waits.groupby((waits["t"] // units.WEEK).astype(int))["w"].mean() / units.WEEK
        return means.mean(), means.std(ddof=1) / math.sqrt(len(means))
    (m1, s1), (m2, s2) = batch(original), batch(replay)
    assert abs(m1 - m2) < 4 * math.hypot(s1, s2), (m1, m2, s1, s2)


def test_a_log_without_a_timestamp_column_or_with_a_foreign_activity_is_named(tmp_path):
    (tmp_path / "a.csv").write_text("case_id,activity,start_timestamp\nc1,pre_assessment,2011-01-03 09:00\n")
    with pytest.raises(InputError) as err:
        read_log(tmp_path / "a.csv")
    assert (err.value.row, err.value.column) == (1, "complete_timestamp")
    (tmp_path / "b.csv").write_text("case_id,activity,start_timestamp,complete_timestamp\n"
                                    "c1,pre_assessment,2011-01-03 09:00,2011-01-03 09:30\n"
                                    "c1,Nybesök,2011-01-04 09:00,2011-01-04 10:30\n")
    with pytest.raises(InputError) as err:
        read_log(tmp_path / "b.csv")
    assert (err.value.row, err.value.column) == (3, "activity") and "Nybesök" in str(err.value)
