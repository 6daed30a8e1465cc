"""Figures of one run a manager can read (first-visit wait over time, time use), and the one way
every figure is saved. Imports matplotlib, never the model."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from sim.outputs.files import atomic_write  # noqa: E402

ROLE_LABELS = {
    "reception": "Reception", "reception_pre_assessment": "Reception: pre-assessment",
    "reception_first_visit": "Reception: first visits", "long_term": "Long-term caseworkers",
    "payment_officer": "Payment officers", "cash_office": "Cash office", "deputy_manager": "Deputy managers",
}


def save(fig, path: Path, formats: tuple[str, ...] = ("png",)) -> Path:
    """Write ``fig`` atomically in each format (beside ``path``), close it; return the PNG's path."""
    path = Path(path)
    for ext in formats:
        target = path.with_suffix(f".{ext}")
        atomic_write(target, lambda tmp, e=ext: fig.savefig(tmp, format=e, dpi=120, bbox_inches="tight"))
    plt.close(fig)
    return path.with_suffix(".png")


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
    save(fig, path)


# Case work in strong colours, overhead in greys, idle white: the eye finds the case work.
ACTIVITY_COLORS = {
    "client_meetings": "#1f77b4", "investigation_decision": "#ff7f0e", "phone": "#2ca02c",
    "on_call": "#98df8a", "reassessment": "#9467bd", "followup": "#d62728", "invoice_fees": "#8c564b",
    "payment_check": "#e377c2", "cash_control": "#17becf", "referral_review": "#bcbd22",
    "group_meeting": "#7f7f7f", "consultation": "#999999", "mail": "#b3b3b3", "journal": "#c7c7c7",
    "other": "#dadada", "overhead": "#a6a6a6", "idle": "#ffffff",
}
ACTIVITY_LABELS = {
    "client_meetings": "client meetings", "investigation_decision": "investigation & decision",
    "phone": "phone interviews", "on_call": "acute / on-call", "reassessment": "plan rewrite",
    "followup": "follow-up", "invoice_fees": "payments by reception", "payment_check": "payment checks",
    "cash_control": "cash-office control", "referral_review": "referral review",
    "group_meeting": "meetings, case review (overhead)", "consultation": "consultation (overhead)",
    "mail": "mail (overhead)", "journal": "journal, files (overhead)", "other": "other (overhead)",
    "overhead": "other duties (overhead)", "idle": "idle / slack",
}


def time_use(shares: dict[str, dict[str, float]], title: str, path: Path) -> None:
    """Stacked bars: each role's paid time by activity (adds up to 100 %)."""
    frame = pd.DataFrame(shares).T.fillna(0.0) * 100
    order = [a for a in ACTIVITY_COLORS if a in frame.columns]
    order += [a for a in frame.columns if a not in order]
    frame = frame[order]
    frame.index = [ROLE_LABELS.get(r, r) for r in frame.index]
    fig, ax = plt.subplots(figsize=(10, 0.6 * len(frame) + 2.5))
    left = pd.Series(0.0, index=frame.index)
    for activity in frame.columns:
        values = frame[activity]
        ax.barh(frame.index, values, left=left, color=ACTIVITY_COLORS.get(activity, "0.5"),
                edgecolor="0.4", linewidth=0.4, hatch="//" if activity == "idle" else None,
                label=ACTIVITY_LABELS.get(activity, activity.replace("_", " ")))
        for y, (x0, v) in enumerate(zip(left, values)):
            if v >= 6:
                ax.text(x0 + v / 2, y, f"{v:.0f}%", ha="center", va="center", fontsize=7)
        left += values
    ax.set_xlim(0, 100)
    ax.set_xlabel("share of paid working time (%)")
    ax.set_title(f"{title}: time use per role (after warm-up)")
    ax.invert_yaxis()
    ax.legend(ncol=3, fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.15))
    save(fig, path)
