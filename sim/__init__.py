"""Caseflow: a discrete-event simulation of caseworkers in municipal social services.

The package is layered; imports only point down (checked by import-linter, ``pyproject.toml``):

    commands   sim/__main__.py, sim/experiment.py, sim/calibrate.py ... and sim/cli.py (one error path)
    intake | experiments   own data in | jobs of many replications
    outputs    files, plots, report, event log
    analysis   figures from runs, statistics, KPIs, warm-up and queueing maths
    model      the SimPy simulation (run, task service, staff, processes)
    config     schema, vocabulary, validation; compose (Hydra → a frozen Config)

docs/architecture.md says what goes where.
"""

import sys as _sys

# The third-party packages the commands import, by import name → the name pip installs (pyproject.toml).
_DISTRIBUTIONS = {"hydra": "hydra-core", "omegaconf": "omegaconf", "yaml": "PyYAML", "simpy": "simpy",
                  "numpy": "numpy", "pandas": "pandas", "scipy": "scipy", "matplotlib": "matplotlib",
                  "pyarrow": "pyarrow", "hydra_plugins": "hydra-joblib-launcher / hydra-submitit-launcher",
                  "joblib": "joblib", "submitit": "submitit", "pm4py": "pm4py"}


def _missing_dependency(err):
    """One line for a command that cannot import a third-party package: which, and how to get it.

    None for an ImportError inside ``sim`` itself (a bug: it keeps its traceback). Plain enough to run
    on an old system Python too (no annotations, nothing newer than 3.6).
    """
    import os
    import shlex
    from pathlib import Path

    name = (err.name or "").split(".")[0]
    if not name or name == "sim":
        return None
    package = Path(__file__).resolve().parent
    root = package.parent
    script = Path(_sys.argv[0]).resolve() if _sys.argv and _sys.argv[0] not in ("", "-m", "-c") else None
    module = "sim"
    if script is not None and package in script.parents:
        parts = script.relative_to(package).with_suffix("").parts
        module = ".".join(("sim", *(p for p in parts if p != "__main__")))
    command = " ".join(["-m", module, *(shlex.quote(a) for a in _sys.argv[1:])])
    venv = root / ".venv" / "bin" / "python"
    try:
        shown, here = os.path.relpath(venv), shlex.quote(os.path.relpath(root))
    except ValueError:  # another drive (Windows)
        shown, here = str(venv), shlex.quote(str(root))
    what = f"No module named {name!r}" if isinstance(err, ModuleNotFoundError) else str(err)
    head = (f"caseflow needs the package {_DISTRIBUTIONS.get(name, name)}, which this Python "
            f"({_sys.executable}) cannot import ({what})")
    if Path(_sys.prefix).resolve() == venv.parent.parent.resolve():  # the project's environment, incomplete
        return f"{head}: install the project into it: {shown} -m pip install -e {here}"
    if venv.exists():
        return (f"{head}: run it with the project's environment: {shown} {command}, "
                f"or install with pip install -e {here}")
    return (f"{head}: install with pip install -e {here} "
            f"(or make the project's environment: python3 -m venv .venv && .venv/bin/pip install -e .)")


def _excepthook(kind, value, traceback, _previous=_sys.excepthook):
    line = _missing_dependency(value) if isinstance(value, ImportError) else None
    if line is None:
        _previous(kind, value, traceback)
        return
    print(line, file=_sys.stderr)  # and the interpreter exits with status 1, as for any uncaught exception


# ``python -m sim...`` (a command: while the package is imported to find the module, argv[0] is "-m"):
# a missing third-party package becomes one line naming it and the fix, not a traceback. Importing
# ``sim`` from a program or a notebook changes nothing.
if getattr(_sys, "argv", [])[:1] == ["-m"]:
    _sys.excepthook = _excepthook
