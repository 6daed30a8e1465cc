"""What a process may use of its run: the services, named by a protocol instead of the Run class.

Processes are generator functions that take the run's services as one argument (``run``); they
name this protocol, not :class:`sim.model.run.Run`, so the run that starts them is the only module
that knows both sides (no import circle between the run and its processes).
"""

from __future__ import annotations

from typing import Protocol

import simpy

from sim.config.schema import Config
from sim.model.decisions import Decisions
from sim.model.need_clock import NeedClock
from sim.model.policy import Policy
from sim.model.population import Population
from sim.model.recorder import Recorder
from sim.model.rng import Streams
from sim.model.staff import Staff
from sim.model.timeuse import TimeLedger
from sim.model.work import TaskService


class Services(Protocol):
    """The services and shared state of one replication, as the processes see them."""

    cfg: Config
    env: simpy.Environment
    streams: Streams
    tasks: TaskService
    staff: Staff
    population: Population
    rec: Recorder
    policy: Policy
    need_clock: NeedClock
    decisions: Decisions
    ledger: TimeLedger
    warmup: float  # working hours: the measurement starts here
    end: float  # working hours: the horizon
    substitute_hours: float  # substitutes' hours inside the window (workforce)
    reinforcement_active: bool
    reinforcement_hours: float  # reinforcement seat-hours on duty inside the window
