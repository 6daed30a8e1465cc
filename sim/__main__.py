"""``python -m sim org=<name> seed=<n>``: one replication of one district (or of a city's districts).

Thin Hydra edge: compose the config, resolve and validate it, run, write files
(:func:`sim.experiments.single_run.run_one`). A bad value ends with one line naming the key and
exit status 2 (:mod:`sim.cli`), not a traceback.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from sim.cli import removed_if_empty_on_failure, run_hydra_app
from sim.config.compose import register_configs, to_config
from sim.config.errors import UserError, fail
from sim.config.schema import Config
from sim.config.vocabulary import REDUCTIONS
from sim.model import units


@hydra.main(version_base="1.3", config_path="../configs", config_name="config")
def main(cfg: DictConfig) -> None:
    hc = HydraConfig.get()
    out_dir = Path(hc.runtime.output_dir)
    with removed_if_empty_on_failure(out_dir, hc.job.name):  # a failed run leaves no empty folder
        run(cfg, out_dir, list(hc.overrides.task))


def run(cfg: DictConfig, out_dir: Path, overrides: list[str] | tuple[str, ...] = ()) -> None:
    try:
        config = to_config(cfg, overrides)
    except UserError as err:
        fail(err)
    # The run's own imports (pandas, scipy, matplotlib behind them) only once the config is valid: --help
    # and a config error come back without them (tests/test_startup.py).
    import pandas as pd

    from sim.experiments.single_run import run_one
    from sim.outputs.files import headline_table

    started = time.perf_counter()
    summary = run_one(config, out_dir)
    if config.org.kind in REDUCTIONS:
        print(reduction_text(summary, config))
    else:
        print(headline_table(summary))
    if config.org.kind == "city":
        print(pd.read_csv(out_dir / "districts.csv").round(2).to_string(index=False))
    print(f"  ({time.perf_counter() - started:.1f} s; results in {out_dir})")


def reduction_text(summary: dict, config: Config) -> str:
    """A validation reduction's summary, simulated beside theory, one figure a line; the counts say over
    which time they are counted (``served`` only after the warm-up, ``arrivals`` over the whole run)."""
    w, h = config.warmup_weeks, config.horizon_weeks
    expected = config.org.arrivals_per_hour * (h - w) * units.FULL_WEEK
    station = " at the first station" if config.org.kind == "tandem" else ""
    notes = {
        "served": f"counted after the warm-up only: service{station} begun in weeks {w:g}-{h:g} "
                  f"({config.org.arrivals_per_hour:g} arrivals/h x {h - w:g} weeks x 168 h = {expected:,.0f} expected)",
        "arrivals": f"counted over the whole run, the {w:g}-week warm-up included (weeks 0-{h:g})",
    }
    width = max(len(k) for k in summary)
    value = max(len(str(v)) for k, v in summary.items() if k in notes) if notes.keys() & summary.keys() else 0
    return "\n".join(f"  {k:<{width}} {v!s:<{value}}  {notes[k]}" if k in notes else f"  {k:<{width}} {v}"
                     for k, v in summary.items())


if __name__ == "__main__":
    register_configs()
    sys.exit(run_hydra_app(main))
