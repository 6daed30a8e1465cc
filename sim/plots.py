"""Figures a manager can read. Imports matplotlib, never the model."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from sim.output import atomic_write  # noqa: E402

ROLE_LABELS = {
    "reception": "Reception", "reception_pre_assessment": "Reception: pre-assessment",
    "reception_first_visit": "Reception: first visits", "long_term": "Long-term caseworkers",
    "payment_officer": "Payment officers", "cash_office": "Cash office", "deputy_manager": "Deputy managers",
}


def _save(fig, path: Path) -> None:
    atomic_write(Path(path), lambda tmp: fig.savefig(tmp, format="png", dpi=120, bbox_inches="tight"))
    plt.close(fig)


def first_visit_wait(weekly: pd.DataFrame, warmup_weeks: float, title: str, path: Path,
                     target: tuple[float, float] | None = None) -> None:
    """Weekly mean first-visit wait, warm-up shaded, with the study's band if given."""
    fig, ax = plt.subplots(figsize=(9, 4))
    ax.axvspan(0, warmup_weeks, color="0.9", label="warm-up (not measured)")
    if target:
        ax.axhspan(*target, color="tab:green", alpha=0.15, label="reported by the study")
    ax.plot(weekly["week"], weekly["first_visit_wait_weeks"], color="tab:blue", lw=1.2,
            label="mean wait of the week's first visits")
    ax.set_xlabel("simulated week")
    ax.set_ylabel("weeks from first contact to first visit")
    ax.set_title(f"{title}: waiting time for a first visit")
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper left", fontsize=8)
    ax.grid(alpha=0.3)
    _save(fig, path)


def time_use(shares: dict[str, dict[str, float]], title: str, path: Path) -> None:
    """Stacked bars: each role's paid time by activity (adds up to 100 %)."""
    frame = pd.DataFrame(shares).T.fillna(0.0) * 100
    order = [c for c in frame.columns if c != "idle"] + (["idle"] if "idle" in frame else [])
    frame = frame[order]
    frame.index = [ROLE_LABELS.get(r, r) for r in frame.index]
    fig, ax = plt.subplots(figsize=(10, 0.6 * len(frame) + 2))
    cmap = plt.get_cmap("tab20")
    left = pd.Series(0.0, index=frame.index)
    for i, activity in enumerate(frame.columns):
        color = "0.85" if activity == "idle" else cmap(i % 20)
        ax.barh(frame.index, frame[activity], left=left, color=color, label=activity.replace("_", " "))
        left += frame[activity]
    ax.set_xlim(0, 100)
    ax.set_xlabel("share of paid working time (%)")
    ax.set_title(f"{title}: time use per role (after warm-up)")
    ax.invert_yaxis()
    ax.legend(ncol=4, fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.18))
    _save(fig, path)
