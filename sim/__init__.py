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
