"""Search on the built example in headless Chromium, served over HTTP and opened from
disk: a word of one event's body finds it from the box and from ?q=, with no console
error, nothing for axe to report, and the same folding and shards as the build."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import TIMEOUT, Problems, chromium, serve
from conftest import REPO, serve_example_in
from playwright.sync_api import Browser, Page, expect
from test_accessibility import assert_accessible

from timeline.build import build
from timeline.site.search import fold, shard_of

WORD = "stonewalling"  # in the body of one event only: not its title, tags or sources
EVENT = "events/relatives-no-information/index.html"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("search") / "site"
    build(REPO, folder, cache=False, environ={})
    return folder


@pytest.fixture(scope="module", params=["http", "file"])
def root(request: pytest.FixtureRequest, site: Path) -> Iterator[str]:
    """Yield the site's root URL: served on localhost, or the folder on disk."""
    if request.param == "file":
        yield site.as_uri() + "/"
        return
    with serve(site) as served:
        yield served.url


def assert_found(page: Page, query: str) -> None:
    """Assert the results are the one event whose body holds WORD, the word marked."""
    expect(page.locator(".search-status")).to_have_text(f"1 result for “{query}”")
    results = page.locator(".search-results li")
    expect(results).to_have_count(1)
    expect(results.locator("a")).to_have_attribute("href", EVENT)
    expect(results.locator("p mark")).to_have_text([WORD])


def test_a_word_of_a_body_is_found_from_the_box(root: str, page: Page,
                                                problems: Problems) -> None:
    page.goto(root + "index.html")
    expect(page.locator(".search-results li")).to_have_count(0)
    page.get_by_label("Search the events").fill(WORD.upper())
    assert_found(page, WORD.upper())
    page.get_by_label("Search the events").press("Enter")
    assert page.url.endswith("index.html?q=" + WORD.upper())
    page.locator(".search-results a").click()
    assert page.url == root + EVENT
    assert problems.found() == {}


def test_index_with_q_opens_with_the_results_of_a_prefix(root: str, page: Page,
                                                        problems: Problems) -> None:
    page.goto(root + "index.html?q=STONEWAL")
    expect(page.get_by_label("Search the events")).to_have_value("STONEWAL")
    assert_found(page, "STONEWAL")
    page.goto(root + "index.html?q=stonewalling+nosuchword")
    expect(page.locator(".search-status")).to_have_text(
        "0 results for “stonewalling nosuchword”")
    assert problems.found() == {}


def test_the_index_loads_no_shard_until_asked(root: str, page: Page) -> None:
    loaded: list[str] = []
    page.on("request", lambda request: loaded.append(request.url))
    page.goto(root + "index.html")
    expect(page.locator("form.search")).to_be_visible()
    assert [url for url in loaded if "/search/" in url] == []
    page.get_by_label("Search the events").focus()
    page.wait_for_function("() => document.querySelector('script[src$=\"meta.js\"]')")
    assert [url.removeprefix(root) for url in loaded if "/search/" in url] == ["search/meta.js"]


def test_without_javascript_the_form_stays_hidden(browser: Browser, site: Path) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site.as_uri() + "/index.html?q=" + WORD)
    expect(page.locator("form.search")).to_be_hidden()
    expect(page.locator(".entry").first).to_be_visible()
    context.close()


@pytest.mark.parametrize("options", [
    {"viewport": {"width": 1024, "height": 768}},
    {"viewport": {"width": 360, "height": 740}, "color_scheme": "dark"},
], ids=["desktop-light", "phone-dark"])
def test_the_searched_index_passes_axe(browser: Browser, root: str, options: dict[str, Any],
                                       axe_script: Path) -> None:
    context = browser.new_context(**options)
    context.set_default_timeout(TIMEOUT)
    page = context.new_page()
    page.goto(root + "index.html?q=missile")
    expect(page.locator(".search-results li").first).to_be_visible()
    assert_accessible(page, axe_script)
    assert page.evaluate("document.documentElement.scrollWidth") <= options["viewport"]["width"]
    context.close()


TEXTS = ["Straße", "ΣΊΣΥΦΟΣ", "Ёлка", "Макіївка", "naïve", "ﬁre", "İstanbul", "𝔘nicode",
         "missile", "m", "2023"]


def test_the_script_folds_and_shards_as_the_build_does(site: Path, page: Page) -> None:
    page.goto(site.as_uri() + "/index.html")
    assert page.evaluate("(texts) => texts.map(window.timelineSearch.fold)", TEXTS) == \
        [fold(text) for text in TEXTS]
    assert page.evaluate("(texts) => texts.map((t) => window.timelineSearch.shard(t, 251))",
                         [fold(t) for t in TEXTS]) == [shard_of(fold(t), 251) for t in TEXTS]


@pytest.fixture(scope="module")
def russian(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from serve_example_in("ru", tmp_path_factory.mktemp("russian"))


@pytest.mark.parametrize(("query", "status"), [
    ("stonewalling", "1 результат по запросу «stonewalling»"),  # one
    ("saratov", "2 результата по запросу «saratov»"),  # few
    ("putin", "6 результатов по запросу «putin»"),  # many
    ("nosuchword", "0 результатов по запросу «nosuchword»"),  # many, too
])
def test_a_russian_count_takes_the_form_its_number_needs(russian: str, page: Page,
                                                         problems: Problems, query: str,
                                                         status: str) -> None:
    page.goto(f"{russian}index.html?q={query}")
    expect(page.locator(".search-status")).to_have_text(status)
    assert problems.found() == {}
