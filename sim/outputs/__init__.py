"""Layer 4: what users read — atomic files, plots, the experiment report, the event log.

May import: :mod:`sim.analysis` (labels, KPIs, figures), the model's units and record formats,
:mod:`sim.config`, pandas, matplotlib. Never experiments, intake, Hydra or the commands.
"""
