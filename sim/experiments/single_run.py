"""One replication with all its files (the job of ``python -m sim``): summary, weekly series,
per-person staff table, the event log on request, and two plots."""

from __future__ import annotations

from pathlib import Path

from sim.analysis import metrics
from sim.analysis.replication import replicate
from sim.config.schema import Config
from sim.config.vocabulary import REDUCTIONS
from sim.outputs import eventlog, plots
from sim.outputs.files import write_csv, write_json


def run_one(config: Config, out_dir: Path, title: str | None = None) -> dict:
    """Simulate, then write summary.json, weekly.csv, staff.csv, events (optional) and two plots."""
    run = replicate(config)
    summary = metrics.summary(run)
    if config.org.kind in REDUCTIONS:  # a validation reduction: a summary beside theory, nothing to plot
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
        eventlog.write(run, out_dir)
    title = title or config.org.name
    plots.first_visit_wait(weekly, config.warmup_weeks, title, out_dir / "first_visit_wait.png")
    plots.time_use(run.ledger.shares(run.staff.seats_by_role()), title, out_dir / "time_use.png")
    return summary
