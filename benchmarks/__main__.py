"""Caseflow benchmark suite: ``python -m benchmarks [--quick]`` from the repository root.

Every figure is the median of several repeats (3, or 2 with ``--quick``); ratios are taken
from measurements made in the same invocation. Results go to ``benchmarks/results.json``
(written atomically with :func:`sim.outputs.files.write_json`) and a table is printed.
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
import time
from datetime import datetime, timezone
from pathlib import Path

import simpy

from benchmarks._child import events_processed

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
HV = "org=hasselby_vallingby"
TARGETS = {
    "overhead_ratio_vs_simpy": "<= 3 (model within 3x of bare SimPy per event)",
    "hv_replication_seconds": "< 2 s (HV, 2 simulated years + warm-up)",
    "scaling": "linear: seconds per simulated year roughly constant",
    "parallel_efficiency": ">= 0.85 on 2 cores",
    "stockholm_year_seconds": "< 60 s (org=stockholm, 14 districts, one year after a year's warm-up)",
    "stockholm_peak_mb": "< 1024 MB",
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
                         cwd=ROOT, check=True, capture_output=True, text=True)
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


# --- 1. bare SimPy M/M/c --------------------------------------------------------------------
def bare_mmc(hours: float, servers: int = 10, arrivals_per_hour: float = 8.0, service_mean: float = 1.0,
             seed: int = 1) -> simpy.Environment:
    """A textbook SimPy M/M/c (rho = 0.8): source process + one process per customer."""
    env = simpy.Environment()
    desk = simpy.Resource(env, capacity=servers)
    rng = random.Random(seed)

    def customer(service):
        with desk.request() as req:
            yield req
            yield env.timeout(service)

    def source():
        while True:
            yield env.timeout(rng.expovariate(arrivals_per_hour))
            env.process(customer(rng.expovariate(1.0 / service_mean)))

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
        samples.append({"model_events": model_events, "model_s": model_s, "bare_events": bare_events,
                        "bare_s": bare_s, "ratio": (bare_events / bare_s) / (model_events / model_s)})
    # Cross-check the cheap event count against a counting wrapper on Environment.step (once, untimed).
    stepped = count_by_step(lambda: simulate(cfg))
    return {
        "overhead_ratio_vs_simpy": median(s["ratio"] for s in samples),
        "model_events": samples[0]["model_events"],
        "model_events_per_s": median(s["model_events"] / s["model_s"] for s in samples),
        "bare_events": samples[0]["bare_events"],
        "bare_events_per_s": median(s["bare_events"] / s["bare_s"] for s in samples),
        "model_events_by_step_wrapper": stepped,
        "model_config": f"{HV} horizon_weeks={weeks} warmup_weeks=0 (in-process, after one warm-up run)",
        "bare_config": f"M/M/10, lambda=8/h, mean service 1 h, {bare_hours:.0f} h",
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


# --- table ----------------------------------------------------------------------------------
def table(res: dict) -> str:
    o, hv, p = res["overhead"], res["hv_replication"], res["parallel"]
    lines = [f"Caseflow benchmarks ({'quick' if res['quick'] else 'full'}, median of {res['repeats']})",
             f"  {res['machine']['cpu_model']} x{res['machine']['cpu_count']}, Python {res['machine']['python']}, "
             f"SimPy {res['machine']['simpy']}", "",
             f"  {'figure':<34} {'value':>12}  target"]

    def row(label, value, target=""):
        lines.append(f"  {label:<34} {value:>12}  {target}")

    row("overhead_ratio_vs_simpy", f"{res['overhead_ratio_vs_simpy']:.2f}x", "<= 3x")
    row("  model events/s", f"{o['model_events_per_s']:,.0f}")
    row("  bare M/M/c events/s", f"{o['bare_events_per_s']:,.0f}")
    row("hv_replication_seconds", f"{res['hv_replication_seconds']:.2f} s", "< 2 s")
    row("hv_replication_peak_mb", f"{res['hv_replication_peak_mb']:.0f} MB",
        f"(before simulate: {hv['base_mb']:.0f} MB)")
    for s in res["scaling"]:
        row(f"scaling {s['years']} y", f"{s['seconds_per_year']:.2f} s/y",
            f"{s['seconds']:.2f} s, {s['peak_mb']:.0f} MB, {s['events_per_year']:,.0f} ev/y, "
            f"{s['events_per_s']:,.0f} ev/s")
    row("parallel_efficiency", f"{res['parallel_efficiency']:.0%}",
        f">= 85% ({p['replications']} reps, {p['workers']} workers: "
        f"serial {p['serial_s']:.1f} s, parallel {p['parallel_s']:.1f} s)")
    for d in res["district_scaling"]:
        row(f"scaling {d['districts']} districts", f"{d['seconds']:.1f} s",
            f"{d['seconds_per_district']:.2f} s/district, {d['peak_mb']:.0f} MB")
    row("stockholm_year_seconds", f"{res['stockholm_year_seconds']:.1f} s", "< 60 s (14 districts, 1 y + 1 y warm-up)")
    row("stockholm_peak_mb", f"{res['stockholm_peak_mb']:.0f} MB", "< 1024 MB")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="about a minute: 2 repeats, shorter runs")
    parser.add_argument("--out", type=Path, default=HERE / "results.json")
    args = parser.parse_args(argv)
    from sim.outputs.files import write_json

    repeats = 2 if args.quick else 3
    started = time.perf_counter()
    res: dict = {"generated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                 "quick": args.quick, "repeats": repeats, "machine": machine(), "targets": TARGETS}

    def stage(name):
        print(f"[{time.perf_counter() - started:5.1f}s] {name}", file=sys.stderr, flush=True)

    stage("1/5 overhead vs bare SimPy")
    res["overhead"] = overhead(repeats, weeks=52)
    res["overhead_ratio_vs_simpy"] = res["overhead"]["overhead_ratio_vs_simpy"]
    stage("2/5 HV replication (subprocess)")
    hv = measure([HV, "horizon_weeks=156", "warmup_weeks=52"], repeats)
    res["hv_replication"] = hv
    res["hv_replication_seconds"] = hv["seconds"]
    res["hv_replication_peak_mb"] = hv["peak_mb"]
    stage("3/5 scaling (subprocess per run)")
    res["scaling"] = scaling(repeats, [1, 2, 4] if args.quick else [1, 2, 4, 8])
    stage("4/5 city scale: 1, 4, 14 districts of org=stockholm (subprocess)")
    res["district_scaling"] = district_scaling(1 if args.quick else repeats, [1, 4, 14])
    city = res["district_scaling"][-1]
    res["stockholm_year_seconds"] = city["seconds"]
    res["stockholm_peak_mb"] = city["peak_mb"]
    stage("5/5 parallel efficiency")
    res["parallel"] = (parallel(repeats, 4, weeks=104, warmup=26) if args.quick
                       else parallel(repeats, 4, weeks=156, warmup=52))
    res["parallel_efficiency"] = res["parallel"]["parallel_efficiency"]
    res["wall_seconds"] = time.perf_counter() - started
    write_json(args.out, res)
    print(table(res))
    print(f"\nwrote {args.out} in {res['wall_seconds']:.0f} s")
    return res


if __name__ == "__main__":
    main()
