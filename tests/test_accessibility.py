"""The example site checked with axe-core against WCAG 2.2 A and AA, in headless Chromium:
every kind of page as a desktop and as a 360 px phone, in light and dark, and the index
filtered by tag and year."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import TIMEOUT, chromium, serve
from conftest import REPO
from playwright.sync_api import Browser, Page

from timeline.build import build

RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
TAG = "casualties"
PAGES = {
    "index": "index.html",
    "year": "years/2023/index.html",
    "event with an editor's note": "events/governor-hospital-visit/index.html",
    "event with a disputed claim": "events/makiivka-strike/index.html",
    "claims": "claims/index.html",
    "tags index": "tags/index.html",
    "tag": f"tags/{TAG}/index.html",
    "sources index": "sources/index.html",
    "source": "sources/article-2023-01-05/index.html",
    "editor's notes": "notes/index.html",
    "404": "no-such-page/index.html",  # the server answers with the site's 404.html
}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve the example site over HTTP, missing files answered by its 404.html; built for
    the address it is served at, so the 404 page's absolute links load its styles."""
    folder = tmp_path_factory.mktemp("a11y") / "site"
    with serve(folder) as served:
        build(REPO, folder, base_url=served.url)
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


# axe leaves text unchecked for contrast ("incomplete") wherever an ancestor has a large
# positioned ::before/::after, since it cannot see where a pseudo-element is drawn. The
# theme's rail, dots and diamonds are such pseudo-elements, so without ignorePseudo most
# of the timeline's text (dates, meta lines) would never be checked. What axe cannot see,
# marks_over_text() measures: no positioned pseudo-element sits behind any text.
AXE_RUN = """(values) => axe.run(document, {
    runOnly: {type: "tag", values: values},
    checks: {"color-contrast": {options: {ignorePseudo: true}}},
    resultTypes: ["violations", "incomplete"]})"""

TEXT_RECTS = """() => {
    const rects = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (!node.data.trim() || node.parentElement.closest('[aria-hidden="true"]')) continue;
        let clipped = false;  // .visually-hidden text is clipped away: nothing is drawn
        for (let e = node.parentElement; e && !clipped; e = e.parentElement) {
            const style = getComputedStyle(e);
            clipped = style.clipPath !== "none" || style.clip !== "auto";
        }
        if (clipped) continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        for (const r of range.getClientRects()) {
            if (r.width && r.height) rects.push([node.data.trim().slice(0, 40),
                                                 r.left, r.top, r.right, r.bottom]);
        }
    }
    return rects;
}"""

Box = tuple[float, float, float, float]  # left, top, right, bottom in viewport pixels


def positioned_pseudo_boxes(page: Page) -> list[tuple[str, Box]]:
    """Return the border boxes Chromium lays out for absolutely positioned ::before/::after."""
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        nodes = [cdp.send("DOM.getDocument", {"depth": -1})["root"]]
        boxes = []
        while nodes:
            node = nodes.pop()
            nodes.extend(node.get("children", []))
            for pseudo in node.get("pseudoElements", []):
                if pseudo.get("pseudoType") not in ("before", "after"):
                    continue
                style = cdp.send("CSS.getComputedStyleForNode", {"nodeId": pseudo["nodeId"]})
                if {"name": "position", "value": "absolute"} not in style["computedStyle"]:
                    continue
                quad = cdp.send("DOM.getBoxModel", {"nodeId": pseudo["nodeId"]})["model"]["border"]
                pairs = node["attributes"]
                attributes = dict(zip(pairs[::2], pairs[1::2], strict=True))
                name = f"{node['localName']}.{attributes.get('class', '')}::{pseudo['pseudoType']}"
                boxes.append((name, (min(quad[0::2]), min(quad[1::2]),
                                     max(quad[0::2]), max(quad[1::2]))))
        return boxes
    finally:
        cdp.detach()


def marks_over_text(page: Page) -> list[str]:
    """Return where a positioned pseudo-element overlaps text that is not aria-hidden."""
    boxes = positioned_pseudo_boxes(page)
    texts = page.evaluate(TEXT_RECTS)
    assert texts
    return [f"{name} over {text!r}" for name, (left, top, right, bottom) in boxes
            for text, t_left, t_top, t_right, t_bottom in texts
            if min(right, t_right) - max(left, t_left) > 0.5
            and min(bottom, t_bottom) - max(top, t_top) > 0.5]


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
    """Assert axe finds no violation, and checks everything but aria-hidden decoration."""
    overlaps = marks_over_text(page)
    assert not overlaps, "\n".join(overlaps[:10])
    page.add_script_tag(path=str(script))
    results = page.evaluate(AXE_RUN, RULES)
    assert not results["violations"], f"axe found on {page.url}:\n{report(results['violations'])}"
    undecided = [node["target"] for result in results["incomplete"] for node in result["nodes"]
                 if not page.evaluate("""(target) => !!document.querySelector(target)
                     .closest('[aria-hidden="true"]')""", node["target"][-1])]
    assert not undecided, f"axe could not check on {page.url}: {undecided}"


# Each page as a desktop and as a 360 px phone (touch, so target sizes count), in both
# colour schemes: WCAG 2.2 AA asks the same of all four.
FORMS = {
    "desktop light": {"color_scheme": "light"},
    "desktop dark": {"color_scheme": "dark"},
    "phone light": {"color_scheme": "light", "viewport": {"width": 360, "height": 740},
                    "device_scale_factor": 3, "is_mobile": True, "has_touch": True},
    "phone dark": {"color_scheme": "dark", "viewport": {"width": 360, "height": 740},
                   "device_scale_factor": 3, "is_mobile": True, "has_touch": True},
}


@pytest.mark.parametrize("form", list(FORMS))
@pytest.mark.parametrize("path", list(PAGES.values()), ids=list(PAGES))
def test_every_kind_of_page_passes_axe(browser: Browser, site: str, axe_script: Path,
                                       path: str, form: str) -> None:
    page = open_page(browser, site + path, **FORMS[form])
    try:
        scheme = FORMS[form]["color_scheme"]
        assert page.evaluate(f"matchMedia('(prefers-color-scheme: {scheme})').matches")
        assert_accessible(page, axe_script)
    finally:
        page.context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_index_filtered_by_tag_and_year_passes_axe(browser: Browser, site: str,
                                                       axe_script: Path, scheme: str) -> None:
    page = open_page(browser, site + f"index.html?tag={TAG}&year=2023", color_scheme=scheme)
    try:
        chip = page.locator(f'[data-filter-tag="{TAG}"]')
        assert chip.get_attribute("aria-pressed") == "true"
        assert page.locator("select#filter-year").input_value() == "2023"
        assert page.locator("[data-filter-clear]").is_visible()
        assert page.locator(".timeline .entry[hidden]").count() > 0
        assert_accessible(page, axe_script)
    finally:
        page.context.close()
