"""The experiment's outputs for a manager: ``report.html`` (self-contained, plots embedded,
headline sentences that agree with ``summary.csv``), ``summary.csv`` and the tidy results in
CSV and Parquet. Built once from the tiny experiment (``tiny_experiment.py``).
"""

from __future__ import annotations

import base64
import csv
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from tiny_experiment import BASELINE, REPLICATIONS, VARIANT, run_tiny, tiny_spec

from sim.analysis.kpis import BY_KEY, KPIS, fmt
from sim.outputs.files import atomic_write

SUMMARY_COLUMNS = ["variant", "metric", "mean", "ci_low", "ci_high", "diff", "diff_ci_low", "diff_ci_high",
                   "queue_settles"]
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
PNG = b"\x89PNG\r\n\x1a\n"


class Page(HTMLParser):
    """Collects structure errors (unbalanced tags), images and the text of list items."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.images: list[dict[str, str]] = []
        self.items: list[str] = []
        self.seen: set[str] = set()
        self._item: list[str] | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.seen.add(tag)
        if tag == "img":
            self.images.append(dict(attrs))
        if tag in VOID:
            return
        self.stack.append(tag)
        if tag == "li":
            self._item = []

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag in VOID:
            self.errors.append(f"end tag for void element <{tag}>")
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else 'nothing'}>")
            return
        self.stack.pop()
        if tag == "li" and self._item is not None:
            self.items.append("".join(self._item).strip())
            self._item = None

    def handle_data(self, data):
        self.text.append(data)
        if self._item is not None:
            self._item.append(data)


@pytest.fixture(scope="module")
def experiment(tmp_path_factory):
    out = tmp_path_factory.mktemp("tiny_experiment")
    frame, summary, details = run_tiny(out)
    return out, frame, summary


@pytest.fixture(scope="module")
def page(experiment):
    out = experiment[0]
    parser = Page()
    parser.feed((out / "report.html").read_text(encoding="utf-8"))
    parser.close()
    return parser


def test_report_html_is_well_formed(page):
    assert page.errors == []
    assert page.stack == []  # every opened tag was closed
    assert {"html", "head", "title", "body", "h1", "h2", "table", "tr", "td", "th", "ul", "li", "img"} <= page.seen


def test_report_embeds_every_plot_as_png(experiment, page):
    out = experiment[0]
    html = (out / "report.html").read_text(encoding="utf-8")
    plots = sorted(out.glob("*.png"))
    assert len(plots) == 6  # kpis, waits, time use, over time, cost against service, money
    assert html.count('<img src="data:image/png;base64,') == len(plots) == len(page.images)
    files = {p.stem: p.read_bytes() for p in plots}
    for img in page.images:
        prefix = "data:image/png;base64,"
        assert img["src"].startswith(prefix)
        data = base64.b64decode(img["src"][len(prefix):], validate=True)
        assert data.startswith(PNG)
        assert data == files.pop(img["alt"])  # the plot written beside the report, each once
    assert files == {}


def test_report_names_the_variants_and_the_baseline(experiment, page):
    text = "".join(page.text)
    spec = tiny_spec()
    assert f"{BASELINE} (baseline)" in text
    assert f"{VARIANT} compared with {BASELINE}" in text
    for variant, overrides in spec.variants.items():
        assert f"{variant}: {' '.join(overrides)}" in text or f"{variant} (baseline): {' '.join(overrides)}" in text
    assert spec.title in text and spec.question in text


def summary_rows(out: Path) -> list[dict[str, str]]:
    with (out / "summary.csv").open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_headline_sentence_states_the_summary_difference(experiment, page):
    out = experiment[0]
    kpi = BY_KEY["first_visit_wait_weeks"]
    row = next(r for r in summary_rows(out) if r["variant"] == VARIANT and r["metric"] == kpi.key)
    diff, low, high = float(row["diff"]), float(row["diff_ci_low"]), float(row["diff_ci_high"])
    # The tiny experiment is built so the wait is clearly shorter (tiny_experiment.py).
    assert high < 0, "the tiny experiment should give a clear difference in the first-visit wait"
    sentences = [s for s in page.items if s.startswith(f"{kpi.label}: ")]
    assert len(sentences) == 1, sentences
    sentence = sentences[0]
    number = re.match(rf"{re.escape(kpi.label)}: ([-\d.,]+) {kpi.unit} shorter than “{BASELINE}” ", sentence)
    assert number, sentence
    assert number.group(1) == fmt(kpi, abs(diff))
    lo, hi = sorted((abs(low), abs(high)))
    assert f"(95 % CI {fmt(kpi, lo)} to {fmt(kpi, hi)})" in sentence
    assert sentence.endswith("better")  # shorter waits are better


def test_summary_csv_has_exactly_the_contract_columns(experiment):
    out, frame, _ = experiment
    rows = summary_rows(out)
    with (out / "summary.csv").open(newline="", encoding="utf-8") as f:
        assert next(csv.reader(f)) == SUMMARY_COLUMNS
    metrics_ = set(frame["metric"])
    assert len(rows) == 2 * len(metrics_)
    assert {(r["variant"], r["metric"]) for r in rows} == {(v, m) for v in (BASELINE, VARIANT) for m in metrics_}
    for r in rows:
        assert r["queue_settles"] in ("yes", "no", "unknown"), r
        if r["variant"] == BASELINE:
            assert r["diff"] == r["diff_ci_low"] == r["diff_ci_high"] == "", r
    assert all(r["diff"] != "" for r in rows if r["variant"] == VARIANT and r["metric"] in {k.key for k in KPIS}
               and r["mean"] != "")


def test_summary_agrees_with_the_replications_in_results_csv(experiment):
    out = experiment[0]
    results = pd.read_csv(out / "results.csv")
    summary = pd.read_csv(out / "summary.csv")
    wide = results.pivot_table(index=["metric", "replication"], columns="variant", values="value")
    for metric in ("first_visit_wait_weeks", "cost_sek_per_year", "caseload_per_caseworker"):
        block = wide.loc[metric]
        assert len(block) == REPLICATIONS
        got = summary[(summary["variant"] == VARIANT) & (summary["metric"] == metric)].iloc[0]
        assert got["mean"] == pytest.approx(block[VARIANT].mean(), rel=1e-12)
        assert got["diff"] == pytest.approx((block[VARIANT] - block[BASELINE]).mean(), rel=1e-12, abs=1e-9)


def test_results_parquet_reads_back_equal_to_results_csv(experiment):
    out, frame, _ = experiment
    from_csv = pd.read_csv(out / "results.csv")
    from_parquet = pd.read_parquet(out / "results.parquet")
    assert list(from_parquet["variant"].cat.categories) == [BASELINE, VARIANT]  # baseline first
    assert len(from_csv) == len(frame) > 100
    pd.testing.assert_frame_equal(from_csv, from_parquet.assign(variant=from_parquet["variant"].astype(str)),
                                  check_dtype=False, check_exact=True)


def test_report_states_a_measured_period_that_is_not_zero(experiment):
    html = (experiment[0] / "report.html").read_text(encoding="utf-8")
    assert "for 0 years" not in html


def test_written_outputs_follow_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        atomic_write(tmp_path / "report.html", lambda tmp: tmp.write_text("<p>x</p>", encoding="utf-8"))
    finally:
        os.umask(old)
    assert (tmp_path / "report.html").stat().st_mode & 0o777 == 0o644
