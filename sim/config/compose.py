"""Hydra at the edge: YAML files and overrides → one validated, frozen :class:`Config`.

The only module of the package that reads configuration files. A city (``org.kind: city``) is
resolved here: each district's file is read and scaled into ``org.districts[i].resolved``, so
the config a run gets holds every value it uses (and its cache key covers them).
"""

from __future__ import annotations

import csv
from dataclasses import fields, is_dataclass, replace
from pathlib import Path

from hydra import compose, initialize_config_dir
from hydra.core.config_store import ConfigStore
from hydra.core.global_hydra import GlobalHydra
from hydra.initialize import get_gh_backup, restore_gh_from_backup
from omegaconf import DictConfig, ListConfig, OmegaConf

from sim.config.errors import ConfigError, UserError, as_user_error, unknown_key
from sim.config.plausible import get_key
from sim.config.schema import Config, Org
from sim.config.validate import validate
from sim.config.vocabulary import DISTRICTS, EXCLUSIVE_VARIANTS

ROOT = Path(__file__).resolve().parents[2]
CONFIG_DIR = ROOT / "configs"
ORG_DIR = CONFIG_DIR / "org"
EXPERIMENT_DIR = ROOT / "experiments"  # experiment definitions, on Hydra's search path (configs/*.yaml)


def register_configs() -> None:
    """Register the schemas in Hydra's ConfigStore, so YAML files are type-checked against them.

    Called by every entry point (and :func:`load_config`) before Hydra composes, never as a side
    effect of an import.
    """
    ConfigStore.instance().store(name="config_schema", node=Config)
    # Hydra's --help lists the config groups through ~75 copies of its config repository, each deep-copying the
    # whole ConfigStore with our schema (~1 s). The store is read-only there and ConfigStore.load() already
    # deep-copies every node it hands out, so the copies may share the one store (--help: 1.3 s -> 0.5 s).
    ConfigStore.__deepcopy__ = lambda self, memo: self


def config_groups() -> dict[str, list[str]]:
    """The options of every config group (``configs/<group>/*.yaml``, and the experiments), to list in errors."""
    groups = {d.name: sorted(p.stem for p in d.glob("*.yaml")) for d in CONFIG_DIR.iterdir() if d.is_dir()}
    groups["experiment"] = sorted({*(p.stem for p in EXPERIMENT_DIR.glob("*.yaml")),
                                   *(name.removesuffix(".yaml") for name in
                                     ConfigStore.instance().repo.get("experiment", {}))})
    return groups


def composition_error(err: BaseException) -> UserError | None:
    """A Hydra/OmegaConf/YAML error while composing, as the user's error it is (None: a bug)."""
    return as_user_error(err, config_groups())


def check_keys(node: DictConfig, path: str = "") -> None:
    """Refuse a key the schema does not have, anywhere in a composed config.

    Hydra refuses ``org.recepton=3`` itself, but an append (``+org.recepton=3``) and a
    ``@package _global_`` file go around the schema's struct flag, and OmegaConf would hand the
    stray key on as an attribute nobody reads; a typo must not run silently with the default.
    """
    owner = OmegaConf.get_type(node)
    known = {f.name for f in fields(owner)} if is_dataclass(owner) else None
    for key in node.keys():
        full = f"{path}.{key}" if path else str(key)
        if known is not None and key not in known:
            child = node._get_node(key)
            value = OmegaConf.to_container(child) if isinstance(child, (DictConfig, ListConfig)) else \
                child._value() if child is not None else None
            raise unknown_key(full, value, sorted(known))
        child = node._get_node(key)
        if isinstance(child, DictConfig) and not child._is_none() and not child._is_missing():
            check_keys(child, full)
        elif isinstance(child, ListConfig) and not child._is_none() and not child._is_missing():
            for i, item in enumerate(child._iter_ex(resolve=False)):
                if isinstance(item, DictConfig):
                    check_keys(item, f"{full}[{i}]")


def chosen_variants(overrides: list[str] | tuple[str, ...]) -> list[str]:
    """The variant files an override list chooses (``variant=[broad,module_admins]``; the last one counts)."""
    from hydra.core.override_parser.overrides_parser import OverridesParser

    chosen: list[str] = ["as_is"]
    try:
        parsed = OverridesParser.create().parse_overrides(list(overrides))
    except Exception:  # Hydra refuses a malformed override itself, with its own message
        return chosen
    for o in parsed:
        if o.key_or_group == "variant" and o.package is None and not o.is_delete():
            value = o.value()
            chosen = [str(v) for v in value] if isinstance(value, list) else [str(value)]
    return chosen


def check_variants(overrides: list[str] | tuple[str, ...]) -> None:
    """Refuse two variants that set the same thing two ways (``variant=[broad,specialised]``)."""
    chosen = chosen_variants(overrides)
    for setting, group in EXCLUSIVE_VARIANTS.items():
        both = [v for v in group if v in chosen]
        if len(both) > 1:
            raise ConfigError("variant", f"[{','.join(chosen)}]",
                              f"{' and '.join(both)} contradict each other (both set {setting}): choose one")


def to_config(cfg: DictConfig, overrides: list[str] | tuple[str, ...] = ()) -> Config:
    """Hydra's composed config (and the overrides that made it) → a resolved, validated config (raises ConfigError)."""
    check_variants(overrides)
    check_keys(cfg)
    obj = OmegaConf.to_object(cfg)
    assert isinstance(obj, Config)
    return validate(with_plausible_set(resolve(obj)))


def load_config(overrides: list[str] | tuple[str, ...] = ()) -> Config:
    """Hydra-compose ``configs/config.yaml`` with ``overrides``, outside a Hydra app (scripts, tests)."""
    return to_config(_compose(overrides), overrides)


def load_configs(base: list[str] | tuple[str, ...], points: list[list[str]]) -> list[Config]:
    """``[load_config([*base, *point]) for point in points]``, composing ``base`` once.

    Hydra's composition costs about 0.13 s; a sweep of 2,000 points (or a fit's members) would spend minutes
    on it, in every job of a multirun. A point that only sets values (``key=value``, no config group, no
    ``+``/``~``) is applied to a copy of the composed base, as Hydra applies an override after the defaults;
    any other point, and any point that fails there, is composed in full (so its error is Hydra's own).
    ``tests/test_compose.py`` checks both ways give equal configs.
    """
    composed = _compose(base) if points else None
    groups = set(config_groups())
    out = []
    for point in points:
        values = _plain_values(point, groups)
        config = None if values is None else _with_values(composed, values, [*base, *point])
        out.append(load_config([*base, *point]) if config is None else config)
    return out


def _with_values(composed: DictConfig, values: list[tuple[str, object]], overrides: list[str]) -> Config | None:
    """``composed`` with ``values`` set, as a Config; ``composed`` is left as it was (set, read, set back: a
    deep copy per point would cost as much as the conversion). None if a value does not fit the schema."""
    undo: list[tuple[str, object]] = []
    try:
        for key, value in values:
            old = OmegaConf.select(composed, key, throw_on_missing=False, default=_ABSENT)
            if old is _ABSENT or isinstance(old, (DictConfig, ListConfig)):
                return None  # a new key, or a whole node replaced: Hydra's composition says what it makes of it
            OmegaConf.update(composed, key, value, merge=True)
            undo.append((key, old))
        return to_config(composed, overrides)
    except (ConfigError, UserError):
        raise
    except Exception:  # not a key of the schema, a value of the wrong type: Hydra says it best
        return None
    finally:
        for key, old in reversed(undo):
            OmegaConf.update(composed, key, old, merge=True)


_ABSENT = object()


def _plain_values(point: list[str], groups: set[str]) -> list[tuple[str, object]] | None:
    """``[(key, value)]`` if every override only changes a value, else None (compose the point in full)."""
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from hydra.core.override_parser.types import OverrideType

    try:
        parsed = OverridesParser.create().parse_overrides(list(point))
    except Exception:
        return None
    values = []
    for o in parsed:
        key = o.key_or_group
        if (o.type != OverrideType.CHANGE or o.package is not None or o.is_sweep_override()
                or key in groups or "/" in key or key.startswith("hydra")):
            return None
        values.append((key, o.value()))
    return values


def _compose(overrides: list[str] | tuple[str, ...]) -> DictConfig:
    register_configs()
    backup = get_gh_backup()  # inside a running Hydra app (an experiment's job): leave its state as it was
    GlobalHydra.instance().clear()
    try:
        with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
            return compose(config_name="config", overrides=list(overrides))
    except Exception as err:  # an unknown key or option, a bad value, a YAML file that does not parse
        user = composition_error(err)
        if user is None:
            raise
        raise user from None
    finally:
        restore_gh_from_backup(backup)


def load_org_file(path: Path | str) -> Org:
    """One org YAML (e.g. written by ``python -m sim.calibrate``) on the schema, as Hydra puts it under ``org``."""
    merged = OmegaConf.merge(OmegaConf.structured(Org), OmegaConf.load(Path(path)))
    return OmegaConf.to_object(merged)


def load_district(name: str) -> Org:
    """A studied district's org, ``configs/org/<name>.yaml``, as Hydra would compose it under ``org``."""
    return load_org_file(ORG_DIR / f"{name}.yaml")


def resolve(cfg: Config) -> Config:
    """A city with each district's org read from ``configs/org/`` and scaled; any other config as it is.

    A district naming an unknown file is left unresolved; validation names the key (it checks the
    district's ``org`` and ``scale`` before its resolved values).
    """
    if cfg.org.kind != "city":
        return cfg
    districts = []
    for d in cfg.org.districts:
        known = (ORG_DIR / f"{d.org}.yaml").is_file()
        resolved = scaled(load_district(d.org), d.scale, d.name) if known else None
        districts.append(replace(d, resolved=resolved))
    return replace(cfg, org=replace(cfg.org, districts=districts))


PLAUSIBLE_DIR = ORG_DIR / "plausible"


def with_plausible_set(cfg: Config) -> Config:
    """``parameters=plausible``: read the district's non-implausible set (``python -m sim.fit --store``)."""
    if cfg.parameters != "plausible":
        return cfg
    org = {name: key for key, name in DISTRICTS.items()}.get(cfg.org.name)
    have = sorted(p.stem for p in PLAUSIBLE_DIR.glob("*.csv"))
    if org is None or org not in have:
        raise ConfigError("parameters", "plausible",
                          f"a studied district with a stored plausible set ({', '.join(have) or 'none yet'}); "
                          f"make one with python -m sim.fit org=<district> --store")
    with (PLAUSIBLE_DIR / f"{org}.csv").open(encoding="utf-8", newline="") as f:
        # the parameters are the dotted config keys; the rest (max_fitted, busiest_pool) describes the member
        rows = [{k: float(v) for k, v in row.items() if "." in k} for row in csv.DictReader(f)]
    if not rows:
        raise ConfigError("parameters", "plausible", f"{PLAUSIBLE_DIR / org}.csv holds no member: the fit found none")
    district = Config(org=load_district(org))  # the file's own values: a variant that changes one keeps its change
    return replace(cfg, plausible_set={"members": rows, "base": {key: get_key(district, key) for key in rows[0]}})


def scaled(org: Org, scale: float, name: str) -> Org:
    """The same organisation for ``scale`` times the population: arrivals and staff scale together."""
    return replace(
        org, name=name, arrivals_per_week=org.arrivals_per_week * scale,
        reception=replace(org.reception, caseworkers=org.reception.caseworkers * scale,
                          pre_assessment=org.reception.pre_assessment * scale),
        long_term=replace(org.long_term, caseworkers=org.long_term.caseworkers * scale),
        payment=replace(org.payment, officers=org.payment.officers * scale,
                        cash_office=org.payment.cash_office * scale),
        deputy_managers=org.deputy_managers * scale,
    )

