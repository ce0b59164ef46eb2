"""The overview picture's geometry (timeline.site.overview), from one week to deep time,
and the histogram a large timeline gets instead of marks."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import MakeProject, event

from timeline.build import build
from timeline.dates.model import DatePoint, EventDate
from timeline.dates.parse import parse_event_date
from timeline.model import Era
from timeline.site.overview import Band, Bin, Mark, Overview, Tick, draw, mirror
from timeline.site.pages import Entry, group_by_year


def entry(slug: str, date: str | EventDate) -> Entry:
    when = parse_event_date(date) if isinstance(date, str) else date
    return Entry(slug, slug.upper(), when, "", (), None, 0)


def picture(entries: list[Entry], eras: tuple[Era, ...] = (), limit: int = 150
            ) -> Overview | None:
    return draw(entries, eras, group_by_year(entries), limit=limit)


def test_no_entries_no_picture() -> None:
    assert picture([]) is None


def test_one_week_has_day_ticks_dots_a_bar_and_qualified_marks_stacked() -> None:
    assert picture([entry("a", "2023-01-02"), entry("b", "2023-01-04~"),
                    entry("c", "2023-01-04?"), entry("d", "2023-01-06/2023-01-08")]) == Overview(
        height=62, axis_y=40, top=6,
        ticks=(Tick(2.0, "2 Jan 2023", "start"), Tick(15.71, "3 Jan"), Tick(29.43, "4 Jan"),
               Tick(43.14, "5 Jan"), Tick(56.86, "6 Jan"), Tick(70.57, "7 Jan"),
               Tick(84.29, "8 Jan"), Tick(98.0, "9 Jan", "end")),
        bands=(),
        marks=(Mark("a", "A", "2 January 2023", 8.86, 0.0, 0, 13),  # the middle of its day
               Mark("b", "B", "c. 4 January 2023", 36.29, 0.0, 0, 13, approximate=True),
               Mark("c", "C", "4 January 2023?", 36.29, 0.0, 1, 28, uncertain=True),
               Mark("d", "D", "6–8 January 2023", 56.86, 41.14, 0, 13)),  # to the end of the 8th
        rows=2)


def test_ticks_fall_on_the_local_midnight_of_the_site() -> None:
    days = [Entry(s, s, parse_event_date(d, zone="Europe/Moscow"), "", (), None, 0)
            for s, d in (("a", "2023-01-04"), ("b", "2023-01-05"))]
    result = picture(days)
    assert result is not None  # midnight in Moscow is 21:00 UTC: the ends, and the middle
    assert result.ticks == (Tick(2.0, "4 Jan 2023", "start"), Tick(50.0, "5 Jan"),
                            Tick(98.0, "6 Jan", "end"))


def test_a_single_day_is_shown_with_the_days_around_it() -> None:
    assert picture([entry("a", "2023-01-04")]) == Overview(
        height=47, axis_y=25, top=6,
        ticks=(Tick(26.0, "4 Jan 2023"), Tick(74.0, "5 Jan")), bands=(),
        marks=(Mark("a", "A", "4 January 2023", 50.0, 0.0, 0, 13),), rows=1)


def test_years_with_overlapping_eras_in_lanes_and_one_outside_the_axis_left_out() -> None:
    eras = (Era("X", parse_event_date("2003/2005")),
            Era("Y", parse_event_date("2004/2012"), "#abc"),
            Era("Z", parse_event_date("1990/1991")))
    assert picture([entry("a", "2000"), entry("b", "2004-06/2007-02"), entry("c", "2010")],
                   eras) == Overview(
        height=91, axis_y=69, top=50,
        ticks=(Tick(2.0, "2000", "start"), Tick(19.47, "2002"), Tick(36.91, "2004"),
               Tick(54.37, "2006"), Tick(71.81, "2008"), Tick(89.28, "2010", "end")),
        bands=(Band("X", "2003–2005", 28.19, 26.18, 0, 0),
               Band("Y", "2004–2012", 36.91, 61.09, 1, 22, "#abc")),  # cut at the axis' end
        marks=(Mark("a", "A", "2000", 6.37, 0.0, 0, 57),
               Mark("b", "B", "June 2004 – February 2007", 40.54, 23.96, 0, 57),
               Mark("c", "C", "2010", 93.64, 0.0, 0, 57)),
        rows=1, lanes=2)


def test_bc_years_have_round_ticks_as_they_are_written() -> None:
    assert picture([entry("a", "-0499"), entry("b", "0099")]) == Overview(
        height=47, axis_y=25, top=6,
        ticks=(Tick(2.0, "500 BC", "start"), Tick(18.03, "400 BC"), Tick(34.05, "300 BC"),
               Tick(50.08, "200 BC"), Tick(66.11, "100 BC"), Tick(98.0, "100", "end")),
        bands=(),
        marks=(Mark("a", "A", "500 BC", 2.08, 0.0, 0, 13), Mark("b", "B", "99", 97.92, 0.0, 0, 13)),
        rows=1)


def test_deep_time_has_ticks_in_millions_of_years() -> None:
    assert picture([entry("a", EventDate(DatePoint(-170_000_000))),
                    entry("b", EventDate(DatePoint(-100_000_000)))]) == Overview(
        height=47, axis_y=25, top=6,
        ticks=(Tick(15.71, "160 million BC"), Tick(43.14, "140 million BC"),
               Tick(70.57, "120 million BC"), Tick(98.0, "100 million BC", "end")),
        bands=(),
        marks=(Mark("a", "A", "170,000,001 BC", 2.0, 0.0, 0, 13),
               Mark("b", "B", "100,000,001 BC", 98.0, 0.0, 0, 13)),
        rows=1)


def test_close_marks_stack_and_a_free_row_is_reused() -> None:
    marks = picture([entry("a", "2023-01-04"), entry("b", "2023-01-04"),
                     entry("c", "2023-01-04"), entry("d", "2023-02-20"),
                     entry("e", "2023-03-01")])
    assert marks is not None
    assert [(m.slug, m.row, m.y) for m in marks.marks] == [
        ("a", 0, 13), ("b", 1, 28), ("c", 2, 43), ("d", 0, 13), ("e", 0, 13)]
    assert (marks.rows, marks.axis_y, marks.height) == (3, 55, 77)


def test_above_the_limit_a_histogram_of_months_links_to_where_they_are_listed() -> None:
    entries = [entry("a", "2001-05"), entry("b", "2002-01-03"), entry("c", "2002-01-09"),
               entry("d", "2003")]
    assert picture(entries, limit=3) == Overview(
        height=100, axis_y=78, top=6,
        ticks=(Tick(8.01, "Jul 2001", "start"), Tick(26.12, "Jan 2002"), Tick(43.94, "Jul"),
               Tick(62.06, "Jan 2003"), Tick(79.88, "Jul"), Tick(98.0, "Jan 2004", "end")),
        bands=(),
        bins=(Bin("May 2001", 1, 2.0, 3.05, 42, 36, "years/2001/index.html#month-2001-5"),
              Bin("January 2002", 2, 26.12, 3.06, 6, 72, "years/2002/index.html#month-2002-1"),
              # dated to the year only: a bar as wide as the year
              Bin("2003", 1, 62.06, 35.94, 42, 36, "years/2003/index.html#month-2003-0")))


def test_marks_that_would_need_more_than_twelve_rows_are_counted_instead() -> None:
    twelve = picture([entry(f"e{n:02d}", "2023-01-04") for n in range(12)])
    assert twelve is not None and (twelve.rows, len(twelve.marks), twelve.bins) == (12, 12, ())
    thirteen = picture([entry(f"e{n:02d}", "2023-01-04") for n in range(13)])
    assert thirteen is not None and thirteen.marks == ()
    assert thirteen.bins == (Bin("January 2023", 13, 2.0, 96.0, 6, 72,
                                 "years/2023/index.html#month-2023-1"),)


def test_above_the_limit_over_a_long_span_a_histogram_of_years() -> None:
    entries = [entry("a", "2001-05"), entry("b", "2012-01-03"), entry("c", "2012-01-09"),
               entry("d", "2013")]
    result = picture(entries, limit=3)
    assert result is not None and result.marks == ()
    assert result.bins == (Bin("2001", 1, 2.0, 5.08, 42, 36, "years/2001/index.html"),
                           Bin("2012", 2, 82.84, 7.59, 6, 72, "years/2012/index.html"),
                           Bin("2013", 1, 90.43, 7.57, 42, 36, "years/2013/index.html"))


def test_a_band_label_hangs_inwards_near_the_right_end() -> None:
    assert (Band("A", "", 10.0, 20.0, 0, 0).anchor, Band("A", "", 10.0, 20.0, 0, 0).label_x) \
        == ("start", 10.0)
    assert (Band("A", "", 70.0, 20.0, 0, 0).anchor, Band("A", "", 70.0, 20.0, 0, 0).label_x) \
        == ("end", 90.0)


def test_right_to_left_the_picture_is_mirrored_and_band_labels_still_hang_inwards() -> None:
    eras = (Era("X", parse_event_date("2003/2005")),
            Era("Y", parse_event_date("2004/2012"), "#abc"))
    drawn = picture([entry("a", "2000"), entry("b", "2004-06/2007-02"), entry("c", "2010")],
                    eras)
    assert drawn is not None
    # Every x is measured from the other edge: a tick's anchor is the text's start or
    # end, which an rtl page already reads from the right, so it stays as it is.
    assert mirror(drawn) == Overview(
        height=91, axis_y=69, top=50,
        ticks=(Tick(98.0, "2000", "start"), Tick(80.53, "2002"), Tick(63.09, "2004"),
               Tick(45.63, "2006"), Tick(28.19, "2008"), Tick(10.72, "2010", "end")),
        bands=(Band("X", "2003–2005", 45.63, 26.18, 0, 0, rtl=True),
               Band("Y", "2004–2012", 2.0, 61.09, 1, 22, "#abc", rtl=True)),
        marks=(Mark("a", "A", "2000", 93.63, 0.0, 0, 57),
               Mark("b", "B", "June 2004 – February 2007", 35.5, 23.96, 0, 57),
               Mark("c", "C", "2010", 6.36, 0.0, 0, 57)),
        rows=1, lanes=2)
    # X and Y start left of 60 % in reading order: a label hangs from its start, the right
    # edge (x + width), shifted 4 units inwards, to the left.
    x, y = mirror(drawn).bands
    assert (x.anchor, x.label_x, x.label_dx) == ("start", 71.81, -4)
    assert (y.anchor, y.label_x, y.label_dx) == ("start", 63.09, -4)
    # A band starting right of 60 % in reading order (here 70 %, drawn at 10 %) hangs its
    # label from its end, its left edge, shifted inwards to the right.
    late = Band("L", "", 10.0, 20.0, 0, 0, rtl=True)
    assert (late.anchor, late.label_x, late.label_dx) == ("end", 10.0, 4)
    assert mirror(mirror(drawn)) == drawn


def test_a_large_timeline_gets_bars_linking_to_pages_that_exist(
        make_project: MakeProject) -> None:
    files = {f"content/e{n:03d}.md": event(f"Event {n}", f'"{2020 + n // 100}-{1 + n % 12:02d}-01"')
             for n in range(160)}
    project = make_project(files)
    build(project, project / "site")
    site = project / "site"
    index = (site / "index.html").read_text(encoding="utf-8")
    assert 'class="chart-mark"' not in index
    links = re.findall(r'<a class="chart-bin" href="([^"]+)" aria-label="([^"]+)">', index)
    months = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")
    assert [label for _, label in links] == (
        [f"{m} 2020: {9 if n < 4 else 8} events" for n, m in enumerate(months)]  # 100 events
        + [f"{m} 2021: 5 events" for m in months])  # 60 events
    for href, _ in links:
        path, _, fragment = href.partition("#")
        page = (site / path).read_text(encoding="utf-8")
        assert f'id="{fragment}"' in page


def test_a_year_page_draws_its_own_events_and_the_eras_that_reach_into_it(
        example: Path) -> None:
    build(example, example / "site")
    page = (example / "site" / "years" / "2023" / "index.html").read_text(encoding="utf-8")
    hrefs = re.findall(r'<a class="chart-mark[^"]*" href="#([^"]+)"', page)
    ids = re.findall(r'<li class="entry[^"]*" id="([^"]+)"', page)
    assert hrefs and sorted(hrefs) == sorted(ids)
    bands = re.findall(r'<g class="chart-band" role="img" aria-label="([^"]+)"', page)
    assert bands == ["Era: Makiivka strike and its aftermath, c. 26 December 2022 – "
                     "5 January 2023"]  # the call-up ended with 2022
