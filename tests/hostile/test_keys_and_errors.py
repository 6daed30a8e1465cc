"""Hostile input to the commands: every mistake is refused in one line (a YAML error in a short block)
naming the key or the file, exit status 2, no traceback, and nothing simulated (issue 14).

Table-driven: each case is (id, arguments after ``python``, expected status, substrings of stderr,
most stderr lines). Files the cases need (an org or experiment file with a typo, a YAML file that
does not parse, a sensitivity design) are written to a temporary folder put on Hydra's search path
(``hydra.searchpath=[file://<dir>]``), never into the repository.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

FILES = {
    "org/typo_town.yaml": "name: Typo town\narrivals_per_wek: 30\n",
    "org/broken_town.yaml": "name: Broken town\nreception:\n  caseworkers: [3\n",
    "variant/typo_variant.yaml": "specialisation:\n  mod: broad\n",
    "workforce/typo_workforce.yaml": "leavers_per_yer: 0.1\n",
    "experiment/typo_exp.yaml": ("name: typo_exp\norg: farsta\nbaselin: as_is\n"
                                 "variants:\n  as_is: [\"variant=[as_is]\"]\n  broad: [\"variant=[broad]\"]\n"),
    "experiment/broken_exp.yaml": "name: broken_exp\norg: farsta\nvariants: {as_is: [\n",
    "experiment/bad_variant_exp.yaml": ("name: bad_variant_exp\norg: farsta\nbaseline: as_is\nvariants:\n"
                                        "  as_is: [\"variant=[as_is]\"]\n"
                                        "  both: [\"variant=[paired,caseworker_owns]\"]\n"),
    "experiment/typo_in_variant_exp.yaml": ("name: typo_in_variant_exp\norg: farsta\nbaseline: as_is\nvariants:\n"
                                            "  as_is: [\"variant=[as_is]\"]\n"
                                            "  more: [\"+org.recepton.caseworkers=9\"]\n"),
    "experiment/lonely_exp.yaml": ("name: lonely_exp\norg: farsta\nbaseline: as_is\n"
                                   "variants:\n  as_is: [\"variant=[as_is]\"]\n"),
    "design_metric.yaml": ("org: farsta\nreplications: 2\nhorizon_weeks: 3\nwarmup_weeks: 1\n"
                           "metrics: [first_visit_wait_weks]\ninputs:\n  org.households.acute_share: [0.05, 0.15]\n"),
    "design_key.yaml": ("org: farsta\nreplications: 2\nmetrix: [first_visit_wait_weeks]\n"
                        "inputs:\n  org.households.acute_share: [0.05, 0.15]\n"),
    "design_input.yaml": ("org: farsta\nreplications: 2\nhorizon_weeks: 3\nwarmup_weeks: 1\n"
                          "inputs:\n  org.households.acute_shar: [0.05, 0.15]\n"),
}

SIM = ("-m", "sim", "horizon_weeks=3", "warmup_weeks=1")  # a case that got through would run 3 weeks only
EXP = ("-m", "sim.experiment", "replications=2", "horizon_weeks=3", "warmup_weeks=1")
SEARCH = "hydra.searchpath=[file://{tmp}]"

# (id, arguments, status, substrings of stderr, most stderr lines)
CASES = [
    # 1. unknown keys, with or without +, on the command line and in YAML files
    ("sim-append-typo", (*SIM, "+org.recepton.caseworkers=3"), 2, ["org.recepton", "did you mean org.reception"], 1),
    ("sim-plain-typo", (*SIM, "org.recepton.caseworkers=3"), 2,
     ["org.recepton.caseworkers", "did you mean org.reception"], 1),
    ("sim-append-top-level", (*SIM, "+replicatons=5"), 2, ["replicatons", "unknown key"], 1),
    ("sim-append-existing", (*SIM, "+horizon_weeks=30"), 2, ["+horizon_weeks", "without the +"], 1),
    ("exp-append-typo", (*EXP, "+replicatons=5"), 2, ["replicatons", "did you mean replications"], 1),
    ("exp-append-model-key", (*EXP, "+org.recepton.caseworkers=3"), 2, ["org", "experiment.overrides"], 1),
    ("exp-append-horizon", ("-m", "sim.experiment", "replications=2", "+horizon_weeks=20"), 2,
     ["horizon_weeks = 20", "warm-up"], 1),
    ("org-file-typo", (*SIM, "org=typo_town", SEARCH), 2,
     ["org.arrivals_per_wek", "org/typo_town.yaml", "did you mean org.arrivals_per_week"], 1),
    ("variant-file-typo", (*SIM, "variant=[typo_variant]", SEARCH), 2,
     ["variant.specialisation.mod", "variant/typo_variant.yaml", "did you mean variant.specialisation.mode"], 1),
    ("workforce-file-typo", (*SIM, "workforce=typo_workforce", SEARCH), 2,
     ["workforce.leavers_per_yer", "did you mean workforce.leavers_per_year"], 1),
    ("experiment-file-typo", (*EXP, "experiment=typo_exp", SEARCH), 2,
     ["experiment.baselin", "experiment/typo_exp.yaml", "did you mean experiment.baseline"], 1),
    ("experiment-variant-typo", (*EXP, "experiment=typo_in_variant_exp", SEARCH), 2,
     ["experiment.variants.more", "org.recepton", "did you mean org.reception"], 1),
    ("design-key-typo", ("-m", "sim.sensitivity", "--design", "{tmp}/design_key.yaml", "--out", "{tmp}/sens"), 2,
     ["metrix", "design_key.yaml", "did you mean metrics"], 1),
    ("design-input-typo", ("-m", "sim.sensitivity", "--design", "{tmp}/design_input.yaml", "--out", "{tmp}/sens"),
     2, ["inputs.org.households.acute_shar", "did you mean org.households.acute_share"], 2),
    # 2. contradictory variants, named both
    ("broad-and-specialised", (*SIM, "variant=[broad,specialised]"), 2, ["variant", "broad and specialised"], 1),
    ("own-and-common-reception", (*SIM, "variant=[own_reception,common_reception]"), 2,
     ["own_reception and common_reception"], 1),
    ("paired-and-caseworker-owns", (*SIM, "variant=[paired,caseworker_owns,module_admins]"), 2,
     ["paired and caseworker_owns"], 1),
    ("contradiction-in-experiment", (*EXP, "experiment=bad_variant_exp", SEARCH), 2,
     ["experiment.variants.both", "paired and caseworker_owns"], 1),
    # 3. one line (or a short block) instead of a traceback
    ("org-file-yaml", (*SIM, "org=broken_town", SEARCH), 2, ["YAML syntax error", "org/broken_town.yaml", "line"], 6),
    ("experiment-file-yaml", (*EXP, "experiment=broken_exp", SEARCH), 2,
     ["YAML syntax error", "experiment/broken_exp.yaml", "line"], 6),
    ("replications-ten", ("-m", "sim.experiment", "replications=ten"), 2,
     ["replications = 'ten'", "whole number >= 2"], 1),
    ("replications-one", ("-m", "sim.experiment", "replications=1"), 2, ["replications", "at least 2"], 1),
    ("warmup-after-horizon", ("-m", "sim.experiment", "replications=2", "experiment.horizon_weeks=30",
                              "experiment.warmup_weeks=40"), 2, ["experiment.warmup_weeks = 40", "horizon"], 1),
    ("warmup-after-top-horizon", ("-m", "sim.experiment", "replications=2", "horizon_weeks=30",
                                  "experiment.warmup_weeks=40"), 2, ["experiment.warmup_weeks = 40"], 1),
    ("workers-zero", (*EXP, "workers=0"), 2, ["workers = 0", "at least 1", "unset for all cores"], 1),
    ("workers-negative", (*EXP, "workers=-1"), 2, ["workers = -1", "at least 1"], 1),
    ("workers-word", (*EXP, "workers=all"), 2, ["workers = 'all'", "whole number", "at least 1"], 1),
    ("baseline-only", (*EXP, "experiment=lonely_exp", SEARCH), 2,
     ["experiment.variants", "besides the baseline"], 1),
    ("baseline-only-by-deletion", (*EXP, "~experiment.variants.broad", "~experiment.variants.broad_2_admins"), 2,
     ["experiment.variants", "besides the baseline"], 1),
    ("design-metric-typo", ("-m", "sim.sensitivity", "--design", "{tmp}/design_metric.yaml", "--out", "{tmp}/sens"),
     2, ["metrics = 'first_visit_wait_weks'", "did you mean first_visit_wait_weeks"], 2),
    ("sensitivity-workers-0", ("-m", "sim.sensitivity", "--workers", "0", "--out", "{tmp}/sens"), 2,
     ["workers = 0", "at least 1"], 1),
    # hostile extras
    ("unknown-org", (*SIM, "org=nonexistent"), 2, ["org = 'nonexistent'", "farsta", "hasselby_vallingby"], 1),
    ("unknown-variant", (*SIM, "variant=[nope]"), 2, ["variant = 'nope'", "broad", "module_admins"], 1),
    ("unknown-experiment", ("-m", "sim.experiment", "experiment=specialised_vs_braod"), 2,
     ["experiment = 'specialised_vs_braod'", "did you mean specialised_vs_broad"], 1),
    ("seed-word", (*SIM, "seed=ten"), 2, ["seed = 'ten'", "whole number"], 1),
    ("staff-word", (*SIM, "org.long_term.caseworkers=many"), 2, ["org.long_term.caseworkers", "number"], 1),
    ("unparsable-override", (*SIM, "variant=[broad"), 2, ["cannot read the override", "variant=[broad"], 1),
    ("experiment-in-variant-unknown-group", (*EXP, "experiment.variants.as_is=[variant=[nope]]"), 2,
     ["experiment.variants.as_is", "nope"], 1),
    # named by the key the user wrote, not by the first variant it broke
    ("exp-parameters-typo", (*EXP, "parameters=plausibel"), 2, ["parameters = 'plausibel'", "default, plausible"], 1),
    ("exp-horizon-huge", ("-m", "sim.experiment", "replications=2", "horizon_weeks=1e9"), 2,
     ["horizon_weeks = 1000000000.0", "plausible range", "LIMITS"], 1),
    ("exp-own-warmup-inf", ("-m", "sim.experiment", "replications=2", "experiment.warmup_weeks=inf"), 2,
     ["experiment.warmup_weeks = inf", "plausible range"], 1),
    # shards without -m would run everything here, unsplit
    ("shards-without-multirun", (*EXP, "shards=3"), 2, ["shards = 3", "add -m"], 1),
    ("shard-out-of-range-without-multirun", (*EXP, "shard=1"), 2, ["shard = 1", "0 .. 0"], 1),
]


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("hostile")
    for name, text in FILES.items():
        (tmp / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp / name).write_text(text, encoding="utf-8")
    return tmp


@pytest.mark.parametrize("args, status, expected, most_lines", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_hostile_input_is_refused_in_one_line(files, tmp_path, args, status, expected, most_lines):
    argv = [a.format(tmp=files) for a in args]
    if argv[1] in ("sim", "sim.experiment"):
        argv.append(f"hydra.run.dir={tmp_path / 'run'}")
    env = {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}
    proc = subprocess.run([sys.executable, *argv], cwd=REPO, capture_output=True, text=True, timeout=60, env=env)
    text = proc.stdout + proc.stderr
    assert proc.returncode == status, text
    assert "Traceback" not in text, text
    for part in expected:
        assert part in proc.stderr, (part, proc.stderr)
    lines = [line for line in proc.stderr.splitlines() if line.strip() and not line.startswith("Sensitivity of ")]
    assert 1 <= len(lines) <= most_lines, proc.stderr
    assert "To append" not in text and "HYDRA_FULL_ERROR" not in text  # our message, not Hydra's
    assert not (tmp_path / "run" / "summary.json").exists() and not (tmp_path / "run" / "results.csv").exists()
    assert not (files / "sens" / "replications").exists() or not any((files / "sens" / "replications").iterdir())


def test_full_error_still_gives_the_trace(tmp_path):
    """HYDRA_FULL_ERROR=1 is the developer's way to the stack trace; it still works."""
    env = {**os.environ, "HYDRA_FULL_ERROR": "1"}
    proc = subprocess.run([sys.executable, *SIM, "org.recepton.caseworkers=3", f"hydra.run.dir={tmp_path}"], cwd=REPO,
                          capture_output=True, text=True, timeout=60, env=env)
    assert proc.returncode != 0 and "Traceback" in proc.stderr


@pytest.mark.parametrize("command", [
    ["-m", "sim.mine", "--log", "missing.csv", "--like", "farsta", "--name", "x"],
    ["-m", "sim.calibrate", "--staffing", "missing.csv", "--name", "x"],
    ["-m", "sim.sensitivity", "--design", "missing.yaml"],
], ids=["mine", "calibrate", "sensitivity"])
def test_debug_gives_the_trace_of_an_option_command(tmp_path, command):
    """``--debug`` on a command with --options: the stack trace of a user error, for a bug report; without it,
    one line."""
    env = {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}
    plain = subprocess.run([sys.executable, *command], cwd=tmp_path, capture_output=True, text=True, timeout=60,
                           env=env)
    debug = subprocess.run([sys.executable, *command, "--debug"], cwd=tmp_path, capture_output=True, text=True,
                           timeout=60, env=env)
    assert plain.returncode == 2 and "Traceback" not in plain.stderr and len(plain.stderr.strip().splitlines()) == 1
    assert debug.returncode != 0 and "Traceback" in debug.stderr
    assert "missing" in plain.stderr.strip().splitlines()[0] and "missing" in debug.stderr.strip().splitlines()[-1]


def test_a_command_without_options_refuses_arguments(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "sim.assumptions", "--out", "x"], cwd=REPO, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.strip() == "Error: python -m sim.assumptions takes no arguments (got --out x)"
