"""A tiny experiment for the experiment and report tests: 2 variants x 2 replications of
Hässelby-Vällingby, 15 measured weeks after a 5-week warm-up (a few seconds in all).

The variant shortens the booking notice of the first-visit letter by 1.75 weeks, so its
first-visit wait is clearly shorter than the baseline's in every replication: the paired
95 % CI of the difference excludes 0 even with 2 replications, and the report's headline
sentence states the difference itself (not "no clear difference").
"""

from __future__ import annotations

from pathlib import Path

from sim.experiments.compare import run_experiment
from sim.experiments.spec import ExperimentSpec

BASELINE = "baseline"
VARIANT = "quick"
REPLICATIONS = 2


def tiny_spec(**changes) -> ExperimentSpec:
    fields = dict(
        name="tiny", title="Tiny test experiment", question="Does a shorter booking notice shorten the wait?",
        org="hasselby_vallingby", replications=REPLICATIONS, horizon_weeks=20.0, warmup_weeks=5.0,
        baseline=BASELINE,
        variants={BASELINE: ["variant=[as_is]"],
                  VARIANT: ["variant=[as_is]", "org.reception.booking_notice_weeks=1.0"]},
    )
    fields.update(changes)
    return ExperimentSpec(**fields)


def run_tiny(out: Path, spec: ExperimentSpec | None = None):
    """run_experiment in one process (workers=1), so test doubles of the runner see every call."""
    return run_experiment(spec or tiny_spec(), Path(out), workers=1)
