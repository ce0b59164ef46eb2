"""Planning the site: tag slugs, year groups, the pages and their links, date display."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import REPO, MakeProject, event
from test_validation import (
    SPLIT_EVENTS,
    broken_links,
    parse_file,
    resolve_link,
    write_split_project,
)

from timeline.build import build
from timeline.config import Config
from timeline.content.load import load_timeline
from timeline.dates.locale import date_locale
from timeline.dates.model import year_label
from timeline.dates.parse import parse_date, parse_event_date
from timeline.model import Event, Note, Source, Timeline
from timeline.site.filters import (
    BackLink,
    TimePart,
    back_links,
    date_display,
    source_date,
    template_filters,
)
from timeline.site.pages import (
    FULL_INDEX_LIMIT,
    SOURCES_PER_PAGE,
    _url_maker,
    group_by_year,
    plan_of,
    plan_pages,
    tag_slug,
)


def make_event(slug: str, date: str, tags: tuple[str, ...] = (), title: str = "") -> Event:
    return Event(slug=slug, title=title or slug, date=parse_event_date(date),
                 path=f"content/{slug}.md", tags=tags)


def timeline_of(project: Path) -> Timeline:
    timeline, report = load_timeline(project)
    assert report.errors == [], report.errors
    return timeline


# --- tag_slug ----------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "slug"), [
    ("ukraine", "ukraine"),
    ("Foo Bar", "foo-bar"),
    ("foo bar", "foo-bar"),
    ("  FOO   bar ", "foo-bar"),
    ("Ça va, Zoë?", "ca-va-zoe"),
    ("uk-intelligence", "uk-intelligence"),
    ("Україна", "україна"),
    ("УКРАЇНА", "україна"),
    ("日本", "日本"),
    ("日本 中国", "日本-中国"),
    ("", "tag"),
    ("!!!", "tag"),
    ("../..", "tag"),
])
def test_tag_slug(name: str, slug: str) -> None:
    assert tag_slug(name) == slug


@pytest.mark.parametrize("name", ["a/b", "../etc", "x?y#z", "日本/中国", "Україна/Київ", " . "])
def test_tag_slug_is_one_safe_path_segment(name: str) -> None:
    slug = tag_slug(name)
    assert slug and "/" not in slug and "?" not in slug and "#" not in slug
    assert slug not in (".", "..")


def test_tag_slug_keeps_non_ascii_letters_beside_ascii_ones() -> None:
    """Dropping the letters ASCII lacks would give 'Київ 2023' and 'Харків 2023' one page."""
    assert tag_slug("Київ 2023") != tag_slug("Харків 2023")
    assert tag_slug("Kyiv Україна") != tag_slug("Kyiv")
    assert tag_slug("Київ 2023") == "київ-2023"


def test_tags_differing_in_case_share_one_page(make_project: MakeProject) -> None:
    project = make_project({"content/a.md": event("A", '"2023-01-01"', tags="[Foo Bar]"),
                            "content/b.md": event("B", '"2023-01-02"', tags="[foo bar, x]")})
    timeline = timeline_of(project)
    tags = plan_of(timeline).shared["tags"]
    assert [(t.name, t.slug, t.count) for t in tags] == [("Foo Bar", "foo-bar", 2),
                                                         ("x", "x", 1)]
    assert tags[0].path == "tags/foo-bar/index.html"
    pages = plan_pages(timeline)
    groups = {p.dest: p.context["groups"] for p in pages if p.template == "tag.html"}
    assert [e.slug for g in groups["tags/foo-bar/index.html"] for m in g.months
            for e in m.events] == ["a", "b"]
    assert [p.dest for p in pages if p.template == "tag.html"] == [
        "tags/foo-bar/index.html", "tags/x/index.html"]
    tag_of = pages[0].context["tag_of"]
    assert tag_of["Foo Bar"] is tag_of["foo bar"]
    assert tag_of["Foo Bar"] == tags[0]


def test_distinct_tags_never_share_a_page(make_project: MakeProject) -> None:
    project = make_project({
        "content/a.md": event("A", '"2023-01-01"', tags="[Київ 2023]"),
        "content/b.md": event("B", '"2023-01-02"', tags="[Харків 2023]"),
    })
    names = sorted(t.name for t in plan_of(timeline_of(project)).shared["tags"])
    assert names == ["Київ 2023", "Харків 2023"]


# --- group_by_year -----------------------------------------------------------------------

def test_group_by_year_groups_by_year_and_month_in_timeline_order() -> None:
    events = (make_event("pyramid", "-2559~"), make_event("caesar", "-0043-03-15"),
              make_event("call-up", "2022-09-21"), make_event("strike", "2022-12-26~/2023-01-01~"),
              make_event("year", "2023"), make_event("month", "2023-01"),
              make_event("visit", "2023-01-04"), make_event("update", "2023-03-07"))
    groups = group_by_year(events)
    assert [(g.year, g.label, g.path, g.count) for g in groups] == [
        (-2559, "2560 BC", "years/2560-bc/index.html", 1),
        (-43, "44 BC", "years/44-bc/index.html", 1),
        (2022, "2022", "years/2022/index.html", 2),
        (2023, "2023", "years/2023/index.html", 4),
    ]
    shape = {g.label: [(m.month, m.label, [e.slug for e in m.events]) for m in g.months]
             for g in groups}
    assert shape == {
        "2560 BC": [(None, "2560 BC", ["pyramid"])],
        "44 BC": [(3, "March 44 BC", ["caesar"])],
        "2022": [(9, "September 2022", ["call-up"]), (12, "December 2022", ["strike"])],
        "2023": [(None, "2023", ["year"]), (1, "January 2023", ["month", "visit"]),
                 (3, "March 2023", ["update"])],
    }


def test_group_by_year_of_nothing_is_empty() -> None:
    assert group_by_year(()) == ()


def test_group_by_year_keeps_years_and_months_in_order_across_time_zones(
        make_project: MakeProject) -> None:
    """00:01 in Moscow on 1 January comes before 22:30 UTC on 31 December."""
    project = make_project({
        "content/moscow.md": event("Moscow", '"2023-01-01T00:01+03:00"'),
        "content/utc.md": event("UTC", '"2022-12-31T22:30Z"'),
        "content/feb.md": event("February", '"2023-02-01T00:30+03:00"'),
        "content/jan.md": event("January", '"2023-01-31T23:00Z"'),
    })
    timeline = timeline_of(project)
    assert [e.slug for e in timeline.events] == ["moscow", "utc", "feb", "jan"]
    groups = group_by_year(timeline.events)
    assert [g.year for g in groups] == [2022, 2023]
    assert [m.month for m in groups[1].months] == [1, 2]
    pages = {p.dest: p for p in plan_pages(timeline)}
    assert pages["years/2022/index.html"].context["next_year"].year == 2023
    assert pages["years/2023/index.html"].context["previous_year"].year == 2022


@pytest.mark.parametrize(("year", "label"), [(2023, "2023"), (1, "1"), (0, "1 BC"),
                                             (-43, "44 BC")])
def test_year_label(year: int, label: str) -> None:
    assert year_label(year) == label


# --- plan_pages --------------------------------------------------------------------------

def test_plan_pages_plans_every_kind_of_page(make_project: MakeProject) -> None:
    project = make_project({
        "content/a.md": event("A", '"2022-12-31"', "A [@article].", tags="[x, y]"),
        "content/b.md": event("B", '"2023-01-04"', "B [@report].", tags="[y]"),
        "content/c.md": event("C", '"2023-02"', "C.", sources="[{title: Inline}]"),
    })
    timeline = timeline_of(project)
    pages = plan_pages(timeline)
    dests = [p.dest for p in pages]
    assert len(dests) == len(set(dests))
    assert {p.dest: p.template for p in pages} == {
        "index.html": "index.html",
        "years/2022/index.html": "year.html", "years/2023/index.html": "year.html",
        "events/a/index.html": "event.html", "events/b/index.html": "event.html",
        "events/c/index.html": "event.html",
        "tags/index.html": "tags.html",
        "tags/x/index.html": "tag.html", "tags/y/index.html": "tag.html",
        "sources/index.html": "sources.html",
        "sources/article/index.html": "source.html", "sources/report/index.html": "source.html",
        "sources/c-1/index.html": "source.html",
        "404.html": "404.html",
    }
    by_dest = {p.dest: p.context for p in pages}
    index = by_dest["index.html"]
    assert index["overview"] is False
    assert [e.slug for e in index["events"]] == ["a", "b", "c"]
    assert index["sources_count"] == 3
    b = by_dest["events/b/index.html"]
    assert (b["previous"].slug, b["next"].slug) == ("a", "c")
    assert b["timeline_link"] == "index.html#event-b"
    assert by_dest["events/a/index.html"]["previous"] is None
    assert by_dest["events/c/index.html"]["next"] is None
    assert by_dest["tags/y/index.html"]["tag"].count == 2
    assert [g.year for g in by_dest["tags/y/index.html"]["groups"]] == [2022, 2023]
    sources = by_dest["sources/index.html"]["sources"]
    assert [(s.source.title, [e.slug for e in s.events]) for s in sources] == [
        ("Example article", ["a"]), ("Example report", ["b"]), ("Inline", ["c"])]
    assert by_dest["years/2022/index.html"]["previous_year"] is None
    assert by_dest["years/2022/index.html"]["next_year"].year == 2023


def test_plan_pages_of_an_empty_timeline() -> None:
    pages = plan_pages(Timeline(Config(), ()))
    assert [p.dest for p in pages] == ["index.html", "tags/index.html", "sources/index.html",
                                       "404.html"]


@pytest.fixture(scope="module")
def big_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project of FULL_INDEX_LIMIT + 1 tiny events over eleven years."""
    root = tmp_path_factory.mktemp("big")
    (root / "content").mkdir()
    for n in range(FULL_INDEX_LIMIT + 1):
        year, day = 2000 + n % 11, 1 + n % 28
        (root / "content" / f"e{n:03d}.md").write_text(
            event(f"Event {n}", f'"{year}-{1 + n % 12:02d}-{day:02d}"', "Tiny.",
                  tags="[odd]" if n % 2 else "[even]"), encoding="utf-8")
    return root


def test_above_the_limit_the_index_is_an_overview_of_year_pages(big_project: Path,
                                                                tmp_path: Path) -> None:
    timeline = timeline_of(big_project)
    assert len(timeline.events) == FULL_INDEX_LIMIT + 1
    pages = {p.dest: p.context for p in plan_pages(timeline)}
    assert pages["index.html"]["overview"] is True
    for item in timeline.events:
        year = item.date.start.year
        assert pages[f"events/{item.slug}/index.html"]["timeline_link"] == \
            f"years/{year}/index.html#event-{item.slug}"
    at_limit = Timeline(timeline.config, timeline.events[:FULL_INDEX_LIMIT])
    assert plan_pages(at_limit)[0].context["overview"] is False

    output = tmp_path / "site"
    build(big_project, output)
    index = parse_file(output / "index.html")
    assert not [i for i in index.ids if i.startswith("event-")], "no full list of events"
    year_links = {url for tag, _, url in index.links if url.startswith("years/")}
    assert year_links == {f"years/{y}/index.html" for y in range(2000, 2011)}
    year = parse_file(output / "years" / "2004" / "index.html")
    slugs = [i.removeprefix("event-") for i in year.ids if i.startswith("event-")]
    assert len(slugs) == len([e for e in timeline.events if e.date.start.year == 2004]) > 0
    problems = broken_links(output, None)
    assert not problems, "\n".join(problems[:20])
    tag_page = (output / "tags" / "odd" / "index.html").read_text(encoding="utf-8")
    assert "entries-compact" in tag_page and "entry-summary" not in tag_page


@pytest.fixture(scope="module")
def split_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The project of write_split_project, built: every listing cut into pages."""
    project = write_split_project(tmp_path_factory.mktemp("split"))
    build(project, project / "site")
    return project, project / "site"


def entry_ids(page: Path) -> list[str]:
    return [i.removeprefix("event-") for i in parse_file(page).ids if i.startswith("event-")]


def test_a_year_of_many_events_is_cut_into_month_pages(split_site: tuple[Path, Path]) -> None:
    project, site = split_site
    timeline = timeline_of(project)
    of_2020 = [e for e in timeline.events if e.date.start.year == 2020]
    assert len(of_2020) > FULL_INDEX_LIMIT
    year = parse_file(site / "years" / "2020" / "index.html")
    # each month page is linked from the list of months and from its bar of the picture;
    # the bar of the events dated to the year only links to them on this page
    links = {url for tag, _, url in year.links if url.startswith("../../years/2020/")}
    assert "../../years/2020/index.html#month-2020-0" in links
    months = sorted(url for url in links if "#" not in url)
    assert months == [f"../../years/2020/{m:02d}/index.html" for m in range(1, 13)]
    undated = [e.slug for e in of_2020 if e.date.start.month is None]
    assert len(undated) == 10 and entry_ids(site / "years" / "2020" / "index.html") == undated
    assert "entries-compact" in (site / "years" / "2020" / "index.html").read_text("utf-8")
    for month in range(1, 13):
        page = site / "years" / "2020" / f"{month:02d}" / "index.html"
        assert entry_ids(page) == [e.slug for e in of_2020 if e.date.start.month == month]
    pages = {p.dest: p.context for p in plan_pages(timeline)}
    first = next(e for e in of_2020 if e.date.start.month is not None)
    assert pages[f"events/{first.slug}/index.html"]["timeline_link"] == \
        f"years/2020/{first.date.start.month:02d}/index.html#event-{first.slug}"
    assert len(entry_ids(site / "years" / "2019" / "index.html")) == 20  # not cut
    problems = broken_links(site, None)
    assert not problems, "\n".join(problems[:20])


@pytest.mark.parametrize("folder", ["tags/all", "sources/common"])
def test_a_tag_or_source_of_many_events_gets_a_page_per_year(split_site: tuple[Path, Path],
                                                             folder: str) -> None:
    _, site = split_site
    top = site / folder / "index.html"
    assert entry_ids(top) == []
    links = {url for tag, _, url in parse_file(top).links if tag == "a"}
    assert {f"../../{folder}/2019/index.html", f"../../{folder}/2020/index.html"} <= links
    part_2019 = entry_ids(site / folder / "2019" / "index.html")
    part_2020 = entry_ids(site / folder / "2020" / "index.html")
    assert (len(part_2019), len(part_2020)) == (20, 500)
    assert "entries-compact" in (site / folder / "2020" / "index.html").read_text("utf-8")


def test_the_source_list_is_cut_into_pages_of_counts(split_site: tuple[Path, Path]) -> None:
    _, site = split_site
    first = (site / "sources" / "index.html").read_text(encoding="utf-8")
    second = (site / "sources" / "index-2.html").read_text(encoding="utf-8")
    titles = [len(re.findall(r'class="bibliography-title"', page)) for page in (first, second)]
    assert titles == [SOURCES_PER_PAGE, SPLIT_EVENTS + 1 - SOURCES_PER_PAGE]
    assert "page 1 of 2" in first and "page 2 of 2" in second
    assert '<a href="../sources/index-2.html">2</a>' in first
    assert '<a aria-current="page" href="../sources/index-2.html">2</a>' in second
    assert "event-links" not in first, "counts only, not every citing event"
    assert re.search(r'<a href="../sources/common/index.html">Cited by 520 events</a>', first)


def test_no_page_of_a_split_site_is_large(split_site: tuple[Path, Path]) -> None:
    _, site = split_site
    sizes = {p.relative_to(site).as_posix(): p.stat().st_size for p in site.rglob("*.html")}
    # 500 full entries of 2020 on one year page would be about 300 KB
    assert max(sizes.values()) < 200_000, max(sizes.items(), key=lambda kv: kv[1])


def test_below_the_limit_tag_pages_show_full_entries(make_project: MakeProject,
                                                     tmp_path: Path) -> None:
    project = make_project({"content/e.md": event(tags="[odd]", body="Summary [@article].")})
    build(project, tmp_path / "site")
    tag_page = (tmp_path / "site" / "tags" / "odd" / "index.html").read_text(encoding="utf-8")
    assert "entry-summary" in tag_page and "entries-compact" not in tag_page


# --- The url function of a page ----------------------------------------------------------

def lands_on(page: str, url: str) -> str:
    """Return the site path (and #fragment) a relative link on page leads to."""
    assert not url.startswith("/") and "://" not in url, url
    resolved = resolve_link(page, url, None)
    assert resolved is not None, url
    path, fragment = resolved
    return path + (f"#{fragment}" if fragment else "")


@pytest.mark.parametrize("pretty", [False, True])
@pytest.mark.parametrize("page", ["index.html", "events/x/index.html", "tags/t/index.html",
                                  "404.html", "years/-43/index.html"])
def test_url_makes_site_paths_relative_links_to_them(page: str, pretty: bool) -> None:
    url = _url_maker(page, None, pretty)
    for target in ("index.html", "index.html#event-x", "events/x/index.html",
                   "events/x/index.html#sources", "tags/t/index.html", "tags/index.html",
                   "assets/style.css", "events.json", "sources/a-b/index.html"):
        link = url(target)
        assert lands_on(page, link) == target, (page, target, link)
        if pretty and target.partition("#")[0].endswith("index.html"):
            assert "index.html" not in link, link


def test_url_keeps_web_urls() -> None:
    url = _url_maker("events/x/index.html", None, False)
    assert url("https://example.org/a?b=1#c") == "https://example.org/a?b=1#c"
    assert url("HTTP://EXAMPLE.ORG/") == "HTTP://EXAMPLE.ORG/"
    assert url("http://example.org/a b") == "http://example.org/a b"


def test_url_escapes_what_a_url_cannot_hold() -> None:
    url = _url_maker("events/x/index.html", None, False)
    link = url("photos/my photo (1).png")
    assert " " not in link
    assert lands_on("events/x/index.html", link) == "photos/my photo (1).png"


def test_url_with_pretty_urls_links_to_folders() -> None:
    url = _url_maker("events/x/index.html", None, True)
    assert url("tags/t/index.html").endswith("tags/t/")
    assert url("index.html#event-x").endswith("/#event-x")
    assert url("assets/style.css").endswith("assets/style.css")
    assert _url_maker("index.html", None, True)("index.html") == "./"


def test_url_with_a_base_url_is_absolute() -> None:
    url = _url_maker("404.html", "https://example.org/sub/", False)
    assert url("tags/index.html") == "https://example.org/sub/tags/index.html"
    assert url("https://elsewhere.example/") == "https://elsewhere.example/"
    pretty = _url_maker("404.html", "https://example.org/sub/", True)
    assert pretty("index.html") == "https://example.org/sub/"
    assert pretty("tags/t/index.html") == "https://example.org/sub/tags/t/"


def test_only_the_404_page_links_absolutely_and_only_with_a_base_url(
        make_project: MakeProject, tmp_path: Path) -> None:
    project = make_project({"content/e.md": event(tags="[t]")})
    build(project, tmp_path / "plain")
    build(project, tmp_path / "based", base_url="https://example.org/sub")
    for site, absolute in ((tmp_path / "plain", False), (tmp_path / "based", True)):
        links = [url for _, _, url in parse_file(site / "404.html").links]
        assert ("https://example.org/sub/assets/style.css" in links) is absolute
        assert ("https://example.org/sub/tags/index.html" in links) is absolute
        assert ("assets/style.css" in links) is not absolute
        event_links = [url for _, _, url in
                       parse_file(site / "events" / "e" / "index.html").links]
        assert "../../assets/style.css" in event_links
        assert "../../tags/t/index.html" in event_links


# --- Date display ------------------------------------------------------------------------

def shown(date: str) -> tuple[str, str | None, str, str | None, str]:
    """Return a date as displayed: start, its datetime, separator, end, its datetime."""
    display = date_display(parse_event_date(date))
    end = display.end
    return (display.start.text, display.start.datetime, display.separator,
            end.text if end else None, end.datetime if end else None)


@pytest.mark.parametrize(("date", "expected"), [
    ("2023-01-04", ("4 January 2023", "2023-01-04", "", None, None)),
    ("2022-12", ("December 2022", "2022-12", "", None, None)),
    ("2023", ("2023", "2023", "", None, None)),
    ("-0043-03-15", ("15 March 44 BC", None, "", None, None)),
    ("2023-01-05/2023-01-07", ("5", "2023-01-05", "–", "7 January 2023", "2023-01-07")),
    ("2023-01-30/2023-02-02",
     ("30 January", "2023-01-30", " – ", "2 February 2023", "2023-02-02")),
    ("2022-09/2022-12", ("September", "2022-09", "–", "December 2022", "2022-12")),
    ("2020/2023", ("2020", "2020", "–", "2023", "2023")),
    ("-0100/-0050", ("101", None, "–", "51 BC", None)),
    ("-0043-03-15/-0043-03-17", ("15", None, "–", "17 March 44 BC", None)),
    ("-0010/0010", ("11 BC", None, " – ", "10", "0010")),
    ("2022-12-26/2023-01-02",
     ("26 December 2022", "2022-12-26", " – ", "2 January 2023", "2023-01-02")),
    ("2022-12-26~/2023-01-01~",
     ("c. 26 December 2022", "2022-12-26", " – ", "c. 1 January 2023", "2023-01-01")),
    ("2023-01-05~/2023-01-07~",
     ("c. 5 January 2023", "2023-01-05", " – ", "c. 7 January 2023", "2023-01-07")),
    ("2023-01-04T10:00/2023-01-04T12:30",
     ("4 January 2023, 10:00 UTC", "2023-01-04T10:00+00:00", " – ",
      "4 January 2023, 12:30 UTC", "2023-01-04T12:30+00:00")),
])
def test_date_display(date: str, expected: tuple[str, ...]) -> None:
    assert shown(date) == expected


@pytest.mark.parametrize("date", [
    "2023-01-04", "2023-01-05/2023-01-07", "2023-01-30/2023-02-02", "2022-09/2022-12",
    "2020/2023", "-0100/-0050", "-0043-03-15/-0043-03-17", "-0010/0010",
    "2022-12-26~/2023-01-01~", "2023%", "2023-01-05?/2023-01-07",
])
def test_date_display_reads_as_the_date_label(date: str) -> None:
    """What the page shows, with its qualifiers, is the date's own label."""
    parsed = parse_event_date(date)
    display = date_display(parsed)
    text = display.start.text + (display.separator + display.end.text if display.end else "")
    assert text == parsed.label()
    assert (display.approximate, display.uncertain) == (parsed.approximate, parsed.uncertain)


def test_date_display_of_an_interval_of_one_date_shows_it_once() -> None:
    assert shown("2023/2023") == ("2023", "2023", "", None, None)


# --- Sources ------------------------------------------------------------------------------

def test_back_links_number_and_letter_each_citation_with_its_place() -> None:
    source = Source("s", "S")
    assert back_links(Note(1, source, ("cite-1-1",), ("p. 3",))) == (
        BackLink("cite-1-1", "1", "", "p. 3"),)
    assert back_links(Note(2, source, ("cite-2-1", "cite-2-2", "cite-2-3"),
                           ("p. 9", "", "p. 1, p. 2"))) == (
        BackLink("cite-2-1", "2a", "a", "p. 9"), BackLink("cite-2-2", "2b", "b", ""),
        BackLink("cite-2-3", "2c", "c", "p. 1, p. 2"))
    many = back_links(Note(3, source, tuple(f"c{i}" for i in range(28)), ("",) * 28))
    assert [link.label for link in many][24:] == ["3y", "3z", "3aa", "3ab"]
    assert back_links(Note(4, source, ())) == ()


@pytest.fixture(scope="module")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return the example site, built once for the module."""
    site = tmp_path_factory.mktemp("example") / "site"
    build(REPO, site)
    return site


def test_each_back_link_sits_beside_the_place_it_cites_in_reading_order(
        example_site: Path) -> None:
    page = (example_site / "events/makiivka-strike/index.html").read_text(encoding="utf-8")
    cited = re.search(r'<p class="note-citations">(.*?)</p>', page, re.S)
    assert cited is not None
    assert visible_text(cited.group(1)) == (
        "Cited at: a para. 2; b para. 6; c para. 12, para. 13; d para. 4; e para. 15; "
        "f para. 5; g para. 1; h para. 12; i para. 13; j para. 12")  # h-j: the toll claim
    marks = re.findall(r'<sup class="citation">(.*?)</sup>', page)
    assert [re.sub(r"<[^>]+>", "", mark) for mark in marks] == ["[1]"] * 10
    assert re.findall(r'href="#(cite-1-\d+)"', cited.group(1)) == [
        f"cite-1-{n}" for n in range(1, 11)]


def test_no_example_page_shows_two_editors_notes(example_site: Path) -> None:
    counts = {page.parent.name: page.read_text(encoding="utf-8").count('<aside class="editor-note')
              for page in (example_site / "events").glob("*/index.html")}
    assert {name: n for name, n in counts.items() if n} == {
        name: 1 for name in ("makiivka-strike", "governor-hospital-visit", "rt-head-comment",
                             "russian-mod-blames-mobile-phones", "ukraine-death-toll-estimate")}


def test_source_date_only_formats_a_date_read_at_load() -> None:
    assert source_date(None) is None
    assert source_date(parse_date("2023-01-05")) == TimePart("5 January 2023", "2023-01-05")
    assert source_date(parse_date("5 Jan 2023")) == TimePart("5 January 2023", "2023-01-05")
    assert source_date(parse_date("-0043")) == TimePart("44 BC", None)


def test_template_filters() -> None:
    filters = template_filters()
    caesar = make_event("caesar", "-0043-03-15")
    assert filters["date_label"](caesar.date) == "15 March 44 BC"
    assert filters["event_path"](caesar) == "events/caesar/index.html"
    assert filters["year_label"](-43) == "44 BC"
    assert filters["html_datetime"](caesar.date.start) is None
    assert filters["html_datetime"](make_event("v", "2023-01-04").date.start) == "2023-01-04"
    assert filters["html_datetime"]("2023") is None
    assert filters["is_interval"](make_event("r", "2020/2021").date) is True
    assert filters["is_interval"](caesar.date) is False
    assert filters["source_path"](Source("a:b", "A")) == filters["source_path"]("a:b")
    assert filters["source_path"]("report") == "sources/report/index.html"
    assert filters["date_display"](caesar.date) == date_display(caesar.date)
    assert filters["back_links"] is back_links


def test_template_filters_in_russian() -> None:
    filters = template_filters(date_locale("ru"))
    caesar = make_event("caesar", "-0043-03-15")
    assert filters["date_label"](caesar.date) == "15 марта 44 до н. э."
    assert filters["year_label"](-43) == "44 до н. э."
    span = filters["date_display"](make_event("s", "2023-01-05/2023-01-07").date)
    assert (span.start.text, span.separator, span.end.text) == ("5", "–", "7 января 2023")


class _Visible(HTMLParser):
    """Collect the text a sighted reader sees: none of a visually-hidden element's."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0  # open elements since (and including) a visually-hidden one
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if self.depth or "visually-hidden" in classes:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        self.depth = max(0, self.depth - 1)

    def handle_data(self, data: str) -> None:
        if not self.depth:
            self.text.append(data)


def visible_text(html: str) -> str:
    """Return the text of html that is not visually hidden."""
    parser = _Visible()
    parser.feed(html)
    return "".join(parser.text)


def test_a_heading_is_not_repeated_by_the_date_under_it(make_project: MakeProject,
                                                        tmp_path: Path) -> None:
    project = make_project({
        "content/a.md": event("Year only", '"-0449"'),
        "content/b.md": event("Month only", '"2022-09"'),
        "content/c.md": event("A day", '"2022-09-21"'),
        "content/d.md": event("Approximate month", '"2022-10~"')})
    build(project, tmp_path / "site")
    page = (tmp_path / "site/index.html").read_text(encoding="utf-8")
    timeline = page[page.index('<div class="timeline">'):]
    headings = re.findall(r'<h(\d) class="(?:year|month)-heading"[^>]*>(.*?)</h\1>', timeline)
    assert [(level, re.sub(r"<[^>]+>", "", text)) for level, text in headings] == [
        ("2", "450 BC"), ("2", "2022"), ("3", "September 2022"), ("3", "October 2022")]
    dates = [visible_text(when) for when in
             re.findall(r'<p class="entry-when[^"]*">(.*?)</p>', timeline)]
    assert dates == ["month not given", "day not given", "21 September 2022", "day not given"]
    assert ('<p class="entry-when entry-when-heading"><span class="visually-hidden">'
            '<span class="date"><time datetime="2022-10">c. October 2022</time></span>'
            '<span class="qualifier visually-hidden"> (approximate date)</span>, </span>'
            'day not given</p>') in timeline
