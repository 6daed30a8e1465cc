"""The M/M/c reduction: the model cut down to one stage, for validation against Erlang C.

Poisson arrivals (``org.arrivals_per_hour``), exponential service (``org.service_hours_mean``),
``org.servers`` identical servers, FIFO, no overhead, no closures; the clock runs around the
clock (a week is 168 hours here). It uses the same SimPy resources and the same named random
streams as the full model, so a test against theory tests the machinery the model runs on.
"""

from __future__ import annotations

import math
from typing import Generator

import simpy

from sim.config.schema import Config
from sim.model.rng import Streams

HOURS_PER_WEEK = 168.0


class MMCRun:
    """One replication of the M/M/c reduction: c servers, one FIFO queue."""

    def __init__(self, cfg: Config):
        self.cfg = cfg
        self.env = simpy.Environment()
        self.streams = Streams(cfg.seed)
        self.warmup = cfg.warmup_weeks * HOURS_PER_WEEK
        self.end = cfg.horizon_weeks * HOURS_PER_WEEK
        self.servers = simpy.Resource(self.env, capacity=cfg.org.servers)
        self.waits: list[float] = []  # time in queue of customers who started service after warm-up
        self.busy = 0.0  # server-hours of service inside the measured window
        self.arrivals = 0

    def customer(self, service: float) -> Generator:
        """Queue one customer, serve it for ``service`` hours, and record its wait and busy time."""
        arrived = self.env.now
        with self.servers.request() as req:
            yield req
            start = self.env.now
            if start >= self.warmup:
                self.waits.append(start - arrived)
            yield self.env.timeout(service)
            lo, hi = max(start, self.warmup), min(start + service, self.end)
            if hi > lo:
                self.busy += hi - lo

    def source(self) -> Generator:
        """Generate Poisson arrivals with exponential service times."""
        org = self.cfg.org
        gaps, services = self.streams["arrivals"], self.streams["duration.service"]
        while True:
            yield self.env.timeout(gaps.exponential(1.0 / org.arrivals_per_hour))
            self.arrivals += 1
            self.env.process(self.customer(services.exponential(org.service_hours_mean)))

    def execute(self) -> "MMCRun":
        """Run the replication to the horizon and return itself."""
        self.env.process(self.source())
        self.env.run(until=self.end)
        # Busy time is booked when a service ends: the at most c services still running at the
        # horizon are left out, a bias of under c mean services against the whole window.
        return self

    def summary(self) -> dict:
        """Return the measured mean wait, utilisation and counts, for comparison with Erlang C."""
        window = self.end - self.warmup
        return {
            "org": self.cfg.org.name,
            "seed": self.cfg.seed,
            "wait_hours_mean": sum(self.waits) / len(self.waits) if self.waits else math.nan,
            "utilisation": self.busy / (window * self.cfg.org.servers),
            "served": len(self.waits),
            "arrivals": self.arrivals,
        }
