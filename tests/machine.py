"""When the test suite may change the machine it runs on: install system packages, start services, submit jobs.

Only when asked: under ``CI=true`` (the CI machine is there to be changed, and there nothing skips) or with
``CASEFLOW_TEST_SERVICES=1``. Otherwise a plain ``pytest``, even as root on Debian, installs nothing, starts
no daemon and submits nothing to a cluster it finds: those tests skip and say how to opt in. Using what is
already installed and touches nothing else (a system chromium for the report tests) needs no opt-in.

The decisions are pure functions of the environment and of what is installed, tested in
``tests/hostile/test_bounds.py``; the fixtures (``tests/test_launchers.py``, ``tests/browser.py``) act on them.
"""

from __future__ import annotations

import os
from typing import Mapping

OPT_IN = "CASEFLOW_TEST_SERVICES"
HOW = (f"set {OPT_IN}=1 (or CI=true) to let the tests install system packages with apt-get, "
       "start services and submit jobs to a cluster")


def in_ci(environ: Mapping[str, str] | None = None) -> bool:
    return (os.environ if environ is None else environ).get("CI", "").lower() == "true"


def may_change_machine(environ: Mapping[str, str] | None = None) -> bool:
    """True under CI=true or with CASEFLOW_TEST_SERVICES=1 (also true/yes): installing and starting is allowed."""
    environ = os.environ if environ is None else environ
    return in_ci(environ) or environ.get(OPT_IN, "").strip().lower() in ("1", "true", "yes")


def slurm_plan(environ: Mapping[str, str], *, root: bool, apt_get: bool, slurmctld: bool) -> tuple[str, str]:
    """("run", "") to use or start a one-node Slurm (scripts/slurm-local.sh), or ("skip", reason).

    Under CI=true always "run" (a cluster that does not come up is a failure there, not a skip).
    """
    if in_ci(environ):
        return "run", ""
    if not may_change_machine(environ):
        return "skip", ("the Slurm tests install slurm-wlm, MariaDB and munge, start their daemons or submit "
                        f"to a cluster found with sinfo; {HOW}")
    if not (root and apt_get) and not slurmctld:
        return "skip", "the Slurm tests need root and apt-get (to install Debian's slurm-wlm) or slurmctld installed"
    return "run", ""


def chromium_plan(environ: Mapping[str, str], *, chromium: bool, root: bool, apt_get: bool) -> tuple[str, str]:
    """("use", "") an installed chromium, ("install", "") it with apt-get, or ("skip", reason).

    Under CI=true "skip" is turned into a failure by the caller (tests/browser.py ``unavailable``).
    """
    if chromium:
        return "use", ""
    if not may_change_machine(environ):
        return "skip", f"the browser tests need Debian's chromium, which is not installed; install it, or {HOW}"
    if not (root and apt_get):
        return "skip", "the browser tests need Debian's chromium (as root: apt-get install chromium)"
    return "install", ""
