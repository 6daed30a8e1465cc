"""``python -m sim.calibrate``: own data in, an org config out — and bad input named by row and column."""

from __future__ import annotations

import math
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from conftest import ORGS, REPO

from sim.analysis.metrics import summary
from sim.config.compose import load_district
from sim.config.ramboll import RAMBOLL_TABLE
from sim.config.schema import Config, Org
from sim.config.validate import validate
from sim.intake.calibrate import InputError, calibrate, fit_durations
from sim.model.run import Run

EXAMPLES = REPO / "examples" / "own_data"
RAMBOLL = EXAMPLES / "ramboll_adults_timeuse.csv"


def generate(tmp_path: Path, staffing: Path, name: str = "mine", **kw):
    return calibrate(staffing, name, out_dir=tmp_path, **kw)


def load_org(path: Path) -> Org:
    from sim.config.compose import load_org_file

    return load_org_file(path)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# --- the shipped example inputs regenerate the shipped districts -----------------------------

@pytest.mark.parametrize("org", ORGS)
def test_example_inputs_regenerate_the_shipped_district(tmp_path, org):
    target, _, _ = generate(tmp_path, EXAMPLES / f"{org}_staffing.csv", org, time_use=RAMBOLL)
    generated, shipped = load_org(target), load_district(org)
    assert generated.time_use == RAMBOLL_TABLE["adults"]  # the column the shipped configs use
    # a staffing sheet gives every setting but the durations the history matching fitted (python -m sim.fit)
    assert set(shipped.durations) == {"analysis", "plan_rewrite"} and generated.durations == {}
    generated = replace(generated, durations=shipped.durations)
    assert replace(generated, time_use={}) == shipped
    # and the model cannot tell them apart: the same run, number for number
    short = dict(horizon_weeks=12.0, warmup_weeks=4.0, seed=5)
    a = summary(Run(validate(Config(org=shipped, **short))).execute())
    b = summary(Run(validate(Config(org=generated, **short))).execute())
    assert a == b


def test_generating_twice_gives_the_same_bytes(tmp_path):
    _, first, _ = generate(tmp_path / "a", EXAMPLES / "farsta_staffing.csv", time_use=RAMBOLL)
    _, second, _ = generate(tmp_path / "b", EXAMPLES / "farsta_staffing.csv", time_use=RAMBOLL)
    assert first == second


def test_every_generated_value_cites_its_source_row(tmp_path):
    _, text, _ = generate(tmp_path, EXAMPLES / "sodermalm_staffing.csv", time_use=RAMBOLL)
    values = [line for line in text.splitlines() if ":" in line and not line.lstrip().startswith("#")
              and not line.rstrip().endswith(":") and "time_use" not in line]
    staffed = [line for line in values if "sodermalm_staffing.csv row" in line]
    defaults = [line for line in values if "schema default" in line]
    assert staffed and all(("# " in line) for line in values if line in staffed + defaults)
    rows = (EXAMPLES / "sodermalm_staffing.csv").read_text(encoding="utf-8").strip().splitlines()[1:]
    assert len(staffed) == len(rows) > 20  # one per data row of the example sheet


# --- bad input: named by file, row and column --------------------------------------------------

STAFFING = EXAMPLES / "farsta_staffing.csv"


def edited_staffing(tmp_path: Path, old: str, new: str) -> Path:
    text = STAFFING.read_text(encoding="utf-8")
    assert old in text
    return write(tmp_path / "staff.csv", text.replace(old, new, 1))


@pytest.mark.parametrize("old, new, row, column, words", [
    ("key,value,source", "key,amount,source", 1, "value", "missing column"),
    ("reception.caseworkers,7", "reception.caseworker,7", 5, "key", "did you mean reception.caseworkers"),
    ("reception.caseworkers,7", "reception.caseworkers,seven", 5, "value", "not a number"),
    ("long_term.caseworkers,9.5", "long_term.caseworkers,-9.5", 8, "value", "negative"),
    ("specialised,false", "specialised,maybe", 4, "value", "true or false"),
    ("payment.officers,8,", "reception.caseworkers,8,", 9, "key", "given twice (first in row 5)"),
    ("reception.pre_assessment,0,", "reception.pre_assessment,9,", 6, "value", "must be below"),
    ("households.acute_share,0.1,assumption", "households.acute_share,0.1,", 16, "source", "say where"),
])
def test_a_malformed_staffing_sheet_is_rejected_naming_row_and_column(tmp_path, old, new, row, column, words):
    with pytest.raises(InputError) as err:
        generate(tmp_path / "out", edited_staffing(tmp_path, old, new))
    assert (err.value.row, err.value.column) == (row, column), str(err.value)
    assert words in str(err.value)
    assert not (tmp_path / "out" / "mine.yaml").exists()


def test_a_required_setting_left_out_is_named(tmp_path):
    lines = [line for line in STAFFING.read_text(encoding="utf-8").splitlines() if not line.startswith("arrivals")]
    with pytest.raises(InputError) as err:
        generate(tmp_path, write(tmp_path / "s.csv", "\n".join(lines)))
    assert "arrivals_per_week is required" in str(err.value)


@pytest.mark.parametrize("text, row, column, words", [
    ("respondent,activity\na,phone\n", 1, "hours / share", "exactly one of"),
    ("respondent,activity,hours\na,phone,10\na,journal,-2\n", 3, "hours", "negative"),
    ("respondent,activity,hours\na,phone,10\na,coffee,2\n", 3, "activity", "unknown activity 'coffee'"),
    ("respondent,activity,share\na,phone,60\na,journal,33\nb,phone,100\n", 2, "share", "add up to 93 %"),
    ("respondent,activity,hours\na,phone,ten\n", 2, "hours", "not a number"),
    ("respondent,activity,hours\na,phone,3\na,phone,4\n", 3, "activity", "gives phone twice"),
])
def test_a_malformed_time_use_survey_is_rejected_naming_row_and_column(tmp_path, text, row, column, words):
    with pytest.raises(InputError) as err:
        generate(tmp_path / "out", STAFFING, time_use=write(tmp_path / "survey.csv", text))
    assert (err.value.row, err.value.column) == (row, column), str(err.value)
    assert words in str(err.value)


def test_hours_become_each_respondents_shares_then_the_mean(tmp_path):
    survey = write(tmp_path / "survey.csv", "respondent,activity,hours\n"
                   "a,phone,10\na,journal,30\n"     # 25 % / 75 %
                   "b,phone,20\nb,journal,20\n")    # 50 % / 50 %
    target, _, _ = generate(tmp_path, STAFFING, time_use=survey)
    shares = load_org(target).time_use
    assert shares["phone"] == pytest.approx(37.5) and shares["journal"] == pytest.approx(62.5)
    assert sum(shares.values()) == pytest.approx(100.0)


def test_cli_reports_bad_input_in_one_line_with_exit_code_2(tmp_path):
    survey = write(tmp_path / "survey.csv", "respondent,activity,hours\na,phone,10\na,journal,-2\n")
    proc = subprocess.run([sys.executable, "-m", "sim.calibrate", "--staffing", str(STAFFING), "--time-use",
                           str(survey), "--name", "mine", "--out-dir", str(tmp_path)],
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert lines == ["Input error: survey.csv row 3, column hours: hours cannot be negative (-2)"]


def test_an_existing_org_is_not_overwritten_without_force(tmp_path):
    generate(tmp_path, STAFFING)
    with pytest.raises(Exception) as err:
        generate(tmp_path, STAFFING)
    assert "--force" in str(err.value)


# --- duration fits ---------------------------------------------------------------------------

def sample(family: str, mean: float, cv: float, n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if family == "lognormal":
        s = math.sqrt(math.log1p(cv * cv))
        return rng.lognormal(math.log(mean) - s * s / 2, s, n)
    shape = 1 / cv ** 2
    return rng.gamma(shape, mean / shape, n)


@pytest.mark.parametrize("family, cv", [("lognormal", 0.8), ("gamma", 0.5)])
def test_the_lowest_aic_family_is_the_one_that_made_the_data(family, cv):
    x = sample(family, 2.0, cv, 2000, seed=11)
    fits = fit_durations(x)
    best = fits[0]
    assert best.family == family, [(f.family, round(f.aic, 1)) for f in fits]
    se = x.std(ddof=1) / math.sqrt(len(x))  # the fitted mean is within a few standard errors of the truth
    assert abs(best.mean - 2.0) < 4 * se
    assert abs(best.cv - cv) < 0.1 * cv


def test_fitted_durations_are_written_and_used_by_the_model(tmp_path):
    x = sample("lognormal", 1.5, 0.6, 300, seed=3)
    rows = "task,hours\n" + "".join(f"first_visit,{v:.6f}\n" for v in x)
    target, text, fits = generate(tmp_path, STAFFING, durations=write(tmp_path / "d.csv", rows))
    assert "AIC" in text and "KS p" in text
    org = load_org(target)
    dist = org.durations["first_visit"]
    best = fits[0].best
    assert dist.family == best.family and dist.mean == pytest.approx(best.mean, rel=1e-3)
    run = Run(validate(Config(org=org, horizon_weeks=4.0, warmup_weeks=1.0)))
    draws = np.array([run.tasks.duration["first_visit"]() for _ in range(4000)])
    assert abs(draws.mean() - dist.mean) < 4 * draws.std(ddof=1) / math.sqrt(len(draws))


def test_too_few_durations_or_a_zero_duration_are_rejected(tmp_path):
    few = write(tmp_path / "few.csv", "task,hours\n" + "first_visit,1.0\n" * 5)
    with pytest.raises(InputError) as err:
        generate(tmp_path, STAFFING, durations=few)
    assert err.value.row == 2 and "at least 10" in str(err.value)
    zero = write(tmp_path / "zero.csv", "task,hours\n" + "first_visit,1.0\n" * 12 + "first_visit,0\n")
    with pytest.raises(InputError) as err:
        generate(tmp_path, STAFFING, durations=zero)
    assert (err.value.row, err.value.column) == (14, "hours")


# --- the newcomer's path: a time-use CSV of their own, to a report ------------------------------

def test_a_time_use_csv_alone_becomes_a_report_for_the_municipality(tmp_path):
    """README path: calibrate --like <studied district> --time-use mine.csv, then the default experiment."""
    name = "newcomer_test_town"
    target = REPO / "configs" / "org" / f"{name}.yaml"
    survey = write(tmp_path / "mine.csv", "respondent,activity,hours\n" + "".join(
        f"{who},{activity},{hours}\n" for who in ("a", "b") for activity, hours in
        [("investigation_decision", 10), ("client_meetings", 9), ("phone", 4), ("journal", 6), ("mail", 3),
         ("group_meeting", 3), ("followup", 2), ("on_call", 2), ("other", 1)]))
    try:
        made = subprocess.run([sys.executable, "-m", "sim.calibrate", "--like", "hasselby_vallingby", "--time-use",
                               str(survey), "--name", name], cwd=REPO, capture_output=True, text=True, timeout=120)
        assert made.returncode == 0, made.stderr
        out = tmp_path / "report"
        ran = subprocess.run([sys.executable, "-m", "sim.experiment", "experiment=default", f"experiment.org={name}",
                              "replications=2", "experiment.horizon_weeks=20", "experiment.warmup_weeks=5",
                              f"hydra.run.dir={out}"], cwd=REPO, capture_output=True, text=True, timeout=600)
        assert ran.returncode == 0, ran.stderr
    finally:
        target.unlink(missing_ok=True)
    import pandas as pd

    summary = pd.read_csv(out / "summary.csv")
    assert set(summary["variant"]) == {"as_is", "broad", "broad_2_admins"}
    assert name in ran.stdout  # the report's text summary names the municipality's org
    assert name in (out / "report.html").read_text(encoding="utf-8")
