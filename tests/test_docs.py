"""Documentation that must not drift: the assumptions page, and a source for every configured value."""

from __future__ import annotations

import re

import pytest
from conftest import REPO

from sim.intake import assumptions

VALUE = re.compile(r"^\s*(?:-\s*)?[\w.]+:\s*[^#\s][^#]*?(?:#.*)?$|^\s*-\s*\{.*$")


def test_the_assumptions_page_is_current():
    """docs/assumptions.md is generated from the configs; regenerate with python -m sim.assumptions."""
    assert (REPO / "docs" / "assumptions.md").read_text(encoding="utf-8") == assumptions.page()


def test_the_assumptions_page_lists_values_a_reader_would_look_for():
    text = assumptions.page()
    for key in ("households.screened_out_share", "on_call_per_day", "Costs.caseworker",
                "Process.first_visit", "districts[0]"):
        assert f"`{key}`" in text


ORG_AND_VARIANTS = (sorted((REPO / "configs" / "org").glob("*.yaml"))
                    + sorted((REPO / "configs" / "variant").glob("*.yaml")))


@pytest.mark.parametrize("path", ORG_AND_VARIANTS, ids=[f"{p.parent.name}/{p.stem}" for p in ORG_AND_VARIANTS])
def test_every_configured_value_says_where_it_comes_from(path):
    """A value line carries a comment, or follows a comment block (a source, or 'assumption')."""
    uncited, commented = [], False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("#"):
            commented = True
            continue
        if (not stripped or stripped.startswith("defaults") or stripped.startswith("- /")
                or stripped.startswith("- _self_")):
            commented = False if not stripped else commented
            continue
        if VALUE.match(line) and "#" not in line and not commented and not stripped.startswith(("name:", "kind:")):
            uncited.append(f"{path.name}:{number}: {stripped}")
        commented = commented and not VALUE.match(line)
    assert not uncited, "\n".join(uncited)
