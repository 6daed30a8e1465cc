"""Bad configuration ends in a short message naming the key, never a traceback.

The command-line checks run ``python -m sim`` in a subprocess from the repository root; the
``validate`` checks call :func:`sim.config.validate` directly and assert ``ConfigError.key``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ORGS, make_config

from sim.config.schema import ConfigError
from sim.config.validate import validate
from sim.config.vocabulary import TASKS

REPO = Path(__file__).resolve().parent.parent


def run_cli(tmp_path: Path, *overrides: str) -> subprocess.CompletedProcess:
    """``python -m sim`` with a 3-week horizon unless the overrides set one (the last one wins)."""
    env = {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}
    return subprocess.run(
        [sys.executable, "-m", "sim", "horizon_weeks=3", "warmup_weeks=1", *overrides,
         f"hydra.run.dir={tmp_path}"],
        cwd=REPO, capture_output=True, text=True, timeout=120, env=env,
    )


def output(proc: subprocess.CompletedProcess) -> str:
    return proc.stdout + proc.stderr


def assert_clean_failure(proc: subprocess.CompletedProcess, tmp_path: Path) -> str:
    text = output(proc)
    assert proc.returncode != 0, text
    assert "Traceback" not in text, text
    assert not (tmp_path / "summary.json").exists()  # nothing was simulated
    return text


def test_unknown_key_is_rejected(tmp_path):
    text = assert_clean_failure(run_cli(tmp_path, "org.reception.caseworkrs=7"), tmp_path)
    assert "caseworkrs" in text


def test_wrong_type_is_rejected(tmp_path):
    text = assert_clean_failure(run_cli(tmp_path, "org.reception.caseworkers=abc"), tmp_path)
    assert "org.reception.caseworkers" in text and "abc" in text


def test_negative_staff_exits_2_naming_the_key(tmp_path):
    proc = run_cli(tmp_path, "org.long_term.caseworkers=-3")
    text = assert_clean_failure(proc, tmp_path)
    assert proc.returncode == 2
    assert "org.long_term.caseworkers" in text and "-3" in text
    assert len(proc.stderr.strip().splitlines()) == 1  # a one-line message


def test_target_group_shares_must_sum_to_one(tmp_path):
    proc = run_cli(tmp_path, "org=farsta", "org.households.target_groups.young_adult=0.3")
    text = assert_clean_failure(proc, tmp_path)
    assert proc.returncode == 2
    assert "org.households.target_groups" in text


def test_unknown_org_lists_the_available_ones(tmp_path):
    text = assert_clean_failure(run_cli(tmp_path, "org=atlantis"), tmp_path)
    assert "atlantis" in text
    for org in ORGS:
        assert org in text, org


def test_validation_error_in_process_section(tmp_path):
    proc = run_cli(tmp_path, "process.analysis.family=weibull")
    text = assert_clean_failure(proc, tmp_path)
    assert proc.returncode == 2 and "process.analysis.family" in text


def test_negative_seed_is_a_config_error(tmp_path):
    proc = run_cli(tmp_path, "seed=-1")
    text = output(proc)
    assert "Traceback" not in text and "ValueError" not in text
    assert proc.returncode == 2 and "seed" in text


def test_sub_week_horizon_is_refused(tmp_path):
    """Half a week has no weekly snapshot to measure: refused by name, not run into empty figures."""
    proc = run_cli(tmp_path, "horizon_weeks=0.5", "warmup_weeks=0.1")
    text = output(proc)
    assert "Traceback" not in text
    assert proc.returncode == 2 and "horizon_weeks = 0.5" in text and "at least 1 week" in text
    assert not (tmp_path / "summary.json").exists()


# --- validate() ---------------------------------------------------------------------------

def check(key: str, **overrides) -> ConfigError:
    cfg = make_config("farsta", validated=False, **overrides)
    with pytest.raises(ConfigError) as info:
        validate(cfg)
    assert info.value.key == key
    assert key in str(info.value)
    return info.value


@pytest.mark.parametrize("org", ORGS)
def test_shipped_configs_are_valid(org):
    cfg = make_config(org, validated=False)
    assert validate(cfg) is cfg


@pytest.mark.parametrize("key, value", [
    ("org.households.acute_share", 1.5),
    ("org.households.refusal_share", -0.1),
    ("org.households.return_share", 2.0),
    ("process.followup_meeting_share", 1.01),
    ("process.appeal_per_household_month", -0.5),
    ("timeuse.cash_office_overhead", 1.2),
])
def test_share_outside_unit_interval(key, value):
    err = check(key, dotted={key: value})
    assert err.value == value


def test_share_of_exactly_one_overhead_is_rejected():
    check("timeuse.deputy_manager_overhead", timeuse__deputy_manager_overhead=1.0)


@pytest.mark.parametrize("dist, key", [
    ({"family": "lognormal", "mean": 3.5, "cv": 0.0}, "process.analysis.cv"),
    ({"family": "gamma", "mean": 3.5, "cv": 0.0}, "process.analysis.cv"),
    ({"family": "weibull", "mean": 3.5, "cv": 0.3}, "process.analysis.family"),
    ({"family": "uniform", "mean": 3.5, "cv": 0.9}, "process.analysis.cv"),
    ({"family": "fixed", "mean": 3.5, "cv": 0.2}, "process.analysis.cv"),
    ({"family": "exponential", "mean": 3.5, "cv": 0.5}, "process.analysis.cv"),
    ({"family": "lognormal", "mean": 0.0, "cv": 0.3}, "process.analysis.mean"),
    ({"family": "lognormal", "mean": -1.0, "cv": 0.3}, "process.analysis.mean"),
    ({"family": "lognormal", "mean": 1.0, "cv": -0.3}, "process.analysis.cv"),
])
def test_impossible_distribution(dist, key):
    check(key, dotted={"process.analysis": dist})


def test_impossible_household_distribution():
    check("org.households.need_months.cv",
          dotted={"org.households.need_months": {"family": "uniform", "mean": 6.0, "cv": 0.9}})
    check("org.households.return_gap_months.family",
          dotted={"org.households.return_gap_months": {"family": "pareto", "mean": 4.0, "cv": 1.0}})


@pytest.mark.parametrize("distribution_ok", [
    {"family": "uniform", "mean": 3.5, "cv": 0.577},
    {"family": "exponential", "mean": 2.0, "cv": 0.0},
    {"family": "fixed", "mean": 2.0, "cv": 0.0},
])
def test_possible_distributions_pass(distribution_ok):
    validate(make_config("farsta", validated=False, dotted={"process.analysis": distribution_ok}))


@pytest.mark.parametrize("horizon, warmup", [(30.0, 30.0), (30.0, 40.0)])
def test_warmup_must_be_shorter_than_horizon(horizon, warmup):
    check("warmup_weeks", horizon_weeks=horizon, warmup_weeks=warmup)


def test_negative_warmup_and_horizon():
    check("warmup_weeks", warmup_weeks=-1.0)
    check("horizon_weeks", horizon_weeks=0.0)


@pytest.mark.parametrize("pre", [7.0, 9.0])
def test_pre_assessment_must_leave_first_visit_staff(pre):
    check("org.reception.pre_assessment", org__reception__pre_assessment=pre)  # Farsta has 7


@pytest.mark.parametrize("key", [
    "org.reception.caseworkers", "org.long_term.caseworkers", "org.payment.officers",
    "org.payment.cash_office", "org.deputy_managers", "org.arrivals_per_week",
])
@pytest.mark.parametrize("value", [0.0, -3.0, float("inf")])
def test_staff_and_inflow_must_be_positive(key, value):
    check(key, dotted={key: value})


def test_negative_booking_notice():
    check("org.reception.booking_notice_weeks", org__reception__booking_notice_weeks=-1.0)


def test_bad_timeuse_column():
    err = check("timeuse.column", timeuse__column="elderly")
    assert "adults" in err.allowed


def test_unknown_overhead_activity_and_full_overhead():
    check("timeuse.overhead", timeuse__overhead=["group_meeting", "coffee"])
    from sim.config import ramboll as timeuse
    check("timeuse.overhead", timeuse__overhead=list(timeuse.ACTIVITIES))


@pytest.mark.parametrize("priorities", [
    list(TASKS[:-1]),                              # one missing
    list(TASKS) + ["appeal"],                      # a duplicate
    list(TASKS[:-1]) + ["coffee"],                 # an unknown task
    list(TASKS[:-1]) + [TASKS[0]],                 # duplicate instead of the missing one
], ids=["missing", "extra_duplicate", "unknown", "duplicate_for_missing"])
def test_priorities_must_be_a_permutation(priorities):
    check("process.priorities", process__priorities=priorities)


def test_reordered_priorities_are_valid():
    validate(make_config("farsta", validated=False, process__priorities=list(reversed(TASKS))))


def test_target_groups_sum_and_names():
    check("org.households.target_groups",
          dotted={"org.households.target_groups": {"labour_market": 0.5, "sick_listed": 0.3, "young_adult": 0.3}})
    check("org.households.target_groups.pensioner",
          dotted={"org.households.target_groups.pensioner": 0.0})
    check("org.households.target_groups.young_adult",
          dotted={"org.households.target_groups": {"labour_market": 0.9, "sick_listed": 0.4, "young_adult": -0.3}})


def test_negative_seed():
    check("seed", seed=-1)


@pytest.mark.parametrize("overrides, key", [
    (["org=mmc", "org.priority_classes=[1.0]"], "org.priority_classes"),
    (["org=mmc", "org.priority_classes=[0.5,0.6]"], "org.priority_classes"),
    (["org=farsta", "org.priority_classes=[0.5,0.5]"], "org.priority_classes"),
    (["org=tandem", "org.stations=[]"], "org.stations"),
    (["org=tandem", "org.stations=[{servers: 1, service_hours_mean: 0.5}]", "org.arrivals_per_hour=2"],
     "org.arrivals_per_hour"),
    (["org=tandem", "org.stations=[{servers: 0, service_hours_mean: 0.5}]"], "org.stations[0].servers"),
    (["org=farsta", "org.stations=[{servers: 1, service_hours_mean: 0.5}]"], "org.stations"),
])
def test_a_bad_reduction_names_the_key(overrides, key):
    """The validation reductions' own settings: priority classes, stations, a stable load."""
    from sim.config.compose import load_config

    with pytest.raises(ConfigError) as err:
        load_config(overrides)
    assert err.value.key == key
