"""Composing a sweep's points from one composed base gives the configs Hydra gives point by point.

:func:`sim.config.compose.load_configs` applies a point's plain ``key=value`` overrides to a copy of the
composed base (a tenth of a composition's cost); a point that chooses a config group, appends or deletes a
key, or fails there, is composed in full. Either way the config must equal :func:`load_config`'s.
"""

from __future__ import annotations

import pytest

from sim.config.compose import load_config, load_configs
from sim.config.errors import UserError

BASE = ["org=hasselby_vallingby", "horizon_weeks=30", "warmup_weeks=4"]
POINTS = [
    [],
    ["org.reception.booking_notice_weeks=1.5", "org.reception.caseworkers=8"],
    ["org.households.need_months.mean=7.25", "process.appeal_per_household_month=0.03"],
    ["org.payment.cash_office=3", "seed=4"],
    ["variant=broad"],                      # a config group: composed in full
    ["variant=module_admins", "org.reception.caseworkers=10.0"],
]


@pytest.fixture(scope="module")
def composed_once():
    return load_configs(BASE, POINTS)


@pytest.mark.parametrize("index", range(len(POINTS)))
def test_a_point_composed_from_the_base_equals_the_point_composed_alone(composed_once, index):
    assert composed_once[index] == load_config([*BASE, *POINTS[index]])


def test_each_point_gets_its_own_copy_of_the_base():
    first, second, third = load_configs(BASE, POINTS[:3])
    assert first.org.reception.booking_notice_weeks != second.org.reception.booking_notice_weeks
    assert third.org.reception.booking_notice_weeks == first.org.reception.booking_notice_weeks


@pytest.mark.parametrize("point", [["org.reception.caseworkerz=3"], ["org.reception.caseworkers=many"],
                                   ["+org.reception.caseworkers=9"], ["org.reception.caseworkers=-1"]])
def test_a_bad_point_is_refused_as_load_config_refuses_it(point):
    with pytest.raises(UserError) as fast:
        load_configs(BASE, [[], point])
    with pytest.raises(UserError) as alone:
        load_config([*BASE, *point])
    assert str(fast.value) == str(alone.value)
