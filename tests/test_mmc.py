"""The validation reductions against queueing theory: M/M/c against Erlang C, non-preemptive priority
classes against Cobham's formula, two stations in series against Jackson's theorem.

The reductions run through the model's own Run, desks, task service, priorities and hour ledger
(``org.kind: mmc | tandem``; sim/model/processes/reductions.py), so these tests test the code that
produces the answers. Tolerances come from batch means: waits in order of service start are cut into
20 batches; each batch spans about 20 relaxation times of the queue, so batch means are close to
independent and their standard deviation / sqrt(20) is the standard error of the mean wait.
"""

import math

import numpy as np
import pytest
from conftest import make_config

from sim.analysis import metrics
from sim.analysis.queueing import cobham_waits, erlang_c_wait
from sim.config.compose import load_config
from sim.model.run import Run
from sim.model.simulate import simulate

POINTS = [(c, rho) for c in (1, 5, 30) for rho in (0.5, 0.8, 0.95)]
BATCHES = 20
RESULTS: list[tuple] = []


def relaxation_hours(c: int, rho: float, service: float) -> float:
    """Relaxation time of M/M/c near heavy traffic: S / (c (1 - sqrt(rho))^2) (Morse; Cohen)."""
    return service / (c * (1 - math.sqrt(rho)) ** 2)


def waits_of(run: Run, station: int = 0, k: int | None = None) -> np.ndarray:
    """Waits at a station (of class k) in order of service start."""
    rows = sorted((w for w in run.rec.queue_waits if w[0] == station and (k is None or w[1] == k)), key=lambda w: w[2])
    return np.array([w[3] for w in rows])


def batch_se(waits: np.ndarray) -> float:
    means = np.array([b.mean() for b in np.array_split(waits, BATCHES)])
    return means.std(ddof=1) / math.sqrt(BATCHES)


def run_point(c: int, rho: float, seed: int = 11) -> tuple[Run, float]:
    service = 1.0
    lam = rho * c / service
    batch_hours = max(20 * relaxation_hours(c, rho, service), 2000 / lam)  # ≥ 2000 customers a batch
    horizon = BATCHES * batch_hours + 10 * relaxation_hours(c, rho, service)
    weeks = horizon / 168.0
    cfg = make_config("farsta", dotted={
        "org.kind": "mmc", "org.servers": c, "org.arrivals_per_hour": lam, "org.service_hours_mean": service,
        "horizon_weeks": weeks, "warmup_weeks": 10 * relaxation_hours(c, rho, service) / 168.0, "seed": seed})
    return simulate(cfg), lam


@pytest.mark.slow
@pytest.mark.parametrize("c,rho", POINTS)
def test_mean_wait_matches_erlang_c(c, rho):
    run, lam = run_point(c, rho)
    waits = waits_of(run)
    se = batch_se(waits)
    theory = erlang_c_wait(c, lam, 1.0)
    simulated = waits.mean()
    RESULTS.append((c, rho, simulated, se, theory))
    print(f"M/M/{c} rho={rho}: simulated Wq {simulated:.4f} h (SE {se:.4f}), Erlang C {theory:.4f} h")
    assert abs(simulated - theory) <= 4 * se, (simulated, se, theory)
    # Utilisation: total service in the window is compound Poisson, Var = lam T E[S^2] = 2 lam T S^2.
    window = run.end - run.warmup
    util_se = math.sqrt(2 * lam * window) / (c * window)
    summary = metrics.summary(run)
    assert summary["wait_hours_mean"] == pytest.approx(simulated, rel=1e-12)
    assert summary["erlang_c_wait_hours"] == pytest.approx(theory, rel=1e-12)
    assert abs(summary["utilisation"] - rho) <= 4 * util_se + 1e-3, summary["utilisation"]


def test_erlang_c_formula_known_values():
    """M/M/1: Wq = rho S / (1 - rho); M/M/2 at a = 1: P(wait) = 1/3, Wq = 1/3 · S / (2 - 1)."""
    assert erlang_c_wait(1, 0.8, 1.0) == pytest.approx(0.8 / 0.2)
    assert erlang_c_wait(2, 1.0, 1.0) == pytest.approx(1 / 3)


def test_mmc_is_deterministic_and_seed_dependent():
    a, _ = run_point(5, 0.5, seed=1)
    b, _ = run_point(5, 0.5, seed=1)
    c, _ = run_point(5, 0.5, seed=2)
    assert metrics.summary(a) == metrics.summary(b)
    assert metrics.summary(a)["wait_hours_mean"] != metrics.summary(c)["wait_hours_mean"]


def test_single_server_reproduces_lindleys_recursion_exactly():
    """With c = 1 the waits must be exactly Lindley's W[i+1] = max(0, W[i] + S[i] - A[i+1]),
    computed from the same random streams: SimPy's queue adds nothing and loses nothing."""
    from sim.model.rng import Streams

    cfg = make_config("farsta", dotted={"org.kind": "mmc", "org.servers": 1, "org.arrivals_per_hour": 0.7,
                                        "org.service_hours_mean": 1.0, "horizon_weeks": 20.0,
                                        "warmup_weeks": 0.0, "seed": 5})
    run = simulate(cfg)
    waits = waits_of(run)
    n = len(waits)
    streams = Streams(5)
    gaps = streams["arrivals"].exponential(1 / 0.7, n)
    services = streams["duration.service"].exponential(1.0, n)
    expected = [0.0]
    for i in range(1, n):
        expected.append(max(0.0, expected[-1] + services[i - 1] - gaps[i]))
    assert n > 1000
    assert np.allclose(waits, expected, rtol=0, atol=1e-8)


def reduction(dotted: dict, hours: float, warmup_hours: float, seed: int = 7) -> Run:
    return simulate(make_config("farsta", dotted={**dotted, "horizon_weeks": hours / 168.0,
                                                  "warmup_weeks": warmup_hours / 168.0, "seed": seed}))


@pytest.mark.slow
def test_priority_classes_match_cobhams_formula():
    """M/M/3 at load 0.85 with three non-preemptive classes (20 / 30 / 50 % of arrivals): each class's mean
    wait within four batch-means standard errors of Cobham's formula; the overall mean still Erlang C's."""
    c, rho, shares = 3, 0.85, [0.2, 0.3, 0.5]
    lam = rho * c
    relax = relaxation_hours(c, rho, 1.0)
    run = reduction({"org.kind": "mmc", "org.servers": c, "org.arrivals_per_hour": lam,
                     "org.service_hours_mean": 1.0, "org.priority_classes": shares},
                    hours=BATCHES * max(20 * relax, 2000 / lam) + 10 * relax, warmup_hours=10 * relax)
    theory = cobham_waits(c, lam, 1.0, shares)
    summary = metrics.summary(run)
    for k, expected in enumerate(theory):
        waits = waits_of(run, k=k)
        se = batch_se(waits)
        print(f"class {k}: simulated {waits.mean():.4f} h (SE {se:.4f}), Cobham {expected:.4f} h")
        assert abs(waits.mean() - expected) <= 4 * se, (k, waits.mean(), se, expected)
        assert summary[f"cobham_wait_hours.class_{k}"] == pytest.approx(expected)
    assert theory[0] < theory[1] < theory[2]  # the formula itself orders the classes
    everyone = waits_of(run)
    assert abs(everyone.mean() - erlang_c_wait(c, lam, 1.0)) <= 4 * batch_se(everyone)


@pytest.mark.slow
def test_a_tandem_matches_jacksons_theorem():
    """Two stations in series (M/M/2 at load 0.75, then M/M/1 at 0.8): each station's mean wait is its own
    Erlang C value, within four batch-means standard errors."""
    lam = 1.5
    stations = [{"servers": 2, "service_hours_mean": 1.0}, {"servers": 1, "service_hours_mean": 0.8 / lam}]
    relax = max(relaxation_hours(2, 0.75, 1.0), relaxation_hours(1, 0.8, 0.8 / lam))
    hours, warmup = BATCHES * max(20 * relax, 2000 / lam) + 10 * relax, 10 * relax
    listed = ", ".join(f"{{servers: {st['servers']}, service_hours_mean: {st['service_hours_mean']}}}"
                       for st in stations)
    # through Hydra, as a user would type it (python -m sim org=tandem 'org.stations=[...]')
    run = simulate(load_config(["org=tandem", f"org.arrivals_per_hour={lam}", f"org.stations=[{listed}]",
                                f"horizon_weeks={hours / 168.0}", f"warmup_weeks={warmup / 168.0}", "seed=7"]))
    summary = metrics.summary(run)
    for i, st in enumerate(stations):
        waits = waits_of(run, station=i)
        expected = erlang_c_wait(st["servers"], lam, st["service_hours_mean"])
        se = batch_se(waits)
        print(f"station {i + 1}: simulated {waits.mean():.4f} h (SE {se:.4f}), Erlang C {expected:.4f} h")
        assert abs(waits.mean() - expected) <= 4 * se, (i, waits.mean(), se, expected)
        assert summary[f"erlang_c_wait_hours.station_{i + 1}"] == pytest.approx(expected)
        assert summary[f"wait_hours_mean.station_{i + 1}"] == pytest.approx(waits.mean())


def test_cobham_reduces_to_erlang_c_for_one_class():
    assert cobham_waits(4, 3.0, 1.0, [1.0]) == [pytest.approx(erlang_c_wait(4, 3.0, 1.0))]
    # conservation: the arrival-weighted mean over classes is the FIFO (Erlang C) wait
    shares = [0.25, 0.75]
    waits = cobham_waits(4, 3.0, 1.0, shares)
    assert sum(s * w for s, w in zip(shares, waits)) == pytest.approx(erlang_c_wait(4, 3.0, 1.0))
