"""Resolve a variant against its district: the effective wiring and policies of a run.

Variants change who does what (specialisation, pairing, caps, extra roles), never the
households or the process code. ``as_org`` means "as the district works in the study".
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sim.config import Config


@dataclass(frozen=True)
class Policy:
    specialised: bool
    pairing: str  # paired | caseworker_owns
    module_admin_fte: float
    common_reception: bool
    misrouted_share: float
    caseload_cap: float  # households per caseworker FTE; 0 = none
    reinforcement: bool


def resolve(cfg: Config) -> Policy:
    v, org = cfg.variant, cfg.org
    mode = v.specialisation.mode
    specialised = org.specialised if mode == "as_org" else mode == "specialised"
    pairing = org.payment_pairing if v.payment.pairing == "as_org" else v.payment.pairing
    caseworkers = org.reception.caseworkers + org.long_term.caseworkers
    # 000 (Uppsala): one module administrator per module of 25–30 caseworkers
    admins = v.module_admins.fte or v.module_admins.per_30_caseworkers * caseworkers / 30.0
    return Policy(
        specialised=specialised,
        pairing=pairing,
        module_admin_fte=admins if admins > 1e-9 else 0.0,
        common_reception=v.reception.mode == "common",
        misrouted_share=v.reception.misrouted_share,
        caseload_cap=v.caseload_cap,
        reinforcement=v.reinforcement.enabled,
    )


def reinforcement_seats(cfg: Config) -> int:
    return math.ceil(cfg.variant.reinforcement.extra_caseworkers - 1e-9) if cfg.variant.reinforcement.enabled else 0
