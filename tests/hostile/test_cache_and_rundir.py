"""Hostile files and folders: a result cache that proves itself, a run directory that belongs to one
experiment, two identical runs at once, leftovers of a killed write, and byte-identical figures.

- A cached replication records its key, variant, replication, seed and a checksum; a file that is
  cut short, garbage, empty, another replication's or another config's is named in one warning line
  and computed again (the result equals a fresh computation), never used, never a traceback.
- A different experiment started in a folder that holds one is refused in one line naming the folder
  and both experiments, before anything is written; more replications of the same one are not.
- Two identical runs at once share the work through a lock per replication: each replication is
  computed once, and both get the same results.
- The ``.<name>.<pid>@<host>.*.tmp`` files of a killed write are removed by the next run there; a
  write in progress is left alone.
- SVG and PNG figures carry no date and no random ids: the same run gives the same bytes.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
from dataclasses import replace
from pathlib import Path

import matplotlib.pyplot as plt
import pytest
from tiny_experiment import BASELINE, REPLICATIONS, VARIANT, run_tiny, tiny_spec

from sim.experiments import runner
from sim.experiments import shards as sharding
from sim.experiments.compare import run_experiment, variant_configs
from sim.outputs import plots
from sim.outputs.files import _host

REPO = Path(__file__).resolve().parents[2]
TESTS = REPO / "tests"
OUTPUTS = ("results.csv", "summary.csv", "report.html")


def environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    """The tiny experiment run once, undisturbed: what every hostile case must come back to."""
    out = tmp_path_factory.mktemp("reference")
    run_tiny(out)
    return out


def planned():
    _, runs = variant_configs(tiny_spec(), REPLICATIONS)
    return runs


def cache_file(cache: Path, config) -> Path:
    return cache / f"{runner.config_key(config)}.run_detail.json"


class Counting:
    """run_detail that remembers which (variant, seed) it computed; cached under run_detail's name."""

    __name__ = "run_detail"

    def __init__(self):
        self.calls: list[tuple[str, int]] = []

    def __call__(self, config):
        self.calls.append((config.variant.name, config.seed))
        return runner.run_detail(config)


def run_cache(cache: Path, job=None) -> list[dict]:
    runs = planned()
    return runner.run_many([c for _, _, c in runs], cache_dir=cache, workers=1, job=job or Counting(),
                           replications=[k for _, k, _ in runs])


def warnings(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("warning")]


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under ``folder`` but Hydra's own (.hydra/ and the job's log, written before any code of
    ours runs)."""
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*"))
            if p.is_file() and ".hydra" not in p.parts and not (p.parent == folder and p.suffix == ".log")}


# --- 3. a cache that proves itself ---------------------------------------------------------------

def _other_config_file(cache: Path, victim: Path, tmp: Path) -> bytes:
    """The same variant and seed of a different config (one more week): only the key tells it apart."""
    other = replace(planned()[0][2], horizon_weeks=planned()[0][2].horizon_weeks + 1)
    runner.run_many([other], cache_dir=tmp / "other", workers=1, job=runner.run_detail)
    return cache_file(tmp / "other", other).read_bytes()


def _edited(cache: Path, victim: Path, tmp: Path) -> bytes:
    data = json.loads(victim.read_text(encoding="utf-8"))
    data["summary"]["first_visit_wait_weeks"] = 0.5
    return json.dumps(data).encode()


def _unrecorded(cache: Path, victim: Path, tmp: Path) -> bytes:
    data = json.loads(victim.read_text(encoding="utf-8"))
    del data["summary"]["_cache"]
    return json.dumps(data).encode()


FAULTS = {
    "truncated JSON": (lambda cache, victim, tmp: victim.read_bytes()[: victim.stat().st_size // 2], "unreadable"),
    "garbage bytes": (lambda cache, victim, tmp: random.Random(14).randbytes(3000), "unreadable"),
    "empty file": (lambda cache, victim, tmp: b"", "unreadable"),
    "a JSON list": (lambda cache, victim, tmp: b"[1, 2, 3]\n", "not a cached replication"),
    "another replication's file": (lambda cache, victim, tmp: cache_file(cache, planned()[1][2]).read_bytes(),
                                   "seed 1 instead of 0"),
    "another variant's file": (lambda cache, victim, tmp: cache_file(cache, planned()[REPLICATIONS][2]).read_bytes(),
                               f"variant '{VARIANT}' instead of '{BASELINE}'"),
    "a file of a different config": (_other_config_file, "key "),
    "an edited value": (_edited, "checksum"),
    "a file without its record": (_unrecorded, "records no key"),
}


@pytest.mark.parametrize("fault", list(FAULTS))
def test_a_bad_cached_replication_is_named_once_and_computed_again(reference, tmp_path, capsys, fault):
    cache = tmp_path / "replications"
    shutil.copytree(reference / "replications", cache)
    runs = planned()
    victim = cache_file(cache, runs[0][2])
    good = victim.read_bytes()
    make, reason = FAULTS[fault]
    victim.write_bytes(make(cache, victim, tmp_path))
    capsys.readouterr()

    job = Counting()
    results = run_cache(cache, job)

    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = warnings(err)
    assert len(lines) == 1, err
    assert str(victim) in lines[0] and reason in lines[0], lines[0]
    assert job.calls == [(BASELINE, 0)]  # only the bad one was computed again; the others were read
    # The result is a fresh computation's (the undisturbed run's cache), and the file is whole again.
    assert results == runner.cached([c for _, _, c in runs], reference / "replications", runner.run_detail)
    assert victim.read_bytes() == good
    again = Counting()
    run_cache(cache, again)
    assert again.calls == [] and warnings(capsys.readouterr().err) == []


def test_an_experiment_with_a_garbage_cache_file_reports_what_an_undisturbed_run_does(reference, tmp_path, capfd):
    out = tmp_path / "run"
    shutil.copytree(reference, out)
    for name in OUTPUTS:
        (out / name).unlink()
    victim = cache_file(out / "replications", planned()[REPLICATIONS + 1][2])
    victim.write_bytes(random.Random(3).randbytes(500))
    run_tiny(out)
    err = capfd.readouterr().err
    assert "Traceback" not in err
    assert len(warnings(err)) == 1 and str(victim) in warnings(err)[0]
    for name in ("results.csv", "summary.csv"):
        assert (out / name).read_bytes() == (reference / name).read_bytes(), name


def test_a_sweep_aggregate_names_a_bad_file_and_counts_it_missing(reference, tmp_path, capsys):
    runs = planned()
    cache = tmp_path / "replications"
    shutil.copytree(reference / "replications", cache)
    cache_file(cache, runs[1][2]).write_bytes(b"{\"summary\": ")
    results = runner.cached([c for _, _, c in runs], cache, runner.run_detail, [k for _, k, _ in runs])
    assert [r is None for r in results] == [i == 1 for i in range(len(runs))]
    assert sharding.missing_by_shard(runs, results, 2) == {1: [(BASELINE, 1)]}
    assert len(warnings(capsys.readouterr().err)) == 1


# --- 4. a run directory belongs to one experiment ----------------------------------------------------

@pytest.mark.parametrize("changes, refused", [
    ({"name": "other"}, "name"),
    ({"horizon_weeks": 21.0}, "horizon_weeks"),
    ({"warmup_weeks": 4.0}, "warmup_weeks"),
    ({"org": "farsta"}, "org"),
    ({"overrides": ["parameters=plausible"]}, "overrides"),
    ({"baseline": VARIANT}, "baseline"),
    ({"variants": {BASELINE: ["variant=[as_is]"], VARIANT: ["org.reception.booking_notice_weeks=1.5"]}},
     "variants"),
    ({"replications": 5}, None),  # more replications of the same experiment: a resume, not another one
    ({"title": "Another title", "question": "Asked otherwise?"}, None),  # the report's words only
], ids=["name", "horizon", "warmup", "org", "overrides", "baseline", "variants", "replications", "wording"])
def test_a_run_directory_refuses_a_different_experiment(reference, tmp_path, changes, refused):
    out = tmp_path / "run"
    shutil.copytree(reference, out)
    before = snapshot(out)
    spec = tiny_spec(**changes)
    if refused is None:
        sharding.claim(out, spec)
        assert snapshot(out) == before
        return
    with pytest.raises(sharding.RunDirInUse) as err:
        sharding.claim(out, spec)
    text = str(err.value)
    assert "\n" not in text and str(out) in text and refused in text
    assert "'tiny'" in text and f"'{spec.name}'" in text
    assert snapshot(out) == before


def test_a_different_experiment_is_refused_before_anything_runs_or_is_written(reference, tmp_path, monkeypatch):
    out = tmp_path / "run"
    shutil.copytree(reference, out)
    before = snapshot(out)

    def no_runs(*args, **kwargs):
        raise AssertionError("replications were started")
    monkeypatch.setattr(runner, "run_many", no_runs)
    with pytest.raises(sharding.RunDirInUse):
        run_experiment(tiny_spec(name="other"), out)
    with pytest.raises(sharding.RunDirInUse):  # a job of a multirun, and its driver's plan
        sharding.write_plan(out, tiny_spec(name="other"), 2, 2)
    assert snapshot(out) == before


def everything(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under ``folder``, Hydra's record of the run (.hydra/) included."""
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_cli_refuses_a_different_experiment_in_one_line(reference, tmp_path):
    out = tmp_path / "run"
    shutil.copytree(reference, out)
    (out / ".hydra").mkdir()
    (out / ".hydra" / "config.yaml").write_text("experiment:\n  name: tiny\n", encoding="utf-8")
    before = everything(out)
    proc = subprocess.run([sys.executable, "-m", "sim.experiment", "experiment=default", "replications=2",
                           f"hydra.run.dir={out}"], cwd=REPO, capture_output=True, text=True, timeout=120,
                          env=environment())
    assert proc.returncode == 2, proc.stdout + proc.stderr
    lines = [line for line in (proc.stdout + proc.stderr).splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert str(out) in lines[0] and "'tiny'" in lines[0] and "'default'" in lines[0]
    # the report, results and cache untouched, and so is the other experiment's record of its run (.hydra/);
    # no log file appears either
    assert everything(out) == before


def test_a_multirun_is_refused_in_a_folder_of_the_same_experiment_run_with_another_horizon(tmp_path):
    """The driver applies the top-level horizon_weeks= before it checks the folder: refused before any job."""
    out = tmp_path / "sweep"
    args = [sys.executable, "-m", "sim.experiment", "-m", "experiment=default", "replications=2",
            "horizon_weeks=14", "warmup_weeks=4", "workers=1", "experiment.assumptions=null", f"hydra.sweep.dir={out}"]
    first = subprocess.run(args, cwd=REPO, capture_output=True, text=True, timeout=300, env=environment())
    assert first.returncode == 0, first.stdout + first.stderr
    assert json.loads((out / sharding.IDENTITY).read_text())["settings"]["horizon_weeks"] == 14.0
    assert json.loads((out / sharding.PLAN).read_text())["spec"]["horizon_weeks"] == 14.0
    before = everything(out)
    proc = subprocess.run([*args[:6], "horizon_weeks=15", *args[7:]], cwd=REPO, capture_output=True, text=True,
                          timeout=120, env=environment())
    assert proc.returncode == 2, proc.stdout + proc.stderr
    lines = [line for line in (proc.stdout + proc.stderr).splitlines() if line.strip()]
    assert len(lines) == 1 and "horizon_weeks" in lines[0] and str(out) in lines[0], lines
    assert everything(out) == before  # no job ran: nothing in the folder changed


def test_a_damaged_identity_file_is_named_and_replaced(reference, tmp_path, capsys):
    out = tmp_path / "run"
    shutil.copytree(reference, out)
    (out / sharding.IDENTITY).write_bytes(b"\x00\xff garbage")
    sharding.claim(out, tiny_spec())
    lines = warnings(capsys.readouterr().err)
    assert len(lines) == 1 and sharding.IDENTITY in lines[0]
    assert json.loads((out / sharding.IDENTITY).read_text()) == sharding.identity(tiny_spec())


# --- two identical runs at once: one lock per replication ---------------------------------------------

RUNNER = """
import os, sys, time
from pathlib import Path
sys.path.insert(0, {tests!r})
from sim.experiments import runner
real = runner.run_detail
def counting(config):
    with open({count!r}, "a") as f:
        f.write(f"{{os.getpid()}} {{config.variant.name}} {{config.seed}}\\n")
    time.sleep(0.5)  # long enough for the two runs to meet
    return real(config)
counting.__name__ = "run_detail"
runner.run_detail = counting
from tiny_experiment import run_tiny
_, summary, _ = run_tiny(Path({out!r}))
summary.to_csv(sys.argv[1], index=False)
"""


def test_two_identical_runs_at_once_compute_each_replication_once(reference, tmp_path):
    out, count = tmp_path / "run", tmp_path / "computed.txt"
    script = tmp_path / "run_tiny.py"
    script.write_text(RUNNER.format(tests=str(TESTS), count=str(count), out=str(out)))
    procs = [subprocess.Popen([sys.executable, str(script), str(tmp_path / f"summary{i}.csv")], cwd=REPO,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment())
             for i in range(2)]
    outputs = [p.communicate(timeout=300) for p in procs]
    for proc, (stdout, stderr) in zip(procs, outputs):
        assert proc.returncode == 0, stdout + stderr
        assert "Traceback" not in stderr and warnings(stderr) == []
    computed = [tuple(line.split()[1:]) for line in count.read_text().splitlines()]
    assert sorted(computed) == sorted((v, str(k)) for v in (BASELINE, VARIANT) for k in range(REPLICATIONS))
    assert (tmp_path / "summary0.csv").read_bytes() == (tmp_path / "summary1.csv").read_bytes()
    for name in OUTPUTS:
        assert (out / name).read_bytes() == (reference / name).read_bytes(), name
    # ...figures included: made in other processes than the reference's, byte for byte the same
    figures = sorted(p.name for p in reference.glob("*.svg")) + sorted(p.name for p in reference.glob("*.png"))
    assert len(figures) >= 4
    for name in figures:
        assert (out / name).read_bytes() == (reference / name).read_bytes(), name
    assert not list(out.rglob(".*.tmp"))


class _Watched:
    """stderr that lets a test thread act when a line it waits for has been said."""

    def __init__(self, stream, words: str):
        self.stream, self.words, self.said = stream, words, threading.Event()

    def write(self, text: str) -> int:
        if self.words in text:
            self.said.set()
        return self.stream.write(text)

    def __getattr__(self, name: str):  # isatty, flush, fileno...: the stream's
        return getattr(self.stream, name)


def test_a_replication_locked_by_another_run_is_waited_for_and_read(reference, tmp_path, capsys, monkeypatch):
    """Another run holds replication 0's lock: this run computes the others meanwhile, says it waits and
    says so again while it does (a reminder, here at once instead of every minute), then reads replication 0
    once the other run stored it, instead of computing it."""
    cache = tmp_path / "replications"
    runs = planned()
    config = runs[0][2]
    other = runner._Cache(cache, runner.run_detail)
    lock = other.lock(config)
    assert lock is not None
    fresh = json.loads(cache_file(reference / "replications", config).read_text())
    fresh["summary"].pop("_cache")
    monkeypatch.setattr(runner, "WAIT_REMINDER", 0.0)
    stderr = _Watched(sys.stderr, "still waiting for 1 replication(s) held by another run")
    monkeypatch.setattr(sys, "stderr", stderr)

    def the_other_run():
        try:
            stderr.said.wait(timeout=120)  # finishes only after this run said it still waits
            other.store(config, 0, fresh)
        finally:
            lock.release()
    thread = threading.Thread(target=the_other_run)
    thread.start()
    job = Counting()
    results = run_cache(cache, job)
    thread.join()
    assert (BASELINE, 0) not in job.calls and len(job.calls) == len(runs) - 1
    assert results == runner.cached([c for _, _, c in runs], reference / "replications", runner.run_detail)
    assert stderr.said.is_set()
    err = capsys.readouterr().err
    assert "being computed by another run" in err
    reminder = next(line for line in err.splitlines() if "still waiting" in line)
    assert str(tmp_path / ".replications.locks") in reminder and "min" in reminder


# --- leftovers of a killed write ---------------------------------------------------------------------

KILLED_WRITE = """
import sys, time
from pathlib import Path
from sim.outputs.files import atomic_write
def write(tmp):
    tmp.write_text("half a result")
    print(tmp, flush=True)
    time.sleep(600)
atomic_write(Path(sys.argv[1]), write)
"""


def killed_write(target: Path) -> Path:
    """The temporary that a process killed in the middle of atomic_write(target) leaves."""
    proc = subprocess.Popen([sys.executable, "-c", KILLED_WRITE, str(target)], cwd=REPO, stdout=subprocess.PIPE,
                            text=True, env=environment())
    line = proc.stdout.readline().strip()
    assert line, "the writing process ended before it wrote"
    tmp = Path(line)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stdout.close()
    assert tmp.exists() and tmp.name.startswith(f".{target.name}.") and tmp.name.endswith(".tmp")
    return tmp


def test_leftovers_of_a_killed_write_are_removed_by_the_next_run(reference, tmp_path):
    out = tmp_path / "run"
    shutil.copytree(reference, out)
    dead = [killed_write(out / "results.csv"), killed_write(out / "replications" / "x.run_detail.json")]
    # a write in progress (this process's) is not a leftover
    alive = out / f".report.html.{os.getpid()}@{_host()}.abcd1234.tmp"
    alive.write_text("being written")
    stranger = out / "notes.tmp"  # not a temporary of atomic_write's
    stranger.write_text("mine")
    sharding.claim(out, tiny_spec())  # what every run in the folder starts with
    assert [p.exists() for p in dead] == [False, False]
    assert alive.exists() and stranger.exists()

    cache = tmp_path / "cache"  # a bare cache (calibration, warm-up): run_many tidies it too
    shutil.copytree(reference / "replications", cache)
    leftover = killed_write(cache / "y.json")
    run_cache(cache)
    assert not leftover.exists()


# --- 7. byte-identical figures -------------------------------------------------------------------------

def test_figures_saved_twice_are_byte_identical_and_undated(tmp_path):
    def figure():
        fig, ax = plt.subplots()
        ax.plot([0, 1, 2], [1, 3, 2], label="a line")
        ax.bar([0, 1], [1, 2], hatch="//")
        ax.legend()
        return fig
    first = plots.save(figure(), tmp_path / "one" / "f.png", ("png", "svg"))
    second = plots.save(figure(), tmp_path / "two" / "f.png", ("png", "svg"))
    for ext in ("png", "svg"):
        assert first.with_suffix(f".{ext}").read_bytes() == second.with_suffix(f".{ext}").read_bytes(), ext
    svg = first.with_suffix(".svg").read_text()
    assert "<dc:date>" not in svg
    png = first.read_bytes()
    assert b"tIME" not in png and b"Creation Time" not in png
