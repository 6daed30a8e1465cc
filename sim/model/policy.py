"""A variant resolved against its district: every value a variant decides, for the processes.

Variants change who does what (specialisation, pairing, caps, extra roles), never the
households or the process code. ``as_org`` means "as the district works in the study". The
processes read variant settings only from the run's :class:`Policy`, never from the config.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sim.config.schema import Config, ModuleAdmins, PaymentVariant, ReceptionVariant, Reinforcement, Specialisation


@dataclass(frozen=True)
class Policy:
    """The variant's decisions, resolved against the district, as the processes read them."""

    specialised: bool
    pairing: str  # paired | caseworker_owns
    module_admin_fte: float
    common_reception: bool
    misrouted_share: float
    caseload_cap: float  # households per caseworker FTE; 0 = none
    reinforcement: bool
    reinforcement_seats: int  # reserve seats in the first-visit pool (0 without reinforcement)
    specialist_speed: float  # duration multiplier on long-term tasks (1 unless specialised)
    # the variant's own settings, read by the processes (handover, pairing shortcuts, admins, ...)
    specialisation: Specialisation
    module_admins: ModuleAdmins
    reception: ReceptionVariant
    payment: PaymentVariant
    reinforcement_settings: Reinforcement


def resolve(cfg: Config) -> Policy:
    """Resolve the config's variant against its district (``as_org`` takes the district's own setting)."""
    v, org = cfg.variant, cfg.org
    mode = v.specialisation.mode
    specialised = org.specialised if mode == "as_org" else mode == "specialised"
    pairing = org.payment_pairing if v.payment.pairing == "as_org" else v.payment.pairing
    caseworkers = org.reception.caseworkers + org.long_term.caseworkers
    # 000 (Uppsala): one module administrator per module of 25–30 caseworkers
    admins = v.module_admins.fte or v.module_admins.per_30_caseworkers * caseworkers / 30.0
    rf = v.reinforcement
    return Policy(
        specialised=specialised,
        pairing=pairing,
        module_admin_fte=admins if admins > 1e-9 else 0.0,
        common_reception=v.reception.mode == "common",
        misrouted_share=v.reception.misrouted_share,
        caseload_cap=v.caseload_cap,
        reinforcement=rf.enabled,
        reinforcement_seats=math.ceil(rf.extra_caseworkers - 1e-9) if rf.enabled else 0,
        specialist_speed=v.specialisation.specialist_speed if specialised else 1.0,
        specialisation=v.specialisation,
        module_admins=v.module_admins,
        reception=v.reception,
        payment=v.payment,
        reinforcement_settings=rf,
    )
