"""``report.html`` in a real browser: headless Chromium (Debian's ``chromium``) driven by Playwright.

Two reports from tiny experiments (``tiny_experiment.py``; a few seconds each): one with the default
experiment's variants (experiments/default.yaml) and one with caseload caps like
experiments/caseload_cap.yaml, with caps low enough to bind within the tiny run's 20 weeks. Each is
opened at 1400 and 800 px: no console or page errors and nothing loaded from outside the file; every
image rendered; no text overflowing its box; no sideways scrolling; every headline sentence, gist and
warning on the page. Full-page screenshots go to ``results/test-artifacts/browser/`` (overwritten each
run, with a copy of each report beside them). Setup and skipping: ``browser.py`` (skips on a laptop
without Chromium or Playwright, fails under ``CI=true``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from browser import CHROMIUM_ARGS, find_chromium, normalise, open_report, sync_playwright, unavailable
from omegaconf import OmegaConf
from tiny_experiment import run_tiny, tiny_spec

from sim.experiments.spec import for_district
from sim.outputs.report import gist, headline_rows, warnings

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "results" / "test-artifacts" / "browser"
WIDTHS = (1400, 800)


def experiment_file(name: str) -> dict:
    return OmegaConf.to_container(OmegaConf.load(REPO / "experiments" / f"{name}.yaml"))


def default_like():
    spec = experiment_file("default")
    return tiny_spec(name="browser_default", title=spec["title"], question=spec["question"], org=spec["org"],
                     baseline=spec["baseline"], variants=spec["variants"])


def caseload_cap_like():
    # experiments/caseload_cap.yaml caps at 85 and 60; a 20-week run never gets near those caseloads (about
    # 18), so the tiny caps bind and the report shows the overflow queue.
    spec = experiment_file("caseload_cap")
    return tiny_spec(name="browser_caseload_cap", title="Farsta: a caseload cap of 15 or 8 per caseworker (tiny)",
                     question=spec["question"], org=spec["org"], baseline=spec["baseline"],
                     variants={spec["baseline"]: spec["variants"][spec["baseline"]],
                               "cap_15": ["variant=[caseload_cap]", "variant.caseload_cap=15"],
                               "cap_8": ["variant=[caseload_cap]", "variant.caseload_cap=8"]})


SPECS = {"default": default_like, "caseload_cap": caseload_cap_like}


class Screenshots:
    """Lists the screenshots at the end of the terminal output (also under -q)."""

    def __init__(self):
        self.paths: list[Path] = []

    def pytest_terminal_summary(self, terminalreporter):
        terminalreporter.section("report screenshots")
        for path in self.paths:
            terminalreporter.write_line(str(path))


@pytest.fixture(scope="session")
def screenshots(pytestconfig):
    plugin = Screenshots()
    pytestconfig.pluginmanager.register(plugin, "report-screenshots")
    return plugin


@pytest.fixture(scope="session")
def chromium():
    """A headless Chromium (Debian's) under Playwright, for the whole session."""
    playwright = sync_playwright()  # checked first: no apt-get install for nothing
    executable = find_chromium()
    with playwright as p:
        try:
            browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        except Exception as err:  # playwright's Error: a browser that does not start
            unavailable(f"{executable} does not start under Playwright: {err}")
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """name -> (spec, summary, report.html) of a tiny experiment, each run once, when first asked for."""
    made = {}

    def report(name: str):
        if name not in made:
            spec = SPECS[name]()
            out = tmp_path_factory.mktemp(f"browser_{name}")
            _, summary, _ = run_tiny(out, spec)
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(out / "report.html", ARTIFACTS / f"{name}.html")
            made[name] = (for_district(spec), summary, out / "report.html")
        return made[name]

    return report


# One parameter for both (report, width): pytest then builds each report once, not once per width.
@pytest.fixture(scope="module", params=[(name, width) for name in SPECS for width in WIDTHS],
                ids=lambda p: f"{p[0]}-{p[1]}px")
def view(request, reports, chromium, screenshots):
    name, width = request.param
    shot = ARTIFACTS / f"{name}_{width}px.png"
    result = open_report(chromium, reports(name)[2], name, width, shot)
    screenshots.paths.append(shot)
    print(f"screenshot: {shot}")
    return result


def test_no_console_errors_page_errors_or_outside_requests(view):
    assert view.errors == []
    assert view.requests == [], "the report should be self-contained"


def test_every_image_is_rendered(view):
    images = view.measured["images"]
    assert len(images) >= 5, images  # headline figures, waits, time use, over time, cost against service
    broken = [i for i in images if not (i["complete"] and i["naturalWidth"] > 0 and i["naturalHeight"] > 0
                                        and i["width"] > 0 and i["height"] > 0)]
    assert broken == []
    flat = [s for s in view.measured["svgs"] if not (s["width"] > 0 and s["height"] > 0)]
    assert flat == []


def test_no_text_overflows_its_box(view):
    assert view.measured["overflowing"] == []


def test_the_page_does_not_scroll_sideways(view):
    # A wide table may scroll inside a scroll container (overflow-x), never the page itself.
    m = view.measured
    assert m["stickingOut"] == []
    assert m["scrollWidth"] <= m["innerWidth"]


def test_every_headline_sentence_and_warning_is_on_the_page(view, reports):
    spec, summary, _ = reports(view.name)
    rows = headline_rows(spec, summary)
    assert rows, "a tiny experiment with variants should have headline sentences"
    sentences = [s for _, s in rows] + [gist(spec, summary, v) for v in dict(rows)] + warnings(spec, summary)
    missing = [s for s in sentences if normalise(s) not in view.text]
    assert missing == []
