"""The SimPy processes: generator functions that take the run (the bundle of its services).

:mod:`.household`: the household's path, one module per step of the seeds' workflow (004).
:mod:`.staff`: what staff do besides the households' tasks (overhead, clerical hand-offs,
reinforcement, absences and turnover). Household steps never import staff processes.
"""
