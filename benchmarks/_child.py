"""One measurement in a fresh interpreter, so its peak RSS belongs to that measurement alone.

``python -m benchmarks._child '<json spec>'`` prints one JSON line:
seconds (``replicate`` only, config composition excluded), processed SimPy events, peak RSS
(``ru_maxrss``) and the RSS peak before the simulation started (imports + config).
"""

from __future__ import annotations

import json
import resource
import sys
import time


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


def events_processed(env) -> int:
    """SimPy events processed so far: ids handed out minus those still queued (no per-step cost).

    ``Environment.schedule`` draws one id from ``env._eid`` per scheduled event; the benchmark
    checks this against a counting wrapper around ``Environment.step`` (see ``count_by_step``).
    """
    scheduled = next(env._eid)  # consumes one id; harmless once the run is over
    return scheduled - len(env._queue)


def main(spec: dict) -> dict:
    from sim.analysis.replication import replicate
    from sim.config.compose import load_config

    cfg = load_config(spec["overrides"])
    if spec.get("districts"):  # the first N districts of a city (scaling with households)
        from dataclasses import replace

        cfg = replace(cfg, org=replace(cfg.org, districts=cfg.org.districts[:spec["districts"]]))
    base = _maxrss_mb()
    t0 = time.perf_counter()
    run = replicate(cfg)
    seconds = time.perf_counter() - t0
    events = events_processed(run.env) if hasattr(run, "env") else None  # a city keeps no environment
    return {"seconds": seconds, "events": events, "peak_mb": _maxrss_mb(), "base_mb": base}


if __name__ == "__main__":
    print(json.dumps(main(json.loads(sys.argv[1]))))
