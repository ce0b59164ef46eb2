"""Built sites in headless Chromium: from disk, under a subpath, without JavaScript, in
TimelineJS3, and at phone and desktop widths."""

from __future__ import annotations

import html
import json
import re
import shutil
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import TIMEOUT, Problems, Served, chromium, npm_package, serve
from conftest import REPO, write_files
from playwright.sync_api import Browser, Page, expect
from test_exports import HOSTILE, write_hostile_project

from timeline.authoring.timelinejs import import_timelinejs
from timeline.build import build

STRIKE = "makiivka-strike"
TAG = "casualties"
EventData = dict[str, Any]  # one item of events.json
CAESAR = """\
---
title: "Assassination of Julius Caesar"
date: "-0043-03-15"
tags: [rome]
---
Caesar is stabbed in the Senate house [@article-2023-01-05].
"""

LEAP_DAY = """\
---
title: "A leap day of 45 BC"
date: "-0044-02-29"
---
The first leap day of the Julian calendar's first year [@article-2023-01-05].
"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser


@pytest.fixture(scope="module")
def www(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Served, Path]]:
    """The example site built into www/sub/, www/ served over HTTP; base_url is the server."""
    root = tmp_path_factory.mktemp("www")
    with serve(root) as served:
        site = root / "sub"
        build(REPO, site, base_url=served.url + "sub/")
        yield served, site


@pytest.fixture(scope="module")
def example_events(www: tuple[Served, Path]) -> list[EventData]:
    return json.loads((www[1] / "events.json").read_text(encoding="utf-8"))


def titles_tagged(events: list[EventData], tag: str) -> list[str]:
    return [e["title"] for e in events if tag in e["tags"]]


def assert_no_problems(problems: Problems) -> None:
    found = problems.found()
    assert not found, json.dumps(found, indent=2)


def theme_rules(page: Page) -> int:
    """Return the number of CSS rules the page got from the theme's style.css."""
    return page.evaluate("""Array.from(document.styleSheets)
        .filter((sheet) => (sheet.href || "").endsWith("/assets/style.css"))
        .reduce((total, sheet) => total + sheet.cssRules.length, 0)""")


def read_along(page: Page, events: list[EventData], index_url: str) -> None:
    """From the index: an event, its first citation, back to the timeline, then a tag."""
    page.goto(index_url)
    strike = next(e for e in events if e["slug"] == STRIKE)
    page.locator(f"#event-{STRIKE} .entry-title a").click()
    expect(page).to_have_url(index_url.rsplit("/", 1)[0] + f"/events/{STRIKE}/index.html")
    expect(page.locator("h1")).to_have_text(strike["title"])

    page.locator(".event-body a.citation-link").first.click()
    expect(page).to_have_url(re.compile(f"/events/{STRIKE}/index.html#source-1$"))
    expect(page.locator("#source-1")).to_have_count(1)
    expect(page.locator("#source-1")).to_be_in_viewport()

    page.get_by_role("link", name="Back to the timeline").first.click()
    expect(page).to_have_url(index_url.rsplit("/", 1)[0] + f"/index.html#event-{STRIKE}")
    expect(page.locator(f"#event-{STRIKE}")).to_be_in_viewport()

    page.locator(f"#event-{STRIKE} a.tag", has_text=TAG).click()
    expect(page).to_have_url(index_url.rsplit("/", 1)[0] + f"/tags/{TAG}/index.html")
    expect(page.locator("h1")).to_have_text(TAG)
    expect(page.locator(".entry-title")).to_have_text(titles_tagged(events, TAG))


def test_from_disk_a_reader_follows_an_event_its_source_and_a_tag(
        www: tuple[Served, Path], example_events: list[EventData], page: Page,
        problems: Problems) -> None:
    read_along(page, example_events, (www[1] / "index.html").as_uri())
    assert_no_problems(problems)


def test_under_a_subpath_the_same_path_works_and_every_file_loads(
        www: tuple[Served, Path], example_events: list[EventData], page: Page,
        problems: Problems) -> None:
    served, _ = www
    loaded: list[str] = []
    page.on("response", lambda response: loaded.append(response.url))
    read_along(page, example_events, served.url + "sub/index.html")

    for url in (served.url + "sub/", served.url + f"sub/events/{STRIKE}/index.html"):
        page.goto(url)
        assert theme_rules(page) > 50
        assert page.evaluate("getComputedStyle(document.querySelector('.skip-link'))"
                             ".position") == "absolute"  # the theme's CSS applies
    expect(page.locator("h1")).to_contain_text("Makiivka")
    for asset in ("sub/assets/style.css", "sub/assets/timeline.js"):
        assert served.url + asset in loaded
    page.goto(served.url + "sub/")
    page.locator(".entry-title a").first.click()
    expect(page).to_have_url(re.compile("^" + re.escape(served.url + "sub/events/")))
    assert_no_problems(problems)


def test_a_missing_page_under_a_subpath_gets_a_styled_404_with_working_links(
        www: tuple[Served, Path], page: Page, problems: Problems) -> None:
    served, site = www
    missing = served.url + "sub/events/no-such-event/deeper/index.html"
    problems.allowed_status.add(missing)
    served.set_not_found(site / "404.html")
    try:
        response = page.goto(missing)
        assert response is not None and response.status == 404
        expect(page.locator("h1")).to_have_text("Page not found")
        assert theme_rules(page) > 50
        page.get_by_role("link", name="Go to the timeline").click()
        expect(page).to_have_url(served.url + "sub/index.html")
    finally:
        served.set_not_found(None)
    problems.console = [c for c in problems.console if missing not in c]
    assert_no_problems(problems)


def year_of(event: EventData) -> int:
    return int(re.match(r"-?\d+", event["date"]["start"]).group())  # type: ignore[union-attr]


def titles_where(events: list[EventData], tag: str | None = None,
                 year: int | None = None) -> list[str]:
    """Return the titles of the events with tag and of year (either None: any)."""
    return [e["title"] for e in events
            if (tag is None or tag in e["tags"]) and (year is None or year_of(e) == year)]


def showing(shown: int, total: int) -> str:
    return f"Showing {shown} of {total} event{'' if total == 1 else 's'}"


@pytest.fixture(params=["http", "file"])
def index_url(request: pytest.FixtureRequest, www: tuple[Served, Path]) -> str:
    """The example's index, over HTTP and opened from disk."""
    served, site = www
    return served.url + "sub/index.html" if request.param == "http" else \
        (site / "index.html").as_uri()


def assert_empty_groups_hidden(page: Page) -> None:
    for section in page.locator(".timeline .month, .timeline .year").all():
        shown = section.locator(".entry:visible").count()
        assert section.is_visible() == (shown > 0)


def test_tag_and_year_filters_narrow_the_list_live_in_the_address_and_the_history(
        index_url: str, example_events: list[EventData], page: Page,
        problems: Problems) -> None:
    page.goto(index_url)
    total = len(example_events)
    visible = page.locator(".timeline .entry:visible .entry-title")
    status = page.locator(".filter-status")
    everything = page.locator('[data-filter-tag=""]')
    chip = page.locator(f'[data-filter-tag="{TAG}"]')
    year = page.locator("select#filter-year")
    clear = page.locator("[data-filter-clear]")
    expect(page.locator("[data-filter]")).to_be_visible()
    expect(visible).to_have_count(total)
    expect(status).to_have_text("")  # nothing is announced on a page opened unfiltered
    expect(clear).to_be_hidden()
    page.locator(".year-jump a").last.click()  # nor on following a link within the page
    expect(page).to_have_url(re.compile(r"#year-\d+$"))
    page.go_back()
    expect(status).to_have_text("")
    expect(page).to_have_url(index_url)
    tagged = titles_where(example_events, TAG)
    years = sorted({year_of(e) for e in example_events})
    both = titles_where(example_events, TAG, years[-1])
    assert 0 < len(both) < len(tagged) < total
    expect(page.get_by_label("Year", exact=True)).to_have_count(1)  # the menu has a visible label
    expect(year.locator("option")).to_have_text(["All years", *map(str, years)])

    chip.click()
    expect(visible).to_have_text(tagged)
    expect(page).to_have_url(f"{index_url}?tag={TAG}")
    expect(chip).to_have_attribute("aria-pressed", "true")
    expect(everything).to_have_attribute("aria-pressed", "false")
    expect(status).to_have_text(showing(len(tagged), total))
    expect(clear).to_be_visible()
    year.select_option(str(years[-1]))
    expect(visible).to_have_text(both)
    expect(page).to_have_url(f"{index_url}?tag={TAG}&year={years[-1]}")
    expect(status).to_have_text(showing(len(both), total))
    assert_empty_groups_hidden(page)
    expect(page.locator(f"#year-{years[0]}")).to_be_hidden()  # a year left empty

    page.reload()
    expect(visible).to_have_text(both)
    expect(chip).to_have_attribute("aria-pressed", "true")
    expect(year).to_have_value(str(years[-1]))
    expect(status).to_have_text(showing(len(both), total))
    assert_empty_groups_hidden(page)

    page.go_back()  # undoes the year
    expect(page).to_have_url(f"{index_url}?tag={TAG}")
    expect(visible).to_have_text(tagged)
    expect(year).to_have_value("")
    page.go_back()  # and the tag
    expect(page).to_have_url(index_url)
    expect(visible).to_have_count(total)
    expect(everything).to_have_attribute("aria-pressed", "true")
    expect(status).to_have_text(showing(total, total))
    expect(clear).to_be_hidden()

    other = page.locator('[data-filter-tag="kremlin"]')
    other.click()
    expect(visible).to_have_text(titles_where(example_events, "kremlin"))
    other.click()  # pressing the pressed tag again shows everything
    expect(visible).to_have_count(total)
    expect(page).to_have_url(index_url)
    chip.click()
    everything.click()
    expect(visible).to_have_text([e["title"] for e in example_events])
    expect(everything).to_have_attribute("aria-pressed", "true")
    expect(chip).to_have_attribute("aria-pressed", "false")
    assert_no_problems(problems)


def test_clearing_the_filters_keeps_other_parameters_untouched(
        www: tuple[Served, Path], example_events: list[EventData], page: Page,
        problems: Problems) -> None:
    index = www[0].url + "sub/index.html"
    page.goto(f"{index}?q=caf%C3%A9+x&tag={TAG}#top")
    visible = page.locator(".timeline .entry:visible .entry-title")
    expect(visible).to_have_text(titles_where(example_events, TAG))
    page.locator("select#filter-year").select_option("2023")
    expect(page).to_have_url(f"{index}?q=caf%C3%A9+x&tag={TAG}&year=2023#top")
    page.locator("[data-filter-clear]").click()
    expect(page).to_have_url(f"{index}?q=caf%C3%A9+x#top")
    expect(visible).to_have_count(len(example_events))
    expect(page.locator('[data-filter-tag=""]')).to_be_focused()  # not lost with the button
    expect(page.locator(".filter-status")).to_have_text(
        showing(len(example_events), len(example_events)))
    assert_no_problems(problems)


def test_unknown_filter_values_show_everything_and_insert_nothing(
        www: tuple[Served, Path], example_events: list[EventData], page: Page,
        problems: Problems) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(www[0].url + "sub/index.html?tag=nonsense&year=%3Cimg%20src%3Dx%20onerror%3D"
              "alert(1)%3E&source=%3Cscript%3Ealert(2)%3C/script%3E&tag=")
    expect(page.locator("[data-filter]")).to_be_visible()
    expect(page.locator(".timeline .entry:visible")).to_have_count(len(example_events))
    expect(page.locator('[data-filter-tag=""]')).to_have_attribute("aria-pressed", "true")
    expect(page.locator("select#filter-year")).to_have_value("")
    expect(page.locator("select#filter-source")).to_have_value("")
    expect(page.locator(".filter-status")).to_have_text("")
    expect(page.locator("[data-filter-clear]")).to_be_hidden()
    expect(page.locator("main img, main script")).to_have_count(0)
    assert dialogs == []
    assert_no_problems(problems)


SOURCED = {  # four events over two years, citing two of three sources
    "content/sources.yaml": """\
        zeta:
          title: Zeta report
        alpha:
          title: Alpha article
          url: https://example.org/alpha
        unused:
          title: Never cited
        """,
    "content/e1.md": '---\ntitle: "One"\ndate: "2021-01-01"\ntags: [x]\n---\nA [@zeta].\n',
    "content/e2.md": '---\ntitle: "Two"\ndate: "2021-02-01"\ntags: [y]\n---\nB [@alpha].\n',
    "content/e3.md": ('---\ntitle: "Three"\ndate: "2022-01-01"\ntags: [x]\n---\n'
                      "C [@zeta] [@alpha].\n"),
    "content/e4.md": '---\ntitle: "Four"\ndate: "2022-02-01"\ntags: [y]\n---\nD [@zeta].\n',
}


@pytest.fixture(scope="module")
def sourced(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve a site of SOURCED; yield its address."""
    root = tmp_path_factory.mktemp("sourced")
    write_files(root / "project", SOURCED)
    (root / "project" / "timeline.toml").write_text('title = "Sourced"\n', encoding="utf-8")
    build(root / "project", root / "site")
    with serve(root / "site") as served:
        yield served.url


@pytest.mark.parametrize(("path", "query", "shown", "menus"), [
    ("index.html", "source=alpha", ["Two", "Three"], ["year", "source"]),
    ("index.html", "source=zeta&year=2022", ["Three", "Four"], ["year", "source"]),
    ("index.html", "tag=x&source=alpha", ["Three"], ["year", "source"]),
    ("tags/x/index.html", "source=alpha", ["Three"], ["year", "source"]),
    ("sources/zeta/index.html", "tag=y&year=2022", ["Four"], ["year"]),
    ("years/2022/index.html", "source=alpha&year=2021", ["Three"], ["source"]),
])
def test_a_source_filter_and_the_filters_of_tag_source_and_year_pages(
        sourced: str, page: Page, problems: Problems, path: str, query: str,
        shown: list[str], menus: list[str]) -> None:
    page.goto(f"{sourced}{path}?{query}")  # a year page has no year menu: year= is ignored
    expect(page.locator(".timeline .entry:visible .entry-title")).to_have_text(shown)
    expect(page.locator("[data-filter] select")).to_have_count(len(menus))
    for key in menus:
        expect(page.locator(f"select#filter-{key}")).to_be_visible()
    chips = page.locator("[data-filter-tag]")
    expect(chips).to_have_count(0 if path.startswith("tags/") else 3)  # All, x, y
    if "source" in menus:  # cited sources only, by title
        expect(page.locator("select#filter-source option")).to_have_text(
            ["All sources", "Alpha article", "Zeta report"])
        page.locator("select#filter-source").select_option("")
        expect(page).to_have_url(re.compile(r"/[^?]*(\?(?!.*source=).*)?$"))
    assert_no_problems(problems)


def test_j_and_k_move_focus_along_the_visible_entries(
        index_url: str, example_events: list[EventData], page: Page,
        problems: Problems) -> None:
    page.goto(f"{index_url}?tag=kremlin")
    wanted = titles_where(example_events, "kremlin")
    slugs = [e["slug"] for e in example_events]
    positions = [slugs.index(e["slug"]) for e in example_events if "kremlin" in e["tags"]]
    assert any(b - a > 1 for a, b in zip(positions, positions[1:], strict=False))  # gaps
    focused = page.locator(":focus")
    for title in wanted:
        page.keyboard.press("j")
        expect(focused).to_have_text(title)
        expect(focused).to_be_in_viewport()
        assert page.evaluate("document.activeElement.matches('.entry-title a')")
    page.keyboard.press("j")  # nothing after the last: focus stays
    expect(focused).to_have_text(wanted[-1])
    for title in reversed(wanted[:-1]):
        page.keyboard.press("k")
        expect(focused).to_have_text(title)
        expect(focused).to_be_in_viewport()
    page.keyboard.press("k")
    expect(focused).to_have_text(wanted[0])
    page.keyboard.press("Alt+j")  # with a modifier: not ours
    expect(focused).to_have_text(wanted[0])

    menu = page.locator("select#filter-year")
    menu.focus()
    page.keyboard.press("j")
    expect(menu).to_be_focused()
    page.evaluate("""() => { const box = document.createElement("input");
        box.id = "box"; document.querySelector("main").prepend(box); }""")
    page.locator("#box").focus()
    page.keyboard.type("jk")
    expect(page.locator("#box")).to_be_focused()
    expect(page.locator("#box")).to_have_value("jk")
    assert_no_problems(problems)


FOCUS_STATE = """() => { const e = document.activeElement, s = getComputedStyle(e);
    return [e.getAttribute("data-probe"), s.outlineStyle, parseFloat(s.outlineWidth),
            e.matches(":focus-visible")]; }"""


def test_the_skip_link_lands_on_main_and_each_control_is_reached_visibly_by_tab(
        www: tuple[Served, Path], page: Page, problems: Problems) -> None:
    page.goto(www[0].url + f"sub/index.html?tag={TAG}")
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    expect(page.locator(".skip-link")).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    controls = page.evaluate("""() => Array.from(document.querySelectorAll(
        "[data-filter] button:not([hidden]), [data-filter] select")).map((e, n) => {
            e.setAttribute("data-probe", String(n)); return n; }).length""")
    assert controls >= 4
    reached = {}
    for _ in range(controls + 40):
        page.keyboard.press("Tab")
        probe, style, width, visible = page.evaluate(FOCUS_STATE)
        if probe is not None:
            reached[probe] = (style, width, visible)
    assert sorted(reached, key=int) == [str(n) for n in range(controls)]
    assert all(style != "none" and width >= 2 and visible
               for style, width, visible in reached.values()), reached
    assert_no_problems(problems)


def test_without_javascript_the_index_lists_everything_and_tags_are_links(
        browser: Browser, www: tuple[Served, Path],
        example_events: list[EventData]) -> None:
    served, site = www
    context = browser.new_context(java_script_enabled=False)
    try:
        page = Problems().watch(context.new_page())
        page.goto(served.url + "sub/index.html")
        expect(page.locator(".entry-title")).to_have_text([e["title"] for e in example_events])
        expect(page.locator(".timeline .entry:visible")).to_have_count(len(example_events))
        expect(page.locator("[data-filter]")).to_be_hidden()
        tags = page.locator(f"#event-{STRIKE} a.tag")
        assert tags.count() == len(next(e for e in example_events
                                        if e["slug"] == STRIKE)["tags"])
        for link in tags.all():
            href = link.get_attribute("href") or ""
            assert href.startswith("tags/") and (site / href).is_file(), href
        tags.filter(has_text=TAG).click()
        expect(page).to_have_url(served.url + f"sub/tags/{TAG}/index.html")
        expect(page.locator(".entry-title")).to_have_text(titles_tagged(example_events, TAG))
    finally:
        context.close()


# --- TimelineJS3 -------------------------------------------------------------------------

@pytest.fixture(scope="session")
def timelinejs() -> Path:
    """Return TimelineJS3's dist/ folder, installed from tests/npm/package-lock.json."""
    dist = npm_package("@knight-lab/timelinejs") / "dist"
    assert (dist / "js" / "timeline.js").is_file()
    return dist


EMBED = """\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>TimelineJS3 reads timeline.json</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="tl/css/timeline.css">
<script src="tl/js/timeline.js"></script>
</head>
<body>
<div id="as-built" style="width: 1000px; height: 600px"></div>
<div id="own-dates" style="width: 1000px; height: 600px"></div>
<script>
// font: null keeps TimelineJS from loading web fonts; script_path keeps it off its CDN.
const options = {script_path: new URL("tl/js/", location.href).href, font: null};
window.shown = {};  // each TL.Timeline by its element id, for the tests to ask
function show(id, data) {
  return new Promise((resolve) => {
    const timeline = new TL.Timeline(id, data, options);
    window.shown[id] = timeline;
    timeline.on("loaded", () => resolve(timeline));
  });
}
window.done = fetch("site/timeline.json").then((r) => r.json()).then(async (data) => {
  // The same data without display_date: TimelineJS formats the dates itself.
  // (Copied first: TimelineJS changes the data it is given.)
  const own = structuredClone(data);
  own.events.forEach((e) => { delete e.display_date; e.unique_id = "own-" + e.unique_id; });
  await show("as-built", data);
  await show("own-dates", own);
  return true;
});
</script>
</body>
</html>
"""


@pytest.fixture(scope="module")
def bc_site(tmp_path_factory: pytest.TempPathFactory, timelinejs: Path) -> Iterator[str]:
    """Serve the example plus a BC event, and a page showing its timeline.json in TimelineJS."""
    root = tmp_path_factory.mktemp("timelinejs")
    shutil.copytree(REPO / "content", root / "project" / "content")
    yield from _embedded(root, timelinejs, {"caesar.md": CAESAR, "leap-day.md": LEAP_DAY})


def _embedded(root: Path, timelinejs: Path, events: dict[str, str]) -> Iterator[str]:
    """Add events to root/project, build it, and serve it with TimelineJS's embed page."""
    content = root / "project" / "content"
    content.mkdir(parents=True, exist_ok=True)
    for name, text in events.items():
        (content / name).write_text(text, encoding="utf-8")
    www = root / "www"
    build(root / "project", www / "site")
    (www / "tl").symlink_to(timelinejs, target_is_directory=True)
    (www / "embed.html").write_text(EMBED, encoding="utf-8")
    with serve(www) as served:
        yield served.url


def test_timelinejs_shows_every_event_including_44_bc(
        bc_site: str, page: Page, problems: Problems) -> None:
    local = bc_site.rstrip("/")
    outside: list[str] = []
    page.route(lambda url: not url.startswith(local),
               lambda route: (outside.append(route.request.url), route.abort()))
    page.goto(bc_site + "embed.html")
    assert page.evaluate("""Promise.race([window.done, new Promise((_, fail) => setTimeout(
        () => fail(new Error("TimelineJS did not finish loading")), 10000))])""") is True
    assert_no_problems(problems)
    assert outside == []

    response = page.request.get(bc_site + "site/timeline.json")
    data = response.json()
    caesar = next(e for e in data["events"] if e["unique_id"] == "caesar")
    assert caesar["start_date"] == {"year": -44, "month": 3, "day": 15}
    headlines = [html.unescape(e["text"]["headline"]) for e in data["events"]]  # HTML there
    assert len(headlines) == len(list((REPO / "content").glob("*.md"))) + 2

    for embed in ("#as-built", "#own-dates"):
        slides = page.locator(f"{embed} .tl-slide:not(.tl-slide-titleslide)")
        expect(slides).to_have_count(len(headlines))
        shown = page.locator(f"{embed} .tl-slide .tl-headline").all_text_contents()
        assert set(headlines) <= {text.strip() for text in shown}
        assert page.locator(f"{embed} .tl-timemarker").count() == len(headlines)
        # The eras of content/eras.yaml, drawn by TimelineJS as its own eras.
        eras = page.locator(f"{embed} .tl-timeera .tl-timeera-text").all_text_contents()
        assert [text.strip() for text in eras] == [
            "First call-up of reservists", "Makiivka strike and its aftermath"]
    built = page.locator("#as-built #caesar .tl-headline-date").text_content() or ""
    assert built == "15 March 44 BC"  # display_date, the site's own label
    own = page.locator("#own-dates #own-caesar .tl-headline-date").text_content() or ""
    assert "44" in own and ("BCE" in own or "BC" in own), own
    assert "45" not in own, "TimelineJS counts no year 0: year -44 is 44 BCE"


def test_an_imported_timelinejs_bc_year_is_the_year_timelinejs_shows(
        tmp_path: Path, timelinejs: Path, page: Page, problems: Problems) -> None:
    # TimelineJS's year -44 is 44 BCE (no year 0); ours is -0043. Import the file,
    # then show the same file in TimelineJS itself: both must say 44 BC.
    data = json.loads((REPO / "tests/fixtures/timelinejs/rome.json").read_text("utf-8"))
    data["events"] = data["events"][:3]  # the slides TimelineJS can show too
    www = tmp_path / "www"
    (www / "site").mkdir(parents=True)
    source = www / "site" / "timeline.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    project = tmp_path / "rome"
    imported = import_timelinejs(source, project)
    assert imported.events == 3 and imported.report.errors == []
    build(project, project / "site")
    ours = {e["title"]: e["display"] for e in json.loads(
        (project / "site" / "events.json").read_text(encoding="utf-8"))}
    assert ours["Assassination of Julius Caesar"] == "15 March 44 BC"
    assert ours["Reign of Augustus"] == "c. 27 BC – 14"

    (www / "tl").symlink_to(timelinejs, target_is_directory=True)
    (www / "embed.html").write_text(EMBED, encoding="utf-8")
    with serve(www) as served:
        page.goto(served.url + "embed.html")
        assert page.evaluate("""Promise.race([window.done, new Promise((_, fail) => setTimeout(
            () => fail(new Error("TimelineJS did not finish loading")), 10000))])""") is True
        assert_no_problems(problems)
        caesar = page.locator("#own-dates #own-caesar .tl-headline-date").text_content() or ""
        augustus = page.locator("#own-dates #own-augustus .tl-headline-date").text_content()
    # TimelineJS's own words for the dates: "March 15, 44 BCE", "27 BCE — 14".
    assert re.search(r"\b44 BCE?\b", caesar) and "March" in caesar and "45" not in caesar, \
        caesar
    assert re.search(r"\b27 BCE?\b", augustus or "") and "28" not in (augustus or ""), \
        augustus


def test_timelinejs_shows_a_bc_leap_day_as_29_february_45_bc(
        bc_site: str, page: Page, problems: Problems) -> None:
    page.goto(bc_site + "embed.html")
    assert page.evaluate("window.done") is True
    assert_no_problems(problems)
    # TimelineJS builds new Date(year, month - 1, day); JavaScript's year -45 is
    # astronomical (46 BC, a common year), so 29 February would roll to 1 March.
    assert page.evaluate("[new Date(-45, 1, 29).getMonth(), new Date(-45, 1, 29).getDate()]") \
        == [2, 1]
    for selector in ("#as-built #leap-day", "#own-dates #own-leap-day"):
        shown = page.locator(f"{selector} .tl-headline-date").text_content() or ""
        assert shown == "29 February 45 BC", selector


DEEP_TIME = """\
---
title: "Formation of the oldest rocks here"
date: "Y-170000002"
---
A year of deep time, beyond what a JavaScript Date can hold.
"""
NORMAL = """\
---
title: "Strike"
date: "2023-01-01"
---
A date of human scale.
"""


@pytest.fixture(scope="module")
def deep_site(tmp_path_factory: pytest.TempPathFactory, timelinejs: Path) -> Iterator[str]:
    """Serve a site with a deep-time event and a normal one, shown in TimelineJS."""
    root = tmp_path_factory.mktemp("deep")
    yield from _embedded(root, timelinejs, {"rocks.md": DEEP_TIME, "strike.md": NORMAL})


def test_timelinejs_shows_a_deep_time_event_beside_a_normal_one(
        deep_site: str, page: Page, problems: Problems) -> None:
    page.goto(deep_site + "embed.html")
    assert page.evaluate("""Promise.race([window.done, new Promise((_, fail) => setTimeout(
        () => fail(new Error("TimelineJS did not finish loading")), 10000))])""") is True
    assert_no_problems(problems)
    data = page.request.get(deep_site + "site/timeline.json").json()
    rocks = next(e for e in data["events"] if e["unique_id"] == "rocks")
    assert rocks["start_date"] == {"year": -170000003}  # 170,000,003 BC, no year 0
    # A year before -271,820 is beyond a JavaScript Date: TimelineJS switches to its
    # cosmological scale, for the whole timeline.
    assert page.evaluate("""[window.shown["as-built"].config.scale,
                             window.shown["own-dates"].config.scale]""") == [
        "cosmological", "cosmological"]
    for embed in ("#as-built", "#own-dates"):
        expect(page.locator(f"{embed} .tl-slide:not(.tl-slide-titleslide)")).to_have_count(2)
        expect(page.locator(f"{embed} .tl-timemarker")).to_have_count(2)
        shown = page.locator(f"{embed} .tl-slide:not(.tl-slide-titleslide) .tl-headline")
        assert [t.strip() for t in shown.all_text_contents()] == [
            "Formation of the oldest rocks here", "Strike"]  # in order of time
    dates = {embed: [page.locator(f"#{embed} #{prefix}{slug} .tl-headline-date").text_content()
                     for slug in ("rocks", "strike")]
             for embed, prefix in (("as-built", ""), ("own-dates", "own-"))}
    assert dates == {
        "as-built": ["170,000,003 BC", "1 January 2023"],  # display_date, our own labels
        # Without them TimelineJS labels a cosmological year by its distance from now,
        # and a year of human scale as usual.
        "own-dates": ["170.0 million years ago", "January 1, 2023"],
    }


# --- Screenshots -------------------------------------------------------------------------

def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


@pytest.mark.parametrize("width", [1280, 390])
def test_screenshots_of_the_index_and_an_event(
        browser: Browser, www: tuple[Served, Path], tmp_path: Path, width: int) -> None:
    served, _ = www
    context = browser.new_context(viewport={"width": width, "height": 900},
                                  device_scale_factor=1)
    try:
        page = context.new_page()
        for name, path in (("index", "sub/index.html"),
                           ("event", f"sub/events/{STRIKE}/index.html")):
            page.goto(served.url + path)
            overflow = page.evaluate("document.documentElement.scrollWidth - innerWidth")
            assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {width}px"
            shot = tmp_path / f"{name}-{width}.png"
            page.screenshot(path=shot, full_page=True)
            data = shot.read_bytes()
            assert len(data) > 10_000
            shot_width, height = png_size(data)
            assert shot_width == width and height >= 900
    finally:
        context.close()


HOSTILE_EMBED = """\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>TimelineJS3 reads a hostile timeline.json</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="tl/css/timeline.css">
<script src="tl/js/timeline.js"></script>
</head>
<body>
<div id="tl" style="width: 1000px; height: 600px"></div>
<script>
const options = {script_path: new URL("tl/js/", location.href).href, font: null};
window.done = fetch("site/timeline.json").then((r) => r.json()).then((data) => {
  data.events.forEach((e) => { if (e.media) e.media.url = "site/" + e.media.url; });
  return new Promise((resolve) => {
    const timeline = new TL.Timeline("tl", data, options);
    timeline.on("loaded", () => { timeline.goTo(1); resolve(true); });
  });
});
</script>
</body>
</html>
"""

# Script elements other than the page's own, on* attributes and javascript: URLs under
# root. TimelineJS's own links to URLs it finds in text carry onclick='void(0)'.
DOM_DANGERS = """([root, own]) => {
  const found = [];
  for (const el of document.querySelectorAll(root + ", " + root + " *")) {
    const data = el.tagName === "SCRIPT" && el.type === "application/ld+json";  // never run
    if (data) try { JSON.parse(el.textContent); } catch (e) { found.push("bad JSON-LD"); }
    if (el.tagName === "SCRIPT" && !data && !own.some((name) => (el.src || "").endsWith(name)))
      found.push("script " + el.outerHTML.slice(0, 80));
    for (const attr of el.attributes) {
      const value = attr.value.replace(/[\\s\\u0000-\\u001f]/g, "").toLowerCase();
      if (attr.name.startsWith("on") && !(attr.name === "onclick" && value === "void(0)"))
        found.push(el.tagName + " " + attr.name + "=" + attr.value);
      if (value.startsWith("javascript:")) found.push(el.tagName + " " + attr.name);
    }
  }
  return found;
}"""


@pytest.fixture(scope="module")
def hostile_www(tmp_path_factory: pytest.TempPathFactory, timelinejs: Path) -> Iterator[str]:
    """Serve a site built from hostile text in every field, and TimelineJS showing it."""
    root = tmp_path_factory.mktemp("hostile-www")
    write_hostile_project(root / "project")
    www = root / "www"
    build(root / "project", www / "site", environ={})
    (www / "tl").symlink_to(timelinejs, target_is_directory=True)
    (www / "embed.html").write_text(HOSTILE_EMBED, encoding="utf-8")
    with serve(www) as served:
        yield served.url


def test_hostile_text_runs_no_script_in_timelinejs(hostile_www: str, page: Page) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.route(lambda url: not url.startswith(hostile_www), lambda route: route.abort())
    page.goto(hostile_www + "embed.html")
    assert page.evaluate("window.done") is True
    expect(page.locator("#tl .tl-slide .tl-headline").nth(1)).to_have_text(HOSTILE)
    expect(page.locator("#tl .tl-caption").first).to_have_text(HOSTILE)
    expect(page.locator("#tl .tl-timegroup-message").first).to_have_text(HOSTILE)
    page.evaluate("new Promise((done) => setTimeout(done, 300))")  # let images fail to load
    assert page.evaluate(DOM_DANGERS, ["#tl", []]) == []
    assert dialogs == []


def test_hostile_text_runs_no_script_on_any_page(hostile_www: str, page: Page) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.route(lambda url: not url.startswith(hostile_www), lambda route: route.abort())
    for name in ("index.html", "events/e/index.html", "sources/reg/index.html",
                 "sources/in/index.html", "tags/index.html", "404.html"):
        page.goto(hostile_www + "site/" + name)
        assert page.evaluate(DOM_DANGERS, ["html", ["assets/timeline.js",
                                                    "assets/search.js"]]) == [], name
    page.goto(hostile_www + "site/index.html?q=script+alert")  # the search shows hostile text
    expect(page.locator(".search-results li")).to_have_count(1)
    expect(page.locator(".search-results a")).to_have_text(HOSTILE)
    own = ["assets/timeline.js", "assets/search.js", "search/meta.js", "search/terms-0.js",
           "search/docs-0.js"]
    assert page.evaluate(DOM_DANGERS, ["html", own]) == []
    assert dialogs == []


# --- Phone first -------------------------------------------------------------------------

@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_on_a_phone_the_first_event_is_on_the_first_screen(
        browser: Browser, index_url: str, example_events: list[EventData],
        problems: Problems, scheme: str) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740},
                                  color_scheme=scheme)  # type: ignore[arg-type]
    context.set_default_timeout(TIMEOUT)
    try:
        page = problems.watch(context.new_page())
        page.goto(index_url)
        first = page.locator(".entry-title").first
        expect(first).to_have_text(example_events[0]["title"])
        box = first.bounding_box()
        assert box is not None
        line = float(first.evaluate("e => parseFloat(getComputedStyle(e).lineHeight)"))
        assert box["y"] >= 0 and box["y"] + line <= 740, f"first title at {box['y']}px"
        overflow = page.evaluate("document.documentElement.scrollWidth - innerWidth")
        assert overflow <= 0, f"the index scrolls sideways by {overflow}px"
        assert problems.found() == {}
    finally:
        context.close()


def test_the_picture_of_time_fades_the_marks_the_filter_hides(
        page: Page, index_url: str, example_events: list[EventData], problems: Problems) -> None:
    page.goto(index_url + "?tag=casualties&year=2023")
    wanted = {e["slug"] for e in example_events
              if "casualties" in e["tags"] and year_of(e) == 2023}
    assert wanted
    lit = page.eval_on_selector_all(
        ".chart-mark:not(.is-filtered-out)", "ms => ms.map(m => m.getAttribute('href'))")
    faded = page.eval_on_selector_all(
        ".chart-mark.is-filtered-out", "ms => ms.map(m => [m.getAttribute('tabindex'),"
        " m.getAttribute('aria-hidden')])")
    assert sorted(lit) == sorted(f"#event-{slug}" for slug in wanted)
    assert faded == [["-1", "true"]] * (len(example_events) - len(wanted))
    page.goto(index_url)
    assert page.locator(".chart-mark.is-filtered-out").count() == 0
    assert problems.found() == {}


# --- Print -------------------------------------------------------------------------------

def test_printed_pages_write_out_source_addresses_and_leave_out_controls(
        page: Page, sourced: str) -> None:
    page.emulate_media(media="print")
    page.goto(sourced + "events/e3/index.html")
    after = page.eval_on_selector(".note .source-title a",
                                  "a => getComputedStyle(a, '::after').content")
    assert after == '" <https://example.org/alpha>"'
    assert page.locator(".note").count() == 2  # the whole source list
    page.goto(sourced + "index.html")
    shown = page.evaluate("""() => Object.fromEntries(
        ['.site-nav', '.site-footer', '.search', '.filter', '.timeline-tools', '.chart',
         '.timeline'].map((s) => [s, getComputedStyle(document.querySelector(s)).display]))""")
    assert {name: display != "none" for name, display in shown.items()} == {
        ".site-nav": False, ".site-footer": False, ".search": False, ".filter": False,
        ".timeline-tools": False, ".chart": True, ".timeline": True}


def test_the_strike_page_shows_the_disputed_toll_each_account_linked_to_its_note(
        www: tuple[Served, Path], page: Page, problems: Problems) -> None:
    page.goto((www[1] / "events" / STRIKE / "index.html").as_uri())
    table = page.get_by_role("table", name="Killed disputed")
    expect(table).to_be_visible()
    expect(table.locator("caption .claim-status")).to_have_text("disputed")
    expect(table.get_by_role("columnheader")).to_have_text(
        ["Value", "According to", "Source", "As of"])
    russian = table.get_by_role("row").filter(has_text="Russia (the official toll)")
    ukrainian = table.get_by_role("row").filter(has=page.get_by_role("cell", name="Ukraine",
                                                                      exact=True))
    expect(russian.locator(".claim-value")).to_have_text("89")
    expect(ukrainian.locator(".claim-value")).to_have_text("closer to 300")
    for row, place in [(russian, "para. 12"), (ukrainian, "para. 13")]:
        link = row.get_by_role("link", name=f"Source 1, {place}")
        expect(link).to_have_attribute("href", "#source-1")
        anchor = link.get_attribute("id")
        link.click()
        expect(page).to_have_url(re.compile(f"/events/{STRIKE}/index.html#source-1$"))
        expect(page.locator("#source-1")).to_be_in_viewport()
        # the note links back to this account
        back = page.locator(f'#source-1 a.note-backlink[href="#{anchor}"]')
        expect(back).to_have_count(1)
        back.click()
        expect(page.locator(f"#{anchor}")).to_be_in_viewport()
    assert_no_problems(problems)
