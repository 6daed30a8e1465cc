"""The M/M/c reduction against Erlang C (issue 4: validation against queueing theory).

Tolerances come from batch means: waits in order of service start are cut into 20 batches;
each batch spans about 20 relaxation times of the queue, so batch means are close to
independent and their standard deviation / sqrt(20) is the standard error of the mean wait.
"""

import math

import numpy as np
import pytest
from conftest import make_config

from sim.analysis.queueing import erlang_c_wait
from sim.model.mmc import MMCRun

POINTS = [(c, rho) for c in (1, 5, 30) for rho in (0.5, 0.8, 0.95)]
BATCHES = 20
RESULTS: list[tuple] = []


def relaxation_hours(c: int, rho: float, service: float) -> float:
    """Relaxation time of M/M/c near heavy traffic: S / (c (1 - sqrt(rho))^2) (Morse; Cohen)."""
    return service / (c * (1 - math.sqrt(rho)) ** 2)


def run_point(c: int, rho: float, seed: int = 11) -> tuple[MMCRun, float]:
    service = 1.0
    lam = rho * c / service
    batch_hours = max(20 * relaxation_hours(c, rho, service), 2000 / lam)  # ≥ 2000 customers a batch
    horizon = BATCHES * batch_hours + 10 * relaxation_hours(c, rho, service)
    weeks = horizon / 168.0
    cfg = make_config("farsta", dotted={
        "org.kind": "mmc", "org.servers": c, "org.arrivals_per_hour": lam, "org.service_hours_mean": service,
        "horizon_weeks": weeks, "warmup_weeks": 10 * relaxation_hours(c, rho, service) / 168.0, "seed": seed})
    return MMCRun(cfg).execute(), lam


@pytest.mark.slow
@pytest.mark.parametrize("c,rho", POINTS)
def test_mean_wait_matches_erlang_c(c, rho):
    run, lam = run_point(c, rho)
    waits = np.asarray(run.waits)
    batches = np.array_split(waits, BATCHES)
    means = np.array([b.mean() for b in batches])
    se = means.std(ddof=1) / math.sqrt(BATCHES)
    theory = erlang_c_wait(c, lam, 1.0)
    simulated = waits.mean()
    RESULTS.append((c, rho, simulated, se, theory))
    print(f"M/M/{c} rho={rho}: simulated Wq {simulated:.4f} h (SE {se:.4f}), Erlang C {theory:.4f} h")
    assert abs(simulated - theory) <= 4 * se, (simulated, se, theory)
    # Utilisation: total service in the window is compound Poisson, Var = lam T E[S^2] = 2 lam T S^2.
    window = run.end - run.warmup
    util_se = math.sqrt(2 * lam * window) / (c * window)
    assert abs(run.summary()["utilisation"] - rho) <= 4 * util_se + 1e-3, run.summary()["utilisation"]


def test_erlang_c_formula_known_values():
    """M/M/1: Wq = rho S / (1 - rho); M/M/2 at a = 1: P(wait) = 1/3, Wq = 1/3 · S / (2 - 1)."""
    assert erlang_c_wait(1, 0.8, 1.0) == pytest.approx(0.8 / 0.2)
    assert erlang_c_wait(2, 1.0, 1.0) == pytest.approx(1 / 3)


def test_mmc_is_deterministic_and_seed_dependent():
    a, _ = run_point(5, 0.5, seed=1)
    b, _ = run_point(5, 0.5, seed=1)
    c, _ = run_point(5, 0.5, seed=2)
    assert a.summary() == b.summary()
    assert a.summary()["wait_hours_mean"] != c.summary()["wait_hours_mean"]


def test_single_server_reproduces_lindleys_recursion_exactly():
    """With c = 1 the waits must be exactly Lindley's W[i+1] = max(0, W[i] + S[i] - A[i+1]),
    computed from the same random streams: SimPy's queue adds nothing and loses nothing."""
    from sim.model.rng import Streams

    cfg = make_config("farsta", dotted={"org.kind": "mmc", "org.servers": 1, "org.arrivals_per_hour": 0.7,
                                        "org.service_hours_mean": 1.0, "horizon_weeks": 20.0,
                                        "warmup_weeks": 0.0, "seed": 5})
    run = MMCRun(cfg).execute()
    n = len(run.waits)
    streams = Streams(5)
    gaps = streams["arrivals"].exponential(1 / 0.7, n)
    services = streams["duration.service"].exponential(1.0, n)
    expected = [0.0]
    for i in range(1, n):
        expected.append(max(0.0, expected[-1] + services[i - 1] - gaps[i]))
    assert n > 1000
    assert np.allclose(run.waits, expected, rtol=0, atol=1e-8)
