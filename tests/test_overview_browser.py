"""The overview picture of the built example in headless Chromium: every mark links to
its entry with an accessible name, is focusable with a visible focus, and the index
passes axe and does not overflow at phone width, in light and dark, with and without
JavaScript, and in print."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import TIMEOUT, chromium, serve
from conftest import REPO
from playwright.sync_api import Browser, Page, expect
from test_accessibility import assert_accessible, open_page

from timeline.build import build

FOCUS = {"light": "rgb(21, 88, 176)", "dark": "rgb(127, 176, 255)"}  # --focus of style.css


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    folder = tmp_path_factory.mktemp("overview") / "site"
    build(REPO, folder)
    with serve(folder) as served:
        yield served.url, folder


def marks(page: Page) -> list[dict[str, str]]:
    return page.eval_on_selector_all(".chart-mark", """(links) => links.map(a => ({
        href: a.getAttribute("href"), name: a.getAttribute("aria-label"),
        title: a.querySelector("title").textContent}))""")


def test_every_mark_links_to_its_entry_named_by_title_and_date(
        browser: Browser, site: tuple[str, Path]) -> None:
    url, folder = site
    events = json.loads((folder / "events.json").read_text(encoding="utf-8"))
    page = open_page(browser, url + "index.html")
    try:
        found = marks(page)
        assert sorted(m["href"] for m in found) == sorted(f"#event-{e['slug']}"
                                                          for e in events)
        by_slug = {e["slug"]: e for e in events}
        for mark in found:
            event = by_slug[mark["href"].removeprefix("#event-")]
            name = f"{event['title']}, {event['display']}"
            assert mark["name"] == mark["title"] == name
            expect(page.get_by_role("link", name=name, exact=True)).to_have_count(1)
            page.click(f'.chart-mark[href="{mark["href"]}"]')
            assert page.evaluate("location.hash") == mark["href"]
            assert page.evaluate("document.querySelector(':target').id") == \
                mark["href"].removeprefix("#")
            target = page.locator(f'{mark["href"]}.entry')
            expect(target.locator(".entry-title")).to_have_text(event["title"])
    finally:
        page.context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_marks_are_reached_by_tab_and_show_their_focus(
        browser: Browser, site: tuple[str, Path], scheme: str) -> None:
    page = open_page(browser, site[0] + "index.html", color_scheme=scheme)
    try:
        for _ in range(60):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.classList.contains('chart-mark')"):
                break
        else:
            pytest.fail("no overview mark was reached with Tab")
        stroke = page.evaluate("""getComputedStyle(document.activeElement
            .querySelector('circle, rect')).stroke""")
        assert stroke == FOCUS[scheme]
    finally:
        page.context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("path", ["index.html", "years/2023/index.html"])
def test_a_page_with_an_overview_passes_axe_and_fits_the_width(
        browser: Browser, site: tuple[str, Path], axe_script: Path, scheme: str,
        width: int, path: str) -> None:
    page = open_page(browser, site[0] + path, color_scheme=scheme,
                     viewport={"width": width, "height": 800})
    try:
        assert page.evaluate("document.documentElement.scrollWidth") == width
        box = page.locator(".chart-svg").bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
        shown = page.eval_on_selector_all(".chart-svg text", """(texts) => texts
            .filter(t => getComputedStyle(t).display !== "none")
            .map(t => { const r = t.getBoundingClientRect(); return [r.left, r.right]; })""")
        assert shown and all(0 <= left and right <= width for left, right in shown), shown
        assert_accessible(page, axe_script)
    finally:
        page.context.close()


def test_without_javascript_and_in_print_the_overview_is_there(
        browser: Browser, site: tuple[str, Path]) -> None:
    context = browser.new_context(java_script_enabled=False)
    context.set_default_timeout(TIMEOUT)
    page = context.new_page()
    try:
        page.goto(site[0] + "index.html")
        first = page.locator(".chart-mark").first
        href = first.get_attribute("href")
        first.click()
        assert page.evaluate("location.hash") == href
        page.emulate_media(media="print")
        box = page.locator(".chart-svg").bounding_box()
        assert box is not None and box["height"] > 100
        assert page.locator(".chart-mark").count() == 13
    finally:
        context.close()
