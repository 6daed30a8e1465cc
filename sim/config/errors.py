"""The errors a user can cause, and the one way they are shown: one line, exit status 2.

Every command goes through :func:`sim.cli.command` or calls :func:`fail` (inside a Hydra app or
callback, where an exception would become a stack trace or be swallowed).
"""

from __future__ import annotations

import sys
from typing import Any, NoReturn


class UserError(ValueError):
    """Something the user gave (a config value, an input file) that cannot be used.

    Every entry point prints it as one line, ``<kind>: <message>``, and exits with status 2
    (:func:`sim.cli.command`); never a traceback.
    """

    kind = "Error"


class ConfigError(UserError):
    """A configuration value that the model cannot run with: names the key, the value and what is allowed."""

    kind = "Configuration error"

    def __init__(self, key: str, value: Any, allowed: str):
        self.key, self.value, self.allowed = key, value, allowed
        super().__init__(f"{key} = {value!r}: {allowed}")


def message(err: BaseException) -> str:
    """The one line a user sees for ``err`` (a UserError, or a Hydra/OmegaConf composition error)."""
    if isinstance(err, UserError):
        return f"{err.kind}: {err}"
    text = str(err).strip()
    return f"Configuration error: {text.splitlines()[0] if text else type(err).__name__}"


def fail(err: BaseException, code: int = 2) -> NoReturn:
    """Print ``err`` as one line on stderr and exit."""
    print(message(err), file=sys.stderr)
    raise SystemExit(code)
