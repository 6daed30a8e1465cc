"""Customers of the validation reductions (``org.kind``: ``mmc``, ``tandem``): the model's own desks,
task service, priorities and hour ledger, with every district process left out.

Poisson arrivals (``org.arrivals_per_hour``); each customer visits the stations in order and is
served for an exponential time drawn at arrival (one draw per station, from the stream
``duration.service``). With ``org.priority_classes`` a customer belongs to class k (drawn from its
own stream) and queues with task ``class_k``: lower k goes first, without preempting anyone
(non-preemptive priority). Queueing theory gives the answers these runs must reproduce
(Erlang C, Cobham's formula, Jackson's theorem: :mod:`sim.analysis.queueing`).
"""

from __future__ import annotations

from typing import Generator

import numpy as np

from sim.model.services import Services


def arrivals(run: Services) -> Generator:
    """Customers arrive as a Poisson stream, each with its class and its service times drawn at arrival."""
    env, org = run.env, run.cfg.org
    gaps, services = run.streams["arrivals"], run.streams["duration.service"]
    classes = np.cumsum(org.priority_classes) if org.priority_classes else None
    chooser = run.streams["priority_class"] if classes is not None else None
    means = [mean for _, mean in run.staff.stations]
    while True:
        yield env.timeout(gaps.exponential(1.0 / org.arrivals_per_hour))
        run.rec.arrivals.append(env.now)
        k = 0 if chooser is None else min(int(np.searchsorted(classes, chooser.random(), side="right")),
                                          len(classes) - 1)
        env.process(customer(run, k, [services.exponential(mean) for mean in means]))


def customer(run: Services, k: int, hours: list[float]) -> Generator:
    """Visit every station in order; each start after the warm-up records its wait."""
    for station, ((desk, _), service) in enumerate(zip(run.staff.stations, hours)):
        queued = run.env.now

        def record(start: float, station: int = station, queued: float = queued) -> None:
            if start >= run.warmup:
                run.rec.queue_waits.append((station, k, start, start - queued))

        yield from run.tasks.work(desk, f"class_{k}", hours=service, started=record)
