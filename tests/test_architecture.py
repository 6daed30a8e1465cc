"""The package's shape: import contracts (layers point down, no cycles), lint, and what the result
cache's key covers.

The import contracts live in ``pyproject.toml`` ([tool.importlinter]) and are checked with
import-linter; docs/architecture.md explains them. A planted upward import and a planted cycle in
a copy of the package show that the contracts do catch what they promise.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from sim.config import compose
from sim.experiments import runner

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    """import-linter on the package found first on the path from ``root`` (a copy, or the repository)."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([str(BIN / "lint-imports"), "--config", str(root / "pyproject.toml"), "--no-cache"],
                          cwd=root, env=env, capture_output=True, text=True, timeout=300)


def copy_of_package(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "sim", tmp_path / "sim", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_import_contracts_are_kept():
    """Every layer imports only the layers below it; no package has an import cycle."""
    result = lint_imports(REPO)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


@pytest.mark.parametrize("module, line, broken", [
    # the model reaching up into the experiments (what the old run did with the city and the runner)
    ("sim/model/units.py", "from sim.experiments import runner  # planted\n", "Layers"),
    # a household step calling the next step itself (the old reception <-> follow-up circle)
    ("sim/model/processes/household/followup.py", "from sim.model.processes.household import reception\n",
     "household's path"),
    # the spec importing the module that runs it (the old experiment <-> shards circle)
    ("sim/experiments/spec.py", "from sim.experiments import shards  # planted\n", "cycle"),
])
def test_planted_violations_are_caught(tmp_path, module, line, broken):
    root = copy_of_package(tmp_path)
    path = root / module
    text = path.read_text(encoding="utf-8")
    head, sep, rest = text.partition("\nfrom __future__ import annotations\n")
    path.write_text(head + sep + line + rest, encoding="utf-8")
    result = lint_imports(root)
    assert result.returncode != 0, result.stdout[-2000:]
    assert broken in result.stdout and "BROKEN" in result.stdout


def test_ruff_is_clean():
    """pyflakes, pycodestyle, import order, and numpy docstrings in sim/model (pyproject.toml [tool.ruff])."""
    result = subprocess.run([str(BIN / "ruff"), "check", "sim", "tests", "benchmarks"], cwd=REPO,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-4000:]


def test_a_citys_cache_key_covers_its_district_files(tmp_path, monkeypatch):
    """Editing a district's file changes the key of every city that has that district."""
    orgs = tmp_path / "org"
    shutil.copytree(compose.ORG_DIR, orgs)
    monkeypatch.setattr(compose, "ORG_DIR", orgs)
    before = compose.load_config(["org=stockholm"])
    path = orgs / "farsta.yaml"
    text = path.read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if x.startswith("arrivals_per_week: "))
    path.write_text(text.replace(f"\n{line}", "\narrivals_per_week: 36.5"), encoding="utf-8")
    after = compose.load_config(["org=stockholm"])
    assert runner.config_key(before) != runner.config_key(after)
    # ...and nothing else moved it: the same edit undone gives the same key again
    path.write_text(text, encoding="utf-8")
    assert runner.config_key(compose.load_config(["org=stockholm"])) == runner.config_key(before)


def test_a_config_change_changes_the_key():
    base = compose.load_config(["org=farsta"])
    assert runner.config_key(base) == runner.config_key(compose.load_config(["org=farsta"]))
    assert runner.config_key(base) != runner.config_key(replace(base, seed=1))
    assert runner.config_key(base) != runner.config_key(
        replace(base, org=replace(base.org, arrivals_per_week=base.org.arrivals_per_week + 1)))


@pytest.mark.parametrize("module, moves", [
    ("outputs/plots.py", False), ("outputs/report.py", False), ("experiment.py", False),
    ("model/work.py", True), ("model/processes/household/payment.py", True), ("analysis/metrics.py", True),
    ("config/ramboll.py", True), ("experiments/runner.py", True),
])
def test_the_code_fingerprint_covers_the_result_code_only(tmp_path, module, moves):
    """Editing model, analysis or config code invalidates cached replications; editing a plot does not."""
    package = tmp_path / "sim"
    shutil.copytree(REPO / "sim", package, ignore=shutil.ignore_patterns("__pycache__"))
    before = runner.fingerprint(package)
    assert before == runner.code_fingerprint()
    with (package / module).open("a", encoding="utf-8") as f:
        f.write("\n# an edit\n")
    assert (runner.fingerprint(package) != before) is moves


def test_configs_are_frozen():
    """A built config cannot be changed in place (a run could otherwise alter another's)."""
    from dataclasses import FrozenInstanceError

    cfg = compose.load_config(["org=farsta"])
    with pytest.raises(FrozenInstanceError):
        cfg.seed = 3
    with pytest.raises(FrozenInstanceError):
        cfg.org.long_term.caseworkers = 1.0
    assert replace(cfg, seed=3).seed == 3 and cfg.seed == 0


# Every command, given a user's mistake, says it in one line and exits with status 2 (sim.cli).
BAD_INPUT = {
    "sim": (["seed=-1"], "Configuration error: seed = -1"),
    "sim.experiment": (["experiment=default", "replications=1"], "Configuration error: replications = 1"),
    "sim.calibration": (["--replications", "2", "org.long_term.caseworkers=-3"],
                        "Configuration error: org.long_term.caseworkers = -3"),
    "sim.fit": (["org=nowhere"], "Configuration error: org = 'nowhere'"),
    "sim.sequential": (["--half-width", "0.1", "org=farsta", "org.arrivals_per_week=0"],
                       "Configuration error: org.arrivals_per_week = 0"),
    "sim.warmup": (["org=nowhere"], "Configuration error: "),
    "sim.sensitivity": (["--design", "no_such_design.yaml"], "Configuration error: --design"),
    "sim.calibrate": (["--staffing", "no_such_sheet.csv", "--name", "x"], "Input error: no_such_sheet.csv"),
    "sim.mine": (["--log", "no_such_log.csv", "--like", "farsta", "--name", "x"], "Input error: no_such_log.csv"),
}


@pytest.mark.parametrize("command", sorted(BAD_INPUT))
def test_every_command_reports_a_user_error_in_one_line(command, tmp_path):
    args, first = BAD_INPUT[command]
    extra = [f"hydra.run.dir={tmp_path}"] if command in ("sim", "sim.experiment") else []
    env = {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}
    proc = subprocess.run([sys.executable, "-m", command, *args, *extra], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2, proc.stdout[-1000:] + proc.stderr[-2000:]
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(first), proc.stderr[-2000:]
