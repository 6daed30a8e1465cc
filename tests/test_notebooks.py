"""The notebooks are executed by nbmake in every test run (``--nbmake``, testpaths include
``notebooks/``); here: they are committed without outputs, so diffs stay readable."""

from __future__ import annotations

import json

import pytest
from conftest import REPO

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_is_committed_with_outputs_stripped(path):
    cells = [c for c in json.loads(path.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]
    assert cells
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in cells), path.name
