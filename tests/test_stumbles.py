"""Small stumbles users reported (issue 13, part 5), each pinned:

1. a command run with a Python that lacks the dependencies says in one line what is missing and how
   to run it, not a bare ``ModuleNotFoundError`` traceback;
2. ``event_log=true`` without pm4py says that no ``events.xes`` was written and what was;
3. a run that fails before writing anything leaves no empty timestamped folder (and one with
   results is never removed);
4. progress is reported as lines when stderr is not a terminal (a file, a submitit log);
5. a resumed experiment says how many replications it took from the cache;
6. ``python -m sim org=mmc`` says why ``served`` and ``arrivals`` differ.
"""

from __future__ import annotations

import io
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import make_config, run_config
from tiny_experiment import REPLICATIONS, run_tiny

import sim
from sim.cli import discard_empty_run_dir
from sim.config.compose import load_config
from sim.experiments import compare
from sim.experiments.runner import Progress
from sim.model import units
from sim.outputs import eventlog

REPO = Path(__file__).resolve().parent.parent
TOTAL = 2 * REPLICATIONS  # the tiny experiment's runs: 2 variants


def environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("HYDRA_FULL_ERROR", "PYTHONPATH", "PYTHONHOME")}


def run(*args: str, python: tuple[str, ...] = (sys.executable,), timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([*python, *args], cwd=REPO, capture_output=True, text=True, timeout=timeout,
                          env=environment())


# 1. ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("module, args", [("sim", ("org=mmc",)), ("sim.experiment", ("experiment=default",)),
                                          ("sim.calibration", ("--replications", "3"))])
def test_a_python_without_the_dependencies_gets_one_line_naming_the_package_and_the_fix(module, args):
    # -S: no site-packages at all (like a system python3 without the project installed); the
    # repository is found from the working directory, as with `python3 -m sim` in a fresh clone.
    proc = run("-m", module, *args, python=(sys.executable, "-S"))
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    line = lines[0]
    assert line.startswith("caseflow needs the package ")
    assert "cannot import (No module named " in line
    assert "pip install -e ." in line
    if (REPO / ".venv" / "bin" / "python").exists():
        assert f"run it with the project's environment: .venv/bin/python -m {module} {' '.join(args)}," in line
    if module != "sim.calibration":  # the Hydra commands import Hydra first
        assert "hydra-core" in line and "No module named 'hydra'" in line


SYSTEM_PYTHON = Path("/usr/bin/python3")


@pytest.mark.skipif(not SYSTEM_PYTHON.exists() or subprocess.run([str(SYSTEM_PYTHON), "-c", "import hydra"],
                                                                  capture_output=True).returncode == 0,
                    reason="needs a system python3 without the project's dependencies")
def test_the_system_python_gets_the_same_one_line():
    proc = run("-m", "sim", "org=mmc", python=(str(SYSTEM_PYTHON),))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.count("\n") == 1
    assert proc.stderr.startswith(f"caseflow needs the package hydra-core, which this Python ({SYSTEM_PYTHON}) "
                                  "cannot import (No module named 'hydra')")


def test_importing_sim_from_a_program_leaves_the_excepthook_alone():
    proc = run("-c", "import sys, sim; print(sys.excepthook is sys.__excepthook__)")
    assert proc.returncode == 0 and proc.stdout.strip() == "True", proc.stderr


def test_a_missing_module_inside_sim_is_a_bug_and_keeps_its_traceback():
    assert sim._missing_dependency(ModuleNotFoundError("No module named 'sim.nosuch'", name="sim.nosuch")) is None
    line = sim._missing_dependency(ModuleNotFoundError("No module named 'yaml'", name="yaml"))
    assert line is not None and "PyYAML" in line


# 2. ------------------------------------------------------------------------------------------------

def test_event_log_without_pm4py_says_no_xes_was_written_and_what_was(tmp_path, monkeypatch, capsys):
    logged = run_config(make_config("farsta", seed=1, horizon_weeks=3.0, warmup_weeks=0.0, event_log=True))
    monkeypatch.setitem(sys.modules, "pm4py", None)  # `import pm4py` now fails as if it were not installed
    paths = eventlog.write(logged, tmp_path)
    err = capsys.readouterr().err
    assert "wrote no events.xes: pm4py is not installed" in err
    assert "pip install -e '.[mining]'" in err
    assert f"written as events.csv and events.parquet in {tmp_path}" in err
    assert [p.name for p in paths] == ["events.csv", "events.parquet"]
    assert (tmp_path / "events.csv").stat().st_size > 0 and not (tmp_path / "events.xes").exists()


# 3. ------------------------------------------------------------------------------------------------

def test_a_failed_run_leaves_no_empty_run_directory(tmp_path):
    out = tmp_path / "run"
    proc = run("-m", "sim", "org=farsta", "org.reception.caseworkers=-1", f"hydra.run.dir={out}")
    assert proc.returncode == 2
    assert proc.stderr.strip() == "Configuration error: org.reception.caseworkers = -1.0: must be a number > 0"
    assert not out.exists()
    assert tmp_path.exists()  # only the run's own folder went


def test_a_failed_experiment_keeps_a_folder_with_a_cache_to_resume(tmp_path):
    out = tmp_path / "resumable"
    (out / "replications").mkdir(parents=True)
    kept = out / "replications" / "abc.json"
    kept.write_text("{}", encoding="utf-8")
    proc = run("-m", "sim.experiment", "experiment=default", "replications=1", f"hydra.run.dir={out}")
    assert proc.returncode == 2
    assert "replications = 1" in proc.stderr
    assert kept.read_text(encoding="utf-8") == "{}"
    # a refused run writes nothing there, not even Hydra's record of it (.hydra/) or a log
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == ["replications", "replications/abc.json"]


def hydra_files(out: Path, job: str = "__main__") -> Path:
    (out / ".hydra").mkdir(parents=True)
    for name in ("config.yaml", "hydra.yaml", "overrides.yaml"):
        (out / ".hydra" / name).write_text("x: 1\n", encoding="utf-8")
    (out / f"{job}.log").write_text("", encoding="utf-8")
    return out


def test_only_a_folder_of_hydra_files_alone_is_removed(tmp_path):
    assert discard_empty_run_dir(hydra_files(tmp_path / "empty"), "__main__")
    assert not (tmp_path / "empty").exists()
    with_results = hydra_files(tmp_path / "results")
    (with_results / "summary.json").write_text("{}", encoding="utf-8")
    assert not discard_empty_run_dir(with_results, "__main__")
    assert (with_results / "summary.json").exists() and (with_results / ".hydra" / "config.yaml").exists()
    odd = hydra_files(tmp_path / "odd")  # something not Hydra's inside .hydra: not ours to remove
    (odd / ".hydra" / "notes.txt").write_text("mine", encoding="utf-8")
    assert not discard_empty_run_dir(odd, "__main__")
    assert (odd / ".hydra" / "notes.txt").exists()
    other_log = hydra_files(tmp_path / "other_log", job="caseflow-default")  # another job's log
    assert not discard_empty_run_dir(other_log, "__main__")
    assert (other_log / "caseflow-default.log").exists()


# 4. and 5. -----------------------------------------------------------------------------------------

class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_off_a_terminal_is_a_line_per_tenth(monkeypatch):
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    progress = Progress(1000, "job", every=1e9)  # no line for time passing
    for _ in range(1000):
        progress.step()
    lines = sys.stderr.getvalue().splitlines()
    assert [line.split(": ", 1)[1].split(" (")[0] for line in lines] == [f"{k}/1000" for k in range(100, 1001, 100)]
    assert lines[-1].startswith("job: 1000/1000 (100%)") and lines[-1].endswith("done")
    assert "eta" in lines[0] and "\r" not in sys.stderr.getvalue()


def test_progress_off_a_terminal_also_prints_after_every_seconds(monkeypatch):
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    progress = Progress(1000, "job", every=0.0)  # every step is "later than every seconds"
    for _ in range(25):
        progress.step()
    assert len(sys.stderr.getvalue().splitlines()) == 25


def test_progress_on_a_terminal_is_still_one_bar_redrawn(monkeypatch):
    monkeypatch.setattr(sys, "stderr", Terminal())
    progress = Progress(4, "job")
    for _ in range(4):
        progress.step()
    text = sys.stderr.getvalue()
    assert text.count("\r") == 3 and text.count("\n") == 1
    assert "[##############################] 4/4" in text


def test_an_experiment_off_a_terminal_prints_progress_and_a_resumed_one_says_what_it_reused(tmp_path, capsys,
                                                                                             monkeypatch):
    # the replications, their cache and progress as in any experiment; the plots and report (seconds, and
    # tested elsewhere) are left out
    monkeypatch.setattr(compare, "write_outputs", lambda *args: (None, None, None))
    run_tiny(tmp_path)  # capsys: stderr is not a terminal
    err = capsys.readouterr().err
    label = "tiny: 2 variants x 2"
    progress = [line for line in err.splitlines() if line.startswith(f"{label}: ")]
    assert [line.split(" (")[0] for line in progress] == [f"{label}: {k}/{TOTAL}" for k in range(1, TOTAL + 1)]
    assert "reused" not in err  # a fresh run has nothing to reuse

    cache = tmp_path / "replications"
    first = sorted(cache.glob("*.json"))
    assert len(first) == TOTAL
    first[0].unlink()  # as if killed before the last replication finished
    run_tiny(tmp_path)
    err = capsys.readouterr().err
    assert f"{label}: reused {TOTAL - 1} of {TOTAL} replications from the cache in {cache}; running 1" in err

    run_tiny(tmp_path)
    err = capsys.readouterr().err
    assert f"{label}: reused {TOTAL} of {TOTAL} replications from the cache in {cache}; nothing left to run" in err


# 6. ------------------------------------------------------------------------------------------------

def test_the_mmc_summary_says_why_served_and_arrivals_differ(tmp_path):
    horizon, warmup = 3, 1
    proc = run("-m", "sim", "org=mmc", f"horizon_weeks={horizon}", f"warmup_weeks={warmup}",
               f"hydra.run.dir={tmp_path}")
    assert proc.returncode == 0, proc.stderr
    lines = {line.split()[0]: line for line in proc.stdout.splitlines() if line.strip()}
    assert "counted after the warm-up only: service begun in weeks 1-3" in lines["served"]
    assert "counted over the whole run, the 1-week warm-up included (weeks 0-3)" in lines["arrivals"]

    # ...and that is what the numbers are: arrivals over the whole run, services begun after the warm-up.
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    config = load_config(["org=mmc", f"horizon_weeks={horizon}", f"warmup_weeks={warmup}"])
    rate = config.org.arrivals_per_hour * units.FULL_WEEK  # arrivals a week
    assert abs(summary["arrivals"] - rate * horizon) < 5 * (rate * horizon) ** 0.5
    assert abs(summary["served"] - rate * (horizon - warmup)) < 5 * (rate * (horizon - warmup)) ** 0.5
    assert f"= {rate * (horizon - warmup):,.0f} expected" in lines["served"]


def test_an_experiment_is_shortened_without_the_experiment_prefix(tmp_path):
    """``horizon_weeks=`` and ``warmup_weeks=`` at the top level shorten an experiment (the README's tip)."""
    out = tmp_path / "short"
    proc = run("-m", "sim.experiment", "horizon_weeks=14", "warmup_weeks=4", "replications=2", "workers=1",
               f"hydra.run.dir={out}", timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "each run measures 10 weeks after a warm-up of 4 weeks" in page
    assert "Only 2 replications per variant" in page


def test_the_terminal_table_prints_counts_whole_and_shares_in_percent():
    from sim.outputs.files import headline_table

    text = headline_table({"org": "X", "seed": 0, "arrivals": 19677.0, "late_payment_share": 0.0123,
                           "first_visit_wait_weeks": 2.345, "months_on_assistance": math.nan})
    assert "19,677\n" in text + "\n" and "19,677.00" not in text
    assert "1.2 %" in text and "2.35" in text
    assert text.splitlines()[8].rstrip().endswith("—")  # months on assistance: not measured


def test_a_long_experiment_says_its_size_and_time_before_it_starts(capsys):
    """30 five-year runs on 2 workers: minutes, said up front; a handful of short runs: nothing to say."""
    import io

    from sim.experiments.compare import say_estimate

    long = [load_config(["org=hasselby_vallingby", f"seed={k}"]) for k in range(30)]
    out = io.StringIO()
    text = say_estimate(long, 2, out)
    assert text.startswith("Estimated: 30 runs, about ") and " min on 2 worker(s)" in text and "MB" in text
    assert out.getvalue().strip() == text
    short = [load_config(["org=farsta", "horizon_weeks=20", "warmup_weeks=5", f"seed={k}"]) for k in range(2)]
    assert say_estimate(short, 2, io.StringIO()) == ""
