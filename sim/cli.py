"""One error path for every command: a user's mistake is one line on stderr and exit status 2.

Each command (``python -m sim``, ``sim.experiment``, ``sim.calibration``, ``sim.calibrate``,
``sim.mine``, ``sim.sensitivity``, ``sim.sequential``, ``sim.warmup``, ``sim.assumptions``) is a
thin module at the top of the package: it parses its arguments and calls the layers below.
Wrapped in :func:`command`, a :class:`~sim.config.errors.UserError` (a bad config value, a bad
input file) or a Hydra composition error (an unknown option, a malformed override) becomes
``<kind>: <message>`` and status 2; the Hydra apps (``sim``, ``sim.experiment``) call
:func:`sim.config.errors.fail` for the same line. Other exceptions are bugs and keep their traceback.
A Hydra app that fails before it wrote anything leaves no run directory behind
(:func:`removed_if_empty_on_failure`).
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
from pathlib import Path
from typing import Callable, Iterator

from hydra.core.hydra_config import HydraConfig
from hydra.errors import HydraException
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from sim.config.errors import OutputError, UserError, message
from sim.outputs.files import atomic_write

DEBUG = "--debug"  # any command: a user error's full stack trace instead of its one line (as HYDRA_FULL_ERROR=1)


def command(main: Callable[..., int]) -> Callable[..., int]:
    """Wrap a command's ``main``: user errors print one line and return 2 instead of raising.

    ``--debug`` among the arguments (taken out before the command parses them) or ``HYDRA_FULL_ERROR=1``
    in the environment keeps the stack trace, for a bug report.
    """

    @functools.wraps(main)
    def wrapped(argv: list[str] | None = None) -> int:
        argv = list(sys.argv[1:] if argv is None else argv)
        debug = DEBUG in argv or os.environ.get("HYDRA_FULL_ERROR") == "1"
        argv = [a for a in argv if a != DEBUG]
        if not _takes_argv(main):
            if argv:
                print(f"Error: python -m {_module_name(main)} takes no arguments (got {' '.join(argv)})",
                      file=sys.stderr)
                return 2
            argv = None
        try:
            return main() if argv is None else main(argv)
        except (UserError, HydraException, OmegaConfBaseException, OSError) as err:
            if debug or (isinstance(err, OSError) and not err.filename):
                raise
            user = user_error(err) or err
            print(message(user), file=sys.stderr)
            return getattr(user, "exit_code", 2)

    return wrapped


def _module_name(main: Callable[..., int]) -> str:
    module = sys.modules.get(main.__module__)
    spec = getattr(module, "__spec__", None)
    return spec.name if spec is not None else main.__module__


def _takes_argv(main: Callable[..., int]) -> bool:
    import inspect

    return bool(inspect.signature(main).parameters)


def user_error(err: BaseException) -> UserError | None:
    """``err`` as the user's mistake it is (a UserError, or a Hydra/OmegaConf/YAML composition error); None: a bug."""
    if isinstance(err, UserError):
        return err
    if isinstance(err, OSError) and err.filename:  # a read-only, full or misnamed folder: the path, in one line
        return OutputError(f"{err.filename}: {err.strerror or err} (nothing more was written there; finished "
                           "replications stay in their cache; choose a writable folder, e.g. hydra.run.dir=<folder>)")
    from sim.config.compose import composition_error

    return composition_error(err)


def run_hydra_app(main: Callable[[], object], on_error: Callable[[BaseException], None] | None = None) -> int:
    """Run a ``@hydra.main`` app so that a user's mistake, at composition or in the job, is one line and status 2.

    Hydra is asked to raise (HYDRA_FULL_ERROR) instead of printing its own several lines (an unknown
    key's "to append use +" among them); the error is translated here. ``on_error`` sees any other
    exception first (and may exit). HYDRA_FULL_ERROR=1 from the user keeps the full stack trace.
    """
    wants_trace = os.environ.get("HYDRA_FULL_ERROR") == "1"
    os.environ["HYDRA_FULL_ERROR"] = "1"
    try:
        main()
    except Exception as err:
        if wants_trace:
            raise
        if on_error is not None and not isinstance(err, UserError):
            on_error(err)
        user = user_error(err)
        if user is None:
            raise
        print(message(user), file=sys.stderr)
        return user.exit_code
    return 0


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


HYDRA_FILES = frozenset({"config.yaml", "hydra.yaml", "overrides.yaml"})  # what Hydra writes into .hydra/


def only_hydra_files(out_dir: Path, job_name: str) -> bool:
    """Does ``out_dir`` hold nothing but what Hydra wrote before the job ran (``.hydra/``, the job's log)?"""
    if not out_dir.is_dir():
        return False
    for path in out_dir.iterdir():
        if path.name == f"{job_name}.log" and path.is_file():
            continue
        if path.name == ".hydra" and path.is_dir() and all(p.name in HYDRA_FILES and p.is_file()
                                                           for p in path.iterdir()):
            continue
        return False
    return True


def discard_empty_run_dir(out_dir: Path, job_name: str) -> bool:
    """Remove a run directory that holds only Hydra's own files (a run that failed before writing
    anything); a directory with anything else in it (results, a replication cache to resume) is kept."""
    out_dir = Path(out_dir)
    if out_dir.resolve() == Path.cwd().resolve() or not only_hydra_files(out_dir, job_name):
        return False
    for path in out_dir.iterdir():
        if path.is_dir():  # .hydra
            for inner in path.iterdir():
                inner.unlink()
            path.rmdir()
        else:
            path.unlink()
    try:
        os.rmdir(out_dir)
    except OSError:  # something appeared meanwhile: keep it
        return False
    return True


@contextlib.contextmanager
def removed_if_empty_on_failure(out_dir: Path, job_name: str) -> Iterator[None]:
    """Inside a Hydra app: if the job fails (a user error, a bug, Ctrl-C) before it wrote a file, take
    its run directory away again instead of leaving an empty timestamped folder."""
    try:
        yield
    except BaseException:
        try:
            discard_empty_run_dir(out_dir, job_name)
        except OSError:
            pass  # never hide the job's own error behind a failed clean-up
        raise


def hydra_record(cfg: DictConfig):
    """Write Hydra's record of this job (``.hydra/config.yaml``, ``hydra.yaml``, ``overrides.yaml``) once called.

    Hydra would write it before the job starts (``hydra.output_subdir``, switched off in
    ``configs/experiment_app.yaml``), over the record of whatever experiment the folder holds; the
    experiment calls this only after the folder is its own (:func:`sim.experiments.shards.claim`).
    Outside a Hydra job (a test calling :func:`run`) there is nothing to record.
    """
    if not HydraConfig.initialized():
        return None
    hydra_cfg = HydraConfig.instance().cfg
    folder = Path(hydra_cfg.hydra.runtime.output_dir) / ".hydra"
    nodes = {"config.yaml": cfg, "hydra.yaml": hydra_cfg, "overrides.yaml": hydra_cfg.hydra.overrides.task}

    def write() -> None:
        folder.mkdir(parents=True, exist_ok=True)
        for name, node in nodes.items():
            text = OmegaConf.to_yaml(node)
            atomic_write(folder / name, lambda tmp, text=text: tmp.write_text(text, encoding="utf-8"))
    return write


def multirun_failure(err: BaseException) -> None:
    """A job of a running multirun (an experiment's or a sweep's) failed: name it, list what is missing, exit 1."""
    if "sim.experiments.sweep_callbacks" not in sys.modules:  # Hydra imports it to start a sweep's callback:
        return  # not imported, no multirun runs (and a composition error stays without pandas & co.)
    from sim.experiments import sweep_callbacks

    if sweep_callbacks.running():
        print(sweep_callbacks.describe_job_error(err), file=sys.stderr)
        sweep_callbacks.report_failure()
        sys.exit(1)
