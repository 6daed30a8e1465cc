"""Staff desks by role, built from the org config, and who gets which household.

Roles: reception (pre-assessment and first visits, one pool or two), long-term caseworkers
(individuals), payment officers (individuals), cash office and deputy managers (pools), and
the variants' module administrators and common reception. Assignment is least-loaded, by
target group where the district is specialised, under the variant's caseload cap.
"""

from __future__ import annotations

import math

import simpy

from sim.config import ramboll
from sim.config.schema import Config, Station
from sim.config.vocabulary import REDUCTIONS, TARGET_GROUPS
from sim.model.entities import Desk, Household
from sim.model.policy import Policy


def _seats(fte: float) -> tuple[int, float]:
    """Whole seats for an FTE total and the FTE of each (16.05 FTE → 17 seats of 0.944)."""
    seats = max(1, math.ceil(fte - 1e-9))
    return seats, fte / seats


def _groups_for(n: int, shares: dict[str, float]) -> list[tuple[str, ...]]:
    """Target group of each of ``n`` specialised desks, in proportion to the group shares.

    Largest-remainder apportionment, at least one desk per group with a positive share.
    """
    groups = [g for g in TARGET_GROUPS if shares.get(g, 0.0) > 0]
    if n < len(groups):
        return [tuple(groups)] * n  # too few people to specialise: everyone is broad
    quota = {g: shares[g] / sum(shares[x] for x in groups) * n for g in groups}
    count = {g: max(1, int(quota[g])) for g in groups}
    while sum(count.values()) < n:
        g = max(groups, key=lambda x: quota[x] - count[x])
        count[g] += 1
    while sum(count.values()) > n:
        g = max((x for x in groups if count[x] > 1), key=lambda x: count[x] - quota[x])
        count[g] -= 1
    return [(g,) for g in groups for _ in range(count[g])]


class Staff:
    """All desks of one run."""

    def __init__(self, env: simpy.Environment, cfg: Config, policy: Policy):
        self.policy = policy
        self.overflow: list[tuple[Household, simpy.Event]] = []  # referrals waiting under a caseload cap
        self.by_role: dict[str, list[Desk]] = {}
        if cfg.org.kind in REDUCTIONS:
            self._stations(env, cfg)
            return
        org, tu = cfg.org, cfg.timeuse
        caseworker_oh = ramboll.overhead_shares(ramboll.table_for(cfg), tu.overhead)
        shares = org.households.target_groups

        def pool(role: str, fte: float, overhead: dict[str, float], reserve: int = 0) -> Desk:
            seats, per = _seats(fte)
            desk = Desk(env, role, role, seats + reserve, per, tuple(TARGET_GROUPS), overhead)
            desk.reserve = reserve
            self.by_role[role] = [desk]
            return desk

        def individuals(role: str, fte: float, overhead: dict[str, float]) -> list[Desk]:
            seats, per = _seats(fte)
            groups = _groups_for(seats, shares) if policy.specialised else [tuple(TARGET_GROUPS)] * seats
            desks = [Desk(env, f"{role}_{i + 1:02d}", role, 1, per, groups[i], overhead) for i in range(seats)]
            self.by_role[role] = desks
            return desks

        rec = org.reception
        reserve = policy.reinforcement_seats  # reinforcement seats: off duty until called in
        if rec.pre_assessment > 0:  # Hässelby-Vällingby: 4 pre-assessment + 5 first visit (004)
            self.pre_assessment = pool("reception_pre_assessment", rec.pre_assessment, caseworker_oh)
            self.first_visit = pool("reception_first_visit", rec.caseworkers - rec.pre_assessment, caseworker_oh,
                                    reserve)
        else:
            self.pre_assessment = self.first_visit = pool("reception", rec.caseworkers, caseworker_oh, reserve)
        self.long_term = individuals("long_term", org.long_term.caseworkers, caseworker_oh)
        self.payment_officers = individuals(
            "payment_officer", org.payment.officers, {"overhead": tu.payment_officer_overhead})
        self.cash_office = pool("cash_office", org.payment.cash_office, {"overhead": tu.cash_office_overhead})
        self.deputies = pool("deputy_manager", org.deputy_managers, {"overhead": tu.deputy_manager_overhead})
        self.module_admins = (pool("module_admin", policy.module_admin_fte, {"overhead": policy.module_admins.overhead})
                              if policy.module_admin_fte > 0 else None)
        self.common_reception = (pool("common_reception", policy.reception.common_staff, caseworker_oh)
                                 if policy.common_reception else None)

    def _stations(self, env: simpy.Environment, cfg: Config) -> None:
        """The validation reductions' queues: one pool of full-time servers per station, no overhead."""
        org = cfg.org
        stations = org.stations if org.kind == "tandem" else [Station(org.servers, org.service_hours_mean)]
        self.stations: list[tuple[Desk, float]] = []
        for i, st in enumerate(stations):
            role = f"station_{i + 1}"
            desk = Desk(env, role, role, st.servers, 1.0, tuple(TARGET_GROUPS), {})
            self.by_role[role] = [desk]
            self.stations.append((desk, st.service_hours_mean))

    def desks(self) -> list[Desk]:
        """Return every desk, role by role."""
        return [d for desks in self.by_role.values() for d in desks]

    def seats_by_role(self) -> dict[str, int]:
        """Return the number of seats per role."""
        return {role: sum(d.seats for d in desks) for role, desks in self.by_role.items()}

    def fte(self, role: str) -> float:
        """Contracted FTE of a role (reinforcement seats not included)."""
        return sum((d.seats - d.reserve) * d.fte for d in self.by_role.get(role, []))

    def assign_long_term(self, hh: Household) -> bool:
        """Give the household a long-term caseworker and payment officer; False if all are at the cap."""
        cw = least_loaded(self.long_term, hh, self.policy.caseload_cap)
        if cw is None:
            return False
        hh.caseworker = cw
        hh.payment_officer = least_loaded(self.payment_officers, hh)
        cw.caseload += 1
        hh.payment_officer.caseload += 1
        return True

    def release(self, desk: Desk) -> None:
        """Lower a caseworker's caseload and let capped referrals in, oldest first."""
        desk.caseload -= 1
        if self.overflow:
            waiting, self.overflow = self.overflow, []
            for hh, ready in waiting:  # oldest first; a full group does not block another group
                if self.assign_long_term(hh):
                    ready.succeed()
                else:
                    self.overflow.append((hh, ready))


def least_loaded(desks: list[Desk], hh: Household, cap: float = 0.0) -> Desk | None:
    """Return the desk with the smallest caseload per FTE that serves the household's target group.

    Ties go to the first desk, so assignment is deterministic. A specialised district with
    no desk for the group falls back to everyone rather than dropping the household. With a
    caseload ``cap`` (households per FTE), desks at the cap are skipped; ``None`` if all are.
    """
    eligible = [d for d in desks if hh.target_group in d.groups] or desks
    eligible = [d for d in eligible if not d.away] or eligible  # nobody at the desk: no new households
    if cap > 0:
        eligible = [d for d in eligible if d.caseload + 1 <= cap * d.fte + 1e-9]
        if not eligible:
            return None
    return min(eligible, key=lambda d: d.caseload / d.fte)
