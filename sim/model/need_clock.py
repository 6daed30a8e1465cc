"""The need clock: casework that shortens or lengthens a household's time on assistance (issue 17, part 2).

A long-term household's need (``need_months``, drawn on arrival) is used up one month for every month
it is paid. With the casework effect switched on (``process.casework_effect.enabled``) a month uses up
m months of need instead, where m is the product of that month's casework factors (the follow-up was on
time or missed, the caseworker changed recently, the payment was late), divided by the district's
reference: the same product averaged over the district as the study found it (``org.casework_reference``).

This is an accelerated-failure-time form. For an exponential need it multiplies the monthly exit hazard
by m, which is how the evidence is reported (docs/evidence/casework_and_exits.md). The reference keeps the
district's own organisation at one month of need a month on average, so its calibrated months on
assistance stay as they are; a variant with more follow-ups on time uses needs up faster. With the effect
off m is exactly 1 and nothing is drawn, so the model is exactly today's.
"""

from __future__ import annotations

import math

from sim.model import units


class NeedClock:
    """One replication's need clock: how much need each long-term month uses up, and what it saw."""

    __slots__ = ("on", "warmup", "on_time_hours", "handover_hours", "factor", "counts")

    def __init__(self, cfg, warmup: float):
        effect = cfg.process.casework_effect
        self.on = effect.enabled
        self.warmup = warmup
        self.on_time_hours = cfg.process.followup_on_time_days * units.HOURS_PER_DAY
        self.handover_hours = effect.handover_months * units.MONTH
        ref = reference(effect, cfg.org.casework_reference)
        # the four factors, each divided by the reference once (the clock runs every household-month)
        self.factor = {"on_time": effect.on_time / ref, "done_late": 1.0 / ref, "missed": effect.missed / ref}
        self.factor["handover"], self.factor["late_payment"] = effect.handover, effect.late_payment
        # household-months measured after the warm-up, by what happened in them; "used" sums m
        self.counts = dict.fromkeys(("months", "on_time", "missed", "handover", "late_payment", "used"), 0.0)

    def month(self, hh, followup: list, now: float) -> float:
        """Months of need the month just ended used up; ``followup`` is its ``[due, started]`` record."""
        started = followup[1]
        if started is None:
            state = "missed"  # not started within its month: squeezed out
        elif started - followup[0] <= self.on_time_hours:
            state = "on_time"
        else:
            state = "done_late"
        handover = now - hh.handover_at <= self.handover_hours
        late = now - hh.late_paid_at <= units.MONTH
        m = 1.0
        if self.on:
            m = self.factor[state]
            if handover:
                m *= self.factor["handover"]
            if late:
                m *= self.factor["late_payment"]
        if now >= self.warmup:
            c = self.counts
            c["months"] += 1
            c["used"] += m
            if state != "done_late":
                c[state] += 1
            c["handover"] += handover
            c["late_payment"] += late
        return m

    def figures(self) -> dict[str, float]:
        """Shares of measured long-term household-months, and the mean need used per month (1 with the effect off)."""
        c = self.counts
        n = c["months"]
        out = {f"need_clock.{k}_share": c[k] / n if n else math.nan
               for k in ("on_time", "missed", "handover", "late_payment")}
        out["need_clock.speed"] = c["used"] / n if n else math.nan
        return out


def reference(effect, shares) -> float:
    """The casework product's mean under the district's own organisation (its reference shares of months).

    The factors are taken as independent: a month's follow-up, a recent handover and a late payment.
    """
    followup = 1.0 + shares.on_time * (effect.on_time - 1.0) + shares.missed * (effect.missed - 1.0)
    return (followup * (1.0 + shares.handover * (effect.handover - 1.0))
            * (1.0 + shares.late_payment * (effect.late_payment - 1.0)))
