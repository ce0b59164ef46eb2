"""Exports: TimelineJS's timeline.json, the Atom feed, the sitemap."""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import feedparser
import icalendar
import pytest
from conftest import MakeProject, event, write_files
from test_validation import png

from timeline.build import build
from timeline.config import Config
from timeline.dates.parse import parse_event_date
from timeline.model import Event, Timeline
from timeline.site import exports
from timeline.site.exports import atom_feed, calendar_ics, sitemap

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def site(make_project: MakeProject, tmp_path: Path) -> Path:
    project = make_project({
        "timeline.toml": 'title = "T & <co>"\nbase_url = "https://example.org/sub"\n'
                         'timezone = "Europe/Moscow"\n',
        "content/caesar.md": event("Caesar", '"-0043-03-15"', tags="[rome]"),
        "content/strike.md": event(r'"Strike \a</script>"', '"2023-01-01T00:01+03:00"'),
        "content/utc.md": event("UTC time", '"2022-12-31T22:30Z"', updated='"2023-02-01"'),
        "content/range.md": event("Range", '"2022-12-26~/2023-01-01~"'),
    })
    output = tmp_path / "site"
    build(project, output, environ={})
    return output


def test_timelinejs_dates_are_split_and_bc_years_have_no_year_zero(site: Path) -> None:
    data = json.loads((site / "timeline.json").read_text(encoding="utf-8"))
    events = {e["unique_id"]: e for e in data["events"]}
    assert events["caesar"]["start_date"] == {"year": -44, "month": 3, "day": 15}
    assert events["caesar"]["group"] == "rome"
    assert events["range"]["start_date"] == {"year": 2022, "month": 12, "day": 26}
    assert events["range"]["end_date"] == {"year": 2023, "month": 1, "day": 1}
    assert data["title"]["text"]["headline"] == "T &amp; &lt;co&gt;"  # HTML, as TimelineJS reads it


def test_timelinejs_times_are_placed_in_the_site_zone_and_labelled_in_their_own(
        site: Path) -> None:
    events = {e["unique_id"]: e for e in json.loads((site / "timeline.json").read_text())["events"]}
    assert events["utc"]["start_date"] == {"year": 2023, "month": 1, "day": 1, "hour": 1,
                                           "minute": 30}
    # the label names its own zone; a note about the site zone would contradict it
    assert events["utc"]["display_date"] == "31 December 2022, 22:30 UTC"
    assert events["strike"]["start_date"]["hour"] == 0


def test_timelinejs_labels_a_time_in_its_own_zone_and_bc_leap_days_itself(
        make_project: MakeProject, tmp_path: Path) -> None:
    project = make_project({
        "timeline.toml": 'title = "T"\ntimezone = "Europe/Moscow"\n',
        "content/est.md": event("EST", '"2023-01-04 07:00 EST"'),
        "content/leap.md": event("Leap day", '"-0044-02-29"'),
        "content/caesar.md": event("Caesar", '"-0043-03-15"'),
    })
    build(project, tmp_path / "site", environ={})
    data = json.loads((tmp_path / "site" / "timeline.json").read_text(encoding="utf-8"))
    events = {e["text"]["headline"]: e for e in data["events"]}
    # placed at 15:00 Moscow time; the label says what was written, and names its zone
    assert events["EST"]["start_date"] == {"year": 2023, "month": 1, "day": 4, "hour": 15,
                                           "minute": 0}
    assert events["EST"]["display_date"] == "4 January 2023, 07:00 EST"
    # TimelineJS's year -45 is JavaScript's astronomical -45 (46 BC): it has no 29 February
    assert events["Leap day"]["start_date"] == {"year": -45, "month": 2, "day": 29,
                                                "display_date": "29 February 45 BC"}
    assert events["Caesar"]["start_date"] == {"year": -44, "month": 3, "day": 15}


def test_atom_feed_has_every_required_element(site: Path) -> None:
    raw = (site / "feed.xml").read_bytes()
    parsed = feedparser.parse(raw)
    assert not parsed.bozo, parsed.get("bozo_exception")
    feed = ET.fromstring(raw)
    for required in ("id", "title", "updated", "author/" + ATOM + "name"):
        assert feed.find(ATOM + required) is not None, required
    assert feed.find(ATOM + "link[@rel='self']").get("href") == "https://example.org/sub/feed.xml"
    entries = feed.findall(ATOM + "entry")
    assert len(entries) == 4
    for entry in entries:
        for required in ("id", "title", "updated", "link"):
            assert entry.find(ATOM + required) is not None
    by_id = {e.find(ATOM + "id").text: e for e in entries}
    utc = by_id["https://example.org/sub/events/utc/index.html"]
    assert utc.find(ATOM + "updated").text == "2023-01-31T21:00:00Z"  # updated: in Moscow
    strike = by_id["https://example.org/sub/events/strike/index.html"]
    assert strike.find(ATOM + "title").text == "Strike </script>"  # control char dropped
    assert strike.find(ATOM + "updated").text == "2022-12-31T21:01:00Z"
    assert feed.find(ATOM + "updated").text == "2023-01-31T21:00:00Z"


def test_bc_entries_fall_back_to_the_feed_updated(site: Path) -> None:
    feed = ET.fromstring((site / "feed.xml").read_bytes())
    caesar = next(e for e in feed.findall(ATOM + "entry")
                  if e.find(ATOM + "id").text.endswith("/caesar/index.html"))
    assert caesar.find(ATOM + "updated").text == feed.find(ATOM + "updated").text


def test_source_date_epoch_sets_the_feed_updated(make_project: MakeProject,
                                                 tmp_path: Path) -> None:
    project = make_project({"timeline.toml": 'base_url = "https://example.org/"\n',
                            "content/e.md": event()})
    build(project, tmp_path / "out", environ={"SOURCE_DATE_EPOCH": "1700000000"})
    feed = ET.fromstring((tmp_path / "out" / "feed.xml").read_bytes())
    assert feed.find(ATOM + "updated").text == "2023-11-14T22:13:20Z"


@pytest.mark.parametrize(("limit", "shown"), [("", ["e4", "e3", "e2"]), ("feed_limit = 2\n",
                                                                         ["e4", "e3"]),
                                              ("feed_limit = 0\n", ["e4", "e3", "e2"])])
def test_the_feed_holds_the_latest_events_up_to_feed_limit(
        make_project: MakeProject, tmp_path: Path, limit: str, shown: list[str]) -> None:
    files: dict[str, str | bytes] = {
        f"content/e{n}.md": event(f"E{n}", f'"2023-01-0{n}"') for n in (2, 3, 4)}
    files["timeline.toml"] = f'base_url = "https://example.org/"\n{limit}'
    project = make_project(files)
    build(project, tmp_path / "out")
    feed = feedparser.parse((tmp_path / "out" / "feed.xml").read_bytes())
    assert [e.id.rsplit("/", 2)[-2] for e in feed.entries] == shown
    assert feed.feed.updated == "2023-01-04T00:00:00Z"


def test_a_feed_of_100_is_the_default(make_project: MakeProject, tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        f"content/e{n:03d}.md": event(f"E{n}", f'"2023-{1 + n // 28:02d}-{1 + n % 28:02d}"')
        for n in range(101)}
    files["timeline.toml"] = 'base_url = "https://example.org/"\n'
    build(make_project(files), tmp_path / "out")
    entries = feedparser.parse((tmp_path / "out" / "feed.xml").read_bytes()).entries
    assert len(entries) == 100 and entries[-1].id.endswith("/events/e001/index.html")


def test_sitemap_lists_pages_with_absolute_urls(site: Path) -> None:
    root = ET.fromstring((site / "sitemap.xml").read_bytes())
    locs = [el.text for el in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert "https://example.org/sub/index.html" in locs
    assert "https://example.org/sub/events/caesar/index.html" in locs
    assert not any(loc.endswith("404.html") for loc in locs)


def test_past_50000_urls_the_sitemap_is_an_index_of_sitemaps(
        make_project: MakeProject, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(exports, "SITEMAP_URLS", 4)
    files: dict[str, str | bytes] = {f"content/e{n}.md": event(f"E{n}", f'"2023-01-0{n}"')
                                     for n in range(1, 4)}
    files["timeline.toml"] = 'base_url = "https://example.org/"\n'
    out = tmp_path / "out"
    build(make_project(files), out)
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    index = ET.fromstring((out / "sitemap.xml").read_bytes())
    assert index.tag == ns + "sitemapindex"
    names = [loc.text for loc in index.iter(ns + "loc")]
    assert names == [f"https://example.org/sitemap-{n}.xml" for n in (1, 2, 3)]
    locs = []
    for n in (1, 2, 3):
        part = ET.fromstring((out / f"sitemap-{n}.xml").read_bytes())
        assert part.tag == ns + "urlset" and len(part) <= 4
        locs += [loc.text for loc in part.iter(ns + "loc")]
    pages = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html")
                   if p.name != "404.html")
    assert locs == [f"https://example.org/{page}" for page in pages]
    assert len(pages) == 9  # three sitemaps of 4, 4 and 1


def test_base_url_on_the_command_line_overrides_the_config(make_project: MakeProject,
                                                            tmp_path: Path) -> None:
    project = make_project({"content/e.md": event()})
    assert not (build(project, tmp_path / "a").timeline.config.base_url)
    assert not (tmp_path / "a" / "feed.xml").exists()
    build(project, tmp_path / "b", base_url="https://user.github.io/project")
    assert b"https://user.github.io/project/events/e/index.html" in \
        (tmp_path / "b" / "feed.xml").read_bytes()


def test_no_clock_time_in_the_output(make_project: MakeProject, tmp_path: Path) -> None:
    project = make_project({"timeline.toml": 'base_url = "https://example.org/"\n',
                            "content/e.md": event()})
    build(project, tmp_path / "a", environ={})
    os.utime(project / "content" / "e.md", (0, 0))
    build(project, tmp_path / "b", environ={})
    assert (tmp_path / "a" / "feed.xml").read_bytes() == (tmp_path / "b" / "feed.xml").read_bytes()


def test_exported_text_keeps_its_citations_meaningful(make_project: MakeProject,
                                                      tmp_path: Path) -> None:
    project = make_project({"content/e.md": event(body="Claim [@article].")})
    build(project, tmp_path / "a", environ={})
    (item,) = json.loads((tmp_path / "a" / "timeline.json").read_text())["events"]
    assert 'href="events/e/index.html#source-1"' in item["text"]["text"]
    assert "Example article" in item["text"]["text"]  # the source list travels with the text
    build(project, tmp_path / "b", base_url="https://example.org/", environ={})
    feed = (tmp_path / "b" / "feed.xml").read_text(encoding="utf-8")
    assert "https://example.org/events/e/index.html#source-1" in feed


@pytest.mark.parametrize(("zone", "date", "expected"), [
    ("America/New_York", "0001-01-01T00:30+01:00",
     {"year": -1, "month": 12, "day": 31, "hour": 18, "minute": 34}),
    ("Europe/Moscow", "9999-12-31T23:30-05:00",
     {"year": 10000, "month": 1, "day": 1, "hour": 7, "minute": 30}),
    ("America/New_York", "9999-12-31T23:30", {"year": 9999, "month": 12, "day": 31,
                                                "hour": 23, "minute": 30}),
    ("Europe/Moscow", "0001-01-01T00:30:15", {"year": 1, "month": 1, "day": 1, "hour": 0,
                                              "minute": 30, "second": 15}),
    ("-05:00", "9999-12-31T23:30Z", {"year": 9999, "month": 12, "day": 31, "hour": 18,
                                     "minute": 30}),
])
def test_times_at_the_ends_of_years_1_to_9999_build_in_any_zone(
        make_project: MakeProject, tmp_path: Path, zone: str, date: str,
        expected: dict[str, int]) -> None:
    project = make_project({
        "timeline.toml": f'base_url = "https://example.org/"\ntimezone = "{zone}"\n',
        "content/edge.md": event("Edge", f'"{date}"'),
    })
    build(project, tmp_path / "site", environ={})
    data = json.loads((tmp_path / "site" / "timeline.json").read_text(encoding="utf-8"))
    assert data["events"][0]["start_date"] == expected
    ET.parse(tmp_path / "site" / "feed.xml")


# --- calendar.ics ------------------------------------------------------------------------

def _calendar(path: Path) -> icalendar.Calendar:
    raw = path.read_bytes()
    assert raw.endswith(b"END:VCALENDAR\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))  # folded at 75 octets
    return icalendar.Calendar.from_ical(raw)


def _vevents(calendar: icalendar.Calendar) -> dict[str, icalendar.Event]:
    return {str(e["uid"]): e for e in calendar.walk("VEVENT")}


@pytest.fixture
def calendar_site(make_project: MakeProject, tmp_path: Path) -> Path:
    project = make_project({
        "timeline.toml": 'title = "T, \\\\ ; me"\nbase_url = "https://Example.org/sub"\n'
                         'timezone = "Europe/Moscow"\n',
        "content/caesar.md": event("Caesar", '"-0043-03-15"'),
        "content/day.md": event("Day", '"2023-01-04"', summary='"Short, sweet; done."'),
        "content/days.md": event("Days", '"2022-12-26~/2023-01-01~"'),
        "content/time.md": event("Time", '"2023-01-01T00:01+03:00"', updated='"2023-02-01"'),
        "content/times.md": event("Times", '"2023-01-01T10:00+02:00/2023-01-01T12:30+02:00"'),
        "content/month.md": event("Month", '"2023-02"'),
        "content/year.md": event("Year", '"2023"'),
        "content/open.md": event("Open", '"2023-01-05/.."'),
    })
    output = tmp_path / "site"
    build(project, output, environ={})
    return output


def test_calendar_has_the_required_properties_and_one_vevent_per_placeable_event(
        calendar_site: Path) -> None:
    calendar = _calendar(calendar_site / "calendar.ics")
    assert str(calendar["version"]) == "2.0"
    assert str(calendar["prodid"]) == "-//timeline//calendar.ics//EN"
    # a parser reads X- properties raw: the name is written as escaped TEXT
    assert str(calendar["x-wr-calname"]) == "T\\, \\\\ \\; me"
    events = _vevents(calendar)
    # BC, month, year and open-ended dates are left out
    assert list(events) == [f"{slug}@example.org" for slug in ("days", "time", "times", "day")]
    for item in events.values():
        assert {"UID", "DTSTAMP", "DTSTART", "SUMMARY"} <= set(item)


def test_calendar_days_are_dates_with_an_exclusive_end_and_times_are_utc(
        calendar_site: Path) -> None:
    events = _vevents(_calendar(calendar_site / "calendar.ics"))
    day = events["day@example.org"]
    assert day.decoded("dtstart") == dt.date(2023, 1, 4) and "DTEND" not in day
    assert day["dtstart"].params["VALUE"] == "DATE"
    days = events["days@example.org"]
    assert (days.decoded("dtstart"), days.decoded("dtend")) == (dt.date(2022, 12, 26),
                                                                dt.date(2023, 1, 2))
    time = events["time@example.org"]
    assert time.decoded("dtstart") == dt.datetime(2022, 12, 31, 21, 1, tzinfo=dt.UTC)
    assert "DTSTART:20221231T210100Z" in (calendar_site / "calendar.ics").read_text()
    times = events["times@example.org"]
    assert (times.decoded("dtstart"), times.decoded("dtend")) == (
        dt.datetime(2023, 1, 1, 8, tzinfo=dt.UTC), dt.datetime(2023, 1, 1, 10, 30, tzinfo=dt.UTC))


def test_calendar_text_urls_and_stamps(calendar_site: Path) -> None:
    events = _vevents(_calendar(calendar_site / "calendar.ics"))
    day = events["day@example.org"]
    assert str(day["summary"]) == "Day"
    assert str(day["description"]) == (
        "Short, sweet; done.\n\nSources:\n1. Example article https://example.org/article")
    assert str(day["url"]) == "https://example.org/sub/events/day/index.html"
    assert day.decoded("dtstamp") == dt.datetime(2023, 1, 3, 21, tzinfo=dt.UTC)  # its start
    assert events["time@example.org"].decoded("dtstamp") == dt.datetime(  # updated, in Moscow
        2023, 1, 31, 21, tzinfo=dt.UTC)
    assert str(events["days@example.org"]["description"]).startswith(
        "c. 26 December 2022 – c. 1 January 2023: ")


def test_calendar_uids_without_base_url_and_stamps_from_source_date_epoch(
        make_project: MakeProject, tmp_path: Path) -> None:
    project = make_project({"content/e.md": event()})
    build(project, tmp_path / "out", environ={"SOURCE_DATE_EPOCH": "1700000000"})
    (item,) = _vevents(_calendar(tmp_path / "out" / "calendar.ics")).values()
    assert str(item["uid"]) == "e@timeline"
    assert "URL" not in item
    assert item.decoded("dtstamp") == dt.datetime(2023, 11, 14, 22, 13, 20, tzinfo=dt.UTC)


def test_calendar_uids_are_stable_across_builds_and_edits_of_other_events(
        make_project: MakeProject, tmp_path: Path) -> None:
    project = make_project({"content/a.md": event("A"), "content/b.md": event("B")})
    build(project, environ={})
    first = (project / "site" / "calendar.ics").read_bytes()
    build(project, environ={})
    assert (project / "site" / "calendar.ics").read_bytes() == first
    (project / "content" / "b.md").write_text(event("Bee", '"2023-01-05"'), encoding="utf-8")
    build(project, environ={})
    events = _vevents(_calendar(project / "site" / "calendar.ics"))
    assert list(events) == ["a@timeline", "b@timeline"]
    assert events["a@timeline"].to_ical() in first


def test_a_calendar_with_no_placeable_event_still_parses(make_project: MakeProject,
                                                         tmp_path: Path) -> None:
    project = make_project({"content/e.md": event(date='"2023"')})
    build(project, tmp_path / "out", environ={})
    assert _calendar(tmp_path / "out" / "calendar.ics").walk("VEVENT") == []


def test_hostile_text_cannot_break_the_calendar_or_add_properties(hostile_site: Path) -> None:
    calendar = _calendar(hostile_site / "calendar.ics")
    (item,) = calendar.walk("VEVENT")
    assert str(item["summary"]) == HOSTILE
    assert str(calendar["x-wr-calname"]) == HOSTILE  # no character to escape
    assert str(item["location"]) == HOSTILE
    assert sorted(item) == ["DESCRIPTION", "DTSTAMP", "DTSTART", "LOCATION", "SUMMARY", "UID",
                            "URL"]


def test_control_characters_and_line_breaks_cannot_inject_calendar_properties() -> None:
    hostile = ("".join(chr(c) for c in range(32)) + "\ud800\r\nEND:VEVENT\r\nBEGIN:VEVENT"
               "\nUID:x\\,;" + "é" * 80)
    config = Config(title=hostile, description=hostile)
    item = Event(slug="e", title=hostile, date=parse_event_date("2023-01-04"),
                 path="content/e.md", summary=hostile, location=hostile)
    raw = calendar_ics(Timeline(config, (item,)))
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    raw.decode("utf-8")  # folding never splits a character
    calendar = icalendar.Calendar.from_ical(raw)
    (parsed,) = calendar.walk("VEVENT")
    assert str(parsed["uid"]) == "e@timeline"
    text = "\t\n\n\nEND:VEVENT\nBEGIN:VEVENT\nUID:x\\,;" + "é" * 80
    assert str(parsed["summary"]) == text
    assert str(parsed["description"]) == text


# --- Hostile text in every field ---------------------------------------------------------

PAYLOADS = ('<script>alert(1)</script>', '"><img src=x onerror=alert(1)>',
            "javascript:alert(1)")
HOSTILE = " ".join(PAYLOADS)
THEME_SCRIPTS = ("assets/timeline.js", "assets/search.js")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xml:base", "poster", "cite",
                  "data", "srcset"}


class _Dangers(HTMLParser):
    """Collect script elements, on* attributes and javascript: URLs in an HTML text."""

    def __init__(self, theme_scripts: tuple[str, ...] = ()) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.theme_scripts = theme_scripts

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        src = values.get("src") or ""
        data_block = values.get("type") == "application/ld+json"  # never run
        if tag == "script" and not data_block and not (src and src.endswith(self.theme_scripts)):
            self.found.append(f"<script src={src!r}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag} {name}={value!r}")
            squeezed = "".join((value or "").split()).lower()
            is_url = name in URL_ATTRIBUTES or (
                name == "content" and values.get("property") in ("og:url",
                                                                  "og:image"))
            if is_url and "javascript:" in squeezed:
                self.found.append(f"{tag} {name}={value!r}")


def html_dangers(text: str, theme_scripts: tuple[str, ...] = ()) -> list[str]:
    parser = _Dangers(theme_scripts)
    parser.feed(text)
    parser.close()
    return parser.found


def _strings(value: Any, at: str = "") -> list[tuple[str, str]]:
    """Return every string of a JSON value with its place, e.g. events.0.text.headline."""
    if isinstance(value, str):
        return [(at, value)]
    if isinstance(value, dict):
        return [s for key, item in value.items() for s in _strings(item, f"{at}.{key}")]
    if isinstance(value, list):
        return [s for i, item in enumerate(value) for s in _strings(item, f"{at}.{i}")]
    return []


TIMELINEJS_HTML_FIELDS = ("headline", "text", "caption", "credit", "display_date", "group")


def write_hostile_project(root: Path) -> None:
    """Write a project whose every field carries markup, event handlers and script URLs."""
    quoted = json.dumps(HOSTILE)  # a YAML and TOML string
    write_files(root, {
        "timeline.toml": f"title = {quoted}\ndescription = {quoted}\nauthor = {quoted}\n"
                         'base_url = "https://example.org/a\\"><script>alert(1)</script>"\n'
                         'timezone = "Europe/Kyiv"\n',
        "content/sources.yaml": f"reg:\n  title: {quoted}\n  publisher: {quoted}\n"
                                f"  author: {quoted}\n  kind: {quoted}\n"
                                "  url: 'https://example.org/\"><script>alert(1)</script>'\n"
                                "  archive: 'https://archive.org/\"onmouseover=\"alert(1)'\n"
                                '  date: "2023-01-02"\n',
        "content/e.md": event(
            quoted, '"2023-01-04T10:00"',
            f"{HOSTILE} [@reg] [@in]\n\n<script>alert(1)</script>\n\n"
            "[click](javascript:alert(1)) <a href=\"javascript:alert(1)\" onclick=\"x()\">a</a>"
            "\n\n<img src=x onerror=alert(1)>\n",
            summary=quoted, location=quoted, note=json.dumps(HOSTILE + " [@reg]"),
            tags=f"[{quoted}, 'javascript:alert(1)']",
            sources=f"[{{id: in, title: {quoted}, url: 'https://x.org/\"><b>'}}]",
            media=f"{{src: p.png, alt: {quoted}, caption: {quoted}, credit: {quoted}}}"),
        "content/p.png": png(),
    })


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    write_hostile_project(root)
    build(root, root / "site", environ={})
    return root / "site"


def test_hostile_text_never_becomes_markup_in_html_pages(hostile_site: Path) -> None:
    pages = sorted(hostile_site.rglob("*.html"))
    assert len(pages) > 8
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert html_dangers(text, THEME_SCRIPTS) == [], page
        assert "<script>alert" not in text and "<img src=x" not in text, page


def test_hostile_text_is_escaped_in_every_html_field_of_timeline_json(
        hostile_site: Path) -> None:
    data = json.loads((hostile_site / "timeline.json").read_text(encoding="utf-8"))
    checked = 0
    for at, value in _strings(data):
        if at.rsplit(".", 1)[-1] in TIMELINEJS_HTML_FIELDS:
            assert html_dangers(value) == [], (at, value)
            checked += 1
        elif at.endswith(".url"):
            assert not value.lower().startswith("javascript:"), at
    assert checked == 8
    (item,) = data["events"]
    assert item["text"]["headline"] == html.escape(HOSTILE)
    assert item["media"]["caption"] == html.escape(HOSTILE)
    assert item["media"]["alt"] == HOSTILE  # TimelineJS sets alt as a property: text
    # TimelineJS reads group as HTML, keeps its text, and writes that back as HTML
    assert item["group"] == html.escape(html.escape(HOSTILE))
    assert data["title"]["text"]["headline"] == html.escape(HOSTILE)


def test_events_json_is_plain_text_data_with_no_script_urls(hostile_site: Path) -> None:
    (item,) = json.loads((hostile_site / "events.json").read_text(encoding="utf-8"))
    assert item["title"] == HOSTILE  # plain text: a consumer must escape it, as for any JSON
    for at, value in _strings(item):
        if at.endswith((".url", ".archive", ".file")):
            assert value.startswith(("https://", "events/", "content/")), (at, value)


def test_hostile_text_never_becomes_markup_in_the_atom_feed(hostile_site: Path) -> None:
    feed = ET.parse(hostile_site / "feed.xml").getroot()
    ns = {"a": "http://www.w3.org/2005/Atom"}
    (entry,) = feed.findall("a:entry", ns)
    assert entry.findtext("a:title", namespaces=ns) == HOSTILE  # a text construct: shown as is
    assert entry.find("a:title", ns).get("type") in (None, "text")  # type: ignore[union-attr]
    content = entry.find("a:content", ns)
    assert content is not None and content.get("type") == "html"
    assert html_dangers(content.text or "") == []
    links = [value for element in feed.iter() for name, value in element.attrib.items()
             if name in ("href", "{http://www.w3.org/XML/1998/namespace}base")]
    assert len(links) == 4
    for link in links:
        assert link.startswith("https://example.org/a%22%3E%3Cscript%3Ealert(1)%3C/script%3E/")
    ET.parse(hostile_site / "sitemap.xml")


def test_control_characters_cannot_break_the_feed_or_the_sitemap() -> None:
    hostile = "".join(chr(c) for c in range(32)) + "\ud800\ufffe<&>"
    config = Config(title=hostile, description=hostile, author=hostile, language=hostile,
                    base_url="https://example.org/")
    date = parse_event_date("2023-01-04")
    item = Event(slug="e", title=hostile, date=date, path="content/e.md", summary=hostile,
                 tags=(hostile,), body_html="<p>x</p>")
    timeline = Timeline(config, (item,))
    feed = ET.fromstring(atom_feed(timeline))
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "\t\n\r<&>"
    ET.fromstring(sitemap(timeline, ["index.html", "events/e/index.html"]))
