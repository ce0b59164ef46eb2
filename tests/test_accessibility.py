"""The example site checked with axe-core against WCAG 2.1 A and AA, in headless Chromium:
every kind of page, the index in dark mode, at phone width, and with the tag filter on."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import TIMEOUT, chromium, serve
from conftest import REPO
from playwright.sync_api import Browser, Page

from timeline.build import build

NPM_FOLDER = Path(__file__).resolve().parent / "timelinejs"  # package.json lists axe-core
AXE = NPM_FOLDER / "node_modules" / "axe-core"
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
TAG = "casualties"
PAGES = {
    "index": "index.html",
    "year": "years/2023/index.html",
    "event with an editor's note": "events/governor-hospital-visit/index.html",
    "tags index": "tags/index.html",
    "tag": f"tags/{TAG}/index.html",
    "sources index": "sources/index.html",
    "source": "sources/article-2023-01-05/index.html",
    "404": "no-such-page/index.html",  # the server answers with the site's 404.html
}


@pytest.fixture(scope="session")
def axe_script() -> Path:
    """Return axe.min.js, installed from tests/timelinejs/package-lock.json (as test_browser)."""
    lock = json.loads((NPM_FOLDER / "package-lock.json").read_text(encoding="utf-8"))
    wanted = lock["packages"]["node_modules/axe-core"]["version"]
    installed = AXE / "package.json"
    if not installed.is_file() or \
            json.loads(installed.read_text(encoding="utf-8"))["version"] != wanted:
        npm = shutil.which("npm")
        assert npm, "npm is needed to install axe-core (scripts/test installs it)"
        result = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=NPM_FOLDER,
                                check=False, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stdout + result.stderr
    assert (AXE / "axe.min.js").is_file()
    return AXE / "axe.min.js"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve the example site over HTTP, missing files answered by its 404.html."""
    folder = tmp_path_factory.mktemp("a11y") / "site"
    build(REPO, folder)
    with serve(folder) as served:
        served.set_not_found(folder / "404.html")
        yield served.url


def open_page(browser: Browser, url: str, **options: Any) -> Page:
    """Open url in a new context made with options (close it with page.context.close())."""
    options.setdefault("viewport", {"width": 1024, "height": 768})
    context = browser.new_context(**options)
    context.set_default_timeout(TIMEOUT)
    page = context.new_page()
    page.goto(url)
    return page


def axe_violations(page: Page, script: Path) -> list[dict[str, Any]]:
    """Run axe-core on page with the WCAG 2.1 A and AA rules; return its violations."""
    page.add_script_tag(path=str(script))
    results = page.evaluate("""(values) => axe.run(document,
        {runOnly: {type: "tag", values: values}, resultTypes: ["violations"]})""", RULES)
    return results["violations"]


def report(violations: list[dict[str, Any]]) -> str:
    """Describe violations: rule, impact, help and the first nodes it failed on."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {node['target']}: {node.get('failureSummary', '')!r}")
        if len(violation["nodes"]) > 5:
            lines.append(f"    ... and {len(violation['nodes']) - 5} more")
    return "\n".join(lines)


def assert_accessible(page: Page, script: Path) -> None:
    violations = axe_violations(page, script)
    assert not violations, f"axe found on {page.url}:\n{report(violations)}"


@pytest.mark.parametrize("path", list(PAGES.values()), ids=list(PAGES))
def test_every_kind_of_page_passes_axe(browser: Browser, site: str, axe_script: Path,
                                       path: str) -> None:
    page = open_page(browser, site + path)
    try:
        assert_accessible(page, axe_script)
    finally:
        page.context.close()


def test_the_index_in_dark_mode_passes_axe(browser: Browser, site: str,
                                           axe_script: Path) -> None:
    page = open_page(browser, site + "index.html", color_scheme="dark")
    try:
        assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
        assert_accessible(page, axe_script)
    finally:
        page.context.close()


def test_the_index_at_phone_width_passes_axe(browser: Browser, site: str,
                                             axe_script: Path) -> None:
    page = open_page(browser, site + "index.html", viewport={"width": 390, "height": 844},
                     device_scale_factor=3, is_mobile=True, has_touch=True)
    try:
        assert page.evaluate("innerWidth") == 390
        assert_accessible(page, axe_script)
    finally:
        page.context.close()


def test_the_index_with_the_tag_filter_on_passes_axe(browser: Browser, site: str,
                                                     axe_script: Path) -> None:
    page = open_page(browser, site + "index.html")
    try:
        chip = page.locator(f'[data-filter-tag="{TAG}"]')
        chip.click()
        assert chip.get_attribute("aria-pressed") == "true"
        assert page.locator(".timeline .entry[hidden]").count() > 0
        assert_accessible(page, axe_script)
    finally:
        page.context.close()
