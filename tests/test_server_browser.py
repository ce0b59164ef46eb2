"""`timeline serve` in headless Chromium: the open page follows the files by itself."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from playwright.sync_api import Error as PlaywrightError
from test_server import (  # noqa: F401 (serve is a fixture)
    BROKEN,
    STRIKE,
    Served,
    break_front_matter,
    serve,
)

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
TIMEOUT = 10_000  # ms


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                             args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 800, "height": 400})
    yield context.new_page()
    context.close()


def settled(page: Page, expression: str) -> Any:
    """Evaluate expression once the page has stopped reloading."""
    for _ in range(5):
        page.wait_for_load_state("load")
        try:
            return page.evaluate(expression)
        except PlaywrightError as error:  # a reload began meanwhile: wait for it
            if "context was destroyed" not in str(error):
                raise
    raise AssertionError(f"the page kept reloading while evaluating {expression}")


def test_the_open_page_reloads_when_a_file_is_saved(
        example: Path, serve: Callable[..., Served], page: Page) -> None:  # noqa: F811
    served = serve(example).start()
    strike = example / "content" / "makiivka-strike.md"
    good = strike.read_text(encoding="utf-8")
    page.goto(served.url + STRIKE.lstrip("/"))
    heading = page.locator("h1")
    title = heading.inner_text()
    # Instantly: the theme scrolls smoothly, and a reload during the animation would
    # keep wherever it had got to (a rebuild can take less time than the animation).
    page.evaluate("window.scrollTo({top: 300, behavior: 'instant'}); window.notReloaded = true")
    assert page.evaluate("window.scrollY") == 300

    added = "A sentence added while the page was open."
    strike.write_text(good.rstrip("\n") + f"\n\n{added}\n", encoding="utf-8")
    expect(page.locator("main")).to_contain_text(added, timeout=TIMEOUT)
    # The page served ahead of the rebuild reloads it first; an editor's save may come
    # as two batches (truncate, write), each reloading once more: wait for quiet.
    served.wait_for(r"rebuilt in \d+\.\d\d s .*content/makiivka-strike\.md")
    assert settled(page, "window.notReloaded") is None  # the page was reloaded ...
    assert abs(settled(page, "window.scrollY") - 300) < 20  # ... where the author was reading

    strike.write_text(break_front_matter(good), encoding="utf-8")
    overlay = page.locator("timeline-build-error")
    expect(overlay).to_contain_text(re.compile(BROKEN), timeout=TIMEOUT)
    expect(overlay.get_by_role("alert")).to_be_visible()
    expect(page.locator("main")).to_contain_text(added)  # the last good page, underneath

    strike.write_text(good, encoding="utf-8")
    expect(overlay).to_have_count(0, timeout=TIMEOUT)
    expect(page.locator("main")).not_to_contain_text(added)
    expect(heading).to_have_text(title)

    assert served.interrupt() in (0, 130)  # with a page connected, too
    assert "Traceback" not in served.output
