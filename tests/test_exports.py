"""Exports: TimelineJS's timeline.json, the Atom feed, the sitemap."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest
from conftest import MakeProject, event

from timeline.build import build

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
    assert data["title"]["text"]["headline"] == "T & <co>"


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


def test_sitemap_lists_pages_with_absolute_urls(site: Path) -> None:
    root = ET.fromstring((site / "sitemap.xml").read_bytes())
    locs = [el.text for el in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert "https://example.org/sub/index.html" in locs
    assert "https://example.org/sub/events/caesar/index.html" in locs
    assert not any(loc.endswith("404.html") for loc in locs)


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
