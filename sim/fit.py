"""``python -m sim.fit org=<district>``: history-match a studied district against the studies' figures.

Runs a space-filling design over the district's free parameters (``sim/analysis/targets.py``:
inflow, need duration, booking notice, analysis time; never staffing), each point with
``--replications`` seeds, for ``--waves`` waves, and keeps every parameter vector whose fitted
targets all lie within 3 (implausibility) of the study's figure. Writes the non-implausible set to
``configs/org/plausible/<org>.csv`` (``--store``; what ``parameters=plausible`` draws from, and its
default member into ``configs/org/<org>.yaml``, comments kept) and,
under ``--out``: every wave's design and simulations, the implausibilities, and ``fit.md``, which
names the targets that rule points out. Also reachable as ``python -m sim.calibration fit ...``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.analysis import history_matching as hm
from sim.analysis.targets import OBSERVATIONS
from sim.cli import command, split_overrides
from sim.config.compose import ORG_DIR, load_config
from sim.config.errors import ConfigError
from sim.config.vocabulary import DISTRICTS
from sim.experiments.fit import BUSY_LIMIT, default_member, fit, headroom, write_default
from sim.outputs.files import atomic_write, write_csv


@command
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sim.fit", description=__doc__.split("\n\n")[0])
    parser.add_argument("--points", type=int, default=32, help="design points per wave (default 32)")
    parser.add_argument("--waves", type=int, default=2, help="waves (default 2)")
    parser.add_argument("--replications", type=int, default=2, help="seeds per point (default 2)")
    parser.add_argument("--seed", type=int, default=0, help="the design's seed (default 0)")
    parser.add_argument("--refocus-cutoff", type=float, default=None,
                        help="draw the next wave around points at most this implausible (default: 3, the cutoff)")
    parser.add_argument("--workers", type=int, default=None, help="processes (default: all cores)")
    parser.add_argument("--out", type=Path, default=Path("results/fit"))
    parser.add_argument("--store", action="store_true",
                        help=f"write the non-implausible set to {ORG_DIR.name}/plausible/<org>.csv and its default "
                             "member into the org file")
    parser.add_argument("overrides", nargs="*",
                        help="org=<district> and Hydra overrides, e.g. process.closure.mean=0.3")
    args = parser.parse_args(argv)
    for name in ("points", "waves", "replications"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1")
    overrides, own = split_overrides(args.overrides, ("org",))
    org = own.get("org")
    if org not in OBSERVATIONS:
        raise ConfigError("org", org, f"one of the studied districts: {', '.join(DISTRICTS)}")
    out = args.out / org
    result = fit(org, args.points, args.waves, args.replications, args.seed, tuple(overrides), out / "cache",
                 args.workers, progress=lambda line: print(line, file=sys.stderr),
                 refocus_cutoff=args.refocus_cutoff)
    keys = [p.key for p in result.parameters]
    members = result.plausible_set()
    if len(members):  # how busy each member's staff are (the fit's own runs, cached)
        members = members.join(headroom(org, members, keys, args.replications, tuple(overrides), out / "cache",
                                        args.workers))
    write_result(result, members, out)
    text = report(org, result, members, args, load_config([f"org={org}", *overrides]))
    atomic_write(out / "fit.md", lambda tmp: tmp.write_text(text, encoding="utf-8"))
    if args.store:
        write_csv(ORG_DIR / "plausible" / f"{org}.csv", members[keys + ["max_fitted", "busiest_pool"]])
        if len(members):  # the district's default: its most plausible member with headroom
            write_default(ORG_DIR / f"{org}.yaml", default_member(members)[keys].to_dict())
    print(text)
    return 0


def write_result(result: hm.Result, members, out: Path) -> None:
    """Every wave's design, simulations and implausibilities, and the non-implausible set."""
    for wave in result.waves:
        write_csv(out / f"wave_{wave.number}_design.csv", wave.design.reset_index())
        write_csv(out / f"wave_{wave.number}_sims.csv", wave.sims)
        write_csv(out / f"wave_{wave.number}_implausibility.csv", wave.implausibility.reset_index())
    write_csv(out / "plausible.csv", members.reset_index())
    write_csv(out / "tension.csv", result.tension())


def report(org: str, result: hm.Result, plausible, args, base) -> str:
    """The fit in words: the set's size and ranges, the default member, and which targets bind."""
    last = result.waves[-1]
    lines = [f"# History matching: {DISTRICTS[org]}", "",
             f"{len(result.waves)} wave(s) of {args.points} points x {args.replications} replications "
             f"({base.horizon_weeks:g} weeks, {base.warmup_weeks:g} of them warm-up); cutoff: implausibility "
             f"{result.cutoff:g} on every fitted target.", "",
             "| target | study | ± (1 sd) | fitted or held out | source |", "|---|---:|---:|---|---|"]
    lines += [f"| {o.key} | {o.value:g} | {o.sd:g} | {'held out' if o.held_out else 'fitted'} | {o.source} |"
              for o in result.observations]
    lines += ["", f"**{len(plausible)} of {len(last.design)}** points of the last wave are non-implausible.", ""]
    if len(plausible):
        best = default_member(plausible)
        calm = int((plausible["busiest_pool"] <= BUSY_LIMIT).sum())
        lines += [f"{calm} of them keep every staff pool at most {BUSY_LIMIT:.0%} busy. The district's default is the "
                  "most plausible member " + ("with that headroom" if calm else "(none has that headroom: every "
                                                                                  "member runs a pool saturated)")
                  + f": max implausibility {best['max_fitted']:.2f}, busiest pool {best['busiest_pool']:.0%}.", "",
                  "| parameter | range searched | non-implausible range | default |", "|---|---|---|---:|"]
        for p in result.parameters:
            lines.append(f"| {p.key} | {p.low:g}–{p.high:g} | {plausible[p.key].min():.3g}–"
                         f"{plausible[p.key].max():.3g} | {best[p.key]:.3g} |")
    else:
        lines.append("No parameter vector in the box reconciles the fitted targets: they contradict each other "
                     "here (see which below).")
    lines += ["", "Which targets rule points out (last wave) and the best any point reached (all waves):", "",
              "| target | fitted or held out | share of points it rules out | smallest implausibility | reachable |",
              "|---|---|---:|---:|---|"]
    for r in result.tension().itertuples():
        lines.append(f"| {r.key} | {'held out' if r.held_out else 'fitted'} | {r.share_ruled_out:.0%} | "
                     f"{r.min_I:.2f} | {'yes' if r.reachable else 'NO'} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
