"""A fast start (issue 15, item 4): ``--help`` and a configuration error never import the heavy libraries.

``python -m sim --help`` and a refused config are a user's first seconds with the tool; pandas, SciPy,
matplotlib (and pm4py, pyarrow) cost seconds to import and are needed only once a run starts. Each
command below runs in a subprocess under ``python -X importtime``, which lists every module the
interpreter imported; the test reads that list (it times nothing: the wall times are the benchmark's,
``python -m benchmarks --only startup``) and checks the exit status and message are the usual ones.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
HEAVY = ("pandas", "matplotlib", "scipy", "pm4py", "pyarrow")  # needed only by a run, never to parse or refuse


def run(*args: str, cwd: Path = REPO) -> tuple[subprocess.CompletedProcess, set[str], str]:
    """``python -X importtime <args>``: the process, the top-level packages it imported, its stderr without them."""
    env = {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}
    proc = subprocess.run([sys.executable, "-X", "importtime", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)
    imported, rest = set(), []
    for line in proc.stderr.splitlines():
        if line.startswith("import time:"):
            name = line.rsplit("|", 1)[1].strip()
            if name != "package":  # the header line: "import time: self [us] | cumulative | imported package"
                imported.add(name.split(".")[0])
        else:
            rest.append(line)
    assert "sim" in imported, "no importtime lines: did -X importtime reach the command?"
    return proc, imported, "\n".join(rest)


def assert_light(imported: set[str]) -> None:
    heavy = sorted(set(HEAVY) & imported)
    assert not heavy, f"imported {', '.join(heavy)} on a path that never runs the model"


def test_help_imports_no_heavy_library():
    proc, imported, err = run("-m", "sim", "--help")
    assert proc.returncode == 0, err
    assert "== Configuration groups ==" in proc.stdout and "org: farsta" in proc.stdout
    assert_light(imported)


@pytest.mark.parametrize("args, message", [
    (["org=farsta", "org.reception.caseworkers=-1"],
     "Configuration error: org.reception.caseworkers = -1.0: must be a number > 0"),
    (["org=nonexistent"], "Configuration error: org = 'nonexistent': no org 'nonexistent'; choose from: "),
])
def test_a_config_error_imports_no_heavy_library(tmp_path, args, message):
    out = tmp_path / "run"
    proc, imported, err = run("-m", "sim", *args, f"hydra.run.dir={out}")
    assert proc.returncode == 2, proc.stdout + err
    assert err.strip().startswith(message) and len(err.strip().splitlines()) == 1, err
    assert not out.exists()  # a refused run leaves no folder behind, as before
    assert_light(imported)


def test_an_unknown_experiment_imports_no_heavy_library(tmp_path):
    out = tmp_path / "run"
    proc, imported, err = run("-m", "sim.experiment", "experiment=defualt", f"hydra.run.dir={out}")
    assert proc.returncode == 2, proc.stdout + err
    assert err.strip().startswith("Configuration error: experiment = 'defualt': no experiment 'defualt' "
                                  "(did you mean default?)"), err
    assert not out.exists()
    assert_light(imported)


@pytest.mark.parametrize("command", ["sim.experiment", "sim.sequential"])
def test_other_helps_import_no_heavy_library(command):
    proc, imported, err = run("-m", command, "--help")
    assert proc.returncode == 0, err
    assert proc.stdout.strip()
    assert_light(imported)


def test_a_run_still_imports_what_it_needs(tmp_path):
    """The other side: the lazy imports are still there once a run starts (a 1-week M/M/c, seconds)."""
    out = tmp_path / "run"
    proc, imported, err = run("-m", "sim", "org=mmc", "horizon_weeks=1", "warmup_weeks=0", f"hydra.run.dir={out}")
    assert proc.returncode == 0, proc.stdout + err
    assert {"pandas", "simpy"} <= imported
    assert (out / "summary.json").exists()
