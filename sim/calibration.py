"""``python -m sim.calibration``: do the three districts come out as the study reports?

Runs ``--replications`` seeds of Farsta, Södermalm and Hässelby-Vällingby (2 simulated years
after a 3-year warm-up, the defaults of ``configs/config.yaml``) on all local cores, and writes
to ``results/calibration/``: the calibration table (``calibration.md``), every replication's
summary (``replications.csv``), a comparison plot and each district's wait and time-use plots.
``--readme`` also rewrites the table in README.md. Bands: issue 2, from the Governo study
(seeds/004_bbddc8e93f06adf9.txt; DATA.md § "Staffing, caseloads, waits").
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from sim.compose import load_config
from sim.runner import run_many
from sim.stats import Estimate, estimate

ORGS = {"farsta": "Farsta", "sodermalm": "Södermalm", "hasselby_vallingby": "Hässelby-Vällingby"}


@dataclass(frozen=True)
class Target:
    low: float
    high: float
    reported: str  # the study's own words/figure


# 004 (Governo 2011): sections per district and the comparison table "Nuläge socialsekreterarna ...".
TARGETS: dict[str, dict[str, Target]] = {
    "farsta": {
        "first_visit_wait_weeks": Target(1.5, 2.5, "about 2 weeks"),
        "caseload_per_caseworker": Target(70, 90, "max 85 (25 active)"),
        "caseload_per_payment_officer": Target(90, 120, "about 100 (all districts)"),
        "households_in_stock": Target(830, 1000, "917"),
    },
    "sodermalm": {
        "reception_decision_days": Target(0, 7, "within a week"),
        "reception_caseload_per_caseworker": Target(10, 20, "10–20"),
        "caseload_per_caseworker": Target(60, 90, "80–90 for some, goal 60–65"),
        "caseload_per_payment_officer": Target(90, 110, "about 100"),
    },
    "hasselby_vallingby": {
        "first_visit_wait_weeks": Target(2.5, 3.5, "3 weeks"),
        "caseload_per_caseworker": Target(70, 86, "78.3"),
        "caseload_per_payment_officer": Target(97, 117, "107.4"),
    },
}
# Reported without a band: mean months on assistance per household and year, 2010 (004).
MONTHS_REPORTED = {"farsta": 7.0, "sodermalm": 6.6, "hasselby_vallingby": 7.3}
LABELS = {
    "first_visit_wait_weeks": "first-visit wait (weeks)",
    "reception_decision_days": "first visit → decision (days)",
    "reception_caseload_per_caseworker": "reception caseload / caseworker",
    "caseload_per_caseworker": "caseload / long-term caseworker",
    "caseload_per_payment_officer": "caseload / payment officer",
    "households_in_stock": "households in stock",
    "months_on_assistance": "months on assistance / household / year",
    "payment_delay_days": "payment delay (days)",
}


def run_calibration(replications: int, workers: int | None, cache: Path | None,
                    overrides: tuple[str, ...] = ()) -> pd.DataFrame:
    """Every replication's summary for the three districts, one row each."""
    configs, orgs = [], []
    for org in ORGS:
        base = load_config([f"org={org}", *overrides])
        for seed in range(replications):
            configs.append(replace(base, seed=seed))
            orgs.append(org)
    rows = run_many(configs, cache_dir=cache, workers=workers, label="calibration")
    frame = pd.DataFrame(rows)
    frame.insert(0, "district", orgs)
    return frame


def table(frame: pd.DataFrame) -> tuple[pd.DataFrame, bool]:
    """Reported vs simulated (mean and 95 % CI) per district and metric; and whether all fit."""
    rows, all_ok = [], True
    for org, targets in TARGETS.items():
        sub = frame[frame["district"] == org]
        metrics = dict(targets)
        metrics["months_on_assistance"] = None
        for metric, target in metrics.items():
            est = estimate(sub[metric])
            if target is None:
                band, ok = "", None
                reported = f"{MONTHS_REPORTED[org]}"
            else:
                band = f"{target.low:g}–{target.high:g}"
                ok = target.low <= est.mean <= target.high
                all_ok &= ok
                reported = target.reported
            rows.append({
                "district": ORGS[org], "metric": LABELS[metric], "key": metric, "reported": reported,
                "band": band, "mean": est.mean, "ci_low": est.low, "ci_high": est.high, "se": est.se,
                "n": est.n, "in_band": {True: "yes", False: "NO", None: "(no band)"}[ok],
            })
    return pd.DataFrame(rows), all_ok


def markdown(rows: pd.DataFrame, replications: int) -> str:
    lines = [
        f"Simulated: mean of {replications} replications (2 years after a 3-year warm-up), 95 % CI.",
        "",
        "| district | figure | study reports | band | simulated mean | 95 % CI | in band |",
        "|---|---|---|---|---:|---|---|",
    ]
    for r in rows.itertuples():
        lines.append(f"| {r.district} | {r.metric} | {r.reported} | {r.band} | {r.mean:.2f} | "
                     f"{r.ci_low:.2f}–{r.ci_high:.2f} | {r.in_band} |")
    return "\n".join(lines) + "\n"


def plot(rows: pd.DataFrame, path: Path) -> None:
    """One panel per figure: the study's band per district and the simulated mean ± 95 % CI."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from sim.plots import _save

    banded = rows[rows["band"] != ""]
    metrics = list(dict.fromkeys(banded["key"]))
    cols = 3
    nrows = math.ceil(len(metrics) / cols)
    fig, axes = plt.subplots(nrows, cols, figsize=(4.2 * cols, 3.2 * nrows), squeeze=False)
    for ax, metric in zip(axes.flat, metrics):
        sub = banded[banded["key"] == metric].reset_index(drop=True)
        for i, r in sub.iterrows():
            lo, hi = (float(x) for x in r["band"].split("–"))
            ax.add_patch(plt.Rectangle((i - 0.3, lo), 0.6, hi - lo, color="tab:green", alpha=0.25,
                                       label="study" if i == 0 else None))
            color = "tab:blue" if r["in_band"] == "yes" else "tab:red"
            ax.errorbar(i, r["mean"], yerr=[[r["mean"] - r["ci_low"]], [r["ci_high"] - r["mean"]]],
                        fmt="o", color=color, capsize=4, label="model (95 % CI)" if i == 0 else None)
        ax.set_xticks(range(len(sub)), sub["district"], fontsize=8)
        ax.set_xlim(-0.6, len(sub) - 0.4)
        ax.set_title(LABELS[metric], fontsize=10)
        ax.grid(axis="y", alpha=0.3)
        ax.set_ylim(0, 1.1 * max(sub["ci_high"].max(), max(float(b.split("–")[1]) for b in sub["band"])))
    for ax in list(axes.flat)[len(metrics):]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=8, loc="lower left")
    fig.suptitle("Calibration: the model against the Governo study's figures (green = reported band)")
    fig.tight_layout()
    _save(fig, path)


def update_readme(readme: Path, text: str) -> None:
    from sim.output import atomic_write

    content = readme.read_text(encoding="utf-8")
    new = re.sub(r"(<!-- calibration:start -->\n).*?(<!-- calibration:end -->)",
                 lambda m: m.group(1) + text + m.group(2), content, flags=re.S)
    atomic_write(readme, lambda tmp: tmp.write_text(new, encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sim.calibration", description=__doc__.split("\n\n")[0])
    parser.add_argument("--replications", type=int, default=10, help="seeds per district (default 10)")
    parser.add_argument("--workers", type=int, default=None, help="processes (default: all cores)")
    parser.add_argument("--out", type=Path, default=Path("results/calibration"))
    parser.add_argument("--readme", action="store_true", help="rewrite the calibration table in README.md")
    parser.add_argument("overrides", nargs="*", help="Hydra overrides applied to every district, e.g. warmup_weeks=26")
    args = parser.parse_args(argv)
    if args.replications < 2:
        parser.error("--replications must be at least 2 for a confidence interval")

    from sim.__main__ import run_one
    from sim.config import ConfigError
    from sim.output import write_csv
    try:
        frame = run_calibration(args.replications, args.workers, args.out / "cache", tuple(args.overrides))
    except ConfigError as err:
        print(f"Configuration error: {err}", file=sys.stderr)
        return 2
    rows, all_ok = table(frame)
    text = markdown(rows, args.replications)
    args.out.mkdir(parents=True, exist_ok=True)
    write_csv(args.out / "replications.csv", frame)
    write_csv(args.out / "calibration.csv", rows)
    from sim.output import atomic_write
    atomic_write(args.out / "calibration.md", lambda tmp: tmp.write_text(text, encoding="utf-8"))
    plot(rows, args.out / "calibration.png")
    for org in ORGS:  # the per-district plots of replication 0
        run_one(load_config([f"org={org}", *args.overrides]), args.out / org)
    if args.readme:
        update_readme(Path("README.md"), text)
    print(text)
    print(f"Results, plots and per-district runs in {args.out}/")
    if not all_ok:
        print("Some simulated means fall outside the study's bands (marked NO).", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
