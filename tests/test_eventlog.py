"""The event log as process-mining tools read it: pm4py reads the XES back, and the process it
discovers stays inside the model's own process map (sim.outputs.eventlog.PROCESS_MAP)."""

from __future__ import annotations

import os
from datetime import datetime

import numpy as np
import pandas as pd
import pytest
from conftest import make_config, run_config

from sim.model import units
from sim.outputs import eventlog

if os.environ.get("CI", "").lower() == "true":
    import pm4py  # under CI the test extra is installed: never skip
else:
    pm4py = pytest.importorskip("pm4py", reason="pm4py is in the test extra: pip install -e '.[test]'")


@pytest.fixture(scope="module")
def logged(tmp_path_factory):
    """A log of whole cases: from an empty office, so every case is seen from its first contact."""
    run = run_config(make_config("hasselby_vallingby", seed=2, horizon_weeks=40.0, warmup_weeks=0.0,
                                 event_log=True, start="empty"))
    out = tmp_path_factory.mktemp("log")
    eventlog.write(run, out)
    return run, out


def test_from_the_steady_state_only_the_households_present_at_the_start_join_mid_case():
    """The steady-state stock (negative case ids) is in long-term care or between episodes at week 0: most of
    their cases begin mid-way (a returning one at reception); every household that arrives begins at reception."""
    run = run_config(make_config("farsta", seed=1, horizon_weeks=6.0, warmup_weeks=0.0, event_log=True,
                                 start="steady_state"))
    first: dict[int, str] = {}
    for case, activity, *_ in sorted(run.rec.events, key=lambda e: e[4]):
        first.setdefault(case, activity)
    arrived = {c: a for c, a in first.items() if c > 0}
    present = {c: a for c, a in first.items() if c < 0}
    assert arrived and present
    assert set(arrived.values()) <= {"pre_assessment", "scan"}
    mid_case = [a for a in present.values() if a not in ("pre_assessment", "scan")]
    assert len(mid_case) > 0.9 * len(present)


def test_working_hours_become_calendar_time_skipping_nights_and_weekends():
    assert eventlog.timestamp(0.0) == datetime(2011, 1, 3, 8, 0)
    assert eventlog.timestamp(7.5) == datetime(2011, 1, 3, 15, 30)
    assert eventlog.timestamp(units.HOURS_PER_DAY) == datetime(2011, 1, 4, 8, 0)  # next morning
    assert eventlog.timestamp(units.WEEK + 1.0) == datetime(2011, 1, 10, 9, 0)  # Monday after the weekend
    for t in (0.0, 3.25, 17.0, 41.5, 1234.75):
        assert eventlog.working_hours(eventlog.timestamp(t)) == pytest.approx(t)


def test_pm4py_reads_back_every_event_case_and_resource(logged):
    run, out = logged
    log = pm4py.read_xes(str(out / "events.xes"))
    assert len(log) == len(run.rec.events)
    assert log["case:concept:name"].nunique() == len({e[0] for e in run.rec.events})
    assert set(log["concept:name"]) == {e[1] for e in run.rec.events}
    assert set(log["org:resource"]) == {e[3] for e in run.rec.events}
    csv = pd.read_csv(out / "events.csv")
    assert (pd.to_datetime(csv["start_timestamp"]) <= pd.to_datetime(csv["complete_timestamp"])).all()


def discovered_edges(frame: pd.DataFrame) -> tuple[set, set]:
    dfg, starts, _ = pm4py.discover_dfg(frame)
    return set(dfg), set(starts)


def test_the_discovered_process_stays_inside_the_model_s_process_map(logged):
    run, out = logged
    frame = pm4py.read_xes(str(out / "events.xes"))
    edges, starts = discovered_edges(frame)
    activities = {a for edge in edges for a in edge} | starts
    assert set(eventlog.CORE) <= activities <= set(eventlog.ACTIVITIES)
    outside = {(a, b) for a, b in edges if b not in eventlog.PROCESS_MAP[a]}
    assert not outside, sorted(outside)
    assert starts <= {"pre_assessment", "scan"}  # every case starts at reception
    for edge in [("pre_assessment", "first_visit"), ("first_visit", "decision"), ("decision", "reception_payment"),
                 ("reception_payment", "cash_check"), ("cash_check", "referral_review"),
                 ("first_meeting", "work_plan")]:
        assert edge in edges, edge


def test_a_log_with_its_steps_shuffled_falls_outside_the_map(logged):
    """The check above can fail: the same events with each case's activities in random order do."""
    _, out = logged
    frame = pm4py.read_xes(str(out / "events.xes"))
    rng = np.random.default_rng(0)
    shuffled = frame.copy()
    shuffled["concept:name"] = shuffled.groupby("case:concept:name")["concept:name"].transform(
        lambda s: rng.permutation(s.to_numpy()))
    edges, _ = discovered_edges(shuffled)
    assert {(a, b) for a, b in edges if b not in eventlog.PROCESS_MAP[a]}
