"""Caseflow's queueing machinery against an independent engine (Ciw) and against exact formulas.

The same small open network is built twice:

    arrivals (Poisson, rate LAM per hour)
      -> reception      (c=2, exponential service)
      -> investigation  (c=3, exponential service)  -> refused households leave here
      -> payment        (c=2, exponential service, two classes with non-preemptive priority:
                         urgent before routine, first come first served within a class)

Caseflow side: no district model (no overhead blocks, notices or loops), only Caseflow's own
building blocks: a :class:`sim.model.run.Run` for its environment, named random streams, task
priorities (``run.tasks.priority``) and ``run.tasks.work``; three :class:`sim.model.entities.Desk` objects with
``seats=c`` and ``overhead={}``; services drawn with :func:`sim.distributions.sampler`.

Ciw side: ``ciw.create_network`` with one arriving class that changes class after its
investigation (urgent / routine / refused, ``class_change_matrices``); ``priority_classes``
gives routine the lower priority (Ciw serves the lowest number first; non-preemptive unless a
preemption list is given).

Both engines run REPS independent replications (in two worker processes; each replication is seeded on its
own, so the results do not depend on which process runs it); per replication the mean wait per station
(and per class at the payment station) is taken over households arriving in the measurement
window [WARMUP, WARMUP + WINDOW). Arrivals continue afterwards until every measured household
is through, so no measured wait is censored. Replication means are i.i.d., so the standard
error of the mean over replications is honest despite the autocorrelation inside a run.
Replications are long (10,000 h) because at these loads a replication mean is right-skewed
(skewness about 1.3 at 5,000 h), which makes a t-type comparison with few short replications
err on the low side more often than its nominal level.

The figures are printed (visible without ``-s`` through the terminal reporter).

Exact reference: with Poisson input and exponential service each station's input is Poisson
(Burke's theorem; random thinning keeps it Poisson), so reception and investigation are
M/M/c queues (Erlang C) and the payment station is M/M/c with two non-preemptive priority
classes of equal service rate (Cobham's formula).
"""

from __future__ import annotations

import math
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor

import ciw
import numpy as np
import pytest
from conftest import make_config

from sim.config.schema import Dist
from sim.model.distributions import sampler
from sim.model.entities import Desk
from sim.model.run import Run

LAM = 1.0  # arrivals per hour
SERVERS = {"reception": 2, "investigation": 3, "payment": 2}
MEAN_SERVICE = {"reception": 1.6, "investigation": 2.4, "payment": 1.8}  # hours (equal for both classes)
P_URGENT, P_ROUTINE = 0.30, 0.55  # after investigation; the rest (0.15) is refused and leaves
STATIONS = ("reception", "investigation", "payment")
# Caseflow task kinds whose priorities the stations use; urgent payments go before routine ones.
TASK = {"reception": "pre_assessment", "investigation": "decision",
        "urgent": "payment", "routine": "reception_payment"}

WARMUP, WINDOW, DRAIN = 500.0, 10000.0, 500.0  # hours
END = WARMUP + WINDOW + DRAIN
REPS = 30
KEYS = ("reception", "investigation", "payment", "payment.urgent", "payment.routine")


def offered_load(station: str) -> float:
    rate = LAM * ((P_URGENT + P_ROUTINE) if station == "payment" else 1.0)
    return rate * MEAN_SERVICE[station] / SERVERS[station]


def erlang_c(c: int, a: float) -> float:
    """Probability of waiting in M/M/c with offered load ``a`` = lambda/mu (Erlang C)."""
    rho = a / c
    top = a ** c / math.factorial(c) / (1 - rho)
    return top / (sum(a ** k / math.factorial(k) for k in range(c)) + top)


def exact_waits() -> dict[str, float]:
    """Mean waits (hours) in steady state: Erlang C per station, Cobham for the priority classes."""
    out = {}
    for station in STATIONS:
        c, mean = SERVERS[station], MEAN_SERVICE[station]
        rate = LAM * ((P_URGENT + P_ROUTINE) if station == "payment" else 1.0)
        wq0 = erlang_c(c, rate * mean) * mean / c  # P(wait) / (c mu)
        out[station] = wq0 / (1 - rate * mean / c)
        if station == "payment":
            s1 = LAM * P_URGENT * mean / c  # load of the urgent class
            s2 = s1 + LAM * P_ROUTINE * mean / c
            out["payment.urgent"] = wq0 / (1 - s1)
            out["payment.routine"] = wq0 / ((1 - s1) * (1 - s2))
    return out


def summarise(waits: dict[str, list[float]]) -> dict[str, float]:
    out = {key: float(np.mean(waits[key])) for key in KEYS}
    out.update({f"n.{key}": len(waits[key]) for key in KEYS})
    return out


# --- Caseflow -------------------------------------------------------------------------------

def caseflow_replication(seed: int) -> dict[str, float]:
    run = Run(make_config("farsta", seed=seed))  # only env, streams, priorities and work() are used
    env = run.env
    desks = {s: Desk(env, s, s, seats=SERVERS[s], fte=1.0, groups=(), overhead={}) for s in STATIONS}
    service = {s: sampler(Dist("exponential", MEAN_SERVICE[s], 1.0), run.streams[f"xcheck.service.{s}"])
               for s in STATIONS}
    gaps = run.streams["xcheck.arrivals"]
    route = run.streams["xcheck.route"]
    waits: dict[str, list[float]] = defaultdict(list)
    state = {"measured": 0, "done": 0}

    def household(arrived: float):
        measured = WARMUP <= arrived < WARMUP + WINDOW
        state["measured"] += measured
        for station in ("reception", "investigation"):
            queued = env.now
            start = yield from run.tasks.work(desks[station], TASK[station], hours=service[station]())
            if measured:
                waits[station].append(start - queued)
        u = route.random()
        if u < P_URGENT + P_ROUTINE:
            cls = "urgent" if u < P_URGENT else "routine"
            queued = env.now
            start = yield from run.tasks.work(desks["payment"], TASK[cls], hours=service["payment"]())
            if measured:
                waits["payment"].append(start - queued)
                waits[f"payment.{cls}"].append(start - queued)
        state["done"] += measured

    def source():
        while True:
            yield env.timeout(gaps.exponential(1.0 / LAM))
            env.process(household(env.now))

    env.process(source())
    env.run(until=END)
    out = summarise(waits)
    out["measured"], out["unfinished"] = state["measured"], state["measured"] - state["done"]
    return out


# --- Ciw ------------------------------------------------------------------------------------

CLASSES = ("applicant", "urgent", "routine", "refused")


def ciw_network():
    exp = ciw.dists.Exponential
    stay = {k: {k2: float(k == k2) for k2 in CLASSES} for k in CLASSES}
    after_investigation = dict(stay, applicant={"applicant": 0.0, "urgent": P_URGENT, "routine": P_ROUTINE,
                                                "refused": 1.0 - P_URGENT - P_ROUTINE})
    through = [[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [0.0, 0.0, 0.0]]
    leave_after_investigation = [[0.0, 1.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
    return ciw.create_network(
        arrival_distributions={k: [exp(LAM) if k == "applicant" else None, None, None] for k in CLASSES},
        service_distributions={k: [exp(1.0 / MEAN_SERVICE[s]) for s in STATIONS] for k in CLASSES},
        number_of_servers=[SERVERS[s] for s in STATIONS],
        routing={k: (leave_after_investigation if k == "refused" else through) for k in CLASSES},
        class_change_matrices=[stay, after_investigation, stay],
        priority_classes={"applicant": 0, "urgent": 0, "routine": 1, "refused": 0},
    )


def ciw_replication(seed: int) -> dict[str, float]:
    ciw.seed(seed)
    sim = ciw.Simulation(ciw_network())
    sim.simulate_until_max_time(END)
    by_id: dict[int, dict[int, object]] = defaultdict(dict)
    for rec in sim.get_all_records(only=["service"]):
        by_id[rec.id_number][rec.node] = rec
    waits: dict[str, list[float]] = defaultdict(list)
    measured = 0
    for recs in by_id.values():
        if not WARMUP <= recs[1].arrival_date < WARMUP + WINDOW:
            continue
        measured += 1
        waits["reception"].append(recs[1].waiting_time)
        waits["investigation"].append(recs[2].waiting_time)
        if 3 in recs:
            waits["payment"].append(recs[3].waiting_time)
            waits[f"payment.{recs[3].customer_class}"].append(recs[3].waiting_time)
    # Households still inside at the end: when did they arrive at reception?
    inside = [ind for ind in sim.get_all_individuals() if ind.node != -1]
    first_arrival = [ind.data_records[0].arrival_date if ind.data_records else ind.arrival_date for ind in inside]
    out = summarise(waits)
    out["measured"] = measured
    out["unfinished"] = sum(1 for t in first_arrival if t < WARMUP + WINDOW)
    return out


# --- fixtures and tests ---------------------------------------------------------------------

def show(request, text: str) -> None:
    """Print ``text`` to the terminal even while pytest captures output (and to stdout for ``-s``)."""
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if capture is None or reporter is None:
        print("\n" + text)
        return
    with capture.global_and_fixture_disabled():
        reporter.ensure_newline()
        reporter.write_line(text)


def mean_se(values: list[float]) -> tuple[float, float]:
    a = np.asarray(values, dtype=float)
    return float(a.mean()), float(a.std(ddof=1) / math.sqrt(len(a)))


@pytest.fixture(scope="module")
def reps(request) -> dict[str, list[dict[str, float]]]:
    with ProcessPoolExecutor(2) as pool:
        caseflow = pool.map(caseflow_replication, range(1, REPS + 1))
        ciw_reps = pool.map(ciw_replication, range(101, 101 + REPS))
        out = {"caseflow": list(caseflow), "ciw": list(ciw_reps)}
    exact = exact_waits()
    lines = [f"Caseflow vs Ciw: mean wait (hours) ± SE over {REPS} replications each, "
             f"{WINDOW:.0f} h measured after {WARMUP:.0f} h warm-up",
             "  loads: " + ", ".join(f"{s} {offered_load(s):.3f}" for s in STATIONS),
             f"  {'station':<18}{'Caseflow':>18}{'Ciw':>18}{'exact':>9}{'|diff|/SE':>11}"]
    for key in KEYS:
        (m1, s1), (m2, s2) = (mean_se([r[key] for r in out[e]]) for e in ("caseflow", "ciw"))
        z = abs(m1 - m2) / math.hypot(s1, s2)
        lines.append(f"  {key:<18}{m1:>11.3f} ± {s1:<5.3f}{m2:>11.3f} ± {s2:<5.3f}{exact[key]:>9.3f}{z:>11.2f}")
    text = "\n".join(lines)
    show(request, text)
    return out


@pytest.mark.slow
@pytest.mark.parametrize("key", KEYS)
def test_caseflow_mean_wait_agrees_with_ciw(reps, key):
    """|mean_caseflow - mean_ciw| <= 4 * sqrt(se1^2 + se2^2), per station and priority class."""
    (m1, s1), (m2, s2) = (mean_se([r[key] for r in reps[e]]) for e in ("caseflow", "ciw"))
    assert s1 > 0 and s2 > 0
    assert abs(m1 - m2) <= 4 * math.hypot(s1, s2), (key, m1, s1, m2, s2)


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["caseflow", "ciw"])
@pytest.mark.parametrize("key", KEYS)
def test_mean_wait_agrees_with_erlang_c_and_cobham(reps, engine, key):
    """Each engine's mean wait lies within 4 SE of the exact steady-state value.

    For Ciw this checks that the reference network is built as intended (priorities the
    right way round, class change after investigation); for Caseflow it is a second,
    independent reference.
    """
    m, se = mean_se([r[key] for r in reps[engine]])
    assert abs(m - exact_waits()[key]) <= 4 * se, (engine, key, m, se, exact_waits()[key])


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["caseflow", "ciw"])
def test_priority_makes_a_difference_in_both_engines(reps, engine):
    """The comparison has power: routine payments wait clearly longer than urgent ones."""
    diffs = [r["payment.routine"] - r["payment.urgent"] for r in reps[engine]]
    m, se = mean_se(diffs)
    assert m > 4 * se
    exact = exact_waits()
    assert exact["payment.routine"] > 2 * exact["payment.urgent"]  # the design separates the classes


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["caseflow", "ciw"])
def test_every_measured_household_went_through_and_the_routing_shares_hold(reps, engine):
    for r in reps[engine]:
        assert r["unfinished"] == 0
        assert r["n.reception"] == r["n.investigation"] == r["measured"]
        assert r["n.payment"] == r["n.payment.urgent"] + r["n.payment.routine"]
    # Pooled over replications: Poisson arrivals, binomial routing after investigation,
    # each count within 4 standard errors of its expectation.
    n = sum(r["measured"] for r in reps[engine])
    assert abs(n - REPS * LAM * WINDOW) <= 4 * math.sqrt(REPS * LAM * WINDOW)
    for key, p in (("n.payment.urgent", P_URGENT), ("n.payment.routine", P_ROUTINE)):
        k = sum(r[key] for r in reps[engine])
        assert abs(k - n * p) <= 4 * math.sqrt(n * p * (1 - p)), (engine, key, k, n)


def test_the_payment_classes_use_distinct_caseflow_priorities():
    run = Run(make_config("farsta"))
    assert run.tasks.priority[TASK["urgent"]] < run.tasks.priority[TASK["routine"]]
    assert all(0.6 <= offered_load(s) <= 0.85 for s in STATIONS)
