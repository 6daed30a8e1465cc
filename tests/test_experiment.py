"""Experiments (``sim.experiment``): common random numbers, the aggregation math against scipy,
the errors a consultant can make in an experiment file, and resuming a killed experiment.

Simulation-backed tests use short horizons (20–30 weeks) and few replications; the aggregation
math is checked on synthetic data where the expected values come from scipy.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import ProbeRun, run_config, same
from scipy import stats
from tiny_experiment import BASELINE, REPLICATIONS, VARIANT, run_tiny, tiny_spec

from sim.analysis import metrics
from sim.config.schema import ConfigError
from sim.experiments import compare as exp
from sim.experiments import runner
from sim.experiments.compare import aggregate, run_experiment, tidy, variant_configs
from sim.experiments.spec import check

REPO = Path(__file__).resolve().parent.parent
SUMMARY_COLUMNS = ["variant", "metric", "mean", "ci_low", "ci_high", "diff", "diff_ci_low", "diff_ci_high",
                   "queue_settles"]


def values(frame: pd.DataFrame, variant: str, metric: str) -> np.ndarray:
    """One metric of one variant, ordered by replication."""
    rows = frame[(frame["variant"] == variant) & (frame["metric"] == metric)].sort_values("replication")
    return rows["value"].to_numpy(float)


# --- common random numbers ----------------------------------------------------------------

def test_identical_variants_give_identical_replications_and_a_zero_difference(tmp_path):
    spec = tiny_spec(variants={"first": ["variant=[as_is]"], "second": ["variant=[as_is]"]}, baseline="first",
                     replications=3)
    frame, summary, _ = run_experiment(spec, tmp_path, workers=2)
    # Two configs (they differ in variant.name), so two computations per replication, not one cached.
    assert len(list((tmp_path / "replications").glob("*.json"))) == 2 * 3
    first = frame[frame["variant"] == "first"].drop(columns="variant").reset_index(drop=True)
    second = frame[frame["variant"] == "second"].drop(columns="variant").reset_index(drop=True)
    assert len(first) > 100
    pd.testing.assert_frame_equal(first, second, check_exact=True)
    rows = summary[(summary["variant"] == "second") & summary["mean"].notna()]
    assert len(rows) > 100
    assert (rows["diff"] == 0).all()
    assert (rows["diff_ci_low"] == 0).all() and (rows["diff_ci_high"] == 0).all()  # zero width
    # Not vacuous: the replications themselves differ (seed k for replication k).
    waits = values(frame, "first", "first_visit_wait_weeks")
    assert len(set(waits)) == 3


def test_variant_configs_pair_replications_by_seed():
    spec = tiny_spec(variants={"b": ["variant=[broad]"], "a": ["variant=[as_is]"], "c": ["variant=[paired]"]},
                     baseline="a")
    order, planned = variant_configs(spec, 3)
    assert order == ["a", "b", "c"]  # baseline first
    assert [(v, k) for v, k, _ in planned] == [(v, k) for v in order for k in range(3)]
    for v, k, cfg in planned:
        assert cfg.seed == k and cfg.variant.name == v
        assert cfg.horizon_weeks == spec.horizon_weeks and cfg.warmup_weeks == spec.warmup_weeks
        assert cfg.org.name == "Hässelby-Vällingby"
    by = {(v, k): cfg for v, k, cfg in planned}
    assert by[("b", 0)].variant.specialisation.mode == "broad"
    assert by[("c", 0)].variant.payment.self_pay_share == 0.5


def test_variants_of_an_experiment_see_the_same_households_at_the_same_times():
    spec = tiny_spec(baseline="as_is", variants={
        "as_is": ["variant=[as_is]"],
        "broad_admins": ["variant=[broad,module_admins]", "variant.module_admins.fte=2"],
        "capped": ["variant=[caseload_cap]", "variant.caseload_cap=15"],
        "common": ["variant=[common_reception]"],
        "self_pay": ["variant=[paired]", "org.payment.officers=2"],
    })
    _, planned = variant_configs(spec, 2)
    runs = {v: run_config(cfg, ProbeRun) for v, k, cfg in planned if k == 1}
    base = runs["as_is"]
    assert len(base.rec.arrivals) > 300
    summaries = {v: metrics.summary(r) for v, r in runs.items()}
    for v, run in runs.items():
        assert run.rec.arrivals == base.rec.arrivals, v
        assert run.attributes == base.attributes, v
        # ... while the variant really changed the run.
        if v != "as_is":
            common = summaries["as_is"].keys() & summaries[v].keys()
            assert [k for k in common if not same(summaries["as_is"][k], summaries[v][k])], v
    # Replication 0 is another sample of households.
    other = run_config(next(cfg for v, k, cfg in planned if k == 0 and v == "as_is"), ProbeRun)
    assert other.rec.arrivals != base.rec.arrivals


def test_paired_interval_is_narrower_than_the_unpaired_one():
    """Module administrators (0 vs 2 FTE) and the first-visit wait, 8 paired replications.

    Why CRN makes the paired CI narrower here by construction: replication k of both variants
    uses seed k, so both see the same arrival stream and the same households. The replication-to-
    replication spread of the mean first-visit wait comes from that stream (bursts of arrivals
    build the first-visit queue), while the administrators shift reception capacity by about the
    same amount in every replication. The two samples are therefore strongly positively
    correlated and Var(b - a) = Var(a) + Var(b) - 2 Cov(a, b) is far below Var(a) + Var(b), which
    is what an unpaired (Welch) interval from two independent samples has to use.
    """
    n = 8
    spec = tiny_spec(baseline="none", horizon_weeks=30.0, warmup_weeks=10.0, replications=n, variants={
        "none": ["variant=[as_is]"], "two": ["variant=[as_is]", "variant.module_admins.fte=2"]})
    order, planned = variant_configs(spec, n)
    results = runner.run_many([cfg for _, _, cfg in planned], workers=2, job=runner.run_detail)
    frame = tidy(order, [(v, k) for v, k, _ in planned], results)
    summary = aggregate(frame, "none")
    metric = "first_visit_wait_weeks"
    a, b = values(frame, "none", metric), values(frame, "two", metric)
    assert len(a) == len(b) == n and not np.isnan(a).any() and not np.isnan(b).any()
    row = summary[(summary["variant"] == "two") & (summary["metric"] == metric)].iloc[0]
    assert row["diff"] == pytest.approx(b.mean() - a.mean())
    paired_half = (row["diff_ci_high"] - row["diff_ci_low"]) / 2
    welch = stats.ttest_ind(b, a, equal_var=False).confidence_interval(0.95)
    unpaired_half = (welch.high - welch.low) / 2
    assert paired_half > 0
    assert paired_half < unpaired_half


# --- aggregation math ---------------------------------------------------------------------

@pytest.fixture
def synthetic():
    """A tidy frame: 3 variants x 6 replications x 2 metrics, one value missing (NaN)."""
    rng = np.random.default_rng(2024)
    order, n = ["base", "v1", "v2"], 6
    rows = []
    common = rng.normal(10.0, 2.0, size=n)  # a shared per-replication component, as CRN gives
    for i, v in enumerate(order):
        for k in range(n):
            rows.append((v, k, "wait", common[k] + 0.5 * i + rng.normal(0, 0.3)))
            rows.append((v, k, "share", rng.uniform(0, 1)))
    frame = pd.DataFrame(rows, columns=["variant", "replication", "metric", "value"])
    frame.loc[(frame["variant"] == "v2") & (frame["replication"] == 3) & (frame["metric"] == "share"), "value"] = np.nan
    frame["variant"] = pd.Categorical(frame["variant"], categories=order, ordered=True)
    return order, frame


def t_interval(x: np.ndarray) -> tuple[float, float, float]:
    x = x[~np.isnan(x)]
    low, high = stats.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=stats.sem(x))
    return x.mean(), low, high


def test_aggregate_means_and_t_intervals_match_scipy(synthetic):
    order, frame = synthetic
    out = aggregate(frame, "base")
    assert list(out.columns) == SUMMARY_COLUMNS
    assert len(out) == len(order) * 2
    assert [(r.variant, r.metric) for r in out.itertuples()] == [(v, m) for v in order for m in ("share", "wait")]
    for r in out.itertuples():
        mean, low, high = t_interval(values(frame, r.variant, r.metric))
        assert (r.mean, r.ci_low, r.ci_high) == pytest.approx((mean, low, high), rel=1e-12)


def test_aggregate_paired_differences_match_scipy(synthetic):
    order, frame = synthetic
    out = aggregate(frame, "base")
    for r in out.itertuples():
        if r.variant == "base":
            assert math.isnan(r.diff) and math.isnan(r.diff_ci_low) and math.isnan(r.diff_ci_high)
            continue
        x, y = values(frame, r.variant, r.metric), values(frame, "base", r.metric)
        keep = ~np.isnan(x) & ~np.isnan(y)  # a replication missing in either is left out of the pairs
        assert (r.diff, r.diff_ci_low, r.diff_ci_high) == pytest.approx(t_interval(x[keep] - y[keep]), rel=1e-12)
        ci = stats.ttest_rel(x[keep], y[keep]).confidence_interval(0.95)
        assert (r.diff_ci_low, r.diff_ci_high) == pytest.approx((ci.low, ci.high), rel=1e-12)
    assert out.loc[(out["variant"] == "v2") & (out["metric"] == "share"), "diff"].notna().all()


def test_aggregate_uses_the_named_baseline(synthetic):
    _, frame = synthetic
    out = aggregate(frame, "v1")
    assert out.loc[out["variant"] == "v1", "diff"].isna().all()
    assert out.loc[out["variant"] != "v1", "diff"].notna().all()
    row = out[(out["variant"] == "base") & (out["metric"] == "wait")].iloc[0]
    assert row["diff"] == pytest.approx((values(frame, "base", "wait") - values(frame, "v1", "wait")).mean())


def test_tidy_gives_one_row_per_variant_replication_and_numeric_metric():
    order = ["a", "b"]
    runs = [(v, k) for v in order for k in range(3)]
    results = [{"summary": {"org": "Farsta", "seed": k, "arrivals": 10 + k, "wait": 1.5 * k + (v == "b"),
                            "flag": True, "share": 0.25}} for v, k in runs]
    frame = tidy(order, runs, results)
    assert list(frame.columns) == ["variant", "replication", "metric", "value"]
    assert len(frame) == len(runs) * 3  # arrivals, wait, share: not org (text), seed or flag (bool)
    assert set(frame["metric"]) == {"arrivals", "wait", "share"}
    assert not frame.duplicated(["variant", "replication", "metric"]).any()
    assert list(frame["variant"].cat.categories) == order
    assert frame["value"].dtype == float
    got = frame.set_index(["variant", "replication", "metric"])["value"]
    for (v, k), result in zip(runs, results):
        for m in ("arrivals", "wait", "share"):
            assert got[(v, k, m)] == result["summary"][m]


def test_tidy_of_a_real_experiment_is_a_full_grid(tmp_path):
    frame, summary, details = run_tiny(tmp_path)
    metrics_ = set(frame["metric"])
    assert len(metrics_) > 50
    assert len(frame) == 2 * REPLICATIONS * len(metrics_)
    assert not frame.duplicated(["variant", "replication", "metric"]).any()
    assert len(summary) == 2 * len(metrics_)
    for d in details:
        assert d["summary"]["seed"] == d["replication"]


# --- errors in an experiment ----------------------------------------------------------------

def test_spec_without_a_baseline_is_rejected():
    with pytest.raises(ConfigError) as err:
        check(tiny_spec(baseline=""), 2)
    assert err.value.key == "experiment.baseline"
    assert BASELINE in str(err.value) and VARIANT in str(err.value)  # names the choices


def test_baseline_must_be_one_of_the_variants():
    with pytest.raises(ConfigError) as err:
        check(tiny_spec(baseline="nope"), 2)
    assert err.value.key == "experiment.baseline" and err.value.value == "nope"
    assert BASELINE in str(err.value) and VARIANT in str(err.value)


def test_spec_without_variants_is_rejected():
    with pytest.raises(ConfigError) as err:
        check(tiny_spec(variants={}), 2)
    assert err.value.key == "experiment.variants"


@pytest.mark.parametrize("n", [1, 0, -3])
def test_fewer_than_two_replications_are_rejected(n):
    with pytest.raises(ConfigError) as err:
        check(tiny_spec(), n)
    assert err.value.key == "replications" and err.value.value == n
    check(tiny_spec(), 2)  # and two are enough


@pytest.mark.parametrize("override, key, mentions", [
    ("variant=[brod]", "experiment.variants.typo: variant", "brod"),
    ("variant.nonexistent_knob=1", "experiment.variants.typo: variant.nonexistent_knob", "nonexistent_knob"),
    ("org.arrivals_per_week=-1", "experiment.variants.typo: org.arrivals_per_week", "-1"),
], ids=["unknown-variant-config", "unknown-key", "invalid-value"])
def test_bad_variant_overrides_name_the_variant(override, key, mentions):
    spec = tiny_spec(variants={BASELINE: ["variant=[as_is]"], "typo": [override]})
    with pytest.raises(ConfigError) as err:
        variant_configs(spec, 2)
    assert err.value.key == key
    assert mentions in str(err.value)


def test_invalid_variant_value_in_an_experiment_names_the_variant_and_key():
    spec = tiny_spec(variants={BASELINE: ["variant=[as_is]"], "typo": ["variant.caseload_cap=0.5"]})
    with pytest.raises(ConfigError) as err:
        variant_configs(spec, 2)
    assert err.value.key == "experiment.variants.typo: variant.caseload_cap"


def test_run_experiment_checks_before_running_anything(tmp_path, monkeypatch):
    def no_runs(*args, **kwargs):
        raise AssertionError("replications were started")
    monkeypatch.setattr(runner, "run_many", no_runs)
    with pytest.raises(ConfigError) as err:
        run_experiment(tiny_spec(variants={BASELINE: ["variant=[as_is]"], "typo": ["variant=[brod]"]}), tmp_path)
    assert err.value.key == "experiment.variants.typo: variant"
    with pytest.raises(ConfigError) as err:
        run_experiment(tiny_spec(baseline="nope"), tmp_path)
    assert err.value.key == "experiment.baseline"
    assert list(tmp_path.iterdir()) == []


def test_zero_replications_requested_explicitly_are_rejected(tmp_path, monkeypatch):
    class Started(Exception):
        pass

    def started(*args, **kwargs):
        raise Started
    monkeypatch.setattr(exp, "variant_configs", started)  # stop before any simulation if the check is skipped
    with pytest.raises(ConfigError) as err:
        run_experiment(tiny_spec(replications=2), tmp_path, replications=0)
    assert err.value.key == "replications"


def experiment_cli(out: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}
    return subprocess.run([sys.executable, "-m", "sim.experiment", *args, f"hydra.run.dir={out}"],
                          cwd=REPO, capture_output=True, text=True, timeout=120, env=env)


@pytest.mark.parametrize("args, key", [
    (("experiment=specialised_vs_broad", "experiment.baseline=nope", "replications=2"), "experiment.baseline"),
    (("experiment=default", "replications=1"), "replications"),
], ids=["unknown-baseline", "one-replication"])
def test_cli_reports_a_bad_experiment_in_one_line(tmp_path, args, key):
    proc = experiment_cli(tmp_path / "out", *args)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    lines = [line for line in (proc.stdout + proc.stderr).splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert lines[0].startswith("Configuration error: ") and key in lines[0]
    assert "Traceback" not in proc.stdout + proc.stderr
    assert not (tmp_path / "out" / "results.csv").exists()


# --- resume -------------------------------------------------------------------------------

def test_a_resumed_experiment_recomputes_only_the_missing_replication(tmp_path, monkeypatch):
    calls = []
    real = runner.run_detail

    def counting(config):
        calls.append((config.variant.name, config.seed))
        return real(config)
    counting.__name__ = real.__name__  # the cache file suffix is taken from the job's name
    monkeypatch.setattr(runner, "run_detail", counting)

    run_tiny(tmp_path)
    assert sorted(calls) == sorted((v, k) for v in (BASELINE, VARIANT) for k in range(REPLICATIONS))
    cache = tmp_path / "replications"
    files = sorted(cache.glob("*.json"))
    assert len(files) == 2 * REPLICATIONS
    first_csv = (tmp_path / "results.csv").read_bytes()
    first_summary = (tmp_path / "summary.csv").read_bytes()
    stamps = {p.name: p.stat().st_mtime_ns for p in files}
    contents = {p.name: p.read_bytes() for p in files}

    # "Kill" the experiment after all but one replication: remove that one's cached result.
    victim = files[1]
    victim.unlink()
    calls.clear()
    run_tiny(tmp_path)
    assert len(calls) == 1  # only the missing replication ran
    assert victim.exists() and victim.read_bytes() == contents[victim.name]
    for p in files:
        if p != victim:
            assert p.stat().st_mtime_ns == stamps[p.name], f"{p.name} was rewritten"
    assert (tmp_path / "results.csv").read_bytes() == first_csv
    assert (tmp_path / "summary.csv").read_bytes() == first_summary


# --- comparing under an assumption (issue 17: with and without the casework effect) ------------------------------

CASEWORK = {"casework_effect": ["process.casework_effect.enabled=true"]}


def test_an_assumption_runs_every_variant_again_on_the_same_seeds_and_compares_it_with_its_own_baseline(tmp_path):
    spec = tiny_spec(assumptions=CASEWORK)
    frame, summary, _ = run_tiny(tmp_path, spec)
    arms = {f"{BASELINE}@casework_effect", f"{VARIANT}@casework_effect"}
    assert set(frame["variant"].astype(str)) == {BASELINE, VARIANT} | arms
    assert set(summary["variant"].astype(str)) == {BASELINE, VARIANT}  # the main comparison is without
    under = pd.read_csv(tmp_path / "summary_assumptions.csv")
    assert set(under["assumption"]) == {"casework_effect"}
    # paired with the baseline under the same assumption, replication by replication
    wide = frame[frame["metric"] == "total_cost_sek_per_year"].pivot(index="replication", columns="variant",
                                                                     values="value")
    row = under[(under["variant"] == VARIANT) & (under["metric"] == "total_cost_sek_per_year")].iloc[0]
    expected = (wide[f"{VARIANT}@casework_effect"] - wide[f"{BASELINE}@casework_effect"]).mean()
    assert row["diff"] == pytest.approx(expected, rel=1e-12)
    # the effect was on there and off in the main comparison
    speed = under[under["metric"] == "need_clock.speed"]["mean"]
    assert (speed != 1.0).all()
    assert (summary.loc[summary["metric"] == "need_clock.speed", "mean"] == 1.0).all()
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "Without the casework effect:" in html and "With the casework effect (an assumption):" in html
    assert "Every variant was simulated again under this assumption" in html


def test_an_experiment_with_an_assumption_does_not_reuse_the_folder_of_one_without(tmp_path):
    run_tiny(tmp_path)
    with pytest.raises(ConfigError, match="assumptions"):
        run_tiny(tmp_path, tiny_spec(assumptions=CASEWORK))


@pytest.mark.parametrize("assumptions, words", [
    ({"casework effect": ["process.casework_effect.enabled=true"]}, "letters, digits and underscores"),
    ({"casework_effect": []}, "list the overrides"),
    ({"casework_effect": ["process.casework_effect.enabld=true"]}, "experiment.assumptions.casework_effect"),
])
def test_a_bad_assumption_is_refused_by_key(tmp_path, assumptions, words):
    with pytest.raises(ConfigError, match=words):
        run_tiny(tmp_path, tiny_spec(assumptions=assumptions))
