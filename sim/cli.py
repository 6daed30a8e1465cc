"""One error path for every command: a user's mistake is one line on stderr and exit status 2.

Each command (``python -m sim``, ``sim.experiment``, ``sim.calibration``, ``sim.calibrate``,
``sim.mine``, ``sim.sensitivity``, ``sim.sequential``, ``sim.warmup``, ``sim.assumptions``) is a
thin module at the top of the package: it parses its arguments and calls the layers below.
Wrapped in :func:`command`, a :class:`~sim.config.errors.UserError` (a bad config value, a bad
input file) or a Hydra composition error (an unknown option, a malformed override) becomes
``<kind>: <message>`` and status 2; the Hydra apps (``sim``, ``sim.experiment``) call
:func:`sim.config.errors.fail` for the same line. Other exceptions are bugs and keep their traceback.
"""

from __future__ import annotations

import functools
import sys
from typing import Callable

from hydra.errors import HydraException
from omegaconf.errors import OmegaConfBaseException

from sim.config.errors import UserError, message


def command(main: Callable[..., int]) -> Callable[..., int]:
    """Wrap a command's ``main``: user errors print one line and return 2 instead of raising."""

    @functools.wraps(main)
    def wrapped(*args, **kwargs) -> int:
        try:
            return main(*args, **kwargs)
        except (UserError, HydraException, OmegaConfBaseException) as err:
            print(message(err), file=sys.stderr)
            return 2

    return wrapped


def split_overrides(items: list[str], own: tuple[str, ...]) -> tuple[list[str], dict[str, str]]:
    """Positional ``key=value`` arguments: Hydra overrides for the config, and the command's own keys."""
    mine, rest = {}, []
    for item in items:
        key, sep, value = item.partition("=")
        if sep and key.lstrip("+~") in own:
            mine[key.lstrip("+~")] = value
        else:
            rest.append(item)
    return rest, mine
