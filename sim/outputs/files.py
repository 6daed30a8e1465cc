"""Writing results: atomic files (temporary file, then rename) and the terminal table."""

from __future__ import annotations

import json
import math
import os
import re
import socket
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

from sim.config.errors import OutputError

HEADLINE = (
    ("first_visit_wait_weeks", "first-visit wait (weeks)"),
    ("acute_decision_days", "acute decision (days)"),
    ("reception_decision_days", "first visit to decision (days)"),
    ("reception_caseload_per_caseworker", "reception caseload / caseworker"),
    ("caseload_per_caseworker", "caseload / long-term caseworker"),
    ("caseload_per_payment_officer", "caseload / payment officer"),
    ("households_in_stock", "households in stock"),
    ("months_on_assistance", "months on assistance / year"),
    ("late_payment_share", "late payments"),
    ("followups_on_time_share", "follow-ups on time"),
    ("cost_sek_per_year", "staff cost (MSEK / year)"),
    ("assistance_sek_per_year", "assistance paid (MSEK / year)"),
    ("arrivals", "arrivals (after warm-up)"),
    ("exits", "exits (after warm-up)"),
)


def atomic_write(path: Path, write: Callable[[Path], Any]) -> None:
    """Call ``write(tmp)`` on a temporary file beside ``path`` and rename it into place.

    A crash half-way leaves at most a ``.tmp`` file, never a truncated ``path``. The temporary's name,
    ``.<name>.<pid>@<host>.<random>.tmp``, says which process wrote it, so the next run in the folder can
    tell a killed write's leftover from a write in progress (:func:`remove_stale_temporaries`).
    """
    path = Path(path)
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}@{_host()}.", suffix=".tmp", dir=path.parent)
        os.close(fd)
        write(Path(tmp))
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; results are for others to read
        os.replace(tmp, path)
    except OSError as err:  # a read-only or full folder, a missing mount: said, not a traceback
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        kept = "its previous version is kept" if path.exists() else "nothing was written there"
        blocker = next((p for p in path.parents if p.exists() and not p.is_dir()), None)
        why = f"{blocker} is a file, not a folder" if blocker else (err.strerror or str(err))
        raise OutputError(f"{path}: {why} ({kept}; replications already finished stay in the "
                          "cache and are reused when the run is started again with a writable folder, e.g. "
                          "hydra.run.dir=<another folder>)") from None
    except BaseException:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise


# .<name>.<pid>@<host>.<random>.tmp (atomic_write), or .<name>.<random>.tmp (older versions)
_TEMPORARY = re.compile(r"^\.(?P<name>.+?)(?:\.(?P<pid>\d+)@(?P<host>[A-Za-z0-9_-]+))?\.(?P<rand>[A-Za-z0-9_]+)\.tmp$")
FOREIGN_AGE = 24 * 3600.0  # seconds: a temporary of another machine (or of an older version) left that long is dead


def _host() -> str:
    """This machine's short name, as it can stand in a file name."""
    return re.sub(r"[^A-Za-z0-9_-]", "-", socket.gethostname().split(".")[0]) or "host"


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def remove_stale_temporaries(folder: Path, recursive: bool = True) -> list[Path]:
    """Remove what killed :func:`atomic_write` calls left in ``folder``; return the files removed.

    A temporary written on this machine is stale when its process is gone (a write in progress, by this
    run or another one at the same time, is kept); one written on another machine (a Slurm node sharing the
    folder), or by a version that did not name its process, when it is older than :data:`FOREIGN_AGE`.
    """
    folder = Path(folder)
    if not folder.is_dir():
        return []
    removed = []
    for tmp in (folder.rglob(".*.tmp") if recursive else folder.glob(".*.tmp")):
        match = _TEMPORARY.match(tmp.name)
        if match is None or not tmp.is_file():
            continue
        try:
            if match["pid"] and match["host"] == _host():
                stale = not _alive(int(match["pid"]))
            else:
                stale = time.time() - tmp.stat().st_mtime > FOREIGN_AGE
            if stale:
                tmp.unlink()
                removed.append(tmp)
        except OSError:  # gone meanwhile (renamed into place, or removed by another run): nothing to do
            continue
    return removed


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _clean(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def json_ready(data: dict) -> dict:
    """A flat dict with non-finite floats as None (JSON has no NaN)."""
    return {k: _clean(v) for k, v in data.items()}


def write_json(path: Path, data: dict) -> None:
    text = json.dumps(json_ready(data), indent=2, ensure_ascii=False)
    atomic_write(path, lambda tmp: tmp.write_text(text + "\n", encoding="utf-8"))


def write_csv(path: Path, frame) -> None:
    atomic_write(path, lambda tmp: frame.to_csv(tmp, index=False))


def headline_table(summary: dict) -> str:
    """A short table for the terminal; whole counts without decimals ("19,677", not "19,677.00")."""
    lines = [f"{summary.get('org', '')} (seed {summary.get('seed', '')})"]
    for key, label in HEADLINE:
        value = summary.get(key)
        if value is None or (isinstance(value, float) and math.isnan(value)):
            text = "—"
        elif key.endswith("_share"):
            text = f"{100 * value:.1f} %"
        elif key.endswith("_sek_per_year"):
            text = f"{value / 1e6:,.1f}"
        elif isinstance(value, float) and not value.is_integer():
            text = f"{value:,.2f}"
        else:
            text = f"{int(value):,}"
        lines.append(f"  {label:<34} {text:>10}")
    return "\n".join(lines)
