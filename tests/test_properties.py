"""Property-based tests: whatever the content, only the project's own errors come out,
and every valid date survives the trip to events.json with its precision."""

from __future__ import annotations

import calendar
import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from unittest import mock

import pytest
import yaml
from dateutil import parser as du_parser
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from timeline.build import render_site
from timeline.content.frontmatter import load_yaml, split_front_matter
from timeline.content.load import load_timeline
from timeline.content.markup import Renderer
from timeline.dates.model import DateError
from timeline.dates.parse import parse_date
from timeline.errors import ContentError
from timeline.site.exports import events_json

SETTINGS = settings(max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", "150")),
                    deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow])

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                    st.text(max_size=30), st.sampled_from(
                        ["2023", "2023-01-05", "-0043", "soonish", "NO", "yes", "1.10", "~",
                         "[@x]", "<script>", "2023-02-30", "04/01/2023", "c. 1850"]))
yaml_values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=12)
field_names = st.sampled_from(["title", "date", "end", "slug", "timezone", "tags", "location",
                               "summary", "draft", "note", "sources", "media", "updated",
                               "tittle"])
texts = st.text(min_size=1, max_size=30).filter(str.strip)
# Mostly-valid events (a title, a date, plausible fields) reach the templates;
# the random mappings merged over them exercise every error path.
plausible = st.fixed_dictionaries({"title": texts, "date": st.sampled_from(
    ["2023", "2022-09", "2023-01-04", "-0043-03-15~", "2022-12-26/2023-01-01", "c. March 1917",
     "2023-01-04T14:30+03:00", "2023-01-05?", "0000"])}, optional={
    "tags": st.lists(texts, max_size=4), "location": texts, "summary": texts, "note": texts,
    "sources": st.lists(st.sampled_from(["a", "b"]), max_size=2), "timezone": st.sampled_from(
        ["Europe/Moscow", "UTC", "+05:30", "msk"]), "end": st.sampled_from(["2024", "2025-02"])})
front_matter = st.one_of(
    plausible, st.builds(lambda a, b: {**a, **b}, plausible,
                         st.dictionaries(field_names, yaml_values, max_size=3)),
    st.dictionaries(field_names, yaml_values, max_size=8))
markdown = st.lists(st.one_of(
    st.text(max_size=40),
    st.sampled_from(["[@a]", "[@a, p. 3]", "[@a; @b]", "[@nope]", "[[x]]", "[[", "`[@a]`",
                     "> [!NOTE]\n> n", "<script>alert(1)</script>", "<img onerror=x src=y>",
                     "[x](javascript:alert(1))", "\n\n", "```\n", "* item\n", "# H\n",
                     "[^1]", "\\[@a]", "&amp; <b>"])), max_size=12).map("".join)


def write_project(root: Path, files: dict[str, str]) -> Path:
    (root / "content").mkdir()
    (root / "content" / "sources.yaml").write_text(
        "a:\n  title: A\nb:\n  title: B\n", encoding="utf-8")
    for name, text in files.items():
        (root / "content" / name).write_text(text, encoding="utf-8")
    return root


@SETTINGS
@given(st.text(max_size=300))
def test_any_file_text_gives_front_matter_or_a_content_error(text: str) -> None:
    try:
        split = split_front_matter(text, "e.md")
        load_yaml(split.meta_text, "e.md", split.meta_line)
    except ContentError as error:
        assert str(error).startswith("e.md:")


@SETTINGS
@given(st.text(max_size=60))
def test_any_date_text_parses_or_gives_a_date_error(text: str) -> None:
    try:
        point = parse_date(text, zone="Europe/Moscow")
    except DateError:
        return
    assert parse_date(point.iso() + _qualifier(point.approximate, point.uncertain),
                      zone="Europe/Moscow") == point


@SETTINGS
@given(front_matter, markdown)
def test_any_event_loads_or_reports_errors_with_file_and_line(meta: dict, body: str) -> None:
    text = "---\n" + yaml.safe_dump(meta, allow_unicode=True) + "---\n" + body
    with tempfile.TemporaryDirectory() as folder:
        project = write_project(Path(folder), {"e.md": text})
        timeline, report = load_timeline(project)
        for diagnostic in report.diagnostics:
            assert diagnostic.path.startswith("content/")
            assert diagnostic.line >= 0
        if report.errors:
            return
        json.loads(events_json(timeline))
        files, _ = render_site(project, timeline)  # every template renders whatever it holds
        assert files["index.html"]


@SETTINGS
@given(markdown)
def test_any_markdown_renders_without_scripts(body: str) -> None:
    html = Renderer(known={"a", "b"}.__contains__).render(body).html
    checker = _ActiveContent()
    checker.feed(html)
    assert checker.found == [], html


class _ActiveContent(HTMLParser):
    """Collect what could run: script-like tags, on* handlers, javascript:/data: URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "iframe", "object", "embed", "style"):
            self.found.append(tag)
        for name, value in attrs:
            url = (value or "").strip().lower()
            if name.startswith("on") or (name in ("href", "src")
                                         and url.startswith(("javascript:", "data:"))):
                self.found.append(f"{tag} {name}={value}")


@st.composite
def valid_dates(draw: st.DrawFn) -> tuple[str, str, bool, bool]:
    precision = draw(st.sampled_from(["year", "month", "day", "minute"]))
    year = draw(st.integers(-9999, 9999) if precision != "minute" else st.integers(1, 9999))
    text = f"{'-' if year < 0 else ''}{abs(year):04d}"
    if precision != "year":
        text += f"-{draw(st.integers(1, 12)):02d}"
    if precision in ("day", "minute"):
        text += f"-{draw(st.integers(1, 28)):02d}"
    if precision == "minute":
        text += f"T{draw(st.integers(0, 23)):02d}:{draw(st.integers(0, 59)):02d}"
        offset = draw(st.integers(-12, 14))
        text += f"{'+' if offset >= 0 else '-'}{abs(offset):02d}:00"
    approximate, uncertain = draw(st.booleans()), draw(st.booleans())
    return text, precision, approximate, uncertain


@SETTINGS
@given(valid_dates())
def test_valid_dates_round_trip_through_events_json(date: tuple[str, str, bool, bool]) -> None:
    text, precision, approximate, uncertain = date
    written = text + _qualifier(approximate, uncertain)
    with tempfile.TemporaryDirectory() as folder:
        project = write_project(Path(folder), {
            "e.md": f'---\ntitle: E\ndate: "{written}"\n---\nBody [@a].\n'})
        timeline, report = load_timeline(project)
        assert report.errors == []
        (item,) = json.loads(events_json(timeline))
    assert item["date"]["start"] == text
    assert item["precision"] == precision
    assert (item["approximate"], item["uncertain"]) == (approximate, uncertain)


def _qualifier(approximate: bool, uncertain: bool) -> str:
    return {(True, True): "%", (True, False): "~", (False, True): "?"}.get(
        (approximate, uncertain), "")


@contextlib.contextmanager
def dateutil_clock(year: int | None) -> Iterator[None]:
    """Make dateutil's two-digit-year window behave as if the clock showed `year`."""
    if year is None:
        yield
        return

    def convertyear(self: object, value: int, century_specified: bool = False) -> int:
        if value < 100 and not century_specified:  # dateutil's rule, with our "now"
            value += year // 100 * 100
            value += -100 if value >= year + 50 else 100 if value < year - 50 else 0
        return value

    with mock.patch.object(du_parser.parserinfo, "convertyear", convertyear):
        assert du_parser.parse("15 March 80").year == (2080 if year >= 2030 else 1980)
        yield


@st.composite
def dates_in_words(draw: st.DrawFn) -> tuple[str, int, int, int | None]:
    year, month = draw(st.integers(1, 9999)), draw(st.integers(1, 12))
    day = draw(st.none() | st.integers(1, 28))
    m = draw(st.sampled_from([calendar.month_name[month], calendar.month_abbr[month]]))
    y = f"{year:04d}"
    if day is None:
        text = draw(st.sampled_from([f"{m} {y}", f"{y} {m}"]))
    else:
        text = draw(st.sampled_from([f"{day} {m} {y}", f"{m} {day}, {y}", f"{m} {day} {y}",
                                     f"{y} {m} {day}", f"{day} {m}, {y}", f"{m}-{day}-{y}"]))
        text += draw(st.sampled_from(["", " 10:00", " 23:59:59", " 2:30 PM", ", 14:30 UTC"]))
    return draw(st.sampled_from(["", "c. "])) + text, year, month, day


@pytest.mark.parametrize("clock", [None, 1950, 2100], ids=["now", "1950", "2100"])
@SETTINGS
@given(dates_in_words())
def test_a_four_digit_year_in_words_is_that_year_on_any_clock(
        clock: int | None, date: tuple[str, int, int, int | None]) -> None:
    text, year, month, day = date
    with dateutil_clock(clock):
        point = parse_date(text)
    assert (point.year, point.month, point.day) == (year, month, day), text


@pytest.mark.parametrize("clock", [None, 1950, 2100], ids=["now", "1950", "2100"])
@SETTINGS
@given(st.integers(0, 99), st.integers(1, 12), st.integers(1, 28), st.booleans())
def test_a_two_digit_year_is_refused_on_any_clock(clock: int | None, year: int, month: int,
                                                  day: int, words: bool) -> None:
    text = f"{day} {calendar.month_name[month]} {year:02d}" if words else \
        f"{month}/{day}/{year:02d}"
    with dateutil_clock(clock), pytest.raises(DateError) as error:
        parse_date(text, date_order="MDY")
    assert str(error.value) == (f"invalid date '{text}': write the year with four digits "
                                f"(a two-digit year leaves the century ambiguous)")
