"""Grey-zone decisions: whether an application is granted can depend on who decides it (issue 17, part 4).

004's case exercise gave six caseworkers the same application: three granted it with repayment, two granted it,
one refused. With ``process.decision_variation`` on, a share of the decided applications is grey-zone; each
reception caseworker (and deputy manager) has a grant propensity drawn once per run (Beta, mean 5/6 from the
exercise, spread an assumption), and a grey-zone application is granted if the household's own uniform lies
below the propensity of whoever settles it. A household's outcome *depends on who handled it* when another
decider of the same office would have decided the other way: its uniform lies between the lowest and the
highest propensity of those who could have settled it.

``variant.decision_review`` says who settles it: the reception caseworker alone (``none``), the deputy
manager after a review (``deputy``: the outcome is the deputy's, so it varies only between deputies), or a
case-review meeting (``case_review``: the group's mean propensity, the same whoever brought the case), each at a
cost in time. The household's draws come from hashes of the seed and its number (:func:`hashed_uniform`), so
every variant sees the same applications and the model is exactly today's with the variation off.
"""

from __future__ import annotations

import math
from typing import Generator

import numpy as np

from sim.model.rng import hashed_uniform


class Decisions:
    """One replication's deciders and their grant propensities, and what their grey-zone decisions were."""

    __slots__ = ("on", "warmup", "seed", "grey_share", "mode", "reception", "deputies", "counts")

    def __init__(self, cfg, staff, streams, warmup: float):
        dv = cfg.process.decision_variation
        self.on = dv.enabled
        self.warmup = warmup
        self.seed = streams.seed
        self.grey_share = dv.grey_zone_share
        self.mode = cfg.variant.decision_review.mode
        self.reception: list[float] = []
        self.deputies: list[float] = []
        if self.on:  # a stream of its own: drawn only when on, so nothing else moves
            rng = streams["grant_propensity"]
            self.reception = propensities(rng, len(staff.first_visit.people), dv.grant_mean, dv.grant_sd)
            self.deputies = propensities(rng, len(staff.deputies.people), dv.grant_mean, dv.grant_sd)
        self.counts = dict.fromkeys(("grey_zone", "refused", "depends"), 0)

    def settle(self, run, hh) -> Generator:
        """Decide the household's application (called only with the variation on): returns whether it is refused
        (its own draw unless grey-zone)."""
        if hashed_uniform(self.seed, "grey_zone", hh.id) >= self.grey_share:
            return hh.refused
        u = hashed_uniform(self.seed, "grant", hh.id)
        who = hashed_uniform(self.seed, "decider", hh.id)
        if self.mode == "deputy":
            yield from run.tasks.work(run.staff.deputies, "decision_review", hh)
            pool = self.deputies
            p = pool[int(who * len(pool))]
        elif self.mode == "case_review":
            review = run.cfg.variant.decision_review
            hours = sum(run.tasks.duration["case_review"]() for _ in range(review.participants))
            yield from run.tasks.work(run.staff.first_visit, "case_review", hh, hours=hours)
            pool = []  # the group's outcome, whoever brought the case
            p = float(np.mean(self.reception))
        else:
            pool = self.reception
            p = pool[int(who * len(pool))]
        refused = u >= p
        if run.env.now >= self.warmup:
            c = self.counts
            c["grey_zone"] += 1
            c["refused"] += refused
            c["depends"] += bool(pool) and min(pool) <= u < max(pool)
        return refused

    def figures(self, years: float) -> dict[str, float]:
        """Grey-zone decisions a year, the share refused, and the share whose outcome depends on who decided."""
        c = self.counts
        n = c["grey_zone"]
        return {"decisions.grey_zone_per_year": n / years,
                "decisions.grey_zone_refused_share": c["refused"] / n if n else math.nan,
                "decisions.depends_on_decider_share": c["depends"] / n if n else math.nan}


def propensities(rng: np.random.Generator, n: int, mean: float, sd: float) -> list[float]:
    """``n`` grant propensities from a Beta of the given mean and sd (all ``mean`` when sd is 0)."""
    if sd <= 0:
        return [mean] * n
    k = mean * (1 - mean) / sd ** 2 - 1  # the Beta's a + b (validate keeps sd below sqrt(mean (1 - mean)))
    return [float(x) for x in rng.beta(mean * k, (1 - mean) * k, size=n)]
