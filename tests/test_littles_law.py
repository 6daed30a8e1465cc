"""Little's law per stage on the three districts, from an exact log of stage changes.

``StageLogRun`` wraps :meth:`sim.model.recorder.Recorder.move` to log ``(time, household, from, to)``, so
every visit of a household to a stage is an exact interval ``[entered, left)``. Measurement
window: weeks [WINDOW_START, WINDOW_END) = [30, 80). The run continues FOLLOW_UP weeks past the
window so that the households entering the window are followed until they leave (no
censoring; the tests assert that every one of them has left).

Two statements are checked:

1. The sample-path identity, exactly (float precision), for every stage:
   ``L * T = sum of time spent in the window = n * W_in + carry_in`` where ``L`` is the
   time-average stock (integral of the stock counted from the order of the logged moves),
   ``n`` visits entered in the window and spent ``W_in`` on average *inside* it, and
   ``carry_in`` is the in-window time of visits already present at the window start. The
   stock from the log must also equal the recorder's weekly snapshots and final counters.

2. The approximate law ``L ~ lambda * W`` with ``lambda`` = entries per hour in the window and
   ``W`` = mean *full* time in stage of those visits. On the sample path the difference is
   exactly ``(carry_in - carry_out) / T`` (edge effects), zero in expectation in a stationary
   window. Tolerance: 4 standard errors, pooled over seeds, from the standard error of ``W``
   over households (``lambda * SE(W)``) and of the edge terms (compound-Poisson estimate from the
   residual times of the visits present at the window's edges).

Long-term stage: with the districts' own need durations (lognormal, means 5.7–11 months,
cv 0.7) a sizeable share of stays outlasts any short follow-up, and from an empty office
(``start=empty``) the long-term stock still grows by a third between weeks 30 and 80 (it takes 3–4
years to settle), so ``L ~ lambda W`` cannot be checked there in a short run (``test_...grows`` below
checks this premise, and that from the default steady-state start the stock does not grow).
The long-term check therefore uses each district with bounded episodes
(``need_months`` uniform on 1.2–3.8 months): same staff, routines, shares and returns, and a
long-term stage that is stationary after the warm-up.
"""

from __future__ import annotations

import bisect
import math

import numpy as np
import pytest
from conftest import make_config, run_config

from sim.model import units
from sim.model.run import Run

DISTRICTS = ("farsta", "sodermalm", "hasselby_vallingby")
STAGES = ("reception", "referral", "long_term", "dormant")
SEEDS = (1, 2, 3)
WINDOW_START, WINDOW_END, FOLLOW_UP = 30.0, 80.0, 40.0  # weeks
W0, T1 = WINDOW_START * units.WEEK, WINDOW_END * units.WEEK
SHORT_EPISODES = {"org.households.need_months": {"family": "uniform", "mean": 2.5, "cv": 0.3}}

pytestmark = pytest.mark.slow


class StageLogRun(Run):
    """A Run that logs every stage change ``(time, household, from_stage, to_stage)``."""

    def __init__(self, cfg):
        super().__init__(cfg)
        self.moves: list[tuple[float, int, str, str]] = []
        move = self.rec.move

        def logged_move(hh, stage: str) -> None:
            self.moves.append((self.env.now, hh.id, hh.stage, stage))
            move(hh, stage)

        self.rec.move = logged_move


_RUNS: dict[tuple[str, bool, int], StageLogRun] = {}


def logged_run(district: str, short_episodes: bool, seed: int, start: str = "steady_state") -> StageLogRun:
    key = (district, short_episodes, seed, start)
    if key not in _RUNS:
        cfg = make_config(district, seed=seed, horizon_weeks=WINDOW_END + FOLLOW_UP, warmup_weeks=WINDOW_START,
                          dotted=SHORT_EPISODES if short_episodes else None, start=start)
        _RUNS[key] = run_config(cfg, StageLogRun)
    return _RUNS[key]


# --- sample-path quantities -----------------------------------------------------------------

def visits(run: StageLogRun, stage: str) -> list[tuple[float, float]]:
    """Intervals ``[entered, left)`` of every visit to ``stage``; ``left`` is inf if still there.

    Pairs each exit with the same household's open entry; an exit without an entry or a second
    entry without an exit is a bookkeeping error.
    """
    open_: dict[int, float] = {}
    out: list[tuple[float, float]] = []
    for t, hid, old, new in run.moves:
        if old == stage:
            assert hid in open_, f"household {hid} left {stage} at {t} without entering it"
            out.append((open_.pop(hid), t))
        if new == stage:
            assert hid not in open_, f"household {hid} entered {stage} twice"
            open_[hid] = t
    return out + [(a, math.inf) for a in open_.values()]


def stock_integral(run: StageLogRun, stage: str, t0: float, t1: float) -> float:
    """Integral of the stock over [t0, t1), counting +1/-1 in the order the moves happened."""
    n, last, total = 0, t0, 0.0
    for t, _hid, old, new in run.moves:
        if t > t0:
            total += n * (min(t, t1) - last)
            last = min(t, t1)
        if t >= t1:
            break
        n += (new == stage) - (old == stage)
    return total + n * (t1 - last)


class StockPath:
    """The stock of one stage as a step function of time, from the order of the logged moves."""

    def __init__(self, run: StageLogRun, stage: str):
        self.times = [t for t, *_ in run.moves]
        self.after = np.cumsum([(new == stage) - (old == stage) for _t, _h, old, new in run.moves])

    def at(self, t: float, include_moves_at_t: bool) -> int:
        """Households in the stage at ``t``, with or without the moves made at exactly ``t``."""
        i = (bisect.bisect_right if include_moves_at_t else bisect.bisect_left)(self.times, t)
        return int(self.after[i - 1]) if i else 0


def window_figures(run: StageLogRun, stage: str) -> dict[str, float]:
    span = T1 - W0
    v = visits(run, stage)
    entering = [(a, d) for a, d in v if W0 <= a < T1]
    carried = [(a, d) for a, d in v if a < W0 < d]
    full = np.array([d - a for a, d in entering])
    n = len(entering)
    carry_in = [min(d, T1) - W0 for _a, d in carried]
    carry_out = [d - T1 for a, d in entering if d > T1]
    in_window = sum(min(d, T1) - a for a, d in entering)
    lam = n / span
    uncensored = n > 1 and bool(np.isfinite(full).all())  # W and its SE only from complete stays
    w = float(full.mean()) if uncensored else math.nan
    se_w = float(full.std(ddof=1) / math.sqrt(n)) if uncensored else math.nan
    return {
        "L": stock_integral(run, stage, W0, T1) / span,
        "n": n, "lam": lam, "W": w, "se_W": se_w,
        "W_in": in_window / n if n else 0.0,
        "carry_in": sum(carry_in), "carry_out": sum(carry_out),
        "censored": int(np.sum(~np.isfinite(full))),
        # compound-Poisson variance of the edge terms, from the residual times at both edges
        "edge_var": float(sum(r * r for r in carry_in) + sum(r * r for r in carry_out if math.isfinite(r))),
        "span": span,
    }


# --- 1. the exact sample-path identity ------------------------------------------------------

@pytest.mark.parametrize("district", DISTRICTS)
def test_sample_path_identity_and_recorder_agree(district):
    for seed in SEEDS:
        run = logged_run(district, False, seed)
        for stage in STAGES:
            f = window_figures(run, stage)
            lt = f["L"] * f["span"]  # time-integral of the stock from the order of moves
            assert f["n"] > 0, (district, seed, stage)
            assert lt == pytest.approx(f["n"] * f["W_in"] + f["carry_in"], rel=1e-9, abs=1e-6), (district, seed, stage)
            # The stock from the log is the recorder's: every weekly snapshot, and at the end.
            path = StockPath(run, stage)
            assert len(run.rec.weekly) == WINDOW_END + FOLLOW_UP
            for week in run.rec.weekly:
                t = week["week"] * units.WEEK
                counts = {path.at(t, False), path.at(t, True)}
                assert week[stage] in counts, (district, seed, stage, week["week"], week[stage], counts)
            still_there = sum(1 for _a, d in visits(run, stage) if d == math.inf)
            assert still_there == run.rec.in_stage(stage)
            assert run.rec.entered[stage] == sum(1 for m in run.moves if m[3] == stage)


# --- 2. the approximate law L ~ lambda W ----------------------------------------------------

ROWS: list[str] = []


def check_little(district: str, stage: str, short_episodes: bool, request) -> None:
    per_seed = [window_figures(logged_run(district, short_episodes, seed), stage) for seed in SEEDS]
    for f in per_seed:
        assert f["n"] >= 30, (district, stage, f["n"])
        assert f["censored"] == 0, f"{f['censored']} stays in {stage} not finished {FOLLOW_UP} weeks after the window"
    k = len(per_seed)
    diff = sum(f["L"] - f["lam"] * f["W"] for f in per_seed) / k
    se = math.sqrt(sum((f["lam"] * f["se_W"]) ** 2 + f["edge_var"] / f["span"] ** 2 for f in per_seed)) / k
    big_l = sum(f["L"] for f in per_seed) / k
    lam_w = sum(f["lam"] * f["W"] for f in per_seed) / k
    lam = sum(f["lam"] for f in per_seed) / k * units.WEEK
    w = sum(f["W"] for f in per_seed) / k / units.WEEK
    row = (f"{district:<19}{stage + (' (bounded needs)' if short_episodes else ''):<28}{big_l:>9.2f}{lam_w:>9.2f}"
           f"{lam:>10.2f}{w:>9.3f}{diff:>9.2f}{4 * se:>9.2f}")
    show(request, row)
    assert se > 0
    assert abs(diff) <= 4 * se, row


def show(request, line: str) -> None:
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    header = (f"Little's law, weeks {WINDOW_START:.0f}-{WINDOW_END:.0f}, mean of seeds {SEEDS}: "
              f"L (households), lambda*W, lambda (/week), W (weeks), L - lambda*W, 4 SE\n"
              f"{'district':<19}{'stage':<28}{'L':>9}{'lamW':>9}{'lambda':>10}{'W':>9}{'diff':>9}{'4 SE':>9}")
    text = (header + "\n" if not ROWS else "") + line
    ROWS.append(line)
    print(text)
    if capture is not None and reporter is not None:
        with capture.global_and_fixture_disabled():
            reporter.ensure_newline()
            reporter.write_line(text)


@pytest.mark.parametrize("stage", ["reception", "referral"])
@pytest.mark.parametrize("district", DISTRICTS)
def test_littles_law_in_reception_and_referral(district, stage, request):
    check_little(district, stage, False, request)


@pytest.mark.parametrize("district", DISTRICTS)
def test_littles_law_in_long_term_with_bounded_episodes(district, request):
    check_little(district, "long_term", True, request)


@pytest.mark.parametrize("district", DISTRICTS)
def test_long_term_stock_of_the_shipped_districts_still_grows_in_the_window(district):
    """Why long-term needs bounded episodes here: from an empty office (start=empty) the stage is not
    stationary in a short run: the stock at the window's end exceeds the start by far more than Poisson
    noise. From the steady state (the default) it stays within that noise (issue 15)."""
    for seed in SEEDS:
        path = StockPath(logged_run(district, False, seed, "empty"), "long_term")
        start, end = path.at(W0, True), path.at(T1, True)
        assert end - start > 4 * math.sqrt(start + end), (district, seed, start, end)
        steady = StockPath(logged_run(district, False, seed), "long_term")
        start, end = steady.at(W0, True), steady.at(T1, True)
        assert abs(end - start) <= 4 * math.sqrt(start + end), (district, seed, start, end)
