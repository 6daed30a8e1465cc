"""Least-cost staffing that meets service targets, with the confidence to say so (issue 18).

The decision variables are staff pools (config keys such as ``org.reception.caseworkers``), each with bounds
and a step; the goals are targets on summary figures (``first_visit_wait_weeks`` at most 2, a share at least
0.9: the side comes from the figure's better direction, :mod:`sim.analysis.kpis`). The search:

1. **Start** from a queueing estimate: each pool's offered load (its busy share in a short run of today's
   staffing times its size) at a busy share of ``start_busy`` (square-root staffing's first term); an M/M/c
   reduction starts at Erlang C's minimum for the wait target, a tandem at Erlang C's marginal analysis.
2. **Improve** by a neighbourhood search: while the estimates miss the search's aim (each target cleared by
   its tolerance), add a step to the pool that most reduces the worst relative shortfall per krona; then step
   down, the largest saving first, to a cheaper neighbour (a step off a pool, or a step moved to a cheaper
   pool) that still clears it. Every candidate runs on the same seeds (common random numbers), so candidates
   differ by their staffing, not their dice.
3. **Select with a stated confidence**: a sequential feasibility check in the spirit of Andradóttir & Kim
   (2010): the choice, then its cheaper neighbours, get more replications, batch by batch, until each is told
   feasible or not at the stated confidence (one-sided, Bonferroni over the targets), or lies on a target's
   edge (its interval within the tolerance: the indifference zone), or the budget is spent.
4. **Confirm on fresh seeds**: the choice again on seeds the search never used until every interval is inside
   its target. A choice on the edge or not confirmed gives way to the step up that gains most on the missed
   target, and the search goes on from there; at the end each cheaper neighbour of the recommendation is
   refuted (a few batches beyond the budget), so the page can say why none was chosen.

Every pool but the module administrators is kept at most ``max_busy`` busy (a target of its own), so the
least cost is never a saturated queue. A city is optimised district by district (:func:`city_districts`).

Implemented here rather than taken from a library: Optuna's constrained samplers treat a noisy constraint
as exact, and sim-tools' ranking-and-selection procedures (KN, OCBA) select the best mean, not the cheapest
feasible system; the feasibility check is a few lines over the runner and its cache.
"""

from __future__ import annotations

import math
from pathlib import Path

from sim.analysis.feasibility import (  # noqa: F401 (OptimiseSpec, Pool, Result: the command's vocabulary)
    BUSY,
    Estimate,
    OptimiseSpec,
    Pool,
    Result,
    check,
    confidence_met,
    looks_feasible,
    margin,
    pool_name,
    shortfall,
    side,
    verdict,
)
from sim.analysis.stats import estimate as interval
from sim.config.schema import ConfigError

CHECK_SEED = 100_000  # the independent check's seeds start here: none of the search's
REFUTE_BATCHES = 3  # first batches' worth of replications per cheaper neighbour of the choice, beyond the budget
DOWN_BATCH = 2  # cheaper neighbours tried at once while stepping down (first improvement)
CHECK_STEPS = 2  # steps up the independent check may take from an unconfirmed choice
STALL, STALL_GAIN = 3, 0.05  # this many steps up that close less than this share of the shortfall: out of reach

# a pool's key -> the staff role whose busy share gives its offered load, and the cost per unit (costs.*)
ROLE_OF = {"org.reception.caseworkers": "reception_first_visit", "org.long_term.caseworkers": "long_term",
           "org.payment.officers": "payment_officer", "variant.module_admins.fte": "module_admin",
           "org.payment.cash_office": "cash_office", "org.deputy_managers": "deputy_manager", "org.servers": "server"}
COST_OF = {"org.reception.caseworkers": "caseworker", "org.long_term.caseworkers": "caseworker",
           "org.payment.officers": "payment_officer", "variant.module_admins.fte": "admin",
           "org.payment.cash_office": "admin", "org.deputy_managers": "deputy_manager"}


def figure(result: dict, metric: str) -> float:
    """A target's figure from a replication's summary; a pool's busy share from its role's utilisation (a pool
    with no staff, e.g. no module administrators, is not busy)."""
    if not metric.startswith(BUSY):
        if metric not in result:
            raise ConfigError(f"target.{metric}", None, "not a figure of this model's summary")
        return result[metric]
    role = ROLE_OF[metric[len(BUSY):]]
    for key in (f"utilisation.{role}", f"utilisation.{role.split('_')[0]}"):
        if key in result and result[key] is not None and result[key] == result[key]:
            return result[key]
    return 0.0


def fmt_value(value: float) -> str:
    return f"{value:g}"


class Optimiser:
    """One optimisation: the candidates evaluated so far (on seeds 0, 1, ...) and the replication budget."""

    def __init__(self, spec: OptimiseSpec, cache_dir: Path | None = None, workers: int | None = None, out=None,
                 jobs=None):
        from dataclasses import replace

        from sim.config.compose import load_config

        check(spec)
        self.spec, self.cache_dir, self.workers, self.out = spec, cache_dir, workers, out
        self.jobs = jobs  # sim.experiments.optimise_jobs.HydraJobs: batches as Hydra jobs (Slurm), or None: here
        if spec.max_busy is not None:  # every staff pool kept at most max_busy busy: targets of their own
            # not the module administrators: they take clerical work off caseworkers while there is any, so
            # they are always busy by design, and no household queues for them
            busy = {f"{BUSY}{k}": spec.max_busy for k in spec.pools
                    if k in ROLE_OF and k not in ("org.servers", "variant.module_admins.fte")}
            spec = replace(spec, target={**spec.target, **busy})
            self.spec = spec
        self.keys = list(spec.pools)
        self.common = [f"org={spec.org}", f"horizon_weeks={spec.horizon_weeks}",
                       f"warmup_weeks={spec.warmup_weeks}", *spec.overrides]
        self.base = load_config(self.common)
        from sim.config.plausible import get_key

        self.today = tuple(float(get_key(self.base, k)) for k in self.keys)
        self.unit = [self._unit_cost(k) for k in self.keys]
        self.estimates: dict[tuple[float, ...], Estimate] = {}
        self.runs = 0  # replications run (or read from the cache) for the search, against spec.budget
        self.invalid: dict[tuple[float, ...], str] = {}  # staffings the model refuses, and why
        self.stalled = False  # more staff stopped helping: a target out of the pools' reach
        # staffings not confirmed (on the edge of a target, or their fresh-seed check unclear): -> (check, n)
        self.unconfirmed: dict[tuple[float, ...], tuple[dict, int]] = {}
        self.log: list[str] = []

    def _unit_cost(self, key: str) -> float:
        pool = self.spec.pools[key]
        if pool.sek_per_unit is not None:
            return float(pool.sek_per_unit)
        if key in COST_OF:
            return float(getattr(self.base.costs, COST_OF[key]))
        raise ConfigError(f"optimise.pools.{key}.sek_per_unit", None, "a cost per unit a year (SEK): the pool is not "
                          f"one of {', '.join(COST_OF)}, whose cost the config knows")

    def cost(self, staffing: tuple[float, ...]) -> float:
        return float(sum(v * u for v, u in zip(staffing, self.unit)))

    def allowed(self, staffing: tuple[float, ...]) -> bool:
        inside = all(p.low - 1e-9 <= v <= p.high + 1e-9 for v, p in zip(staffing, self.spec.pools.values()))
        return inside and (self.spec.budget_sek is None or self.cost(staffing) <= self.spec.budget_sek)

    def neighbours(self, staffing: tuple[float, ...], direction: int) -> list[tuple[float, ...]]:
        out = []
        for i, pool in enumerate(self.spec.pools.values()):
            moved = list(staffing)
            moved[i] = round(moved[i] + direction * pool.step, 9)
            if self.allowed(tuple(moved)) and tuple(moved) not in self.invalid:
                out.append(tuple(moved))
        return out

    def swaps(self, staffing: tuple[float, ...]) -> list[tuple[float, ...]]:
        """One step off one pool and one step onto another, where that saves money (e.g. a module administrator
        for a caseworker): the cheaper staffings a step below each pool cannot reach."""
        out, pools = [], list(self.spec.pools.values())
        for i, j in ((i, j) for i in range(len(pools)) for j in range(len(pools)) if i != j):
            moved = list(staffing)
            moved[i] = round(moved[i] - pools[i].step, 9)
            moved[j] = round(moved[j] + pools[j].step, 9)
            moved = tuple(moved)
            if self.allowed(moved) and moved not in self.invalid and self.cost(moved) < self.cost(staffing) - 1e-9:
                out.append(moved)
        return out

    def cheaper(self, staffing: tuple[float, ...], all_: bool = False) -> list[tuple[float, ...]]:
        """The cheaper staffings next to this one: a step off each pool, and each swap that saves money; those
        already found not confirmed left out (unless ``all_``, for the page)."""
        out = self.neighbours(staffing, -1) + self.swaps(staffing)
        return out if all_ else [s for s in out if s not in self.unconfirmed]

    def evaluate(self, staffings: list[tuple[float, ...]], n: int, budget: int | None = None) -> None:
        """Bring each staffing to ``n`` replications (seeds 0..n-1), within the budget (the search's unless given)."""
        from dataclasses import replace

        from sim.config.compose import load_configs

        want = []
        for s in staffings:
            have = self.estimates[s].n if s in self.estimates else 0
            want += [(s, k) for k in range(have, n)]
        want = want[:max(0, (self.spec.budget if budget is None else budget) - self.runs)]
        if not want:
            return
        points = sorted({s for s, _ in want})
        bases = {}
        for s in points:  # one by one: a staffing the model refuses (an M/M/c below its load) is left out, said
            try:
                [bases[s]] = load_configs(self.common, [[f"{k}={fmt_value(v)}" for k, v in zip(self.keys, s)]])
            except ConfigError as err:
                self.invalid[s] = str(err)
                self.say(f"{self.describe(s)} left out: {err}")
        want = [(s, k) for s, k in want if s in bases]
        points = [s for s in points if s in bases]
        if not want:
            return
        results = self.replicate([(s, replace(bases[s], seed=k)) for s, k in want],
                                 f"{self.spec.name}: {len(points)} staffing(s)")
        self.runs += len(want)
        for (s, _), result in zip(want, results):
            est = self.estimates.setdefault(s, Estimate(s, self.cost(s), {m: [] for m in self.spec.target}))
            for m in self.spec.target:
                value = figure(result, m)
                est.values[m].append(math.nan if value is None else float(value))

    def replicate(self, runs: list[tuple[tuple[float, ...], "object"]], label: str) -> list[dict]:
        """Each (staffing, config) once, in order: on this machine's processes, or first as Hydra jobs
        (``cluster.launcher``) into the cache, which this then reads."""
        from sim.experiments.runner import run_many, run_summary

        if self.jobs is not None:
            self.jobs(self.common, [([f"{k}={fmt_value(v)}" for k, v in zip(self.keys, s)], c.seed) for s, c in runs],
                      label)
        return run_many([c for _, c in runs], cache_dir=self.cache_dir, workers=self.workers, job=run_summary,
                        label=label, replications=[c.seed for _, c in runs])

    def start(self) -> tuple[float, ...]:
        """The queueing estimate (:data:`ROLE_OF`'s busy shares at today's staffing), or today's staffing."""
        spec = self.spec
        if spec.start == "today":
            return self.snap(self.today)
        if self.base.org.kind == "mmc" and self.keys == ["org.servers"] and "wait_hours_mean" in spec.target:
            from sim.analysis.queueing import erlang_c_wait

            org = self.base.org
            c = int(math.floor(org.arrivals_per_hour * org.service_hours_mean)) + 1
            while erlang_c_wait(c, org.arrivals_per_hour, org.service_hours_mean) > spec.target["wait_hours_mean"]:
                c += 1
            return self.snap((float(c),))
        if self.base.org.kind == "tandem" and "wait_hours_total" in spec.target:
            return self.snap(self._tandem_start())
        from sim.experiments.runner import run_many, run_summary

        [today] = run_many([self.base], workers=1, job=run_summary, label=f"{spec.name}: queueing start")
        start = []
        for key, value, pool in zip(self.keys, self.today, spec.pools.values()):
            role = ROLE_OF.get(key, "")
            busy = today.get(f"utilisation.{role}") or today.get(f"utilisation.{role.split('_')[0]}")
            if not busy or value <= 0:
                start.append(value)
                continue
            start.append(math.ceil(busy * value / spec.start_busy / pool.step) * pool.step)
        return self.snap(tuple(start))

    def _tandem_start(self) -> tuple[float, ...]:
        """Jackson's theorem: each station an M/M/c of its own, so the summed wait is a sum of Erlang C waits.
        From the fewest servers that keep every station stable, add a server where it cuts the sum most per unit
        of cost until the sum meets the target (marginal analysis; the search then checks and refines it)."""
        from sim.analysis.queueing import erlang_c_wait

        org, target = self.base.org, self.spec.target["wait_hours_total"]
        parts = [k.split(".") for k in self.keys]
        if not all(p[:2] == ["org", "stations"] and p[2:3] != [] and p[2].isdigit() and p[3:] == ["servers"]
                   for p in parts):
            return self.today  # a pool other than a station's servers: no Erlang C start
        servers = {i: int(math.floor(org.arrivals_per_hour * st.service_hours_mean)) + 1
                   for i, st in enumerate(org.stations)}
        fixed = {i for i in servers if f"org.stations.{i}.servers" not in self.keys}
        for i in fixed:  # a station not optimised keeps its servers
            servers[i] = org.stations[i].servers

        def total(c: dict) -> float:
            return sum(erlang_c_wait(c[i], org.arrivals_per_hour, st.service_hours_mean)
                       for i, st in enumerate(org.stations))

        unit = {int(k.split(".")[2]): u for k, u in zip(self.keys, self.unit)}
        while total(servers) > target and len(fixed) < len(servers):
            def cut(i):
                more = {**servers, i: servers[i] + 1}
                return (total(servers) - total(more)) / unit[i]
            best = max((i for i in servers if i not in fixed), key=cut)
            servers[best] += 1
        return tuple(float(servers[int(k.split(".")[2])]) for k in self.keys)

    def snap(self, staffing: tuple[float, ...]) -> tuple[float, ...]:
        """Inside the bounds, on the pools' steps."""
        out = []
        for v, p in zip(staffing, self.spec.pools.values()):
            v = min(max(v, p.low), p.high)
            out.append(round(p.low + round((v - p.low) / p.step) * p.step, 9))
        return tuple(out)

    def say(self, text: str) -> None:
        import sys

        self.log.append(text)
        print(text, file=self.out or sys.stderr, flush=True)

    def search(self, current: tuple[float, ...]) -> tuple[float, ...]:
        """Climb until the estimates meet every target, then step down while a cheaper neighbour still does."""
        spec, n0 = self.spec, self.spec.replications
        self.evaluate([current], max(n0, self.estimates[current].n if current in self.estimates else 0))
        if current not in self.estimates:
            if current in self.invalid:
                raise ConfigError("optimise.start", self.describe(current), self.invalid[current])
            raise ConfigError("optimise.budget", spec.budget, "room for a first batch (optimise.replications)")
        seen = {current}
        climbed: list[float] = []  # the shortfall after each step up
        while self.runs < spec.budget:
            est = self.estimates[current]
            if not looks_feasible(spec, est):
                climbed.append(shortfall(spec, est))
                if len(climbed) > STALL and climbed[-1] > (1 - STALL_GAIN) * climbed[-1 - STALL]:
                    self.stalled = True
                    self.say(f"{STALL} steps up brought the estimates less than {STALL_GAIN:.0%} closer to the "
                             "targets: something other than these pools sets the figure short of its target; stopped")
                    break
                ups = self.neighbours(current, +1)
                self.evaluate(ups, n0)
                ups = [u for u in ups if u in self.estimates]
                if not ups:
                    self.say(f"no staffing within the bounds{' and the budget ceiling' if spec.budget_sek else ''} "
                             "above the current one: stopped")
                    break
                gain = {u: (shortfall(spec, est) - shortfall(spec, self.estimates[u]))
                        / max(self.cost(u) - self.cost(current), 1.0) for u in ups}
                current = max(ups, key=lambda u: (gain[u], -self.cost(u)))
                self.say(f"up to {self.describe(current)} (shortfall {shortfall(spec, self.estimates[current]):.3g})")
            else:
                # the largest saving first, a pair at a time (two processes), the first that still looks enough
                downs, cheaper = sorted(self.cheaper(current), key=self.cost), []
                for i in range(0, len(downs), DOWN_BATCH):
                    self.evaluate(downs[i:i + DOWN_BATCH], n0)
                    cheaper = [d for d in downs[i:i + DOWN_BATCH] if d in self.estimates
                               and looks_feasible(spec, self.estimates[d])
                               and verdict(spec, self.estimates[d]) not in ("fails", "edge")]
                    if cheaper:
                        break
                if not cheaper:
                    break
                current = min(cheaper, key=self.cost)
                self.say(f"down to {self.describe(current)}")
            if current in seen and looks_feasible(spec, self.estimates[current]):
                break
            seen.add(current)
        return current

    def describe(self, staffing: tuple[float, ...]) -> str:
        return ", ".join(f"{fmt_value(v)} {pool_name(k)}" for k, v in zip(self.keys, staffing))

    def run(self) -> "Result":
        """Search, check feasibility sequentially, check the choice on fresh seeds, and step up from a choice on
        the edge of a target; returns the recommendation and everything evaluated."""
        spec = self.spec
        current = self.start()
        self.say(f"start ({'queueing estimate' if spec.start == 'queueing' else 'today'}): {self.describe(current)}")
        checked: tuple[dict, int] = ({}, 0)
        checked_for = None  # the staffing ``checked`` is of
        for _ in range(50):  # moves after a check overturned an estimate; the budget ends it sooner
            current = self.search(current)
            if self.stalled:
                break
            self.sharpen([current])
            if verdict(spec, self.estimates[current]) == "meets":  # only then can a cheaper neighbour matter
                self.sharpen(self.cheaper(current))
            here = verdict(spec, self.estimates[current])
            cheaper = [d for d in self.cheaper(current)
                       if d in self.estimates and verdict(spec, self.estimates[d]) == "meets"]
            if cheaper:
                current = min(cheaper, key=self.cost)
                self.say(f"a cheaper neighbour meets the targets after more replications: {self.describe(current)}")
                continue
            if here == "fails" and self.runs < spec.budget:
                self.say(f"{self.describe(current)} fails a target after more replications: searching on")
                continue
            spent = self.runs >= spec.budget
            if here == "meets" or (here == "unsure" and spent
                                   and looks_feasible(spec, self.estimates[current], slack=False)):
                # meets on the search's seeds, or the budget ran out while it looked enough: fresh seeds decide
                checked, checked_for = self.independent_check(current), current
                if not checked[0] or all(v[3] for v in checked[0].values()):
                    break
                self.unconfirmed[current] = checked
                why = "its fresh-seed check puts an interval outside the target or across it"
            elif here == "edge":
                self.unconfirmed[current] = ({}, 0)
                why = "its long-run figure lies within the tolerance of a target, on the search's seeds"
            else:  # unsure with the budget spent: not shown enough, so not recommended
                self.unconfirmed[current] = ({}, 0)
                why = f"the budget of {spec.budget} replications could not show a target met or missed"
            up = self.step_up(current) if len(self.unconfirmed) <= CHECK_STEPS else None
            if up is None:
                self.say(f"{self.describe(current)} is not confirmed ({why}); no step up is left to try")
                break
            self.say(f"{self.describe(current)} is not confirmed ({why}): on from one step up, {self.describe(up)}")
            current = up
        self.refute(current)
        # today's staffing, for the comparison (not a candidate unless on the steps; beyond the search's budget)
        self.evaluate([self.today], spec.replications, budget=self.runs + spec.replications)
        if current in self.unconfirmed:
            checked = self.unconfirmed[current]
        elif checked_for != current:  # the check in hand, if any, is of a staffing the search has left
            feasible = looks_feasible(spec, self.estimates[current], slack=False)
            checked = self.independent_check(current) if feasible else ({}, 0)
        return Result(spec, self.today, current, dict(self.estimates), self.runs, list(self.log),
                      [d for d in self.cheaper(current, all_=True) if d in self.estimates], list(self.unit),
                      *checked, unconfirmed=[(s, *c) for s, c in self.unconfirmed.items() if s != current])

    def refute(self, staffing: tuple[float, ...]) -> None:
        """The recommendation's cheaper neighbours, each brought to a verdict if it can be in a few batches,
        beyond the search's budget if that is spent: the page must say why none of them was chosen."""
        spec, group = self.spec, self.cheaper(staffing, all_=True)
        allowance = self.runs + REFUTE_BATCHES * spec.replications * len(group)
        self.evaluate(group, spec.replications, budget=allowance)
        self.sharpen([g for g in group if g in self.estimates], budget=allowance)

    def sharpen(self, group: list[tuple[float, ...]], budget: int | None = None) -> None:
        """The sequential check: more replications, batch by batch, for each staffing whose verdict is unsure
        (not yet meets, fails, or on the edge of a target), within the budget (the search's unless given)."""
        spec = self.spec
        budget = spec.budget if budget is None else budget
        while self.runs < budget:
            unsure = [g for g in group if g not in self.estimates or (verdict(spec, self.estimates[g]) == "unsure"
                                                                       and self.estimates[g].n < spec.check_max)]
            if not unsure:
                return
            before = self.runs
            self.evaluate(unsure, max(self.estimates[g].n if g in self.estimates else 0 for g in unsure)
                          + spec.replications, budget=budget)
            if self.runs == before:
                return

    def step_up(self, staffing: tuple[float, ...]) -> tuple[float, ...] | None:
        """The step up that gains most on the targets this staffing does not surely meet, per krona (its
        neighbours on the search's seeds, run beyond the search's budget: this is the check's own work)."""
        spec, est = self.spec, self.estimates[staffing]
        level = 1 - (1 - spec.confidence) / len(spec.target)
        missed = [m for m in spec.target if not confidence_met(spec, est, m) >= level]
        if staffing in self.unconfirmed and self.unconfirmed[staffing][0]:
            missed = [m for m, v in self.unconfirmed[staffing][0].items() if not v[3]] or missed
        ups = self.neighbours(staffing, +1)
        self.evaluate(ups, spec.replications, budget=self.runs + len(ups) * spec.replications)
        ups = [u for u in ups if u in self.estimates and looks_feasible(spec, self.estimates[u])]
        if not ups or not missed:
            return None

        def gain(u):  # the missed targets' worst relative margin gained, per krona
            worst = min((margin(spec, self.estimates[u], m) - margin(spec, est, m)) / (abs(spec.target[m]) or 1.0)
                        for m in missed)
            return worst / max(self.cost(u) - self.cost(staffing), 1e-9)

        return max(ups, key=lambda u: (gain(u), -self.cost(u)))

    def independent_check(self, staffing: tuple[float, ...]) -> tuple[dict, int]:
        """The staffing again on fresh seeds (CHECK_SEED on): batches of ``check_replications`` until every
        target's 95 % CI lies inside it, one lies wholly outside, or ``check_max`` replications. Per target: mean,
        CI, and whether the whole interval lies inside the target; and the replications it took."""
        from dataclasses import replace

        from sim.config.compose import load_configs

        spec, step = self.spec, self.spec.check_replications
        if step < 2 or staffing in self.invalid:
            return {}, 0
        [base] = load_configs(self.common, [[f"{k}={fmt_value(v)}" for k, v in zip(self.keys, staffing)]])
        results: list[dict] = []
        out: dict = {}
        while len(results) < max(spec.check_max, step):
            batch = [(staffing, replace(base, seed=CHECK_SEED + k)) for k in range(len(results), len(results) + step)]
            results += self.replicate(batch, f"{spec.name}: independent check")
            out = {}
            for m, bound in spec.target.items():
                ci = interval(figure(r, m) for r in results)  # the t interval of sim.analysis.stats
                mean, low, high = ci.mean, ci.low, ci.high
                inside = high <= bound if side(m) == "max" else low >= bound
                outside = low > bound if side(m) == "max" else high < bound
                out[m] = (mean, low, high, bool(inside), bool(outside))
            if all(v[3] for v in out.values()) or any(v[4] for v in out.values()):
                break
        self.say(f"independent check on seeds {CHECK_SEED}-{CHECK_SEED + len(results) - 1}: " + "; ".join(
            f"{m} {v[0]:.3g} (95 % CI {v[1]:.3g}-{v[2]:.3g}){'' if v[3] else ' NOT inside its target'}"
            for m, v in out.items()))
        return {m: v[:4] for m, v in out.items()}, len(results)




def city_districts(spec: OptimiseSpec) -> list[tuple[str, OptimiseSpec]]:
    """A city's optimisation as one per district (``org.kind: city``): the districts share no staff and no
    households in this model (:mod:`sim.model.city`), so the city's least cost meeting every district's targets
    is the sum of the districts' own. Each district is its file scaled (:func:`sim.config.compose.scaled`),
    given here as overrides; each pool's bounds scale with it. ``[]`` for a config that is not a city."""
    from dataclasses import replace

    from sim.config.compose import load_config
    from sim.config.plausible import get_key

    city = load_config([f"org={spec.org}", *[o for o in spec.overrides if o.startswith("org.")]])
    if city.org.kind != "city":
        return []
    own = [o for o in spec.overrides if not o.startswith("org.")]
    out = []
    for d in city.org.districts:
        org = d.resolved  # the district's file, scaled (sim.config.compose.resolve)
        keys = ["arrivals_per_week", "reception.caseworkers", "reception.pre_assessment", "long_term.caseworkers",
                "payment.officers", "payment.cash_office", "deputy_managers"]
        scaling = [f"org.{k}={get_key(org, k):.6g}" for k in keys]
        pools = {k: replace(p, low=math.floor(p.low * d.scale / p.step) * p.step,
                            high=math.ceil(p.high * d.scale / p.step) * p.step) for k, p in spec.pools.items()}
        out.append((d.name, replace(spec, name=f"{spec.name}: {d.name}", org=d.org, pools=pools,
                                    overrides=[*scaling, *own], label=d.name)))
    return out
