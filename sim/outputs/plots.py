"""Figures of one run a manager can read (first-visit wait over time, time use), the words and colours every
figure shares (activities, roles, variant names), and the one way every figure is saved. Imports matplotlib,
never the model.

Each figure has a ``*_figure`` function that returns the Figure (so tests can inspect what is drawn) and a
function of the old name that also saves it."""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.colors import to_rgb  # noqa: E402

from sim.config.vocabulary import DISTRICTS  # noqa: E402
from sim.outputs.files import atomic_write  # noqa: E402

ROLE_LABELS = {
    "reception": "Reception", "reception_pre_assessment": "Reception: pre-assessment",
    "reception_first_visit": "Reception: first visits", "long_term": "Long-term caseworkers",
    "common_reception": "Common reception", "payment_officer": "Payment officers", "cash_office": "Cash office",
    "deputy_manager": "Deputy managers", "module_admin": "Module administrators",
}


def plain(text: str) -> str:
    """Words a manager reads in place of config keys: a district's key becomes its name, underscores spaces."""
    text = str(text)
    for key, name in DISTRICTS.items():
        text = re.sub(rf"\b{key}\b", name, text)
    return text.replace("_", " ")


# Byte-identical files from identical runs: no date in an SVG or PDF (a PNG has none; its "Software" line names
# the Matplotlib version, which is fine), and the ids of an SVG's clip paths and glyphs hashed with a fixed salt
# instead of a random one.
METADATA = {"svg": {"Date": None}, "pdf": {"CreationDate": None, "ModDate": None}}
SVG_SALT = "caseflow"


def save(fig, path: Path, formats: tuple[str, ...] = ("png",)) -> Path:
    """Write ``fig`` atomically in each format (beside ``path``), the same bytes for the same figure; close it;
    return the PNG's path."""
    path = Path(path)
    with plt.rc_context({"svg.hashsalt": SVG_SALT}):
        for ext in formats:
            target = path.with_suffix(f".{ext}")
            atomic_write(target, lambda tmp, e=ext: fig.savefig(tmp, format=e, dpi=120, bbox_inches="tight",
                                                                 metadata=METADATA.get(e)))
    plt.close(fig)
    return path.with_suffix(".png")


def first_visit_wait(weekly: pd.DataFrame, warmup_weeks: float, title: str, path: Path,
                     target: tuple[float, float] | None = None) -> None:
    """Weekly mean first-visit wait, warm-up shaded, with the study's band if given."""
    fig, ax = plt.subplots(figsize=(9, 4))
    ax.axvspan(0, warmup_weeks, color="0.9", label="warm-up (not measured)")
    if target:
        ax.axhspan(*target, color="#228833", alpha=0.15, label="reported by the study")
    ax.plot(weekly["week"], weekly["first_visit_wait_weeks"], color="#4477AA", lw=1.2,
            label="mean wait of the week's first visits")
    ax.set_xlabel("simulated week")
    ax.set_ylabel("weeks from first contact to first visit")
    ax.set_title(f"{plain(title)}: waiting time for a first visit")
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper left", fontsize=8)
    ax.grid(alpha=0.3)
    save(fig, path)


# One colour per activity, none shared (a legend entry must point at one thing), all from Paul Tol's
# colour-blind-safe palettes and chosen so every pair stays apart (CIELAB distance) also under simulated
# deuteranopia, protanopia and tritanopia (tests/test_plots_readable.py). Kinds: case work in Tol's bright and
# vibrant colours; variants' own work dark or muted and dotted, so what a variant costs stands out; overhead in
# his pale colours, so it recedes; time away grey and crossed, idle white and hatched. The order is the stacking
# and the legend order.
CASE_WORK = {
    "client_meetings": "#4477AA", "investigation_decision": "#EE7733", "phone": "#228833", "on_call": "#CC3311",
    "reassessment": "#AA3377", "followup": "#66CCEE", "invoice_fees": "#CCBB44", "payment_check": "#009988",
    "cash_control": "#EE3377", "referral_review": "#332288",
}
VARIANT_WORK = {
    "handover": "#666633", "self_payment": "#225522", "debt_work": "#6699CC", "mentoring": "#AA4499",
    "handoff": "#EECC66", "clerical_fallback": "#004488", "misrouted_contacts": "#999933", "scanning": "#222255",
    "clerical": "#663333",
}
OVERHEAD = {
    "group_meeting": "#FFAABB", "consultation": "#EEEEBB", "mail": "#CCEEFF", "journal": "#CCDDAA",
    "other": "#DDDDDD", "overhead": "#BBCCEE",
}
AWAY = {"absence": "#AAAAAA", "vacancy": "#555555", "idle": "#FFFFFF"}
ACTIVITY_COLORS = {**CASE_WORK, **VARIANT_WORK, **OVERHEAD, **AWAY}
ACTIVITY_HATCH = {**dict.fromkeys(VARIANT_WORK, ".."), "absence": "xx", "vacancy": "xx", "idle": "//"}
# "invoice_fees" is reception paying a first month and, under some variants, a long-term caseworker approving a
# payment: the label must be right for both.
ACTIVITY_LABELS = {
    "client_meetings": "client meetings", "investigation_decision": "investigation & decision",
    "phone": "phone interviews", "on_call": "acute / on-call", "reassessment": "plan rewrite",
    "followup": "follow-up", "invoice_fees": "payments & approvals", "payment_check": "payment checks",
    "cash_control": "cash-office control", "referral_review": "referral review",
    "handover": "handovers between caseworkers", "self_payment": "paying households themselves",
    "debt_work": "debts after late payments", "mentoring": "mentoring newcomers",
    "handoff": "handing work to module admins", "clerical_fallback": "clerical work the admins missed",
    "misrouted_contacts": "misrouted contacts", "scanning": "scanning documents",
    "clerical": "clerical work (module admins)",
    "group_meeting": "meetings, case review (overhead)", "consultation": "consultation (overhead)",
    "mail": "mail (overhead)", "journal": "journal, files (overhead)", "other": "other (overhead)",
    "overhead": "other duties (overhead)", "absence": "away (absence)", "vacancy": "post vacant",
    "idle": "idle / slack",
}


def activity_label(activity: str) -> str:
    return ACTIVITY_LABELS.get(activity, plain(activity))


def activity_order(activities) -> list[str]:
    """Known activities in the palette's order, unknown ones after them (before idle), none dropped."""
    activities = list(dict.fromkeys(activities))
    known = [a for a in ACTIVITY_COLORS if a in activities and a != "idle"]
    return known + sorted(a for a in activities if a not in ACTIVITY_COLORS) + (["idle"] if "idle" in activities
                                                                                else [])


def text_color(color) -> str:
    """Black on light fills, white on dark ones (relative luminance), so a segment's number stays readable."""
    r, g, b = to_rgb(color)
    return "black" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.45 else "white"


def stacked_bars(ax, frame: pd.DataFrame, min_label: float = 6.0, fontsize: float = 10) -> list[str]:
    """Horizontal stacked bars (rows = frame's index, top to bottom; columns = activities, in %).

    Every column that is not zero in every row is drawn, so each stack adds up to the row's total; segments of at
    least ``min_label`` % carry their number. Returns the activities drawn."""
    y = range(len(frame))
    left = pd.Series(0.0, index=frame.index)
    drawn = []
    for activity in activity_order(frame.columns):
        values = frame[activity].fillna(0.0)
        if not (values > 0).any():
            continue
        color = ACTIVITY_COLORS.get(activity, "#DDDDDD")
        hatch = ACTIVITY_HATCH.get(activity)
        # a hatch is drawn in the edge colour: light on a dark fill, or it disappears
        edge = "0.8" if hatch and text_color(color) == "white" else "0.35"
        ax.barh(y, values.to_numpy(), left=left.to_numpy(), color=color, edgecolor=edge, linewidth=0.4,
                hatch=hatch, label=activity_label(activity), gid=activity)
        for i, (x0, v) in enumerate(zip(left, values)):
            if v >= min_label:  # on a hatched fill the number gets a white patch of its own
                ax.text(x0 + v / 2, i, f"{v:.0f}%", ha="center", va="center", fontsize=fontsize,
                        color="black" if hatch else text_color(color),
                        bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.85) if hatch else None)
        left += values
        drawn.append(activity)
    ax.set_yticks(list(y), list(frame.index))
    ax.set_ylim(len(frame) - 0.5, -0.5)  # first row on top
    ax.set_xlim(0, 100)
    return drawn


def time_use_frame(shares: dict[str, dict[str, float]]) -> pd.DataFrame:
    """Role (readable) x activity, in % of paid time; each row adds up to 100 (the ledger books every hour)."""
    frame = pd.DataFrame(shares).T.fillna(0.0) * 100
    frame = frame[activity_order(frame.columns)]
    frame.index = [ROLE_LABELS.get(r, plain(r)) for r in frame.index]
    return frame


def time_use_figure(shares: dict[str, dict[str, float]], title: str):
    """Stacked bars: each role's paid time by activity (adds up to 100 %), every booked activity drawn."""
    frame = time_use_frame(shares)
    fig, ax = plt.subplots(figsize=(10, 0.7 * len(frame) + 4.0), layout="constrained")
    stacked_bars(ax, frame)
    ax.set_xlabel("share of paid working time (%); bars add up to 100 %", fontsize=11)
    ax.set_ylabel("staff role", fontsize=11)
    ax.tick_params(labelsize=11)
    ax.set_title(f"{plain(title)}: time use per role (after warm-up)", fontsize=13)
    fig.legend(ncol=3, fontsize=10, loc="outside lower center", frameon=False)
    return fig


def time_use(shares: dict[str, dict[str, float]], title: str, path: Path) -> Path:
    """The time-use figure, saved."""
    return save(time_use_figure(shares, title), path)
