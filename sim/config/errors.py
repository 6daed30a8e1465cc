"""The errors a user can cause, and the one way they are shown: one line, exit status 2.

Every command goes through :func:`sim.cli.command` or calls :func:`fail` (inside a Hydra app or
callback, where an exception would become a stack trace or be swallowed).
"""

from __future__ import annotations

import sys
from typing import Any, NoReturn

NO_VALUE: Any = type("NoValue", (), {"__repr__": lambda self: "(no value)"})()  # a ConfigError about a key only


class UserError(ValueError):
    """Something the user gave (a config value, an input file) that cannot be used.

    Every entry point prints it as one line, ``<kind>: <message>``, and exits with status 2
    (:func:`sim.cli.command`); never a traceback.
    """

    kind = "Error"
    exit_code = 2  # bad input; 1: a run that failed for a reason outside the input (OutputError)


class OutputError(UserError):
    """A result that could not be written (read-only or full folder): names the path and what was kept."""

    kind = "Cannot write"
    exit_code = 1


class ConfigError(UserError):
    """A configuration value that the model cannot run with: names the key, the value and what is allowed."""

    kind = "Configuration error"

    def __init__(self, key: str, value: Any = NO_VALUE, allowed: str = ""):
        self.key, self.value, self.allowed = key, value, allowed
        super().__init__(f"{key}: {allowed}" if value is NO_VALUE else f"{key} = {value!r}: {allowed}")


def did_you_mean(word: str, options, prefix: str = "") -> str:
    """`` (did you mean <prefix><option>?)`` for the closest of ``options``, or ""."""
    import difflib

    close = difflib.get_close_matches(str(word), [str(o) for o in options], n=1, cutoff=0.6)
    return f" (did you mean {prefix}{close[0]}?)" if close else ""


def unknown_key(bad: str, value: Any, options, written: str = "", source: str = "") -> ConfigError:
    """A key the schema does not have (``bad``, its full dotted name): named as ``written`` by the user,
    the closest known key suggested, the known keys listed; ``source``: the file it is in."""
    parent, _, name = bad.rpartition(".")
    hint = did_you_mean(name, options, f"{parent}." if parent else "")
    where = parent or "the top level"
    source = f" in {source}" if source else ""
    return ConfigError(written or bad, value, f"unknown key '{name}'{source}{hint}; {where} has: "
                                              f"{', '.join(sorted(map(str, options)))}")


def yaml_message(err: BaseException) -> str:
    """A YAML syntax error as a short block: the file and line first, what the parser expected, the line(s) shown."""
    from pathlib import Path

    mark, context = getattr(err, "problem_mark", None), getattr(err, "context_mark", None)
    mark = mark or context
    if mark is None:
        return f"YAML syntax error: {str(err).splitlines()[0]}"
    problem = str(getattr(err, "problem", None) or str(err).splitlines()[0])
    if getattr(err, "context", None) and context is not None and context.line != mark.line:
        problem += f" ({err.context} that starts on line {context.line + 1})"
    elif getattr(err, "context", None):
        problem = f"{err.context}: {problem}"
    lines = [f"YAML syntax error in {mark.name}, line {mark.line + 1}: {problem}"]
    try:
        text = (mark.buffer.rstrip("\0") if mark.buffer else Path(mark.name).read_text(encoding="utf-8")).splitlines()
    except (OSError, UnicodeDecodeError):
        text = []
    shown = sorted({min(m.line, len(text) - 1) for m in (context, mark) if m is not None and text})[-2:]
    for n in shown:
        lines.append(f"  {n + 1} | {text[n]}")
    return "\n".join(lines)


def _chain(err: BaseException):
    seen = set()
    while err is not None and id(err) not in seen:
        seen.add(id(err))
        yield err
        err = err.__cause__ or err.__context__


def _kind_of(annotation: Any) -> str:
    text = str(annotation)
    if "bool" in text:
        return "true or false"
    if "int" in text:
        return "a whole number"
    if "float" in text:
        return "a number"
    if "list" in text.lower():
        return "a list [a, b, ...]"
    if "dict" in text.lower():
        return "a mapping {key: value}"
    return f"a value of type {text}"


# What a few keys of the experiment app take, beyond their type.
REASONS = {
    "replications": "must be a whole number >= 2 (replications for a confidence interval)",
    "workers": "must be a whole number, at least 1 (or leave it unset for all cores)",
    "shards": "must be a whole number >= 1",
    "shard": "must be a whole number >= 0",
    "seed": "must be a whole number >= 0",
}


def as_user_error(err: BaseException, groups: dict[str, list[str]] | None = None) -> UserError | None:
    """A Hydra/OmegaConf composition error (or a YAML syntax error inside one) as the UserError it means.

    ``groups``: the options of each config group (``org``, ``variant``...), to list for an unknown one.
    None for an error that is not the user's (a bug keeps its traceback).
    """
    import dataclasses

    chain = list(_chain(err))
    for e in chain:
        if hasattr(e, "problem_mark") and type(e).__module__.startswith("yaml"):
            return YamlError(yaml_message(e))
    top = str(err).strip()
    first = top.splitlines()[0] if top else type(err).__name__
    if type(err).__name__ == "OverrideParseException":
        return UserError(f"cannot read the override {getattr(err, 'override', '')!r}: {first}; "
                         "quote a value holding = or brackets, e.g. 'key=[\"variant=[broad]\"]'")
    if "Could not append to config. An item is already at" in top:
        key = top.split("'")[1]
        return ConfigError(f"+{key}", NO_VALUE, f"{key} exists already: set it without the +, e.g. {key}=<value>")
    missing = getattr(err, "missing_cfg_file", None) or ""
    if type(err).__name__ == "MissingConfigException" and "/" in missing:
        group, _, option = missing.rpartition("/")
        options = (groups or {}).get(group) or list(getattr(err, "options", None) or [])
        return ConfigError(group, option, f"no {group} '{option}'{did_you_mean(option, options)}; "
                                          f"choose from: {', '.join(sorted(options)) or '(none)'}")
    for e in chain:
        key, owner = getattr(e, "full_key", None), getattr(e, "object_type", None)
        if not key or not e.__class__.__module__.startswith("omegaconf"):
            continue
        value = NO_VALUE
        if "use +" in top:  # Hydra: "Could not override 'k'. To append to your config use +k=v"
            value = top.split("use +", 1)[1].split("=", 1)[-1].splitlines()[0]
        elif "Value '" in str(e):
            value = str(e).split("'")[1]
        if type(e).__name__ in ("ConfigKeyError", "ConfigAttributeError") and " not in " in str(e):
            options = [f.name for f in dataclasses.fields(owner)] if dataclasses.is_dataclass(owner) else []
            written = top.split("'")[1] if "use +" in top else ""  # the key as written: org.recepton.caseworkers
            source = top.split("'")[1] + ".yaml" if top.startswith("In '") else ""  # Hydra: "In 'org/x': ..."
            if not options and "use +" in top and str(value).startswith("{"):  # a new key of a free dict
                return ConfigError(written, value, f"adds a key to {written}: write +{written}={value} to add "
                                                   "it (without +, only the keys already there can change)")
            parent = str(key).rpartition(".")[0]  # a free dict (no fields) reached with dots: its keys hold dots
            if not options and parent and written.startswith(parent + ".") and written != str(key):
                inner = written[len(parent) + 1:]
                return ConfigError(written, value, f"{parent} holds keys that contain dots: write "
                                                   f"'{parent}={{{inner}:{value}}}' (+ before it to add a key)")
            return unknown_key(str(key), value, options, written, source)
        if type(e).__name__ == "ValidationError":
            name = str(key).rpartition(".")[2]
            annotation = next((f.type for f in dataclasses.fields(owner) if f.name == name), None) \
                if dataclasses.is_dataclass(owner) else None
            reason = REASONS.get(name) or (f"must be {_kind_of(annotation)}" if annotation is not None
                                               else str(e).splitlines()[0])
            return ConfigError(str(key), value, reason)
    if type(err).__module__.split(".")[0] in ("hydra", "omegaconf"):
        return UserError(first.rstrip(".:"))
    return None


class YamlError(UserError):
    """A YAML file that does not parse: the file, the line and what the parser expected (a short block)."""

    kind = "Error"


def message(err: BaseException) -> str:
    """What a user sees for ``err`` (a UserError, or a Hydra/OmegaConf composition error): one line
    (a YAML syntax error: a short block showing the line)."""
    if not isinstance(err, UserError):
        err = as_user_error(err) or UserError(str(err).strip().splitlines()[0] if str(err).strip()
                                              else type(err).__name__)
    if isinstance(err, YamlError):
        return str(err)
    if type(err) is UserError:
        return f"Configuration error: {err}"
    return f"{err.kind}: {err}"


def fail(err: BaseException, code: int | None = None) -> NoReturn:
    """Print ``err`` as one line on stderr and exit (2 for bad input, the error's own code otherwise)."""
    print(message(err), file=sys.stderr)
    raise SystemExit(code if code is not None else getattr(err, "exit_code", 2))
