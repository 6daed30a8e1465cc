"""Layer 5: jobs made of many replications — the paired comparison of variants (and its spec,
shards and sweep callbacks), the replication runner and its cache, sequential replications,
sensitivity, the calibration runs, Welch's warm-up runs, and one run with all its files.

May import: :mod:`sim.outputs`, :mod:`sim.analysis`, :mod:`sim.model`, :mod:`sim.config`, Hydra.
Never :mod:`sim.intake` or the commands.
"""
