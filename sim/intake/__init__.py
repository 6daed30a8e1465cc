"""Layer 5 (beside experiments): a municipality's own data in — staffing sheets, time-use surveys
and task durations (:mod:`.calibrate`), event logs (:mod:`.mine`) — and the generated page of
assumptions (:mod:`.assumptions`).

May import: :mod:`sim.outputs`, :mod:`sim.analysis`, :mod:`sim.model`, :mod:`sim.config`. Never
experiments or the commands.
"""
