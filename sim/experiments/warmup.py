"""The replications behind a Welch plot (``python -m sim.warmup``): seeds 0..N-1 over a long horizon."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from sim.analysis.warmup import Welch, analyse
from sim.config.compose import load_config
from sim.config.validate import validate
from sim.experiments.runner import run_detail, run_many


def run(org_overrides: list[str], replications: int, horizon: float, run_warmup: float, configured: float | None,
        window: int, workers: int | None, cache: Path | None) -> Welch:
    """Run the replications (seeds 0..N-1) and analyse them."""
    base = load_config(org_overrides)
    configured = base.warmup_weeks if configured is None else configured
    config = validate(replace(base, horizon_weeks=float(horizon), warmup_weeks=float(run_warmup)))
    details = run_many([replace(config, seed=k) for k in range(replications)], cache_dir=cache, workers=workers,
                       label=f"welch {config.org.name}", job=run_detail)
    return analyse(details, window, configured, config.org.name, base.horizon_weeks)
