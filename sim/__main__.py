"""``python -m sim org=<name> seed=<n>``: one replication of one district (or a city of districts).

Thin Hydra edge: compose the config, turn it into validated dataclasses, run, write files.
A bad value ends with a one-line message naming the key and exit code 2, not a traceback.
"""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

import hydra
from omegaconf import DictConfig, OmegaConf

from sim.config import Config, ConfigError, register_configs, validate

log = logging.getLogger("sim")
register_configs()


def to_config(cfg: DictConfig) -> Config:
    """Hydra's composed config → validated dataclasses (raises ConfigError)."""
    obj = OmegaConf.to_object(cfg)
    assert isinstance(obj, Config)
    return validate(obj)


def run_one(config: Config, out_dir: Path, title: str | None = None) -> dict:
    """Simulate, then write summary.json, weekly.csv, events.csv (optional) and two plots."""
    from sim import metrics, plots
    from sim.model import simulate
    from sim.output import write_csv, write_json

    run = simulate(config)
    summary = metrics.summary(run)
    if config.org.kind == "mmc":  # the validation reduction: a summary, nothing to plot
        write_json(out_dir / "summary.json", summary)
        return summary
    if config.org.kind == "city":  # city totals, and one row per district
        write_json(out_dir / "summary.json", summary)
        write_csv(out_dir / "districts.csv", run.districts_frame())
        return summary
    weekly = metrics.weekly_frame(run)
    write_json(out_dir / "summary.json", summary)
    write_csv(out_dir / "weekly.csv", weekly)
    write_csv(out_dir / "staff.csv", metrics.staff_frame(run))
    if config.event_log:
        from sim import eventlog

        eventlog.write(run, out_dir)
    title = title or config.org.name
    plots.first_visit_wait(weekly, config.warmup_weeks, title, out_dir / "first_visit_wait.png")
    plots.time_use(run.ledger.shares(run.staff.seats_by_role()), title, out_dir / "time_use.png")
    return summary


@hydra.main(version_base="1.3", config_path="../configs", config_name="config")
def main(cfg: DictConfig) -> None:
    from hydra.core.hydra_config import HydraConfig

    from sim.output import headline_table

    try:
        config = to_config(cfg)
    except ConfigError as err:
        print(f"Configuration error: {err}", file=sys.stderr)
        sys.exit(2)
    out_dir = Path(HydraConfig.get().runtime.output_dir)
    started = time.perf_counter()
    summary = run_one(config, out_dir)
    if config.org.kind == "mmc":
        print("\n".join(f"  {k:<20} {v}" for k, v in summary.items()))
    else:
        print(headline_table(summary))
    if config.org.kind == "city":
        import pandas as pd

        print(pd.read_csv(out_dir / "districts.csv").round(2).to_string(index=False))
    print(f"  ({time.perf_counter() - started:.1f} s; results in {out_dir})")


if __name__ == "__main__":
    main()
