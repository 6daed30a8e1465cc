"""The households of one run: each new one drawn from its own stream (common random numbers).

A household's attributes, need durations and return gaps come from its own generator
(:meth:`Streams.household`), so replication k of every variant sees the same households.
"""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import TYPE_CHECKING

import numpy as np

from sim.config.schema import Config
from sim.config.vocabulary import TARGET_GROUPS
from sim.model import units
from sim.model.distributions import sampler
from sim.model.entities import Household
from sim.model.policy import Policy
from sim.model.recorder import Recorder
from sim.model.rng import Streams, hashed_uniform

if TYPE_CHECKING:
    import simpy


class Population:
    """Creates households and holds those still in the system (a leaver's cases are found here).

    A household that exits for good (``Recorder.move(hh, "exited")``) is forgotten, so memory stays
    flat however long the horizon: what the outputs need of it (counts, waits, payments) is in the
    recorder by then. ``keep_closed = True`` (set before the run) keeps every household instead, for
    diagnostics and tests that look at closed households too.
    """

    keep_closed = False

    def __init__(self, env: "simpy.Environment", cfg: Config, streams: Streams, rec: Recorder, policy: Policy):
        self.env, self.streams, self.rec = env, streams, rec
        hh = cfg.org.households
        self.settings = hh
        self.assistance = cfg.org.assistance
        self.misrouted_share = policy.misrouted_share
        self._need = hh.need_months
        self._return_gap = hh.return_gap_months
        self._groups = list(TARGET_GROUPS)
        self._group_p = np.array([hh.target_groups.get(g, 0.0) for g in self._groups])
        # the households still in the system (every one with keep_closed), by id, in the order they were created
        self.households: dict[int, Household] = {}
        self.next_id = 0
        rec.on_exit = self.release

    def new(self) -> Household:
        """Create a household with attributes drawn from its own stream (same in every variant)."""
        self.next_id += 1
        rng = self.streams.household(self.next_id)
        hh_cfg = self.settings
        u = rng.random(6)
        group = int(np.searchsorted(np.cumsum(self._group_p), u[0] * self._group_p.sum(), side="right"))
        household = Household(
            id=self.next_id, arrived=self.env.now, rng=rng,
            target_group=self._groups[group],
            acute=bool(u[1] < hh_cfg.acute_share),
            home_visit=bool(u[2] < hh_cfg.home_visit_share),
            screened_out=bool(u[3] < hh_cfg.screened_out_share),
            refused=bool(u[4] < hh_cfg.refusal_share),
            misrouted=bool(u[5] < self.misrouted_share),
            need_months=self.draw_need(rng),
        )
        household.monthly_sek = self.monthly_sek(household)
        self.rec.arrivals.append(self.env.now)
        self.households[household.id] = household
        return household

    def monthly_sek(self, household: Household) -> float:
        """The household's monthly assistance: lognormal around its group's mean (``org.assistance``).

        Drawn from a uniform that is a hash of the run's seed and the household's number, not from its stream
        (:func:`sim.model.rng.hashed_uniform`).
        """
        a = self.assistance
        if a.sek_per_household_month <= 0:
            return 0.0
        mean = a.sek_per_household_month * a.group_factor.get(household.target_group, 1.0)
        if a.cv <= 0:
            return mean
        sigma = math.sqrt(math.log1p(a.cv ** 2))
        u = hashed_uniform(self.streams.seed, "assistance", household.id)
        return mean * math.exp(sigma * NormalDist().inv_cdf(u) - sigma ** 2 / 2)

    def adopt(self, household: Household) -> None:
        """Keep a household that did not arrive through :meth:`new` (the steady-state stock at the start)."""
        self.households[household.id] = household

    def release(self, household: Household) -> None:
        """Forget a household that has left the system for good (unless ``keep_closed``)."""
        if not self.keep_closed:
            self.households.pop(household.id, None)

    @property
    def all(self) -> list[Household]:
        """The households held, in the order they were created: those still in the system (every one with
        ``keep_closed``)."""
        return list(self.households.values())

    def draw_need(self, rng: np.random.Generator) -> float:
        """Months of assistance this episode will need."""
        return sampler(self._need, rng)()

    def draw_return_gap(self, rng: np.random.Generator) -> float:
        """Draw the working hours until a closed household applies again."""
        return sampler(self._return_gap, rng)() * units.MONTH
