"""The command line end to end: one real run writes a summary and weekly table that agree with
the in-process model, and the optional event log is internally consistent."""

from __future__ import annotations

import csv
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ORGS, differing_keys, events_by_household, make_config, run_config

from sim.analysis import metrics
from sim.model.recorder import EVENT_COLUMNS

REPO = Path(__file__).resolve().parent.parent
HORIZON_WEEKS = 30
ARGS = ("org=farsta", "seed=3", f"horizon_weeks={HORIZON_WEEKS}", "warmup_weeks=10")
CONTRACT = (
    "first_visit_wait_weeks", "acute_decision_days", "reception_decision_days",
    "reception_caseload_per_caseworker", "caseload_per_caseworker", "caseload_per_payment_officer",
    "households_in_stock", "arrivals", "exits", "months_on_assistance", "late_payment_share",
    "followups_on_time_share",
)
WEEKLY_COLUMNS = (
    "week", "reception", "referral", "long_term", "dormant", "first_visit_queue", "referral_queue",
    "reception_caseload_per_caseworker", "caseload_per_caseworker", "caseload_per_payment_officer",
    "max_caseload_per_caseworker", "overflow", "reinforcement_active",
    *(f"{what}.{group}" for group in ("labour_market", "sick_listed", "young_adult") for what in ("stock", "caseload")),
    "first_visit_wait_weeks", "households_in_stock",
)


def cli(out: Path, *extra: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}
    proc = subprocess.run([sys.executable, "-m", "sim", *ARGS, *extra, f"hydra.run.dir={out}"],
                          cwd=REPO, capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


def strict_json(path: Path) -> dict:
    def reject(name):
        raise ValueError(f"non-standard JSON constant {name} in {path}")
    return json.loads(path.read_text(encoding="utf-8"), parse_constant=reject)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def plain(tmp_path_factory):
    out = tmp_path_factory.mktemp("plain")
    proc = cli(out)
    return out, proc


@pytest.fixture(scope="module")
def logged(tmp_path_factory):
    out = tmp_path_factory.mktemp("logged")
    cli(out, "event_log=true")
    return out


@pytest.fixture(scope="module")
def in_process():
    return run_config(make_config("farsta", seed=3, horizon_weeks=30.0, warmup_weeks=10.0, start="steady_state"))


def test_summary_has_the_contract_keys(plain, in_process):
    out, proc = plain
    summary = strict_json(out / "summary.json")
    for key in CONTRACT:
        assert key in summary, key
    roles = in_process.staff.by_role
    for role in roles:
        shares = {k: v for k, v in summary.items() if k.startswith(f"time_share.{role}.")}
        assert shares, role
        assert sum(shares.values()) == pytest.approx(1.0, abs=1e-9)
    assert summary["org"] == "Farsta" and summary["seed"] == 3
    assert summary["arrivals"] > 0 and summary["exits"] > 0
    assert "Farsta" in proc.stdout  # the headline table


def test_summary_equals_the_in_process_summary(plain, in_process):
    """Same config, same seed: the CLI and the library give the very same numbers."""
    out, _ = plain
    cli_summary = strict_json(out / "summary.json")
    expected = metrics.summary(in_process)
    assert cli_summary.keys() == expected.keys()
    # summary.json stores NaN as null.
    expected = {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in expected.items()}
    assert differing_keys(cli_summary, expected) == []


def test_weekly_csv_matches_the_run(plain, in_process):
    out, _ = plain
    rows = read_csv(out / "weekly.csv")
    assert rows and tuple(rows[0].keys()) == WEEKLY_COLUMNS
    weeks = [float(r["week"]) for r in rows]
    assert weeks == [float(k) for k in range(1, len(rows) + 1)]  # one row per week, in order
    frame = metrics.weekly_frame(in_process)
    assert len(rows) == len(frame)
    for row, (_, expected) in zip(rows, frame.iterrows()):
        for col in ("reception", "referral", "long_term", "dormant", "households_in_stock"):
            assert int(row[col]) == expected[col], col
        assert float(row["caseload_per_caseworker"]) == pytest.approx(expected["caseload_per_caseworker"])


def test_weekly_csv_has_one_row_per_simulated_week(plain):
    out, _ = plain
    rows = read_csv(out / "weekly.csv")
    assert len(rows) == HORIZON_WEEKS


def test_event_log_is_consistent(logged, in_process):
    events = read_csv(logged / "events.csv")
    assert events and tuple(events[0].keys())[:len(EVENT_COLUMNS)] == EVENT_COLUMNS
    first: dict[str, tuple[float, str]] = {}
    for row in events:
        start, end = float(row["start"]), float(row["end"])
        assert 0.0 <= start <= end <= in_process.end, row
        hid = row["household"]
        if hid not in first or start < first[hid][0]:
            first[hid] = (start, row["activity"])
    arrived = {h: a for h, (_, a) in first.items() if int(h) > 0}
    assert len(arrived) > 100
    assert set(arrived.values()) == {"pre_assessment"}  # an arriving household starts at reception
    # Household ids are those of arrivals: 1..n without gaps beyond the last one seen; the steady-state stock
    # present at the start has ids -1, -2, ... (tests/test_steady_state.py)
    ids = sorted(int(h) for h in arrived)
    assert ids[0] >= 1 and ids[-1] <= len(in_process.rec.arrivals)
    assert len(first) > len(arrived)


def test_event_log_equals_the_in_process_log_and_leaves_summary_unchanged(logged, plain):
    run = run_config(make_config("farsta", seed=3, horizon_weeks=30.0, warmup_weeks=10.0, event_log=True,
                                 start="steady_state"))
    events = read_csv(logged / "events.csv")
    assert len(events) == len(run.rec.events) > 0
    for row, expected in zip(events, run.rec.events):
        assert (int(row["household"]), row["activity"], row["role"], row["resource"]) == expected[:4]
        assert (float(row["start"]), float(row["end"])) == pytest.approx(expected[4:], rel=1e-12)
    assert len({row["household"] for row in events}) == len(events_by_household(run))
    plain_out, _ = plain
    assert strict_json(logged / "summary.json") == strict_json(plain_out / "summary.json")


def test_no_event_log_by_default(plain):
    out, _ = plain
    assert not (out / "events.csv").exists()
    assert (out / "weekly.csv").stat().st_size > 0


@pytest.mark.parametrize("org", ORGS)
def test_test_configs_equal_hydra_composition(org):
    """The suite's make_config builds exactly what Hydra composes for the CLI (sim.config.compose)."""
    from sim.config.compose import load_config

    overrides = {"seed": 3, "horizon_weeks": 30.0, "warmup_weeks": 10.0, "start": "steady_state"}
    hydra_cfg = load_config([f"org={org}", *(f"{k}={v}" for k, v in overrides.items())])
    assert make_config(org, **overrides) == hydra_cfg
    assert make_config(org, **overrides) != make_config(org, seed=4, horizon_weeks=30.0, warmup_weeks=10.0)
