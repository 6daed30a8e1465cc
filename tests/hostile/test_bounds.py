"""Hostile numbers (issue 14): every number has a plausible range, and a value outside it is refused in one
line naming the key, the value and the range, exit status 2, no traceback, before anything is simulated
(``LIMITS`` in sim/config/validate.py). A long single run says first how long it will take and then how far
it has got, without changing a number. The test suite changes the machine (apt-get, daemons, a cluster) only
when asked (tests/machine.py).
"""

from __future__ import annotations

import importlib
import io
import json
import math
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import make_config
from machine import HOW, OPT_IN, chromium_plan, may_change_machine, slurm_plan

from sim.config.compose import load_config
from sim.config.errors import ConfigError
from sim.experiments import single_run
from sim.model.run import PROGRESS

bounds = importlib.import_module("sim.config.validate")  # the module (sim.config re-exports the function)
REPO = Path(__file__).resolve().parents[2]

# (override, key named, value as printed, range as printed)
CASES = [
    ("org.reception.caseworkers=1e308", "org.reception.caseworkers", "1e+308", "(0, 500] FTE"),
    ("horizon_weeks=inf", "horizon_weeks", "inf", "[1, 2600] weeks"),
    ("horizon_weeks=100000", "horizon_weeks", "100000.0", "[1, 2600] weeks"),
    ("org.arrivals_per_week=1e6", "org.arrivals_per_week", "1000000.0", "(0, 5000] households a week"),
    ("org.households.need_months.mean=1e308", "org.households.need_months.mean", "1e+308", "(0, 600] months"),
    ("org.long_term.caseworkers=501", "org.long_term.caseworkers", "501.0", "(0, 500] FTE"),
    ("org.payment.officers=1e9", "org.payment.officers", "1000000000.0", "(0, 500] FTE"),
    ("org.payment.cash_office=1e300", "org.payment.cash_office", "1e+300", "(0, 500] FTE"),
    ("org.deputy_managers=10000", "org.deputy_managers", "10000.0", "(0, 500] FTE"),
    ("process.analysis.mean=1e308", "process.analysis.mean", "1e+308", "(0, 160] hours"),
    ("process.first_visit.cv=1e308", "process.first_visit.cv", "1e+308", "[0, 10]"),
    ("org.households.return_gap_months.mean=1e6", "org.households.return_gap_months.mean", "1000000.0",
     "(0, 600] months"),
    ("process.late_payment_days=1e100", "process.late_payment_days", "1e+100", "(0, 365] days"),
    ("org.reception.eviction_notices_per_week=1e7", "org.reception.eviction_notices_per_week", "10000000.0",
     "[0, 5000] a week"),
    ("seed=99999999999999999999", "seed", "99999999999999999999", "[0, 9.22337e+18]"),
    ("variant.caseload_cap=1e9", "variant.caseload_cap", "1000000000.0", "[0, 1000] households per FTE"),
    ("costs.caseworker=1e20", "costs.caseworker", "1e+20", "[0, 1e+08] SEK a year"),
    ("workforce.leavers_per_year=1000", "workforce.leavers_per_year", "1000.0", "[0, 10] per FTE a year"),
    ("org.reception.booking_notice_weeks=1e5", "org.reception.booking_notice_weeks", "100000.0", "[0, 52] weeks"),
    ("org=mmc org.arrivals_per_hour=1e6 org.servers=10000000", "org.servers", "10000000", "[1, 1000] servers"),
]


def cli(tmp_path: Path, *overrides: str) -> subprocess.CompletedProcess:
    args = [a for o in overrides for a in o.split()]
    return subprocess.run([sys.executable, "-m", "sim", *args, f"hydra.run.dir={tmp_path / 'run'}"], cwd=REPO,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(("override", "key", "value", "limits"), CASES, ids=[c[0] for c in CASES])
def test_an_implausible_number_is_refused_in_one_line(tmp_path, override, key, value, limits):
    proc = cli(tmp_path, override)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    lines = proc.stderr.strip().splitlines()
    assert 1 <= len(lines) <= 3, proc.stderr
    assert f"{key} = {value}:" in proc.stderr, proc.stderr
    assert limits in proc.stderr, proc.stderr
    assert "LIMITS in sim/config/validate.py" in proc.stderr
    assert not (tmp_path / "run" / "summary.json").exists()


def test_every_number_of_every_shipped_config_has_a_plausible_range_and_lies_in_it():
    for org in sorted(p.stem for p in (REPO / "configs" / "org").glob("*.yaml")):
        cfg = load_config([f"org={org}"])  # validated: the shipped values lie inside their ranges
        parts = [cfg, *(replace(cfg, org=d.resolved) for d in cfg.org.districts)]  # a city: its districts too
        for key, _ in (item for part in parts for item in bounds.numbers(part)):
            assert bounds.limit_for(key) is not None, f"{org}: {key} has no row in LIMITS"
    for key, limit in bounds.LIMITS.items():
        assert limit.low < limit.high and limit.why, key


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, 1e308, -1e-9])
def test_non_finite_and_negative_numbers_are_outside_every_range(value):
    for key in ("org.reception.pre_assessment", "workforce.recruitment_weeks", "costs.admin"):
        with pytest.raises(ConfigError) as err:
            bounds.check_limit(key, value)
        assert err.value.key == key


def test_the_edges_of_a_range_are_inside_and_an_open_low_edge_is_not():
    bounds.check_limit("org.reception.pre_assessment", 0.0)
    bounds.check_limit("org.reception.caseworkers", 500.0)
    with pytest.raises(ConfigError):
        bounds.check_limit("org.reception.caseworkers", 0.0)
    bounds.check_limit("org.stations[3].servers", 1000)  # a list index matches [*]
    with pytest.raises(ConfigError, match=r"org\.stations\[3\]\.servers"):
        bounds.check_limit("org.stations[3].servers", 1001)


def test_the_experiment_apps_limits_are_in_the_table_for_spec_to_check():
    bounds.check_limit("replications", 1000)
    with pytest.raises(ConfigError, match="replications"):
        bounds.check_limit("replications", 10**6)
    with pytest.raises(ConfigError, match="replications_x_variants"):
        bounds.check_limit("replications_x_variants", 1000 * 30)


# --- a long single run: the estimate first, then progress, the same numbers --------------------------

def test_the_estimate_grows_with_arrivals_staff_and_horizon_and_is_in_the_measured_range():
    base = single_run.estimate(make_config("hasselby_vallingby"))  # measured: 4-6 s, 60 MB at 130 weeks
    assert 2.5 < base.seconds < 12 and 40e6 < base.bytes < 150e6
    bigger = [make_config("hasselby_vallingby", org__arrivals_per_week=100.0),
              make_config("hasselby_vallingby", org__long_term__caseworkers=100.0),
              make_config("hasselby_vallingby", horizon_weeks=520.0)]
    assert all(single_run.estimate(c).seconds > base.seconds for c in bigger)
    most = make_config("hasselby_vallingby", org__arrivals_per_week=5000.0, horizon_weeks=2600.0)
    text = single_run.estimate(most).text()
    assert " h and " in text and "GB of memory" in text, text
    assert single_run.estimate(load_config(["org=stockholm"])).seconds > base.seconds  # a city: its districts
    assert single_run.estimate(make_config("mmc")).seconds > 0


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.suffix in (".json", ".csv")}


def test_a_long_run_prints_its_estimate_and_progress_and_gets_the_same_bytes(tmp_path, capsys):
    cfg = make_config("farsta", horizon_weeks=30.0, warmup_weeks=10.0)
    quiet, loud = tmp_path / "quiet", tmp_path / "loud"
    quiet.mkdir(), loud.mkdir()
    single_run.run_one(cfg, quiet)
    assert capsys.readouterr().err == ""  # below the threshold: nothing said
    single_run.run_one(cfg, loud, announce=0.0)  # as if it were long
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("Estimated: about ") and "of memory" in err[0] and "progress" in err[0], err
    weeks = [line.split()[1] for line in err[1:]]
    assert weeks == ["3", "6", "9", "12", "15", "18", "21", "24", "27", "30"], err
    assert "week 30 of 30 (100%)" in err[-1]
    assert PROGRESS.get() is None  # the listener is gone after the run
    assert _files(quiet) == _files(loud) and _files(quiet)  # chunked clock: byte-identical files


@pytest.mark.parametrize(("org", "horizon"), [("hasselby_vallingby", 21.5), ("mmc", 13.0), ("tandem", 7.25)])
def test_progress_never_changes_a_number(org, horizon):
    from sim.analysis import metrics
    from sim.analysis.replication import replicate
    cfg = make_config(org, horizon_weeks=horizon, warmup_weeks=2.0)
    plain = json.dumps(metrics.summary(replicate(cfg)), sort_keys=True, default=str)
    out = io.StringIO()
    token = PROGRESS.set(single_run.progress_printer(cfg, out))
    try:
        chunked = json.dumps(metrics.summary(replicate(cfg)), sort_keys=True, default=str)
    finally:
        PROGRESS.reset(token)
    assert chunked == plain
    assert out.getvalue().strip().splitlines()[-1].startswith(f"  week {horizon:g} of {horizon:g} (100%)")


def test_a_run_estimated_long_says_so_through_the_cli(tmp_path):
    proc = cli(tmp_path, "org=farsta horizon_weeks=40 warmup_weeks=10")  # ~1 s: says nothing
    assert proc.returncode == 0 and "Estimated" not in proc.stderr, proc.stderr
    long = make_config("farsta", horizon_weeks=260.0)  # five years: estimated above ANNOUNCE_SECONDS
    assert single_run.estimate(long).seconds > single_run.ANNOUNCE_SECONDS


# --- the suite changes the machine only when asked ----------------------------------------------------

OPTED_IN = ({"CI": "true"}, {"CI": "TRUE"}, {OPT_IN: "1"}, {OPT_IN: "yes"}, {"CI": "true", OPT_IN: "0"})
NOT_OPTED_IN = ({}, {"CI": "false"}, {"CI": "1"}, {OPT_IN: "0"}, {OPT_IN: ""}, {"SUDO_USER": "root"})


@pytest.mark.parametrize("environ", OPTED_IN, ids=str)
def test_ci_or_the_opt_in_may_change_the_machine(environ):
    assert may_change_machine(environ)


@pytest.mark.parametrize("environ", NOT_OPTED_IN, ids=str)
def test_without_either_nothing_is_installed_started_or_submitted(environ):
    assert not may_change_machine(environ)
    for root, apt, ctld in ((True, True, True), (True, True, False), (False, False, True)):
        action, reason = slurm_plan(environ, root=root, apt_get=apt, slurmctld=ctld)
        assert action == "skip" and OPT_IN in reason and "CI=true" in reason, reason
    assert chromium_plan(environ, chromium=False, root=True, apt_get=True) == \
        ("skip", f"the browser tests need Debian's chromium, which is not installed; install it, or {HOW}")
    assert chromium_plan(environ, chromium=True, root=True, apt_get=True)[0] == "use"  # touches nothing


@pytest.mark.parametrize(("root", "apt", "ctld"), [(True, True, False), (False, False, False), (False, True, True)])
def test_under_ci_the_services_never_skip(root, apt, ctld):
    assert slurm_plan({"CI": "true"}, root=root, apt_get=apt, slurmctld=ctld) == ("run", "")
    action, _ = chromium_plan({"CI": "true"}, chromium=False, root=root, apt_get=apt)
    assert action in ("install", "skip")  # a skip under CI=true is a failure (tests/browser.py unavailable)


def test_opted_in_the_fixtures_install_where_they_can_and_skip_where_they_cannot():
    opted = {OPT_IN: "1"}
    assert slurm_plan(opted, root=True, apt_get=True, slurmctld=False) == ("run", "")
    assert slurm_plan(opted, root=False, apt_get=False, slurmctld=True) == ("run", "")
    assert slurm_plan(opted, root=False, apt_get=True, slurmctld=False)[0] == "skip"
    assert chromium_plan(opted, chromium=False, root=True, apt_get=True) == ("install", "")
    assert chromium_plan(opted, chromium=False, root=False, apt_get=True)[0] == "skip"
