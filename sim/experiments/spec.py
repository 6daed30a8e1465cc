"""An experiment: a district, a baseline and variants, each a list of Hydra overrides.

The definitions live in ``experiments/<name>.yaml`` (each with the question it answers);
:func:`register_experiments` puts them into Hydra's ConfigStore as the ``experiment`` group of
the experiment app, so ``experiment=<name>`` finds a consultant's own file there too.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Optional

from hydra.core.config_store import ConfigStore
from omegaconf import OmegaConf

from sim.config.compose import EXPERIMENT_DIR
from sim.config.plausible import CHOICES as PARAMETER_CHOICES
from sim.config.schema import HORIZON_WEEKS, WARMUP_WEEKS, ConfigError
from sim.config.validate import check_limit, limit_for


@dataclass
class ExperimentSpec:
    name: str = ""
    title: str = ""
    question: str = ""
    org: str = "hasselby_vallingby"
    replications: int = 10
    horizon_weeks: float = HORIZON_WEEKS  # the model's defaults (sim/config/schema.py)
    warmup_weeks: float = WARMUP_WEEKS
    baseline: str = ""
    variants: dict[str, list[str]] = field(default_factory=dict)
    overrides: list[str] = field(default_factory=list)  # applied to every variant
    # Assumptions to compare under (issue 17): name -> overrides. Every variant runs again with each one's overrides
    # added (same seeds), and the report's money section says what the variant costs with and without it, e.g.
    # casework_effect: ["process.casework_effect.enabled=true"]. The main comparison is the one without.
    # experiment.assumptions=null on the command line runs without them (half the runs of the default experiment).
    assumptions: Optional[dict[str, list[str]]] = field(default_factory=dict)
    # The district's name in the title, question and report; "" takes the org file's name. ``{district}`` in
    # the title or question is replaced by it, so one experiment file serves every district.
    district: str = ""

    def __post_init__(self) -> None:
        if self.assumptions is None:  # null: none
            self.assumptions = {}


@dataclass
class ExperimentApp:
    experiment: ExperimentSpec = field(default_factory=ExperimentSpec)
    replications: Optional[int] = None
    workers: Optional[int] = None
    shards: int = 1  # multirun (-m): Hydra jobs sharing the replications (hydra.sweeper.params.shard)
    shard: int = 0   # this job's share: replications k with k % shards == shard
    # "plausible": replication k of every variant takes member k of the district's plausible set (sim.fit),
    # so the answer's spread covers the fitted parameters' uncertainty, not only the dice's
    parameters: str = "default"
    # Shorter or longer runs without the ``experiment.`` prefix (``horizon_weeks=208``): the experiment's own
    # values when None. The horizon counts the warm-up.
    horizon_weeks: Optional[float] = None
    warmup_weeks: Optional[float] = None


def with_parameters(spec: ExperimentSpec, parameters: str) -> ExperimentSpec:
    """The experiment with ``parameters=<choice>`` applied to every variant (the config validates the choice)."""
    if parameters == "default":
        return spec
    return replace(spec, overrides=[*spec.overrides, f"parameters={parameters}"])


def for_district(spec: ExperimentSpec) -> ExperimentSpec:
    """The experiment as its report speaks of it: titles and question about the district actually simulated.

    ``{district}`` is replaced by the district's name. In a file without it, a studied district's
    name in an experiment run for another district (``experiment.org=mytown`` on a file written for
    Hässelby-Vällingby) is replaced too, and the question says which district the file was written for.
    """
    from sim.config.compose import load_config
    from sim.config.vocabulary import DISTRICTS

    name = spec.district
    if not name:
        try:
            name = load_config([f"org={spec.org}"]).org.name
        except Exception:  # an org that does not load fails with its own clear error when the runs are built
            name = ""
        if not name or name == "district":
            name = spec.org.replace("_", " ")
    title, question = spec.title or spec.name, spec.question
    templated = "{district}" in title + question  # written for any district: its other names are meant
    title, question = title.replace("{district}", name), question.replace("{district}", name)
    others = [] if templated else [other for other in DISTRICTS.values()
                                   if other != name and (other in title or other in question)]
    for other in others:
        title, question = title.replace(other, name), question.replace(other, name)
    if others:
        question += f" (The experiment file was written for {', '.join(others)}; this run simulates {name}.)"
    return replace(spec, district=name, title=title, question=question)


# what a model setting given at the top level is pointed to, per command (its app's own overrides list)
_SETTING_GOES = {
    "experiment": ("python -m sim.experiment", "variant", "experiment",
                   "or into one variant's list in the experiment file"),
    "sweep": ("python -m sim.sweep", "point", "sweep", "or into the design (sweep.design.params)"),
    "optimise": ("python -m sim.optimise", "candidate", "optimise", "or a pool into optimise.pools"),
}


def check_app_keys(cfg, app: str = "experiment") -> None:
    """Refuse a key the command's app does not have; a model setting (``+org.reception.caseworkers=3``) is
    pointed to the app's overrides (``experiment.overrides``, ``sweep.overrides``), which apply to every variant
    or point."""
    from dataclasses import fields

    from sim.config.compose import check_keys
    from sim.config.schema import Config

    try:
        check_keys(cfg)
    except ConfigError as err:
        if err.key.split(".")[0] in {f.name for f in fields(Config)}:
            command, each, node, other = _SETTING_GOES[app]
            raise ConfigError(err.key, err.value, f"not a key of {command}; a model setting for every {each} goes "
                              f"into the {node}'s overrides, e.g. '{node}.overrides=[\"{err.key}=<value>\"]', "
                              f"{other}") from None
        raise


def from_app(app: ExperimentApp, given: list[str] | tuple[str, ...] = ()) -> ExperimentSpec:
    """The experiment with the top-level ``parameters=``, ``horizon_weeks=`` and ``warmup_weeks=`` applied.

    Refuses the app's own bad values by the key the user wrote (``workers=0``, ``horizon_weeks=30``
    below the experiment's warm-up), before any variant is built. ``given``: the command line's overrides,
    to blame the warm-up or the horizon the user changed.
    """
    if app.workers is not None and app.workers < 1:
        raise ConfigError("workers", app.workers, "must be at least 1 (or leave it unset for all cores)")
    if app.parameters not in PARAMETER_CHOICES:  # named as the user wrote it, not as a variant's setting
        raise ConfigError("parameters", app.parameters, f"allowed: {', '.join(PARAMETER_CHOICES)}")
    for key, value in (("horizon_weeks", app.horizon_weeks), ("warmup_weeks", app.warmup_weeks),
                       ("experiment.horizon_weeks", app.experiment.horizon_weeks),
                       ("experiment.warmup_weeks", app.experiment.warmup_weeks)):
        if value is not None:
            check_limit(key, value, limit_for(key.removeprefix("experiment.")))
    spec = with_parameters(app.experiment, app.parameters)
    if app.horizon_weeks is not None:
        spec = replace(spec, horizon_weeks=float(app.horizon_weeks))
    if app.warmup_weeks is not None:
        spec = replace(spec, warmup_weeks=float(app.warmup_weeks))
    keys = {g.partition("=")[0].lstrip("+~") for g in given}
    warmup = "warmup_weeks" if app.warmup_weeks is not None else "experiment.warmup_weeks"
    horizon = "horizon_weeks" if app.horizon_weeks is not None else "experiment.horizon_weeks"
    check_horizon(spec, horizon, warmup, blame_horizon=horizon in keys and warmup not in keys)
    return spec


def check_horizon(spec: ExperimentSpec, horizon: str = "experiment.horizon_weeks",
                  warmup: str = "experiment.warmup_weeks", blame_horizon: bool = False) -> None:
    """The warm-up must end before the horizon (which includes it): blamed on the key the user changed."""
    if spec.warmup_weeks < spec.horizon_weeks:
        return
    h, w = f"{spec.horizon_weeks:g}", f"{spec.warmup_weeks:g}"
    if blame_horizon:
        raise ConfigError(horizon, spec.horizon_weeks,
                          f"must be above the warm-up ({warmup} = {w}), which it includes; "
                          f"set a shorter warm-up too, e.g. {horizon}={h} warmup_weeks=<below {h}>")
    raise ConfigError(warmup, spec.warmup_weeks,
                      f"must be below the horizon ({horizon} = {h}), which includes the warm-up")


# Experiment files that do not parse: name -> the YAML error (file, line), shown when that experiment is chosen.
BROKEN: dict[str, str] = {}


def register_experiments(directory: Path = EXPERIMENT_DIR) -> None:
    """The experiment app's schema, and every ``<directory>/*.yaml`` as an option of the ``experiment`` group.

    A file that is not valid YAML is left out (and remembered in :data:`BROKEN`): it breaks only its
    own experiment, which then reports the file and the line.
    """
    import yaml

    from sim.config.errors import yaml_message

    cs = ConfigStore.instance()
    cs.store(name="experiment_app_schema", node=ExperimentApp)
    for path in sorted(Path(directory).glob("*.yaml")):
        try:
            node = OmegaConf.load(path)
        except yaml.YAMLError as err:
            BROKEN[path.stem] = yaml_message(err)
            continue
        cs.store(group="experiment", name=path.stem, node=node)


def check(spec: ExperimentSpec, replications: int, runs_limit: str = "replications_x_variants") -> None:
    """Errors a consultant can make in an experiment file, named by key (``runs_limit``: the row of
    ``sim.config.validate.LIMITS`` that caps replications x variants; a sweep has its own)."""
    if not spec.variants:
        raise ConfigError("experiment.variants", {}, "list at least a baseline and one variant")
    if not spec.baseline:
        raise ConfigError("experiment.baseline", spec.baseline,
                          f"name the baseline variant, one of: {', '.join(spec.variants)}")
    if spec.baseline not in spec.variants:
        raise ConfigError("experiment.baseline", spec.baseline, f"must be one of: {', '.join(spec.variants)}")
    if len(spec.variants) < 2:
        raise ConfigError("experiment.variants", list(spec.variants),
                          f"needs a variant besides the baseline {spec.baseline} to compare with, "
                          "e.g. broad: [\"variant=[broad]\"]")
    for name, overrides in spec.assumptions.items():
        if not name.isidentifier():
            raise ConfigError(f"experiment.assumptions.{name}", list(overrides),
                              "name it with letters, digits and underscores (e.g. casework_effect)")
        if not overrides:
            raise ConfigError(f"experiment.assumptions.{name}", [], "list the overrides that make the assumption, "
                              "e.g. [\"process.casework_effect.enabled=true\"]")
    check_horizon(spec)
    if replications < 2:
        raise ConfigError("replications", replications, "must be at least 2 for a confidence interval")
    check_limit("replications", replications)  # before anything is planned: 1e8 replications took 3 GB
    check_limit(runs_limit, replications * len(spec.variants) * (1 + len(spec.assumptions)))


ARM = "@"  # a variant's runs under an assumption are named <variant>@<assumption> in results.csv


def arm_name(variant: str, assumption: str) -> str:
    return f"{variant}{ARM}{assumption}"


class IncompleteSweep(RuntimeError):
    """A multirun finished (or failed) with replications missing; the message names the jobs."""




def sweep_dir(path: str) -> Path:
    """The multirun's folder, absolute, so a job on another node writes where the driver reads."""
    return Path(path).expanduser().resolve()
