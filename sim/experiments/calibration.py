"""Replications of the three studied districts for the calibration table (``python -m sim.calibration``)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd

from sim.config.compose import load_config
from sim.config.vocabulary import DISTRICTS
from sim.experiments.runner import run_many


def run_calibration(replications: int, workers: int | None, cache: Path | None,
                    overrides: tuple[str, ...] = (), inflow: float = 1.0) -> pd.DataFrame:
    """Every replication's summary for the three districts, one row each; ``inflow`` scales each district's
    arrivals (the same seeds, so a run at 1.05 is paired with the run at 1.0)."""
    configs, orgs = [], []
    for org in DISTRICTS:
        base = load_config([f"org={org}", *overrides])
        base = replace(base, org=replace(base.org, arrivals_per_week=base.org.arrivals_per_week * inflow))
        for seed in range(replications):
            configs.append(replace(base, seed=seed))
            orgs.append(org)
    label = "calibration" if inflow == 1.0 else f"calibration, inflow x {inflow:g}"
    rows = run_many(configs, cache_dir=cache, workers=workers, label=label)
    frame = pd.DataFrame(rows)
    frame.insert(0, "district", orgs)
    return frame
