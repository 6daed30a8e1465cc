"""Automatic number of replications (``sim.sequential.replicate_until``): the stopping rule,
the minimum and maximum, and that the replications are exactly those of a direct run.

Short horizons (20 weeks after a 5-week warm-up); targets are derived from the runs
themselves, never copied from an earlier run.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import make_config

from sim.analysis.stats import estimate
from sim.experiments import runner, sequential
from sim.experiments.sequential import checkpoints, replicate_until

REPO = Path(__file__).resolve().parent.parent
METRIC = "first_visit_wait_weeks"
MIN, BATCH, MAX = 3, 2, 11  # checkpoints 3, 5, 7, 9, 11


def config(seed: int = 0):
    return make_config("farsta", horizon_weeks=20.0, warmup_weeks=5.0, seed=seed, start="steady_state")  # as the CLI


@pytest.fixture(scope="module")
def direct(tmp_path_factory):
    """Seeds 0..MAX-1 in one go (serial, no cache), and a cache other tests may read from."""
    cache = tmp_path_factory.mktemp("cache")
    results = runner.run_many([config(k) for k in range(MAX)], cache_dir=cache, workers=1)
    return results, cache


@pytest.fixture
def calls(monkeypatch):
    """The seeds of every batch that replicate_until hands to run_many."""
    seen: list[list[int]] = []
    real = runner.run_many

    def recording(configs, *args, **kwargs):
        configs = list(configs)
        seen.append([c.seed for c in configs])
        return real(configs, *args, **kwargs)
    monkeypatch.setattr(sequential.runner, "run_many", recording)
    return seen


def half_width(results, n: int) -> float:
    return estimate([r[METRIC] for r in results[:n]]).half_width


def test_checkpoints_start_at_the_minimum_and_add_a_batch_each():
    assert checkpoints(MIN, MAX, BATCH) == [3, 5, 7, 9, 11]
    assert checkpoints(5, 100, 8) == list(range(8, 100, 8)) + [100]
    assert checkpoints(5, 5, 2) == [5]
    assert checkpoints(2, 7, 3) == [3, 6, 7]


def test_stops_at_the_first_batch_whose_half_width_meets_the_target(direct, calls):
    results, cache = direct
    points = checkpoints(MIN, MAX, BATCH)
    widths = [half_width(results, n) for n in points]
    assert all(w > 0 for w in widths)
    # The target: the last checkpoint whose half-width is below every earlier one, so the rule
    # must run past the first batch(es) and stop exactly there.
    records = [j for j in range(1, len(points)) if widths[j] < min(widths[:j])]
    assert records, f"half-widths never shrink: {widths}"
    stop = records[-1]
    target = widths[stop]
    est, summaries, n, reached = replicate_until(config(), METRIC, target, MIN, MAX, batch=BATCH, workers=2,
                                                 cache_dir=cache)
    assert reached and n == points[stop] > points[0]
    assert len(summaries) == n and [s["seed"] for s in summaries] == list(range(n))
    # Checked against estimate() on the values it returned: met at n, not at any earlier batch.
    values = [s[METRIC] for s in summaries]
    assert est == estimate(values)
    assert est.half_width <= target
    done = 0
    for batch in calls[:-1]:
        done += len(batch)
        assert estimate(values[:done]).half_width > target, done
    # Batches: seeds in order, the first up to the minimum, then BATCH at a time.
    assert [seed for batch in calls for seed in batch] == list(range(n))
    assert [len(b) for b in calls] == [MIN] + [BATCH] * (len(calls) - 1)


def test_never_stops_below_the_minimum(direct, calls):
    _, cache = direct
    est, summaries, n, reached = replicate_until(config(), METRIC, 1e9, min_replications=4, max_replications=MAX,
                                                 batch=BATCH, workers=1, cache_dir=cache)
    assert reached and n == 4 and len(summaries) == 4 and est.n == 4
    assert calls == [[0, 1, 2, 3]]
    # A batch larger than the minimum runs whole.
    _, summaries, n, _ = replicate_until(config(), METRIC, 1e9, min_replications=2, max_replications=MAX,
                                         batch=5, workers=1, cache_dir=cache)
    assert n == 5 and len(summaries) == 5


def test_stops_at_the_maximum_when_the_target_is_impossible(direct, calls):
    results, cache = direct
    target = half_width(results, MAX) / 1000  # far below what MAX replications can give
    est, summaries, n, reached = replicate_until(config(), METRIC, target, MIN, MAX, batch=BATCH, workers=2,
                                                 cache_dir=cache)
    assert not reached
    assert n == len(summaries) == MAX and est.n == MAX
    assert est.half_width > target
    assert est == estimate([r[METRIC] for r in results])
    assert sum(len(b) for b in calls) == MAX


def test_replications_are_those_of_a_direct_run_of_the_same_seeds(direct):
    """No cache: computed in batches of 2 on 2 workers, from a config with another seed, they equal
    the serial direct run of seeds 0..n-1 exactly."""
    results, _ = direct
    _, summaries, n, reached = replicate_until(config(seed=42), METRIC, 1e-9, min_replications=2,
                                               max_replications=5, batch=2, workers=2)
    assert not reached and n == 5
    assert summaries == results[:5]
    assert [s["seed"] for s in summaries] == list(range(5))


def test_bad_arguments_are_rejected(direct):
    _, cache = direct
    for kwargs in ({"target_half_width": 0}, {"target_half_width": -1.0}, {"min_replications": 1},
                   {"min_replications": 5, "max_replications": 4}):
        args = {"target_half_width": 0.1, **kwargs}
        with pytest.raises(ValueError):
            replicate_until(config(), METRIC, cache_dir=cache, **args)
    with pytest.raises(KeyError) as err:
        replicate_until(config(), "no_such_metric", 0.1, 2, 2, cache_dir=cache)
    assert METRIC in str(err.value)  # names the metrics there are


def test_cli_prints_mean_ci_and_replications_and_fails_when_the_target_is_not_met(direct, tmp_path):
    results, _ = direct
    env = {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}
    proc = subprocess.run([sys.executable, "-m", "sim.sequential", "org=farsta", "horizon_weeks=20", "warmup_weeks=5",
                           "--metric", METRIC, "--half-width", "1e-9", "--min", "2", "--max", "3", "--batch", "2",
                           "--workers", "1", "--cache", str(tmp_path)],
                          cwd=REPO, capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == 1, proc.stderr
    est = estimate([r[METRIC] for r in results[:3]])
    assert f"mean {est.mean:.4g}" in proc.stdout
    assert f"{est.low:.4g} to {est.high:.4g}" in proc.stdout
    assert "NOT reached" in proc.stderr and "3 replications" in proc.stderr
    assert len(list(tmp_path.glob("*.json"))) == 3  # cached for the next, more patient run
