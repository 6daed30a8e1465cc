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
import pandas as pd
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from sim.config.compose import register_configs, to_config
from sim.config.errors import UserError, fail
from sim.config.vocabulary import REDUCTIONS
from sim.experiments.single_run import run_one
from sim.outputs.files import headline_table


@hydra.main(version_base="1.3", config_path="../configs", config_name="config")
def main(cfg: DictConfig) -> None:
    try:
        config = to_config(cfg)
    except UserError as err:
        fail(err)
    out_dir = Path(HydraConfig.get().runtime.output_dir)
    started = time.perf_counter()
    summary = run_one(config, out_dir)
    if config.org.kind in REDUCTIONS:
        width = max(len(k) for k in summary)  # simulated beside theory, one figure a line
        print("\n".join(f"  {k:<{width}} {v}" for k, v in summary.items()))
    else:
        print(headline_table(summary))
    if config.org.kind == "city":
        print(pd.read_csv(out_dir / "districts.csv").round(2).to_string(index=False))
    print(f"  ({time.perf_counter() - started:.1f} s; results in {out_dir})")


if __name__ == "__main__":
    register_configs()
    sys.exit(main())
