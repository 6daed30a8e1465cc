"""Sweeps (sim/experiments/sweep.py): a design's points run as an experiment's variants, written for researchers."""

from __future__ import annotations

import math
import subprocess
import sys

import pandas as pd
import pytest
from scipy import stats

from sim.config.schema import ConfigError
from sim.experiments.compare import run_experiment
from sim.experiments.design import DesignSpec
from sim.experiments.spec import ExperimentSpec
from sim.experiments.sweep import SweepSpec, point_names, run_sweep

KEY = "org.reception.booking_notice_weeks"
TINY = dict(org="hasselby_vallingby", replications=2, horizon_weeks=20.0, warmup_weeks=5.0)


def tiny_sweep(**design) -> SweepSpec:
    return SweepSpec(name="tiny_sweep", design=DesignSpec(**{"kind": "grid", "params": {KEY: [1.0, 2.5]}, **design}),
                     metrics=["first_visit_wait_weeks", "households_in_stock"], **TINY)


@pytest.fixture(scope="module")
def swept(tmp_path_factory):
    out = tmp_path_factory.mktemp("sweep")
    frame, per_point = run_sweep(tiny_sweep(), out, workers=1)
    return out, frame, per_point


def test_a_grid_sweep_gives_what_an_experiment_of_the_same_points_gives(swept, tmp_path):
    _, frame, _ = swept
    spec = ExperimentSpec(name="same_points", baseline="short", variants={"short": [f"{KEY}=1.0"],
                                                                          "long": [f"{KEY}=2.5"]}, **TINY)
    results, _, _ = run_experiment(spec, tmp_path, workers=1)
    by_variant = {"short": 1.0, "long": 2.5}
    expected = results.assign(**{KEY: results["variant"].astype(str).map(by_variant)})
    cols = [KEY, "replication", "metric"]
    mine = frame.set_index(cols)["value"].sort_index()
    theirs = expected.set_index(cols)["value"].sort_index()
    assert mine.index.equals(theirs.index) and (mine == theirs).all()  # the same numbers, not just close


def test_the_tables_hold_every_point_replication_and_metric_with_the_parameters(swept):
    out, frame, per_point = swept
    assert frame.columns.tolist() == ["point", KEY, "replication", "metric", "value"]
    assert sorted(frame["point"].unique()) == ["p0000", "p0001"]
    assert frame.groupby("point")["replication"].nunique().eq(2).all()
    assert pd.read_csv(out / "results.csv").shape == frame.shape
    wait = per_point[per_point["metric"] == "first_visit_wait_weeks"].set_index(KEY)
    raw = frame[frame["metric"] == "first_visit_wait_weeks"].groupby(KEY)["value"].mean()
    assert wait["mean"].to_dict() == pytest.approx(raw.to_dict(), rel=1e-12)
    assert (wait["ci_low"] <= wait["mean"]).all() and (wait["mean"] <= wait["ci_high"]).all()
    assert wait.loc[1.0, "mean"] < wait.loc[2.5, "mean"]  # a shorter notice: a shorter first-visit wait


def test_a_sweep_missing_a_replication_computes_only_that_and_writes_the_same_tables(swept):
    out, _, _ = swept
    before = (out / "results.csv").read_bytes()
    cached = sorted((out / "replications").glob("*.json"))
    kept = {p: p.stat().st_mtime_ns for p in cached[:1] + cached[2:]}
    cached[1].unlink()  # as if the run had been killed before this replication finished
    run_sweep(tiny_sweep(), out, workers=1)
    assert (out / "results.csv").read_bytes() == before
    assert sorted((out / "replications").glob("*.json")) == cached  # the missing one is back...
    assert {p: p.stat().st_mtime_ns for p in kept} == kept  # ...and no other was computed again


def test_point_names_sort_in_design_order():
    names = point_names(12000)
    assert names[0] == "p00000" and names == sorted(names)


def test_a_one_point_design_and_an_unknown_metric_are_refused(tmp_path):
    with pytest.raises(ConfigError) as err:
        run_sweep(tiny_sweep(params={KEY: [1.0]}), tmp_path / "one", workers=1)
    assert err.value.key == "sweep.design"
    bad = tiny_sweep()
    bad.metrics = ["first_visit_wiat_weeks"]
    with pytest.raises(ConfigError) as err:
        run_sweep(bad, tmp_path / "typo", workers=1)
    assert err.value.key == "sweep.metrics"
    assert "did you mean" in str(err.value) and "first_visit_wait_weeks" in str(err.value)
    assert not (tmp_path / "typo" / "replications").exists()  # refused before any replication ran


def run_cli(*args: str, cwd) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sim.sweep", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


def test_the_command_runs_a_sweep_file_and_says_where_the_wait_is_shortest(tmp_path):
    out = tmp_path / "grid"
    proc = run_cli("sweep=notice_grid", "replications=2", "sweep.horizon_weeks=20", "sweep.warmup_weeks=5",
                   f"hydra.run.dir={out}", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    points = pd.read_csv(out / "points.csv")
    assert points["point"].nunique() == 6 and set(points["metric"]) == {"first_visit_wait_weeks",
                                                                         "caseload_per_caseworker"}
    wait = points[points["metric"] == "first_visit_wait_weeks"]
    best = wait.loc[wait["mean"].idxmin()]
    assert f"lowest {best['mean']:.3g} at {best['point']}" in proc.stdout
    assert best[KEY] == 1.5  # the shortest notice
    # the page: the surface's cells are the points' means, as the table has them
    page = (out / "sweep.html").read_text(encoding="utf-8")
    assert "Response surface over reception: booking notice (weeks) and reception: caseworkers (FTE)" in page
    assert "Only 2 replications per point" in page  # said, not hidden
    assert f"Page: {out / 'sweep.html'}" in proc.stdout


@pytest.mark.parametrize("args, says", [
    (["sweep.surface=[org.reception.caseworkers]"], "sweep.surface"),
    (["sweep.surface=[org.reception.caseworkers,org.reception.caseworkerz]"], "two different keys of the design"),
])
def test_a_surface_not_over_two_of_the_designs_keys_is_refused(tmp_path, args, says):
    proc = run_cli("sweep=notice_grid", *args, f"hydra.run.dir={tmp_path / 'x'}", cwd=tmp_path)
    assert proc.returncode == 2 and says in proc.stderr and "Traceback" not in proc.stderr, proc.stderr


@pytest.mark.parametrize("args, says", [
    (["sweep.desing.kind=grid"], "did you mean sweep.design"),
    (["sweep=nonexistent"], "choose from: hv_sobol, notice_grid"),
    (["sweep.design.kind=latin"], "sweep.design.kind = 'latin': grid, lhs, sobol, morris, saltelli, oat"),
    (["sweep.metrics=[first_visit_wiat]"], "did you mean first_visit_wait_weeks"),
    (["replications=1"], "at least 2"),
    (["sweep.design.params={org.payment.cash_office:[1.0,3.0]}"], "write +sweep.design.params={org.payment"),
    (["sweep.design.params.org.reception.caseworkers=[1,2]"],
     "write 'sweep.design.params={org.reception.caseworkers:[1,2]}'"),
    (["sweep.org=nowhere"], "sweep.org = 'nowhere': no org 'nowhere'"),
    (["sweep.horizon_weeks=10"], "sweep.warmup_weeks = 26.0: must be below the horizon (sweep.horizon_weeks = 10)"),
])
def test_a_mistake_on_the_command_line_is_one_line_naming_the_key(tmp_path, args, says):
    proc = run_cli(*args, f"hydra.run.dir={tmp_path / 'out'}", cwd=tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert says in proc.stderr and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert not (tmp_path / "out").exists()  # nothing written


# --- known indices through the whole machinery: design -> configs -> runner & cache -> tables -> SALib -------

ISHIGAMI_KEYS = ("org.households.acute_share", "org.households.home_visit_share", "org.households.return_share")
LOW, HIGH = 0.01, 0.99  # shares the schema accepts, mapped onto Ishigami's [-pi, pi]


def ishigami_job(config) -> dict:
    """A stub model: the Ishigami function (a=7, b=0.1) of three config values, as a run's summary."""
    h = config.org.households
    x1, x2, x3 = (-math.pi + 2 * math.pi * (v - LOW) / (HIGH - LOW)
                  for v in (h.acute_share, h.home_visit_share, h.return_share))
    return {"summary": {"ishigami": math.sin(x1) + 7 * math.sin(x2) ** 2 + 0.1 * x3 ** 4 * math.sin(x1)}}


def test_a_saltelli_sweep_recovers_the_ishigami_functions_known_indices_within_their_cis(tmp_path):
    """S1 = 0.314, 0.442, 0; ST = 0.558, 0.442, 0.244 (Saltelli et al. 2008), from 128 x 5 points run as a sweep."""
    a, b = 7.0, 0.1
    var = a ** 2 / 8 + b * math.pi ** 4 / 5 + b ** 2 * math.pi ** 8 / 18 + 0.5
    v1, v2, v13 = 0.5 * (1 + b * math.pi ** 4 / 5) ** 2, a ** 2 / 8, b ** 2 * math.pi ** 8 * (1 / 18 - 1 / 50)
    truth = dict(zip(ISHIGAMI_KEYS, [(v1 / var, (v1 + v13) / var), (v2 / var, v2 / var), (0.0, v13 / var)]))
    sweep = SweepSpec(name="ishigami", design=DesignSpec(kind="saltelli", params={k: [LOW, HIGH] for k in truth},
                                                         n=128, seed=3), **TINY)
    _, per_point = run_sweep(sweep, tmp_path, workers=1, job=ishigami_job)
    assert per_point["point"].nunique() == 128 * 5
    got = pd.read_csv(tmp_path / "indices.csv").set_index("key")
    assert list(got["metric"].unique()) == ["ishigami"]
    # 95 % bootstrap half-widths; six indices at once, so a Bonferroni 95 % over the six (z 2.87 / 1.96)
    widen = stats.norm.ppf(1 - 0.05 / 12) / stats.norm.ppf(0.975)
    for key, (s1, st) in truth.items():
        assert abs(got.loc[key, "S1"] - s1) <= widen * got.loc[key, "S1_conf"], (key, got.loc[key].to_dict(), s1)
        assert abs(got.loc[key, "ST"] - st) <= widen * got.loc[key, "ST_conf"], (key, got.loc[key].to_dict(), st)
    # and the sample is informative: the inputs are told apart (x2's S1 clearly above x3's)
    assert got.loc[ISHIGAMI_KEYS[1], "S1"] - got.loc[ISHIGAMI_KEYS[1], "S1_conf"] > \
        got.loc[ISHIGAMI_KEYS[2], "S1"] + got.loc[ISHIGAMI_KEYS[2], "S1_conf"]
