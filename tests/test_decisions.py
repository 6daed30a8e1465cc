"""Issue 17, part 4: grey-zone decisions that depend on who decides (sim/model/decisions.py).

Off (the default) the model is today's (golden files). On, each reception caseworker has a grant propensity; a
grey-zone application is refused when the household's own uniform lies above its decider's propensity. The
share refused and the share whose outcome depends on the decider follow from the run's propensities (binomial
tolerances); a case-review meeting makes every outcome the group's, at a cost in caseworker time; a deputy's
review makes it the deputy's, at a cost in the deputy's time.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import make_config, run_config

from sim.analysis.metrics import summary
from sim.config.schema import ConfigError

ON = {"process.decision_variation.enabled": True}
SHORT = {"horizon_weeks": 60.0, "warmup_weeks": 8.0}


def _run(**dotted):
    return run_config(make_config("hasselby_vallingby", start="steady_state", seed=5, dotted={**SHORT, **dotted}))


@pytest.fixture(scope="module")
def alone():
    run = _run(**ON)
    return run, summary(run)


def _within(observed: float, p: float, n: int, sds: float = 3.0) -> bool:
    return abs(observed - p) <= sds * math.sqrt(p * (1 - p) / n) + 1e-12


def test_the_refused_and_depending_shares_follow_the_runs_propensities(alone):
    """Deciders are picked uniformly, the household's uniform is uniform: P(refused) = 1 - mean p, P(depends) =
    max p - min p over the reception caseworkers (within 3 binomial SE)."""
    run, s = alone
    p = np.array(run.decisions.reception)
    n = run.decisions.counts["grey_zone"]
    assert n > 100 and len(p) == len(run.staff.first_visit.people)
    assert _within(s["decisions.grey_zone_refused_share"], 1 - p.mean(), n)
    assert _within(s["decisions.depends_on_decider_share"], p.max() - p.min(), n)


def test_about_a_fifth_of_the_decided_applications_are_grey_zone(alone):
    run, s = alone
    decided = sum(1 for t, _ in run.rec.reception_decisions if t >= run.warmup)
    assert _within(run.decisions.counts["grey_zone"] / decided, 0.2, decided)


def test_with_no_grey_zone_nothing_moves():
    """On but with no grey-zone applications: every figure as with the variation off (the propensities have a
    stream of their own; the household's uniforms are hashes)."""
    off = summary(_run())
    on = summary(_run(**ON, **{"process.decision_variation.grey_zone_share": 0.0}))
    assert on["decisions.grey_zone_per_year"] == 0.0
    assert {k: v for k, v in on.items() if not k.startswith("decisions.")} == \
        {k: v for k, v in off.items() if not k.startswith("decisions.")}


def test_caseworkers_who_all_think_alike_make_no_outcome_depend_on_who_decided():
    s = summary(_run(**ON, **{"process.decision_variation.grant_sd": 0.0}))
    assert s["decisions.grey_zone_per_year"] > 0 and s["decisions.depends_on_decider_share"] == 0.0


def test_a_case_review_meeting_makes_the_outcome_the_groups_at_a_cost_in_caseworker_time(alone):
    _, base = alone
    s = summary(_run(**ON, **{"variant.decision_review.mode": "case_review"}))
    assert s["decisions.depends_on_decider_share"] == 0.0
    meeting = "time_share.reception_first_visit.group_meeting"
    assert s[meeting] > base[meeting]


def test_a_deputys_review_makes_the_outcome_the_deputys_at_a_cost_in_the_deputys_time(alone):
    _, base = alone
    one = {"org.deputy_managers": 1.0}
    s = summary(_run(**ON, **one, **{"variant.decision_review.mode": "deputy"}))
    b = summary(_run(**ON, **one))
    assert s["decisions.depends_on_decider_share"] == 0.0  # one deputy: the same decider for all
    assert b["decisions.depends_on_decider_share"] > 0.0
    assert s["time_share.deputy_manager.referral_review"] > b["time_share.deputy_manager.referral_review"]


@pytest.mark.parametrize("dotted, key, words", [
    ({"process.decision_variation.grant_sd": 0.45}, "process.decision_variation.grant_sd", "cannot spread"),
    ({"process.decision_variation.grey_zone_share": 1.5}, "process.decision_variation.grey_zone_share", "share"),
    ({"variant.decision_review.mode": "boss"}, "variant.decision_review.mode", "none, deputy, case_review"),
    ({"variant.decision_review.participants": 0}, "variant.decision_review.participants", "case-review"),
])
def test_a_bad_decision_setting_is_refused_by_key(dotted, key, words):
    with pytest.raises(ConfigError) as err:
        make_config("farsta", dotted=dotted)
    assert err.value.key == key and words in str(err.value)
