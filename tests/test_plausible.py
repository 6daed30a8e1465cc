"""``parameters=plausible``: each replication runs on one member of the district's non-implausible set.

The member depends on the seed only, so every variant of an experiment runs replication k on the same
member (common random numbers), and different replications spread over the set.
"""

from __future__ import annotations

import csv
from concurrent.futures import ProcessPoolExecutor

import pytest
from conftest import REPO

from sim.config.compose import load_config
from sim.config.errors import ConfigError
from sim.config.plausible import get_key, member_index, with_member

STORED = REPO / "configs" / "org" / "plausible" / "farsta.csv"


def _members() -> list[dict[str, float]]:
    with STORED.open(encoding="utf-8") as f:
        return [{k: float(v) for k, v in row.items() if "." in k} for row in csv.DictReader(f)]


def _value(cfg, key: str) -> float:
    return float(get_key(cfg, key))


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


def test_a_variant_that_changes_a_fitted_value_keeps_its_change():
    cfg = with_member(load_config(["org=farsta", "parameters=plausible", "seed=2",
                                   "org.reception.booking_notice_weeks=0.123"]))
    assert cfg.org.reception.booking_notice_weeks == 0.123
    member = _members()[member_index(2, len(_members()))]
    assert cfg.org.arrivals_per_week == pytest.approx(member["org.arrivals_per_week"])


def test_an_experiment_on_plausible_parameters_says_so_and_pairs_the_members(tmp_path):
    from tiny_experiment import run_tiny, tiny_spec

    from sim.experiments.spec import with_parameters

    spec = tiny_spec(org="farsta", replications=3)
    with ProcessPoolExecutor(2) as pool:  # the two experiments at once, each in a worker process of its own
        plausible = pool.submit(run_tiny, tmp_path / "plausible", with_parameters(spec, "plausible"))
        default = pool.submit(run_tiny, tmp_path / "default", spec)
        (plausible, _, _), (default, _, _) = plausible.result(), default.result()
    assert "plausible parameters" in (tmp_path / "plausible" / "report.html").read_text(encoding="utf-8")
    assert "plausible parameters" not in (tmp_path / "default" / "report.html").read_text(encoding="utf-8")

    def arrivals(frame):
        rows = frame[frame["metric"] == "arrivals_total"]
        return rows.pivot(index="replication", columns="variant", values="value")

    a, d = arrivals(plausible), arrivals(default)
    # every variant of replication k ran on the same member (same inflow, same seed: the same arrivals) ...
    assert (a.nunique(axis=1) == 1).all(), a
    # ... and that member's inflow, not the file's (22.02 a week against the members' 17–24)
    assert (a.iloc[:, 0] != d.iloc[:, 0]).any(), (a, d)


@pytest.mark.parametrize("org", ["farsta", "sodermalm", "hasselby_vallingby"])
def test_each_district_file_holds_its_default_member(org):
    """configs/org/<org>.yaml takes the most plausible member with headroom of its stored set (sim.fit)."""
    import pandas as pd

    from sim.experiments.fit import default_member

    members = pd.read_csv(REPO / "configs" / "org" / "plausible" / f"{org}.csv")
    best = default_member(members)
    cfg = load_config([f"org={org}"])
    for key in members.columns:
        if key in ("max_fitted", "busiest_pool"):
            continue
        assert _value(cfg, key) == pytest.approx(best[key], abs=0.005), (org, key)  # written with two decimals


@pytest.mark.parametrize("org", ["farsta", "sodermalm", "hasselby_vallingby"])
def test_storing_a_default_member_rewrites_only_its_values(org, tmp_path):
    """``sim.fit --store`` writes the default member into the org file: the values change, every comment stays."""
    import shutil

    import pandas as pd
    import yaml

    from sim.experiments.fit import write_default

    keys = [k for k in pd.read_csv(REPO / "configs" / "org" / "plausible" / f"{org}.csv").columns
            if k not in ("max_fitted", "busiest_pool")]
    original = REPO / "configs" / "org" / f"{org}.yaml"
    copy = tmp_path / f"{org}.yaml"
    shutil.copy(original, copy)
    member = {key: 1.0 + i / 7 for i, key in enumerate(keys)}  # values no district file holds
    write_default(copy, member)
    before, after = yaml.safe_load(original.read_text(encoding="utf-8")), yaml.safe_load(copy.read_text("utf-8"))
    for key, value in member.items():
        node = after
        for part in key.split(".")[1:]:
            node = node[part]
        assert node == pytest.approx(value, abs=0.005), key
        _set_plain(before, key.split(".")[1:], node)
    assert before == after  # nothing else moved
    comments = [line.partition("#")[2] for line in original.read_text(encoding="utf-8").splitlines()]
    assert comments == [line.partition("#")[2] for line in copy.read_text(encoding="utf-8").splitlines()]


def _set_plain(tree: dict, parts: list[str], value) -> None:
    for part in parts[:-1]:
        tree = tree[part]
    tree[parts[-1]] = value


def test_storing_a_key_the_file_lacks_names_it(tmp_path):
    from sim.config.errors import ConfigError
    from sim.experiments.fit import write_default

    copy = tmp_path / "farsta.yaml"
    copy.write_text((REPO / "configs" / "org" / "farsta.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(ConfigError, match="org.durations.no_such_task.mean"):
        write_default(copy, {"org.durations.no_such_task.mean": 1.0})
