"""The example built in other languages, in headless Chromium: in Arabic the page reads
right to left (the rail, the dates and the picture of time on the right, arrows turned),
fits a phone's width and passes axe; in Russian the longer navigation keeps one row."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from browser import TIMEOUT, Problems, chromium
from conftest import serve_example_in
from playwright.sync_api import Browser, Page
from test_accessibility import FORMS, assert_accessible, open_page

# How far the page reaches past either edge: scrollWidth misses what sticks out on the
# left of a right-to-left page, so each element's left is measured too, but for those
# inside a box that scrolls sideways by design (the tag chips).
OVERFLOW = """Math.max(document.documentElement.scrollWidth - innerWidth,
    ...[...document.querySelectorAll('body *')].filter(e => {
        for (let p = e.parentElement; p; p = p.parentElement) {
            if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(p).overflowX)) {
                return false;
            }
        }
        return e.getClientRects().length > 0;
    }).map(e => -e.getBoundingClientRect().left))"""


@contextmanager
def opened(browser: Browser, url: str, problems: Problems, width: int = 1280,
           height: int = 900) -> Iterator[Page]:
    """Yield url open in a page of that size; then assert it had no problem."""
    context = browser.new_context(viewport={"width": width, "height": height})
    context.set_default_timeout(TIMEOUT)
    try:
        page = problems.watch(context.new_page())
        page.goto(url)
        yield page
        assert problems.found() == {}
    finally:
        context.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser


@pytest.fixture(scope="module")
def arabic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from serve_example_in("ar", tmp_path_factory.mktemp("arabic"))


def test_the_rail_and_the_first_entry_sit_on_the_right(browser: Browser, arabic: str,
                                                       problems: Problems) -> None:
    with opened(browser, arabic, problems) as page:
        assert page.evaluate("document.documentElement.dir") == "rtl"
        rail = page.evaluate("""() => {
            const list = document.querySelector('.timeline');
            const box = list.getBoundingClientRect();
            const rail = getComputedStyle(list, '::before');
            return {left: box.left, right: box.right, inset: parseFloat(rail.right)};
        }""")
        assert rail["inset"] == 188  # --rail-x (11.75rem) from the right edge of the list
        title = page.locator(".entry-title").first.bounding_box()
        when = page.locator(".entry .entry-when").first.bounding_box()
        assert title is not None and when is not None
        rail_x = rail["right"] - rail["inset"]
        assert title["x"] + title["width"] < rail_x < when["x"]  # the date right of the rail
        assert title["x"] + title["width"] > 640  # the entry reads from the right half
        # Each mark on the rail is centred on it: shifted half its width to the right,
        # since right to left its inset is measured to its right edge.
        marks = page.evaluate("""() => [['.entry', '::before'], ['.year-heading', '::after'],
                                        ['.month-heading', '::before']].map(([s, pseudo]) => {
            const style = getComputedStyle(document.querySelector(s), pseudo);
            return [parseFloat(style.width), new DOMMatrix(style.transform).m41];
        })""")
        assert [shift for _, shift in marks] == [width / 2 for width, _ in marks]
        # The picture of time reads from the right: the earliest mark is the rightmost.
        xs = page.eval_on_selector_all(
            ".chart-mark", "ms => ms.map(m => m.getBoundingClientRect().right)")
        assert xs and xs[0] == max(xs)


def test_arrows_point_the_way_the_page_reads(browser: Browser, arabic: str,
                                             problems: Problems) -> None:
    with opened(browser, arabic + "events/makiivka-strike/", problems) as page:
        # "← Back" and the pager's "← Earlier" and "Later →" are drawn mirrored.
        back = page.eval_on_selector(".kicker a > span[aria-hidden]",
                                     "e => getComputedStyle(e).transform")
        pager = page.eval_on_selector_all(".pager-label", """ls => ls.map(l => [
            getComputedStyle(l, '::before').transform,
            getComputedStyle(l, '::after').transform])""")
        assert back == "matrix(-1, 0, 0, 1, 0, 0)"
        drawn = {t for pair in pager for t in pair if t != "none"}
        assert drawn == {"matrix(-1, 0, 0, 1, 0, 0)"}


@pytest.mark.parametrize("path", ["", "events/makiivka-strike/", "tags/", "sources/"])
def test_nothing_overflows_at_phone_width(browser: Browser, arabic: str, problems: Problems,
                                          path: str) -> None:
    with opened(browser, arabic + path, problems, width=360, height=740) as page:
        overflow = page.evaluate(OVERFLOW)
        assert overflow <= 0, f"{path or 'index'} overflows by {overflow}px at 360px"


@pytest.mark.parametrize("form", ["desktop light", "phone dark"])
@pytest.mark.parametrize("path", ["", "events/makiivka-strike/", "claims/"])
def test_right_to_left_pages_pass_axe_and_no_mark_covers_text(
        browser: Browser, arabic: str, axe_script: Path, path: str, form: str) -> None:
    page = open_page(browser, arabic + path, **FORMS[form])  # type: ignore[arg-type]
    try:
        assert_accessible(page, axe_script)
    finally:
        page.context.close()


@pytest.fixture(scope="module")
def russian(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from serve_example_in("ru", tmp_path_factory.mktemp("russian"))


def test_russian_navigation_keeps_one_row_and_the_first_event_on_a_phone_screen(
        browser: Browser, russian: str, problems: Problems) -> None:
    with opened(browser, russian, problems, width=360, height=740) as page:
        tops = page.eval_on_selector_all(
            ".site-nav li", "ls => ls.map(l => Math.round(l.getBoundingClientRect().top))")
        assert len(tops) == 5 and len(set(tops)) == 1  # one row, which scrolls sideways
        first = page.locator(".entry-title").first
        box = first.bounding_box()
        line = float(first.evaluate("e => parseFloat(getComputedStyle(e).lineHeight)"))
        assert box is not None and box["y"] + line <= 740, f"first title at {box}"
        # The last link is reached by keyboard: focus scrolls the row to it.
        page.locator(".site-nav li:last-child a").focus()
        right = page.eval_on_selector(".site-nav li:last-child a",
                                      "a => a.getBoundingClientRect().right")
        assert right <= 360
