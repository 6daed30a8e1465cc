"""File-system faults (issue 14): a folder that cannot be written, a full disk, a run folder under a file —
one line naming the path and what was kept, exit status 1 (a failed run, not bad input), no traceback."""

from __future__ import annotations

import errno
import subprocess
import sys
from pathlib import Path

import pytest

from sim.config.errors import OutputError
from sim.outputs.files import atomic_write

REPO = Path(__file__).resolve().parents[2]


def _full(tmp: Path) -> None:
    tmp.write_text("half a rep")
    raise OSError(errno.ENOSPC, "No space left on device", str(tmp))


@pytest.mark.parametrize("where,write,reason", [
    ("/sys/caseflow_report.html", lambda t: t.write_text("x"), "Permission denied"),   # read-only (even for root)
    ("/proc/caseflow/report.html", lambda t: t.write_text("x"), "No such file"),       # a folder that cannot exist
    ("{tmp}/report.html", _full, "No space left on device"),                             # a full disk
    ("{tmp}/afile/report.html", lambda t: t.write_text("x"), "afile is a file, not a folder"),  # where a folder goes
])
def test_a_write_that_fails_names_the_path_and_what_was_kept(tmp_path, where, write, reason):
    (tmp_path / "afile").write_text("a file, not a folder")
    (tmp_path / "report.html").write_text("the previous report")
    path = Path(where.format(tmp=tmp_path))
    with pytest.raises(OutputError) as caught:
        atomic_write(path, write)
    text = str(caught.value)
    assert text.startswith(str(path)) and reason in text and "\n" not in text
    assert ("previous version is kept" in text) == (path == tmp_path / "report.html")
    assert not list(tmp_path.glob(".*.tmp"))  # no half-written temporary left behind
    if path == tmp_path / "report.html":
        assert path.read_text() == "the previous report"


@pytest.mark.parametrize("module", ["sim", "sim.experiment"])
def test_a_run_folder_that_cannot_be_made_is_one_line_and_exit_1(tmp_path, module):
    (tmp_path / "afile").write_text("a file, not a folder")
    proc = subprocess.run([sys.executable, "-m", module, "horizon_weeks=20", "warmup_weeks=5",
                           f"hydra.run.dir={tmp_path / 'afile' / 'run'}"], cwd=REPO, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Cannot write: {tmp_path / 'afile' / 'run'}: Not a directory")
