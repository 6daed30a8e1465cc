"""Staff desks by role, built from the org config, and the assignment policies.

Roles: reception (pre-assessment and first visits, one pool or two), long-term caseworkers
(individuals), payment officers (individuals), cash office and deputy managers (pools).
"""

from __future__ import annotations

import math

import simpy

from sim import timeuse
from sim.config import TARGET_GROUPS, Config
from sim.entities import Desk, Household
from sim.variants import Policy, reinforcement_seats

ROLES = ("reception_pre_assessment", "reception_first_visit", "reception", "long_term",
         "payment_officer", "cash_office", "deputy_manager", "module_admin", "common_reception")
CASEWORKER_ROLES = ("reception_pre_assessment", "reception_first_visit", "reception", "long_term",
                    "common_reception")


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
        org, tu = cfg.org, cfg.timeuse
        caseworker_oh = timeuse.overhead_shares(timeuse.table_for(cfg), tu.overhead)
        shares = org.households.target_groups
        self.by_role: dict[str, list[Desk]] = {}

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
        reserve = reinforcement_seats(cfg)  # reinforcement seats: off duty until called in
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
        self.module_admins = (pool("module_admin", policy.module_admin_fte, {"overhead": cfg.variant.module_admins.overhead})
                              if policy.module_admin_fte > 0 else None)
        self.common_reception = (pool("common_reception", cfg.variant.reception.common_staff, caseworker_oh)
                                 if policy.common_reception else None)

    def desks(self) -> list[Desk]:
        return [d for desks in self.by_role.values() for d in desks]

    def seats_by_role(self) -> dict[str, int]:
        return {role: sum(d.seats for d in desks) for role, desks in self.by_role.items()}

    def fte(self, role: str) -> float:
        """Contracted FTE of a role (reinforcement seats not included)."""
        return sum((d.seats - d.reserve) * d.fte for d in self.by_role.get(role, []))


def least_loaded(desks: list[Desk], hh: Household, cap: float = 0.0) -> Desk | None:
    """The desk with the smallest caseload per FTE that serves the household's target group.

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
