"""Headless Chromium for the report tests (``test_report_browser.py``).

The browser is Debian's ``chromium`` package driven by Playwright (pip ``playwright``, in the test
extras); ``playwright install`` is never run, the system's browser is used. Where either is missing:
Chromium is installed with apt-get only when asked (``CI=true`` or ``CASEFLOW_TEST_SERVICES=1``,
tests/machine.py) and we are root (``apt-get update`` once, then ``apt-get install -y chromium``),
otherwise the tests are skipped with the reason; under ``CI=true`` they fail instead of skipping, so CI
never passes without having looked at the report in a browser.

``measure`` collects everything the tests judge in one ``page.evaluate``: the images and SVGs as
rendered, text that overflows its box, elements that stick out of the viewport, the page's width.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from machine import chromium_plan

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu"]


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def unavailable(reason: str):
    """Skip on a laptop; fail under CI=true (the browser tests must run there)."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: the browser tests must run, not be skipped)", pytrace=False)
    pytest.skip(reason)


def _tail(proc: subprocess.CompletedProcess, lines: int = 15) -> str:
    return "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-lines:])


def find_chromium() -> str:
    """The path of Debian's chromium; installed with apt-get if missing and we may."""
    path = shutil.which("chromium")
    action, reason = chromium_plan(os.environ, chromium=bool(path),
                                   root=hasattr(os, "geteuid") and os.geteuid() == 0,
                                   apt_get=shutil.which("apt-get") is not None)
    if action == "use":
        return path
    if action == "skip":
        unavailable(reason)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", "chromium"]):
        try:
            proc = subprocess.run(command, capture_output=True, text=True, env=env, timeout=900)
        except subprocess.TimeoutExpired:
            unavailable(f"{' '.join(command)} took more than 15 minutes")
        if proc.returncode != 0:
            unavailable(f"{' '.join(command)} failed (exit {proc.returncode}):\n{_tail(proc)}")
    path = shutil.which("chromium")
    if not path:
        unavailable("apt-get install -y chromium succeeded but no chromium is on PATH")
    return path


def sync_playwright():
    """Playwright's sync_playwright(), or skip/fail when the package is missing."""
    try:
        from playwright.sync_api import sync_playwright as start
    except ImportError as err:
        unavailable(f"the browser tests need Playwright ({err}): pip install -e '.[test]'")
    return start()


# One evaluate for everything a test judges. Block elements: scrollWidth beyond clientWidth (+1 px for
# rounding). Inline elements (<small>, <code> in running text): every line box inside the nearest block
# ancestor. "stickingOut": elements reaching past the viewport's edges that no scroll container holds,
# i.e. what makes the page itself scroll sideways.
MEASURE_JS = """() => {
  const norm = s => (s || '').replace(/\\s+/g, ' ').trim();
  const describe = el => {
    let what = el.tagName.toLowerCase();
    if (el.getAttribute('alt') !== null) what += `[alt=${el.getAttribute('alt')}]`;
    const text = norm(el.textContent);
    return text ? `${what} "${text.length > 70 ? text.slice(0, 70) + '…' : text}"` : what;
  };
  const scrolls = el => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const o = getComputedStyle(a).overflowX;
      if (o === 'auto' || o === 'scroll' || o === 'hidden' || o === 'clip') return true;
    }
    return false;
  };
  const blockOf = el => {
    let a = el.parentElement;
    while (a && getComputedStyle(a).display.startsWith('inline')) a = a.parentElement;
    return a;
  };
  const overflowing = [];
  for (const el of document.querySelectorAll('p, li, td, th, h1, h2, h3, small, code')) {
    if (getComputedStyle(el).display === 'inline') {
      const box = blockOf(el).getBoundingClientRect();
      for (const r of el.getClientRects()) {
        if (r.right > box.right + 1 || r.left < box.left - 1) {
          overflowing.push(`${describe(el)}: a line ${Math.round(r.left)}..${Math.round(r.right)} px, ` +
                           `its block ${Math.round(box.left)}..${Math.round(box.right)} px`);
          break;
        }
      }
    } else if (el.scrollWidth > el.clientWidth + 1) {
      overflowing.push(`${describe(el)}: scrollWidth ${el.scrollWidth} > clientWidth ${el.clientWidth}`);
    }
  }
  const vw = document.documentElement.clientWidth;
  const stickingOut = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if ((r.right > vw + 1 || r.left < -1) && r.width > 0 && !scrolls(el)) {
      stickingOut.push(`${describe(el)}: ${Math.round(r.left)}..${Math.round(r.right)} px (viewport ${vw} px)`);
    }
  }
  const images = [...document.images].map(i => ({
    alt: i.getAttribute('alt'), complete: i.complete, naturalWidth: i.naturalWidth,
    naturalHeight: i.naturalHeight, width: i.getBoundingClientRect().width, height: i.getBoundingClientRect().height}));
  const svgs = [...document.querySelectorAll('svg')].map(s => ({
    what: describe(s), width: s.getBoundingClientRect().width, height: s.getBoundingClientRect().height}));
  return {overflowing, stickingOut, images, svgs,
          scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth};
}"""


@dataclass
class View:
    """One report opened at one viewport width: what the browser said and measured."""

    name: str
    width: int
    errors: list[str] = field(default_factory=list)     # console errors and uncaught page errors
    requests: list[str] = field(default_factory=list)   # every URL but the report's own file and data: URIs
    text: str = ""                                        # body's inner text, whitespace-normalised
    measured: dict = field(default_factory=dict)          # MEASURE_JS's result
    screenshot: Path | None = None


def normalise(text: str) -> str:
    return " ".join(text.split())


def open_report(browser, report: Path, name: str, width: int, screenshot: Path) -> View:
    """Load ``report`` at ``width`` px, collect errors and measurements, save a full-page screenshot."""
    view = View(name, width)
    url = report.resolve().as_uri()
    page = browser.new_page(viewport={"width": width, "height": 900})
    try:
        page.on("console", lambda msg: view.errors.append(f"console.{msg.type}: {msg.text}")
                if msg.type == "error" else None)
        page.on("pageerror", lambda err: view.errors.append(f"page error: {err}"))
        page.on("request", lambda req: view.requests.append(req.url)
                if req.url != url and not req.url.startswith("data:") else None)
        page.goto(url, wait_until="load")
        view.measured = page.evaluate(MEASURE_JS)
        view.text = normalise(page.inner_text("body"))
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(screenshot), full_page=True)
        view.screenshot = screenshot
    finally:
        page.close()
    return view
