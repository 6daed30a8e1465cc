"""``parameters=plausible``: each replication runs on one member of the district's non-implausible set.

The member depends on the seed only, so every variant of an experiment runs replication k on the same
member (common random numbers), and different replications spread over the set.
"""

from __future__ import annotations

import csv

import pytest
from conftest import REPO

from sim.config.compose import load_config
from sim.config.errors import ConfigError
from sim.config.plausible import member_index, with_member

STORED = REPO / "configs" / "org" / "plausible" / "farsta.csv"


def _members() -> list[dict[str, float]]:
    with STORED.open(encoding="utf-8") as f:
        return [{k: float(v) for k, v in row.items() if k != "max_fitted"} for row in csv.DictReader(f)]


def _value(cfg, key: str) -> float:
    obj = cfg
    for part in key.split("."):
        obj = getattr(obj, part)
    return float(obj)


def test_each_replication_runs_on_the_member_its_seed_draws():
    members = _members()
    assert members, "the stored plausible set is empty"
    used = set()
    for seed in range(12):
        cfg = with_member(load_config(["org=farsta", "parameters=plausible", f"seed={seed}"]))
        k = member_index(seed, len(members))
        used.add(k)
        for key, value in members[k].items():
            assert _value(cfg, key) == pytest.approx(value), (seed, key)
    assert len(used) > 1  # replications spread over the set


def test_variants_share_the_member_and_the_default_is_untouched():
    a = with_member(load_config(["org=farsta", "parameters=plausible", "seed=3"]))
    b = with_member(load_config(["org=farsta", "parameters=plausible", "seed=3", "variant=module_admins"]))
    for key in _members()[0]:
        assert _value(a, key) == _value(b, key)
    default = load_config(["org=farsta", "seed=3"])
    assert with_member(default) is default


def test_a_district_without_a_stored_set_is_refused_by_name():
    with pytest.raises(ConfigError, match="parameters"):
        load_config(["org=stockholm", "parameters=plausible"])
