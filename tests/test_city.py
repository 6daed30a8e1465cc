"""A city (``org=stockholm``): districts as independent runs, aggregated into city figures."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace

import numpy as np
import pytest
from conftest import REPO

from sim.analysis.city import SUMS
from sim.analysis.metrics import summary
from sim.analysis.replication import replicate
from sim.config.compose import load_config, load_district, resolve, scaled
from sim.config.schema import CityDistrict, ConfigError
from sim.config.validate import validate
from sim.model.city import district_configs
from sim.model.run import Run

SHORT = ["horizon_weeks=20", "warmup_weeks=5"]


def city(*districts: tuple[str, str, float], seed: int = 0):
    cfg = load_config(["org=stockholm", *SHORT, f"seed={seed}"])
    return validate(resolve(replace(
        cfg, org=replace(cfg.org, districts=[CityDistrict(n, o, s) for n, o, s in districts]))))


def test_stockholm_has_the_fourteen_districts_of_the_sources():
    cfg = load_config(["org=stockholm"])
    assert cfg.org.kind == "city" and len(cfg.org.districts) == 14  # 003: 14 district administrations
    names = {d.name for d in cfg.org.districts}
    assert {"Farsta", "Södermalm", "Hässelby-Vällingby"} <= names  # the three studied (004) at scale 1
    assert all(d.scale == 1.0 for d in cfg.org.districts if d.name in ("Farsta", "Södermalm", "Hässelby-Vällingby"))


def test_adding_a_district_does_not_change_the_others():
    two = replicate(city(("A", "farsta", 1.0), ("B", "sodermalm", 0.7))).summary()
    three = replicate(city(("A", "farsta", 1.0), ("C", "hasselby_vallingby", 1.2), ("B", "sodermalm", 0.7))).summary()
    for name in ("A", "B"):
        for key in ("first_visit_wait_weeks", "households_in_stock", "cost_sek_per_year"):
            assert two[f"district.{name}.{key}"] == three[f"district.{name}.{key}"], (name, key)


def test_city_figures_are_the_sums_and_weighted_means_of_its_districts_run_alone():
    cfg = city(("A", "farsta", 1.0), ("B", "hasselby_vallingby", 0.6))
    city_summary = replicate(cfg).summary()
    alone = [summary(Run(c).execute()) for c in district_configs(cfg)]
    for key in ("households_in_stock", "arrivals", "cost_sek_per_year"):
        assert key in SUMS
        assert city_summary[key] == pytest.approx(sum(a[key] for a in alone), rel=1e-12)
    lt = np.array([a["fte.long_term"] for a in alone])
    caseloads = np.array([a["caseload_per_caseworker"] for a in alone])
    assert city_summary["caseload_per_caseworker"] == pytest.approx(float(np.average(caseloads, weights=lt)))
    assert city_summary["fte.long_term"] == pytest.approx(lt.sum())


def test_a_scaled_district_scales_arrivals_and_every_staff_pool():
    base = load_district("hasselby_vallingby")
    big = scaled(base, 1.5, "Big")
    assert big.arrivals_per_week == pytest.approx(1.5 * base.arrivals_per_week)
    for get in (lambda o: o.reception.caseworkers, lambda o: o.reception.pre_assessment,
                lambda o: o.long_term.caseworkers, lambda o: o.payment.officers,
                lambda o: o.payment.cash_office, lambda o: o.deputy_managers):
        assert get(big) == pytest.approx(1.5 * get(base))
    assert big.households == base.households and big.payment_pairing == base.payment_pairing


def test_a_scaled_district_gets_about_scale_times_the_arrivals():
    """Arrivals are Poisson: the count over the measured weeks lies within 4 standard errors of scale x rate."""
    cfg = city(("Big", "farsta", 2.0))
    s = replicate(cfg).summary()
    expected = 2.0 * load_district("farsta").arrivals_per_week * (cfg.horizon_weeks - cfg.warmup_weeks)
    assert abs(s["arrivals"] - expected) < 4 * np.sqrt(expected), (s["arrivals"], expected)


def test_a_city_replication_is_reproducible():
    cfg = city(("A", "farsta", 0.5), ("B", "sodermalm", 0.5), seed=3)
    assert replicate(cfg).summary() == replicate(cfg).summary()


@pytest.mark.parametrize("override, key", [
    ("org.reception.caseworkers=3", "org.reception.caseworkers"),
    ("org.arrivals_per_week=10", "org.arrivals_per_week"),
    ("org.districts=[{name: A, org: farstaa, scale: 1}]", "org.districts[0].org"),
    ("org.districts=[{name: A, org: farsta, scale: 0}]", "org.districts[0].scale"),
    ("org.districts=[{name: A, org: farsta, scale: 1}, {name: A, org: sodermalm, scale: 1}]", "org.districts[1].name"),
    ("org.districts=[]", "org.districts"),
])
def test_bad_city_input_names_the_key(override, key):
    with pytest.raises(ConfigError) as err:
        load_config(["org=stockholm", override])
    assert err.value.key == key


def test_a_district_cannot_have_districts():
    with pytest.raises(ConfigError) as err:
        load_config(["org=farsta", "org.districts=[{name: A, org: farsta, scale: 1}]"])
    assert err.value.key == "org.districts"


def test_city_cli_writes_the_city_summary_and_one_row_per_district(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "sim", "org=stockholm", *SHORT,
                           "org.districts=[{name: A, org: farsta, scale: 1}, {name: B, org: sodermalm, scale: 0.5}]",
                           f"hydra.run.dir={tmp_path}"], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    import json

    import pandas as pd

    s = json.loads((tmp_path / "summary.json").read_text())
    rows = pd.read_csv(tmp_path / "districts.csv")
    assert list(rows["district"]) == ["A", "B"]
    assert s["households_in_stock"] == pytest.approx(rows["households_in_stock"].sum())
    assert "Stockholm" in proc.stdout


def test_an_experiment_compares_variants_across_a_whole_city(tmp_path):
    """A city experiment: every district gets the variant; CRN pairs the city replications."""
    from sim.experiments.compare import run_experiment
    from sim.experiments.spec import ExperimentSpec

    two = "org.districts=[{name: A, org: farsta, scale: 0.5}, {name: B, org: sodermalm, scale: 0.5}]"
    spec = ExperimentSpec(name="city", title="Two-district city", org="stockholm", replications=2,
                          horizon_weeks=20.0, warmup_weeks=5.0, baseline="base", overrides=[two],
                          variants={"base": [],
                                    "admins": ["variant=[as_is,module_admins]", "variant.module_admins.fte=1"]})
    _, summary, details = run_experiment(spec, tmp_path, workers=1)
    cost = summary[summary["metric"] == "cost_sek_per_year"].set_index("variant")
    assert cost.loc["admins", "diff"] > 0  # one administrator per district is paid for
    # common random numbers across the whole city: the same households arrive in both variants
    arrivals = summary[summary["metric"] == "arrivals"].set_index("variant")
    assert arrivals.loc["base", "mean"] > 0 and arrivals.loc["admins", "diff"] == 0
    assert details[0]["waits"] and details[0]["weekly"]["households_in_stock"]
    assert (tmp_path / "report.html").exists() and "Two-district city" in (tmp_path / "report.html").read_text()


def test_an_experiment_on_the_mm1_reduction_is_refused():
    from sim.experiments.compare import variant_configs
    from sim.experiments.spec import ExperimentSpec

    spec = ExperimentSpec(name="c", org="mmc", baseline="a", variants={"a": [], "b": []})
    with pytest.raises(ConfigError) as err:
        variant_configs(spec, 2)
    assert err.value.key == "experiment.org"
