"""Compose a validated :class:`~sim.config.Config` from the YAML files without a Hydra app.

For scripts (calibration, experiments) and tests that need the same config ``python -m sim``
would build from the same overrides.
"""

from __future__ import annotations

from pathlib import Path

from omegaconf import OmegaConf

from sim.config import Config, Org, register_configs, validate

CONFIG_DIR = Path(__file__).resolve().parent.parent / "configs"


def load_config(overrides: list[str] | tuple[str, ...] = ()) -> Config:
    """Hydra-compose ``configs/config.yaml`` with ``overrides`` and validate it."""
    from hydra import compose, initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra
    from hydra.initialize import get_gh_backup, restore_gh_from_backup

    register_configs()
    backup = get_gh_backup()  # inside a running Hydra app (an experiment's job): leave its state as it was
    GlobalHydra.instance().clear()
    try:
        with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
            cfg = compose(config_name="config", overrides=list(overrides))
    finally:
        restore_gh_from_backup(backup)
    obj = OmegaConf.to_object(cfg)
    assert isinstance(obj, Config)
    return validate(obj)


def load_org_file(path: Path | str) -> Org:
    """One org YAML (e.g. written by ``python -m sim.calibrate``) on the schema, as Hydra puts it under ``org``."""
    merged = OmegaConf.merge(OmegaConf.structured(Org), OmegaConf.load(Path(path)))
    return OmegaConf.to_object(merged)
