"""Lighthouse on the example site, served on localhost, in Debian's Chromium: at least 0.95
in performance, accessibility, best practices and SEO on the index and on an event page, as
a phone (Lighthouse's default: a mid-range phone, slow 4G and a 4x slower CPU, simulated),
and the index's transfer (HTML, CSS, JS, icon) well under 100 KB. Lighthouse's layout
shift, measured directly: the index does not jump when its script shows the tag filter.

One Lighthouse run per page (three if the performance score is low, see typical_run), one
page after the other (two runs at once on a 2-core machine would slow each other's CPU and
skew the scores): about 15 s a page."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import CHROMIUM, CHROMIUM_ARGS, TIMEOUT, chromium, npm_package, serve
from conftest import REPO
from playwright.sync_api import expect

from timeline.build import build

CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
MIN_SCORE = 0.95
# Accessibility, best practices and SEO do not depend on timing: the theme passes all
# their audits, and a lost point (a touch target of 20 px, 0.96) is a regression.
MIN_SCORES = {"performance": MIN_SCORE, "accessibility": 1.0, "best-practices": 1.0,
              "seo": 1.0}
MAX_INDEX_BYTES = 100_000  # issue #9: the example's index transfers well under 100 KB
PAGES = {
    "index": "index.html",
    "event": "events/makiivka-strike/index.html",
}

Report = dict[str, Any]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Build the example and serve it; yield its URL."""
    folder = tmp_path_factory.mktemp("lighthouse") / "site"
    build(REPO, folder)
    with serve(folder) as served:
        yield served.url


@pytest.fixture(scope="module")
def reports(site: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Report]:
    """Return Lighthouse's report of each page."""
    cli = npm_package("lighthouse") / "cli" / "index.js"
    node = shutil.which("node")
    assert node, "Node is needed to run Lighthouse (scripts/test installs npm, and Node with it)"
    folder = tmp_path_factory.mktemp("reports")
    return {name: typical_run(node, cli, site + path, folder / name)
            for name, path in PAGES.items()}


def typical_run(node: str, cli: Path, url: str, folder: Path) -> Report:
    """Run Lighthouse once, or three times if its performance score is low; return the median.

    The performance score is a measure of time, and a busy machine can slow one run (the
    other categories do not vary): Lighthouse's docs advise the median of several runs."""
    folder.mkdir()
    runs = [lighthouse(node, cli, url, folder / "1.json")]
    if runs[0]["categories"]["performance"]["score"] < MIN_SCORE:
        runs += [lighthouse(node, cli, url, folder / f"{run}.json") for run in (2, 3)]
    runs.sort(key=lambda report: report["categories"]["performance"]["score"])
    return runs[len(runs) // 2]


def lighthouse(node: str, cli: Path, url: str, output: Path) -> Report:
    """Run the Lighthouse CLI on url and return its JSON report."""
    flags = " ".join(["--headless=new", *CHROMIUM_ARGS])
    command = [node, str(cli), url, "--output=json", f"--output-path={output}", "--quiet",
               f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={flags}",
               # the full-page screenshot only makes the report bigger (it is a picture)
               "--disable-full-page-screenshot"]
    result = subprocess.run(command, env={**os.environ, "CHROME_PATH": CHROMIUM},
                            check=False, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stdout + result.stderr
    report: Report = json.loads(output.read_text(encoding="utf-8"))
    return report


def failing_audits(report: Report, category: str) -> list[str]:
    """Return 'id: title: score (displayValue)' for each audit that cost category points."""
    lines = []
    for ref in report["categories"][category]["auditRefs"]:
        audit = report["audits"][ref["id"]]
        if ref["weight"] > 0 and audit["score"] is not None and audit["score"] < 1:
            lines.append(f"{audit['id']}: {audit['title']}: {audit['score']}"
                         f" ({audit.get('displayValue', '')})")
    return lines


@pytest.mark.parametrize("name", PAGES)
def test_lighthouse_scores_95_in_performance_and_full_marks_elsewhere(
        reports: dict[str, Report], name: str) -> None:
    report = reports[name]
    low = {category: report["categories"][category]["score"] for category in CATEGORIES
           if report["categories"][category]["score"] < MIN_SCORES[category]}
    details = [f"{category} {score}:\n  " + "\n  ".join(failing_audits(report, category))
               for category, score in low.items()]
    assert not low, f"{PAGES[name]}: " + "\n".join(details)


@pytest.mark.parametrize("name", PAGES)
def test_lighthouse_ran_every_audit(reports: dict[str, Report], name: str) -> None:
    # an audit that errors (as one needing the internet would here) scores nothing,
    # which could hide a problem behind a good score
    report = reports[name]
    errors = [f"{audit['id']}: {audit.get('errorMessage')}"
              for audit in report["audits"].values() if audit["scoreDisplayMode"] == "error"]
    assert (report.get("runtimeError"), report["runWarnings"], errors) == (None, [], [])


def test_the_index_transfers_under_100_kb(reports: dict[str, Report]) -> None:
    weight = reports["index"]["audits"]["total-byte-weight"]
    loaded = {item["url"].rsplit("/", 1)[-1] for item in weight["details"]["items"]}
    assert loaded == {"index.html", "style.css", "timeline.js", "search.js", "favicon.svg"}
    assert weight["numericValue"] < MAX_INDEX_BYTES, weight["details"]["items"]


def test_the_index_does_not_jump_when_its_script_runs(site: str) -> None:
    # timeline.js unhides the tag filter above the timeline; if the filter only took its
    # place then, everything below it would move down after the first paint
    tops: dict[str, float] = {}
    with chromium() as browser:
        for script in ("held back", "run"):
            page = browser.new_page(viewport={"width": 360, "height": 740})
            page.set_default_timeout(TIMEOUT)
            if script == "held back":
                page.route("**/timeline.js", lambda route: route.abort())
            page.goto(site + "index.html")
            if script == "run":  # it has run once it has shown the filter
                expect(page.locator("[data-filter]")).to_be_visible()
            box = page.locator(".timeline").bounding_box()
            assert box is not None
            tops[script] = box["y"]
            page.close()
    assert tops["held back"] == tops["run"]
