"""The validation page (docs/validation.md) cannot drift from its data, nor its data from the model.

The page is rendered only from docs/validation.csv, so rendering it again must give the same bytes;
and replication 0 of every district, run now at the page's horizon, must give the same figures as
the csv's seed-0 row (the model is deterministic per seed). Regenerate both with
``python -m sim.calibration --page`` after any change that moves a number.
"""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest
from conftest import REPO

from sim.analysis.calibration import reported_value
from sim.analysis.metrics import summary
from sim.analysis.replication import replicate
from sim.analysis.targets import OBSERVATIONS
from sim.config.compose import load_config
from sim.config.vocabulary import DISTRICTS
from sim.outputs import validation

PAGE = REPO / "docs" / "validation.md"
DATA = REPO / "docs" / "validation.csv"
LONG = REPO / "docs" / "validation_long.csv"


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return pd.read_csv(DATA)


def _horizon(text: str) -> tuple[float, float]:
    """The horizon and warm-up the page says it simulated (its caption), in weeks."""
    m = re.search(r"\((\d+) (years?|weeks?) measured after (\d+) (years?|weeks?) of warm-up\)", text)
    measured, warmup = (int(n) * (52 if unit.startswith("year") else 1)
                        for n, unit in ((m.group(1), m.group(2)), (m.group(3), m.group(4))))
    return measured + warmup, warmup


def test_the_page_is_rendered_from_its_data(data):
    text = PAGE.read_text(encoding="utf-8")
    horizon, warmup = _horizon(text)
    long = pd.read_csv(LONG) if LONG.exists() else None
    assert text == validation.page(data, horizon, warmup, long)


def test_the_page_names_every_target_fitted_or_held_out(data):
    text = PAGE.read_text(encoding="utf-8")
    for org, observations in OBSERVATIONS.items():
        for o in observations:
            use = "held out" if o.held_out else "fitted"
            assert re.search(rf"\| {re.escape(DISTRICTS[org])} \| [^|]+ \| {re.escape(reported_value(o))}[^|]* \| "
                             rf"{use} \|", text), (org, o.key)


@pytest.mark.parametrize("org", list(DISTRICTS))
def test_the_data_is_what_the_model_produces_now(data, org):
    horizon, warmup = _horizon(PAGE.read_text(encoding="utf-8"))
    now = summary(replicate(load_config([f"org={org}", f"horizon_weeks={horizon:g}", f"warmup_weeks={warmup:g}"])))
    row = data[(data["district"] == org) & (data["seed"] == 0)].iloc[0]
    keys = [o.key for o in OBSERVATIONS[org]] + ["first_visit_queue_growth_per_month", "utilisation.long_term"]
    for key in keys:
        stored, fresh = float(row[key]), float(now[key])
        assert (math.isnan(stored) and math.isnan(fresh)) or stored == pytest.approx(fresh, rel=1e-9, abs=1e-12), (
            f"{org} {key}: the page says {stored}, the model now gives {fresh}: regenerate with "
            "python -m sim.calibration --page")
