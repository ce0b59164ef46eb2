"""EDTF levels 0 and 1 (Library of Congress, 2019): every example of the specification,
its label, order and EDTF form, checked against python-edtf as an oracle."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import MakeProject, event
from edtf import parse_edtf  # type: ignore[import-untyped]
from edtf.parser.parser_classes import (  # type: ignore[import-untyped]
    UnspecifiedIntervalSection,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from timeline.build import build
from timeline.dates.model import (
    DateError,
    DatePoint,
    EventDate,
    Missing,
    Precision,
    days_from_civil,
)
from timeline.dates.parse import parse_event_date
from timeline.site.filters import date_display

# The specification's examples, with the label each gets.
LEVEL_0 = [
    ("1985-04-12", "12 April 1985"),
    ("1985-04", "April 1985"),
    ("1985", "1985"),
    ("1985-04-12T23:20:30", "12 April 1985, 23:20:30 UTC"),
    ("1985-04-12T23:20:30Z", "12 April 1985, 23:20:30 UTC"),
    ("1985-04-12T23:20:30-04", "12 April 1985, 23:20:30 UTC-04:00"),
    ("1985-04-12T23:20:30+04:30", "12 April 1985, 23:20:30 UTC+04:30"),
    ("1964/2008", "1964–2008"),
    ("2004-06/2006-08", "June 2004 – August 2006"),
    ("2004-02-01/2005-02-08", "1 February 2004 – 8 February 2005"),
    ("2004-02-01/2005-02", "1 February 2004 – February 2005"),
    ("2004-02-01/2005", "1 February 2004 – 2005"),
    ("2005/2006-02", "2005 – February 2006"),
]
LEVEL_1 = [
    ("Y170000002", "170,000,002"),
    ("Y-170000002", "170,000,003 BC"),
    ("2001-21", "Spring 2001"),
    ("1984?", "1984?"),
    ("2004-06~", "c. June 2004"),
    ("2004-06-11%", "c. 11 June 2004?"),
    ("201X", "2010s"),
    ("20XX", "2000–2099, year unknown"),
    ("2004-XX", "2004, month unknown"),
    ("1985-04-XX", "April 1985, day unknown"),
    ("1985-XX-XX", "1985, month and day unknown"),
    ("1985-04-12/..", "from 12 April 1985 on"),
    ("1985-04/..", "from April 1985 on"),
    ("1985/..", "from 1985 on"),
    ("../1985-04-12", "until 12 April 1985"),
    ("../1985-04", "until April 1985"),
    ("../1985", "until 1985"),
    ("1985-04-12/", "from 12 April 1985, end unknown"),
    ("1985-04/", "from April 1985, end unknown"),
    ("1985/", "from 1985, end unknown"),
    ("/1985-04-12", "until 12 April 1985, start unknown"),
    ("/1985-04", "until April 1985, start unknown"),
    ("/1985", "until 1985, start unknown"),
    ("-1985", "1986 BC"),
]
MORE = [
    ("2001-22", "Summer 2001"),
    ("2001-23", "Autumn 2001"),
    ("2001-24", "Winter 2001"),
    # Qualified interval ends, from the specification's notes on intervals.
    ("1984~/2004-06", "c. 1984 – June 2004"),
    ("1984/2004-06~", "1984 – c. June 2004"),
    ("1984~/2004~", "c. 1984 – c. 2004"),
    ("1984?/2004%", "1984? – c. 2004?"),
    ("1984-06?/2004-08?", "June 1984? – August 2004?"),
    ("1984-06-02?/2004-08-08~", "2 June 1984? – c. 8 August 2004"),
    ("1984-06-02?/", "from 2 June 1984?, end unknown"),
    ("2004-06~/2004-06-11%", "c. June 2004 – c. 11 June 2004?"),
]
EXAMPLES = LEVEL_0 + LEVEL_1 + MORE
# The canonical EDTF we write where it differs: the zone resolved, offsets in full.
EDTF_OF = {"1985-04-12T23:20:30": "1985-04-12T23:20:30Z",
           "1985-04-12T23:20:30-04": "1985-04-12T23:20:30-04:00"}
# What python-edtf 5 cannot read of what we write; each is EDTF as the specification has it.
ORACLE_GAPS = {"201X/2020": "X digits in an interval", "Y10000/Y10001": "Y years in an interval"}


def days(y: int, m: int, d: int) -> int:
    return days_from_civil(y, m, d)


def our_bounds(point: DatePoint) -> tuple[int, int]:
    """Return the first and the last day a point can denote (days since 1970).

    A time counts as its local day, as python-edtf counts it; a winter ends in
    February (python-edtf ends it on 31 December: meteorological winter is ours).
    """
    if point.hour is not None:
        day = days(point.year, point.month or 1, point.day or 1)
        return day, day
    last = (point.end_key() - 1) // 86400
    if point.precision is Precision.SEASON and point.month == 12:
        last = days(point.year, 12, 31)
    return point.start_key() // 86400, last


def oracle_bounds(part: object) -> tuple[int, int]:
    """Return python-edtf's strict first and last day of a date."""
    low, high = part.lower_strict(), part.upper_strict()  # type: ignore[attr-defined]
    return days(*low[:3]), days(*high[:3])


def agrees(date: EventDate, text: str) -> None:
    """Assert that python-edtf reads `text` as the same bounds and qualifiers as `date`."""
    parsed = parse_edtf(text)
    if not hasattr(parsed, "lower") or not hasattr(parsed, "upper"):  # a single date
        assert date.missing_start is date.missing_end is date.end is None
        assert our_bounds(date.start) == oracle_bounds(parsed)
        assert (parsed.is_approximate or parsed.is_uncertain_and_approximate) \
            == date.start.approximate
        assert (parsed.is_uncertain or parsed.is_uncertain_and_approximate) \
            == date.start.uncertain
        return
    ends: list[tuple[object, Missing | None, DatePoint | None]] = [
        (parsed.lower, date.missing_start, None if date.missing_start else date.start),
        (parsed.upper, date.missing_end,
         date.start if date.missing_start else date.end)]
    for part, missing, point in ends:
        if isinstance(part, UnspecifiedIntervalSection):
            assert missing is (Missing.OPEN if part.is_open else Missing.UNKNOWN)
            continue
        assert missing is None and point is not None
        assert our_bounds(point) == oracle_bounds(part)


@pytest.mark.parametrize(("text", "label"), EXAMPLES, ids=[t for t, _ in EXAMPLES])
def test_every_example_of_the_specification_is_read_and_labelled(text: str, label: str) -> None:
    date = parse_event_date(text)
    assert date.label() == label
    assert date.edtf() == EDTF_OF.get(text, text)
    assert parse_event_date(date.edtf()) == date
    agrees(date, date.edtf())


def test_the_examples_count_as_the_issue_counts_them() -> None:
    assert (len(LEVEL_0), len(LEVEL_1)) == (13, 24)


@pytest.mark.parametrize(("text", "precision", "first", "after"), [
    ("201X", "decade", (2010, 1, 1), (2020, 1, 1)),
    ("20XX", "century", (2000, 1, 1), (2100, 1, 1)),
    ("000X", "decade", (0, 1, 1), (10, 1, 1)),
    ("2001-21", "season", (2001, 3, 1), (2001, 6, 1)),
    ("2001-22", "season", (2001, 6, 1), (2001, 9, 1)),
    ("2001-23", "season", (2001, 9, 1), (2001, 12, 1)),
    ("2001-24", "season", (2001, 12, 1), (2002, 3, 1)),  # meteorological winter
    ("2004-XX", "year", (2004, 1, 1), (2005, 1, 1)),
    ("1985-04-XX", "month", (1985, 4, 1), (1985, 5, 1)),
    ("1985-XX-XX", "year", (1985, 1, 1), (1986, 1, 1)),
    ("Y170000002", "year", (170000002, 1, 1), (170000003, 1, 1)),
    ("Y-170000002", "year", (-170000002, 1, 1), (-170000001, 1, 1)),
])
def test_new_forms_span_what_they_say(text: str, precision: str, first: tuple[int, int, int],
                                      after: tuple[int, int, int]) -> None:
    point = parse_event_date(text).start
    assert point.precision.name.lower() == precision
    assert (point.start_key(), point.end_key()) == (days(*first) * 86400, days(*after) * 86400)


def test_order_puts_coarser_and_startless_dates_first_and_deep_time_in_place() -> None:
    texts = ["Y-170000002", "-9999", "20XX", "200X", "../2001-03", "2001-21", "2001-03",
             "2001-03-XX", "2001-03-01", "2001-24", "Y170000002"]
    ordered = sorted((parse_event_date(t) for t in texts), key=EventDate.sort_key)
    assert [d.edtf() for d in ordered] == [
        "Y-170000002", "-9999", "20XX", "200X", "../2001-03", "2001-21", "2001-03",
        "2001-03-XX", "2001-03-01", "2001-24", "Y170000002"]


def test_an_open_start_sorts_at_its_end_and_an_open_end_at_its_start() -> None:
    assert parse_event_date("../1985-04-12").sort_key()[0] == days(1985, 4, 12) * 86400
    assert parse_event_date("1985/..").sort_key() == parse_event_date("1985").sort_key()


@pytest.mark.parametrize(("text", "message"), [
    ("201X-05", "invalid date '201X-05': a year with X digits or a Y prefix stands alone "
                "(months and days with them are EDTF level 2, not supported)"),
    ("Y170000002-05", "invalid date 'Y170000002-05': a year with X digits or a Y prefix "
                      "stands alone (months and days with them are EDTF level 2, not supported)"),
    ("Y2023", "invalid date 'Y2023': Y is for years of five digits or more, with no leading "
              "zero and no month: Y12345, Y-170000002 (write shorter years as 2023 or -0043)"),
    ("2004-XX-05", "invalid date '2004-XX-05': a day needs a month: write 2004-XX-XX when "
                   "both are unknown"),
    ("2001-25", "invalid date '2001-25': seasons 25-41 (hemispheres, quarters, halves) are "
                "EDTF level 2 and not supported: use 21 (spring), 22 (summer), 23 (autumn), "
                "24 (winter)"),
    ("2001-21-05", "invalid date '2001-21-05': month must be 1-12"),
    ("1985-04-XXT10:00", "invalid date '1985-04-XXT10:00': a time needs a full date with a day"),
    ("../..", "invalid date '../..': an interval needs a start or an end date"),
    ("/", "invalid date '/': an interval needs a start or an end date"),
    ("Y17E7", "invalid date 'Y17E7': write e.g. 2023-01-04, 2023-01-04T14:30, September 2022 "
              "or 4 January 2023"),
])
def test_level_2_and_broken_forms_are_refused(text: str, message: str) -> None:
    with pytest.raises(DateError) as error:
        parse_event_date(text)
    assert str(error.value) == message


@pytest.mark.parametrize(("text", "edtf"), [
    ("4 January 2023", "2023-01-04"),
    ("c. 4 January 2023?", "2023-01-04%"),
    ("-0043-03-15", "-0043-03-15"),
    ("2023-01-04 14:30 MSK", "2023-01-04T14:30:00+03:00"),  # EDTF times have seconds
    ("2023-01-04 14:30~", "2023-01-04~"),  # EDTF qualifies dates, not times
    ("2023-01-04 14:30/2023-01-04 16:00", "2023-01-04/2023-01-04"),  # nor times in intervals
    ("2022-12-26~/2023-01-01~", "2022-12-26~/2023-01-01~"),
    ("201X?", "201X?"),
    ("201X/2020", "201X/2020"),
    ("Y10000/Y10001", "Y10000/Y10001"),
])
def test_edtf_of_other_forms_parses_as_the_same_date(text: str, edtf: str) -> None:
    date = parse_event_date(text)
    assert date.edtf() == edtf
    if edtf in ORACLE_GAPS:
        assert parse_event_date(edtf) == date
        return
    agrees(date, edtf)


# --- python-edtf as an oracle on generated dates -------------------------------------------

def _date_text() -> st.SearchStrategy[str]:
    year = st.integers(-9999, 9999).map(lambda y: f"-{-y:04d}" if y < 0 else f"{y:04d}")
    # Days up to 28: python-edtf takes 29 February of any year.
    plain = st.tuples(year, st.integers(1, 12), st.integers(1, 28), st.integers(0, 2)).map(
        lambda t: t[0] + (f"-{t[1]:02d}" if t[3] else "") + (f"-{t[2]:02d}" if t[3] == 2
                                                                else ""))
    unspecified = st.tuples(st.integers(0, 9999), st.integers(1, 12)).flatmap(
        lambda t: st.sampled_from([f"{t[0] // 10:03d}X", f"{t[0] // 100:02d}XX",
                                   f"{t[0]:04d}-XX", f"{t[0]:04d}-{t[1]:02d}-XX",
                                   f"{t[0]:04d}-XX-XX"]))
    season = st.tuples(st.integers(0, 9999), st.integers(21, 24)).map(
        lambda t: f"{t[0]:04d}-{t[1]}")
    long = st.integers(10000, 10 ** 12).flatmap(
        lambda n: st.sampled_from([f"Y{n}", f"Y-{n}"]))
    return st.one_of(plain, unspecified, season, long)


def _qualified(text: str, mark: str) -> str:
    """Qualify a date, but not a Y year or a season: python-edtf reads those as level 2."""
    season = len(text) == 7 and text[5:7] in ("21", "22", "23", "24")
    return text if text.startswith("Y") or season else text + mark


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_bounds_and_qualifiers_agree_with_python_edtf(data: st.DataObject) -> None:
    mark = st.sampled_from(["", "", "?", "~", "%"])
    first = _qualified(data.draw(_date_text()), data.draw(mark))
    shape = data.draw(st.sampled_from(["single", "open-end", "unknown-end", "open-start",
                                       "unknown-start", "both"]))
    if shape != "single" and ("X" in first or first.startswith("Y")):
        shape = "single"  # python-edtf reads neither in intervals
    text = {"single": first, "open-end": f"{first}/..", "unknown-end": f"{first}/",
            "open-start": f"../{first}", "unknown-start": f"/{first}", "both": first}[shape]
    if shape == "both":
        second = _qualified(data.draw(_date_text()), data.draw(mark))
        if "X" in second or second.startswith("Y"):
            return
        text = f"{first}/{second}"
    try:
        oracle = parse_edtf(text)
        oracle.lower_strict() if not hasattr(oracle, "lower") else None
    except Exception:  # noqa: BLE001 - python-edtf refuses what it cannot read
        oracle = None
    try:
        date = parse_event_date(text)
    except DateError:
        assert oracle is None or shape == "both", text  # ours also refuses ends before starts
        return
    assert oracle is not None, text
    agrees(date, text)
    assert date.edtf() == text


# --- where dates are shown and exported ------------------------------------------------------

@pytest.mark.parametrize(("text", "before", "shown", "datetime", "after"), [
    ("1985/..", "from ", "1985", "1985", " on"),
    ("../1985-04-12", "until ", "12 April 1985", "1985-04-12", ""),
    ("1985/", "from ", "1985", "1985", ", end unknown"),
    ("/1985", "until ", "1985", "1985", ", start unknown"),
    ("201X", "", "2010s", None, ""),
    ("2001-21", "", "Spring 2001", None, ""),
    ("2004-XX", "", "2004, month unknown", "2004", ""),
    ("1985-04-XX", "", "April 1985, day unknown", "1985-04", ""),
    ("Y170000002", "", "170,000,002", "170000002", ""),
    ("Y-170000002", "", "170,000,003 BC", None, ""),
])
def test_date_display_says_what_is_known(text: str, before: str, shown: str,
                                         datetime: str | None, after: str) -> None:
    date = parse_event_date(text)
    display = date_display(date)
    assert (display.before, display.start.text, display.start.datetime, display.end,
            display.after) == (before, shown, datetime, None, after)
    assert display.before + display.start.text + display.after == date.label()


def test_events_json_and_timeline_json_carry_the_edtf_forms(
        make_project: MakeProject, tmp_path: Path) -> None:
    project = make_project({
        "content/open.md": event("Open", '"1985/.."'),
        "content/until.md": event("Until", '"../1985-04-12"'),
        "content/decade.md": event("Decade", '"201X"'),
        "content/spring.md": event("Spring", '"2001-21"'),
        "content/deep.md": event("Deep", '"Y-170000002"'),
    })
    build(project, tmp_path / "site", environ={})
    events = {e["slug"]: e for e in json.loads((tmp_path / "site" / "events.json").read_text())}
    assert [e["edtf"] for e in events.values()] == [
        "Y-170000002", "1985/..", "../1985-04-12", "2001-21", "201X"]
    assert events["open"]["date"] == {"start": "1985", "end": None}
    assert events["until"]["date"] == {"start": None, "end": "1985-04-12"}
    assert events["deep"]["display"] == "170,000,003 BC"
    for item in events.values():
        agrees(parse_event_date(item["edtf"]), item["edtf"])
    tl = {e["unique_id"]: e for e in
          json.loads((tmp_path / "site" / "timeline.json").read_text())["events"]}
    assert tl["open"]["start_date"] == {"year": 1985} and "end_date" not in tl["open"]
    assert tl["open"]["display_date"] == "from 1985 on"
    assert tl["until"]["start_date"] == {"year": 1985, "month": 4, "day": 12}
    assert "end_date" not in tl["until"]
    assert tl["until"]["display_date"] == "until 12 April 1985"
    assert tl["spring"]["start_date"] == {"year": 2001, "month": 3}
    assert tl["decade"]["start_date"] == {"year": 2010}
    assert tl["deep"]["start_date"] == {"year": -170000003}  # TimelineJS has no year 0
    page = (tmp_path / "site" / "events" / "until" / "index.html").read_text()
    assert 'until <time datetime="1985-04-12">12 April 1985</time>' in page
