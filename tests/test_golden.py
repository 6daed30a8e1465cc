"""Golden regression files: the exact outputs the model produces, committed in ``tests/golden/``.

Any change that moves a number fails here. If the change is deliberate, regenerate with
``python -m pytest tests/test_golden.py --force-regen`` and say in the commit message which
numbers moved and why (the brief's "numbers change on purpose").
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tiny_experiment import run_tiny

from sim.config.compose import load_config
from sim.experiments.single_run import run_one

GOLDEN = Path(__file__).resolve().parent / "golden"
DISTRICTS = ("farsta", "sodermalm", "hasselby_vallingby")
# The city at the README's example horizon (one measured year): the full default horizon would cost
# 14 districts x 5 years in every test run, and the districts above already pin the default horizon.
CITY = ("org=stockholm", "seed=1", "horizon_weeks=104", "warmup_weeks=52")
MMC = ("org=mmc", "seed=1", "org.servers=5", "org.arrivals_per_hour=4", "org.service_hours_mean=1")


def _summary_text(overrides, tmp_path: Path) -> str:
    run_one(load_config(list(overrides)), tmp_path)
    return (tmp_path / "summary.json").read_text(encoding="utf-8")


@pytest.mark.parametrize("org", DISTRICTS)
def test_district_summary_is_unchanged(org, tmp_path, file_regression):
    """Each district, seed 1, default horizon (260 weeks, 156 of warm-up): summary.json byte for byte."""
    text = _summary_text([f"org={org}", "seed=1"], tmp_path)
    file_regression.check(text, fullpath=GOLDEN / f"summary_{org}.json")


def test_city_summary_is_unchanged(tmp_path, file_regression):
    file_regression.check(_summary_text(CITY, tmp_path), fullpath=GOLDEN / "summary_stockholm.json")


def test_mmc_summary_is_unchanged(tmp_path, file_regression):
    file_regression.check(_summary_text(MMC, tmp_path), fullpath=GOLDEN / "summary_mmc.json")


def test_experiment_summary_is_unchanged(tmp_path, file_regression):
    """The tiny experiment (2 variants x 2 replications): summary.csv byte for byte."""
    run_tiny(tmp_path)
    text = (tmp_path / "summary.csv").read_text(encoding="utf-8")
    file_regression.check(text, fullpath=GOLDEN / "experiment_summary.csv")


# Every variant and the workforce, at a short horizon: the code paths the default run never takes
# (specialisation, module administrators, common reception, caps, reinforcement, pairing, people).
VARIANT_RUNS = {
    "hv_variants": ("org=hasselby_vallingby", "seed=1", "horizon_weeks=104", "warmup_weeks=52",
                    "variant=[specialised,module_admins,common_reception,caseload_cap,reinforcement,paired]",
                    "org.arrivals_per_week=36", "workforce=farsta_2011", "variant.specialisation.specialist_speed=0.9",
                    "variant.caseload_cap=84", "variant.payment.self_pay_after_days=0.5"),
    "farsta_workforce": ("org=farsta", "seed=2", "horizon_weeks=104", "warmup_weeks=52", "workforce=farsta_2011",
                         "variant=[broad,own_reception,caseworker_owns,mentoring]",
                         "workforce.roles=[long_term,reception,payment_officer,deputy_manager,cash_office]",
                         "process.finish_same_day=[first_visit,payment]", "event_log=true"),
}


@pytest.mark.parametrize("name", sorted(VARIANT_RUNS))
def test_variant_summary_is_unchanged(name, tmp_path, file_regression):
    file_regression.check(_summary_text(VARIANT_RUNS[name], tmp_path), fullpath=GOLDEN / f"summary_{name}.json")
