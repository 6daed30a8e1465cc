"""Layer 2: the simulation itself.

One replication of a district (or of the M/M/c reduction), and a city's districts in turn.

:mod:`.run` wires the services of a run; :mod:`.work` is the task service every piece of staff
work goes through; :mod:`.staff`, :mod:`.population`, :mod:`.policy`, :mod:`.recorder`,
:mod:`.timeuse`, :mod:`.rng`, :mod:`.units`, :mod:`.distributions`, :mod:`.entities`,
:mod:`.services` are its parts; :mod:`.processes` the SimPy processes; :mod:`.simulate` runs one config.

May import: :mod:`sim.config`, simpy, numpy. Never analysis, experiments, outputs, intake,
Hydra, pandas or plotting.
"""
