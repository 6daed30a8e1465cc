"""Layer 3: numbers from runs — summary metrics, statistics, KPIs, warm-up and queueing maths,
a city's figures.

May import: :mod:`sim.model` (to run and read a replication), :mod:`sim.config`, numpy, scipy,
pandas. Never SimPy directly, plotting, experiments, outputs or Hydra.
"""
