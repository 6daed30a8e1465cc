"""What an optimisation found, for a manager: the table of candidates, the trade-off plot and the page (issue 18)."""

from __future__ import annotations

import html as _html
import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from sim.analysis.feasibility import BUSY, Result, confidence_met, pool_name, side, verdict  # noqa: E402
from sim.analysis.kpis import BY_KEY  # noqa: E402
from sim.analysis.stats import estimate as interval  # noqa: E402
from sim.config.vocabulary import DISTRICTS  # noqa: E402
from sim.outputs.files import atomic_write, write_csv  # noqa: E402


def org_name(spec) -> str:
    return spec.label or DISTRICTS.get(spec.org, spec.org)


def figure_name(metric: str) -> str:
    if metric.startswith(BUSY):
        return f"busy share of the {pool_name(metric[len(BUSY):])} (%)"
    kpi = BY_KEY.get(metric)
    return f"{kpi.label} ({kpi.unit})" if kpi else metric.replace("_", " ")


def shown(metric: str, value: float) -> str:
    kpi = BY_KEY.get(metric)
    if value != value:
        return "no value"
    if metric.startswith(BUSY):
        return f"{value * 100:.0f}"
    return f"{value * kpi.scale:.{kpi.decimals}f}" if kpi else f"{value:.3g}"


def table(result: Result) -> pd.DataFrame:
    """One row per staffing evaluated: the pools, the cost, replications, and per target mean, 95 % CI, confidence."""
    spec, rows = result.spec, []
    front = pareto(result)
    for staffing, est in sorted(result.estimates.items(), key=lambda kv: kv[1].cost):
        row = dict(zip(spec.pools, staffing))
        row.update({"cost_sek_per_year": est.cost, "replications": est.n, "verdict": verdict(spec, est),
                    "chosen": staffing == result.chosen, "today": staffing == result.today,
                    "pareto": staffing in front})
        for m in spec.target:
            ci = interval(est.values[m])
            row.update({f"{m}.mean": est.mean(m), f"{m}.ci_low": ci.low, f"{m}.ci_high": ci.high,
                        f"{m}.confidence_met": confidence_met(spec, est, m)})
        rows.append(row)
    return pd.DataFrame(rows)


def pareto(result: Result) -> set:
    """The staffings no other evaluated one beats on both cost and the first target (lower cost, better figure)."""
    metric = next(iter(result.spec.target))
    sign = 1 if side(metric) == "max" else -1
    points = [(e.cost, sign * e.mean(metric), s) for s, e in result.estimates.items()]
    front, best = set(), math.inf
    for cost, value, s in sorted(points):
        if value < best:
            front.add(s)
            best = value
    return front


# the optimisation's pages (one organisation's and a city's)
STYLE = """body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; }
table { border-collapse: collapse; } td, th { border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: right; }
td:first-child, th:first-child { text-align: left; } .gist { font-weight: bold; }
.warning { border-left: 4px solid #D55E00; padding: 0.5em 1em; background: #fff3ee; }
img { max-width: 100%; }"""

VERDICT_COLOURS = {"meets": "#009E73", "fails": "#D55E00", "edge": "#E69F00", "unsure": "0.55"}
VERDICT_WORDS = {"meets": "meets every target", "fails": "misses a target", "edge": "on the edge of a target",
                 "unsure": "not yet clear"}


def plot(result: Result, path: Path) -> Path:
    """Staff cost against each target's figure: every staffing tried (coloured by its verdict on all targets),
    the trade-off front on the first target, the target line, today's staffing and the recommendation."""
    spec, frame = result.spec, table(result)
    metrics = [m for m in spec.target if not m.startswith(BUSY)]  # busy shares: in the tables
    fig, axes = plt.subplots(1, len(metrics), figsize=(max(8.5, 6.5 * len(metrics)), 5.5), layout="constrained",
                             squeeze=False)
    x = frame["cost_sek_per_year"] * 1e-6
    for i, (ax, metric) in enumerate(zip(axes[0], metrics)):
        kpi = BY_KEY.get(metric)
        scale = kpi.scale if kpi else 100.0 if metric.startswith(BUSY) else 1.0
        y = frame[f"{metric}.mean"] * scale
        err = (frame[f"{metric}.ci_high"] - frame[f"{metric}.mean"]) * scale
        low = err.where(y - err >= 0, y)  # a wait or a share is never below 0: a few replications' interval is cut
        for call, colour in VERDICT_COLOURS.items():
            sel = frame["verdict"] == call
            if sel.any():
                ax.errorbar(x[sel], y[sel], yerr=[low[sel], err[sel]], fmt="o", color=colour, ms=5, capsize=3,
                            label=f"tried: {VERDICT_WORDS[call]} (95 % CI)")
        if i == 0:
            on = frame[frame["pareto"]].sort_values("cost_sek_per_year")
            ax.plot(on["cost_sek_per_year"] * 1e-6, on[f"{metric}.mean"] * scale, "-", color="#0072B2", lw=1.2,
                    label="trade-off: nothing tried is cheaper and better")
        ax.axhline(spec.target[metric] * scale, color="#D55E00", ls="--", lw=1.2,
                   label=f"target: {'at most' if side(metric) == 'max' else 'at least'} "
                         f"{shown(metric, spec.target[metric])}")
        for flag, marker, colour, label in (("today", "s", "0.2", "today's staffing"),
                                            ("chosen", "*", "#009E73", "recommended")):
            sel = frame[frame[flag]]
            if len(sel):
                ax.plot(sel["cost_sek_per_year"] * 1e-6, sel[f"{metric}.mean"] * scale, marker, color=colour,
                        mfc="none" if marker == "s" else colour, mew=2, ms=18 if marker == "*" else 12, label=label,
                        zorder=5)
        unit = "MSEK a year" if in_sek(result) else "cost units, millions"
        ax.set_xlabel(f"staff cost of the pools optimised ({unit})")
        ax.set_ylabel(figure_name(metric))
        ax.grid(alpha=0.3)
        ax.set_title(figure_name(metric), fontsize=12)
    axes[0][0].legend(fontsize=8.5, loc="best")
    fig.suptitle(f"{org_name(spec)}: staff cost against the targets' figures", fontsize=13)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def sentence(result: Result) -> str:
    """The answer in one sentence, with how sure it is."""
    spec, est = result.spec, result.estimates[result.chosen]
    pools = staffing_words(spec, result.chosen)
    diff = (est.cost - sum(v * u for v, u in zip(result.today, result.unit_costs))) * 1e-6
    call = result.verdict
    main = [m for m in spec.target if not m.startswith(BUSY)]
    if result.check:  # the fresh seeds' estimate: what the search's seeds did not see
        figures = {m: result.check[m][0] for m in spec.target}
        sure = "; ".join(f"{figure_name(m)} {shown(m, mean)} (95 % CI {shown(m, lo)}–{shown(m, hi)} on "
                         f"{result.check_n} fresh seeds) against a target of {shown(m, spec.target[m])}"
                         f"{'' if inside else ', NOT confirmed'}"
                         for m, (mean, lo, hi, inside) in result.check.items() if m in main)
        missed = [m for m, v in result.check.items() if m not in main and not v[3]]
    else:
        figures = {m: est.mean(m) for m in spec.target}
        sure = "; ".join(f"{figure_name(m)} {shown(m, est.mean(m))} against a target of {shown(m, spec.target[m])}, "
                         f"met with {percent(confidence_met(spec, est, m))} confidence" for m in main)
        missed = []
    busy = [m for m in spec.target if m.startswith(BUSY)]
    if busy:  # the busy limits in one clause: the busiest pool
        top = max(busy, key=lambda m: figures[m])
        sure += (f"; every pool at most {spec.max_busy * 100:.0f} % busy (the busiest, the "
                 f"{pool_name(top[len(BUSY):])}, {shown(top, figures[top])} %{', NOT confirmed' if missed else ''})")
    stalled = any("something other than these pools" in line for line in result.log)
    if result.recommended and not stalled:
        head = f"Recommended: {pools}"
    elif call == "meets":
        head = (f"Enough on the search's replications, but the check on fresh seeds does not confirm it (a figure "
                f"lies too close to its target), and no confirmed step up was found: {pools}")
    elif call == "edge":
        head = (f"On the edge of a target (within its tolerance, optimise.tolerance), and no step up was confirmed "
                f"within the budget: {pools}")
    elif call == "fails" and any("something other than these pools" in line for line in result.log):
        head = (f"No staffing of these pools meets every target: more staff stopped bringing the figures closer, so "
                f"something else (a routine, a notice, the inflow) keeps them short; the closest tried: {pools}")
    elif call == "fails":
        head = f"No staffing tried meets every target; the closest: {pools}"
    else:
        head = (f"Most likely enough, but not shown with {spec.confidence * 100:.0f} % confidence within the "
                f"budget of {spec.budget} replications: {pools}")
    cost = (f"{'+' if diff >= 0 else '−'}{abs(diff):.2f} MSEK a year" if in_sek(result)
            else f"{diff * 1e6:+g} cost units")
    return f"{head} ({cost} against today's staffing). {sure}."


def unconfirmed_words(result: Result, staffing, check: dict, n: int) -> str:
    """Why a cheaper staffing was not recommended: its fresh-seed check, or its edge on the search's seeds."""
    e = _html.escape
    if check:
        return "; ".join(f"{e(figure_name(m))} {e(shown(m, mean))} ({e(shown(m, lo))}–{e(shown(m, hi))})"
                         f"{'' if inside else ' <b>not inside</b>'}"
                         for m, (mean, lo, hi, inside) in check.items()) + f", on {n} fresh seeds"
    est = result.estimates[staffing]
    conf = {m: percent(confidence_met(result.spec, est, m)) for m in result.spec.target}
    return "; ".join(f"{e(figure_name(m))} {e(shown(m, est.mean(m)))} ({e(conf[m])} confidence)"
                     for m in result.spec.target) + (
        f", on {est.n} of the search's replications: " + (
            "within a target's tolerance, on its edge" if verdict(result.spec, est) == "edge"
            else "the budget ran out before a target was shown met or missed"))


def neighbour_call(result: Result, staffing) -> str:
    """A cheaper neighbour's standing, each in one kind: fails, edge (on a target's edge or not confirmed on fresh
    seeds), meets (on the search's seeds) or unsure."""
    call = verdict(result.spec, result.estimates[staffing])
    if call != "fails" and staffing in {u[0] for u in result.unconfirmed}:
        return "edge"
    return call


def cheaper_words(result: Result) -> str:
    """What the cheaper neighbours' verdicts say about the choice being the least cost, in words."""
    calls = [neighbour_call(result, s) for s in result.cheaper]
    if not calls:
        return "There is none within the bounds."
    if all(c == "fails" for c in calls):
        return f"Each of the {len(calls)} misses a target with the stated confidence: nothing next to it is cheaper."
    n = {k: calls.count(k) for k in ("fails", "edge", "meets", "unsure")}
    if n["unsure"] == 0 and n["meets"] == 0:
        return (f"{n['fails']} of the {len(calls)} miss a target with the stated confidence and {n['edge']} lie on the "
                "edge of one (within its tolerance, or not confirmed on fresh seeds): nothing next to it is surely "
                "cheaper and enough.")
    return (f"{n['fails']} of the {len(calls)} miss a target with the stated confidence, {n['edge']} lie on the edge "
            f"of one, {n['unsure']} not yet clear within the replications given and {n['meets']} meet every target "
            "on the search's seeds: a cheaper staffing may be enough.")


def bound_note(pool, value: float) -> str:
    """A pool the search stopped at its bound: the bound, not the targets, set it."""
    if pool.low == pool.high:
        return "fixed"
    if value <= pool.low + 1e-9:
        return f"at its lower bound ({pool.low:g}): the targets might allow fewer"
    if value >= pool.high - 1e-9:
        return f"at its upper bound ({pool.high:g})"
    return ""


def staffing_words(spec, staffing) -> str:
    return ", ".join(f"{v:g} {pool_name(k)}" for k, v in zip(spec.pools, staffing))


def in_sek(result: Result) -> bool:
    """Whether the pools' costs are money (a reduction's servers cost one unit each)."""
    return all(u >= 1000 for u in result.unit_costs)


def percent(p: float) -> str:
    """A confidence in words that never rounds up to a certainty."""
    if p != p:
        return "no value"
    if p < 0.0005:
        return "below 0.1 %"
    return "above 99.9 %" if p >= 0.9995 else f"{p * 100:.1f} %"


def write(result: Result, out_dir: Path) -> dict[str, Path]:
    """candidates.csv, tradeoff.png and optimise.html into ``out_dir`` (each atomically)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    frame = table(result)
    write_csv(out_dir / "candidates.csv", frame)
    figure = plot(result, out_dir / "tradeoff.png")
    atomic_write(out_dir / "optimise.html", lambda tmp: tmp.write_text(page(result, frame, figure), encoding="utf-8"))
    return {"candidates": out_dir / "candidates.csv", "plot": figure, "page": out_dir / "optimise.html"}


def check_html(result: Result) -> str:
    """The choice run again on fresh seeds: each target's estimate, and whether its whole 95 % CI is inside."""
    if not result.check:
        return "<p>Not run (optimise.check_replications below 2).</p>"
    e, spec = _html.escape, result.spec
    rows = "".join(f"<tr><td>{e(figure_name(m))}</td><td>{e(shown(m, mean))} ({e(shown(m, lo))}–{e(shown(m, hi))})"
                   f"</td><td>{'yes' if inside else '<b>no</b>'}</td></tr>"
                   for m, (mean, lo, hi, inside) in result.check.items())
    ok = all(v[3] for v in result.check.values())
    edge = "".join(f"<li>{e(staffing_words(spec, st))}: {unconfirmed_words(result, st, chk, n)}</li>"
                   for st, chk, n in result.unconfirmed)
    if edge:
        edge = ("<p>Cheaper, but <b>not confirmed</b>: its long-run figure lies too close to a target to tell which "
                f"side, or its fresh-seed check puts it outside. The search went on from a step up.</p><ul>{edge}</ul>")
    return edge + (f"<p>The recommended staffing again, on {result.check_n} fresh seeds the search never used "
            f"(batches of "
            f"{spec.check_replications} until every interval is clear, at most {spec.check_max}): "
            f"{'every 95 % interval lies inside its target.' if ok else 'an interval is not inside its target: '}"
            f"{'' if ok else 'the recommendation is not confirmed; give the check more replications.'}</p>"
            f"<table><tr><th>figure</th><th>estimate (95 % CI)</th><th>interval inside the target</th></tr>{rows}"
            "</table>")


def page(result: Result, frame: pd.DataFrame, figure: Path) -> str:
    import base64

    e, spec = _html.escape, result.spec
    chosen, est = result.chosen, result.estimates[result.chosen]
    rows = "".join(f"<tr><td>{e(pool_name(k))}</td><td>{t:g}</td><td>{c:g}</td><td>{c - t:+g}</td>"
                   f"<td>{e(bound_note(spec.pools[k], c))}</td></tr>"
                   for k, t, c in zip(spec.pools, result.today, chosen))
    cis = {m: interval(est.values[m]) for m in spec.target}
    targets = "".join(
        f"<tr><td>{e(figure_name(m))}</td><td>{'at most' if side(m) == 'max' else 'at least'} "
        f"{e(shown(m, spec.target[m]))}</td><td>{e(shown(m, est.mean(m)))} "
        f"({e(shown(m, cis[m].low))}–{e(shown(m, cis[m].high))})</td>"
        f"<td>{percent(confidence_met(spec, est, m))}</td></tr>" for m in spec.target)
    cheaper = "".join(
        f"<li>{e(staffing_words(spec, s))}: "
        f"{e(neighbour_call(result, s))} "
        f"({'; '.join(f'{figure_name(m)} {shown(m, result.estimates[s].mean(m))}' for m in spec.target)}, "
        f"{result.estimates[s].n} replications)</li>" for s in result.cheaper)
    img = base64.b64encode(Path(figure).read_bytes()).decode()
    if not result.recommended:
        budget = ("<p class=\"warning\">Not a recommendation: no staffing tried was shown to meet every target, on "
                  "the search's seeds and on fresh ones. Read the search below; raise <code>budget=</code> or loosen "
                  "a target.</p>")
    elif result.verdict != "meets":
        budget = (f"<p class=\"warning\">The search's {est.n} replications of it did not show every target met with "
                  f"{spec.confidence:.0%} confidence before the budget of {spec.budget} ran out; the check on fresh "
                  "seeds below does.</p>")
    else:
        budget = ""
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{e(spec.name)}</title>
<style>{STYLE}</style></head><body>
<h1>{e(org_name(spec))}: the least-cost staffing that meets the targets</h1>
<p class="gist">{e(sentence(result))}</p>{budget}
<h2>Recommended staffing against today's</h2>
<table><tr><th>staff pool</th><th>today</th><th>recommended</th><th>change</th><th></th></tr>{rows}</table>
<h2>The targets</h2>
<table><tr><th>figure</th><th>target</th><th>estimate (95 % CI)</th><th>confidence it is met</th></tr>{targets}</table>
<p>The confidence is one-sided, from {est.n} replications on seeds 0–{est.n - 1}; a staffing is called enough when
every target is met with {spec.confidence * 100:.0f} % confidence together (Bonferroni over the targets).</p>
<h2>Independent check</h2>{check_html(result)}
<h2>Cheaper staffings next to it</h2>
<p>A step off each pool, and each move of a step from one pool to a cheaper one.
{e(cheaper_words(result))}</p><ul>{cheaper or '<li>none within the bounds</li>'}</ul>
<p>Each was given more replications while its verdict was unsure ({result.runs} replications on the search's
seeds, against a search budget of {spec.budget}: refuting these comes on top). <i>fails</i>: some target is
missed with the stated confidence.</p>
<h2>How the search went</h2><ol>{''.join(f"<li>{e(line)}</li>" for line in result.log)}</ol>
<h2>The trade-off</h2><img src="data:image/png;base64,{img}" alt="trade-off">
<p><small>Every staffing tried: <code>candidates.csv</code>. The model's figures are only as good as its
calibration (docs/validation.md); staff costs are the config's costs per FTE.</small></p></body></html>
"""


def slug(name: str) -> str:
    """A district's name as a folder name (Älvsjö -> alvsjo)."""
    import re
    import unicodedata

    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-") or "district"


def city_table(results: list[tuple[str, Result]]) -> pd.DataFrame:
    """One row per district: each pool today and recommended, the cost change, and how sure."""
    rows = []
    for name, r in results:
        row = {"district": name, "folder": slug(name)}
        for key, today, chosen in zip(r.spec.pools, r.today, r.chosen):
            row[f"{key}.today"], row[f"{key}.recommended"] = today, chosen
        today_cost = sum(v * u for v, u in zip(r.today, r.unit_costs))
        row.update({"cost_change_sek_per_year": r.estimates[r.chosen].cost - today_cost, "verdict": r.verdict,
                    "confirmed_on_fresh_seeds": r.confirmed,
                    "stalled": any("something other than these pools" in line for line in r.log)})
        rows.append(row)
    return pd.DataFrame(rows)


def city_sentence(results: list[tuple[str, Result]]) -> str:
    frame = city_table(results)
    total = frame["cost_change_sek_per_year"].sum() * 1e-6
    sure = frame["verdict"].eq("meets") & frame["confirmed_on_fresh_seeds"]
    head = (f"The city: {'+' if total >= 0 else '−'}{abs(total):.2f} MSEK a year against today's staffing, summed over "
            f"{len(frame)} districts; {int(sure.sum())} of them meet every target, confirmed on fresh seeds")
    if not sure.all():
        head += f"; not shown for {', '.join(frame.loc[~sure, 'district'])} (see their pages)"
    return head + "."


def write_city(spec, results: list[tuple[str, Result]], out_dir: Path) -> dict[str, Path]:
    """city.csv and the city's optimise.html (each district's own page in its folder)."""
    frame = city_table(results)
    write_csv(Path(out_dir) / "city.csv", frame)
    e, pools = _html.escape, list(spec.pools)
    head = "".join(f"<th>{e(pool_name(k))}<br>today → recommended</th>" for k in pools)
    rows = []
    for _, row in frame.iterrows():
        cells = "".join(f"<td>{row[f'{k}.today']:g} → {row[f'{k}.recommended']:g}</td>" for k in pools)
        call = ("meets, confirmed" if row["verdict"] == "meets" and row["confirmed_on_fresh_seeds"]
                else "out of these pools' reach" if row["stalled"] else f"<b>not shown</b> ({e(row['verdict'])})")
        rows.append(f"<tr><td><a href=\"{row['folder']}/optimise.html\">{e(row['district'])}</a></td>{cells}"
                    f"<td>{row['cost_change_sek_per_year'] * 1e-6:+.2f}</td><td>{call}</td></tr>")
    totals = "".join(f"<td>{frame[f'{k}.today'].sum():.1f} → {frame[f'{k}.recommended'].sum():g}</td>" for k in pools)
    targets = "; ".join(f"{figure_name(m)} {'at most' if side(m) == 'max' else 'at least'} {shown(m, b)}"
                        for m, b in spec.target.items())
    page_html = f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{e(spec.name)}: the city</title>
<style>{STYLE}</style></head><body>
<h1>{e(org_name(spec))}: the least-cost staffing that meets the targets in every district</h1>
<p class="gist">{e(city_sentence(results))}</p>
<p>Targets, in each district: {e(targets)}. The districts share no staff and no households in this model, so the
city's least cost is the sum of each district's own; a city-wide target (a mean over the districts) would let one
district's slack pay for another's shortfall, and is not offered. Each district is its studied model district scaled
(configs/org/{e(spec.org)}.yaml: the scales are assumptions).</p>
<table><tr><th>district</th>{head}<th>cost change (MSEK a year)</th><th>verdict</th></tr>{''.join(rows)}
<tr><td><b>the city</b></td>{totals}<td><b>{frame['cost_change_sek_per_year'].sum() * 1e-6:+.2f}</b></td><td></td></tr>
</table>
<p><small>Every district's page, trade-off and candidates: its folder. <code>city.csv</code>: this table.</small></p>
</body></html>
"""
    atomic_write(Path(out_dir) / "optimise.html", lambda tmp: tmp.write_text(page_html, encoding="utf-8"))
    return {"table": Path(out_dir) / "city.csv", "page": Path(out_dir) / "optimise.html"}
