"""Caseflow benchmark suite: ``python -m benchmarks [--quick] [--only STAGE[,STAGE]]`` from the repository root.

Every figure is the median of several repeats (3, or 2 with ``--quick``); ratios are taken
from measurements made in the same invocation. Results go to ``benchmarks/results.json``
(written atomically with :func:`sim.outputs.files.write_json`; with ``--only``, to
``benchmarks/results.partial.json`` unless ``--out`` says otherwise) and a table is printed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import simpy

from benchmarks._child import events_processed

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
HV = "org=hasselby_vallingby"
# figure -> (comparison, limit, unit, what the target is about). Issue 15 set the first seven; the rest are older.
TARGETS = {
    "main_job_seconds": ("<=", 20.0, "s", "python -m sim.experiment (the README's main job: the default "
                         "experiment, its own replications), workers=2, a fresh run folder"),
    "overhead_ratio_vs_simpy": ("<=", 1.5, "x", "bare SimPy PriorityResource M/M/c events/s / model events/s"),
    # Ours, beside the issue's: cutting cheap events (the model's aim) raises the cost per remaining event,
    # so the per-event ratio punishes it; per queue visit (a task or a daily block vs a customer) it does not.
    "overhead_ratio_per_visit": ("<=", 1.5, "x", "model seconds per queue visit (task or daily block) / bare "
                                 "M/M/c seconds per customer, same run"),
    "hv_default_replication_seconds": ("<=", 1.5, "s", "one HV replication at the schema's default horizon "
                                       "and warm-up, fresh subprocess, composition not timed"),
    "memory_ratio_50y_vs_5y": ("<=", 1.2, "x", "peak RSS of an HV run of 50 years / of 5 years (warm-up 52 weeks)"),
    "startup_seconds": ("<", 1.0, "s", "wall time of python -m sim --help"),
    "config_error_seconds": ("<", 1.0, "s", "wall time of python -m sim org=farsta org.reception.caseworkers=-1"),
    "stockholm_year_seconds": ("<=", 8.0, "s", "org=stockholm, 14 districts, one year after a year's warm-up"),
    "hv_replication_seconds": ("<", 2.0, "s", "HV, 2 simulated years after a year's warm-up"),
    "parallel_efficiency": (">=", 0.85, "", "4 HV replications, serial vs all cores"),
    "stockholm_peak_mb": ("<", 1024.0, "MB", "peak RSS of the Stockholm replication"),
    "scaling": (None, None, "", "linear: seconds per simulated year roughly constant (read, not checked)"),
    # issue 16: a Sobol' analysis of HV's first-visit wait over its uncertain inputs, on this machine
    "sweep_hv_sobol_seconds": ("<", 900.0, "s", "python -m sim.sweep sweep=hv_sobol workers=2 (352 points x 2 "
                               "replications, 78 weeks each), a fresh run folder"),
    # issue 18: the least-cost staffing of HV's four pools for its targets, on this machine
    "optimise_hv_seconds": ("<", 300.0, "s", "python -m sim.optimise org=hasselby_vallingby "
                            "target.first_visit_wait_weeks=2.5 workers=2 (configs/optimise/district.yaml: 4 pools, "
                            "3 targets, a search budget of 240 replications of 78 weeks, then the check and the "
                            "refutation), a fresh run folder"),
}


# --- helpers ------------------------------------------------------------------------------
def median(values):
    return statistics.median(values)


def machine() -> dict:
    model = None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith(("model name", "hardware", "processor\t: ")) and ":" in line:
                value = line.split(":", 1)[1].strip()
                if not value.isdigit():
                    model = value
                    break
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    return {"platform": platform.platform(), "python": platform.python_version(),
            "implementation": platform.python_implementation(), "simpy": simpy.__version__,
            "cpu_count": os.cpu_count(), "cpus_usable": usable, "cpu_model": model or platform.processor()}


def child(overrides: list[str], districts: int | None = None) -> dict:
    """One measurement in a fresh subprocess (honest peak RSS)."""
    out = subprocess.run([sys.executable, "-m", "benchmarks._child",
                          json.dumps({"overrides": overrides, "districts": districts})],
                         cwd=ROOT, capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"benchmarks._child {' '.join(overrides)} exited {out.returncode}:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def count_by_step(fn) -> int:
    """Events processed by ``fn()``, counted by wrapping ``simpy.core.Environment.step`` (slow; for checking)."""
    original = simpy.core.Environment.step
    counter = [0]

    def step(self):
        counter[0] += 1
        return original(self)

    simpy.core.Environment.step = step
    try:
        fn()
    finally:
        simpy.core.Environment.step = original
    return counter[0]  # includes the horizon sentinel step, as events_processed does


def timed_command(args: list[str], cwd: Path, expect: int) -> float:
    """Wall seconds of ``python <args>`` in a subprocess (interpreter start-up included), checking its status."""
    env = {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if proc.returncode != expect:
        raise RuntimeError(f"python {' '.join(args)} exited {proc.returncode}, expected {expect}:\n"
                           f"{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
    return seconds


# --- 1. bare SimPy M/M/c --------------------------------------------------------------------
PRIORITY_CLASSES = 3


def bare_mmc(hours: float, servers: int = 10, arrivals_per_hour: float = 8.0, service_mean: float = 1.0,
             seed: int = 1) -> simpy.Environment:
    """A textbook SimPy M/M/c (rho = 0.8) on a ``PriorityResource``: source process + one process per customer.

    Each request carries a priority (one of :data:`PRIORITY_CLASSES`, drawn per customer), as every
    task of the model asks its pool with a priority.
    """
    env = simpy.Environment()
    env.served = 0  # customers served (the unit of work of the per-visit ratio)
    desk = simpy.PriorityResource(env, capacity=servers)
    rng = random.Random(seed)

    def customer(service, priority):
        with desk.request(priority=priority) as req:
            yield req
            yield env.timeout(service)
        env.served += 1

    def source():
        while True:
            yield env.timeout(rng.expovariate(arrivals_per_hour))
            env.process(customer(rng.expovariate(1.0 / service_mean), rng.randrange(PRIORITY_CLASSES)))

    env.process(source())
    env.run(until=hours)
    return env


def overhead(repeats: int, weeks: int) -> dict:
    """Events/s of the HV model vs a bare M/M/c with about as many events, alternating, in-process."""
    from sim.config.compose import load_config
    from sim.model.simulate import simulate

    cfg = load_config([HV, f"horizon_weeks={weeks}", "warmup_weeks=0"])
    pilot = events_processed(bare_mmc(1000.0))
    simulate(cfg)  # warm imports and caches before timing
    samples = []
    bare_hours = None
    for _ in range(repeats):
        t0 = time.perf_counter()
        run = simulate(cfg)
        model_s = time.perf_counter() - t0
        model_events = events_processed(run.env)
        if bare_hours is None:
            bare_hours = 1000.0 * model_events / pilot  # comparable event count
        t0 = time.perf_counter()
        env = bare_mmc(bare_hours)
        bare_s = time.perf_counter() - t0
        bare_events = events_processed(env)
        visits = run.tasks.served
        samples.append({"model_events": model_events, "model_s": model_s, "bare_events": bare_events,
                        "bare_s": bare_s, "ratio": (bare_events / bare_s) / (model_events / model_s),
                        "model_visits": visits, "bare_customers": env.served,
                        "ratio_per_visit": (model_s / visits) / (bare_s / env.served)})
    # Cross-check the cheap event count against a counting wrapper on Environment.step (once, untimed).
    stepped = count_by_step(lambda: simulate(cfg))
    return {
        "overhead_ratio_vs_simpy": median(s["ratio"] for s in samples),
        "overhead_ratio_per_visit": median(s["ratio_per_visit"] for s in samples),
        "model_events": samples[0]["model_events"],
        "model_visits": samples[0]["model_visits"],
        "model_events_per_visit": samples[0]["model_events"] / samples[0]["model_visits"],
        "bare_events_per_customer": samples[0]["bare_events"] / samples[0]["bare_customers"],
        "model_events_per_s": median(s["model_events"] / s["model_s"] for s in samples),
        "bare_events": samples[0]["bare_events"],
        "bare_events_per_s": median(s["bare_events"] / s["bare_s"] for s in samples),
        "model_events_by_step_wrapper": stepped,
        "model_config": f"{HV} horizon_weeks={weeks} warmup_weeks=0 (in-process, after one warm-up run)",
        "bare_config": f"M/M/10 on simpy.PriorityResource ({PRIORITY_CLASSES} priority classes drawn per "
                       f"customer), lambda=8/h, mean service 1 h, {bare_hours:.0f} h",
        "samples": samples,
    }


# --- 2. and 3. HV replication and scaling -----------------------------------------------------
def measure(overrides: list[str], repeats: int, districts: int | None = None) -> dict:
    runs = [child(overrides, districts) for _ in range(repeats)]
    seconds = median(r["seconds"] for r in runs)
    events = runs[0]["events"]
    return {"overrides": overrides, "seconds": seconds, "peak_mb": median(r["peak_mb"] for r in runs),
            "base_mb": median(r["base_mb"] for r in runs), "events": events,
            "events_per_s": events / seconds if events else None, "samples_s": [r["seconds"] for r in runs]}


def scaling(repeats: int, years: list[int]) -> list[dict]:
    rows = []
    for y in years:
        m = measure([HV, f"horizon_weeks={52 * y}", "warmup_weeks=0"], repeats)
        m.update(years=y, seconds_per_year=m["seconds"] / y, events_per_year=m["events"] / y)
        rows.append(m)
    return rows


CITY = ["org=stockholm", "horizon_weeks=104", "warmup_weeks=52"]  # one measured year after a year's warm-up


def district_scaling(repeats: int, counts: list[int]) -> list[dict]:
    """The first 1, 4, 14 districts of Stockholm: time should grow with households, memory stay flat."""
    rows = []
    for n in counts:
        m = measure(CITY, repeats, districts=n)
        m.update(districts=n, seconds_per_district=m["seconds"] / n)
        rows.append(m)
    return rows


def hv_default(repeats: int) -> dict:
    """One HV replication at the model's default horizon and warm-up, read from the schema now (not copied)."""
    from sim.config.schema import HORIZON_WEEKS, WARMUP_WEEKS

    m = measure([HV, f"horizon_weeks={HORIZON_WEEKS:g}", f"warmup_weeks={WARMUP_WEEKS:g}"], repeats)
    m.update(horizon_weeks=HORIZON_WEEKS, warmup_weeks=WARMUP_WEEKS,
             source="sim.config.schema.HORIZON_WEEKS / WARMUP_WEEKS at run time")
    return m


def memory(repeats: int, long_years: int, short_years: int, warmup: int = 52) -> dict:
    """Peak RSS of one long and one short HV run, each in a fresh subprocess, and their ratio."""
    runs = {}
    for label, years in (("long", long_years), ("short", short_years)):
        m = measure([HV, f"horizon_weeks={52 * years}", f"warmup_weeks={warmup}"], repeats)
        m.update(years=years, above_base_mb=m["peak_mb"] - m["base_mb"])
        runs[label] = m
    long, short = runs["long"], runs["short"]
    return {"ratio": long["peak_mb"] / short["peak_mb"],
            "above_base_ratio": (long["above_base_mb"] / short["above_base_mb"]
                                 if short["above_base_mb"] > 0 else None),
            "label": f"{long_years} y vs {short_years} y (horizon_weeks {52 * long_years} vs {52 * short_years}, "
                     f"warmup_weeks={warmup})",
            "long": long, "short": short,
            "note": "peak_mb is ru_maxrss of the child; base_mb its peak before replicate() (interpreter, "
                    "imports, config); above_base_mb = peak_mb - base_mb, the run's own growth (0 when the "
                    "run never rose above the import-time peak)"}


# --- 4. parallel efficiency -------------------------------------------------------------------
def parallel(repeats: int, n: int, weeks: int, warmup: int) -> dict:
    from sim.config.compose import load_config
    from sim.experiments.runner import run_many

    configs = [load_config([HV, f"horizon_weeks={weeks}", f"warmup_weeks={warmup}", f"seed={s}"])
               for s in range(n)]
    workers = os.cpu_count() or 1
    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        run_many(configs, cache_dir=None, workers=1, label="serial")
        serial = time.perf_counter() - t0
        t0 = time.perf_counter()
        run_many(configs, cache_dir=None, workers=workers, label="parallel")
        par = time.perf_counter() - t0
        samples.append({"serial_s": serial, "parallel_s": par, "efficiency": serial / (par * workers)})
    return {"parallel_efficiency": median(s["efficiency"] for s in samples), "replications": n,
            "workers": workers, "serial_s": median(s["serial_s"] for s in samples),
            "parallel_s": median(s["parallel_s"] for s in samples),
            "config": f"{HV} horizon_weeks={weeks} warmup_weeks={warmup}, seeds 0..{n - 1}, no cache",
            "samples": samples}


# --- 6. the README's main job ----------------------------------------------------------------
def main_job(repeats: int, quick: bool, workers: int = 2) -> dict:
    """``python -m sim.experiment`` (the default experiment) as a subprocess, a fresh run folder each repeat.

    A fresh ``hydra.run.dir`` means no replication cache to reuse. The modules the job imports are
    read once, untimed, first (a warm file cache, as for a user's second run).
    """
    args = ["-m", "sim.experiment", f"workers={workers}"] + (["replications=4"] if quick else [])
    subprocess.run([sys.executable, "-c", "import sim.experiment, sim.experiments.compare, "
                    "sim.experiments.sweep_callbacks"], cwd=ROOT, check=True)
    samples = []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory(prefix="caseflow-bench-") as tmp:
            samples.append(timed_command([*args, f"hydra.run.dir={Path(tmp) / 'run'}"], ROOT, expect=0))
    return {"seconds": median(samples), "samples_s": samples, "workers": workers,
            "command": f"python {' '.join(args)} hydra.run.dir=<fresh temporary folder>",
            "replications": ("4 per variant (--quick; the full run uses the experiment's own number)" if quick
                             else "the experiment's own (experiments/default.yaml)")}


# --- 7. a sweep: Sobol' indices of HV's first-visit wait -------------------------------------------
def sweep_hv_sobol(quick: bool, workers: int = 2) -> dict:
    """``python -m sim.sweep sweep=hv_sobol`` once (it takes minutes), a fresh run folder; ``--quick``: n=4.

    The folder (``results/benchmarks/hv_sobol-<time>``) is kept: its indices are the issue's answer too."""
    args = ["-m", "sim.sweep", "sweep=hv_sobol", f"workers={workers}"] + (["sweep.design.n=4"] if quick else [])
    run = ROOT / "results" / "benchmarks" / f"hv_sobol-{datetime.now():%Y%m%d-%H%M%S}"
    seconds = timed_command([*args, f"hydra.run.dir={run}"], ROOT, expect=0)
    points = sum(1 for _ in open(run / "points.csv", encoding="utf-8")) - 1
    return {"seconds": seconds, "workers": workers, "points_x_metrics": points, "run_dir": str(run.relative_to(ROOT)),
            "command": f"python {' '.join(args)} hydra.run.dir=<fresh folder>",
            "design": "n=4 base samples (--quick)" if quick else "configs/sweep/hv_sobol.yaml as it is"}


# --- 7b. an optimisation: HV's least-cost staffing -----------------------------------------------------
def optimise_hv(quick: bool, workers: int = 2) -> dict:
    """``python -m sim.optimise`` for HV once, a fresh run folder (kept: its page is the issue's answer too);
    ``--quick``: a budget of 40 replications."""
    args = ["-m", "sim.optimise", "org=hasselby_vallingby", "target.first_visit_wait_weeks=2.5",
            f"workers={workers}"] + (["budget=40"] if quick else [])
    run = ROOT / "results" / "benchmarks" / f"optimise_hv-{datetime.now():%Y%m%d-%H%M%S}"
    seconds = timed_command([*args, f"hydra.run.dir={run}"], ROOT, expect=0)
    tried = sum(1 for _ in open(run / "candidates.csv", encoding="utf-8")) - 1
    return {"seconds": seconds, "workers": workers, "staffings_tried": tried, "run_dir": str(run.relative_to(ROOT)),
            "command": f"python {' '.join(args)} hydra.run.dir=<fresh folder>"}


# --- 8. start-up --------------------------------------------------------------------------------
STARTUP = {"startup": ["-m", "sim", "--help"],
           "config_error": ["-m", "sim", "org=farsta", "org.reception.caseworkers=-1"]}


def startup(repeats: int) -> dict:
    """Wall time of ``python -m sim --help`` and of a refused config, each run once untimed first (warm cache)."""
    res = {}
    with tempfile.TemporaryDirectory(prefix="caseflow-bench-") as tmp:  # the commands' cwd: no run folder leaks
        for name, args in STARTUP.items():
            expect = 0 if name == "startup" else 2
            timed_command(args, Path(tmp), expect)
            samples = [timed_command(args, Path(tmp), expect) for _ in range(repeats)]
            res[name] = {"seconds": median(samples), "samples_s": samples, "command": f"python {' '.join(args)}",
                         "exit_status": expect}
    return res


# --- targets and table ------------------------------------------------------------------------
def judged(res: dict) -> dict:
    """The targets block: each figure's target, its value in this run, and whether it was met.

    ``met`` is null when the figure was not measured, or was measured differently from its target's
    definition (``--quick``: the main job with 4 replications, memory over 20 vs 2 years).
    """
    quick = res["quick"]
    differs = {"main_job_seconds": "4 replications per variant (--quick)" if quick else None,
               "sweep_hv_sobol_seconds": "n=4 base samples (--quick)" if quick else None,
               "optimise_hv_seconds": "a budget of 40 replications (--quick)" if quick else None,
               "memory_ratio_50y_vs_5y": "20 y vs 2 y (--quick)" if quick else None}
    block = {}
    for key, (op, limit, unit, about) in TARGETS.items():
        value = res.get(key)
        entry = {"target": f"{op} {limit:g} {unit}".strip() if op else "", "about": about, "value": value}
        if op is None or value is None:
            entry["met"] = None
        elif differs.get(key):
            entry.update(met=None, measured_as=differs[key])
        else:
            entry["met"] = bool({"<": value < limit, "<=": value <= limit, ">=": value >= limit}[op])
        block[key] = entry
    return block


def table(res: dict) -> str:
    m = res["machine"]
    lines = [f"Caseflow benchmarks ({'quick' if res['quick'] else 'full'}, median of {res['repeats']}"
             + (f", only {', '.join(res['only'])}" if res.get("only") else "") + ")",
             f"  {m['cpu_model']} x{m['cpu_count']}, Python {m['python']}, SimPy {m['simpy']}", "",
             f"  {'figure':<34} {'value':>12}  target"]

    def row(label, value, target=""):
        lines.append(f"  {label:<34} {value:>12}  {target}".rstrip())

    def target(key):
        t = res["targets"][key]
        met = {True: "met", False: "MISSED", None: t.get("measured_as", "")}[t["met"]]
        return f"{t['target']}  {met}"

    if "main_job" in res:
        row("main_job_seconds", f"{res['main_job_seconds']:.1f} s", target("main_job_seconds"))
    if "sweep_hv_sobol" in res:
        row("sweep_hv_sobol_seconds", f"{res['sweep_hv_sobol_seconds']:.0f} s", target("sweep_hv_sobol_seconds"))
    if "optimise_hv" in res:
        row("optimise_hv_seconds", f"{res['optimise_hv_seconds']:.0f} s", target("optimise_hv_seconds"))
    if "overhead" in res:
        o = res["overhead"]
        row("overhead_ratio_vs_simpy", f"{res['overhead_ratio_vs_simpy']:.2f}x", target("overhead_ratio_vs_simpy"))
        row("  model events/s", f"{o['model_events_per_s']:,.0f}")
        row("  bare M/M/c events/s", f"{o['bare_events_per_s']:,.0f}", "(PriorityResource)")
        row("overhead_ratio_per_visit", f"{res['overhead_ratio_per_visit']:.2f}x", target("overhead_ratio_per_visit"))
        row("  events per visit", f"{o['model_events_per_visit']:.2f}", f"bare: {o['bare_events_per_customer']:.2f}")
    if "hv_default_replication" in res:
        d = res["hv_default_replication"]
        row("hv_default_replication_seconds", f"{res['hv_default_replication_seconds']:.2f} s",
            target("hv_default_replication_seconds"))
        row("  horizon / warm-up", f"{d['horizon_weeks']:g}/{d['warmup_weeks']:g} w", f"{d['events']:,} events")
    if "memory" in res:
        mem = res["memory"]
        row("memory_ratio_50y_vs_5y", f"{res['memory_ratio_50y_vs_5y']:.2f}x", target("memory_ratio_50y_vs_5y"))
        for side in ("long", "short"):
            r = mem[side]
            row(f"  {r['years']} y peak", f"{r['peak_mb']:.0f} MB",
                f"{r['above_base_mb']:.1f} MB above the {r['base_mb']:.0f} MB before the run, {r['seconds']:.1f} s")
    if "startup" in res:
        row("startup_seconds", f"{res['startup_seconds']:.2f} s", target("startup_seconds"))
        row("config_error_seconds", f"{res['config_error_seconds']:.2f} s", target("config_error_seconds"))
    if "hv_replication" in res:
        row("hv_replication_seconds", f"{res['hv_replication_seconds']:.2f} s", target("hv_replication_seconds"))
        row("hv_replication_peak_mb", f"{res['hv_replication_peak_mb']:.0f} MB",
            f"(before simulate: {res['hv_replication']['base_mb']:.0f} MB)")
    for s in res.get("scaling", []):
        row(f"scaling {s['years']} y", f"{s['seconds_per_year']:.2f} s/y",
            f"{s['seconds']:.2f} s, {s['peak_mb']:.0f} MB, {s['events_per_year']:,.0f} ev/y, "
            f"{s['events_per_s']:,.0f} ev/s")
    if "parallel" in res:
        p = res["parallel"]
        row("parallel_efficiency", f"{res['parallel_efficiency']:.0%}",
            f"{target('parallel_efficiency')} ({p['replications']} reps, {p['workers']} workers: "
            f"serial {p['serial_s']:.1f} s, parallel {p['parallel_s']:.1f} s)")
    for d in res.get("district_scaling", []):
        row(f"scaling {d['districts']} districts", f"{d['seconds']:.1f} s",
            f"{d['seconds_per_district']:.2f} s/district, {d['peak_mb']:.0f} MB")
    if "district_scaling" in res:
        row("stockholm_year_seconds", f"{res['stockholm_year_seconds']:.1f} s", target("stockholm_year_seconds"))
        row("stockholm_peak_mb", f"{res['stockholm_peak_mb']:.0f} MB", target("stockholm_peak_mb"))
    return "\n".join(lines)


README = ROOT / "README.md"
MARKERS = ("<!-- benchmark:start -->", "<!-- benchmark:end -->")
README_FIGURES = ("main_job_seconds", "sweep_hv_sobol_seconds", "optimise_hv_seconds", "hv_default_replication_seconds",
                  "startup_seconds",
                  "config_error_seconds",
                  "overhead_ratio_vs_simpy", "overhead_ratio_per_visit", "memory_ratio_50y_vs_5y",
                  "stockholm_year_seconds", "stockholm_peak_mb", "parallel_efficiency")


def readme_block(res: dict) -> str:
    """The README's timing table: every figure as measured by the last full run, with its machine and date."""
    m = res["machine"]
    lines = [f"Measured by `python -m benchmarks` on {res['generated'][:10]} ({m['cpu_model']}, {m['cpu_count']} "
             f"cores, Python {m['python']}, SimPy {m['simpy']}); medians of {res['repeats']}. Regenerated with the "
             "benchmark, never typed:", "", "| figure | value | target | |", "|---|---|---|---|"]
    later = {s: d for s, d in (res.get("measured") or {}).items() if d[:10] != res["generated"][:10]}
    if later:
        lines[0] += (" Measured later on its own (`python -m benchmarks --only ... --merge`): "
                     + ", ".join(f"{s} on {d[:10]}" for s, d in sorted(later.items())) + ".")
    for key in README_FIGURES:
        entry = res["targets"].get(key)
        if entry is None or entry.get("value") is None:
            continue
        value = entry["value"]
        unit = entry["target"].split()[-1] if entry["target"] else ""
        shown = f"{value:.0%}" if key == "parallel_efficiency" else f"{value:.2f} {unit}".strip()
        verdict = {True: "met", False: "**missed**", None: entry.get("measured_as", "")}[entry["met"]]
        lines.append(f"| `{key}`: {entry['about']} | {shown} | {entry['target']} | {verdict} |")
    return "\n".join(lines)


def update_readme(res: dict, readme: Path = README) -> bool:
    """Put :func:`readme_block` between the README's benchmark markers (atomically); False if there are none."""
    from sim.outputs.files import atomic_write

    text = readme.read_text(encoding="utf-8")
    start, end = MARKERS
    if start not in text or end not in text:
        return False
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    new = f"{head}{start}\n{readme_block(res)}\n{end}{tail}"
    atomic_write(readme, lambda tmp: tmp.write_text(new, encoding="utf-8"))
    return True


STAGES = ("overhead", "hv", "hv_default", "memory", "scaling", "districts", "parallel", "main_job", "sweep",
          "optimise", "startup")


def stages_option(text: str) -> list[str]:
    chosen = [t.strip() for t in text.split(",") if t.strip()]
    unknown = [t for t in chosen if t not in STAGES]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"unknown stage {', '.join(unknown) or repr(text)}; "
                                         f"choose from {', '.join(STAGES)}")
    return chosen


def merged(full: dict, part: dict, stages: list[str]) -> dict:
    """``full`` (the last full run) with ``part``'s figures in; ``measured`` says when each stage was measured."""
    if part["quick"] != full.get("quick"):
        raise SystemExit("--merge: a --quick run and a full one measure different things; run both the same way")
    measured = dict(full.get("measured") or {s: full["generated"] for s in STAGES})
    measured.update({s: part["generated"] for s in stages})
    keep = {k: v for k, v in full.items() if k not in ("targets", "wall_seconds", "only")}
    return {**keep, **{k: v for k, v in part.items() if k not in ("generated", "only", "repeats")},
            "generated": full["generated"], "repeats": full["repeats"], "measured": measured}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="a few minutes: 2 repeats, shorter runs (figures that differ from their target's "
                             "definition are labelled and not judged)")
    parser.add_argument("--only", type=stages_option, metavar="STAGE[,STAGE]",
                        help=f"run only these stages ({', '.join(STAGES)}); the JSON then goes to "
                             "benchmarks/results.partial.json unless --out is given")
    parser.add_argument("--out", type=Path, default=None,
                        help="where the JSON goes (default benchmarks/results.json)")
    parser.add_argument("--merge", action="store_true",
                        help="with --only: put these stages' figures into benchmarks/results.json, keeping the "
                             "other stages' (each stage's date is recorded under 'measured'; ratios are always "
                             "taken within one stage)")
    parser.add_argument("--readme", action="store_true",
                        help="only rewrite the README's timing table from benchmarks/results.json (a full run "
                             "rewrites it itself)")
    args = parser.parse_args(argv)
    from sim.outputs.files import write_json

    if args.readme:
        res = json.loads((HERE / "results.json").read_text(encoding="utf-8"))
        print("README updated" if update_readme(res) else f"no benchmark markers in {README}")
        return res

    if args.merge and not args.only:
        parser.error("--merge needs --only STAGE[,STAGE] (a full run writes results.json itself)")
    chosen = [s for s in STAGES if args.only is None or s in args.only]
    out = args.out or HERE / ("results.partial.json" if args.only and not args.merge else "results.json")
    repeats = 2 if args.quick else 3
    started = time.perf_counter()
    res: dict = {"generated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                 "quick": args.quick, "repeats": repeats, "machine": machine()}
    if args.only:
        res["only"] = chosen

    def stage(name, title):
        if name not in chosen:
            return False
        print(f"[{time.perf_counter() - started:5.1f}s] {chosen.index(name) + 1}/{len(chosen)} {title}",
              file=sys.stderr, flush=True)
        return True

    if stage("overhead", "overhead vs bare SimPy (PriorityResource M/M/c)"):
        res["overhead"] = overhead(repeats, weeks=52)
        res["overhead_ratio_vs_simpy"] = res["overhead"]["overhead_ratio_vs_simpy"]
        res["overhead_ratio_per_visit"] = res["overhead"]["overhead_ratio_per_visit"]
    if stage("hv", "HV replication, 156 weeks incl. 52 warm-up (subprocess)"):
        hv = measure([HV, "horizon_weeks=156", "warmup_weeks=52"], repeats)
        res["hv_replication"] = hv
        res["hv_replication_seconds"] = hv["seconds"]
        res["hv_replication_peak_mb"] = hv["peak_mb"]
    if stage("hv_default", "HV replication at the default horizon and warm-up (subprocess)"):
        res["hv_default_replication"] = hv_default(repeats)
        res["hv_default_replication_seconds"] = res["hv_default_replication"]["seconds"]
    if stage("memory", "memory: a long vs a short HV run (subprocess each)"):
        res["memory"] = memory(repeats, *((20, 2) if args.quick else (50, 5)))
        res["memory_ratio_50y_vs_5y"] = res["memory"]["ratio"]
    if stage("scaling", "scaling with the horizon (subprocess per run)"):
        res["scaling"] = scaling(repeats, [1, 2, 4] if args.quick else [1, 2, 4, 8])
    if stage("districts", "city scale: 1, 4, 14 districts of org=stockholm (subprocess)"):
        res["district_scaling"] = district_scaling(1 if args.quick else repeats, [1, 4, 14])
        city = res["district_scaling"][-1]
        res["stockholm_year_seconds"] = city["seconds"]
        res["stockholm_peak_mb"] = city["peak_mb"]
    if stage("parallel", "parallel efficiency"):
        res["parallel"] = (parallel(repeats, 4, weeks=104, warmup=26) if args.quick
                           else parallel(repeats, 4, weeks=156, warmup=52))
        res["parallel_efficiency"] = res["parallel"]["parallel_efficiency"]
    if stage("main_job", "the README's main job: python -m sim.experiment, workers=2 (subprocess)"):
        res["main_job"] = main_job(repeats, args.quick)
        res["main_job_seconds"] = res["main_job"]["seconds"]
    if stage("sweep", "a Sobol' sweep: python -m sim.sweep sweep=hv_sobol, workers=2 (subprocess, once)"):
        res["sweep_hv_sobol"] = sweep_hv_sobol(args.quick)
        res["sweep_hv_sobol_seconds"] = res["sweep_hv_sobol"]["seconds"]
    if stage("optimise", "an optimisation: python -m sim.optimise org=hasselby_vallingby, workers=2 (once)"):
        res["optimise_hv"] = optimise_hv(args.quick)
        res["optimise_hv_seconds"] = res["optimise_hv"]["seconds"]
    if stage("startup", "start-up: python -m sim --help, and a config error (subprocess)"):
        res["startup"] = startup(max(repeats, 5))
        res["startup_seconds"] = res["startup"]["startup"]["seconds"]
        res["config_error_seconds"] = res["startup"]["config_error"]["seconds"]
    if args.merge:
        res = merged(json.loads((HERE / "results.json").read_text(encoding="utf-8")), res, chosen)
    head = ("generated", "quick", "repeats", "only", "machine", "measured")
    res = {**{k: res[k] for k in head if k in res}, "targets": judged(res),
           **{k: v for k, v in res.items() if k not in head}}
    res["wall_seconds"] = time.perf_counter() - started
    write_json(out, res)
    print(table(res))
    print(f"\nwrote {out} in {res['wall_seconds']:.0f} s")
    if not args.quick and (not args.only or args.merge) and args.out is None and update_readme(res):
        print(f"updated the timing table in {README}")
    return res


if __name__ == "__main__":
    main()
